"""Who a signed-in commenter is. The social-login app plugs in its own function through a setting.

``settings.COMMENTS_IDENTITY_FUNCTION`` names (dotted path) a function taking the user and returning
any object (or mapping) with ``name``, ``email``, ``url`` and ``avatar_url``, or None for the default. Keeping this a setting lets ``comments`` stay ignorant of the accounts app.
"""

from collections.abc import Mapping
from typing import NamedTuple

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULT_IDENTITY_FUNCTION = "comments.identity.default_identity"


class CommenterIdentity(NamedTuple):
    name: str
    email: str
    url: str = ""
    avatar_url: str = ""


def default_identity(user) -> CommenterIdentity:
    """The account's full name (or username) and email; the avatar falls back to Gravatar."""
    return CommenterIdentity(name=user.get_full_name() or user.get_username(), email=user.email or "")


def identity_for(user) -> CommenterIdentity:
    """The configured function's answer (any object or mapping with those four names), normalised."""
    function = import_string(getattr(settings, "COMMENTS_IDENTITY_FUNCTION", DEFAULT_IDENTITY_FUNCTION))
    answer = function(user)
    if answer is None:
        answer = default_identity(user)

    def read(name: str) -> str:
        value = answer.get(name) if isinstance(answer, Mapping) else getattr(answer, name, "")
        return str(value or "").strip()

    return CommenterIdentity(
        name=(read("name") or user.get_username())[:245],
        email=read("email"),
        url=read("url"),
        avatar_url=read("avatar_url"),
    )
