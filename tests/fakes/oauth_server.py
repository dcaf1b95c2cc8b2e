"""A fake authorization server for WordPress.com, Google, X and Facebook, on loopback, for browser tests.

It plays each provider closely enough for allauth's real flow to run unchanged: a consent page with an
"Allow" button that sends the browser back to the site's callback with a code and the state; a token
endpoint that checks the code, the client's id and secret, the redirect URI and (Google, X) the PKCE
verifier; and each provider's profile endpoint in its own format. Google's token response carries an
id_token signed with RS256, whose certificate is served as Google serves its certs. Avatars are served
here too, so pages never reach the internet.

The paths are those of `mssite.settings.social.endpoint_settings`, below `base_url`. Standard library only,
plus pyjwt and cryptography (installed with allauth) for the id_token.
"""

import base64
import hashlib
import hmac
import html
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

BRANDS = {"wordpress_com": "WordPress.com", "google": "Google", "twitter_oauth2": "X", "facebook": "Facebook"}
# Google and X are configured with PKCE; the fake refuses their logins without it.
PKCE_REQUIRED = frozenset({"google", "twitter_oauth2"})
AVATAR_COLOURS = {"wordpress_com": "#21759b", "google": "#1a73e8", "twitter_oauth2": "#0f1419", "facebook": "#1877f2"}
GOOGLE_KEY_ID = "fake-google-key-1"


@dataclass(frozen=True)
class Client:
    """An app registered at the provider: its credentials and the callback path it registered."""

    client_id: str
    secret: str
    callback_path: str


@dataclass(frozen=True)
class Identity:
    """The person the provider vouches for."""

    uid: str
    name: str
    username: str
    email: str = ""


@dataclass
class Grant:
    """What an authorization code stands for until the site exchanges it (once)."""

    provider_id: str
    client_id: str
    redirect_uri: str
    code_challenge: str
    code_challenge_method: str


