import pytest

from tests.reliability.embedded import EmbeddedSite


@pytest.fixture(scope="session")
def embedded_site(tmp_path_factory):
    """One migrated embedded site (SQLite file, no Redis) shared by the tests that run it in several processes."""
    return EmbeddedSite(tmp_path_factory.mktemp("embedded"))
