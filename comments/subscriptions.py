"""Email subscriptions: new comments on a post or page, or new posts. Double opt-in, one-click unsubscribe.

An address is only ever mailed once it confirmed (``confirmed_at``), except a signed-in reader whose
account has verified that very address: they proved it already. The links in emails are signed (links.py);
nothing else authorises them, so they carry exactly what they act on.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from posts.models import Page, Post

from . import links
from .adapter import get_adapter
from .models import Subscription, target_lookup


@dataclass(frozen=True)
class SubscriptionRequest:
    """The outcome of a "Notify me" tick: the row, and whether a confirmation email is owed."""

    subscription: Subscription
    needs_confirmation: bool


def normalize_email(email: str) -> str:
    # Addresses are matched case-insensitively; store them lower-cased so the unique constraint agrees.
    return (email or "").strip().lower()


def email_is_verified_for(user: AbstractBaseUser | None, email: str) -> bool:
    """True when a signed-in account has proved it owns this address (the adapter knows how)."""
    if user is None or not user.is_authenticated or not email:
        return False
    return get_adapter().email_is_verified(user, email)


def subscribe(
    *, email: str, kind: str, post: Post | Page | None = None, user: AbstractBaseUser | None = None
) -> SubscriptionRequest | None:
    """Record a wish to be notified; confirmed at once only for an address the account verified.

    Returns None when there is no address to subscribe. Asking again for an unconfirmed
    subscription owes a fresh confirmation email (the first may have been lost).
    """
    email = normalize_email(email)
    if not email:
        return None
    if kind == Subscription.Kind.POSTS:
        post = None
    # `post` may be a static page: its thread has subscribers too.
    where = {"post": None, "page": None, **(target_lookup(post) if post is not None else {})}
    verified = email_is_verified_for(user, email)
    owner: Any = user if user is not None and user.is_authenticated else None
    try:
        with transaction.atomic():
            subscription, _ = Subscription.objects.get_or_create(
                email=email, kind=kind, **where, defaults={"user": owner}
            )
    except IntegrityError:  # the same request arrived twice at once
        subscription = Subscription.objects.get(email=email, kind=kind, **where)
    if subscription.confirmed_at:
        return SubscriptionRequest(subscription, needs_confirmation=False)
    if verified:
        subscription.confirmed_at = timezone.now()
        subscription.user = subscription.user or owner
        subscription.save(update_fields=["confirmed_at", "user"])
        return SubscriptionRequest(subscription, needs_confirmation=False)
    return SubscriptionRequest(subscription, needs_confirmation=True)


def subscription_for_confirmation(token: str) -> Subscription | None:
    """The subscription a confirmation link names; raises BadSignature / SignatureExpired when forged or stale."""
    pk, email = links.read_confirmation_token(token)
    return Subscription.objects.select_related("post", "page").filter(pk=pk, email=email).first()


def confirm(subscription: Subscription) -> bool:
    """Mark the address as confirmed; returns False when it already was."""
    if subscription.confirmed_at:
        return False
    subscription.confirmed_at = timezone.now()
    subscription.save(update_fields=["confirmed_at"])
    return True


@dataclass(frozen=True)
class UnsubscribeTarget:
    """What an unsubscribe link stops: one address's comments on one post or page, or its new-post emails."""

    email: str
    kind: str
    post_id: int | None
    page_id: int | None = None

    def subscriptions(self):
        where: dict[str, Any] = {"post_id": self.post_id, "page_id": self.page_id}
        return Subscription.objects.filter(email=self.email, kind=self.kind, **where)


def unsubscribe_target(token: str) -> UnsubscribeTarget:
    """Decode an unsubscribe link; raises BadSignature when it was tampered with."""
    return UnsubscribeTarget(**links.read_unsubscribe_token(token))


def unsubscribe(target: UnsubscribeTarget) -> int:
    """Stop the emails a link names; returns how many subscriptions ended (0 when already gone)."""
    deleted, _ = target.subscriptions().delete()
    return deleted
