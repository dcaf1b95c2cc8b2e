"""Commenters' pictures without third-party requests: initials on a colour, drawn by this site.

By default every avatar is a local SVG (``/avatars/<initials>/<hue>.svg``): its address carries only the
initials shown beside the name anyway and a hue from a keyed hash (HMAC with the site's secret key), so
nothing in a page lets anyone confirm a commenter's email address offline. Administrators may turn on
remote pictures in the discussion settings (Gravatar for guests, the social account's picture for signed-in
readers): that sends every reader's IP address to those services and publishes a hash of each commenter's
email address, the trade-off WordPress makes by default.
"""

import hashlib
import hmac
import unicodedata
from collections.abc import Callable
from urllib.parse import quote, urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import salted_hmac

NO_INITIALS = "-"


def initials_of(name: str) -> str:
    """Up to two letters or digits: the first of the first word and of the last word, upper-cased."""
    words = ["".join(ch for ch in word if ch.isalnum()) for word in (name or "").split()]
    words = [word for word in words if word]
    if not words:
        return NO_INITIALS
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return unicodedata.normalize("NFC", letters.upper())[:2]


HUE_SALT = "comments.avatars.hue"


def _hue_source(name: str, email: str) -> str:
    return (email or "").strip().lower() or (name or "").strip()


def hue_for(name: str, email: str) -> int:
    """A stable colour per commenter, from a keyed hash: not something an email address can be checked against."""
    return int.from_bytes(salted_hmac(HUE_SALT, _hue_source(name, email)).digest()[:2], "big") % 360


def local_avatar_url(name: str, email: str) -> str:
    return reverse("comments:avatar", kwargs={"initials": initials_of(name), "hue": hue_for(name, email)})


def gravatar_url(email: str, size: int = 56) -> str:
    digest = hashlib.sha256((email or "").strip().lower().encode()).hexdigest()
    return f"https://www.gravatar.com/avatar/{digest}?{urlencode({'d': 'identicon', 's': size})}"


def avatar_addresses(*, remote: bool) -> Callable[[str, str, str], str]:
    """`avatar_url` for many commenters at once (a thread): the route and the hash key are worked out once.

    Gives exactly what `avatar_url(name=…, email=…, picture=…, remote=remote)` gives, without a `reverse()`
    and a key derivation per comment (tests/comments/test_avatars.py compares the two).
    """
    if remote:
        return lambda name, email, picture: avatar_url(name=name, email=email, picture=picture, remote=True)
    sample = reverse("comments:avatar", kwargs={"initials": "AA", "hue": 0})
    prefix = sample[: -len("AA/0.svg")]
    # salted_hmac's key, derived once: HMAC-SHA1 keyed with SHA1(salt + secret).
    key = hashlib.sha1((HUE_SALT + settings.SECRET_KEY).encode()).digest()

    def address(name: str, email: str, picture: str = "") -> str:
        digest = hmac.new(key, _hue_source(name, email).encode(), hashlib.sha1).digest()
        hue = int.from_bytes(digest[:2], "big") % 360
        return f"{prefix}{quote(initials_of(name), safe=_URL_SAFE)}/{hue}.svg"

    return address


# What reverse() leaves unquoted in a path (Django's RFC 3986 sub-delimiters plus "/~:@").
_URL_SAFE = "!$&'()*+,;=/~:@"


def avatar_url(*, name: str, email: str, picture: str = "", size: int = 56, remote: bool = False) -> str:
    """The picture to show beside a commenter: local initials unless `remote` pictures are turned on
    (``DiscussionSettings.remote_avatars_allowed()``)."""
    if not remote:
        return local_avatar_url(name, email)
    if picture:
        return picture
    return gravatar_url(email, size)
