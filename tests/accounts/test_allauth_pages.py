"""Every page allauth can show a reader or an editor is in the site theme, never allauth's bare default."""

import pytest

from tests.accounts.conftest import case_for, log_in_with
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
THEMED = '<header class="site-header">'

SIGNED_OUT = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/logout/",
    "/accounts/3rdparty/login/cancelled/",
    "/accounts/3rdparty/login/error/",
    "/accounts/google/login/",
    "/accounts/change/?next=/",
]
SIGNED_IN = [
    "/accounts/3rdparty/",
    "/accounts/delete/",
    "/accounts/logout/",
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/change/?next=/",
]


@pytest.mark.parametrize("url", SIGNED_OUT)
def test_pages_for_signed_out_visitors_use_the_site_theme(client, url):
    response = client.get(url, follow=True)

    assert response.status_code in {200, 401, 403}, url
    assert THEMED in response.content.decode(), url


def test_allauth_login_cancelled_page_speaks_like_the_rest_of_the_site(client):
    page = client.get("/accounts/3rdparty/login/cancelled/").content.decode()

    assert "Login cancelled" in page
    assert "Nothing was changed." in page


@pytest.mark.parametrize("url", SIGNED_IN)
def test_pages_for_signed_in_readers_use_the_site_theme(client, provider_api, url):
    log_in_with(client, provider_api, case_for("google"))

    response = client.get(url, follow=True)

    assert response.status_code in {200, 403}, url
    assert THEMED in response.content.decode(), url


def test_account_pages_for_an_editor_use_the_site_theme(client):
    client.force_login(UserFactory(is_staff=True))

    for url in ("/accounts/email/", "/accounts/password/change/", "/accounts/3rdparty/"):
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        assert THEMED in response.content.decode(), url


def test_signed_out_reader_posting_logout_is_sent_home_not_shown_an_error(client):
    response = client.post("/accounts/logout/")

    assert response.status_code == 302
