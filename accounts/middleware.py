"""Guards allauth's per-provider endpoints, which its own ACCOUNT_RATE_LIMITS do not cover."""

import logging
import time

from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from allauth.socialaccount.providers import registry
from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest
from django.shortcuts import render

from accounts.adapter import authentication_error_page, client_ip
from accounts.identity import provider_name

logger = logging.getLogger(__name__)

# What a provider's malformed answer (an empty profile, a list, an error payload) raises inside allauth.
MALFORMED_ANSWER = (KeyError, IndexError, TypeError, ValueError, AttributeError)


def _endpoint(request: HttpRequest) -> tuple[str, str] | None:
    """("start" or "callback", provider id) when the request is for a provider's login or callback URL."""
    match = request.resolver_match
    name = match.url_name if match else None
    if not name:
        return None
    for kind, suffix in (("start", "_login"), ("callback", "_callback")):
        if name.endswith(suffix) and registry.get_class(name.removesuffix(suffix)) is not None:
            return kind, name.removesuffix(suffix)
    return None


def rate_limited(request: HttpRequest, *, kind: str) -> bool:
    """Count this request against the client IP's per-minute budget; True when it is over."""
    limit = settings.SOCIAL_LOGIN_RATE_LIMITS[kind]
    window = int(time.time() // 60)
    key = f"accounts:social-rl:{kind}:{client_ip(request)}:{window}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=120)
        count = 1
    return count > limit


class SocialLoginRateLimitMiddleware:
    """Rate-limits /accounts/<provider>/login/ and /callback/ per IP; unconfigured providers are 404.

    Also turns a provider's malformed answer at the callback (allauth catches only network and OAuth
    errors) into the themed error page instead of a server error.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        endpoint = _endpoint(request)
        if endpoint is None:
            return None
        kind, provider_id = endpoint
        if not get_social_adapter(request).list_apps(request, provider=provider_id):
            raise Http404("This sign-in method is not available.")
        if rate_limited(request, kind=kind):
            return render(request, "socialaccount/rate_limited.html", status=429)
        return None

    def process_exception(self, request, exception):
        endpoint = _endpoint(request)
        if endpoint is None or endpoint[0] != "callback" or not isinstance(exception, MALFORMED_ANSWER):
            return None
        provider_id = endpoint[1]
        logger.error("Social login via %s failed: unexpected answer from the provider", provider_id, exc_info=exception)
        return authentication_error_page(request, provider_name=provider_name(provider_id), cancelled=False, state=None)
