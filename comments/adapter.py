"""The one place to customise how comments meet the rest of the site, the allauth way.

The comments app knows nothing of social login: who a signed-in commenter is, which address a request
comes from, whether an account proved it owns an email address, what the comment form shows in place of
the name and email fields. A site changes these by subclassing :class:`CommentsAdapter` and naming the
subclass in ``COMMENTS_ADAPTER`` (this site: ``accounts.adapter.CommentsAdapter``).
"""

import ipaddress
import logging
from collections.abc import Hashable
from functools import cache
from typing import NamedTuple

from django.http import HttpRequest
from django.utils.module_loading import import_string

from . import app_settings

logger = logging.getLogger(__name__)


class CommenterIdentity(NamedTuple):
    """What a comment records about its signed-in author, and what the comment form shows them."""

    name: str
    email: str
    url: str = ""
    avatar_url: str = ""


class CommentsAdapter:
    """Default behaviour: accounts by name and email, the address of the connecting peer, no verified emails."""

    # The comment form's two slots: shown to a signed-in reader instead of the identity fields, and to a guest
    # above them. Their buttons submit the comment form itself elsewhere (formaction), never a nested form.
    signed_in_template = "comments/signed_in_as.html"
    login_template = "comments/login_providers.html"

    def identity_for(self, user) -> CommenterIdentity:
        """The name, email, website and picture that comments by this signed-in `user` carry."""
        return CommenterIdentity(name=(user.get_full_name() or user.get_username())[:245], email=user.email or "")

    def identity_key(self, user) -> Hashable:
        """Everything the comment form shows of a signed-in `user`: one form rendered for it fits every request."""
        return self.identity_for(user)

    def client_ip(self, request: HttpRequest) -> str | None:
        """The reader's address for flood control and the moderation desk: the connecting peer, or None."""
        return valid_ip(request.META.get("REMOTE_ADDR", ""))

    def email_is_verified(self, user, email: str) -> bool:
        """Whether the signed-in `user` has proved they own `email` (then a subscription needs no confirmation)."""
        return False

    def is_spam(self, comment, request: HttpRequest | None) -> str | None:
        """Who says the comment is spam: the dotted path of the first ``COMMENTS_SPAM_CHECKERS`` entry, else None.

        A checker is a callable, or a class with an Akismet-style ``check(comment, request) -> bool``; one that
        fails is logged and treated as "not spam", so a spam service being down never loses a comment.
        """
        for path in app_settings.SPAM_CHECKERS:
            try:
                if _checker(path)(comment, request):
                    return path
            except Exception:
                logger.exception("Spam checker %s failed; treating the comment as not spam", path)
        return None


def valid_ip(candidate: str) -> str | None:
    """`candidate` as a normalised IP address, or None when it is not one (never stored as garbage)."""
    try:
        return str(ipaddress.ip_address((candidate or "").strip()))
    except ValueError:
        return None


@cache
def _checker(path: str):
    target = import_string(path)
    if isinstance(target, type):
        return target().check
    return getattr(target, "check", target)


def get_adapter() -> CommentsAdapter:
    """The site's adapter (``COMMENTS_ADAPTER``)."""
    return import_string(app_settings.ADAPTER)()
