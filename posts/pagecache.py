"""The full-page cache: public pages for readers without cookies, stored whole and served before sessions.

Which requests: GET or HEAD of a view marked with `@public_page` (home, posts, pages, archives, feeds,
sitemap), with no query string and none of the cookies that make a page personal (session, messages,
remembered commenter). Everyone else, and every response that sets a cookie or says private, goes
through uncached. A cached page therefore never holds a CSRF token (the comment form on it posts to a
CSRF-exempt endpoint guarded by a signed timestamp, a honeypot and an Origin check; see
docs/performance.md), a session, a name, an email, an avatar or a held comment.

Invalidation is one generation: any change a reader could see (a post, page, category, tag, image,
comment, discussion setting, author name) calls `invalidate()`, which writes a new generation token to the
`pages` cache. Every key includes the current generation and the deploy's version (a hash of the code,
templates and static files), so the very next request in any process misses and renders afresh. Pages
also expire at the next scheduled post's publish time, since going live fires no signal.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import re
import time
import uuid
from collections import OrderedDict
from pathlib import Path

from django.conf import settings
from django.core.cache import InvalidCacheBackendError, caches
from django.db import transaction
from django.db.models import signals
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers, set_response_etag
from django.utils.http import http_date

CACHE_ALIAS = "pages"
GENERATION_KEY = "generation"
# The cookies a personal page depends on; a reader who has one is served uncached.
PERSONAL_COOKIES = ("comment_author", "comment_author_email", "comment_author_url")
VERSIONED_SUFFIXES = {".py", ".html", ".txt", ".xml", ".css", ".js", ".svg", ".png", ".ico", ".json"}


def public_page(view):
    """Mark a view whose anonymous, cookie-less GET answer is the same for everyone and may be cached."""
    view.public_page = True
    return view


def page_cache():
    try:
        return caches[CACHE_ALIAS]
    except InvalidCacheBackendError:
        return caches["default"]


def timeout_seconds() -> int:
    return int(getattr(settings, "PAGE_CACHE_SECONDS", 3600))


# Generation ---------------------------------------------------------------------------------------


def current_generation() -> tuple[str, float]:
    """The token of the current generation and when it began (the Last-Modified of every cached page)."""
    cache = page_cache()
    value = cache.get(GENERATION_KEY)
    if not value:
        value = (uuid.uuid4().hex[:12], time.time())
        # add(): when two processes start a generation at once, both use the first one stored.
        if not cache.add(GENERATION_KEY, value, None):
            value = cache.get(GENERATION_KEY) or value
    return value[0], value[1]


def _bump(*, footer: bool = True) -> None:
    from .sidebar import forget_footer_links

    page_cache().set(GENERATION_KEY, (uuid.uuid4().hex[:12], time.time()), None)
    if footer:
        forget_footer_links()  # a page rendered now must not take the footer from before the change


def invalidate(*, footer: bool = True) -> None:
    """Every cached page is stale from now on, in every process.

    Bumped at once and again after the transaction commits: a page rendered from the old data in between
    would otherwise be stored under the new generation. `footer=False` keeps the footer's cached lists
    (posts/sidebar.py) when the change is to nothing they list.
    """
    _bump(footer=footer)
    transaction.on_commit(functools.partial(_bump, footer=footer))


# What invalidates --------------------------------------------------------------------------------

_watched: dict[str, set[str]] = {}  # app label -> model names that never show on a public page
_outside_footer: set[str] = set()  # app labels of which the site footer lists nothing


def watch_app(app_label: str, *, ignore: set[str] | frozenset[str] = frozenset(), in_footer: bool = True) -> None:
    """Invalidate the page cache whenever a model of this app is saved or deleted (or its relations change).

    Each app calls this from its AppConfig.ready() for itself, naming the models readers never see, and
    saying `in_footer=False` when the footer's lists (recent posts, categories, months) show none of them,
    so a change there (a new comment) keeps those lists instead of rebuilding them.
    Watching whole apps means a model added later is covered without anyone remembering to.
    """
    _watched[app_label] = {name.lower() for name in ignore}
    if in_footer:
        _outside_footer.discard(app_label)
    else:
        _outside_footer.add(app_label)
    signals.post_save.connect(_model_changed, dispatch_uid="posts.pagecache.saved")
    signals.post_delete.connect(_model_changed, dispatch_uid="posts.pagecache.deleted")
    signals.m2m_changed.connect(_relations_changed, dispatch_uid="posts.pagecache.relations")


def _shown(model) -> bool:
    meta = model._meta
    if meta.label_lower == settings.AUTH_USER_MODEL.lower():
        return True  # authors' names and archives
    ignored = _watched.get(meta.app_label)
    return ignored is not None and meta.model_name not in ignored


def _model_changed(sender, update_fields=None, **kwargs) -> None:
    if not _shown(sender):
        return
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # signing in changes nothing a reader sees
    invalidate(footer=sender._meta.app_label not in _outside_footer)


def _relations_changed(sender, instance, action, **kwargs) -> None:
    if action.startswith("post_") and _shown(type(instance)):
        invalidate(footer=type(instance)._meta.app_label not in _outside_footer)


# Deploy version -----------------------------------------------------------------------------------


@functools.cache
def deploy_version() -> str:
    """A hash of the code, templates and static files: a new deploy never serves an old deploy's pages."""
    explicit = getattr(settings, "PAGE_CACHE_VERSION", "")
    if explicit:
        return str(explicit)
    digest = hashlib.sha1(usedforsecurity=False)
    root = Path(settings.BASE_DIR)
    folders = [root / name for name in ("mssite", "posts", "comments", "accounts", "wordpress", "templates")]
    folders += [Path(folder) for folder in getattr(settings, "STATICFILES_DIRS", [])]
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.suffix in VERSIONED_SUFFIXES and path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


