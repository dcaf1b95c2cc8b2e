"""Commenters' pictures without third-party requests: initials on a colour, drawn by this site.

By default every avatar is a local SVG (``/avatars/<initials>/<hue>.svg``): its address carries only the
initials shown beside the name anyway and a hue from a keyed hash (HMAC with the site's secret key), so
nothing in a page lets anyone confirm a commenter's email address offline. Administrators may turn on
remote pictures in the discussion settings (Gravatar for guests, the social account's picture for signed-in
readers): that sends every reader's IP address to those services and publishes a hash of each commenter's
email address, the trade-off WordPress makes by default.
"""

import hashlib
import unicodedata
from urllib.parse import urlencode

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


def hue_for(name: str, email: str) -> int:
    """A stable colour per commenter, from a keyed hash: not something an email address can be checked against."""
    key = (email or "").strip().lower() or (name or "").strip()
    return int.from_bytes(salted_hmac("comments.avatars.hue", key).digest()[:2], "big") % 360


def local_avatar_url(name: str, email: str) -> str:
    return reverse("comments:avatar", kwargs={"initials": initials_of(name), "hue": hue_for(name, email)})


def gravatar_url(email: str, size: int = 56) -> str:
    digest = hashlib.sha256((email or "").strip().lower().encode()).hexdigest()
    return f"https://www.gravatar.com/avatar/{digest}?{urlencode({'d': 'identicon', 's': size})}"


def avatar_url(*, name: str, email: str, picture: str = "", size: int = 56, remote: bool = False) -> str:
    """The picture to show beside a commenter: local initials unless `remote` pictures are turned on
    (``DiscussionSettings.remote_avatars_allowed()``)."""
    if not remote:
        return local_avatar_url(name, email)
    if picture:
        return picture
    return gravatar_url(email, size)
