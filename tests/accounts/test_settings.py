"""Providers come from environment variables only; half a pair is reported, not silently ignored."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from accounts.checks import check_social_login_credentials
from mssite.settings import social
from mssite.settings.social import CREDENTIAL_VARIABLES, FACEBOOK_GRAPH_API_VERSION, social_providers


def test_no_variables_means_no_provider():
    providers = social_providers({})

    assert all("APPS" not in provider for provider in providers.values())


def test_each_pair_of_variables_configures_its_provider():
    environ = {variable: f"value-of-{variable}" for pair in CREDENTIAL_VARIABLES.values() for variable in pair}

    providers = social_providers(environ)

    for provider_id, (id_variable, secret_variable) in CREDENTIAL_VARIABLES.items():
        assert providers[provider_id]["APPS"] == [
            {"client_id": f"value-of-{id_variable}", "secret": f"value-of-{secret_variable}"}
        ]


def test_blank_values_count_as_unset():
    providers = social_providers({"GOOGLE_CLIENT_ID": "  ", "GOOGLE_CLIENT_SECRET": ""})

    assert "APPS" not in providers["google"]
    assert "MISSING_CREDENTIAL" not in providers["google"]


def test_google_uses_pkce_and_facebook_a_fixed_graph_version():
    providers = social_providers({})

    assert providers["google"]["OAUTH_PKCE_ENABLED"] is True
    assert providers["facebook"]["VERSION"] == FACEBOOK_GRAPH_API_VERSION


def test_half_a_pair_hides_the_provider_and_the_system_check_names_the_missing_variable(settings):
    settings.SOCIALACCOUNT_PROVIDERS = social_providers({"X_CLIENT_ID": "only-the-id"})

    assert "APPS" not in settings.SOCIALACCOUNT_PROVIDERS["twitter_oauth2"]
    warnings = check_social_login_credentials()
    assert [warning.id for warning in warnings] == ["accounts.W001"]
    assert "X_CLIENT_SECRET is not set" in warnings[0].msg


def test_the_check_runs_with_manage_py_check(settings):
    settings.SOCIALACCOUNT_PROVIDERS = social_providers({"FACEBOOK_APP_SECRET": "only-the-secret"})

    with pytest.raises(SystemCheckError, match="FACEBOOK_APP_ID is not set"):
        call_command("check", fail_level="WARNING")


def test_complete_configuration_passes_the_check():
    assert check_social_login_credentials() == []


ROOT = Path(__file__).resolve().parents[2]


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


@pytest.mark.django_db
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
