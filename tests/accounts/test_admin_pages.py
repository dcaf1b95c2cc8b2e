"""An administrator looks for social-login settings in the admin and is pointed at the environment instead."""

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_admin_offers_no_social_application_or_token_pages(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    index = client.get("/admin/").content.decode()

    assert "Social accounts" in index  # who linked which provider stays visible
    assert "Social applications" not in index
    assert "Social application tokens" not in index
    assert client.get("/admin/socialaccount/socialapp/").status_code == 404
    assert client.get("/admin/socialaccount/socialtoken/").status_code == 404
