"""Feed readers get the whole post, with links and images that work outside the site."""

import datetime

import feedparser
import pytest

from posts.feeds import absolute_links
from posts.models import Post
from tests.factories import CategoryFactory, PostFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db

FIGURE_BODY = (
    '<p>See <a href="/2024/01/01/earlier/">the earlier post</a> and <a href="#fig">the figure</a>.</p>'
    '<figure id="fig"><img src="/media/uploads/2024/03/courses.png" '
    'srcset="/media/uploads/2024/03/courses-480w.webp 480w, /media/uploads/2024/03/courses-960w.webp 960w" '
    'alt="Four courses of MS"><figcaption>The four courses</figcaption></figure>'
    '<p><a href="https://example.org/paper">The paper</a></p>'
)


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    # As sent: feedparser would otherwise resolve relative addresses and drop srcset itself.
    feed = feedparser.parse(response.content, resolve_relative_uris=False, sanitize_html=False)
    assert feed.bozo == 0, feed.get("bozo_exception")
    return response, feed


@pytest.fixture
def posts():
    author = UserFactory(username="gavin", first_name="Gavin", last_name="G")
    treatment = CategoryFactory(name="Treatment", slug="treatment")
    anti_cd20 = CategoryFactory(name="Anti-CD20", slug="anti-cd20", parent=treatment)
    tag = TagFactory(name="Rituximab", slug="rituximab")
    newest = PostFactory(
        title="Rituximab & SPMS, EDSS <6",
        author=author,
        body="Rituximab in **secondary progressive** MS.",
        excerpt="A trial summary.",
        published_at=datetime.datetime(2024, 3, 7, 9, tzinfo=datetime.UTC),
    )
    newest.categories.add(anti_cd20)
    newest.tags.add(tag)
    older = PostFactory(
        title="Vitamin D", author=author, published_at=datetime.datetime(2024, 3, 1, tzinfo=datetime.UTC)
    )
    older.categories.add(treatment)
    PostFactory(title="Draft in treatment", status=Post.Status.DRAFT).categories.add(treatment)
    return newest, older


def test_rss_feed_has_the_newest_public_posts_with_full_content(client, posts):
    newest, older = posts

    response, feed = parse(client, "/feed/")

    assert response["Content-Type"].startswith("application/rss+xml")
    assert feed.version == "rss20"
    assert feed.feed.link == "http://testserver/"
    assert [entry.title for entry in feed.entries] == ["Rituximab & SPMS, EDSS <6", "Vitamin D"]
    entry = feed.entries[0]
    assert entry.link == f"http://testserver{newest.get_absolute_url()}"
    assert entry.published_parsed[:4] == (2024, 3, 7, 9)
    assert "A trial summary." in entry.summary
    assert "<strong>secondary progressive</strong>" in entry.content[0].value
    assert {tag.term for tag in entry.tags} == {"Anti-CD20", "Rituximab"}
    assert "Draft in treatment" not in response.content.decode()


def test_atom_feed_parses_and_has_full_content(client, posts):
    newest, _ = posts

    response, feed = parse(client, "/feed/atom/")

    assert response["Content-Type"].startswith("application/atom+xml")
    assert feed.version == "atom10"
    assert [entry.title for entry in feed.entries] == ["Rituximab & SPMS, EDSS <6", "Vitamin D"]
    entry = feed.entries[0]
    assert entry.link == f"http://testserver{newest.get_absolute_url()}"
    assert entry.author == "Gavin G"
    assert "<strong>secondary progressive</strong>" in entry.content[0].value


def test_imported_posts_keep_their_wordpress_item_ids_so_readers_do_not_show_them_again(client):
    imported = PostFactory(title="From WordPress", legacy_id=1234)
    ours = PostFactory(title="Written here")

    response, feed = parse(client, "/feed/")
    _, atom = parse(client, "/feed/atom/")

    ids = {entry.title: entry.id for entry in feed.entries}
    assert ids == {
        "From WordPress": "http://testserver/?p=1234",
        "Written here": f"http://testserver{ours.get_absolute_url()}",
    }
    assert '<guid isPermaLink="false">http://testserver/?p=1234</guid>' in response.content.decode()
    assert {entry.title: entry.id for entry in atom.entries} == ids
    links = {entry.title: entry.link for entry in feed.entries}
    assert links["From WordPress"] == f"http://testserver{imported.get_absolute_url()}"


