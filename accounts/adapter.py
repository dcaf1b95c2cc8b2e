"""The one place where allauth's and the comments app's behaviour is adjusted for this site's readers and authors."""

import logging
from collections.abc import Hashable

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base import AuthError, AuthProcess
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from accounts import simulation
from accounts.identity import commenter_identity
from comments import adapter as comments_adapter
from comments import outbox

logger = logging.getLogger(__name__)

# Where a failed sign-in offers to go back to when allauth lost the state (forged or expired).
RETURN_TO_SESSION_KEY = "accounts_social_login_return_to"


def client_ip(request: HttpRequest) -> str | None:
    """The one rule for a reader's address: allauth's (``ALLAUTH_TRUSTED_PROXY_COUNT`` proxies of ours).

    Comments (flood control, the moderation desk), the social-login rate limits and allauth's own login
    limits all count the same address. None when there is no valid one.
    """
    try:
        candidate = get_account_adapter(request).get_client_ip(request)
    except PermissionDenied:
        return None
    except ImproperlyConfigured:
        # X-Forwarded-For has fewer entries than our proxies write: the request skipped one of them. Count it at
        # the peer that connected (never a 500, never an address the client wrote).
        candidate = request.META.get("REMOTE_ADDR", "")
    return comments_adapter.valid_ip(candidate)


class CommentsAdapter(comments_adapter.CommentsAdapter):
    """Commenters sign in with a provider: their provider identity, the provider icons, allauth's verified emails."""

    signed_in_template = "accounts/comments/signed_in_as.html"
    login_template = "accounts/comments/login_providers.html"

    def identity_for(self, user) -> comments_adapter.CommenterIdentity:
        identity = commenter_identity(user)
        if identity is None:
            return super().identity_for(user)
        return comments_adapter.CommenterIdentity(
            name=(identity.name.strip() or user.get_username())[:245],
            email=(identity.email or "").strip(),
            url=identity.url.strip(),
            avatar_url=identity.avatar_url.strip(),
        )

    def identity_key(self, user) -> Hashable:
        # The signed-in template shows the provider too ("using your Google account").
        return commenter_identity(user)

    def client_ip(self, request: HttpRequest) -> str | None:
        return client_ip(request)

    def email_is_verified(self, user, email: str) -> bool:
        """allauth verified the address for this account (a provider's verified email, or a confirmed one)."""
        return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


class AccountAdapter(DefaultAccountAdapter):
    """Local accounts (authors, editors) are created by administrators, never by a public sign-up form."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's emails (a password reset, an address to confirm) leave through the task queue, like every other.

        Rendered here, where the request is at hand; queued after commit as one ``send_email`` per recipient, so a
        slow or refusing mail server neither holds the request nor loses the message (it is retried with backoff).
        """
        request = allauth_context.request
        context = {"request": request, "email": email, "current_site": get_current_site(request), **context}
        message = self.render_mail(template_prefix, email, context)
        for payload in outbox.payloads(message):
            outbox.enqueue_on_commit(outbox.send_email, payload)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Readers sign up by logging in with a provider: no form, no staff rights, no merging by email."""

    error_messages = {
        **DefaultSocialAccountAdapter.error_messages,
        # Readers have no password: their last connected account is their only way back in.
        "no_password": "This is the only way you log in here, so it cannot be disconnected."
        " Connect another account first, or delete your account instead.",
    }

    def is_open_for_signup(self, request: HttpRequest, sociallogin) -> bool:
        return True

    def pre_social_login(self, request: HttpRequest, sociallogin) -> None:
        if sociallogin.is_existing or sociallogin.state.get("process") == AuthProcess.CONNECT:
            return
        # A new reader whose provider email already belongs to another account gets an account without
        # that address: never merged into it (a provider may not have verified it), never stopped by a form.
        taken = {
            address.email.lower()
            for address in sociallogin.email_addresses
            if EmailAddress.objects.filter(email__iexact=address.email).exists()
        }
        if sociallogin.user.email and sociallogin.user.email.lower() in taken:
            sociallogin.user.email = ""
        if taken:
            logger.info("Social sign-up via %s: dropped an email address already in use", sociallogin.account.provider)
            sociallogin.email_addresses = [a for a in sociallogin.email_addresses if a.email.lower() not in taken]

    def populate_user(self, request: HttpRequest, sociallogin, data: dict):
        user = super().populate_user(request, sociallogin, data)
        user.is_staff = False
        user.is_superuser = False
        return user

    def save_user(self, request: HttpRequest, sociallogin, form=None):
        # Staff rights are granted by an administrator, never by whatever a provider returned.
        sociallogin.user.is_staff = False
        sociallogin.user.is_superuser = False
        return super().save_user(request, sociallogin, form=form)

    def generate_state_param(self, state: dict) -> str:
        next_url = state.get("next")
        if self.request is not None and next_url:
            self.request.session[RETURN_TO_SESSION_KEY] = next_url
        return super().generate_state_param(state)

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None) -> None:
        """Log the real cause for the administrator; show the reader a themed page with a way back."""
        extra_context = extra_context or {}
        provider_id = getattr(provider, "id", str(provider))
        cancelled = error == AuthError.CANCELLED
        log = logger.info if cancelled else logger.warning
        log(
            "Social login via %s failed: error=%s exception=%r state_found=%s",
            provider_id,
            error,
            exception,
            extra_context.get("state") is not None,
            exc_info=exception if exception is not None and not cancelled else None,
        )
        response = authentication_error_page(
            request,
            provider_name=getattr(provider, "name", provider_id),
            cancelled=cancelled,
            state=extra_context.get("state"),
        )
        raise ImmediateHttpResponse(response)

    def get_requests_session(self):
        session = super().get_requests_session()
        if simulation.is_enabled():
            session.mount(simulation.API_BASE, simulation.SimulatedProviderTransport())
        return session

    def list_apps(self, request, provider=None, client_id=None):
        # Credentials come from the environment only: a "Social application" row added in the admin as well
        # would give allauth two apps for one provider (MultipleObjectsReturned on every login).
        apps = [app for app in super().list_apps(request, provider=provider, client_id=client_id) if app.pk is None]
        if simulation.is_enabled():
            return apps
        # Belt and braces: simulated apps never work outside development, whatever the settings say.
        return [app for app in apps if not (app.settings or {}).get("simulated")]


def authentication_error_page(request: HttpRequest, *, provider_name: str, cancelled: bool, state: dict | None):
    """The themed "could not log you in" (400) or "login cancelled" (200) page, linking back to the post."""
    context = {"provider_name": provider_name, "cancelled": cancelled, "return_to": _return_to(request, state)}
    return render(request, "socialaccount/authentication_error.html", context, status=200 if cancelled else 400)


def _return_to(request: HttpRequest, state: dict | None) -> str:
    candidates = [(state or {}).get("next"), request.session.get(RETURN_TO_SESSION_KEY)]
    for url in candidates:
        if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=False):
            return url
    return settings.LOGIN_REDIRECT_URL
