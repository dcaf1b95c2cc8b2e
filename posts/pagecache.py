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

import contextlib
import functools
import gzip
import hashlib
import re
import secrets
import struct
import time
import uuid
import zlib
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.contrib import messages
from django.core.cache import InvalidCacheBackendError, caches
from django.db import transaction
from django.db.models import signals
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers, set_response_etag
from django.utils.http import http_date

T = TypeVar("T")
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


def for_this_generation(name: str, compute: Callable[[], T]) -> T:
    """A value derived from what readers see (e.g. the discussion settings), computed once per process and generation.

    Any change a reader could see starts a new generation, so the value is never older than the pages.
    """
    generation = current_generation()[0]
    known = _per_generation.get(name)
    if known is None or known[0] != generation:
        known = _per_generation[name] = (generation, compute())
    return known[1]


_per_generation: dict[str, tuple[str, Any]] = {}


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

# A stored page: (expires at, status, headers, body, gzipped body or b"", its holes). Plain values, cheap to
# (un)pickle. A hole is (name, data, start, end): a personal region of `body`, as `hole()` marked it.
Hole = tuple[str, str, int, int]
Entry = tuple[float, int, list[tuple[str, str]], bytes, bytes, tuple[Hole, ...]]
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")


def _entry(response, timeout: int, holes: tuple[Hole, ...] = ()) -> Entry:
    headers = [(name, value) for name, value in response.items() if name.lower() != "x-page-cache"]
    body = response.content
    # Compressed once when stored, not per request (browsers all accept gzip). A cached page holds no secret,
    # so compression reveals nothing about a reader (BREACH needs a secret in the body).
    compressed = gzip.compress(body, compresslevel=6, mtime=0) if len(body) > 1024 else b""
    return (time.time() + timeout, response.status_code, headers, body, compressed, holes)


def _response(entry: Entry, request) -> HttpResponse:
    _expires, status, headers, body, compressed, _holes = entry
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


class KeptInMemory:
    """What one process keeps of the pages it served: least recently used out first, bounded in bytes.

    Without a lock: each step is one dict operation, atomic under the GIL, so the threads of `make run`'s
    development server or of threaded gunicorn workers can at worst miss a copy or skew the byte count a
    little, never fail a request.
    """

    def __init__(self, budget: int):
        self.budget = budget
        self.entries: OrderedDict[object, tuple[float, int, Any]] = OrderedDict()  # key -> (expires, bytes, value)
        self.size = 0

    def get(self, key):
        kept = self.entries.get(key)
        if kept is None:
            return None
        if kept[0] <= time.time():
            self.drop(key)
            return None
        with contextlib.suppress(KeyError):  # another thread dropped it meanwhile
            self.entries.move_to_end(key)
        return kept[2]

    def put(self, key, value, *, expires: float, size: int) -> None:
        if size > self.budget // 4:
            return
        self.drop(key)
        self.entries[key] = (expires, size, value)
        self.size += size
        while self.size > self.budget and self.entries:
            try:
                oldest = next(iter(self.entries))
            except (RuntimeError, StopIteration):  # changed by another thread meanwhile
                break
            self.drop(oldest)

    def drop(self, key) -> None:
        kept = self.entries.pop(key, None)
        if kept is not None:
            self.size -= kept[1]

    def clear(self) -> None:
        self.entries.clear()
        self.size = 0


def _local_budget() -> int:
    return int(getattr(settings, "PAGE_CACHE_LOCAL_BYTES", 24 * 1024 * 1024))


# The pages (as stored in the shared cache) each process served last: a body crosses the network once per
# process and generation; only the small generation is read from the shared cache per request.
local_copies = KeptInMemory(budget=_local_budget())


def cached_entry(key: str) -> Entry | None:
    entry = local_copies.get(key)
    if entry is None:
        entry = page_cache().get(key)
        if entry is not None and entry[0] > time.time():
            local_copies.put(key, entry, expires=entry[0], size=len(entry[3]) + len(entry[4]))
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
            if not response.has_header("ETag"):
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
            response.page_cache_entry = (generation, entry[0])  # type: ignore[attr-defined]  # for StoredPages
        else:
            response = self.get_response(request)
            holes = _cut_holes(response)
            if not _storable(response):
                return response
            set_response_etag(response)
            response["Last-Modified"] = http_date(since)
            timeout = timeout_seconds()
            until_scheduled = _seconds_until_next_scheduled_post()
            if until_scheduled is not None:
                timeout = min(timeout, until_scheduled)
            entry = _entry(response, timeout, holes)
            page_cache().set(key, entry, timeout)
            local_copies.put(key, entry, expires=entry[0], size=len(entry[3]) + len(entry[4]))
            response = _response(entry, request)
            response["X-Page-Cache"] = "miss"
            response.page_cache_entry = (generation, entry[0])  # type: ignore[attr-defined]  # for StoredPages
        # Browsers ask again each time (a 304 when nothing changed) instead of guessing a page is still fresh.
        patch_cache_control(response, max_age=0)
        return get_conditional_response(request, etag=response.get("ETag"), last_modified=int(since), response=response)


