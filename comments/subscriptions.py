"""Email subscriptions: new comments on a post or page, or new posts. Double opt-in, one-click unsubscribe.

An address is only ever mailed once it confirmed (``confirmed_at``), except a signed-in reader whose
account has verified that very address: they proved it already. The links in emails are signed with
``django.core.signing``; nothing else authorises them, so they carry exactly what they act on.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.base_user import AbstractBaseUser
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from posts.models import Page, Post

from .models import Subscription, target_lookup

CONFIRM_SALT = "comments.subscription.confirm"
UNSUBSCRIBE_SALT = "comments.subscription.unsubscribe"
# A confirmation request goes stale; an unsubscribe link must keep working in old emails forever.
CONFIRM_MAX_AGE = timedelta(days=7)


@dataclass(frozen=True)
class SubscriptionRequest:
    """The outcome of a "Notify me" tick: the row, and whether a confirmation email is owed."""

    subscription: Subscription
    needs_confirmation: bool


def normalize_email(email: str) -> str:
    # Addresses are matched case-insensitively; store them lower-cased so the unique constraint agrees.
    return (email or "").strip().lower()


def email_is_verified_for(user: AbstractBaseUser | None, email: str) -> bool:
    """True when a signed-in account has proved it owns this address (allauth verified it)."""
    if user is None or not user.is_authenticated or not email:
        return False
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


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
    where = {"post": None, "page": None, **target_lookup(post)}
    verified = email_is_verified_for(user, email)
    owner = user if user is not None and user.is_authenticated else None
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


def confirmation_token(subscription: Subscription) -> str:
    return signing.dumps({"s": subscription.pk, "e": subscription.email}, salt=CONFIRM_SALT)


def subscription_for_confirmation(token: str) -> Subscription | None:
    """The subscription a confirmation link names; raises BadSignature / SignatureExpired when forged or stale."""
    data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    return Subscription.objects.select_related("post", "page").filter(pk=data["s"], email=data["e"]).first()


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
        return Subscription.objects.filter(email=self.email, kind=self.kind, post_id=self.post_id, page_id=self.page_id)


def unsubscribe_token(subscription: Subscription) -> str:
    # Signed by what it stops, not by row id, so a link keeps working if the address re-subscribes.
    data = {"e": subscription.email, "k": subscription.kind, "p": subscription.post_id}
    if subscription.page_id:
        data["g"] = subscription.page_id  # only on page threads: links in older emails keep their form
    return signing.dumps(data, salt=UNSUBSCRIBE_SALT)


def unsubscribe_target(token: str) -> UnsubscribeTarget:
    """Decode an unsubscribe link; raises BadSignature when it was tampered with."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    return UnsubscribeTarget(email=data["e"], kind=data["k"], post_id=data["p"], page_id=data.get("g"))


def unsubscribe(target: UnsubscribeTarget) -> int:
    """Stop the emails a link names; returns how many subscriptions ended (0 when already gone)."""
    deleted, _ = target.subscriptions().delete()
    return deleted
