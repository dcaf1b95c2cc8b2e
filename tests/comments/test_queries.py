"""However long the discussion, the post page (or static page) costs the same number of queries."""

import random

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments import threads
from comments.models import Comment, DiscussionSettings, target_lookup
from comments.rendering import render_comment
from tests.comments.helpers import post_comment
from tests.factories import PageFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db
# A guest's comment: the post, the discussion settings, the moderation and duplicate checks, the row lock, the
# comment and its thread path, the notification task, the reader's session (see comments/services.py).
POSTING_QUERIES = 14


def bulk_thread(post, size: int, *, max_depth: int = 5, held_every: int = 10) -> list[Comment]:
    """`size` comments in a nested thread under a post or page, created level by level with bulk_create."""
    rng = random.Random(size)
    body = "A thoughtful comment about https://example.org and *rituximab*."
    body_html = render_comment(body)
    start = timezone.now() - timezone.timedelta(days=1)
    created: list[Comment] = []
    level: list[Comment] = [None]
    depth = 0
    while len(created) < size and depth < max_depth:
        depth += 1
        remaining = size - len(created)
        count = remaining if depth == max_depth else max(1, min(remaining, size // max_depth or 1))
        batch = []
        for index in range(count):
            parent = rng.choice(level)
            batch.append(
                Comment(
                    **target_lookup(post),
                    parent=parent,
                    author_name=f"Reader {len(created) + index}",
                    author_email=f"reader{len(created) + index}@example.org",
                    author_url="https://reader.example" if index % 3 == 0 else "",
                    body=body,
                    body_html=body_html,
                    status=Comment.Status.PENDING if index % held_every == 0 else Comment.Status.APPROVED,
                    created_at=start + timezone.timedelta(seconds=len(created) + index),
                    thread_path="~",
                    depth=depth,
                )
            )
        batch = Comment.objects.bulk_create(batch)
        for comment in batch:
            comment.thread_path = comment.compute_thread_path(comment.parent.thread_path if comment.parent else "")
        Comment.objects.bulk_update(batch, ["thread_path"])
        created.extend(batch)
        level = [c for c in batch if c.status == Comment.Status.APPROVED] or level
    return created


def queries_for_page(client, post) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries]


@pytest.fixture
def posts():
    DiscussionSettings.load()
    small, large = PostFactory(), PostFactory()
    bulk_thread(small, 10)
    bulk_thread(large, 1000)
    assert Comment.objects.filter(post=large, depth=5).exists()
    return small, large


def test_ten_and_a_thousand_comments_cost_the_same_queries_for_a_guest(posts, django_assert_num_queries):
    small, large = posts
    client = Client()
    for post in (small, large):
        client.get(post.get_absolute_url())  # warm up what is kept per process and post (the reply form)
    budget = len(queries_for_page(client, small))

    with django_assert_num_queries(budget):
        response = client.get(large.get_absolute_url())

    html = response.content.decode()
    approved = Comment.objects.public().filter(post=large).count()
    assert f"{approved:,} thoughts on" in html
    assert html.count('<li id="comment-') == approved


def test_ten_and_a_thousand_comments_cost_the_same_queries_for_a_signed_in_reader(posts, django_assert_num_queries):
    small, large = posts
    reader = UserFactory()
    client = Client()
    client.force_login(reader)
    # The reader has their own held comment in the big thread, shown only to them.
    Comment.objects.filter(post=large, status=Comment.Status.PENDING, parent__isnull=True).update(user=reader)
    client.get(small.get_absolute_url())
    budget = len(queries_for_page(client, small))

    with django_assert_num_queries(budget):
        response = client.get(large.get_absolute_url())

    assert "Your comment is awaiting moderation." in response.content.decode()


def test_the_thread_itself_is_a_constant_two_queries(posts, django_assert_num_queries):
    from comments.services import load_discussion

    _, large = posts

    with django_assert_num_queries(2):
        discussion = load_discussion(target=large)

    assert discussion.count == Comment.objects.public().filter(post=large).count()


def test_a_static_page_with_ten_or_a_thousand_comments_costs_the_same_queries(django_assert_num_queries):
    DiscussionSettings.load()
    small = PageFactory(title="Contact", slug="contact", comments_open=True)
    large = PageFactory(title="About", slug="about", comments_open=True)
    bulk_thread(small, 10)
    bulk_thread(large, 1000)
    client = Client()
    for page in (small, large):
        client.get(page.get_absolute_url())  # warm up what is kept per process and page (the reply form)
    budget = len(queries_for_page(client, small))

    with django_assert_num_queries(budget):
        response = client.get(large.get_absolute_url())

    html = response.content.decode()
    approved = Comment.objects.public().filter(page=large).count()
    assert f"{approved:,} thoughts on “About”" in html
    assert html.count('<li id="comment-') == approved


# Posting ------------------------------------------------------------------------------------------------


def queries_for_posting(client, target, capture_on_commit, **fields) -> list[str]:
    """The queries one guest's comment costs, with what runs once it is committed (the task, the cache)."""
    with CaptureQueriesContext(connection) as captured, capture_on_commit(execute=True):
        response = post_comment(client, target, **fields)
    assert response.status_code == 302, response.content.decode()[:500]
    return [query["sql"] for query in captured.captured_queries]


def test_posting_a_comment_costs_the_same_queries_under_ten_or_a_thousand(
    posts, settings, django_capture_on_commit_callbacks
):
    # The embedded default queue, a table written in the comment's transaction (the tests' default runs tasks).
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    small, large = posts
    posted = [
        # A reader each (flood control allows one comment per address every 15 seconds).
        queries_for_posting(
            Client(REMOTE_ADDR=f"192.0.2.{number}"),
            post,
            django_capture_on_commit_callbacks,
            comment=f"{number}: agreed.",
        )
        for number, post in enumerate((small, large, large), 1)
    ]

    assert [len(queries) for queries in posted] == [POSTING_QUERIES] * 3
    assert Comment.objects.filter(author_name="Ada Reader").count() == 3
    assert DBTaskResult.objects.filter(task_path="comments.tasks.comment_posted").count() == 3
    # The post is read without its text, which posting never shows.
    assert not [sql for sql in posted[1] if '"posts_post"."body"' in sql]


@pytest.mark.parametrize("depth", [1, 4, 5])
def test_a_reply_anywhere_in_a_long_thread_costs_one_query_more_for_its_parent(
    posts, settings, depth, django_capture_on_commit_callbacks
):
    """The reply's place comes from its parent's stored path: the thread itself is never read."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    _, large = posts
    parent = Comment.objects.filter(post=large, depth=depth, status=Comment.Status.APPROVED).first()

    queries = queries_for_posting(Client(), large, django_capture_on_commit_callbacks, parent=str(parent.pk))

    reply = Comment.objects.get(author_name="Ada Reader")
    # At the deepest level (5) the reply goes beside its parent, under the grandparent: one more query for it.
    assert len(queries) == POSTING_QUERIES + (1 if depth < 5 else 2)
    assert reply.thread_path.startswith(threads.ancestor_path(parent.thread_path, min(depth, 4)) + "/")
    assert reply.depth == min(depth + 1, 5)
