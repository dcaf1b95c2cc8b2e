"""Feeds stay readable XML whatever was pasted into a title: the same characters are left out as in the export."""

import xml.etree.ElementTree as ET

import pytest

from tests.factories import CommentFactory, PostFactory

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
