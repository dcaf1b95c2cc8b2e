"""One rule for a reader's address: the comment they post and the social-login rate limit count the same one.

Behind our proxy (one trusted hop), a reader cannot pick the address flood control and the login limits
see by sending their own X-Forwarded-For: only the hop our proxy appended counts, everywhere.
"""

import pytest
from django.core.cache import cache
from django.test import override_settings

from comments.models import Comment
from tests.comments.helpers import comment_data, post_url
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db

BEHIND_ONE_PROXY = {
    "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
    "ALLAUTH_TRUSTED_PROXY_COUNT": 1,
    "SOCIAL_LOGIN_RATE_LIMITS": {"start": 2, "callback": 2},
}
PROXY = "10.0.0.2"
READER = "203.0.113.50"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def through_proxy(forwarded_for: str) -> dict:
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded_for, "HTTP_X_FORWARDED_PROTO": "https"}


@override_settings(**BEHIND_ONE_PROXY)
def test_a_comment_and_the_login_limit_count_the_address_our_proxy_saw(client):
    post = PostFactory()

    response = client.post(post_url(post), comment_data(post), secure=True, **through_proxy(f"198.51.100.1, {READER}"))

    assert response.status_code == 302
    assert Comment.objects.get().ip_address == READER
    # The same reader, forging a different first hop each time, uses up one budget: theirs.
    for forged in ("198.51.100.2", "198.51.100.3"):
        started = client.post("/accounts/google/login/", secure=True, **through_proxy(f"{forged}, {READER}"))
        assert started.status_code == 302
    limited = client.post("/accounts/google/login/", secure=True, **through_proxy(f"198.51.100.4, {READER}"))
    assert limited.status_code == 429
    someone_else = client.post("/accounts/google/login/", secure=True, **through_proxy("203.0.113.77"))
    assert someone_else.status_code == 302


def test_without_a_proxy_a_forwarded_header_is_ignored_by_both(client):
    post = PostFactory()

    response = client.post(post_url(post), comment_data(post), REMOTE_ADDR="192.0.2.9", HTTP_X_FORWARDED_FOR=READER)

    assert response.status_code == 302
    assert Comment.objects.get().ip_address == "192.0.2.9"


@override_settings(**{**BEHIND_ONE_PROXY, "ALLAUTH_TRUSTED_PROXY_COUNT": 2})
def test_behind_two_proxies_the_comment_records_the_reader_not_our_first_proxy(client):
    post = PostFactory()

    # The reader's forged hop, the reader as our outer proxy saw them, then our outer proxy as the inner one saw it.
    response = client.post(
        post_url(post), comment_data(post), secure=True, **through_proxy(f"198.51.100.1, {READER}, 10.0.0.1")
    )

    assert response.status_code == 302
    assert Comment.objects.get().ip_address == READER