@dataclass
class FakeOAuthServer:
    """A threaded HTTP server answering as the four providers; use as a context manager."""

    host: str
    port: int
    clients: dict[str, Client]
    identities: dict[str, Identity]
    grants: dict[str, Grant] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    # Every request received, as "METHOD /path": tests may check what the site really called.
    requests: list[str] = field(default_factory=list)

    def __post_init__(self):
        self._lock = threading.Lock()
        self._google_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._httpd = None
        self._thread = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def avatar_url(self, provider_id: str) -> str:
        return f"{self.base_url}/{provider_id}/avatar.svg"

    def profile_url(self, provider_id: str) -> str:
        """The profile link the site should show for the provider's identity ("" when it gives none)."""
        identity = self.identities[provider_id]
        return {
            "wordpress_com": f"https://{identity.username}.wordpress.com",
            "google": "",
            "twitter_oauth2": f"https://x.com/{identity.username}",
            "facebook": f"https://www.facebook.com/{identity.username}",
        }[provider_id]

    def start(self) -> "FakeOAuthServer":
        handler = type("BoundHandler", (_Handler,), {"fake": self})
        self._httpd = ThreadingHTTPServer((self.host, self.port), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="fake-oauth-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._thread.join()
            self._httpd = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    # Authorization: the consent page and the decision.

    def check_authorize(self, provider_id: str, params: dict[str, str]) -> str | None:
        """Why the authorization request is refused, or None: the checks a real provider makes first."""
        client = self.clients.get(provider_id)
        if client is None or params.get("client_id") != client.client_id:
            return "Unknown client_id."
        redirect = urlsplit(params.get("redirect_uri", ""))
        if redirect.scheme not in ("http", "https") or redirect.path != client.callback_path:
            return "redirect_uri is not registered for this app."
        if params.get("response_type") != "code":
            return "response_type must be code."
        if not params.get("state"):
            return "state is missing."
        if provider_id in PKCE_REQUIRED and (
            not params.get("code_challenge") or params.get("code_challenge_method") != "S256"
        ):
            return "PKCE (code_challenge with S256) is required."
        return None

    def issue_code(self, provider_id: str, params: dict[str, str]) -> str:
        code = secrets.token_urlsafe(24)
        with self._lock:
            self.grants[code] = Grant(
                provider_id=provider_id,
                client_id=params["client_id"],
                redirect_uri=params["redirect_uri"],
                code_challenge=params.get("code_challenge", ""),
                code_challenge_method=params.get("code_challenge_method", ""),
            )
        return code

    # Token exchange.

    def exchange(self, provider_id: str, data: dict[str, str], authorization: str) -> tuple[int, dict]:
        """The token response for an authorization code grant, checked like the real provider checks it."""
        client_id, secret = data.get("client_id", ""), data.get("client_secret", "")
        if authorization.startswith("Basic "):
            client_id, _, secret = base64.b64decode(authorization[6:]).decode().partition(":")
        client = self.clients.get(provider_id)
        if client is None or (client_id, secret) != (client.client_id, client.secret):
            return HTTPStatus.UNAUTHORIZED, {"error": "invalid_client"}
        with self._lock:
            grant = self.grants.pop(data.get("code", ""), None)
        if grant is None or grant.provider_id != provider_id or grant.client_id != client_id:
            return HTTPStatus.BAD_REQUEST, {"error": "invalid_grant", "error_description": "unknown or used code"}
        if data.get("redirect_uri") != grant.redirect_uri:
            return HTTPStatus.BAD_REQUEST, {"error": "invalid_grant", "error_description": "redirect_uri differs"}
        if grant.code_challenge and not _pkce_matches(data.get("code_verifier", ""), grant.code_challenge):
            return HTTPStatus.BAD_REQUEST, {"error": "invalid_grant", "error_description": "code_verifier mismatch"}
        if data.get("grant_type", "authorization_code") != "authorization_code":
            return HTTPStatus.BAD_REQUEST, {"error": "unsupported_grant_type"}
        token = secrets.token_urlsafe(24)
        with self._lock:
            self.tokens[token] = provider_id
        response = {"access_token": token, "token_type": "bearer", "expires_in": 3600}
        if provider_id == "google":
            response["id_token"] = self.google_id_token(client.client_id)
            response["scope"] = "openid profile email"
        return HTTPStatus.OK, response

    def token_is_valid(self, provider_id: str, token: str) -> bool:
        with self._lock:
            return bool(token) and self.tokens.get(token) == provider_id

    # Google's OpenID Connect parts.

    def google_id_token(self, client_id: str) -> str:
        now = int(time.time())
        claims = {
            "iss": f"{self.base_url}/google",
            "aud": client_id,
            "azp": client_id,
            "iat": now,
            "exp": now + 600,
            **self.profile("google"),
        }
        return jwt.encode(claims, self._google_key, algorithm="RS256", headers={"kid": GOOGLE_KEY_ID})

    def google_certs(self) -> dict[str, str]:
        """Google's v1 certs format: key id to a PEM certificate (what allauth reads if it verifies)."""
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "fake-google-oauth")])
        now = datetime.now(UTC)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(self._google_key.public_key())
            .serial_number(1)
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=1))
            .sign(self._google_key, hashes.SHA256())
        )
        return {GOOGLE_KEY_ID: certificate.public_bytes(serialization.Encoding.PEM).decode()}

    # Profiles, each in its provider's own format.

    def profile(self, provider_id: str) -> dict:
        identity = self.identities[provider_id]
        first, _, last = identity.name.partition(" ")
        avatar = self.avatar_url(provider_id)
        if provider_id == "google":
            return {
                "sub": identity.uid,
                "name": identity.name,
                "given_name": first,
                "family_name": last,
                "picture": avatar,
                "email": identity.email,
                "email_verified": True,
            }
        if provider_id == "twitter_oauth2":  # X never returns an email address
            return {
                "data": {
                    "id": identity.uid,
                    "name": identity.name,
                    "username": identity.username,
                    "profile_image_url": avatar,
                    "verified": False,
                    "created_at": "2012-03-04T05:06:07.000Z",
                }
            }
        if provider_id == "facebook":  # the email is not verified by Facebook
            return {
                "id": identity.uid,
                "name": identity.name,
                "first_name": first,
                "last_name": last,
                "email": identity.email,
                "link": self.profile_url(provider_id),
                "picture": {"data": {"url": avatar, "is_silhouette": False, "width": 50, "height": 50}},
            }
        return {
            "ID": int(identity.uid),
            "display_name": identity.name,
            "username": identity.username,
            "email": identity.email,
            "email_verified": True,
            "avatar_URL": avatar,
            "profile_URL": self.profile_url(provider_id),
        }

    def google_userinfo(self) -> dict:
        """Google's v2 userinfo format (allauth reads it when no id_token comes back)."""
        claims = self.profile("google")
        return {
            "id": claims["sub"],
            "name": claims["name"],
            "given_name": claims["given_name"],
            "family_name": claims["family_name"],
            "picture": claims["picture"],
            "email": claims["email"],
            "verified_email": True,
        }

    def avatar_svg(self, provider_id: str) -> str:
        initial = html.escape(self.identities[provider_id].name[:1].upper())
        colour = AVATAR_COLOURS[provider_id]
        return (
            '<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96">'
            f'<rect width="96" height="96" fill="{colour}"/>'
            '<text x="48" y="64" font-family="sans-serif" font-size="48" font-weight="bold" '
            f'fill="#fff" text-anchor="middle">{initial}</text></svg>'
        )