# Personal regions ----------------------------------------------------------------------------------------

# Markers no page content can forge: a comment body is sanitised, and an author cannot guess this process's nonce.
_HOLE_NONCE = secrets.token_hex(8)
_HOLE_START = f"<!--hole-{_HOLE_NONCE}:".encode()
_HOLE = re.compile(
    rb"<!--hole-" + _HOLE_NONCE.encode() + rb":(?P<name>[\w-]+):(?P<data>[\w.:-]*)-->(?P<content>.*?)"
    rb"<!--/hole-" + _HOLE_NONCE.encode() + rb"-->",
    re.S,
)
Filler = Callable[[HttpRequest, str], "str | None"]
_fillers: dict[str, Filler] = {}


def register_hole(name: str, filler: Filler) -> None:
    """Let readers with a cookie get the cached page with region `name` filled in for them by `filler`.

    `filler(request, data)` returns this reader's HTML for the region, or None when their page differs in
    more than that region (it is then rendered in full). Apps register from their AppConfig.ready().
    """
    _fillers[name] = filler


def hole(request, name: str, data: str = "") -> tuple[str, str]:
    """The markers to put around a personal region of a public page, or ("", "") when it will not be cached.

    `data` (letters, digits, dots, colons, dashes) is handed back to the filler: e.g. which post the region is for.
    """
    if not getattr(request, "page_cache_candidate", False):
        return "", ""
    return f"<!--hole-{_HOLE_NONCE}:{name}:{data}-->", f"<!--/hole-{_HOLE_NONCE}-->"


def _cut_holes(response) -> tuple[Hole, ...]:
    """Take the markers out of a rendered page, remembering where each personal region lies in the result."""
    if response.streaming or _HOLE_START not in response.content:
        return ()
    body = response.content
    parts, holes, position, length = [], [], 0, 0
    for match in _HOLE.finditer(body):
        parts.append(body[position : match.start()])
        length += match.start() - position
        content = match["content"]
        parts.append(content)
        holes.append((match["name"].decode(), match["data"].decode(), length, length + len(content)))
        length += len(content)
        position = match.end()
    parts.append(body[position:])
    response.content = b"".join(parts)
    if response.has_header("Content-Length"):
        response["Content-Length"] = str(len(response.content))
    return tuple(holes)


_PERSONAL_SKIPPED_HEADERS = {
    "etag",
    "last-modified",
    "content-length",
    "content-encoding",
    "x-page-cache",
    "vary",
    "cache-control",
}


class PersonalPageMiddleware:
    """For a reader with a cookie: the cached public page with its personal regions filled in for this reader.

    Placed after the session, auth and messages middleware. A signed-in reader, or one whose name the site
    remembers, sees the same page as everyone but for the comment form; the filler registered for each hole
    renders that part for them (and declines when their page differs elsewhere, e.g. their own comment is
    awaiting moderation). Without a cached page, or with a message to show, the page is rendered in full.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self._composed(request) if self._applies(request) else None
        return response if response is not None else self.get_response(request)

    @staticmethod
    def _applies(request) -> bool:
        return (
            getattr(settings, "PAGE_CACHE_ENABLED", True)
            and not request.META.get("QUERY_STRING")
            and is_public_view(request)
            and is_personal(request)
            and not len(messages.get_messages(request))  # len() does not mark them shown
        )

    @staticmethod
    def _composed(request) -> HttpResponse | None:
        generation, _since = current_generation()
        key = page_key(request, generation)
        entry = cached_entry(key)
        if entry is None or not entry[5]:
            return None
        fills = []
        for name, data, _start, _end in entry[5]:
            filler = _fillers.get(name)
            filled = filler(request, data) if filler is not None else None
            if filled is None:
                return None
            fills.append(filled.encode())
        gzipped = bool(_ACCEPTS_GZIP.search(request.headers.get("accept-encoding", "")))
        body = _gzip_composed(key, entry, fills) if gzipped else _composed_body(entry, fills)
        response = HttpResponse(body, status=entry[1])
        for name, value in entry[2]:
            if name.lower() not in _PERSONAL_SKIPPED_HEADERS:
                response[name] = value
        patch_vary_headers(response, ("Accept-Encoding",))
        if gzipped:
            response["Content-Encoding"] = "gzip"
        # The page's own tag and this reader's parts: no hash of the whole page per request.
        digest = hashlib.md5(dict(entry[2]).get("ETag", "").encode(), usedforsecurity=False)
        for filled in fills:
            digest.update(filled)
        response["ETag"] = f'"{digest.hexdigest()}{"-gzip" if gzipped else ""}"'
        response["X-Page-Cache"] = "personal"
        return response


def _segments(entry: Entry) -> list[bytes]:
    """The page around its holes: the part before the first, between each two, and after the last."""
    body, cuts, position = entry[3], [], 0
    for _name, _data, start, end in entry[5]:
        cuts.append(body[position:start])
        position = end
    cuts.append(body[position:])
    return cuts


def _composed_body(entry: Entry, fills: list[bytes]) -> bytes:
    segments = _segments(entry)
    pieces = [segments[0]]
    for filled, segment in zip(fills, segments[1:], strict=True):
        pieces += [filled, segment]
    return b"".join(pieces)


_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # deflate, no name, no time, unknown OS
_deflated: OrderedDict[str, tuple[list[bytes], list[bytes], int]] = OrderedDict()


def _deflate(data: bytes, *, last: bool) -> bytes:
    """Raw deflate blocks from a fresh compressor, so they can follow any other blocks in one gzip stream."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush(zlib.Z_FINISH if last else zlib.Z_FULL_FLUSH)


