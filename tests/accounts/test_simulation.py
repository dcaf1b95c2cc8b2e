"""In development with no credentials, each provider is played by a labelled local simulation; never elsewhere."""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.socialaccount.providers.facebook import flows as facebook_flows
from allauth.socialaccount.providers.facebook.views import FacebookOAuth2Adapter
from allauth.socialaccount.providers.google.views import GoogleOAuth2Adapter
from django.test import override_settings

from accounts import simulation
from accounts.identity import commenter_identity
from accounts.providers.wordpress_com.views import WordPressComOAuth2Adapter
from accounts.providers.x.views import XOAuth2Adapter
from mssite.settings import social
from tests.accounts.html import button_named, submits_with_post, visible_text
from tests.accounts.test_provider_login import signed_in_user
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
BRANDS = {"wordpress_com": "WordPress.com", "google": "Google", "twitter_oauth2": "X", "facebook": "Facebook"}
SIMULATED = social.social_providers({}, simulate=True)


@pytest.fixture
def development(settings, monkeypatch):
    """What `make run` gives with nothing configured: DEBUG on, simulation on, every provider simulated.

    allauth reads Google's and Facebook's endpoints when it is imported (the project's adapters copy that),
    so they are pointed at the simulation here as the development settings would have done at startup.
    """
    monkeypatch.delenv("DJANGO_ENV", raising=False)
    settings.DEBUG = True
    settings.SOCIAL_LOGIN_SIMULATION = True
    settings.SOCIALACCOUNT_PROVIDERS = SIMULATED
    for adapter, provider_id, names in (
        (WordPressComOAuth2Adapter, "wordpress_com", {"profile_url": "PROFILE_URL"}),
        (XOAuth2Adapter, "twitter_oauth2", {"profile_url": "PROFILE_URL"}),
        (GoogleOAuth2Adapter, "google", {"identity_url": "IDENTITY_URL"}),
    ):
        endpoints = SIMULATED[provider_id]
        monkeypatch.setattr(adapter, "authorize_url", endpoints["AUTHORIZE_URL"])
        monkeypatch.setattr(adapter, "access_token_url", endpoints["ACCESS_TOKEN_URL"])
        for attribute, key in names.items():
            monkeypatch.setattr(adapter, attribute, endpoints[key])
    graph = SIMULATED["facebook"]["GRAPH_API_URL"]
    monkeypatch.setattr(FacebookOAuth2Adapter, "authorize_url", SIMULATED["facebook"]["AUTHORIZE_URL"])
    monkeypatch.setattr(FacebookOAuth2Adapter, "access_token_url", f"{graph}/oauth/access_token")
    monkeypatch.setattr(facebook_flows, "GRAPH_API_URL", graph)
    return settings


def simulated_sign_in(client, provider_id: str, *, next_url: str, name: str | None = None):
    """Click the (simulated) icon, allow on the local consent page, follow the callback."""
    start = client.post(f"/accounts/{provider_id}/login/?process=login&next={next_url.replace('#', '%23')}")
    assert start.status_code == 302
    consent_url = start["Location"]
    assert consent_url.startswith(f"/accounts/simulated/{provider_id}/authorize/?")
    consent = client.get(consent_url)
    assert consent.status_code == 200
    fields = {key: values[0] for key, values in parse_qs(urlsplit(consent_url).query).items()}
    form = {
        key: fields.get(key, "")
        for key in ("client_id", "redirect_uri", "state", "scope", "code_challenge", "code_challenge_method")
    }
    allowed = client.post(
        f"/accounts/simulated/{provider_id}/authorize/",
        {**form, "name": name or simulation.DEMO_NAMES[provider_id], "allow": ""},
    )
    assert allowed.status_code == 302
    callback = urlsplit(allowed["Location"])
    assert callback.path == f"/accounts/{provider_id}/login/callback/"
    return consent, client.get(f"{callback.path}?{callback.query}")


def test_development_offers_a_clearly_labelled_simulated_sign_in_for_each_provider(client, development):
    post = PostFactory()

    page = client.get(post.get_absolute_url()).content.decode()

    for brand in BRANDS.values():
        found = button_named(page, f"Log in with {brand} (simulated)")
        assert found is not None, brand
        assert submits_with_post(*found)[0] == "post"


