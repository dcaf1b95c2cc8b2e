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
def _fresh_site_caches():
    """The footer's lists and the avatar choice are cached; a test never sees those of the test before it."""
    from comments.avatars import forget_avatar_source
    from posts.sidebar import forget_footer_links

    forget_footer_links()
    forget_avatar_source()
