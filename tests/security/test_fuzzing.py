"""Whatever a visitor types or sends, the answer is never a 5xx: property-based fuzzing with hypothesis.

The test client re-raises any exception a view lets escape, so an example that would have been a 500 fails
the test with its traceback (hypothesis then shrinks it to the smallest input). Examples are bounded and
derandomised in CI (the "ci" profile in tests/security/conftest.py).
"""

import io
from urllib.parse import quote, urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from tests.comments.helpers import signed_timestamp
from tests.factories import PostFactory
from tests.wordpress.conftest import comment as wxr_comment
from tests.wordpress.conftest import document as wxr_document
from tests.wordpress.conftest import item as wxr_item

# Any text, including NUL, control characters, lone surrogates' neighbours, RTL marks and very long runs.
anything = st.text(st.characters(codec="utf-8"), max_size=300)
numberish = st.one_of(anything, st.integers().map(str), st.just(""), st.just("0"), st.just("-1"), st.just("9" * 30))


def assert_no_server_error(response) -> None:
    assert response.status_code < 500, response.status_code


@pytest.fixture
def post(db):
    return PostFactory(slug="fuzzed", title="Fuzzed post")


@given(
    body=anything,
    name=anything,
    email=anything,
    url=anything,
    parent=numberish,
    timestamp=st.one_of(anything, st.just("valid")),
    honeypot=st.one_of(st.just(""), anything),
    extra=st.dictionaries(st.sampled_from(["notify_comments", "notify_posts", "comment_post_ID", "page"]), anything),
)
def test_comment_form_never_answers_a_server_error(
    client, settings, post, body, name, email, url, parent, timestamp, honeypot, extra
):
    settings.COMMENTS_FLOOD_SECONDS = 0
    data = {"comment": body, "name": name, "email": email, "url": url, "parent": parent, "homepage": honeypot}
    data["timestamp"] = signed_timestamp(post) if timestamp == "valid" else timestamp
    data.update(extra)
    # Form data cannot carry NUL through a real browser either, but a script can send it.
    assert_no_server_error(client.post(reverse("comments:post", args=[post.pk]), data))


@given(terms=anything, page=numberish, extra=st.dictionaries(anything, anything, max_size=3))
def test_search_never_answers_a_server_error(client, post, terms, page, extra):
    query = urlencode({"s": terms, "paged": page, **extra})
    assert_no_server_error(client.get("/?" + query))
    assert_no_server_error(client.get("/page/2/?" + urlencode({"s": terms})))


@given(
    year=numberish,
    month=numberish,
    day=numberish,
    slug=anything,
    page=numberish,
    tail=st.sampled_from(["", "page/{page}/", "feed/", "comment-page-{page}/", "amp/", "{slug}/"]),
)
def test_archive_and_permalink_addresses_never_answer_a_server_error(client, post, year, month, day, slug, page, tail):
    segments = [quote(part, safe="") or "x" for part in (year, month, day, slug)]
    rest = tail.format(page=quote(page, safe=""), slug=segments[3])
    for path in (
        f"/{segments[0]}/",
        f"/{segments[0]}/{segments[1]}/",
        f"/{segments[0]}/{segments[1]}/{segments[2]}/{rest}",
        f"/{segments[0]}/{segments[1]}/{segments[2]}/{segments[3]}/{rest}",
        f"/2024/05/01/{segments[3]}/{rest}",
        f"/category/{segments[3]}/{rest}",
        f"/tag/{segments[3]}/{rest}",
        f"/author/{segments[3]}/{rest}",
    ):
        assert_no_server_error(client.get(path))


@given(
    query=st.lists(st.tuples(anything, anything), max_size=5),
    feed=st.sampled_from(["/feed/", "/feed/atom/", "/comments/feed/", "/fuzzed-feed/"]),
)
def test_feeds_never_answer_a_server_error_whatever_the_query_string(client, post, query, feed):
    path = post.get_absolute_url() + "feed/" if feed == "/fuzzed-feed/" else feed
    assert_no_server_error(client.get(path + "?" + urlencode(query)))
    assert_no_server_error(client.get(path + "?" + "&".join(quote(key) for key, _ in query)))


wxr_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=80)
wxr_dates = st.one_of(wxr_text, st.sampled_from(["0000-00-00 00:00:00", "2024-02-30 10:00:00", "2024-05-01 10:00:00"]))


@st.composite
def wxr_files(draw) -> bytes:
    """A WordPress export shaped like the real thing, with hostile values in its fields; or raw bytes."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=400))
    comments = tuple(
        wxr_comment(
            number,
            parent=draw(st.integers(-2, 5)),
            approved=draw(st.sampled_from(["1", "0", "spam", "trash", ""]) | wxr_text),
            content=draw(wxr_text),
            author=draw(wxr_text),
            email=draw(wxr_text),
            date_gmt=draw(wxr_dates),
            comment_type=draw(st.sampled_from(["", "pingback", "trackback"]) | wxr_text),
        )
        for number in range(1, draw(st.integers(0, 3)) + 1)
    )
    items = tuple(
        wxr_item(
            draw(st.integers(-1, 10**12)),
            draw(wxr_text),
            post_type=draw(st.sampled_from(["post", "page", "attachment", "nav_menu_item"]) | wxr_text),
            status=draw(st.sampled_from(["publish", "draft", "private", "future", "trash"]) | wxr_text),
            date_gmt=draw(wxr_dates),
            slug=draw(wxr_text),
            content=draw(wxr_text),
            excerpt=draw(wxr_text),
            creator=draw(st.sampled_from(["alice", "nobody"]) | wxr_text),
            parent=draw(st.integers(-1, 5)),
            terms=tuple(
                (draw(st.sampled_from(["category", "post_tag"]) | wxr_text), draw(wxr_text), draw(wxr_text))
                for _ in range(draw(st.integers(0, 2)))
            ),
            comments=comments,
        )
        for _ in range(draw(st.integers(0, 2)))
    )
    xml = wxr_document(*items)
    if draw(st.booleans()):
        cut = draw(st.integers(0, len(xml)))
        xml = xml[:cut]  # a truncated upload
    return xml.encode("utf-8", "surrogatepass")


@given(content=wxr_files())
def test_wordpress_import_in_the_admin_never_answers_a_server_error(admin_client, content):
    upload = SimpleUploadedFile("export.xml", content, content_type="text/xml")
    response = admin_client.post(reverse("admin:wordpress_importrun_add"), {"file": upload})
    assert_no_server_error(response)


def test_the_wxr_strategy_makes_importable_files():
    """The fuzzer is worth something only if valid exports are among its examples."""
    sample = wxr_document(wxr_item(1, "Hello", comments=(wxr_comment(1),)))
    assert io.BytesIO(sample.encode()).read().startswith(b"<?xml")
