"""A one-click moderation link from an email acts once, and only on the comment as the email saw it."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from comments import actions, links
from comments.models import Action, Comment
from tests.factories import CommentFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db

S = Comment.Status


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def moderator():
    return UserFactory(username="mod", email="mod@example.org", is_staff=True, is_superuser=True)


@pytest.fixture
def held():
    return CommentFactory(post=PostFactory(), status=S.PENDING, body="Buy cheap pills here.")


def emailed_link(comment, action, moderator) -> str:
    """The link as the moderation email about `comment` carries it, written now."""
    return reverse(
        "comments:moderation_link", args=[links.link_token(comment=comment, action=action, moderator=moderator)]
    )


def status_of(comment) -> str:
    comment.refresh_from_db()
    return comment.status


def test_a_stale_approve_link_does_not_bring_back_a_comment_a_moderator_trashed(client, held, moderator):
    approve = emailed_link(held, Action.APPROVE, moderator)
    actions.apply_action(comments=[held], action=Action.TRASH)  # later, in the admin

    response = client.post(approve)

    assert response.status_code == 409
    assert "moderated after the email was sent" in response.content.decode()
    assert status_of(held) == S.TRASH


def test_a_stale_approve_link_does_not_publish_a_comment_marked_as_spam(client, held, moderator):
    approve = emailed_link(held, Action.APPROVE, moderator)
    actions.apply_action(comments=[held], action=Action.SPAM)

    client.post(approve)

    assert status_of(held) == S.SPAM


def test_a_link_works_once_even_if_the_comment_is_held_again(client, held, moderator):
    approve = emailed_link(held, Action.APPROVE, moderator)
    assert client.post(approve).status_code == 200
    assert status_of(held) == S.APPROVED
    actions.apply_action(comments=[held], action=Action.UNAPPROVE)  # a moderator has second thoughts
    assert status_of(held) == S.PENDING

    again = client.post(approve)

    assert again.status_code == 409
    assert "used already" in again.content.decode()
    assert status_of(held) == S.PENDING


def test_a_second_moderators_link_cannot_overturn_the_first_ones_decision(client, held, moderator):
    other = UserFactory(username="mod2", email="mod2@example.org", is_staff=True, is_superuser=True)
    trash = emailed_link(held, Action.TRASH, moderator)
    approve = emailed_link(held, Action.APPROVE, other)

    client.post(trash)
    client.post(approve)

    assert status_of(held) == S.TRASH


def test_opening_a_stale_link_says_so_and_offers_no_button(client, held, moderator):
    approve = emailed_link(held, Action.APPROVE, moderator)
    actions.apply_action(comments=[held], action=Action.TRASH)

    page = client.get(approve).content.decode()

    assert "moderated after the email was sent" in page
    assert '<button type="submit">Approve</button>' not in page


def test_a_link_still_acts_while_the_comment_waits(client, held, moderator):
    response = client.post(emailed_link(held, Action.SPAM, moderator))

    assert response.status_code == 200
    assert status_of(held) == S.SPAM