# Which requests ------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def _is_public_path(urlconf: str, path: str) -> bool:
    try:
        view = resolve(path, urlconf).func
    except Resolver404:
        return False
    return bool(getattr(view, "public_page", False) or getattr(getattr(view, "view_class", None), "public_page", False))


def is_public_view(request) -> bool:
    """A GET or HEAD of a view marked `@public_page` (the answer per address is remembered: URLs are fixed)."""
    if request.method not in ("GET", "HEAD"):
        return False
    return _is_public_path(getattr(request, "urlconf", None) or settings.ROOT_URLCONF, request.path_info)


def is_personal(request) -> bool:
    """Whether the page may differ for this reader: a query string, or a session, messages or commenter cookie."""
    if request.META.get("QUERY_STRING"):
        return True
    personal = (settings.SESSION_COOKIE_NAME, getattr(settings, "MESSAGES_COOKIE_NAME", "messages"), *PERSONAL_COOKIES)
    return any(name in request.COOKIES for name in personal)


def page_key(request, generation: str) -> str:
    address = f"{request.scheme}://{request.get_host()}{request.path}"
    return f"page:{deploy_version()}:{generation}:{hashlib.sha256(address.encode()).hexdigest()}"


def _storable(response) -> bool:
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not any(word in cache_control for word in ("private", "no-store", "no-cache"))
    )


