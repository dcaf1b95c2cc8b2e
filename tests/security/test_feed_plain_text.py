"""Feed readers that render titles as HTML find no markup: names, titles and category text are plain text."""

import xml.etree.ElementTree as ET

import pytest
from django.test import override_settings

from tests.factories import CategoryFactory, CommentFactory, PostFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
IMG = '<img src=x onerror="alert(2)">'
# Elements a reader shows as text (RSS, Dublin Core and Atom).
PLAIN_ELEMENTS = (
    "channel/title",
    "channel/description",
    "channel/item/title",
    "channel/item/category",
    "channel/item/{http://purl.org/dc/elements/1.1/}creator",
    "{http://www.w3.org/2005/Atom}title",
    "{http://www.w3.org/2005/Atom}subtitle",
    "{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}title",
    "{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}author/{http://www.w3.org/2005/Atom}name",
    "{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}category",
)


@pytest.fixture
def hostile_site():
    author = UserFactory(username="mallory", first_name=f"{IMG}Mal", last_name="Lory")
    category = CategoryFactory(name=f"{SCRIPT}Treatment", slug="treatment", description=f"{IMG}<b>All</b> treatments")
    tag = TagFactory(name=f"{IMG}Rituximab", slug="rituximab")
    post = PostFactory(title=f"{SCRIPT}Rituximab {IMG}for SPMS", author=author)
    post.categories.add(category)
    post.tags.add(tag)
    CommentFactory(post=post, author_name=f"{SCRIPT}Eve{IMG}")
    return post


def _plain_texts(xml: bytes) -> list[str]:
    root = ET.fromstring(xml)
    texts = []
    for path in PLAIN_ELEMENTS:
        for element in root.findall(path):
            texts.append(element.text or "")
            texts.append(element.get("term", ""))  # Atom categories carry their text in term
    return texts


@override_settings(SITE_NAME=f"{IMG}The MS blog", SITE_TAGLINE=f"{SCRIPT}Notes on MS")
@pytest.mark.parametrize(
    "url",
    ["/feed/", "/feed/atom/", "/category/treatment/feed/", "/tag/rituximab/feed/", "/comments/feed/", "post-comments"],
)
def test_every_plain_text_field_of_every_feed_has_no_markup(client, hostile_site, url):
    if url == "post-comments":
        url = hostile_site.get_absolute_url() + "feed/"
    response = client.get(url)
    assert response.status_code == 200

    texts = _plain_texts(response.content)

    assert any(texts), "the feed has plain-text fields to check"
    for text in texts:
        assert "<" not in text, (url, text)
        assert "alert" not in text, (url, text)  # script content goes with the tags, as wp_strip_all_tags does


def test_the_text_around_the_markup_is_kept(client, hostile_site):
    root = ET.fromstring(client.get("/feed/").content)
    item = root.find("channel/item")
    assert item.findtext("title") == "Rituximab for SPMS"
    assert sorted(element.text for element in item.findall("category")) == ["Rituximab", "Treatment"]
    assert item.findtext("{http://purl.org/dc/elements/1.1/}creator") == "Mal Lory"
    comments = ET.fromstring(client.get("/comments/feed/").content)
    assert comments.find("channel/item/{http://purl.org/dc/elements/1.1/}creator").text == "Eve"


def test_category_feed_description_is_plain_text(client, hostile_site):
    root = ET.fromstring(client.get("/category/treatment/feed/").content)
    assert root.findtext("channel/description") == "All treatments"


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/", "/comments/feed/"])
def test_every_feed_links_to_the_canonical_origin_whatever_host_was_asked(client, settings, url):
    settings.SITE_URL = "https://ms.example.org"
    settings.ALLOWED_HOSTS = ["*"]
    CommentFactory(post=PostFactory(title="Linked"))

    body = client.get(url, HTTP_HOST="evil.example.com").content.decode()

    assert "evil.example.com" not in body
    assert "https://ms.example.org/" in body
