"""Whatever is typed into the address bar or posted at the account URLs, the answer is a page, never a 500."""

import pytest

from tests.accounts.conftest import log_in_with

pytestmark = pytest.mark.django_db

GETS = [
    "/accounts/change/?next=javascript:alert(1)",
    "/accounts/change/?next=//evil.example/",
    "/accounts/change/?next=" + "a" * 5000,
    "/accounts/google/login/callback/",
    "/accounts/google/login/callback/?code=x",
    "/accounts/google/login/callback/?state=" + "x" * 5000 + "&code=y",
    "/accounts/facebook/login/callback/?error=server_error&state=abc",
    "/accounts/twitter_oauth2/login/callback/?error=access_denied",
    "/accounts/wordpress_com/login/callback/?code=%00&state=%00",
    "/accounts/wordpress_com/login/?process=hijack",
    "/accounts/simulated/google/authorize/",
    "/accounts/simulated/nonexistent/authorize/",
    "/accounts/nonexistent/login/",
    "/accounts/3rdparty/signup/",
    "/accounts/3rdparty/login/error/",
]


@pytest.mark.parametrize("url", GETS)
def test_hostile_get_gets_a_page_not_a_server_error(client, url):
    response = client.get(url)

    assert response.status_code < 500


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/google/login/?process=hijack",
        "/accounts/google/login/?next=https://evil.example/",
        "/accounts/facebook/login/?process=connect",  # connect while signed out
        "/accounts/twitter_oauth2/login/?process=redirect&next=%00",
    ],
)
def test_hostile_login_start_gets_a_page_not_a_server_error(client, url):
    response = client.post(url)

    assert response.status_code < 500
    if response.status_code == 302:
        assert "evil.example" not in response["Location"].split("?")[0]


@pytest.mark.parametrize(
    "data",
    [
        {"account": "not-a-number"},
        {"account": "99999999999999999999999"},
        {"account": ""},
        {},
    ],
)
def test_hostile_disconnect_is_refused_with_a_message(client, provider_api, case, data):
    log_in_with(client, provider_api, case)

    response = client.post("/accounts/3rdparty/", data)

    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


@pytest.mark.parametrize(
    "data",
    [{"comments": "delete"}, {"comments": "DELETE", "confirm": "on"}, {"confirm": "x" * 10000}, {}],
)
def test_hostile_delete_is_refused_with_a_message(client, provider_api, case, data):
    log_in_with(client, provider_api, case)

    response = client.post("/accounts/delete/", data)

    assert response.status_code in {200, 400}
    assert "_auth_user_id" in client.session
