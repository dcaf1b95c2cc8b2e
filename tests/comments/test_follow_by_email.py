"""'Follow by email': a reader asks for new posts without commenting, and gets them only once they confirm."""

import re

import pytest
from django.core import mail

from comments.models import Subscription
from comments.notifications import announce_post
from tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db


def confirm_link(message) -> str:
    return re.search(r"https?://\S+/comments/subscription/confirm/\S+/", message.body).group(0)


def test_a_reader_follows_by_email_confirms_and_then_gets_new_posts(client, django_capture_on_commit_callbacks):
    home = client.get("/").content.decode()
    assert 'action="/follow/"' in home
    assert 'name="follow_email"' in home

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/follow/", {"follow_email": "Reader@Example.org"})

    assert response.status_code == 200
    assert "We sent a confirmation link to reader@example.org" in response.content.decode()
    subscription = Subscription.objects.get(kind=Subscription.Kind.POSTS)
    assert subscription.email == "reader@example.org"
    assert subscription.confirmed_at is None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["reader@example.org"]
    assert mail.outbox[0].subject.endswith("Please confirm: new posts")

    # Nothing is sent before the address confirms.
    assert announce_post(PostFactory(title="Before confirming")) == 0

    path = "/" + confirm_link(mail.outbox[0]).split("/", 3)[3]
    client.post(path)
    subscription.refresh_from_db()
    assert subscription.confirmed_at is not None
    assert announce_post(PostFactory(title="Cladribine tablets")) == 1


def test_the_form_is_not_a_way_to_flood_an_inbox(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            assert client.post("/follow/", {"follow_email": "victim@example.org"}).status_code == 200

    assert len(mail.outbox) == 1
    assert Subscription.objects.filter(email="victim@example.org").count() == 1


def test_a_signed_in_reader_confirms_by_email_too(client, django_capture_on_commit_callbacks):
    """The form carries no CSRF token (pages are cached for everyone), so it acts for no account."""
    reader = UserFactory(email="grace@example.org")
    client.force_login(reader)

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/follow/", {"follow_email": "grace@example.org"})

    subscription = Subscription.objects.get(email="grace@example.org")
    assert subscription.confirmed_at is None
    assert subscription.user is None
    assert len(mail.outbox) == 1


def test_a_mistyped_address_is_shown_again_with_the_reason(client):
    response = client.post("/follow/", {"follow_email": "not an address"})

    html = response.content.decode()
    assert response.status_code == 400
    assert "Enter a valid email address." in html
    assert 'value="not an address"' in html
    assert 'aria-invalid="true"' in html
    assert not Subscription.objects.exists()


def test_the_follow_page_works_on_its_own(client):
    response = client.get("/follow/")

    assert response.status_code == 200
    assert "Follow by email" in response.content.decode()
