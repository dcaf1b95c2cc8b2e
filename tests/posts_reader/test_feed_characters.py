"""Feeds stay readable XML whatever was pasted into a title: the same characters are left out as in the export."""

import xml.etree.ElementTree as ET

import feedparser
import pytest

from tests.factories import CategoryFactory, CommentFactory, PostFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("character", ["\ufffe", "\uffff", "\x0b"])
def test_a_non_character_in_a_title_leaves_every_feed_well_formed(client, character):
    post = PostFactory(title=f"Fatigue{character} and heat")
    CommentFactory(post=post, status="approved", author_name=f"Ada{character}")

    for url in ("/feed/", "/feed/atom/", "/comments/feed/", f"{post.get_absolute_url()}feed/"):
        response = client.get(url)
        assert response.status_code == 200, url
        document = ET.fromstring(response.content)  # raises on a character XML cannot carry
        assert "Fatigue and heat" in ET.tostring(document, encoding="unicode"), url


PASTED = "Relapses\x0bper year\x1b"  # a vertical tab from a word processor, an escape from a terminal


@pytest.mark.parametrize("where", ["title", "body", "excerpt", "category", "tag", "author's name"])
def test_a_control_character_pasted_into_a_post_does_not_break_the_feeds(client, where):
    """XML cannot carry such characters: they are left out of the feed instead of breaking it for everyone."""
    fields = {"title": "Relapse rates", "body": "Relapse rates fall.", "excerpt": ""}
    if where in fields:
        fields[where] = PASTED
    author = UserFactory(username="gavin", first_name=PASTED if where == "author's name" else "Gavin", last_name="G")
    post = PostFactory(author=author, **fields)
    post.categories.add(CategoryFactory(name=PASTED if where == "category" else "Treatment", slug="treatment"))
    post.tags.add(TagFactory(name=PASTED if where == "tag" else "Relapses", slug="relapses"))

    for url in ["/feed/", "/feed/atom/", "/category/treatment/feed/", "/tag/relapses/feed/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        feed = feedparser.parse(response.content)
        assert feed.bozo == 0, url
        assert len(feed.entries) == 1, url
        assert "\x0b" not in response.content.decode(), url
    rss = feedparser.parse(client.get("/feed/").content).entries[0]
    if where == "title":
        assert rss.title == "Relapsesper year"
    if where in ("category", "tag"):
        assert "Relapsesper year" in {tag.term for tag in rss.tags}
