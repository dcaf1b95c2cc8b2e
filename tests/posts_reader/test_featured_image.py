"""A post's featured image: shown on lists, in link previews (OpenGraph) and in feeds."""

import feedparser
import pytest
from django.urls import reverse

from tests.factories import PostFactory, TagFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def illustrated(figure_image):
    tag = TagFactory(name="Imaging", slug="imaging")
    post = PostFactory(title="Courses of MS", slug="courses", featured_image=figure_image)
    post.tags.add(tag)
    return post


def test_lists_show_the_featured_image_as_a_responsive_decorative_picture(client, illustrated, figure_image):
    PostFactory(title="No picture")

    for url in ("/", reverse("posts:tag", args=["imaging"])):
        html = client.get(url).content.decode()
        assert html.count('class="entry-thumbnail"') == 1, url
        assert f'href="{illustrated.get_absolute_url()}" tabindex="-1" aria-hidden="true"' in html
        assert figure_image.url_for_width(960) in html
        assert 'type="image/webp"' in html
        assert 'alt=""' in html


def test_the_post_page_announces_the_featured_image_to_link_previews(client, illustrated, figure_image):
    html = client.get(illustrated.get_absolute_url()).content.decode()

    assert f'<meta property="og:image" content="http://testserver{figure_image.file.url}">' in html
    assert f'<meta property="og:image:alt" content="{figure_image.alt_text}">' in html


def test_rss_carries_the_featured_image_as_media_content(client, illustrated, figure_image):
    response = client.get("/feed/")
    feed = feedparser.parse(response.content)

    assert feed.bozo == 0
    (item,) = feed.entries
    assert item.media_content[0]["url"] == f"http://testserver{figure_image.url_for_width(960)}"
    assert item.media_content[0]["medium"] == "image"
    assert item.media_content[0]["type"] == "image/png"
    assert f"<media:description>{figure_image.alt_text}</media:description>" in response.content.decode()


def test_atom_carries_the_featured_image_as_an_enclosure(client, illustrated, figure_image):
    feed = feedparser.parse(client.get("/feed/atom/").content)

    (item,) = feed.entries
    assert item.enclosures[0]["href"] == f"http://testserver{figure_image.url_for_width(960)}"
    assert item.enclosures[0]["type"] == "image/png"


def test_posts_without_a_featured_image_carry_none(client):
    PostFactory()

    assert "media:content" not in client.get("/feed/").content.decode()
    assert 'rel="enclosure"' not in client.get("/feed/atom/").content.decode()
    assert "entry-thumbnail" not in client.get("/").content.decode()
