"""Audit of the publishing issue from a reader's side: what the other reader tests did not yet prove.

Every archive paginates the same way, a hidden post leaks through no list or feed, stored HTML is what
readers get, and nothing a reader types into an address or a query string answers 500.
"""

import datetime
import re
from pathlib import Path

import feedparser
import pytest
from django.test import Client
from django.utils import timezone

from posts.models import Page, Post
from posts.services import add_image
from tests.factories import CategoryFactory, CommentFactory, PageFactory, PostFactory, TagFactory, UserFactory
from tests.posts_authoring.imagefiles import image_bytes, upload

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def at(year, month, day, hour=12) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=datetime.UTC)


def titles(response) -> list[str]:
    return [post.title for post in response.context["posts"]]


# Pagination: every list a reader can open pages the same way, as WordPress does.

ARCHIVES = {
    "front page": "/",
    "year": "/2024/",
    "month": "/2024/03/",
    "day": "/2024/03/07/",
    "category": "/category/treatment/",
    "nested category": "/category/treatment/anti-cd20/",
    "tag": "/tag/rituximab/",
    "author": "/author/gavin/",
    "search": "/?s=rituximab",
}


@pytest.fixture
def twelve_posts_on_one_day():
    """Twelve public posts on 7 March 2024 by one author, in one nested category and one tag."""
    gavin = UserFactory(username="gavin")
    treatment = CategoryFactory(name="Treatment", slug="treatment")
    anti_cd20 = CategoryFactory(name="Anti-CD20", slug="anti-cd20", parent=treatment)
    rituximab = TagFactory(name="Rituximab", slug="rituximab")
    for hour in range(12):
        post = PostFactory(title=f"Rituximab note {hour:02d}", author=gavin, published_at=at(2024, 3, 7, hour))
        post.categories.add(anti_cd20)
        post.tags.add(rituximab)


def split_query(url: str) -> tuple[str, str]:
    path, _, query = url.partition("?")
    return path, f"?{query}" if query else ""


@pytest.mark.parametrize("url", ARCHIVES.values(), ids=ARCHIVES.keys())
def test_every_archive_shows_ten_posts_a_page_and_links_to_the_older_ones(client, twelve_posts_on_one_day, url):
    path, query = split_query(url)

    first = client.get(url)
    second = client.get(f"{path}page/2/{query}")
    beyond = client.get(f"{path}page/3/{query}")
    page_one = client.get(f"{path}page/1/{query}")

    assert first.status_code == 200
    assert len(titles(first)) == 10
    assert f'href="{path}page/2/{query}"' in first.content.decode()
    assert second.status_code == 200
    assert sorted(titles(second)) == ["Rituximab note 00", "Rituximab note 01"]
    assert f'href="{path}{query}"' in second.content.decode()  # back to the newer posts
    assert set(titles(first)).isdisjoint(titles(second))
    assert beyond.status_code == 404
    assert "Page not found" in beyond.content.decode()
    assert page_one.status_code == 301
    assert page_one.url == url


def test_second_page_of_an_archive_names_itself_as_canonical(client, twelve_posts_on_one_day):
    html = client.get("/category/treatment/anti-cd20/page/2/").content.decode()

    assert '<link rel="canonical" href="http://testserver/category/treatment/anti-cd20/page/2/">' in html


# One visibility rule: a hidden post is in no list, no feed, no search and no neighbour link.

HIDDEN = {
    "draft": {"status": Post.Status.DRAFT},
    "pending": {"status": Post.Status.PENDING},
    "private": {"status": Post.Status.PRIVATE},
    "scheduled": {"status": Post.Status.PUBLISHED, "published_at": timezone.now() + datetime.timedelta(days=3)},
}


