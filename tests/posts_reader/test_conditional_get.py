"""Feed readers and browsers that already have a page ask "changed since?" and get a bodiless 304 when not."""

import pytest
from django.test import Client

from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db


def addresses(post) -> list[str]:
    return [post.get_absolute_url(), "/feed/", "/feed/atom/", f"{post.get_absolute_url()}feed/", "/comments/feed/"]


def test_posts_and_feeds_answer_304_while_nothing_changed(page_cache, post):
    reader = Client()
    for url in addresses(post):
        first = reader.get(url)
        assert first.status_code == 200
        assert first["ETag"]
        assert first["Last-Modified"]
        by_etag = reader.get(url, headers={"If-None-Match": first["ETag"]})
        assert by_etag.status_code == 304, url
        assert by_etag.content == b""
        by_date = reader.get(url, headers={"If-Modified-Since": first["Last-Modified"]})
        assert by_date.status_code == 304, url


def test_a_change_makes_the_next_conditional_request_a_full_200(page_cache, post):
    reader = Client()
    first = reader.get(post.get_absolute_url())
    CommentFactory(post=post, body="A new reply about infusions.")
    again = reader.get(
        post.get_absolute_url(),
        headers={"If-None-Match": first["ETag"], "If-Modified-Since": first["Last-Modified"]},
    )
    assert again.status_code == 200
    assert b"A new reply about infusions." in again.content
    assert again["ETag"] != first["ETag"]


def test_a_signed_in_reader_gets_an_etag_of_their_own_page(page_cache, post, admin_user):
    reader = Client()
    reader.force_login(admin_user)
    first = reader.get("/feed/")
    assert first["ETag"]
    assert reader.get("/feed/", headers={"If-None-Match": first["ETag"]}).status_code == 304


def test_a_browser_that_accepts_gzip_gets_the_page_compressed_once_and_the_same_page(page_cache, post):
    import gzip

    reader = Client()
    plain = reader.get(post.get_absolute_url())
    for _ in range(2):  # stored compressed when first rendered, then served from the cache
        packed = reader.get(post.get_absolute_url(), headers={"Accept-Encoding": "gzip, deflate, br"})
        assert packed["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in packed["Vary"]
        assert gzip.decompress(packed.content) == plain.content
        assert int(packed["Content-Length"]) == len(packed.content)
        assert packed["ETag"] != plain["ETag"]
    again = reader.get(post.get_absolute_url(), headers={"Accept-Encoding": "gzip", "If-None-Match": packed["ETag"]})
    assert again.status_code == 304
