"""Who a signed-in commenter is: the name, avatar and profile link their comments carry.

The comments app never imports accounts; it asks its adapter (COMMENTS_ADAPTER), which is
`accounts.adapter.CommentsAdapter` here and calls `commenter_identity`.
"""

from dataclasses import dataclass

from allauth.account.authentication import get_authentication_records
from allauth.core import context as allauth_context
from allauth.socialaccount.models import SocialAccount
from allauth.socialaccount.providers import registry


@dataclass(frozen=True)
class CommenterIdentity:
    """What a comment records about its signed-in author, and what the comment form shows them."""

    name: str
    email: str
    url: str
    avatar_url: str
    provider_id: str = ""
    provider_name: str = ""


def provider_name(provider_id: str) -> str:
    """The brand readers know ("Google", "X", "WordPress.com"), even for a provider no longer configured."""
    provider_class = registry.get_class(provider_id)
    return provider_class.name if provider_class else provider_id


def social_identity(account: SocialAccount) -> CommenterIdentity:
    """The identity a provider gave for `account`, read from the profile stored at each login."""
    data = account.extra_data if isinstance(account.extra_data, dict) else {}
    provider_class = registry.get_class(account.provider)
    provider_account = provider_class.account_class(account) if provider_class else None
    avatar_url = (provider_account.get_avatar_url() if provider_account else None) or _facebook_picture(data)
    profile_url = provider_account.get_profile_url() if provider_account else None
    name = data.get("display_name") or data.get("name") or data.get("username") or ""
    if not name:
        name = account.user.get_full_name() or account.user.get_username()
    return CommenterIdentity(
        name=str(name).strip()[:245],
        email=account.user.email,
        url=_http_url(profile_url),
        avatar_url=_http_url(avatar_url, max_length=1000),
        provider_id=account.provider,
        provider_name=provider_name(account.provider),
    )


def current_social_account(user, request=None) -> SocialAccount | None:
    """The social account the reader signed in with in this session, else the one used most recently.

    Connecting a second provider touches its `last_login` too, so the session's own record of how the
    reader authenticated (kept by allauth) decides first: connecting WordPress.com while signed in with
    Google leaves them commenting as their Google self.
    """
    accounts = SocialAccount.objects.filter(user=user).select_related("user")
    request = request if request is not None else allauth_context.request
    if request is not None and hasattr(request, "session"):
        for record in reversed(get_authentication_records(request, user)):
            if record.get("method") == "socialaccount" and record.get("provider"):
                account = accounts.filter(provider=record["provider"], uid=str(record.get("uid", ""))).first()
                if account is not None:
                    return account
    return accounts.order_by("-last_login", "-pk").first()


def commenter_identity(user) -> CommenterIdentity | None:
    """The identity comments by `user` carry; None for anonymous readers, who type their own details."""
    if user is None or not user.is_authenticated:
        return None
    # The comment form and the comments app both ask during one page: look the reader up once per request.
    request = allauth_context.request
    remembered = getattr(request, "_commenter_identities", None) if request is not None else None
    if remembered is not None and user.pk in remembered:
        return remembered[user.pk]
    account = current_social_account(user, request)
    if account is not None:
        identity = social_identity(account)
    else:
        identity = CommenterIdentity(
            name=user.get_full_name() or user.get_username(), email=user.email, url="", avatar_url=""
        )
    if request is not None:
        request._commenter_identities = {**(remembered or {}), user.pk: identity}
    return identity


def _facebook_picture(data: dict) -> str | None:
    picture = data.get("picture")
    if isinstance(picture, dict) and isinstance(picture.get("data"), dict):
        return picture["data"].get("url")
    return None


def _http_url(value, *, max_length: int = 500) -> str:
    """Only http(s) links reach a page: a provider's profile field is data, not trusted markup."""
    if isinstance(value, str) and value.lower().startswith(("https://", "http://")) and len(value) <= max_length:
        return value
    return ""


def display_name(user) -> str:
    """How allauth names a person in its messages ("Successfully signed in as …"): their name, not their username."""
    return user.get_full_name() or user.get_username()
