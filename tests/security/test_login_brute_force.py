"""Guessing a password is limited the same way at every sign-in door: /admin/login/ and /accounts/login/."""

import pytest
from django.core.cache import cache

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
TOO_MANY = "Too many failed login attempts"


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def editor():
    return UserFactory(username="editor", email="editor@example.org", is_staff=True)


def admin_login(client, username, password, **extra):
    return client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": password, "next": "/admin/"}, **extra
    )


def site_login(client, login, password, **extra):
    return client.post("/accounts/login/", {"login": login, "password": password}, **extra)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_admin_login_locks_an_account_after_five_wrong_passwords(client, editor):
    for _ in range(5):
        response = admin_login(client, "editor", "wrong guess")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()

    response = admin_login(client, "editor", PASSWORD)

    assert TOO_MANY in response.content.decode()
    assert not signed_in(client)


def test_an_account_locked_at_accounts_login_stays_locked_at_the_admin_login(client, editor):
    for _ in range(5):
        site_login(client, "editor", "wrong guess")

    response = admin_login(client, "editor", PASSWORD)

    assert TOO_MANY in response.content.decode()
    assert not signed_in(client)


def test_an_account_locked_at_the_admin_login_stays_locked_at_accounts_login(client, editor):
    for _ in range(5):
        admin_login(client, "editor", "wrong guess")

    response = site_login(client, "editor", PASSWORD)

    assert TOO_MANY in response.content.decode()
    assert not signed_in(client)


def test_the_admin_login_limits_guesses_from_one_address_across_accounts(client, editor):
    for number in range(10):
        admin_login(client, f"someone{number}", "wrong guess")

    response = admin_login(client, "editor", PASSWORD)

    assert TOO_MANY in response.content.decode()
    assert not signed_in(client)
    # Someone else, at another address, still signs in.
    other = admin_login(client, "editor", PASSWORD, REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 302


def test_a_right_password_within_the_limit_signs_an_editor_in(client, editor):
    for _ in range(3):
        admin_login(client, "editor", "wrong guess")

    response = admin_login(client, "editor", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert signed_in(client)


def test_the_admin_still_refuses_a_reader_without_staff_rights(client):
    UserFactory(username="reader", is_staff=False)

    response = admin_login(client, "reader", PASSWORD)

    assert response.status_code == 200
    assert "Please enter the correct username and password for a staff account" in response.content.decode()
    assert not signed_in(client)
