"""A reader corrects or withdraws their own comment within fifteen minutes; a deleted comment with replies keeps its place."""

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, DiscussionSettings
from tests.comments.helpers import comment_data, configure, known_guest, page, post_url
from tests.factories import CommentFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _quiet(notified):
    """Emails are recorded, not sent."""


def edit_url(comment) -> str:
    return reverse("comments:edit", kwargs={"pk": comment.pk})


def delete_url(comment) -> str:
    return reverse("comments:delete", kwargs={"pk": comment.pk})


def post_as_guest(client, post, text="My comment, with a tpyo.") -> Comment:
    # A returning guest: approved straight away.
    CommentFactory(author_name="Ada Reader", author_email="ada@example.org")
    response = client.post(post_url(post), comment_data(post, comment=text))
    assert response.status_code == 302
    return Comment.objects.get(post=post, body=text)


def test_guest_edits_their_comment_in_the_same_browser(client):
    post = PostFactory()
    comment = post_as_guest(client, post)

    html = client.get(post.get_absolute_url()).content.decode()
    assert f'href="{edit_url(comment)}"' in html
    form = client.get(edit_url(comment))
    assert form.status_code == 200
    assert "My comment, with a tpyo." in form.content.decode()

    response = client.post(edit_url(comment), {"comment": "My comment, with a typo fixed."})

    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    comment.refresh_from_db()
    assert comment.body == "My comment, with a typo fixed."
    assert comment.body_html == "<p>My comment, with a typo fixed.</p>"
    assert comment.edited_at is not None
    assert "(edited)" in Client().get(post.get_absolute_url()).content.decode()


def test_editing_reruns_moderation(client):
    discussion = DiscussionSettings.load()
    discussion.moderation_keys = "miracle cure"
    discussion.save()
    post = PostFactory()
    comment = post_as_guest(client, post)
    assert comment.status == Comment.Status.APPROVED

    client.post(edit_url(comment), {"comment": "Try this miracle cure"})

    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert "Try this miracle cure" not in Client().get(post.get_absolute_url()).content.decode()
    mine = client.get(post.get_absolute_url()).content.decode()
    assert "Try this miracle cure" in mine
    assert "Your comment is awaiting moderation." in mine


def test_editing_into_disallowed_words_sends_the_comment_to_the_trash(client):
    discussion = DiscussionSettings.load()
    discussion.disallowed_keys = "casino"
    discussion.save()
    post = PostFactory()
    comment = post_as_guest(client, post)

    client.post(edit_url(comment), {"comment": "Visit my casino"})

    comment.refresh_from_db()
    assert comment.status == Comment.Status.TRASH


def test_an_empty_edit_keeps_the_form_with_a_message(client):
    post = PostFactory()
    comment = post_as_guest(client, post)

    response = client.post(edit_url(comment), {"comment": "   "})

    assert response.status_code == 400
    assert "Please type your comment." in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == "My comment, with a tpyo."


def test_after_fifteen_minutes_the_comment_can_no_longer_be_edited_or_deleted(client):
    post = PostFactory()
    comment = post_as_guest(client, post)

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=14)):
        assert client.get(edit_url(comment)).status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16)):
        page = client.get(post.get_absolute_url()).content.decode()
        refused = client.post(edit_url(comment), {"comment": "Too late"})
        refused_delete = client.post(delete_url(comment))

    assert f'href="{edit_url(comment)}"' not in page
    assert refused.status_code == 403
    assert "This comment can no longer be edited." in refused.content.decode()
    assert refused_delete.status_code == 403
    assert "This comment can no longer be deleted." in refused_delete.content.decode()
    comment.refresh_from_db()
    assert comment.body == "My comment, with a tpyo."
    assert comment.status == Comment.Status.APPROVED


def test_another_person_cannot_edit_or_delete_it(client):
    post = PostFactory()
    comment = post_as_guest(client, post)
    stranger = Client()
    stranger.force_login(UserFactory())

    for other in (Client(), stranger):
        assert f'href="{edit_url(comment)}"' not in other.get(post.get_absolute_url()).content.decode()
        assert other.post(edit_url(comment), {"comment": "Hijacked"}).status_code == 403
        assert other.post(delete_url(comment)).status_code == 403

    comment.refresh_from_db()
    assert comment.body == "My comment, with a tpyo."
    assert comment.status == Comment.Status.APPROVED


def test_a_signed_in_reader_can_edit_from_another_browser():
    reader = UserFactory()
    post = PostFactory()
    comment = CommentFactory(post=post, user=reader)
    other_browser = Client()
    other_browser.force_login(reader)

    response = other_browser.post(edit_url(comment), {"comment": "Edited from my phone"})

    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body == "Edited from my phone"


@pytest.mark.parametrize("pk", [999999, 2**63, 10**30])
def test_editing_a_comment_that_does_not_exist_is_a_404(client, pk):
    assert client.get(f"/comments/{pk}/edit/").status_code == 404
    assert client.post(f"/comments/{pk}/delete/").status_code == 404


# Deleting ---------------------------------------------------------------------------------------------


