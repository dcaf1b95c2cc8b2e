"""Deep threads never take a post down: the thread depth stays within WordPress's 2–10, and a reply of any
depth is stored (never lost to a path too long for its column), at the deepest level when it goes further."""

import re

import pytest
from django.urls import reverse

from comments import threads
from comments.models import Comment, DiscussionSettings
from tests.comments.helpers import configure, post_comment
from tests.factories import CommentFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db

SETTINGS_FORM = {
    "comment_order": "asc",
    "comments_per_page": 0,
    "close_after_days": 0,
    "edit_window_minutes": 15,
    "require_previous_approval": "on",
    "max_links": 2,
    "moderation_keys": "",
    "disallowed_keys": "",
    "notify_moderators": "on",
    "notify_post_author": "on",
}


def chain(post, length: int) -> list[Comment]:
    """`length` approved comments, each replying to the one before, saved as any code path would save them."""
    comments = [CommentFactory(post=post, status=Comment.Status.APPROVED)]
    for _ in range(length - 1):
        comments.append(CommentFactory(post=post, parent=comments[-1], status=Comment.Status.APPROVED))
    return comments


@pytest.mark.parametrize("depth", [0, 1, 11, 100])
def test_an_administrator_cannot_save_a_thread_depth_outside_2_to_10(client, depth):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    change_url = reverse("admin:comments_discussionsettings_change", args=[DiscussionSettings.load().pk])

    response = client.post(change_url, {**SETTINGS_FORM, "thread_depth": depth})

    assert response.status_code == 200  # the form again, with the error: not a 500, nothing saved
    assert "errorlist" in response.content.decode()
    assert DiscussionSettings.load().thread_depth == 5


@pytest.mark.parametrize("depth", [2, 10])
def test_the_ends_of_wordpress_range_are_accepted(client, depth):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    change_url = reverse("admin:comments_discussionsettings_change", args=[DiscussionSettings.load().pk])

    response = client.post(change_url, {**SETTINGS_FORM, "thread_depth": depth})

    assert response.status_code == 302
    assert DiscussionSettings.load().thread_depth == depth


def test_a_depth_stored_before_the_bound_is_read_as_the_nearest_allowed_one():
    assert [DiscussionSettings(thread_depth=depth).max_depth for depth in (0, 1, 2, 5, 10, 11, 100)] == [
        2,
        2,
        2,
        5,
        10,
        10,
        10,
    ]


def test_a_post_with_a_very_deep_thread_and_an_old_depth_of_100_still_opens(client):
    post = PostFactory()
    configure(thread_depth=100)  # saved by an older version, before the bound
    deepest = chain(post, 70)[-1]

    page = client.get(post.get_absolute_url())

    assert page.status_code == 200
    html = page.content.decode()
    assert f'id="comment-{deepest.pk}"' in html
    # Shown at most ten levels deep, as WordPress would.
    assert max(int(level) for level in re.findall(r"depth-(\d+)", html)) == 10


def test_a_reply_past_every_stored_level_is_kept_at_the_deepest_level(settings):
    post = PostFactory()
    comments = chain(post, threads.MAX_STORED_DEPTH + 40)

    stored = Comment.objects.filter(post=post).order_by("pk")

    assert stored.count() == threads.MAX_STORED_DEPTH + 40
    assert max(comment.depth for comment in stored) == threads.MAX_STORED_DEPTH
    assert max(len(comment.thread_path) for comment in stored) <= Comment._meta.get_field("thread_path").max_length
    last = Comment.objects.get(pk=comments[-1].pk)
    # Beside its parent, under the ancestor one level up, and still after it in the thread.
    assert last.depth == threads.MAX_STORED_DEPTH
    assert last.parent_id == comments[threads.MAX_STORED_DEPTH - 2].pk
    assert last.thread_path > Comment.objects.get(pk=comments[-2].pk).thread_path


def test_a_reader_replying_in_a_thread_deeper_than_the_setting_lands_at_the_deepest_shown_level(client, settings):
    settings.COMMENTS_FLOOD_SECONDS = 0
    post = PostFactory()
    configure(thread_depth=100, require_previous_approval=False)
    comments = chain(post, 30)

    response = post_comment(client, post, parent=str(comments[-1].pk), comment="Still here at the bottom.")

    assert response.status_code == 302
    reply = Comment.objects.get(body="Still here at the bottom.")
    assert reply.depth == 10
    assert reply.parent_id == comments[8].pk


def test_a_moved_subtree_never_goes_deeper_than_a_path_can_hold():
    post = PostFactory()
    deep = chain(post, threads.MAX_STORED_DEPTH - 5)
    moving = chain(post, 20)  # a separate thread of 20, moved under the deep one's last comment
    root = moving[0]
    new_parent = deep[-1]
    old_path, old_depth = root.thread_path, root.depth
    root.parent = new_parent
    root.thread_path = root.compute_thread_path(new_parent.thread_path)
    root.depth = new_parent.depth + 1
    root.save(update_fields=["parent", "thread_path", "depth"])

    threads.move_descendants(
        Comment.objects.filter(post=post),
        old_path=old_path,
        new_path=root.thread_path,
        depth_change=root.depth - old_depth,
    )

    moved = Comment.objects.filter(pk__in=[comment.pk for comment in moving])
    assert max(comment.depth for comment in moved) == threads.MAX_STORED_DEPTH
    for comment in moved:
        assert comment.depth == comment.thread_path.count("/") + 1
        parent = Comment.objects.get(pk=comment.parent_id) if comment.parent_id else None
        assert parent is None or comment.thread_path.startswith(parent.thread_path + "/")
        assert parent is None or comment.depth == parent.depth + 1
