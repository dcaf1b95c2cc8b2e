"""Tests: fast hashing, memory cache and mail, media in a temporary folder; database from DATABASE_URL."""

import os
import socket
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .social import CREDENTIAL_VARIABLES, endpoint_settings, social_providers


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


DEBUG = False
SECRET_KEY = "test-only-secret-key-that-is-long-enough-for-django-checks-0123456789"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1", "[::1]"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
}
# Off by default, so a test that reads a page twice measures the page, not the cache;
# the `page_cache` fixture (tests/conftest.py) turns it on.
PAGE_CACHE_ENABLED = False
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Tasks run at once, in the request that enqueued them after its commit (captureOnCommitCallbacks in tests).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": [TASKS_QUEUE]}}  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="mssite-test-media-"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Social login: every provider is configured with test credentials and points at the fake OAuth server
# of tests/fakes (started on 127.0.0.1 by the browser tests; unit tests fake it with `responses`).
# allauth reads Google's and Facebook's URLs when it is imported, so they must be set here.
FAKE_OAUTH_SERVER = f"http://127.0.0.1:{os.environ.get('FAKE_OAUTH_PORT') or _free_port()}"
SOCIAL_LOGIN_TEST_CREDENTIALS = {
    "WORDPRESS_COM_CLIENT_ID": "test-wordpress-client",
    "WORDPRESS_COM_CLIENT_SECRET": "test-wordpress-secret",
    "GOOGLE_CLIENT_ID": "test-google-client",
    "GOOGLE_CLIENT_SECRET": "test-google-secret",
    "X_CLIENT_ID": "test-x-client",
    "X_CLIENT_SECRET": "test-x-secret",
    "FACEBOOK_APP_ID": "test-facebook-app",
    "FACEBOOK_APP_SECRET": "test-facebook-secret",
}
SOCIALACCOUNT_PROVIDERS = social_providers(
    SOCIAL_LOGIN_TEST_CREDENTIALS,
    endpoints={
        provider_id: endpoint_settings(provider_id, authorize_base=FAKE_OAUTH_SERVER, api_base=FAKE_OAUTH_SERVER)
        for provider_id in CREDENTIAL_VARIABLES
    },
)
