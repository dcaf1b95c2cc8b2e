"""One rule for a deleted comment that others answered, whoever deletes it: it keeps its place in the thread as
"This comment was deleted.", with no text and no personal detail left, under the name "Anonymous"."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.services import CommentsOnDelete, delete_account
from comments.models import Comment
from tests.factories import CommentFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db

PERSONAL = ("body", "author_name", "author_email", "author_url", "author_avatar_url", "ip_address", "user_id")


def emptied(comment: Comment) -> tuple:
    comment.refresh_from_db()
    return (comment.is_removed, *(getattr(comment, field) for field in PERSONAL))


def answered_comment(**fields) -> Comment:
    comment = CommentFactory(
        status=Comment.Status.APPROVED,
        body="I was diagnosed in 2004.",
        author_name="Margaret O'Neill",
        author_email="margaret@example.org",
        author_url="https://example.org/margaret",
        author_avatar_url="https://example.org/margaret.png",
        ip_address="192.0.2.21",
        **fields,
    )
    CommentFactory(post=comment.post, parent=comment, status=Comment.Status.APPROVED, body="Thank you for sharing.")
    return comment


EMPTY = (True, "", "Anonymous", "", "", "", None, None)


def test_a_moderator_deleting_an_answered_comment_leaves_the_same_placeholder(client):
    moderator = UserFactory(username="eddie", is_staff=True)
    moderator.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["moderate_comment", "delete_comment", "view_comment", "change_comment"]
        )
    )
    client.force_login(moderator)
    comment = answered_comment(post=PostFactory())

    client.post(
        reverse("admin:comments_comment_changelist"),
        {"action": "delete_permanently", "_selected_action": [comment.pk]},
    )

    assert emptied(comment) == EMPTY


def test_an_author_deleting_their_account_leaves_the_same_placeholder():
    reader = UserFactory(username="margaret")
    comment = answered_comment(post=PostFactory(), user=reader)

    delete_account(user=reader, comments=CommentsOnDelete.DELETE)

    assert emptied(comment) == EMPTY