@pytest.mark.parametrize("provider_id", list(BRANDS))
def test_simulated_sign_in_runs_the_whole_flow_and_lands_on_the_post(client, development, provider_id):
    post = PostFactory()
    return_url = f"{post.get_absolute_url()}#respond"

    consent, landing = simulated_sign_in(client, provider_id, next_url=return_url, name="Sam Demo")

    consent_text = visible_text(consent.content.decode())
    assert "Development only." in consent_text
    assert f"This is a simulation, not {BRANDS[provider_id]}" in consent_text
    assert landing.status_code == 302
    assert landing["Location"] == return_url
    reader = signed_in_user(client)
    identity = commenter_identity(reader)
    assert identity.name == "Sam Demo"
    assert identity.provider_name == BRANDS[provider_id]
    assert identity.avatar_url.endswith(f"/static/img/providers/demo-{provider_id}.svg")
    page = client.get(post.get_absolute_url()).content.decode()
    assert f"You are commenting using your {BRANDS[provider_id]} account." in visible_text(page)


def test_cancelling_the_simulated_consent_shows_login_cancelled(client, development):
    post = PostFactory()
    start = client.post(f"/accounts/google/login/?next={post.get_absolute_url()}%23respond")
    fields = {k: v[0] for k, v in parse_qs(urlsplit(start["Location"]).query).items()}

    denied = client.post("/accounts/simulated/google/authorize/", {**fields, "name": "Gina", "deny": ""})
    callback = client.get(denied["Location"])

    assert "Login cancelled" in visible_text(callback.content.decode())
    assert signed_in_user(client) is None


def test_a_simulated_code_works_only_once(client, development):
    post = PostFactory()
    start = client.post(f"/accounts/wordpress_com/login/?next={post.get_absolute_url()}")
    fields = {k: v[0] for k, v in parse_qs(urlsplit(start["Location"]).query).items()}
    allowed = client.post("/accounts/simulated/wordpress_com/authorize/", {**fields, "name": "Wendy", "allow": ""})
    client.get(allowed["Location"])
    client.logout()

    replay = client.get(allowed["Location"])

    assert replay.status_code == 400
    assert signed_in_user(client) is None


def test_consent_page_refuses_a_redirect_to_another_site(client, development):
    response = client.get(
        "/accounts/simulated/google/authorize/",
        {"client_id": "simulated-google", "redirect_uri": "https://evil.example/callback", "state": "x"},
    )

    assert response.status_code == 400
    assert "This sign-in request is not valid" in visible_text(response.content.decode())


def test_with_debug_off_the_simulation_does_not_exist(client, development):
    development.DEBUG = False
    post = PostFactory()

    page = client.get(post.get_absolute_url()).content.decode()
    consent = client.get("/accounts/simulated/google/authorize/", {"client_id": "simulated-google"})
    start = client.post("/accounts/google/login/")

    assert "(simulated)" not in page
    assert "social-login-icons" not in page
    assert consent.status_code == 404
    assert start.status_code == 404


def test_in_production_mode_the_simulation_does_not_exist_even_with_debug_on(client, development, monkeypatch):
    monkeypatch.setenv("DJANGO_ENV", "production")
    post = PostFactory()

    page = client.get(post.get_absolute_url()).content.decode()
    consent = client.get("/accounts/simulated/facebook/authorize/", {"client_id": "simulated-facebook"})
    start = client.post("/accounts/facebook/login/")

    assert "(simulated)" not in page
    assert consent.status_code == 404
    assert start.status_code == 404
    assert simulation.is_enabled() is False


def test_simulated_provider_api_answers_nothing_once_disabled(development):
    development.DEBUG = False
    from allauth.socialaccount.adapter import get_adapter

    with get_adapter().get_requests_session() as session:
        session.mount(simulation.API_BASE, simulation.SimulatedProviderTransport())
        response = session.post(f"{simulation.API_BASE}google/token", data={"code": "x"})

    assert response.status_code == 403


