"""Simulated sign-in for development: each provider without credentials is played by the site itself.

The browser is sent to a clearly labelled consent page on this site; the token and profile requests that
allauth then makes go through `SimulatedProviderTransport`, which answers them in-process in each real
provider's format. allauth's real OAuth 2 flow (state, PKCE, callback, sign-up) runs unchanged.

Only ever active with DEBUG on, SOCIAL_LOGIN_SIMULATION on and DJANGO_ENV not production.
"""

import base64
import hashlib
import json
import os
import secrets
from dataclasses import asdict, dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

import requests
from django.conf import settings
from django.core.cache import cache
from django.utils.text import slugify

# Must match SIMULATED_API_BASE in the settings (tests check they agree).
API_BASE = "http://simulated-provider.invalid/"
CODE_TIMEOUT = 5 * 60
TOKEN_TIMEOUT = 10 * 60

DEMO_NAMES = {
    "wordpress_com": "Wendy Press",
    "google": "Gina Google",
    "twitter_oauth2": "Xavier Post",
    "facebook": "Fiona Book",
}


def is_enabled() -> bool:
    """True only in development: DEBUG on, simulation wanted, and not in production mode."""
    return bool(
        settings.DEBUG
        and getattr(settings, "SOCIAL_LOGIN_SIMULATION", False)
        and os.environ.get("DJANGO_ENV", "development").lower() != "production"
    )


@dataclass(frozen=True)
class DemoIdentity:
    """The made-up person a simulated provider vouches for."""

    uid: str
    name: str
    username: str
    email: str
    avatar_url: str


def demo_identity(provider_id: str, name: str, *, avatar_url: str) -> DemoIdentity:
    name = " ".join(name.split())[:80] or DEMO_NAMES[provider_id]
    username = slugify(name).replace("-", "") or "demo"
    uid = str(int(hashlib.sha256(f"{provider_id}:{username}".encode()).hexdigest()[:12], 16))
    return DemoIdentity(uid=uid, name=name, username=username, email=f"{username}@example.com", avatar_url=avatar_url)


def profile_payload(provider_id: str, identity: DemoIdentity) -> dict:
    """What the real provider's profile endpoint returns, in its own field names."""
    first, _, last = identity.name.partition(" ")
    if provider_id == "google":
        return {
            "id": identity.uid,
            "name": identity.name,
            "given_name": first,
            "family_name": last,
            "picture": identity.avatar_url,
            "email": identity.email,
            "verified_email": True,
        }
    if provider_id == "facebook":
        return {
            "id": identity.uid,
            "name": identity.name,
            "first_name": first,
            "last_name": last,
            "email": identity.email,
            "picture": {"data": {"url": identity.avatar_url, "is_silhouette": False}},
        }
    if provider_id == "twitter_oauth2":
        return {
            "data": {
                "id": identity.uid,
                "name": identity.name,
                "username": identity.username,
                "profile_image_url": identity.avatar_url,
            }
        }
    return {
        "ID": int(identity.uid),
        "display_name": identity.name,
        "username": identity.username,
        "email": identity.email,
        "email_verified": True,
        "avatar_URL": identity.avatar_url,
        "profile_URL": f"https://{identity.username}.wordpress.example/",
    }


def issue_code(
    *, provider_id: str, client_id: str, redirect_uri: str, code_challenge: str, identity: DemoIdentity
) -> str:
    code = secrets.token_urlsafe(24)
    grant = {
        "provider_id": provider_id,
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "code_challenge": code_challenge,
        "identity": asdict(identity),
    }
    cache.set(f"accounts:simulated:code:{code}", grant, CODE_TIMEOUT)
    return code


class SimulatedProviderTransport(requests.adapters.BaseAdapter):
    """Answers allauth's server-to-server calls to API_BASE without any network."""

    def send(self, request, **kwargs):
        if not is_enabled():
            return _response(request, 403, {"error": "simulation_disabled"})
        url = urlsplit(request.url)
        provider_id = url.path.strip("/").split("/")[0]
        if provider_id not in DEMO_NAMES:
            return _response(request, 404, {"error": "unknown_provider"})
        if url.path.endswith("/token"):
            return self._token(request, provider_id, _form(request))
        query = {key: values[0] for key, values in parse_qs(url.query).items()}
        if provider_id == "facebook" and url.path.endswith("/oauth/access_token"):
            return self._token(request, provider_id, query)
        token = query.get("access_token") or request.headers.get("Authorization", "").removeprefix("Bearer ")
        identity = cache.get(f"accounts:simulated:token:{token}") if token else None
        if identity is None or identity["provider_id"] != provider_id:
            return _response(request, 401, {"error": "invalid_token"})
        return _response(request, 200, profile_payload(provider_id, DemoIdentity(**identity["identity"])))

    def close(self):
        pass

    def _token(self, request, provider_id: str, data: dict):
        client_id, secret = data.get("client_id", ""), data.get("client_secret", "")
        authorization = request.headers.get("Authorization", "")
        if authorization.startswith("Basic "):
            client_id, _, secret = base64.b64decode(authorization[6:]).decode().partition(":")
        grant = cache.get(f"accounts:simulated:code:{data.get('code', '')}")
        cache.delete(f"accounts:simulated:code:{data.get('code', '')}")
        if (
            grant is None
            or grant["provider_id"] != provider_id
            or grant["client_id"] != client_id
            or secret != "simulated"
            or grant["redirect_uri"] != data.get("redirect_uri")
            or not _pkce_matches(grant["code_challenge"], data.get("code_verifier", ""))
        ):
            return _response(request, 400, {"error": "invalid_grant"})
        access_token = secrets.token_urlsafe(24)
        cache.set(f"accounts:simulated:token:{access_token}", grant, TOKEN_TIMEOUT)
        return _response(request, 200, {"access_token": access_token, "token_type": "bearer", "expires_in": 3600})


def _pkce_matches(challenge: str, verifier: str) -> bool:
    if not challenge:
        return True
    digest = hashlib.sha256(verifier.encode()).digest()
    return secrets.compare_digest(base64.urlsafe_b64encode(digest).rstrip(b"=").decode(), challenge)


def _form(request) -> dict:
    body = request.body or ""
    if isinstance(body, bytes):
        body = body.decode()
    return {key: values[0] for key, values in parse_qs(body).items()}


def _response(request, status: int, payload: dict) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response.headers["Content-Type"] = "application/json"
    response._content = json.dumps(payload).encode()
    response.url = request.url
    response.request = request
    response.encoding = "utf-8"
    return response


def redirect_with(redirect_uri: str, **params: str) -> str:
    separator = "&" if "?" in redirect_uri else "?"
    return f"{redirect_uri}{separator}{urlencode(params)}"