def _pkce_matches(verifier: str, challenge: str) -> bool:
    digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return bool(verifier) and hmac.compare_digest(digest, challenge)


def _facebook_proof(secret: str, token: str) -> str:
    return hmac.new(secret.encode(), token.encode(), hashlib.sha256).hexdigest()


ROUTES = [
    # (method, path pattern, handler method name); the provider id is the first path segment.
    ("GET", r"/(?P<provider>\w+)/authorize/", "consent_page"),
    ("POST", r"/(?P<provider>\w+)/authorize/", "decide"),
    ("GET", r"/(?P<provider>\w+)/avatar\.svg", "avatar"),
    ("POST", r"/(?P<provider>wordpress_com)/oauth2/token", "token"),
    ("POST", r"/(?P<provider>google)/token", "token"),
    ("POST", r"/(?P<provider>twitter_oauth2)/2/oauth2/token", "token"),
    ("GET", r"/(?P<provider>facebook)/graph/v[\d.]+/oauth/access_token", "token"),
    ("GET", r"/(?P<provider>wordpress_com)/rest/v1\.1/me", "bearer_profile"),
    ("GET", r"/(?P<provider>twitter_oauth2)/2/users/me", "bearer_profile"),
    ("GET", r"/(?P<provider>google)/userinfo", "bearer_profile"),
    ("GET", r"/(?P<provider>google)/certs", "certs"),
    ("GET", r"/(?P<provider>facebook)/graph/v[\d.]+/me", "facebook_me"),
]