def _seconds_until_next_scheduled_post() -> int | None:
    from django.utils import timezone

    from .models import Post

    moment = (
        Post.objects.filter(status=Post.Status.PUBLISHED, published_at__gt=timezone.now())
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    return None if moment is None else max(int((moment - timezone.now()).total_seconds()), 1)


# Stored pages --------------------------------------------------------------------------------------

# A stored page: (expires at, status, headers, body, gzipped body or b""). Plain values, cheap to (un)pickle.
Entry = tuple[float, int, list[tuple[str, str]], bytes, bytes]
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")


def _entry(response, timeout: int) -> Entry:
    headers = [(name, value) for name, value in response.items() if name.lower() != "x-page-cache"]
    body = response.content
    # Compressed once when stored, not per request (browsers all accept gzip). A cached page holds no secret,
    # so compression reveals nothing about a reader (BREACH needs a secret in the body).
    compressed = gzip.compress(body, compresslevel=6, mtime=0) if len(body) > 1024 else b""
    return (time.time() + timeout, response.status_code, headers, body, compressed)


def _response(entry: Entry, request) -> HttpResponse:
    _expires, status, headers, body, compressed = entry
    gzipped = bool(compressed) and bool(_ACCEPTS_GZIP.search(request.headers.get("accept-encoding", "")))
    response = HttpResponse(compressed if gzipped else body, status=status)
    for name, value in headers:
        response[name] = value
    if compressed:
        patch_vary_headers(response, ("Accept-Encoding",))
    if gzipped:
        response["Content-Encoding"] = "gzip"
        response["Content-Length"] = str(len(compressed))
        if response.get("ETag", "").endswith('"'):
            response["ETag"] = response["ETag"][:-1] + '-gzip"'  # another representation, another tag
    return response


class _LocalCopies:
    """Each process keeps the pages it served last in memory, under the same generation-bearing keys.

    Only the small generation is read from the shared cache per request; a page body crosses the network
    once per process and generation. Bounded in bytes, least recently used first out.
    """

    def __init__(self, budget: int):
        self.budget = budget
        self.entries: OrderedDict[str, Entry] = OrderedDict()
        self.size = 0

    def get(self, key: str) -> Entry | None:
        entry = self.entries.get(key)
        if entry is None:
            return None
        if entry[0] <= time.time():
            self._drop(key)
            return None
        self.entries.move_to_end(key)
        return entry

    def put(self, key: str, entry: Entry) -> None:
        if len(entry[3]) + len(entry[4]) > self.budget // 4:
            return
        if key in self.entries:
            self._drop(key)
        self.entries[key] = entry
        self.size += len(entry[3]) + len(entry[4])
        while self.size > self.budget:
            self._drop(next(iter(self.entries)))

    def _drop(self, key: str) -> None:
        entry = self.entries.pop(key)
        self.size -= len(entry[3]) + len(entry[4])

    def clear(self) -> None:
        self.entries.clear()
        self.size = 0


local_copies = _LocalCopies(budget=int(getattr(settings, "PAGE_CACHE_LOCAL_BYTES", 24 * 1024 * 1024)))


def cached_entry(key: str) -> Entry | None:
    entry = local_copies.get(key)
    if entry is None:
        entry = page_cache().get(key)
        if entry is not None and entry[0] > time.time():
            local_copies.put(key, entry)
        else:
            entry = None
    return entry


class PageCacheMiddleware:
    """Serve and store whole public pages; placed before the session, CSRF and auth middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not getattr(settings, "PAGE_CACHE_ENABLED", True) or not is_public_view(request):
            return self.get_response(request)
        if is_personal(request):
            # Still a conditional GET: the ETag of this reader's own page.
            response = self.get_response(request)
            if response.status_code != 200 or response.streaming:
                return response
            set_response_etag(response)
            patch_cache_control(response, max_age=0)
            return get_conditional_response(request, etag=response.get("ETag"), response=response)
        request.page_cache_candidate = True  # the templates leave out the CSRF token
        generation, since = current_generation()
        key = page_key(request, generation)
        entry = cached_entry(key)
        if entry is not None:
            response = _response(entry, request)
            response["X-Page-Cache"] = "hit"
        else:
            response = self.get_response(request)
            if not _storable(response):
                return response
            set_response_etag(response)
            response["Last-Modified"] = http_date(since)
            timeout = timeout_seconds()
            until_scheduled = _seconds_until_next_scheduled_post()
            if until_scheduled is not None:
                timeout = min(timeout, until_scheduled)
            entry = _entry(response, timeout)
            page_cache().set(key, entry, timeout)
            local_copies.put(key, entry)
            response = _response(entry, request)
            response["X-Page-Cache"] = "miss"
        # Browsers ask again each time (a 304 when nothing changed) instead of guessing a page is still fresh.
        patch_cache_control(response, max_age=0)
        return get_conditional_response(request, etag=response.get("ETag"), last_modified=int(since), response=response)