def test_category_feed_has_the_posts_of_the_category_and_its_subcategories(client, posts):
    _, feed = parse(client, "/category/treatment/feed/")
    _, child_feed = parse(client, "/category/treatment/anti-cd20/feed/")

    assert [entry.title for entry in feed.entries] == ["Rituximab & SPMS, EDSS <6", "Vitamin D"]
    assert "Treatment" in feed.feed.title
    assert feed.feed.link == "http://testserver/category/treatment/"
    assert [entry.title for entry in child_feed.entries] == ["Rituximab & SPMS, EDSS <6"]


def test_tag_feed_has_the_posts_with_the_tag(client, posts):
    _, feed = parse(client, "/tag/rituximab/feed/")

    assert [entry.title for entry in feed.entries] == ["Rituximab & SPMS, EDSS <6"]
    assert feed.feed.link == "http://testserver/tag/rituximab/"


def test_feeds_of_unknown_categories_and_tags_are_404(client):
    assert client.get("/category/nothing/feed/").status_code == 404
    assert client.get("/tag/nothing/feed/").status_code == 404


def test_empty_blog_still_has_a_valid_feed(client):
    _, feed = parse(client, "/feed/")

    assert feed.entries == []


def test_feed_content_has_absolute_links_and_image_addresses(client):
    post = PostFactory(title="Figure", published_at=datetime.datetime(2024, 3, 7, tzinfo=datetime.UTC))
    # Stored HTML as the renderer would produce it for an uploaded figure.
    Post.objects.filter(pk=post.pk).update(body_html=FIGURE_BODY)

    _, feed = parse(client, "/feed/")

    content = feed.entries[0].content[0].value
    assert 'src="http://testserver/media/uploads/2024/03/courses.png"' in content
    assert (
        "http://testserver/media/uploads/2024/03/courses-480w.webp 480w, "
        "http://testserver/media/uploads/2024/03/courses-960w.webp 960w"
    ) in content
    assert 'href="http://testserver/2024/01/01/earlier/"' in content
    assert f'href="http://testserver{post.get_absolute_url()}#fig"' in content
    assert 'href="https://example.org/paper"' in content


def test_feed_shows_an_uploaded_figure_with_absolute_image_addresses(client, figure_image):
    PostFactory(title="Four courses", body=f'Intro.\n\n[figure {figure_image.pk} caption="Courses a–d"]')

    response, feed = parse(client, "/feed/")
    _, atom = parse(client, "/feed/atom/")

    for content in [feed.entries[0].content[0].value, atom.entries[0].content[0].value]:
        assert f'src="http://testserver{figure_image.file.url}"' in content
        for width, url in figure_image.candidates("webp") + figure_image.candidates("png"):
            assert f"http://testserver{url} {width}w" in content
        assert '"/media/' not in content
        assert "<figcaption>Courses a–d</figcaption>" in content
    # A reader that sanitises (feedparser's default) still gets the absolute image address.
    assert f"http://testserver{figure_image.file.url}" in feedparser.parse(response.content).entries[0].content[0].value


def test_absolute_links_leaves_absolute_and_special_addresses_alone():
    html = '<a href="mailto:a@example.org">m</a><img src="data:image/png;base64,AAA" alt=""><a href=\'x/\'>r</a>'

    result = absolute_links(html, base_url="https://blog.example.org/2024/03/07/post/")

    assert 'href="mailto:a@example.org"' in result
    assert 'src="data:image/png;base64,AAA"' in result
    assert "href='https://blog.example.org/2024/03/07/post/x/'" in result


def test_every_page_advertises_the_feeds(client, posts):
    html = client.get("/").content.decode()
    category_html = client.get("/category/treatment/").content.decode()

    assert '<link rel="alternate" type="application/rss+xml" title="MS Research Notes (RSS)" href="/feed/">' in html
    assert 'type="application/atom+xml"' in html
    assert 'href="/category/treatment/feed/"' in category_html
