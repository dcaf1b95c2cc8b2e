"""A reader logs in with each of the four providers through allauth's real views; the providers' APIs are faked."""

import base64
import hashlib
import logging
from urllib.parse import parse_qs

import pytest
import responses
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.contrib.auth import get_user_model

from accounts.identity import commenter_identity
from tests.accounts.conftest import (
    API,
    RETURN_URL,
    case_for,
    fake_provider,
    log_in_with,
    other_case,
    start_login,
)

pytestmark = pytest.mark.django_db
User = get_user_model()


def signed_in_user(client):
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def test_new_reader_gets_an_account_with_the_providers_name_and_avatar(client, provider_api, case):
    response = log_in_with(client, provider_api, case)

    assert response.status_code == 302
    user = signed_in_user(client)
    assert user is not None
    account = SocialAccount.objects.get(user=user)
    assert account.provider == case.provider_id
    identity = commenter_identity(user)
    assert identity.name == case.display_name
    assert identity.avatar_url == case.avatar_url
    assert identity.url == case.profile_url
    assert identity.provider_name == case.brand


def test_after_login_the_reader_lands_on_the_post_at_the_comment_form(client, provider_api, case):
    response = log_in_with(client, provider_api, case)

    assert response["Location"] == RETURN_URL


def test_returning_reader_is_logged_in_to_the_same_account(client, provider_api, case):
    log_in_with(client, provider_api, case)
    first = signed_in_user(client)
    client.logout()

    response = log_in_with(client, provider_api, case)

    assert response.status_code == 302
    assert signed_in_user(client) == first
    assert User.objects.count() == 1
    assert SocialAccount.objects.count() == 1


def test_returning_reader_who_renamed_themselves_comments_under_the_new_name(client, provider_api, case):
    log_in_with(client, provider_api, case)
    client.logout()

    with_new_name = case_for(case.provider_id, name_suffix=" Smith")
    log_in_with(client, provider_api, with_new_name)

    assert commenter_identity(signed_in_user(client)).name == with_new_name.display_name
    assert User.objects.count() == 1


def test_forged_state_is_refused_with_a_way_back_to_the_post(client, provider_api, case):
    fake_provider(provider_api, case)
    start_login(client, case.provider_id)

    response = client.get(
        f"/accounts/{case.provider_id}/login/callback/", {"code": "code-from-provider", "state": "forged-by-attacker"}
    )

    assert response.status_code == 400
    assert signed_in_user(client) is None
    assert not User.objects.exists()
    page = response.content.decode()
    assert "We could not log you in" in page
    assert f'href="{RETURN_URL}"' in page
    # The token endpoint was never called with the attacker's code.
    assert not any(call.request.url.startswith(API) for call in provider_api.calls)


def test_callback_without_a_login_started_in_this_browser_is_refused(client, provider_api, case):
    fake_provider(provider_api, case)

    response = client.get(
        f"/accounts/{case.provider_id}/login/callback/", {"code": "stolen-code", "state": "state-from-another-browser"}
    )

    assert response.status_code == 400
    assert "We could not log you in" in response.content.decode()
    assert signed_in_user(client) is None


def test_connect_links_a_second_provider_to_the_same_account(client, provider_api, case):
    log_in_with(client, provider_api, case)
    reader = signed_in_user(client)
    second = other_case(case)

    response = log_in_with(client, provider_api, second, process="connect")

    assert response.status_code == 302
    assert signed_in_user(client) == reader
    assert User.objects.count() == 1
    assert set(SocialAccount.objects.filter(user=reader).values_list("provider", flat=True)) == {
        case.provider_id,
        second.provider_id,
    }
    # Later logins with either provider reach the same account.
    client.logout()
    log_in_with(client, provider_api, second)
    assert signed_in_user(client) == reader