def test_real_credentials_replace_the_simulation_for_that_provider(client, development):
    credentials = {"GOOGLE_CLIENT_ID": "real-google-id", "GOOGLE_CLIENT_SECRET": "real-google-secret"}
    providers = social.social_providers(credentials, simulate=True)

    assert providers["google"]["APPS"] == [{"client_id": "real-google-id", "secret": "real-google-secret"}]
    assert "AUTHORIZE_URL" not in providers["google"]  # Google's own endpoints, not the simulation's
    assert providers["facebook"]["APPS"][0]["settings"] == {"simulated": True}

    with override_settings(SOCIALACCOUNT_PROVIDERS=providers):
        page = client.get(PostFactory().get_absolute_url()).content.decode()
    assert button_named(page, "Log in with Google") is not None
    assert button_named(page, "Log in with Google (simulated)") is None
    assert button_named(page, "Log in with Facebook (simulated)") is not None


def test_simulation_api_address_agrees_with_the_settings():
    assert simulation.API_BASE == social.SIMULATED_API_BASE + "/"


def settings_in_a_fresh_process(**env) -> dict:
    """Start Django as `manage.py` would with `env` (and no provider credentials) and read the social settings."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_")
        and key != "SOCIAL_LOGIN_SIMULATION"
        and key not in {variable for pair in social.CREDENTIAL_VARIABLES.values() for variable in pair}
    }
    environment.update(env)
    code = (
        "import json; from django.conf import settings; from accounts import simulation; "
        "print(json.dumps({'DEBUG': settings.DEBUG, 'SIMULATION': settings.SOCIAL_LOGIN_SIMULATION, "
        "'enabled': simulation.is_enabled(), "
        "'apps': {p: c.get('APPS', []) for p, c in settings.SOCIALACCOUNT_PROVIDERS.items()}}))"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    if result.returncode != 0:
        return {"error": result.stderr}
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_make_run_with_nothing_configured_simulates_every_provider():
    found = settings_in_a_fresh_process()

    assert found["DEBUG"] is True
    assert found["enabled"] is True
    for provider_id in BRANDS:
        assert found["apps"][provider_id][0]["settings"] == {"simulated": True}


def test_development_with_debug_off_has_no_simulation():
    found = settings_in_a_fresh_process(DJANGO_DEBUG="false", SOCIAL_LOGIN_SIMULATION="true")

    assert found["SIMULATION"] is False
    assert found["enabled"] is False
    assert all(apps == [] for apps in found["apps"].values())


def test_production_refuses_to_start_with_the_simulation_switched_on():
    found = settings_in_a_fresh_process(
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY="kV8#p2!qZr7@xL0m$Wd4^hN6&cT9*yB1(eF3)gJ5-sA8_uQ2+iO7=vR4",
        DJANGO_ALLOWED_HOSTS="example.org",
        SITE_URL="https://example.org",
        SOCIAL_LOGIN_SIMULATION="true",
    )

    assert "SOCIAL_LOGIN_SIMULATION cannot be on when DJANGO_ENV=production" in found["error"]


def test_production_without_credentials_shows_no_provider_at_all():
    found = settings_in_a_fresh_process(
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY="kV8#p2!qZr7@xL0m$Wd4^hN6&cT9*yB1(eF3)gJ5-sA8_uQ2+iO7=vR4",
        DJANGO_ALLOWED_HOSTS="example.org",
        SITE_URL="https://example.org",
    )

    assert found["SIMULATION"] is False
    assert found["enabled"] is False
    assert all(apps == [] for apps in found["apps"].values())


def test_make_run_simulation_signs_in_with_every_provider_without_any_patching(tmp_path):
    """The development settings themselves (Google's and Facebook's endpoints are read at import) work."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_")
        and key != "SOCIAL_LOGIN_SIMULATION"
        and key not in {variable for pair in social.CREDENTIAL_VARIABLES.values() for variable in pair}
    }
    environment["DATABASE_URL"] = f"sqlite:///{tmp_path / 'development.sqlite3'}"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", "from tests.accounts.dev_flow import main; main()"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])

    for provider_id, brand in BRANDS.items():
        assert found[provider_id] == {
            "consent_path": f"/accounts/simulated/{provider_id}/authorize/",
            "consent_labelled": True,
            "landing": "/#respond",
            "name": f"Demo {provider_id}",
            "provider_name": brand,
        }