@pytest.mark.parametrize("kind", HIDDEN)
def test_a_hidden_post_is_in_no_archive_feed_search_or_neighbour_link(client, kind):
    gavin = UserFactory(username="gavin")
    treatment = CategoryFactory(name="Treatment", slug="treatment")
    rituximab = TagFactory(name="Rituximab", slug="rituximab")
    now = timezone.now()
    public = PostFactory(title="Public rituximab note", author=gavin, published_at=now - datetime.timedelta(hours=2))
    hidden = PostFactory(
        title="Secret rituximab note",
        author=gavin,
        **{"published_at": now - datetime.timedelta(hours=1), **HIDDEN[kind]},
    )
    for post in (public, hidden):
        post.categories.add(treatment)
        post.tags.add(rituximab)
    day = public.publish_date

    pages = [
        "/",
        f"/{day:%Y}/",
        f"/{day:%Y/%m}/",
        f"/{day:%Y/%m/%d}/",
        "/category/treatment/",
        "/tag/rituximab/",
        "/author/gavin/",
        "/?s=rituximab",
        public.get_absolute_url(),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Secret rituximab note" not in response.content.decode(), url
    for url in ["/feed/", "/feed/atom/", "/category/treatment/feed/", "/tag/rituximab/feed/"]:
        feed = feedparser.parse(client.get(url).content)
        assert [entry.title for entry in feed.entries] == ["Public rituximab note"], url
    assert "Secret" not in client.get("/sitemap.xml").content.decode()


# The post as stored.


def test_readers_get_the_html_stored_on_save_not_a_fresh_rendering(client):
    """Bodies are rendered once, when saved; a reader's request never runs Markdown."""
    post = PostFactory(body="Written in *Markdown*.")
    assert post.body_html == "<p>Written in <em>Markdown</em>.</p>"
    Post.objects.filter(pk=post.pk).update(body="Changed behind the renderer's back.")

    html = client.get(post.get_absolute_url()).content.decode()

    assert "<p>Written in <em>Markdown</em>.</p>" in html
    assert "behind the renderer" not in html


def test_the_same_slug_may_be_used_on_two_different_days(client):
    """Slugs are unique per publish date, as on WordPress: a yearly update may keep its name."""
    PostFactory(title="ECTRIMS 2023 round-up", slug="ectrims-round-up", published_at=at(2023, 10, 15))
    PostFactory(title="ECTRIMS 2024 round-up", slug="ectrims-round-up", published_at=at(2024, 9, 20))

    assert "ECTRIMS 2023 round-up" in client.get("/2023/10/15/ectrims-round-up/").content.decode()
    assert "ECTRIMS 2024 round-up" in client.get("/2024/09/20/ectrims-round-up/").content.decode()


def test_an_edited_post_tells_search_engines_when_it_was_updated(client, time_machine):
    time_machine.move_to(at(2024, 3, 7, 9), tick=False)
    post = PostFactory(title="Rituximab", published_at=at(2024, 3, 7, 9), excerpt="A summary.")
    time_machine.move_to(at(2024, 4, 2, 15), tick=False)
    post.body = "Updated with the two-year results."
    post.save()

    html = client.get(post.get_absolute_url()).content.decode()

    assert '<meta property="article:published_time" content="2024-03-07T09:00:00+00:00">' in html
    assert '<meta property="article:modified_time" content="2024-04-02T15:00:00+00:00">' in html
    assert '"dateModified": "2024-04-02T15:00:00+00:00"' in html


def test_a_wordpress_id_shared_by_two_posts_is_refused():
    PostFactory(legacy_id=1234)

    with pytest.raises(Exception, match="(?i)unique"):
        PostFactory(legacy_id=1234)


# Static pages.


def test_a_new_static_page_has_comments_off_and_shows_no_reply_form(client):
    disclaimer = Page.objects.create(
        title="Disclaimer", slug="disclaimer", body="This blog is not medical advice.", status=Page.Status.PUBLISHED
    )

    html = client.get("/disclaimer/").content.decode()

    assert disclaimer.comments_open is False
    assert "This blog is not medical advice." in html
    assert 'id="respond"' not in html
    assert "Leave a Reply" not in html
    assert 'name="comment"' not in html


# Query budgets with what the issue pictures: a featured image on every post.


def small_picture(number: int):
    """A 300 × 200 PNG (too narrow for renditions, so quick to make)."""
    return add_image(
        file=upload(image_bytes("PNG", size=(300, 200)), f"pic-{number}.png"), alt_text=f"Picture {number}"
    )


@pytest.mark.parametrize("posts", [2, 12], ids=["two posts", "twelve posts"])
def test_front_page_and_post_page_queries_do_not_grow_with_featured_images(client, django_assert_num_queries, posts):
    """The same budgets as test_query_counts (6 and 9), with a featured image and a figure in every post."""
    PageFactory(title="About")
    created = []
    for number in range(posts):
        picture = small_picture(number)
        post = PostFactory(
            body=f"Intro.\n\n[figure {picture.pk}]\n\nMore.",
            featured_image=picture,
            published_at=timezone.now() - datetime.timedelta(days=number + 1),
        )
        post.categories.add(CategoryFactory())
        post.tags.add(TagFactory())
        CommentFactory(post=post)
        created.append(post)
    middle = created[len(created) // 2]
    client.get("/")
    client.get(middle.get_absolute_url())

    with django_assert_num_queries(6):
        home = client.get("/")
    with django_assert_num_queries(9):  # the query-count test's POST_QUERIES
        single = client.get(middle.get_absolute_url())

    assert home.status_code == single.status_code == 200
    assert single.content.decode().count("<figure") == 1


# The screenshots the browser test takes are the ones the README shows.


def test_readme_shows_the_home_and_post_screenshots_the_browser_test_saves():
    readme = (ROOT / "README.md").read_text()

    for name in ("home", "post"):
        assert re.search(rf"!\[[^\]]+\]\(docs/screenshots/{name}\.png\)", readme), name
        assert (ROOT / "docs" / "screenshots" / f"{name}.png").stat().st_size > 10_000, name


def test_make_run_loads_the_demo_so_the_home_page_is_never_an_empty_shell():
    makefile = (ROOT / "Makefile").read_text()

    run_recipe = re.search(r"^run:.*?\n((?:\t.*\n)+)", makefile, re.MULTILINE).group(1)
    assert "manage.py load_demo" in run_recipe


# Nothing a reader can type gives a 500: odd query strings, huge numbers, encoded junk in slugs.

ODD_ADDRESSES = [
    # WordPress's ?p= and ?page_id= links with things that are not IDs.
    "/?p=abc",
    "/?p=99999999999999999999",
    "/?p=%C2%B2",  # "²": a digit to str.isdigit(), not to int()
    "/?p=%E2%91%A0",  # "①"
    "/?p=%D9%A1%D9%A2",  # Arabic-Indic "12"
    "/?p=%EF%BC%91",  # full-width "1"
    "/?p=%00",
    "/?p=+1",
    "/?p=1.0",
    "/?p=1&p=2",
    "/?page_id=-1",
    "/?page_id=%C2%B2",
    "/?page_id=%E2%91%A0",
    "/?page_id=99999999999999999999",
    # Searches.
    "/?s=" + "a" * 10_000,
    "/?s=%00",
    "/?s=%ff%fe",
    "/?s=a&s=b",
    "/page/2/?s=" + "x" * 10_000,
    # Page numbers.
    "/page/999999999999999999999/",
    "/page/999999999999999999999/?s=real",
    "/category/news/page/99999999999999999999999/",
    "/tag/trial/page/0/",
    "/category/news/?page=abc",
    "/category/news/?page=last",
    "/tag/trial/?page=0",
    "/2024/?page=99999999999999999999",
    "/author/gavin/?page=%C2%B2",
    # Dates that cannot be.
    "/0000/",
    "/0000/01/",
    "/0000/01/01/",
    "/9999/",
    "/9999/12/",
    "/9999/12/31/",
    "/9999/12/31/page/2/",
    "/2024/00/",
    "/2024/13/",
    "/2024/03/00/",
    "/2024/03/32/",
    "/2024/02/30/",
    "/0000/00/00/real/",
    "/9999/12/31/real/",
    # Encoded junk and huge slugs.
    "/2024/03/07/%ff/",
    "/2024/03/07/%C0%AF/",
    "/2024/03/07/" + "a" * 5000 + "/",
    "/category/%ff/",
    "/category/%ff/feed/",
    "/category/news/" + "x/" * 600,
    "/category/%2e%2e/",
    "/tag/%ff/",
    "/tag/%ff/feed/",
    "/tag/%2F/",
    "/author/%ff/",
    "/%ff/",
    "/%ff/%fe/",
    "/%E2%80%AE/",
    "/" + "y" * 5000 + "/",
    "/preview/0/",
    "/preview/99999999999999999999/",
    # WordPress query links this site does not answer: the front page, not an error.
    "/?cat=3",
    "/?tag=x",
    "/?author=1",
    "/?m=202403",
    "/?paged=2",
    "/?attachment_id=5",
    "/2024/03/07/real/?replytocom=%C2%B2",
    "/2024/03/07/real/?replytocom=abc",
    "/2024/03/07/real/?replytocom=99999999999999999999",
]


@pytest.fixture
def small_blog():
    post = PostFactory(slug="real", author=UserFactory(username="gavin"), published_at=at(2024, 3, 7), legacy_id=5)
    post.categories.add(CategoryFactory(slug="news"))
    post.tags.add(TagFactory(slug="trial"))
    PageFactory(slug="about", legacy_id=7)
    return post


@pytest.mark.parametrize("url", ODD_ADDRESSES)
def test_nothing_a_reader_types_in_the_address_bar_breaks_the_site(small_blog, url):
    client = Client(raise_request_exception=True)  # a crash fails the test with its traceback

    for response in (client.get(url), client.head(url)):
        assert response.status_code in (200, 301, 404), url
        if response.status_code == 404 and response.request["REQUEST_METHOD"] == "GET":
            assert "Page not found" in response.content.decode()


@pytest.mark.parametrize("value", ["%C2%B2", "%E2%91%A0", "%D9%A1%D9%A2", "%EF%BC%91"], ids=["²", "①", "١٢", "１"])
def test_wordpress_id_links_with_non_ascii_digits_are_404_not_another_post(client, small_blog, value):
    """Only the ASCII digits WordPress writes are IDs: "١٢" must not quietly open post 12."""
    PostFactory.create_batch(12)

    assert client.get(f"/?p={value}").status_code == 404
    assert client.get(f"/?page_id={value}").status_code == 404


# Feeds survive what authors paste.

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


# Old addresses.


def test_an_old_address_leads_to_the_post_that_last_lived_there(client):
    """A post renamed away from "x", then a new post at "x" renamed too: links to "x" now mean the newer post."""
    first = PostFactory(title="First", slug="x", published_at=at(2024, 3, 7, 9))
    first.slug = "first-renamed"
    first.save()
    second = PostFactory(title="Second", slug="x", published_at=at(2024, 3, 7, 15))
    assert client.get("/2024/03/07/x/").context["post"] == second

    second.slug = "second-renamed"
    second.save()

    response = client.get("/2024/03/07/x/")
    assert response.status_code == 301
    assert response.url == "/2024/03/07/second-renamed/"
