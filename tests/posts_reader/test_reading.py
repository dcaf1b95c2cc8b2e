"""A reader finds every post at the addresses the old WordPress blog used."""

import datetime

import pytest
from django.utils import timezone

from posts.models import Page, Post
from tests.factories import CategoryFactory, CommentFactory, PageFactory, PostFactory, TagFactory, UserFactory
from tests.posts_reader.conftest import at

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    """Post titles in the order the page lists them."""
    return [post.title for post in response.context["posts"]]


# The front page.


def test_front_page_lists_newest_first_with_sticky_posts_on_top(client):
    PostFactory(title="Old news", published_at=at(2020, 1, 1), comments_open=False)
    pinned = PostFactory(title="Pinned guide", published_at=at(2019, 6, 1), is_sticky=True)
    fresh = PostFactory(title="Fresh news", published_at=at(2024, 5, 1))
    CommentFactory.create_batch(2, post=pinned)

    response = client.get("/")

    assert titles(response) == ["Pinned guide", "Fresh news", "Old news"]
    html = response.content.decode()
    assert "Featured" in html
    assert "Continue reading" in html
    assert f'<a class="comments-link" href="{pinned.get_absolute_url()}#comments">2 Comments</a>' in html
    assert f'<a class="comments-link" href="{fresh.get_absolute_url()}#respond">Leave a comment</a>' in html
    assert "Comments off" in html


def test_front_page_is_paginated_and_a_page_past_the_end_is_a_themed_404(client):
    for day in range(1, 13):
        PostFactory(title=f"Day {day}", published_at=at(2024, 3, day))

    first = client.get("/")
    second = client.get("/page/2/")
    beyond = client.get("/page/3/")

    assert titles(first)[:2] == ["Day 12", "Day 11"]
    assert len(titles(first)) == 10
    assert 'href="/page/2/"' in first.content.decode()
    assert titles(second) == ["Day 2", "Day 1"]
    assert 'href="/"' in second.content.decode()
    assert beyond.status_code == 404
    assert "Page not found" in beyond.content.decode()


