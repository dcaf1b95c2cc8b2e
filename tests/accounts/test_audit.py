"""Audit of issue 5 (social login): the points the other test files did not yet prove, one story each."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.contrib.sites.models import Site
from django.urls import reverse

from comments.models import Comment
from mssite.settings import social
from tests.accounts.conftest import API, RETURN_URL, case_for, fake_provider, log_in_with, start_login, with_profile
from tests.accounts.html import button_named, visible_text
from tests.accounts.test_provider_login import signed_in_user
from tests.comments.helpers import comment_data, post_url
from tests.factories import PageFactory, PostFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
BRANDS = {"wordpress_com": "WordPress.com", "google": "Google", "twitter_oauth2": "X", "facebook": "Facebook"}


# WordPress.com: the provider the project wrote itself ------------------------------------------------


def test_wordpress_com_is_asked_for_the_auth_scope_with_an_authorization_code(client):
    authorize = start_login(client, "wordpress_com")

    assert authorize["scope"] == "auth"
    assert authorize["response_type"] == "code"
    assert authorize["client_id"] == "test-wordpress-client"


def test_wordpress_com_code_is_exchanged_and_the_profile_read_with_a_bearer_token(client, provider_api):
    log_in_with(client, provider_api, case_for("wordpress_com"))

    token_call, profile_call = (call.request for call in provider_api.calls)
    assert token_call.method == "POST"
    assert token_call.url == f"{API}/wordpress_com/oauth2/token"
    sent = parse_qs(token_call.body)
    assert sent["code"] == ["code-from-provider"]
    assert sent["grant_type"] == ["authorization_code"]
    assert sent["redirect_uri"] == ["http://testserver/accounts/wordpress_com/login/callback/"]
    assert profile_call.method == "GET"
    assert profile_call.url == f"{API}/wordpress_com/rest/v1.1/me"
    assert profile_call.headers["Authorization"] == "Bearer token-for-wordpress_com"


def test_wordpress_com_profile_fields_become_the_account(client, provider_api):
    log_in_with(client, provider_api, case_for("wordpress_com"))

    reader = signed_in_user(client)
    account = SocialAccount.objects.get(user=reader)
    assert account.uid == "1001"  # the profile's numeric ID
    assert reader.username == "wendy1001"
    assert reader.email == "wendy1001@example.com"
    address = EmailAddress.objects.get(user=reader)
    assert (address.email, address.verified) == ("wendy1001@example.com", True)


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


# Settings: the real providers' endpoints, credentials from the environment only ---------------------


def adapters_in_a_fresh_process() -> dict:
    """Start Django as production would (real credentials, no simulation) and read the endpoints allauth uses."""
    credentials = {
        variable: f"real-{variable.lower()}" for pair in social.CREDENTIAL_VARIABLES.values() for variable in pair
    }
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key != "SOCIAL_LOGIN_SIMULATION" and key not in credentials
    }
    environment.update(credentials, SOCIAL_LOGIN_SIMULATION="false")
    code = (
        "import json\n"
        "from django.conf import settings\n"
        "from accounts.providers.wordpress_com.views import WordPressComOAuth2Adapter as W\n"
        "from accounts.providers.x.views import XOAuth2Adapter as X\n"
        "from allauth.socialaccount.providers.google import views as g\n"
        "from allauth.socialaccount.providers.facebook import flows as f\n"
        "print(json.dumps({'wordpress_com': [W.authorize_url, W.access_token_url, W.profile_url],\n"
        " 'twitter_oauth2': [X.authorize_url, X.access_token_url, X.profile_url],\n"
        " 'google': [g.AUTHORIZE_URL, g.ACCESS_TOKEN_URL], 'facebook_graph': f.GRAPH_API_URL,\n"
        " 'providers': settings.SOCIALACCOUNT_PROVIDERS}))\n"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_with_real_credentials_allauth_talks_to_the_real_providers():
    found = adapters_in_a_fresh_process()

    assert found["wordpress_com"] == [
        "https://public-api.wordpress.com/oauth2/authorize",
        "https://public-api.wordpress.com/oauth2/token",
        "https://public-api.wordpress.com/rest/v1.1/me",
    ]
    assert found["twitter_oauth2"] == [
        "https://x.com/i/oauth2/authorize",
        "https://api.x.com/2/oauth2/token",
        "https://api.x.com/2/users/me",
    ]
    assert found["google"] == ["https://accounts.google.com/o/oauth2/v2/auth", "https://oauth2.googleapis.com/token"]
    assert found["facebook_graph"] == f"https://graph.facebook.com/{social.FACEBOOK_GRAPH_API_VERSION}"
    providers = found["providers"]
    assert providers["google"]["OAUTH_PKCE_ENABLED"] is True
    assert providers["facebook"]["VERSION"] == social.FACEBOOK_GRAPH_API_VERSION
    assert providers["wordpress_com"]["APPS"] == [
        {"client_id": "real-wordpress_com_client_id", "secret": "real-wordpress_com_client_secret"}
    ]
    # X is allauth's OAuth 2 provider (PKCE), not the legacy OAuth 1.0a "twitter" one.
    assert "twitter" not in providers
    assert providers["twitter_oauth2"]["APPS"][0]["client_id"] == "real-x_client_id"


def test_the_site_keeps_no_social_application_rows(client, provider_api, case):
    log_in_with(client, provider_api, case)

    assert signed_in_user(client) is not None
    assert not SocialApp.objects.exists()


def test_a_social_application_row_added_in_the_admin_cannot_break_login(client, provider_api, case):
    """allauth would find two apps for the provider (the row and the environment's) and fail every login."""
    stray = SocialApp.objects.create(provider=case.provider_id, name="Added by hand", client_id="x", secret="y")
    stray.sites.add(Site.objects.get_current())

    page = client.get(PostFactory().get_absolute_url()).content.decode()
    response = log_in_with(client, provider_api, case)

    assert button_named(page, f"Log in with {case.brand}") is not None
    assert response.status_code == 302
    assert response["Location"] == RETURN_URL
    assert signed_in_user(client) is not None


# The authentication-error hook --------------------------------------------------------------------


def test_a_provider_error_is_logged_with_its_real_cause_for_the_administrator(client, provider_api, case, caplog):
    fake_provider(provider_api, case, token_status=500)
    authorize = start_login(client, case.provider_id)

    with caplog.at_level(logging.INFO, logger="accounts"):
        response = client.get(
            f"/accounts/{case.provider_id}/login/callback/", {"code": "code-from-provider", "state": authorize["state"]}
        )

    assert response.status_code == 400
    assert f'href="{RETURN_URL}"' in response.content.decode()
    record = next(r for r in caplog.records if r.name == "accounts.adapter")
    assert record.levelno == logging.WARNING
    assert f"Social login via {case.provider_id} failed" in record.getMessage()
    assert "exception=" in record.getMessage()
    assert "exception=None" not in record.getMessage()  # the cause, not just "it failed"


def test_a_cancelled_login_is_logged_quietly(client, case, caplog):
    authorize = start_login(client, case.provider_id)

    with caplog.at_level(logging.INFO, logger="accounts"):
        client.get(
            f"/accounts/{case.provider_id}/login/callback/", {"error": "access_denied", "state": authorize["state"]}
        )

    record = next(r for r in caplog.records if r.name == "accounts.adapter")
    assert record.levelno == logging.INFO
    assert "error=cancelled" in record.getMessage()


# Readers with several providers ------------------------------------------------------------------


def test_a_reader_connects_all_four_providers_then_disconnects_them_down_to_one(client, provider_api):
    log_in_with(client, provider_api, case_for("google"))
    reader = signed_in_user(client)
    for provider_id in ("wordpress_com", "twitter_oauth2", "facebook"):
        log_in_with(client, provider_api, case_for(provider_id), process="connect", next_url="/accounts/3rdparty/")

    page = client.get("/accounts/3rdparty/").content.decode()
    for name, brand in (
        ("Gina Google", "Google"),
        ("Wendy Press", "WordPress.com"),
        ("Xavier Post", "X"),
        ("Fiona Book", "Facebook"),
    ):
        assert button_named(page, f"Disconnect {brand} ({name})") is not None
    assert SocialAccount.objects.filter(user=reader).count() == 4

    for provider_id in ("wordpress_com", "twitter_oauth2", "facebook"):
        account = SocialAccount.objects.get(user=reader, provider=provider_id)
        assert client.post("/accounts/3rdparty/", {"account": account.pk}).status_code == 302

    assert list(SocialAccount.objects.filter(user=reader).values_list("provider", flat=True)) == ["google"]
    assert signed_in_user(client) == reader
    assert "You are commenting using your Google account." in visible_text(
        client.get(PostFactory().get_absolute_url()).content.decode()
    )


# Trust -------------------------------------------------------------------------------------------


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


def test_logging_out_needs_a_post_so_a_link_cannot_sign_a_reader_out(client, provider_api):
    log_in_with(client, provider_api, case_for("google"))

    page = client.get("/accounts/logout/")

    assert page.status_code == 200
    assert signed_in_user(client) is not None


# Documentation -----------------------------------------------------------------------------------


# Static pages have discussions too ---------------------------------------------------------------


def test_a_reader_comments_on_a_static_page_as_their_provider_self_then_downloads_and_anonymises_it(
    client, provider_api
):
    about = PageFactory(title="About this blog", slug="about", comments_open=True)
    log_in_with(client, provider_api, case_for("wordpress_com"), next_url=f"{about.get_absolute_url()}#respond")
    form = visible_text(client.get(about.get_absolute_url()).content.decode())
    assert "You are commenting using your WordPress.com account. ( Log Out / Change )" in form

    response = client.post(
        reverse("comments:page", kwargs={"page_id": about.pk}),
        comment_data(about, comment="Thank you for writing this blog.", name=None, email=None),
    )

    assert response.status_code == 302
    comment = Comment.objects.get(page=about)
    assert (comment.author_name, comment.author_url) == ("Wendy Press", "https://gravatar.com/wendy")
    assert comment.author_avatar_url == "https://0.gravatar.com/avatar/wendy?s=96"
    data = json.loads(client.get("/accounts/data/").content)
    assert [(c["page"], c["body"]) for c in data["comments"]] == [
        ("About this blog", "Thank you for writing this blog.")
    ]

    client.post("/accounts/delete/", {"comments": "anonymise", "confirm": "on"})

    comment.refresh_from_db()
    assert (comment.author_name, comment.author_url, comment.user) == ("Anonymous", "", None)
    assert comment.body == "Thank you for writing this blog."


# A provider's profile is data, not markup --------------------------------------------------------


def test_a_hostile_profile_from_a_provider_cannot_inject_markup_or_links(client, provider_api):
    post = PostFactory()
    hostile = with_profile(
        case_for("wordpress_com"),
        display_name='<script>alert("name")</script>Eve',
        profile_URL="javascript:alert(document.cookie)",
        avatar_URL='https://evil.example/a.png" onerror="alert(1)',
    )
    log_in_with(client, provider_api, hostile, next_url=f"{post.get_absolute_url()}#respond")

    client.post(post_url(post), comment_data(post, comment="Hello.", name=None, email=None))
    comment = Comment.objects.get()
    comment.approve()
    page = client.get(post.get_absolute_url()).content.decode()

    assert comment.author_url == ""
    assert "javascript:" not in page
    assert '<script>alert("name")' not in page
    assert 'onerror="alert(1)' not in page
    assert "&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;Eve" in page  # shown as text, form and comment