class _Handler(BaseHTTPRequestHandler):
    fake: FakeOAuthServer  # set on the subclass made by FakeOAuthServer.start
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def log_message(self, format, *args):  # keep pytest's output clean
        pass

    def _dispatch(self, method: str) -> None:
        url = urlsplit(self.path)
        self.query = {key: values[0] for key, values in parse_qs(url.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        self.form = {key: values[0] for key, values in parse_qs(body).items()}
        self.fake.requests.append(f"{method} {url.path}")
        for route_method, pattern, name in ROUTES:
            match = re.fullmatch(pattern, url.path)
            if route_method == method and match and match["provider"] in BRANDS:
                getattr(self, name)(match["provider"])
                return
        self._json(HTTPStatus.NOT_FOUND, {"error": "not_found", "path": url.path})

    # Pages the browser sees.

    def consent_page(self, provider_id: str) -> None:
        brand = BRANDS[provider_id]
        problem = self.fake.check_authorize(provider_id, self.query)
        if problem:
            self._html(
                HTTPStatus.BAD_REQUEST, f"{brand}: invalid request", f"<p role='alert'>{html.escape(problem)}</p>"
            )
            return
        identity = self.fake.identities[provider_id]
        hidden = "".join(
            f'<input type="hidden" name="{html.escape(key)}" value="{html.escape(value)}">'
            for key, value in self.query.items()
        )
        body = f"""
<p class="fake-badge">Fake {html.escape(brand)} for tests, served on {html.escape(self.fake.base_url)}</p>
<h1>Log in to {html.escape(brand)}</h1>
<p><img src="{html.escape(self.fake.avatar_url(provider_id))}" alt="" width="48" height="48">
   Signed in as <strong>{html.escape(identity.name)}</strong> (@{html.escape(identity.username)})</p>
<p>The app <code>{html.escape(self.query["client_id"])}</code> would like your name, profile picture and profile link.</p>
<form method="post">
  {hidden}
  <button type="submit" name="decision" value="allow">Allow</button>
  <button type="submit" name="decision" value="deny">Cancel</button>
</form>"""
        self._html(HTTPStatus.OK, f"Log in to {brand}", body)

    def decide(self, provider_id: str) -> None:
        params = {key: value for key, value in self.form.items() if key != "decision"}
        problem = self.fake.check_authorize(provider_id, params)
        if problem:
            self._html(HTTPStatus.BAD_REQUEST, "Invalid request", f"<p role='alert'>{html.escape(problem)}</p>")
            return
        if self.form.get("decision") == "allow":
            answer = {"code": self.fake.issue_code(provider_id, params), "state": params["state"]}
        else:
            answer = {"error": "access_denied", "error_description": "The user denied access", "state": params["state"]}
        self.send_response(HTTPStatus.FOUND)
        self.send_header("Location", f"{params['redirect_uri']}?{urlencode(answer)}")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def avatar(self, provider_id: str) -> None:
        self._send(HTTPStatus.OK, "image/svg+xml", self.fake.avatar_svg(provider_id).encode())

    # Server-to-server calls the site makes.

    def token(self, provider_id: str) -> None:
        data = self.query if provider_id == "facebook" else self.form  # Facebook's token endpoint is a GET
        status, answer = self.fake.exchange(provider_id, data, self.headers.get("Authorization", ""))
        self._json(status, answer)

    def bearer_profile(self, provider_id: str) -> None:
        token = self.headers.get("Authorization", "").removeprefix("Bearer ")
        if not self.fake.token_is_valid(provider_id, token):
            self._json(HTTPStatus.UNAUTHORIZED, {"error": "invalid_token"})
        elif provider_id == "google":
            self._json(HTTPStatus.OK, self.fake.google_userinfo())
        else:
            self._json(HTTPStatus.OK, self.fake.profile(provider_id))

    def certs(self, provider_id: str) -> None:
        self._json(HTTPStatus.OK, self.fake.google_certs())

    def facebook_me(self, provider_id: str) -> None:
        token = self.query.get("access_token", "")
        secret = self.fake.clients[provider_id].secret
        if not self.fake.token_is_valid(provider_id, token):
            self._json(HTTPStatus.BAD_REQUEST, {"error": {"message": "Invalid OAuth access token.", "code": 190}})
        elif not hmac.compare_digest(self.query.get("appsecret_proof", ""), _facebook_proof(secret, token)):
            self._json(HTTPStatus.BAD_REQUEST, {"error": {"message": "Invalid appsecret_proof", "code": 100}})
        else:
            profile = self.fake.profile(provider_id)
            fields = self.query.get("fields", "id,name").split(",")
            self._json(HTTPStatus.OK, {key: value for key, value in profile.items() if key in fields or key == "id"})

    # Writing responses.

    def _html(self, status: int, title: str, body: str) -> None:
        page = (
            f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            "<style>body{font-family:sans-serif;max-width:32rem;margin:3rem auto}"
            ".fake-badge{background:#fff3cd;padding:.5rem}button{font-size:1rem;margin-right:.5rem}</style>"
            f"</head><body><main>{body}</main></body></html>"
        )
        self._send(status, "text/html; charset=utf-8", page.encode())

    def _json(self, status: int, data: dict) -> None:
        self._send(status, "application/json", json.dumps(data).encode())

    def _send(self, status: int, content_type: str, payload: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(payload)


DEFAULT_IDENTITIES = {
    "wordpress_com": Identity(uid="4100", name="Wendy Press", username="wendypress", email="wendy@example.com"),
    "google": Identity(uid="4200", name="Gina Google", username="gina", email="gina@example.com"),
    "twitter_oauth2": Identity(uid="4300", name="Xavier Post", username="xavierpost"),
    "facebook": Identity(uid="4400", name="Fiona Book", username="fiona.book", email="fiona@example.com"),
}


def from_django_settings(identities: dict[str, Identity] | None = None) -> FakeOAuthServer:
    """A fake at settings.FAKE_OAUTH_SERVER that knows the apps in settings.SOCIALACCOUNT_PROVIDERS."""
    from django.conf import settings
    from django.urls import reverse

    address = urlsplit(settings.FAKE_OAUTH_SERVER)
    clients = {}
    for provider_id in BRANDS:
        app = settings.SOCIALACCOUNT_PROVIDERS[provider_id]["APPS"][0]
        clients[provider_id] = Client(app["client_id"], app["secret"], reverse(f"{provider_id}_callback"))
    return FakeOAuthServer(
        host=address.hostname, port=address.port, clients=clients, identities=identities or DEFAULT_IDENTITIES
    )