def test_deleting_a_comment_without_replies_removes_it(client):
    post = PostFactory()
    comment = post_as_guest(client, post)

    asked = client.get(delete_url(comment))
    response = client.post(delete_url(comment))

    assert "Delete your comment?" in asked.content.decode()
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == Comment.Status.TRASH
    html = Client().get(post.get_absolute_url()).content.decode()
    assert f'id="comment-{comment.pk}"' not in html
    assert "This comment was deleted." not in html


def test_deleting_a_comment_with_replies_keeps_its_place_in_the_thread(client):
    post = PostFactory()
    comment = post_as_guest(client, post)
    reply = CommentFactory(post=post, parent=comment, body="A reply that must stay.")

    client.post(delete_url(comment))

    html = Client().get(post.get_absolute_url()).content.decode()
    item = html[html.index(f'<li id="comment-{comment.pk}"') :]
    assert "This comment was deleted." in item
    assert "My comment, with a tpyo." not in html
    assert re.search(rf'<ol class="children">\s*<li id="comment-{reply.pk}"', item)
    assert "A reply that must stay." in html
    # The placeholder is not a thought: one approved comment remains (plus the returning guest's elsewhere).
    assert "One thought on" in html
    assert f"?replytocom={comment.pk}" not in html


def test_a_deleted_comment_cannot_be_edited_or_replied_to(client):
    post = PostFactory()
    comment = post_as_guest(client, post)
    CommentFactory(post=post, parent=comment)
    client.post(delete_url(comment))

    assert client.get(edit_url(comment)).status_code == 404
    response = Client(REMOTE_ADDR="192.0.2.9").post(post_url(post), comment_data(post, parent=str(comment.pk)))
    assert response.status_code == 400
    assert "no longer available" in response.content.decode()


def test_a_first_comment_approved_by_a_moderator_stays_approved_when_its_author_fixes_a_typo(client):
    post = PostFactory()
    client.post(post_url(post), comment_data(post, comment="My frist comment"))
    comment = Comment.objects.get(post=post)
    assert comment.status == Comment.Status.PENDING
    comment.approve()

    client.post(edit_url(comment), {"comment": "My first comment"})

    comment.refresh_from_db()
    assert comment.body == "My first comment"
    assert comment.status == Comment.Status.APPROVED


def test_a_first_comment_still_waiting_stays_waiting_after_an_edit(client):
    post = PostFactory()
    client.post(post_url(post), comment_data(post, comment="My frist comment"))
    comment = Comment.objects.get(post=post)

    client.post(edit_url(comment), {"comment": "My first comment"})

    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert "Your comment is awaiting moderation." in client.get(post.get_absolute_url()).content.decode()


def test_an_edit_after_comments_closed_is_refused_and_keeps_the_text(client):
    post = PostFactory()
    comment = post_as_guest(client, post)
    post.comments_open = False
    post.save()

    response = client.post(edit_url(comment), {"comment": "A correction after closing"})

    assert response.status_code == 403
    html = response.content.decode()
    assert "Comments are closed." in html
    assert "A correction after closing" in html
    comment.refresh_from_db()
    assert comment.body == "My comment, with a tpyo."


def test_the_edit_window_is_a_setting(client):
    configure(edit_window_minutes=5)
    known_guest()
    post = PostFactory()
    client.post(post_url(post), comment_data(post, comment="Quick thought."))
    comment = Comment.objects.get(post=post)
    edit = reverse("comments:edit", kwargs={"pk": comment.pk})

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=4)):
        assert client.get(edit).status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=6)):
        refused = client.post(edit, {"comment": "Too late now."})

    assert refused.status_code == 403
    assert "for 5 minutes after posting" in refused.content.decode()
    comment.refresh_from_db()
    assert comment.body == "Quick thought."


def test_an_edit_that_adds_too_many_links_is_held_again(client):
    known_guest()
    post = PostFactory()
    client.post(post_url(post), comment_data(post, comment="No links yet."))
    comment = Comment.objects.get(post=post)
    assert comment.status == Comment.Status.APPROVED

    client.post(
        reverse("comments:edit", kwargs={"pk": comment.pk}),
        {"comment": "Now https://a.org https://b.org https://c.org"},
    )

    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert "https://c.org" not in page(Client(), post)


def test_a_deleted_comment_with_replies_keeps_its_place_for_every_reader_and_hides_its_author(client):
    known_guest()
    post = PostFactory()
    client.post(post_url(post), comment_data(post, comment="I will regret this.", url="https://ada.example"))
    comment = Comment.objects.get(post=post)
    reply = CommentFactory(post=post, parent=comment, body="Kind reply.")

    client.post(reverse("comments:delete", kwargs={"pk": comment.pk}))

    html = page(Client(), post)
    item = html[html.index(f'<li id="comment-{comment.pk}"') : html.index(f'<li id="comment-{reply.pk}"')]
    assert "This comment was deleted." in item
    assert "Ada Reader" not in item
    assert "ada.example" not in item
    assert "gravatar" not in item
