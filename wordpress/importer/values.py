"""Value helpers shared by every kind: column sizes, id limits, dates, addresses and fingerprints."""

from __future__ import annotations

import hashlib
import html
import ipaddress
import json
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from django.db import models
from django.utils import timezone

from comments.models import Comment
from posts.models import EARLIEST_YEAR, LARGEST_ID, LATEST_YEAR, Category, Page, Post

from .. import wxr

# WordPress keeps ids in unsigned 64-bit columns, ours are signed: a larger id cannot be stored at all.
LARGEST_STORABLE_ID = LARGEST_ID
# Far beyond any real WordPress site (ids count rows in one site's tables): see reserve_ids_up_to.
LARGEST_RESERVED_ID = 2**40
MAX_UTC_OFFSET_MINUTES = 14 * 60  # UTC+14 (Kiribati) is the farthest any time zone is
# Integer columns read from the file that are 32-bit here (Page.order).
INT32_RANGE = (-(2**31), 2**31 - 1)


def model_field(model: type[models.Model], name: str) -> models.Field:
    """The model's field of that name, one with a column (not a reverse relation nor a generic key)."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model.__name__}.{name} is not a field with a column.")
    return field


def column_length(model: type[models.Model], name: str) -> int:
    """The max_length of one of the model's text columns."""
    length = model_field(model, name).max_length
    if length is None:
        raise TypeError(f"{model.__name__}.{name} has no max_length.")
    return length


# Column sizes of what the file fills in: PostgreSQL refuses a longer value (SQLite would keep it).
AUTHOR_NAME_LENGTH = column_length(Comment, "author_name")
EMAIL_LENGTH = column_length(Comment, "author_email")
URL_LENGTH = column_length(Comment, "author_url")
USERNAME_LENGTH = 150  # django.contrib.auth's username
TITLE_LENGTH = column_length(Post, "title")
SLUG_LENGTH = column_length(Post, "slug")
PATH_LENGTH = min(column_length(Page, "path"), column_length(Category, "path"))
TERM_NAME_LENGTH = column_length(Category, "name")


_SCRIPT_OR_STYLE = re.compile(r"<(script|style)[^>]*?>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_URL_SCHEME = re.compile(r"^\s*([a-z][a-z0-9+.\-]*):", re.IGNORECASE)


def plain_text(value: str) -> str:
    """WordPress keeps titles, names and term text as HTML ("Tom &amp; Jerry"): the text a reader should see.

    Tags go as wp_strip_all_tags() removes them (scripts and styles with their content), then entities
    are decoded once, so "Media &amp; Text" reads "Media & Text" and is escaped once when shown.
    """
    if "<" not in value and "&" not in value:
        return value
    return html.unescape(_TAG.sub("", _SCRIPT_OR_STYLE.sub("", value))).strip()


def is_web_address(url: str) -> bool:
    """An author's website as WordPress's esc_url() would keep it: http(s), or no scheme at all."""
    match = _URL_SCHEME.match(url)
    return match is None or match.group(1).lower() in ("http", "https")


def parse_gmt(value: str) -> datetime | None:
    if not value or value.startswith("0000"):
        return None
    try:
        parsed = datetime.strptime(value.strip(), "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None
    return within_calendar(parsed)


def within_calendar(parsed: datetime) -> datetime | None:
    """The years an author may type here too: dates at the calendar's ends overflow in time zone conversions.

    An earlier date is treated as missing (the next source of a date is used); a later one is kept as
    the latest possible, so a post scheduled that far ahead stays scheduled rather than going public.
    """
    if parsed.year < EARLIEST_YEAR:
        return None
    return min(parsed, datetime(LATEST_YEAR, 12, 31, 23, 59, 59, tzinfo=UTC))


def utc_offset_minutes(local: str, gmt: str) -> int | None:
    """How far WordPress's local post date was ahead of its GMT date, if both are real and a real offset apart."""
    local_moment, gmt_moment = parse_gmt(local), parse_gmt(gmt)
    if local_moment is None or gmt_moment is None:
        return None
    minutes = round((local_moment - gmt_moment).total_seconds() / 60)
    return minutes if abs(minutes) <= MAX_UTC_OFFSET_MINUTES else None


def parse_local(value: str) -> datetime | None:
    naive = parse_gmt(value)
    return timezone.make_aware(naive.replace(tzinfo=None)) if naive else None


def parse_rfc822(value: str) -> datetime | None:
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed is None or parsed.year < 1971:
        return None
    return within_calendar(parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC))


def clean_ip(value: str) -> str | None:
    """The commenter's address, or None; an IPv6 zone ("%eth0") means nothing off their network, and
    PostgreSQL's inet type refuses it."""
    try:
        return str(ipaddress.ip_address(value.strip().partition("%")[0]))
    except ValueError:
        return None


def shown_id(legacy_id: int) -> str:
    """An id for a note; one of thousands of digits was read as a stand-in (see wxr.parse_int)."""
    return str(legacy_id) if abs(legacy_id) < wxr.OUT_OF_RANGE else f"(over {wxr.LONGEST_NUMBER} digits)"


def unreserved_note(what: str, legacy_id: int) -> str:
    return (
        f"{what} {legacy_id}: this ID is far larger than any real WordPress site's; it is kept for old links, "
        "but ids of new posts and comments here stay below it."
    )


def clamped_int32(value: int) -> int:
    low, high = INT32_RANGE
    return max(low, min(high, value))


def fingerprint_of(values: dict) -> str:
    """A stable digest of the values an import writes for one object (related rows by primary key)."""
    text = json.dumps(values, sort_keys=True, default=lambda value: getattr(value, "pk", None) or str(value))
    return hashlib.sha256(text.encode()).hexdigest()


def storable_id(legacy_id: int | None) -> bool:
    """Whether a WordPress id fits our 64-bit legacy_id columns (WordPress's own are unsigned)."""
    return legacy_id is not None and 0 < legacy_id <= LARGEST_STORABLE_ID
