"""A control character pasted into a title or a comment must not break the comment feeds for everyone."""

import feedparser
import pytest

from tests.factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db


def test_comment_feeds_leave_out_characters_xml_cannot_carry(client):
    post = PostFactory(title="Rituximab\x0b and B cells")
    CommentFactory(post=post, author_name="Ada\x0c Reader", body="Pasted from Word\x0b: thank you.")

    for url in ("/comments/feed/", post.get_absolute_url() + "feed/"):
        response = client.get(url)

        assert response.status_code == 200, url
        feed = feedparser.parse(response.content)
        assert not feed.bozo, (url, feed.get("bozo_exception"))
        assert "Rituximab and B cells" in feed.feed.title + feed.entries[0].title
