"""The front page and a post page cost the database the same whether the blog is small or large:
no query per post, per category, per tag or per comment."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import CategoryFactory, CommentFactory, PageFactory, PostFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db

# Front page: count for the pagination, navigation pages, posts (with authors and featured images),
# their categories, their tags, and their comment counts ("2 Comments", from the comments app).
HOME_QUERIES = 6
# Post page: the post (with author and featured image), its categories, its tags, the previous and the
# next post, the related posts (one query), navigation pages; then the discussion (comments app): its settings and
# the thread. The comment form, with the social login providers beside it, was rendered on the first read and is
# kept for this generation of the site (comments/reply_form.py), so a second read asks nothing for it.
POST_QUERIES = 9
# A static page: the page (with its author), its subpages, navigation pages; then, when comments are
# open, the discussion: its settings and the thread (the form is kept, as on a post page).
STATIC_PAGE_QUERIES = {"comments off": 5, "comments open": 5}

# Lists: what the front page costs, plus finding the category, tag or author (for a date archive, whether
# the period has posts); the search needs no count of its own beyond the paginator's.
ARCHIVE_QUERIES = {"category": 7, "tag": 7, "author": 7, "year": 8, "month": 8, "day": 7, "search": 6}

# (posts, categories and tags per post, comment threads on the post read)
SIZES = {"small blog": (3, 1, 1), "large blog": (30, 5, 10)}


def build_blog(posts: int, labels: int, threads: int):
    """A blog of `posts` public posts by two authors, each filed under `labels` nested categories and
    `labels` tags and one comment, the oldest one sticky; returns a post in the middle, discussed in
    `threads` more threads."""
    authors = [UserFactory(), UserFactory()]
    parent = CategoryFactory()
    categories = [parent] + [CategoryFactory(parent=parent) for _ in range(labels - 1)]
    tags = [TagFactory() for _ in range(labels)]
    PageFactory(title="About")
    PageFactory(title="Disclaimer")
    created = []
    for number in range(posts):
        post = PostFactory(
            author=authors[number % 2],
            published_at=timezone.now() - datetime.timedelta(days=number + 1),
            is_sticky=number == posts - 1,
        )
        post.categories.add(*categories)
        post.tags.add(*tags)
        CommentFactory(post=post)
        created.append(post)
    middle = created[posts // 2]
    for _ in range(threads):
        CommentFactory(post=middle, parent=CommentFactory(post=middle))
    return middle


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
def test_front_page_runs_a_constant_number_of_queries(client, django_assert_num_queries, size):
    build_blog(*size)
    client.get("/")  # once, so one-time caches (site, settings) are warm as on a running site

    with django_assert_num_queries(HOME_QUERIES):
        response = client.get("/")

    assert response.status_code == 200
    assert len(response.context["posts"]) == min(size[0], 10)


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
def test_post_page_with_its_discussion_runs_a_constant_number_of_queries(client, django_assert_num_queries, size):
    post = build_blog(*size)
    client.get(post.get_absolute_url())

    with django_assert_num_queries(POST_QUERIES):
        response = client.get(post.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('rel="category tag"') == size[1]
    assert html.count('rel="tag"') == size[1]
    assert response.context["previous_post"] is not None
    assert response.context["next_post"] is not None


@pytest.mark.parametrize("comments_open", [False, True], ids=["comments off", "comments open"])
@pytest.mark.parametrize("threads", [1, 20], ids=["short discussion", "long discussion"])
def test_static_page_runs_a_constant_number_of_queries(client, django_assert_num_queries, comments_open, threads):
    build_blog(3, 1, 1)
    about = PageFactory(title="About this blog", slug="about-this-blog", comments_open=comments_open)
    for _ in range(threads):
        CommentFactory(page=about, parent=CommentFactory(page=about))
    client.get(about.get_absolute_url())

    with django_assert_num_queries(STATIC_PAGE_QUERIES["comments open" if comments_open else "comments off"]):
        response = client.get(about.get_absolute_url())

    html = response.content.decode()
    assert f"{threads * 2} thoughts on “About this blog”" in html
    assert ("Leave a Reply" in html) is comments_open


def archive_urls(post) -> dict[str, str]:
    """Every kind of list the post appears in."""
    day = post.publish_date
    return {
        "category": post.categories.all()[0].get_absolute_url(),
        "tag": post.tags.all()[0].get_absolute_url(),
        "author": f"/author/{post.author.username}/",
        "year": f"/{day:%Y}/",
        "month": f"/{day:%Y/%m}/",
        "day": f"/{day:%Y/%m/%d}/",
        "search": "/?s=number",
    }


@pytest.mark.parametrize("kind", ARCHIVE_QUERIES)
@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
def test_archives_and_search_run_a_constant_number_of_queries(client, django_assert_num_queries, size, kind):
    post = build_blog(*size)
    url = archive_urls(post)[kind]
    client.get(url)

    with django_assert_num_queries(ARCHIVE_QUERIES[kind]):
        response = client.get(url)

    assert response.status_code == 200
    assert len(response.context["posts"]) >= 1