def _gzip_composed(key: str, entry: Entry, fills: list[bytes]) -> bytes:
    """The personal page gzipped, compressing only this reader's parts: the rest was compressed once.

    The page's segments are deflated once per process and generation, each by a fresh compressor, and the
    reader's parts by fresh compressors of their own: a valid gzip stream, and no reader's part (with its CSRF
    token) is ever compressed together with text someone else wrote, so compression reveals nothing (BREACH).
    """
    known = _deflated.get(key)
    if known is None:
        segments = _segments(entry)
        deflated = [_deflate(segment, last=index == len(segments) - 1) for index, segment in enumerate(segments)]
        known = (segments, deflated, zlib.crc32(segments[0]))
        _deflated[key] = known
        while len(_deflated) > 32:
            with contextlib.suppress(KeyError):  # emptied by another thread meanwhile
                _deflated.popitem(last=False)
    segments, deflated, checksum = known
    pieces, length = [_GZIP_HEADER, deflated[0]], len(segments[0])
    for filled, segment, segment_deflated in zip(fills, segments[1:], deflated[1:], strict=True):
        checksum = zlib.crc32(segment, zlib.crc32(filled, checksum))
        length += len(filled) + len(segment)
        pieces += [_deflate(filled, last=False), segment_deflated]
    pieces.append(struct.pack("<II", checksum, length & 0xFFFFFFFF))
    return b"".join(pieces)


# Before Django ------------------------------------------------------------------------------------------


class StoredPages:
    """WSGI middleware in front of Django that answers repeat anonymous requests for cached pages itself.

    Each process keeps the final bytes (status, every header the middleware added, body) of the pages it
    served from the page cache, keyed by what in the request can change the answer: host, script name,
    path, scheme, the forwarded protocol and whether gzip is accepted. A request without a query string,
    personal cookie or conditional header whose key is known is answered after one read of the current
    generation, so it sees an invalidation from any process; everything else goes through Django, whose
    `PageCacheMiddleware` decides (and whose answers refill this store).
    """

    def __init__(self, application, budget: int | None = None):
        self.application = application
        self.store = KeptInMemory(budget or _local_budget())

    def __call__(self, environ, start_response):
        key = self._key(environ)
        if key is None:
            return self.application(environ, start_response)
        reply = self.store.get(key)
        if reply is not None:
            generation, status, headers, body = reply
            if generation == current_generation()[0]:
                start_response(status, headers)
                return [b"" if environ["REQUEST_METHOD"] == "HEAD" else body]
            self.store.drop(key)
        captured: list = []

        def remember(status, headers, exc_info=None):
            captured[:] = [status, headers]
            return start_response(status, headers, exc_info)

        response = self.application(environ, remember)
        entry = getattr(response, "page_cache_entry", None)
        if (
            entry is not None
            and environ["REQUEST_METHOD"] == "GET"
            and captured
            and captured[0].startswith("200")
            and not response.cookies
            and not response.streaming
        ):
            headers = [(name, "hit" if name == "X-Page-Cache" else value) for name, value in captured[1]]
            reply = (entry[0], captured[0], headers, response.content)
            self.store.put(key, reply, expires=entry[1], size=len(response.content))
        return response

    @staticmethod
    def _key(environ) -> tuple | None:
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or environ.get("QUERY_STRING"):
            return None
        if not getattr(settings, "PAGE_CACHE_ENABLED", True):
            return None
        if "HTTP_IF_NONE_MATCH" in environ or "HTTP_IF_MODIFIED_SINCE" in environ:
            return None  # Django answers conditional requests (a 304 needs the comparison)
        cookies = environ.get("HTTP_COOKIE")
        if cookies and _has_personal_cookie(cookies):
            return None
        return (
            environ.get("HTTP_HOST") or environ.get("SERVER_NAME"),
            environ.get("SCRIPT_NAME", ""),
            environ.get("PATH_INFO", ""),
            environ.get("wsgi.url_scheme"),
            environ.get("HTTP_X_FORWARDED_PROTO"),
            bool(_ACCEPTS_GZIP.search(environ.get("HTTP_ACCEPT_ENCODING", ""))),
        )


def _has_personal_cookie(header: str) -> bool:
    from django.http import parse_cookie

    names = parse_cookie(header)
    personal = (settings.SESSION_COOKIE_NAME, getattr(settings, "MESSAGES_COOKIE_NAME", "messages"), *PERSONAL_COOKIES)
    return any(name in names for name in personal)