@pytest.mark.parametrize("list_url", ["/", "/category/news/", "/tag/trial/", "/author/gavin/", "/2024/", "/2024/03/"])
@pytest.mark.parametrize("page", ["0", "abc", "-1", "2x", "99999999999999999999999999"])
def test_page_numbers_that_cannot_exist_are_themed_404s(client, list_url, page):
    """/page/0/ would otherwise show page 1 again under a second address; garbage never reaches a query."""
    post = PostFactory(author=UserFactory(username="gavin"), published_at=at(2024, 3, 7))
    post.categories.add(CategoryFactory(slug="news"))
    post.tags.add(TagFactory(slug="trial"))

    response = client.get(f"{list_url}page/{page}/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_page_one_redirects_to_the_list_itself(client):
    PostFactory()
    category = CategoryFactory(slug="news")

    assert client.get("/page/1/").url == "/"
    assert client.get("/category/news/page/1/").url == category.get_absolute_url()


def test_empty_blog_says_so(client):
    response = client.get("/")

    assert response.status_code == 200
    assert "No posts yet." in response.content.decode()


# A single post.


def test_post_page_shows_title_author_date_categories_tags_body_and_discussion(client):
    author = UserFactory(username="gavin", first_name="Gavin", last_name="Giovannoni")
    post = PostFactory(
        title="Rituximab for Secondary Progressive MS?",
        slug="rituximab-spms",
        author=author,
        body="Anti-CD20 therapy and the **four courses** of MS.",
        published_at=at(2024, 3, 7, 9),
    )
    post.categories.add(CategoryFactory(name="Treatment", slug="treatment"))
    post.tags.add(TagFactory(name="Rituximab", slug="rituximab"))

    response = client.get("/2024/03/07/rituximab-spms/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="entry-title">Rituximab for Secondary Progressive MS?</h1>' in html
    assert '<a href="/author/gavin/" rel="author">Gavin Giovannoni</a>' in html
    assert '<time datetime="2024-03-07T09:00:00+00:00">7 March 2024</time>' in html
    assert 'href="/category/treatment/" rel="category tag">Treatment</a>' in html
    assert 'href="/tag/rituximab/" rel="tag">Rituximab</a>' in html
    assert "four courses" in html
    assert 'id="comments"' in html


def test_post_page_links_to_the_previous_and_next_public_posts_only(client):
    older = PostFactory(title="Older one", published_at=at(2024, 1, 1))
    PostFactory(title="Draft between", published_at=at(2024, 1, 2), status=Post.Status.DRAFT)
    post = PostFactory(title="Middle one", published_at=at(2024, 1, 3))
    PostFactory(title="Private after", published_at=at(2024, 1, 4), status=Post.Status.PRIVATE)
    newer = PostFactory(title="Newer one", published_at=at(2024, 1, 5))

    response = client.get(post.get_absolute_url())

    assert response.context["previous_post"] == older
    assert response.context["next_post"] == newer
    html = response.content.decode()
    assert f'<a href="{older.get_absolute_url()}" rel="prev">Older one</a>' in html
    assert f'<a href="{newer.get_absolute_url()}" rel="next">Newer one</a>' in html
    assert "Draft between" not in html
    assert "Private after" not in html


def test_post_published_on_the_same_second_still_has_both_neighbours(client):
    moment = at(2024, 2, 2)
    first = PostFactory(title="First twin", published_at=moment)
    second = PostFactory(title="Second twin", published_at=moment)

    assert client.get(first.get_absolute_url()).context["next_post"] == second
    assert client.get(second.get_absolute_url()).context["previous_post"] == first


def test_unknown_post_or_impossible_date_is_a_themed_404(client):
    PostFactory(slug="real", published_at=at(2024, 3, 7))

    for url in ["/2024/03/07/not-real/", "/2024/03/08/real/", "/2024/02/31/real/", "/2024/13/01/real/"]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Page not found" in response.content.decode()


def test_old_address_of_a_renamed_or_redated_post_redirects_permanently(client):
    post = PostFactory(slug="first-name", published_at=at(2024, 3, 7))
    post.slug = "second-name"
    post.save()
    post.slug = "final-name"
    post.published_at = at(2024, 3, 9)
    post.save()

    for old in ["/2024/03/07/first-name/", "/2024/03/07/second-name/"]:
        response = client.get(old)
        assert response.status_code == 301, old
        assert response.url == "/2024/03/09/final-name/"
    assert client.get("/2024/03/09/final-name/").status_code == 200


def test_old_address_of_a_post_that_is_no_longer_public_is_404(client):
    post = PostFactory(slug="first-name", published_at=at(2024, 3, 7))
    post.slug = "second-name"
    post.status = Post.Status.DRAFT
    post.save()

    assert client.get("/2024/03/07/first-name/").status_code == 404


# WordPress query-string links.


def test_wordpress_post_id_link_redirects_to_the_permalink(client):
    imported = PostFactory(slug="imported", legacy_id=1234, published_at=at(2015, 5, 5))
    ours = PostFactory(slug="ours", published_at=at(2024, 5, 5))

    by_legacy_id = client.get("/?p=1234")
    by_primary_key = client.get(f"/?p={ours.pk}")

    assert by_legacy_id.status_code == 301
    assert by_legacy_id.url == imported.get_absolute_url() == "/2015/05/05/imported/"
    assert by_primary_key.status_code == 301
    assert by_primary_key.url == "/2024/05/05/ours/"


@pytest.mark.parametrize("value", ["999", "abc", "-1", "0", "1e3", "99999999999999999999999999"])
def test_wordpress_post_id_link_to_nothing_is_404(client, value):
    PostFactory()

    response = client.get(f"/?p={value}")

    assert response.status_code == 404


def test_wordpress_page_id_link_redirects_to_the_page(client):
    about = PageFactory(title="About", slug="about", legacy_id=2)

    response = client.get("/?page_id=2")

    assert response.status_code == 301
    assert response.url == about.get_absolute_url() == "/about/"


# Archives.


def test_date_archives_list_the_posts_of_that_year_month_and_day(client):
    PostFactory(title="March 7", published_at=at(2024, 3, 7))
    PostFactory(title="March 20", published_at=at(2024, 3, 20))
    PostFactory(title="June 1", published_at=at(2024, 6, 1))
    PostFactory(title="Last year", published_at=at(2023, 12, 31))
    PostFactory(title="Draft in March", published_at=at(2024, 3, 8), status=Post.Status.DRAFT)

    assert titles(client.get("/2024/")) == ["June 1", "March 20", "March 7"]
    assert titles(client.get("/2024/03/")) == ["March 20", "March 7"]
    assert titles(client.get("/2024/03/07/")) == ["March 7"]
    assert "March 2024" in client.get("/2024/03/").content.decode()
    assert "7 March 2024" in client.get("/2024/03/07/").content.decode()


def test_date_archive_without_public_posts_is_404(client):
    PostFactory(published_at=at(2024, 3, 8), status=Post.Status.DRAFT)
    PostFactory(published_at=timezone.now() + datetime.timedelta(days=400))

    assert client.get("/2024/03/08/").status_code == 404
    assert client.get("/2024/03/").status_code == 404
    assert client.get("/2022/").status_code == 404
    assert client.get(f"/{timezone.now().year + 1}/").status_code == 404


def test_date_archives_are_paginated(client):
    for day in range(1, 13):
        PostFactory(title=f"Day {day}", published_at=at(2024, 3, day))

    assert len(titles(client.get("/2024/"))) == 10
    assert titles(client.get("/2024/page/2/")) == ["Day 2", "Day 1"]
    assert titles(client.get("/2024/03/page/2/")) == ["Day 2", "Day 1"]
    assert 'href="/2024/03/page/2/"' in client.get("/2024/03/").content.decode()
    assert client.get("/2024/03/page/3/").status_code == 404


def test_nested_category_lists_its_own_posts_and_its_subcategories_posts(client):
    treatment = CategoryFactory(name="Treatment", slug="treatment", description="Drugs and trials.")
    anti_cd20 = CategoryFactory(name="Anti-CD20", slug="anti-cd20", parent=treatment)
    PostFactory(title="General treatment", published_at=at(2024, 1, 1)).categories.add(treatment)
    both = PostFactory(title="In both", published_at=at(2024, 1, 2))
    both.categories.add(treatment, anti_cd20)
    PostFactory(title="Ocrelizumab", published_at=at(2024, 1, 3)).categories.add(anti_cd20)
    PostFactory(title="Unfiled", published_at=at(2024, 1, 4))

    parent = client.get("/category/treatment/")
    child = client.get("/category/treatment/anti-cd20/")

    assert titles(parent) == ["Ocrelizumab", "In both", "General treatment"]
    assert "Drugs and trials." in parent.content.decode()
    assert titles(child) == ["Ocrelizumab", "In both"]
    assert client.get("/category/anti-cd20/").status_code == 404
    assert client.get("/category/nothing/").status_code == 404


def test_category_and_tag_lists_are_paginated(client):
    category = CategoryFactory(slug="news")
    tag = TagFactory(slug="trial")
    for day in range(1, 13):
        post = PostFactory(title=f"Day {day}", published_at=at(2024, 3, day))
        post.categories.add(category)
        post.tags.add(tag)

    assert titles(client.get("/category/news/page/2/")) == ["Day 2", "Day 1"]
    assert titles(client.get("/tag/trial/page/2/")) == ["Day 2", "Day 1"]
    assert client.get("/tag/trial/page/3/").status_code == 404


def test_tag_archive_lists_public_posts_with_that_tag(client):
    tag = TagFactory(name="Vitamin D", slug="vitamin-d")
    PostFactory(title="Sunshine").tags.add(tag)
    PostFactory(title="Hidden sunshine", status=Post.Status.PENDING).tags.add(tag)
    PostFactory(title="Other topic")

    response = client.get("/tag/vitamin-d/")

    assert titles(response) == ["Sunshine"]
    assert "Vitamin D" in response.content.decode()
    assert client.get("/tag/unknown/").status_code == 404


def test_empty_category_says_so_politely(client):
    CategoryFactory(name="Diet", slug="diet")

    response = client.get("/category/diet/")

    assert response.status_code == 200
    assert "No posts in this category yet." in response.content.decode()


def test_author_archive_lists_their_public_posts(client):
    author = UserFactory(username="gavin", first_name="Gavin", last_name="G")
    PostFactory(title="By Gavin", author=author)
    PostFactory(title="Gavin's draft", author=author, status=Post.Status.DRAFT)
    PostFactory(title="By someone else")

    response = client.get("/author/gavin/")

    assert titles(response) == ["By Gavin"]
    assert "Gavin G" in response.content.decode()


def test_people_without_public_posts_have_no_author_page(client):
    UserFactory(username="reader")
    PostFactory(author=UserFactory(username="drafter"), status=Post.Status.DRAFT)

    assert client.get("/author/reader/").status_code == 404
    assert client.get("/author/drafter/").status_code == 404
    assert client.get("/author/nobody/").status_code == 404


# Static pages.


def test_static_pages_are_served_at_their_path_and_nested(client):
    about = PageFactory(title="About", slug="about", body="Who writes here.")
    team = PageFactory(title="The team", slug="team", parent=about, body="Neurologists.")
    PageFactory(title="Unfinished", slug="unfinished", status="draft")

    about_page = client.get("/about/")
    team_page = client.get("/about/team/")

    assert about_page.status_code == 200
    assert "Who writes here." in about_page.content.decode()
    assert f'<a href="{team.get_absolute_url()}">The team</a>' in about_page.content.decode()
    assert team_page.status_code == 200
    assert "Neurologists." in team_page.content.decode()
    assert client.get("/team/").status_code == 404
    assert client.get("/unfinished/").status_code == 404


def test_navigation_lists_published_top_level_pages_in_their_order_on_every_page(client):
    PageFactory(title="Disclaimer", slug="disclaimer", order=2)
    about = PageFactory(title="About", slug="about", order=1)
    PageFactory(title="Team", slug="team", parent=about)
    PageFactory(title="Secret", slug="secret", status="draft")
    PageFactory(title="Hidden from menu", slug="imprint", show_in_navigation=False)
    post = PostFactory()

    for url in ["/", post.get_absolute_url(), "/about/", "/?s=nothing"]:
        nav = client.get(url).content.decode().split('aria-label="Site"')[1].split("</nav>")[0]
        assert nav.index(">About<") < nav.index(">Disclaimer<"), url
        assert "Team" not in nav
        assert "Secret" not in nav
        assert "Hidden from menu" not in nav


def test_navigation_marks_the_current_page(client):
    PageFactory(title="About", slug="about")

    html = client.get("/about/").content.decode()

    assert '<a href="/about/" aria-current="page">About</a>' in html


@pytest.mark.parametrize(
    "url",
    [
        "/2024/03/07/real%00/",
        "/2024/03/07/real%00/comment-page-2/",
        "/category/news%00/",
        "/category/news/%00/feed/",
        "/tag/trial%00/",
        "/tag/trial%00/feed/",
        "/author/gavin%00/",
        "/about%00/",
        "/about/%00/",
    ],
)
def test_addresses_with_a_nul_byte_are_404_not_a_database_error(client, url):
    """PostgreSQL refuses NUL in a query; such addresses must not even reach it."""
    post = PostFactory(slug="real", author=UserFactory(username="gavin"), published_at=at(2024, 3, 7))
    post.categories.add(CategoryFactory(slug="news"))
    post.tags.add(TagFactory(slug="trial"))
    PageFactory(slug="about")

    assert client.get(url).status_code == 404


def test_link_checkers_may_ask_for_headers_only(client):
    """HEAD requests (link checkers, crawlers, uptime monitors) get the same status as GET, without a body."""
    post = PostFactory(slug="real", published_at=at(2024, 3, 7))
    post.categories.add(CategoryFactory(slug="news"))
    PageFactory(slug="about")

    pages = ["/", "/?s=real", post.get_absolute_url(), "/2024/03/", "/category/news/", "/about/"]
    for url in pages + ["/feed/", "/sitemap.xml", "/robots.txt"]:
        response = client.head(url)
        assert response.status_code == 200, url
        assert response.content == b"", url
    assert client.head("/?p=99999").status_code == 404
    assert client.post("/").status_code == 405


def test_unknown_address_is_a_themed_404(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


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


def test_a_wordpress_id_shared_by_two_posts_is_refused():
    PostFactory(legacy_id=1234)

    with pytest.raises(Exception, match="(?i)unique"):
        PostFactory(legacy_id=1234)


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