def test_token_endpoint_failure_shows_the_themed_error_page(client, provider_api, case):
    fake_provider(provider_api, case, token_status=500)
    authorize = start_login(client, case.provider_id)

    response = client.get(
        f"/accounts/{case.provider_id}/login/callback/", {"code": "code-from-provider", "state": authorize["state"]}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "We could not log you in" in page
    assert f"Something went wrong while logging in with {case.brand}" in page
    assert f'href="{RETURN_URL}"' in page
    assert "Back to the post" in page
    assert '<header class="site-header">' in page  # the site theme, not allauth's bare page
    assert signed_in_user(client) is None
    assert not User.objects.exists()


def test_reader_who_denies_consent_sees_login_cancelled_and_a_way_back(client, provider_api, case):
    authorize = start_login(client, case.provider_id)

    response = client.get(
        f"/accounts/{case.provider_id}/login/callback/",
        {"error": "access_denied", "error_description": "The user denied access", "state": authorize["state"]},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Login cancelled" in page
    assert f"You cancelled logging in with {case.brand}" in page
    assert f'href="{RETURN_URL}"' in page
    assert signed_in_user(client) is None


def test_login_start_refuses_get_and_shows_a_confirmation_page(client, case):
    """The icons POST; a GET (a link someone was tricked into following) only asks to confirm."""
    response = client.get(f"/accounts/{case.provider_id}/login/")

    assert response.status_code == 200
    assert API not in response.get("Location", "")
    assert "Continue" in response.content.decode()


def test_next_pointing_to_another_site_is_ignored(client, provider_api, case):
    response = log_in_with(client, provider_api, case, next_url="https://evil.example/phish")

    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


@pytest.mark.parametrize("provider_id", ["google", "twitter_oauth2"])
def test_google_and_x_use_pkce_so_a_stolen_code_is_useless(client, provider_api, provider_id):
    case = case_for(provider_id)
    fake_provider(provider_api, case)
    authorize = start_login(client, provider_id)
    assert authorize["code_challenge_method"] == "S256"

    client.get(f"/accounts/{provider_id}/login/callback/", {"code": "code-from-provider", "state": authorize["state"]})

    token_request = next(call.request for call in provider_api.calls if "token" in call.request.url)
    verifier = parse_qs(token_request.body)["code_verifier"][0]
    digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    assert digest == authorize["code_challenge"]


def test_every_provider_is_sent_a_fresh_unguessable_state(client, case):
    first = start_login(client, case.provider_id)["state"]
    second = start_login(client, case.provider_id)["state"]

    assert first != second
    assert len(first) >= 12


def test_the_provider_is_asked_for_the_sites_own_callback_and_client_id(client, case):
    authorize = start_login(client, case.provider_id)

    assert authorize["redirect_uri"] == f"http://testserver/accounts/{case.provider_id}/login/callback/"
    assert authorize["client_id"].startswith("test-")


def profile_urls(case) -> list[str]:
    graph = settings.SOCIALACCOUNT_PROVIDERS["facebook"]["GRAPH_API_URL"]
    return {
        "wordpress_com": [f"{API}/wordpress_com/rest/v1.1/me"],
        "google": [],
        "twitter_oauth2": [f"{API}/twitter_oauth2/2/users/me"],
        "facebook": [f"{graph}/me"],
    }[case.provider_id]


@pytest.mark.parametrize(
    "broken",
    [
        {"status": 500, "json": {"error": "internal"}},
        {"status": 200, "body": "<html>not json</html>"},
        {"status": 200, "json": {}},
        {"status": 200, "json": {"data": None, "errors": [{"title": "Unauthorized"}]}},
        {"status": 200, "json": []},
    ],
    ids=["server-error", "not-json", "empty", "error-payload", "list"],
)
def test_broken_profile_from_the_provider_shows_the_themed_error_page(client, provider_api, case, broken):
    if case.provider_id == "google":
        # Google's identity comes inside the token response, as a signed ID token.
        bad = {"access_token": "t", "token_type": "bearer", "id_token": "not-a-jwt"}
        provider_api.post(f"{API}/google/token", json=bad)
    else:
        fake_provider(provider_api, case)
        for url in profile_urls(case):
            provider_api.replace(
                responses.GET, url, status=broken["status"], **{k: v for k, v in broken.items() if k != "status"}
            )
    authorize = start_login(client, case.provider_id)

    response = client.get(
        f"/accounts/{case.provider_id}/login/callback/", {"code": "code-from-provider", "state": authorize["state"]}
    )

    assert response.status_code == 400
    assert "We could not log you in" in response.content.decode()
    assert signed_in_user(client) is None


def test_a_callback_url_cannot_be_replayed(client, provider_api, case):
    fake_provider(provider_api, case)
    authorize = start_login(client, case.provider_id)
    callback = {"code": "code-from-provider", "state": authorize["state"]}
    assert client.get(f"/accounts/{case.provider_id}/login/callback/", callback).status_code == 302
    client.logout()

    replay = client.get(f"/accounts/{case.provider_id}/login/callback/", callback)

    assert replay.status_code == 400
    assert signed_in_user(client) is None


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
