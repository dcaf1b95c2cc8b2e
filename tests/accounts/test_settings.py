"""Providers come from environment variables only; half a pair is reported, not silently ignored."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from accounts.checks import check_social_login_credentials
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
