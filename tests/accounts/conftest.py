"""Drive allauth's real login views with the test client; the providers' HTTP APIs are faked with `responses`."""

import time
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import responses
from django.conf import settings

API = settings.FAKE_OAUTH_SERVER
POST_URL = "/2024/05/14/vitamin-d-and-relapses/"
RETURN_URL = f"{POST_URL}#respond"


@dataclass(frozen=True)
class ProviderCase:
    """One provider: its login slug, what its API returns, and what the reader should then be shown as."""

    provider_id: str
    brand: str
    profile: dict
    display_name: str
    avatar_url: str
    profile_url: str

    def __str__(self):
        return self.provider_id


def provider_cases(uid: str = "1001", name_suffix: str = "") -> list[ProviderCase]:
    return [
        ProviderCase(
            "wordpress_com",
            "WordPress.com",
            {
                "ID": int(uid),
                "display_name": f"Wendy Press{name_suffix}",
                "username": f"wendy{uid}",
                "email": f"wendy{uid}@example.com",
                "email_verified": True,
                "avatar_URL": "https://0.gravatar.com/avatar/wendy?s=96",
                "profile_URL": "https://gravatar.com/wendy",
            },
            f"Wendy Press{name_suffix}",
            "https://0.gravatar.com/avatar/wendy?s=96",
            "https://gravatar.com/wendy",
        ),
        ProviderCase(
            "google",
            "Google",
            {
                "sub": uid,
                "name": f"Gina Google{name_suffix}",
                "given_name": "Gina",
                "family_name": "Google",
                "picture": "https://lh3.googleusercontent.com/a/gina",
                "email": f"gina{uid}@gmail.com",
                "email_verified": True,
            },
            f"Gina Google{name_suffix}",
            "https://lh3.googleusercontent.com/a/gina",
            "",
        ),
        ProviderCase(
            "twitter_oauth2",
            "X",
            {
                "id": uid,
                "name": f"Xavier Post{name_suffix}",
                "username": f"xavier{uid}",
                "profile_image_url": "https://pbs.twimg.com/profile_images/xavier_normal.jpg",
            },
            f"Xavier Post{name_suffix}",
            "https://pbs.twimg.com/profile_images/xavier_normal.jpg",
            f"https://x.com/xavier{uid}",
        ),
        ProviderCase(
            "facebook",
            "Facebook",
            {
                "id": uid,
                "name": f"Fiona Book{name_suffix}",
                "first_name": "Fiona",
                "last_name": "Book",
                "email": f"fiona{uid}@example.com",
                "link": "https://www.facebook.com/fiona.book",
                "picture": {"data": {"url": "https://platform-lookaside.fbsbx.com/fiona.jpg", "is_silhouette": False}},
            },
            f"Fiona Book{name_suffix}",
            "https://platform-lookaside.fbsbx.com/fiona.jpg",
            "https://www.facebook.com/fiona.book",
        ),
    ]


CASES = provider_cases()


@pytest.fixture(params=CASES, ids=str)
def case(request) -> ProviderCase:
    return request.param


@pytest.fixture
def provider_api():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def google_id_token(profile: dict) -> str:
    claims = {
        **profile,
        "iss": f"{API}/google",
        "aud": settings.SOCIAL_LOGIN_TEST_CREDENTIALS["GOOGLE_CLIENT_ID"],
        "iat": int(time.time()),
        "exp": int(time.time()) + 600,
    }
    return jwt.encode(claims, "signature-not-checked-for-tokens-fetched-over-tls", algorithm="HS256")


def fake_provider(mock: responses.RequestsMock, case: ProviderCase, *, token_status: int = 200) -> None:
    """Register the token and profile endpoints of `case`'s provider, as the real APIs answer them."""
    token = {"access_token": f"token-for-{case.provider_id}", "token_type": "bearer", "expires_in": 3600}
    profile_json = case.profile
    if case.provider_id == "google":
        token["id_token"] = google_id_token(case.profile)
        mock.post(f"{API}/google/token", json=token, status=token_status)
    elif case.provider_id == "facebook":
        graph = settings.SOCIALACCOUNT_PROVIDERS["facebook"]["GRAPH_API_URL"]
        mock.get(f"{graph}/oauth/access_token", json=token, status=token_status)
        mock.get(f"{graph}/me", json=case.profile)
    elif case.provider_id == "twitter_oauth2":
        mock.post(f"{API}/twitter_oauth2/2/oauth2/token", json=token, status=token_status)
        mock.get(f"{API}/twitter_oauth2/2/users/me", json={"data": profile_json})
    else:
        mock.post(f"{API}/wordpress_com/oauth2/token", json=token, status=token_status)
        mock.get(f"{API}/wordpress_com/rest/v1.1/me", json=profile_json)


def start_login(client, provider_id: str, *, process: str = "login", next_url: str = RETURN_URL) -> dict:
    """Click the provider's icon: POST to allauth's login URL; returns the authorize request's parameters."""
    response = client.post(f"/accounts/{provider_id}/login/?process={process}&next={next_url.replace('#', '%23')}")
    assert response.status_code == 302, response.content[:500]
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{API}/{provider_id}/authorize/"
    return {key: values[0] for key, values in parse_qs(location.query).items()}


def log_in_with(client, mock, case: ProviderCase, *, process: str = "login", next_url: str = RETURN_URL):
    """The whole round trip: start, consent at the provider, callback. Returns the callback response."""
    fake_provider(mock, case)
    authorize = start_login(client, case.provider_id, process=process, next_url=next_url)
    return client.get(
        f"/accounts/{case.provider_id}/login/callback/", {"code": "code-from-provider", "state": authorize["state"]}
    )


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits, comment flood control and allauth's own counters live in the cache: start quiet."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def other_case(case: ProviderCase) -> ProviderCase:
    """The next provider in icon order, for connecting a second one."""
    index = [c.provider_id for c in CASES].index(case.provider_id)
    return CASES[(index + 1) % len(CASES)]


def case_for(provider_id: str, **kwargs) -> ProviderCase:
    return next(c for c in provider_cases(**kwargs) if c.provider_id == provider_id)


def with_profile(case: ProviderCase, **fields) -> ProviderCase:
    """The same provider with some profile fields changed; a field set to None is one the provider leaves out."""
    profile = {key: value for key, value in {**case.profile, **fields}.items() if value is not None}
    return ProviderCase(**{**case.__dict__, "profile": profile})
