"""Hammering a provider's login start or callback from one address gets a themed "too many attempts" page."""

import pytest
from django.test import override_settings

from tests.accounts.conftest import start_login
from tests.accounts.html import visible_text

pytestmark = pytest.mark.django_db

LOW_LIMITS = {"start": 3, "callback": 3}


@override_settings(SOCIAL_LOGIN_RATE_LIMITS=LOW_LIMITS)
def test_login_start_is_limited_per_address(client, case):
    for _ in range(3):
        start_login(client, case.provider_id)

    response = client.post(f"/accounts/{case.provider_id}/login/?process=login")

    assert response.status_code == 429
    page = response.content.decode()
    assert '<header class="site-header">' in page
    assert "Too many login attempts" in visible_text(page)
    # Someone at another address is not affected.
    other = client.post(f"/accounts/{case.provider_id}/login/", REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 302


@override_settings(SOCIAL_LOGIN_RATE_LIMITS=LOW_LIMITS)
def test_callback_is_limited_per_address(client, case):
    for _ in range(3):
        response = client.get(f"/accounts/{case.provider_id}/login/callback/", {"code": "guess", "state": "guess"})
        assert response.status_code == 400

    response = client.get(f"/accounts/{case.provider_id}/login/callback/", {"code": "guess", "state": "guess"})

    assert response.status_code == 429
    assert "Too many login attempts" in visible_text(response.content.decode())


def test_default_limits_let_an_ordinary_reader_through(client, case):
    for _ in range(5):
        start_login(client, case.provider_id)
