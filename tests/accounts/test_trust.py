"""Signing in with a provider earns no trust by itself: moderation, staff rights and email stay the site's call."""

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.core.cache import cache

from comments.models import Comment
from tests.accounts.conftest import RETURN_URL, case_for, log_in_with, with_profile
from tests.accounts.test_provider_login import signed_in_user
from tests.comments.helpers import comment_data, post_url
from tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


def comment_as_signed_in_reader(client, post, body: str) -> Comment:
    response = client.post(post_url(post), comment_data(post, comment=body, name=None, email=None))
    assert response.status_code == 302, response.content[:500]
    return Comment.objects.latest("pk")


def test_first_comment_by_a_socially_signed_in_reader_is_held_like_a_guests(client, provider_api, case):
    post = PostFactory()
    log_in_with(client, provider_api, case)

    first = comment_as_signed_in_reader(client, post, "My first comment here.")

    assert first.status == Comment.Status.PENDING
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Your comment is awaiting moderation." in page


def test_once_one_comment_is_approved_the_next_ones_are_published(client, provider_api, case):
    post = PostFactory()
    log_in_with(client, provider_api, case)
    first = comment_as_signed_in_reader(client, post, "My first comment here.")
    first.approve()
    cache.clear()  # the comments app's flood control would refuse a second comment within seconds

    second = comment_as_signed_in_reader(client, post, "And a follow-up question.")

    assert second.status == Comment.Status.APPROVED


@pytest.mark.parametrize("provider_id", ["wordpress_com", "google", "twitter_oauth2", "facebook"])
def test_social_sign_up_never_grants_staff_rights_whatever_the_profile_says(client, provider_api, provider_id):
    claims_admin = with_profile(
        case_for(provider_id),
        is_staff=True,
        is_superuser=True,
        is_admin=True,
        site_admin=True,
        groups=["Administrator", "Editor"],
        roles=["administrator"],
    )

    log_in_with(client, provider_api, claims_admin)

    reader = signed_in_user(client)
    assert reader is not None
    assert not reader.is_staff
    assert not reader.is_superuser
    assert not reader.groups.exists()
    assert not reader.user_permissions.exists()
    assert reader.get_all_permissions() == set()
    assert client.get("/admin/").status_code == 302  # sent to the admin login, not let in


def test_x_gives_no_email_and_the_reader_still_gets_an_account(client, provider_api):
    x = case_for("twitter_oauth2")
    assert "email" not in x.profile

    response = log_in_with(client, provider_api, x)

    assert response.status_code == 302
    reader = signed_in_user(client)
    assert reader.email == ""
    assert not EmailAddress.objects.filter(user=reader).exists()


def test_same_email_at_a_second_provider_creates_a_separate_account(client, provider_api):
    wordpress = case_for("wordpress_com")
    log_in_with(client, provider_api, wordpress)
    first = signed_in_user(client)
    client.logout()

    # Google even says the address is verified.
    same_email_at_google = with_profile(case_for("google"), email=wordpress.profile["email"], email_verified=True)
    log_in_with(client, provider_api, same_email_at_google)

    second = signed_in_user(client)
    assert second != first
    assert User.objects.count() == 2
    assert list(SocialAccount.objects.filter(user=first).values_list("provider", flat=True)) == ["wordpress_com"]
    assert list(SocialAccount.objects.filter(user=second).values_list("provider", flat=True)) == ["google"]


def test_provider_email_matching_a_staff_account_never_logs_into_it(client, provider_api):
    editor = UserFactory(username="editor", email="gina1001@gmail.com", is_staff=True)
    EmailAddress.objects.create(user=editor, email=editor.email, verified=True, primary=True)

    log_in_with(client, provider_api, case_for("google"))  # Google says gina1001@gmail.com, verified

    reader = signed_in_user(client)
    assert reader != editor
    assert not reader.is_staff
    assert not SocialAccount.objects.filter(user=editor).exists()
    # The address stays the editor's alone: the new account does not claim it.
    assert reader.email == ""
    assert list(EmailAddress.objects.filter(email__iexact="gina1001@gmail.com").values_list("user", flat=True)) == [
        editor.pk
    ]


def test_provider_username_of_an_editor_gives_the_reader_another_username(client, provider_api):
    editor = UserFactory(username="editor", is_staff=True)
    impostor = with_profile(case_for("wordpress_com"), username="editor", display_name="The Editor")

    log_in_with(client, provider_api, impostor)

    reader = signed_in_user(client)
    assert reader != editor
    assert reader.username != "editor"
    assert not reader.is_staff


def test_two_readers_with_the_same_name_at_different_providers_get_two_accounts(client, provider_api):
    log_in_with(client, provider_api, with_profile(case_for("twitter_oauth2"), username="sam"))
    client.logout()
    log_in_with(client, provider_api, with_profile(case_for("wordpress_com"), username="sam"))

    assert User.objects.count() == 2
    assert len(set(User.objects.values_list("username", flat=True))) == 2


def test_connecting_a_provider_account_that_belongs_to_another_reader_is_refused(client, provider_api):
    log_in_with(client, provider_api, case_for("google"))
    gina = signed_in_user(client)
    client.logout()
    log_in_with(client, provider_api, case_for("wordpress_com"))
    wendy = signed_in_user(client)

    response = log_in_with(client, provider_api, case_for("google"), process="connect", next_url="/accounts/3rdparty/")

    assert signed_in_user(client) == wendy
    assert SocialAccount.objects.get(provider="google").user == gina
    assert list(SocialAccount.objects.filter(user=wendy).values_list("provider", flat=True)) == ["wordpress_com"]
    page = client.get(response["Location"]).content.decode()
    assert "already connected to another reader" in page


def test_an_unverified_wordpress_com_address_stays_unverified(client, provider_api):
    log_in_with(client, provider_api, with_profile(case_for("wordpress_com"), email_verified=False))

    address = EmailAddress.objects.get(user=signed_in_user(client))
    assert address.verified is False


def test_facebook_addresses_are_kept_unverified(client, provider_api):
    log_in_with(client, provider_api, case_for("facebook"))

    address = EmailAddress.objects.get(user=signed_in_user(client))
    assert address.email == "fiona1001@example.com"
    assert address.verified is False


@pytest.mark.parametrize("provider_id", ["wordpress_com", "google", "facebook"])
def test_a_reader_who_shares_no_email_still_gets_an_account(client, provider_api, provider_id):
    no_email = with_profile(case_for(provider_id), email=None, email_verified=None)

    response = log_in_with(client, provider_api, no_email)

    assert response["Location"] == RETURN_URL
    reader = signed_in_user(client)
    assert reader.email == ""
    assert not EmailAddress.objects.filter(user=reader).exists()


def test_another_readers_approved_comment_earns_no_trust_for_a_reader_without_email(client, provider_api):
    """X gives no address: two X readers share an empty email, which must not count as the same person."""
    post = PostFactory()
    Comment.objects.create(
        post=post, author_name="Someone", author_email="", body="Approved long ago.", status=Comment.Status.APPROVED
    )
    log_in_with(client, provider_api, case_for("twitter_oauth2"))

    response = client.post(post_url(post), comment_data(post, comment="My first comment.", name=None, email=None))

    assert response.status_code == 302
    assert Comment.objects.get(body="My first comment.").status == Comment.Status.PENDING
