"""Social login providers for commenters, built from environment variables.

A provider appears on the site only when its credentials are set. In development (DEBUG on, not
production) a provider without credentials is replaced by a clearly labelled simulation served by the
site itself; real credentials always win over the simulation.
"""

from collections.abc import Mapping
from copy import deepcopy

# Provider id: (client id variable, client secret variable), in the order the icons are shown.
CREDENTIAL_VARIABLES = {
    "wordpress_com": ("WORDPRESS_COM_CLIENT_ID", "WORDPRESS_COM_CLIENT_SECRET"),
    "google": ("GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET"),
    "twitter_oauth2": ("X_CLIENT_ID", "X_CLIENT_SECRET"),
    "facebook": ("FACEBOOK_APP_ID", "FACEBOOK_APP_SECRET"),
}

FACEBOOK_GRAPH_API_VERSION = "v21.0"

BASE_PROVIDER_SETTINGS = {
    "wordpress_com": {"SCOPE": ["auth"]},
    "google": {
        "SCOPE": ["profile", "email"],
        "AUTH_PARAMS": {"prompt": "select_account"},
        "OAUTH_PKCE_ENABLED": True,
    },
    # allauth's X adapter hard-codes its endpoints; the project's subclass reads them from here.
    "twitter_oauth2": {"provider_class": "accounts.providers.x.provider.XProvider"},
    "facebook": {
        "METHOD": "oauth2",
        "VERSION": FACEBOOK_GRAPH_API_VERSION,
        "SCOPE": ["public_profile", "email"],
        "FIELDS": ["id", "name", "first_name", "last_name", "email", "link", "picture"],
    },
}

# Where the simulation lives: the consent page is a page of this site; token and profile calls never
# leave the process (see accounts.simulation.SimulatedProviderTransport).
SIMULATED_AUTHORIZE_BASE = "/accounts/simulated"
SIMULATED_API_BASE = "http://simulated-provider.invalid"


def endpoint_settings(provider_id: str, *, authorize_base: str, api_base: str) -> dict:
    """Endpoint URLs for a provider served at `authorize_base` (browser) and `api_base` (server calls)."""
    authorize_url = f"{authorize_base}/{provider_id}/authorize/"
    api = f"{api_base}/{provider_id}"
    if provider_id == "google":
        return {
            "AUTHORIZE_URL": authorize_url,
            "ACCESS_TOKEN_URL": f"{api}/token",
            "IDENTITY_URL": f"{api}/userinfo",
            "ID_TOKEN_ISSUER": api,
            "CERTS_URL": f"{api}/certs",
        }
    if provider_id == "facebook":
        return {"AUTHORIZE_URL": authorize_url, "GRAPH_API_URL": f"{api}/graph/{FACEBOOK_GRAPH_API_VERSION}"}
    if provider_id == "twitter_oauth2":
        return {
            "AUTHORIZE_URL": authorize_url,
            "ACCESS_TOKEN_URL": f"{api}/2/oauth2/token",
            "PROFILE_URL": f"{api}/2/users/me",
        }
    return {
        "AUTHORIZE_URL": authorize_url,
        "ACCESS_TOKEN_URL": f"{api}/oauth2/token",
        "PROFILE_URL": f"{api}/rest/v1.1/me",
    }


def social_providers(
    environ: Mapping[str, str], *, simulate: bool = False, endpoints: Mapping[str, dict] | None = None
) -> dict:
    """SOCIALACCOUNT_PROVIDERS: credentials only from `environ`, never from SocialApp rows too.

    `endpoints` replaces providers' endpoint URLs (tests point them at a local fake server).
    """
    providers = deepcopy(BASE_PROVIDER_SETTINGS)
    for provider_id, (id_variable, secret_variable) in CREDENTIAL_VARIABLES.items():
        client_id, secret = environ.get(id_variable, "").strip(), environ.get(secret_variable, "").strip()
        if client_id and secret:
            providers[provider_id]["APPS"] = [{"client_id": client_id, "secret": secret}]
        elif client_id or secret:
            # Half a pair hides the provider; accounts' system check names the missing variable.
            providers[provider_id]["MISSING_CREDENTIAL"] = secret_variable if client_id else id_variable
        if not (client_id and secret) and simulate:
            providers[provider_id]["APPS"] = [
                {"client_id": f"simulated-{provider_id}", "secret": "simulated", "settings": {"simulated": True}}
            ]
            providers[provider_id].update(
                endpoint_settings(provider_id, authorize_base=SIMULATED_AUTHORIZE_BASE, api_base=SIMULATED_API_BASE)
            )
        if endpoints and provider_id in endpoints:
            providers[provider_id].update(endpoints[provider_id])
    return providers
