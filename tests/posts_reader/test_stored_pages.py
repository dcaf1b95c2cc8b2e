"""A crowd reading a popular post is answered before Django starts, and never with a stale or personal page.

`StoredPages` (posts/pagecache.py) sits in front of Django in mssite/wsgi.py. These stories drive it the way
gunicorn does, with WSGI environments, and count how often Django itself had to answer.
"""

import io

import pytest
from django.core.handlers.wsgi import WSGIHandler

from posts import pagecache
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db(transaction=True)


class CountingDjango:
    """Django's own WSGI handler, counting the requests that reach it."""

    def __init__(self):
        self.handler = WSGIHandler()
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.handler(environ, start_response)


class Reply:
    def __init__(self, status: str, headers: list[tuple[str, str]], body: bytes):
        self.status, self.headers, self.body = status, dict(headers), body

    @property
    def text(self) -> str:
        return self.body.decode()


def get(app, path: str, *, method: str = "GET", host: str = "testserver", **headers) -> Reply:
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": headers.pop("query", ""),
        "SCRIPT_NAME": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": host,
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": io.StringIO(),
        **{f"HTTP_{name.upper()}": value for name, value in headers.items()},
    }
    started: list = []

    def start_response(status, response_headers, exc_info=None):
        started[:] = [status, response_headers]

    chunks = app(environ, start_response)
    body = b"".join(chunks)
    if hasattr(chunks, "close"):
        chunks.close()
    return Reply(started[0], started[1], body)


@pytest.fixture
def site(page_cache):
    django = CountingDjango()
    return pagecache.StoredPages(django), django


def test_the_second_reader_is_answered_without_django_and_gets_the_same_bytes_and_headers(site, post):
    app, django = site
    first = get(app, post.get_absolute_url())
    second = get(app, post.get_absolute_url())
    third = get(app, post.get_absolute_url())

    assert django.calls == 1
    assert first.status.startswith("200")
    assert second.status == first.status
    assert second.body == third.body == first.body
    assert "Is there a test for the change?" in second.text
    assert second.headers["X-Page-Cache"] == "hit"
    for name in ("Content-Security-Policy", "ETag", "Last-Modified", "Cache-Control", "Vary", "Content-Type"):
        assert second.headers[name] == first.headers[name], name
    assert "Set-Cookie" not in second.headers


def test_a_new_comment_shows_on_the_very_next_request(site, post):
    app, django = site
    get(app, post.get_absolute_url())
    get(app, post.get_absolute_url())

    CommentFactory(post=post, author_name="Priya Shah", body="My neurologist suggested ocrelizumab instead.")
    after = get(app, post.get_absolute_url())

    assert "ocrelizumab" in after.text
    assert django.calls == 2


def test_another_process_invalidating_is_seen_through_the_shared_generation(site, post):
    app, django = site
    get(app, post.get_absolute_url())
    pagecache._bump()  # what invalidate() in another process writes to the shared cache

    get(app, post.get_absolute_url())

    assert django.calls == 2


def test_gzip_and_plain_readers_and_each_host_get_their_own_copy(site, post, settings):
    settings.ALLOWED_HOSTS = ["testserver", "blog.example"]
    app, django = site
    url = post.get_absolute_url()
    plain = [get(app, url), get(app, url)]
    gzipped = [get(app, url, accept_encoding="gzip, br"), get(app, url, accept_encoding="gzip, br")]
    other_host = [get(app, url, host="blog.example"), get(app, url, host="blog.example")]

    assert django.calls == 3
    assert "Content-Encoding" not in plain[1].headers
    assert "Rituximab" in plain[1].text
    assert gzipped[1].headers["Content-Encoding"] == "gzip"
    assert gzipped[1].body == gzipped[0].body
    assert other_host[1].body == other_host[0].body


@pytest.mark.parametrize(
    "headers",
    [
        {"cookie": "sessionid=abc123"},
        {"cookie": "comment_author=Jamie%20Rivers; comment_author_email=jamie%40example.org"},
        {"cookie": "messages=abc"},
        {"query": "replytocom=1"},
        {"if_none_match": '"abc"'},
        {"if_modified_since": "Sun, 29 Nov 2026 10:00:00 GMT"},
    ],
    ids=["session", "remembered commenter", "messages", "query string", "if-none-match", "if-modified-since"],
)
def test_personal_or_conditional_requests_always_reach_django(site, post, headers):
    app, django = site
    get(app, post.get_absolute_url())
    get(app, post.get_absolute_url(), **dict(headers))
    get(app, post.get_absolute_url(), **dict(headers))

    assert django.calls == 3


def test_a_csrf_cookie_alone_does_not_make_the_page_personal(site, post):
    app, django = site
    get(app, post.get_absolute_url())
    reply = get(app, post.get_absolute_url(), cookie="csrftoken=abc")

    assert django.calls == 1
    assert reply.headers["X-Page-Cache"] == "hit"


def test_pages_django_did_not_cache_are_never_stored(site, post, admin_user):
    app, django = site
    for _ in range(2):
        get(app, "/accounts/login/")
        get(app, "/no-such-page/")
        get(app, "/admin/")

    assert django.calls == 6


def test_head_is_answered_with_the_headers_and_no_body(site, post):
    app, django = site
    page = get(app, post.get_absolute_url())
    head = get(app, post.get_absolute_url(), method="HEAD")

    assert django.calls == 1
    assert head.body == b""
    assert head.headers["Content-Length"] == page.headers["Content-Length"]


def test_a_head_request_never_fills_the_store(site, post):
    app, django = site
    get(app, post.get_absolute_url(), method="HEAD")
    get(app, post.get_absolute_url(), method="HEAD")
    page = get(app, post.get_absolute_url())

    assert page.body
    assert "Rituximab" in page.text


def test_an_expired_page_is_asked_of_django_again(site, post, time_machine):
    app, django = site
    time_machine.move_to("2026-11-29 10:00:00+00:00")
    get(app, post.get_absolute_url())
    time_machine.move_to("2026-11-29 12:00:01+00:00")  # past PAGE_CACHE_SECONDS (an hour)

    get(app, post.get_absolute_url())

    assert django.calls == 2


def test_with_the_page_cache_switched_off_every_request_reaches_django(site, post, settings):
    app, django = site
    settings.PAGE_CACHE_ENABLED = False
    get(app, post.get_absolute_url())
    get(app, post.get_absolute_url())

    assert django.calls == 2


def test_the_store_forgets_the_least_recently_read_pages_beyond_its_budget():
    store = pagecache.KeptInMemory(budget=400)
    for name in ("home", "post", "archive", "feed"):
        store.put(name, f"the {name} page", expires=float("inf"), size=90)
    store.get("home")  # read again: now the most recent

    store.put("tag", "the tag page", expires=float("inf"), size=90)

    assert list(store.entries) == ["archive", "feed", "home", "tag"]
    assert store.size == 360
    store.put("huge", "a huge page", expires=float("inf"), size=101)  # over a quarter: not kept
    assert store.get("huge") is None


def test_an_expired_copy_is_forgotten(time_machine):
    store = pagecache.KeptInMemory(budget=400)
    time_machine.move_to("2026-11-29 10:00:00+00:00")
    store.put("home", "the home page", expires=pagecache.time.time() + 60, size=10)
    time_machine.move_to("2026-11-29 10:01:01+00:00")

    assert store.get("home") is None
    assert store.size == 0
