"""Per-row Approve / Spam / Trash / Reply in the moderation list: one click on the row, a POST with the
CSRF token (never a link), back to the same tab."""

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:comments_comment_changelist")
A = Comment.Status


def row_action(comment) -> str:
    return reverse("admin:comments_comment_row_action", args=[comment.pk])


@pytest.mark.parametrize(
    ("before", "action", "after"),
    [
        (A.PENDING, "approve", A.APPROVED),
        (A.PENDING, "spam", A.SPAM),
        (A.PENDING, "trash", A.TRASH),
        (A.APPROVED, "unapprove", A.PENDING),
        (A.SPAM, "not_spam", A.PENDING),  # a guest with no approved comment waits again
        (A.TRASH, "restore", A.PENDING),
    ],
)
def test_each_row_button_changes_that_comment_only(editor_client, post, before, action, after):
    comment = CommentFactory(post=post, status=before, author_name="Nora")
    other = CommentFactory(post=post, status=before)

    response = editor_client.post(row_action(comment), {"do": action, "next": f"{CHANGELIST}?comment_status={before}"})

    assert response.status_code == 302
    assert response.url == f"{CHANGELIST}?comment_status={before}"
    comment.refresh_from_db()
    other.refresh_from_db()
    assert comment.status == after
    assert other.status == before


def test_the_list_offers_the_buttons_each_status_allows(editor_client, post):
    pending = CommentFactory(post=post, status=A.PENDING, author_name="Nora")
    approved = CommentFactory(post=post, status=A.APPROVED, author_name="Per")

    html = editor_client.get(CHANGELIST).content.decode()

    assert f'form="row-actions-{pending.pk}" name="do" value="approve"' in html
    assert f'form="row-actions-{pending.pk}" name="do" value="spam"' in html
    assert f'form="row-actions-{pending.pk}" name="do" value="trash"' in html
    assert f'form="row-actions-{approved.pk}" name="do" value="unapprove"' in html
    assert f'form="row-actions-{approved.pk}" name="do" value="approve"' not in html
    # The forms they submit: POST with the CSRF token, outside the list's own form.
    assert f'<form id="row-actions-{pending.pk}" method="post" action="{row_action(pending)}">' in html
    assert html.index(f'id="row-actions-{pending.pk}"') > html.index("</form>", html.index('id="changelist-form"'))
    assert f'<textarea id="row-reply-body-{approved.pk}" name="body" form="row-reply-{approved.pk}"' in html
    assert "Approve and reply" in html  # the held comment's reply approves it


def test_row_actions_refuse_get_and_requests_without_the_csrf_token(editor, post):
    comment = CommentFactory(post=post, status=A.PENDING)
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)

    assert client.get(row_action(comment), {"do": "approve"}).status_code == 405
    assert client.post(row_action(comment), {"do": "approve"}).status_code == 403
    comment.refresh_from_db()
    assert comment.status == A.PENDING


def test_an_unknown_action_or_a_foreign_next_address_is_harmless(editor_client, post):
    comment = CommentFactory(post=post, status=A.PENDING)

    unknown = editor_client.post(row_action(comment), {"do": "delete", "next": "https://evil.example/"})

    assert unknown.status_code == 302
    assert unknown.url == CHANGELIST
    comment.refresh_from_db()
    assert comment.status == A.PENDING


def test_approving_from_the_row_emails_as_the_bulk_action_does(
    editor_client, post, mailoutbox, django_capture_on_commit_callbacks
):
    comment = CommentFactory(post=post, status=A.PENDING, author_name="Nora", author_email="nora@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(row_action(comment), {"do": "approve"})

    assert any(post.author.email in message.to for message in mailoutbox)
