"""Comment feeds, as WordPress serves them: only approved comments on public posts, valid RSS."""

from datetime import timedelta

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from posts.models import Post
from tests.factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db

A = Comment.Status
ALL_COMMENTS = reverse("comments:feed")


def _feed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return parsed


def _feed_url(post) -> str:
    return reverse("comments:post_feed", kwargs=post.permalink_kwargs())


@pytest.fixture
def public_post(db):
    return PostFactory(title="Rituximab and relapses")


def test_all_comments_feed_shows_approved_comments_on_public_posts_only(client, public_post):
    CommentFactory(post=public_post, author_name="Grace", body="Approved and public")
    CommentFactory(post=public_post, status=A.PENDING, body="Still waiting")
    CommentFactory(post=public_post, status=A.SPAM, body="Cheap pills")
    CommentFactory(post=public_post, status=A.TRASH, body="Binned")
    CommentFactory(post=public_post, is_removed=True, body="Withdrawn by its author")
    CommentFactory(post=PostFactory(status=Post.Status.DRAFT), body="On a draft")
    CommentFactory(post=PostFactory(status=Post.Status.PRIVATE), body="On a private post")
    CommentFactory(post=PostFactory(published_at=timezone.now() + timedelta(days=2)), body="On a scheduled post")

    feed = _feed(client, ALL_COMMENTS)

    assert [entry.summary for entry in feed.entries] == ["<p>Approved and public</p>"]
    assert feed.entries[0].title == "Comment on Rituximab and relapses by Grace"
    assert feed.feed.title == "Comments for MS Research Notes"


def test_post_feed_shows_that_posts_approved_comments_newest_first(client, public_post):
    older = CommentFactory(post=public_post, author_name="Grace", created_at=timezone.now() - timedelta(hours=2))
    newer = CommentFactory(post=public_post, author_name="Henry", parent=older)
    CommentFactory(post=public_post, status=A.PENDING, author_name="Waiting")
    CommentFactory(post=PostFactory(), author_name="Elsewhere")

    feed = _feed(client, _feed_url(public_post))

    assert feed.feed.title == "Comments on: Rituximab and relapses"
    assert [entry.title for entry in feed.entries] == ["By: Henry", "By: Grace"]
    assert feed.entries[0].link == f"http://127.0.0.1:8000{public_post.get_absolute_url()}#comment-{newer.pk}"
    assert feed.entries[0].author == "Henry"


@pytest.mark.parametrize(
    "hidden",
    [
        pytest.param({"status": Post.Status.DRAFT}, id="draft"),
        pytest.param({"status": Post.Status.PRIVATE}, id="private"),
        pytest.param({"status": Post.Status.PENDING}, id="pending-review"),
        pytest.param({"published_at": timezone.now() + timedelta(days=3)}, id="scheduled"),
    ],
)
def test_a_post_that_is_not_public_has_no_comment_feed(client, hidden):
    post = PostFactory(**hidden)
    CommentFactory(post=post, body="Should never be seen")

    response = client.get(_feed_url(post))

    assert response.status_code == 404
    assert "Should never be seen" not in response.content.decode()


def test_feeds_never_show_commenters_email_addresses(client, public_post):
    CommentFactory(post=public_post, author_name="Private Person", author_email="secret@example.org")

    for url in (ALL_COMMENTS, _feed_url(public_post)):
        assert "secret@example.org" not in client.get(url).content.decode()


def test_hostile_comment_html_is_sanitised_in_the_feed_and_the_feed_stays_valid(client, public_post):
    CommentFactory(
        post=public_post,
        author_name='Mallory <script>alert("x")</script> & Co',
        body='<a href="javascript:alert(1)" onclick="steal()">click</a> <img src=x onerror=alert(1)> 5 < 6 & "quotes"',
    )

    feed = _feed(client, ALL_COMMENTS)
    raw = client.get(ALL_COMMENTS).content.decode()

    summary = feed.entries[0].summary
    assert "javascript:" not in summary
    assert "onclick" not in summary
    assert "onerror" not in summary
    assert "<script" not in raw
    # A name is plain text in a feed: tags (and a script's content) go, as WordPress's wp_strip_all_tags does.
    assert feed.entries[0].author == "Mallory  & Co"


def test_an_old_post_address_redirects_to_its_new_comment_feed(client, public_post):
    old_url = _feed_url(public_post)
    public_post.slug = "rituximab-and-relapses-revisited"
    public_post.save()

    response = client.get(old_url)

    assert response.status_code == 301
    assert response["Location"].endswith(_feed_url(public_post))


def test_a_nonsense_date_in_a_feed_address_is_a_404_not_a_500(client):
    assert client.get("/2024/02/31/no-such-post/feed/").status_code == 404


def test_feeds_cost_the_same_queries_for_few_and_many_comments(
    client, public_post, django_assert_max_num_queries, django_assert_num_queries
):
    CommentFactory.create_batch(3, post=public_post)
    client.get(ALL_COMMENTS)  # the current Site is cached after the first request
    with django_assert_max_num_queries(10) as few_all:
        client.get(ALL_COMMENTS)
    with django_assert_max_num_queries(10) as few_post:
        client.get(_feed_url(public_post))
    for _ in range(5):
        CommentFactory.create_batch(6, post=PostFactory())
    CommentFactory.create_batch(30, post=public_post)

    with django_assert_num_queries(len(few_all.captured_queries)):
        client.get(ALL_COMMENTS)
    with django_assert_num_queries(len(few_post.captured_queries)):
        client.get(_feed_url(public_post))


def test_a_posts_feed_leaves_out_held_spam_trashed_and_deleted_comments(client, post):
    CommentFactory(post=post, body="Shown")
    for status in (A.PENDING, A.SPAM, A.TRASH):
        CommentFactory(post=post, status=status, body=f"Hidden {status}")
    CommentFactory(post=post, is_removed=True, body="Hidden removed")

    response = client.get(reverse("comments:post_feed", kwargs=post.permalink_kwargs()))

    feed = feedparser.parse(response.content)
    assert [entry.summary for entry in feed.entries] == ["<p>Shown</p>"]
    assert "Hidden" not in response.content.decode()


def test_a_post_made_private_takes_its_comments_out_of_the_all_comments_feed(client, post):
    CommentFactory(post=post, body="Was public")
    assert "Was public" in client.get(reverse("comments:feed")).content.decode()

    post.status = Post.Status.PRIVATE
    post.save()

    assert "Was public" not in client.get(reverse("comments:feed")).content.decode()
