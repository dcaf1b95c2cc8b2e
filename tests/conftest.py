"""Shared fixtures for the whole suite."""

import pytest
from django.conf import settings


def pytest_report_header(config):
    db = settings.DATABASES["default"]
    return f"database: {db['ENGINE'].rsplit('.', 1)[-1]} ({db.get('NAME')})"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Each test writes uploads into its own folder, so files never leak between tests."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_footer_links():
    """The footer's lists are cached for a minute; a test never sees the lists of the test before it."""
    from posts.sidebar import forget_footer_links

    forget_footer_links()
