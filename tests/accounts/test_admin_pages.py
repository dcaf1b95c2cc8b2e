"""An administrator looks for social-login settings in the admin and is pointed at the environment instead."""

import pytest
from allauth.socialaccount.models import SocialApp
from django.contrib.sites.models import Site

from tests.accounts.conftest import RETURN_URL, log_in_with
from tests.accounts.html import button_named
from tests.accounts.test_provider_login import signed_in_user
from tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_admin_offers_no_social_application_or_token_pages(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    index = client.get("/admin/").content.decode()

    assert "Social accounts" in index  # who linked which provider stays visible
    assert "Social applications" not in index
    assert "Social application tokens" not in index
    assert client.get("/admin/socialaccount/socialapp/").status_code == 404
    assert client.get("/admin/socialaccount/socialtoken/").status_code == 404


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
