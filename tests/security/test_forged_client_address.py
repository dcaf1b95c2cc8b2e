"""Flood control counts the reader's real address: exactly the configured number of proxies is trusted."""

import pytest
from django.core.cache import cache
from django.test import Client

from comments.models import Comment
from tests.comments.helpers import comment_data, post_url
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"  # our load balancer, the peer every request comes from


@pytest.fixture(autouse=True)
def _flood_on(settings):
    settings.COMMENTS_FLOOD_SECONDS = 15
    cache.clear()
    yield
    cache.clear()


def post_via(forwarded_for: str, text: str, *, proxies: int = 1) -> int:
    post = PostFactory()
    client = Client(REMOTE_ADDR=PROXY, headers={"x-forwarded-for": forwarded_for, "x-forwarded-proto": "https"})
    return client.post(post_url(post), comment_data(post, comment=text), secure=True).status_code


@pytest.fixture
def behind_proxies(settings):
    def configure(count: int):
        settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        settings.ALLAUTH_TRUSTED_PROXY_COUNT = count

    return configure


def test_a_forged_forwarded_for_does_not_reset_the_count_behind_one_proxy(behind_proxies):
    behind_proxies(1)
    # The proxy appends the address it saw; whatever the client wrote is further left.
    assert post_via("198.51.100.1", "First.") == 302

    assert post_via("203.0.113.66, 198.51.100.1", "Forged one.") == 429
    assert post_via("203.0.113.77, 192.0.2.1, 198.51.100.1", "Forged two.") == 429
    assert Comment.objects.count() == 1


def test_without_a_proxy_forwarded_for_is_ignored(settings):
    assert post_via("198.51.100.1", "First.") == 302

    assert post_via("198.51.100.200", "Claiming another address.") == 429


@pytest.mark.parametrize(
    ("environment", "count"),
    [({}, "1"), ({"DJANGO_TRUSTED_PROXY_COUNT": "2"}, "2"), ({"DJANGO_BEHIND_PROXY": "false"}, "0")],
)
def test_production_trusts_exactly_the_configured_number_of_proxies(environment, count):
    from tests.security.test_environment_typos import PRODUCTION_SECRETS, run_manage

    script = "from django.conf import settings; print(getattr(settings, 'ALLAUTH_TRUSTED_PROXY_COUNT', 0))"
    result = run_manage("shell", "-c", script, DJANGO_ENV="production", **PRODUCTION_SECRETS, **environment)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == count


def test_behind_two_proxies_the_reader_is_the_second_entry_from_the_right(behind_proxies):
    behind_proxies(2)
    assert post_via("198.51.100.1, 10.0.0.9", "First.") == 302
    # A client that writes its own entries further left is still counted at the address our first proxy saw.
    assert post_via("203.0.113.66, 198.51.100.1, 10.0.0.9", "Forged.") == 429
    assert post_via("198.51.100.2, 10.0.0.9", "Another reader.") == 302


def test_a_forwarded_for_shorter_than_the_proxy_chain_is_counted_at_the_peer_not_a_server_error(behind_proxies):
    behind_proxies(2)
    # One entry where two proxies should have written two: the request skipped a proxy. Not a 500.
    assert post_via("198.51.100.1", "First.") == 302
    assert post_via("198.51.100.3", "Same peer, another claim.") == 429
