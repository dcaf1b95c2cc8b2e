"""Addresses under a post that a reader (or a scanner) can mangle: never a 500, on any database."""

import pytest

from tests.factories import PostFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("suffix", ["feed/", "comment-page-2/"])
def test_a_nul_byte_in_the_slug_is_not_found(client, suffix):
    post = PostFactory()
    mangled = post.get_absolute_url().rstrip("/") + "%00/" + suffix

    assert client.get(mangled).status_code == 404


def test_the_post_comment_feed_still_answers_at_its_wordpress_address(client):
    post = PostFactory()

    response = client.get(post.get_absolute_url() + "feed/")

    assert response.status_code == 200
    assert post.title in response.content.decode()
