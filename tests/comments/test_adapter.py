"""A site customises comments through one adapter class (COMMENTS_ADAPTER), the allauth way.

The comments app ships a plain default: an account comments under its name, the form shows no provider
icons, a subscription is confirmed by email. This site's accounts app subclasses it for social login.
"""

import pytest

from accounts.adapter import CommentsAdapter as SiteCommentsAdapter
from comments.adapter import CommenterIdentity, CommentsAdapter, get_adapter
from comments.models import Comment, Subscription
from tests.comments.helpers import comment_data, post_url
from tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db


class PenNameAdapter(CommentsAdapter):
    """A site where members comment under a pen name and the spam filter distrusts one word."""

    def identity_for(self, user):
        return CommenterIdentity(name=f"Member {user.pk}", email="member@example.org", url="https://example.org/")

    def is_spam(self, comment, request):
        return "pen-name filter" if "casino" in comment.body else None

    def email_is_verified(self, user, email):
        return True


def test_the_site_uses_the_accounts_adapter():
    assert isinstance(get_adapter(), SiteCommentsAdapter)


def test_a_signed_in_comment_carries_the_identity_the_adapter_gives(
    client, settings, django_capture_on_commit_callbacks
):
    settings.COMMENTS_ADAPTER = "tests.comments.test_adapter.PenNameAdapter"
    post = PostFactory()
    reader = UserFactory(username="ada", first_name="Ada", last_name="Lovelace")
    client.force_login(reader)

    page = client.get(post.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(post_url(post), {**comment_data(post), "notify_comments": "on"})

    assert f"Logged in as Member {reader.pk}." in page  # the default signed-in slot, with the adapter's name
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (comment.author_name, comment.author_email, comment.author_url) == (
        f"Member {reader.pk}",
        "member@example.org",
        "https://example.org/",
    )
    # The adapter vouched for the address, so the subscription needs no confirmation email.
    assert Subscription.objects.get().confirmed_at is not None


def test_the_adapter_decides_what_is_spam(client, settings):
    settings.COMMENTS_ADAPTER = "tests.comments.test_adapter.PenNameAdapter"
    settings.COMMENTS_SPAM_CHECKERS = []
    post = PostFactory()

    client.post(post_url(post), comment_data(post, comment="Best casino bonus here"))

    assert Comment.objects.get().status == Comment.Status.SPAM


def test_the_default_adapter_shows_no_provider_icons_and_names_the_account(client, settings):
    settings.COMMENTS_ADAPTER = "comments.adapter.CommentsAdapter"
    post = PostFactory()

    guest_form = client.get(post.get_absolute_url()).content.decode()
    client.force_login(UserFactory(username="grace", first_name="Grace", last_name="Hopper"))
    member_form = client.get(post.get_absolute_url()).content.decode()

    # No way to sign in, so WordPress's wording for a guest-only form, not "click an icon".
    assert "Your email address will not be published." in guest_form
    assert "click an icon to log in" not in guest_form
    assert "social-login-providers" not in guest_form
    assert "Logged in as Grace Hopper." in member_form


def test_this_sites_comment_form_shows_the_provider_icons(client):
    form = client.get(PostFactory().get_absolute_url()).content.decode()

    assert "social-login-providers" in form
