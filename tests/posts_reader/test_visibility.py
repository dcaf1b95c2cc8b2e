"""One rule decides what the public sees: published posts whose time has come. Authors and editors
read everything else through the preview link, which search engines and caches never keep."""

import datetime

import feedparser
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from posts.models import Post
from tests.factories import CategoryFactory, PostFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db

HIDDEN = {
    "draft": {"status": Post.Status.DRAFT},
    "pending": {"status": Post.Status.PENDING},
    "private": {"status": Post.Status.PRIVATE},
    "scheduled": {"status": Post.Status.PUBLISHED, "published_at_offset": datetime.timedelta(days=2)},
}


def hidden_post(kind: str, **extra) -> Post:
    options = dict(HIDDEN[kind])
    offset = options.pop("published_at_offset", -datetime.timedelta(days=1))
    return PostFactory(title=f"A {kind} post", published_at=timezone.now() + offset, **options, **extra)


@pytest.mark.parametrize("kind", HIDDEN)
def test_hidden_posts_are_nowhere_for_the_public(client, kind):
    post = hidden_post(kind, legacy_id=4242)

    assert client.get(post.get_absolute_url()).status_code == 404
    assert client.get(reverse("posts:preview", args=[post.pk])).status_code == 404
    assert client.get("/?p=4242").status_code == 404
    assert client.get(f"/?p={post.pk}").status_code == 404
    assert post.title not in client.get("/").content.decode()
    assert post.title not in client.get("/feed/").content.decode()
    assert post.get_absolute_url() not in client.get("/sitemap.xml").content.decode()


@pytest.mark.parametrize("kind", HIDDEN)
def test_hidden_post_is_404_at_its_permalink_even_for_its_author(client, kind):
    """Authors read unpublished work through the preview link only, so a permalink never leaks a draft."""
    post = hidden_post(kind)
    client.force_login(post.author)

    assert client.get(post.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("kind", HIDDEN)
def test_author_previews_their_own_hidden_post_without_it_being_indexed_or_cached(client, kind):
    post = hidden_post(kind)
    client.force_login(post.author)

    response = client.get(reverse("posts:preview", args=[post.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert post.title in html
    assert '<meta name="robots" content="noindex">' in html
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-cache" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
    assert "not public" in html
    assert 'rel="canonical"' not in html


@pytest.mark.parametrize("kind", HIDDEN)
def test_another_author_cannot_preview_someone_elses_hidden_post(client, kind):
    post = hidden_post(kind)
    client.force_login(UserFactory(username="another-author"))

    assert client.get(reverse("posts:preview", args=[post.pk])).status_code == 404


@pytest.mark.parametrize("kind", HIDDEN)
def test_editor_previews_any_hidden_post(client, editor, kind):
    post = hidden_post(kind)
    client.force_login(editor)

    response = client.get(reverse("posts:preview", args=[post.pk]))

    assert response.status_code == 200
    assert post.title in response.content.decode()


def test_preview_of_a_public_post_links_to_its_permalink(client):
    post = PostFactory(title="Already out")
    client.force_login(post.author)

    html = client.get(reverse("posts:preview", args=[post.pk])).content.decode()

    assert "this post is public" in html
    assert f'href="{post.get_absolute_url()}"' in html


def test_preview_of_an_impossible_id_is_404(client, editor):
    client.force_login(editor)

    assert client.get("/preview/99999999999999999999999/").status_code == 404


def test_scheduled_post_appears_by_itself_when_its_time_comes(client):
    publish_at = timezone.now() + datetime.timedelta(hours=3)
    post = PostFactory(title="Scheduled for later", published_at=publish_at)

    assert client.get(post.get_absolute_url()).status_code == 404
    assert "Scheduled for later" not in client.get("/").content.decode()

    with time_machine.travel(publish_at + datetime.timedelta(minutes=1)):
        assert client.get(post.get_absolute_url()).status_code == 200
        assert "Scheduled for later" in client.get("/").content.decode()
        assert "Scheduled for later" in client.get("/feed/").content.decode()


HIDDEN_FIELDS = {
    "draft": {"status": Post.Status.DRAFT},
    "pending": {"status": Post.Status.PENDING},
    "private": {"status": Post.Status.PRIVATE},
    "scheduled": {"status": Post.Status.PUBLISHED, "published_at": timezone.now() + datetime.timedelta(days=3)},
}


@pytest.mark.parametrize("kind", HIDDEN_FIELDS)
def test_a_hidden_post_is_in_no_archive_feed_search_or_neighbour_link(client, kind):
    gavin = UserFactory(username="gavin")
    treatment = CategoryFactory(name="Treatment", slug="treatment")
    rituximab = TagFactory(name="Rituximab", slug="rituximab")
    now = timezone.now()
    public = PostFactory(title="Public rituximab note", author=gavin, published_at=now - datetime.timedelta(hours=2))
    hidden = PostFactory(
        title="Secret rituximab note",
        author=gavin,
        **{"published_at": now - datetime.timedelta(hours=1), **HIDDEN_FIELDS[kind]},
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
