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


@pytest.fixture(scope="session")
def s3_endpoint_url():
    """A local S3 endpoint (moto's server mode) on a free loopback port, for the whole run."""
    from tests.fakes.s3 import s3_endpoint

    with s3_endpoint() as url:
        yield url


@pytest.fixture
def s3_media(settings, s3_endpoint_url):
    """Media on object storage (MEDIA_STORAGE=s3) in a bucket of the test's own; yields the boto3 bucket."""
    import uuid

    import boto3

    from tests.fakes import s3

    name = f"media-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(s3_endpoint_url, name)
    settings.STORAGES = {**settings.STORAGES, "default": s3.storage_options(s3_endpoint_url, name)}
    resource = boto3.resource(
        "s3",
        endpoint_url=s3_endpoint_url,
        aws_access_key_id=s3.ACCESS_KEY,
        aws_secret_access_key=s3.SECRET_KEY,
        region_name=s3.REGION,
    )
    return resource.Bucket(name)


@pytest.fixture(autouse=True)
def _fresh_site_caches():
    """The footer's lists and the avatar choice are cached; a test never sees those of the test before it."""
    from comments.models import DiscussionSettings
    from posts.sidebar import forget_footer_links

    forget_footer_links()
    DiscussionSettings.forget_avatar_source()


@pytest.fixture
def page_cache(settings):
    """The full-page cache on, as in production (the test settings leave it off), empty at the start."""
    from django.core.cache import caches

    from posts.pagecache import local_copies

    settings.PAGE_CACHE_ENABLED = True
    caches["pages"].clear()
    local_copies.clear()
    yield caches["pages"]
    caches["pages"].clear()
    local_copies.clear()


@pytest.fixture
def database_queue(settings):
    """Tasks go to the database queue, as with `make run`, instead of running at once (tests/queue.py runs them)."""
    from tests.queue import DATABASE_QUEUE

    settings.TASKS = DATABASE_QUEUE


@pytest.fixture
def empty_default_cache():
    """Flood control and rate limits live in the default cache: a story that needs them quiet starts empty."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole run (tests/chromium.py says why there can be only one)."""
    from tests.chromium import launch_browser

    yield from launch_browser()
