"""A comment imported from WordPress with an address Django would refuse can still be moderated and corrected."""

import pytest
from django.urls import reverse

from comments.models import Comment
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

A = Comment.Status


def change(editor_client, comment, **fields):
    data = {
        "status": comment.status,
        "body": comment.body,
        "author_name": comment.author_name,
        "author_email": comment.author_email,
        "author_url": "",
        **fields,
    }
    return editor_client.post(reverse("admin:comments_comment_change", args=[comment.pk]), data)


@pytest.mark.parametrize("imported", ["bob@localhost", "n/a", "bob at example dot org", "bob@@example.org"])
def test_an_imported_comment_with_an_invalid_email_can_be_approved_in_the_admin(editor_client, imported):
    comment = CommentFactory(author_email=imported, status=A.PENDING, legacy_id=4711)

    response = change(editor_client, comment, status="approved")

    assert response.status_code == 302
    comment.refresh_from_db()
    assert (comment.status, comment.author_email) == (A.APPROVED, imported)


def test_a_moderator_may_correct_or_clear_an_imported_email(editor_client):
    comment = CommentFactory(author_email="n/a", legacy_id=4712)

    assert change(editor_client, comment, author_email="bob@example.org").status_code == 302
    comment.refresh_from_db()
    assert comment.author_email == "bob@example.org"
    assert change(editor_client, comment, author_email="").status_code == 302
    comment.refresh_from_db()
    assert comment.author_email == ""


def test_a_new_address_typed_in_the_admin_is_still_checked(editor_client):
    comment = CommentFactory(author_email="bob@example.org")

    response = change(editor_client, comment, author_email="not an address")

    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    comment.refresh_from_db()
    assert comment.author_email == "bob@example.org"
