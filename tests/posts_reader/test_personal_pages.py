"""Signed-in and remembered readers get the cached page too, with only the comment form made theirs.

A popular post is cached whole for everyone; a reader with a cookie used to cost a full render. Now their
page is the cached one with the reply form rendered for them (posts/pagecache.py's holes, filled by
comments/reply_form.py). Each story checks that what they get is exactly the page a full render would give
them, and that whenever their page differs elsewhere (their own comment awaiting moderation or still
editable, a message to show) they get the full render.
"""

import gzip
import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import Client

from comments.models import Comment, DiscussionSettings
from comments.reply_form import kept_forms
from tests.comments.helpers import configure, post_comment
from tests.factories import CommentFactory, PageFactory, PostFactory, UserFactory

from .page_cache_helpers import read

# Flood control lives in the default cache: every story starts with a quiet one.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_default_cache")]

REMEMBERED = {"comment_author": "Jamie%20Rivers", "comment_author_email": "jamie.rivers%40example.com"}


@pytest.fixture
def reader(db):
    """A reader with an account (made before the page is cached: a new account changes author lists)."""
    return UserFactory(username="gina", first_name="Gina", last_name="Patel")


def cache_again(post):
    assert read(Client(), post.get_absolute_url()).get("X-Page-Cache") == "miss"


@pytest.fixture
def cached(client, page_cache, post, reader):
    """The post's page in the cache, as after any anonymous reader's visit."""
    kept_forms.clear()
    assert read(Client(), post.get_absolute_url()).get("X-Page-Cache") == "miss"
    return post


def without_tokens(html: str) -> str:
    """The page with its per-request values (CSRF token, signed form timestamp) blanked."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value=""', html)
    return re.sub(r'name="timestamp" value="[^"]+"', 'name="timestamp" value=""', html)


def full_render(client, url, settings, **headers) -> str:
    settings.PAGE_CACHE_ENABLED = False
    try:
        response = client.get(url, headers=headers)
        assert response.get("X-Page-Cache") is None
        return response.content.decode()
    finally:
        settings.PAGE_CACHE_ENABLED = True


def remembered_client() -> Client:
    client = Client()
    for name, value in REMEMBERED.items():
        client.cookies[name] = value
    return client


def test_a_signed_in_reader_gets_the_cached_page_with_their_own_form(cached, reader, settings):
    client = Client()
    client.force_login(reader)

    response = client.get(cached.get_absolute_url())

    assert response.get("X-Page-Cache") == "personal"
    html = response.content.decode()
    assert "You are commenting as Gina Patel." in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'name="email"' not in html
    assert "Is there a test for the change?" in html
    assert without_tokens(html) == without_tokens(full_render(client, cached.get_absolute_url(), settings))


def test_a_remembered_commenter_finds_their_details_filled_in(cached, settings):
    client = remembered_client()

    response = client.get(cached.get_absolute_url())

    assert response.get("X-Page-Cache") == "personal"
    html = response.content.decode()
    assert 'value="Jamie Rivers"' in html
    assert 'value="jamie.rivers@example.com"' in html
    assert re.search(r'<input type="checkbox" name="save_details"[^>]*checked', html)
    assert without_tokens(html) == without_tokens(full_render(client, cached.get_absolute_url(), settings))


def test_the_gzipped_personal_page_is_the_same_page(cached, settings):
    client = remembered_client()

    response = client.get(cached.get_absolute_url(), headers={"accept-encoding": "gzip, deflate, br"})

    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    html = gzip.decompress(response.content).decode()
    assert without_tokens(html) == without_tokens(full_render(client, cached.get_absolute_url(), settings))


def test_one_readers_details_never_reach_another(cached, reader):
    first, second = Client(), Client()
    first.cookies["comment_author"] = "Jamie%20Rivers"
    second.cookies["comment_author"] = "Priya%20Shah"
    signed_in = Client()
    signed_in.force_login(reader)

    pages = [client.get(cached.get_absolute_url()).content.decode() for client in (first, second, signed_in, first)]

    assert 'value="Jamie Rivers"' in pages[0]
    assert "Priya" not in pages[0]
    assert 'value="Priya Shah"' in pages[1]
    assert "Jamie" not in pages[1]
    assert "Gina Patel" in pages[2]
    assert "Jamie" not in pages[2]
    assert "Priya" not in pages[2]
    assert pages[3].count("Jamie Rivers") == pages[0].count("Jamie Rivers")
    anonymous = read(Client(), cached.get_absolute_url()).content.decode()
    assert "Jamie" not in anonymous
    assert "Gina" not in anonymous


def test_every_request_gets_a_fresh_csrf_token_and_timestamp_that_post_a_comment(cached, reader):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    client.get(cached.get_absolute_url())  # the form rendered once and kept
    html = client.get(cached.get_absolute_url()).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
    timestamp = re.search(r'name="timestamp" value="([^"]+)"', html)[1]
    assert "csrf" not in token.lower()
    assert "timestamp" not in timestamp

    response = post_comment(client, cached, comment="Posted from a cached page.", csrfmiddlewaretoken=token)

    assert response.status_code == 302
    assert Comment.objects.filter(body="Posted from a cached page.", user=reader).exists()


def test_a_reader_whose_comment_awaits_moderation_gets_the_full_page_with_it(cached):
    configure(require_manual_approval=True)
    client = Client()
    post_comment(client, cached, comment="Mine, awaiting moderation.", name="Jamie Rivers", save_details="on")
    cache_again(cached)

    response = client.get(cached.get_absolute_url())

    assert response.get("X-Page-Cache") != "personal"
    assert "Mine, awaiting moderation." in response.content.decode()
    assert "Your comment is awaiting moderation." in response.content.decode()


def test_a_signed_in_reader_sees_their_held_comment_from_another_device(cached, reader):
    CommentFactory(post=cached, user=reader, status=Comment.Status.PENDING, body="Written on my phone.")
    cache_again(cached)
    client = Client()
    client.force_login(reader)

    html = client.get(cached.get_absolute_url()).content.decode()

    assert "Written on my phone." in html


def test_a_reader_still_inside_the_edit_window_gets_edit_links(cached):
    client = Client()
    post_comment(client, cached, comment="Just posted, may still edit.")
    cache_again(cached)

    response = client.get(cached.get_absolute_url())

    assert response.get("X-Page-Cache") != "personal"
    assert 'class="comment-edit-link"' in response.content.decode()


def test_an_old_comment_of_the_reader_no_longer_needs_a_full_render(cached, reader, time_machine):
    time_machine.move_to("2026-01-01 10:00:00+00:00")
    CommentFactory(post=cached, user=reader, body="From last January.")
    time_machine.move_to("2026-11-29 10:00:00+00:00")
    cache_again(cached)
    client = Client()
    client.force_login(reader)

    response = client.get(cached.get_absolute_url())

    assert response.get("X-Page-Cache") == "personal"
    assert "From last January." in response.content.decode()


def test_a_reader_with_a_message_to_read_gets_the_full_page_with_it(cached, rf):
    client = remembered_client()
    request = rf.get("/")
    storage = CookieStorage(request)
    storage.add(constants.SUCCESS, "Thanks: you are now subscribed.")
    response_with_cookie = Client().get("/")  # any response to carry the cookie
    storage.update(response_with_cookie)
    client.cookies["messages"] = response_with_cookie.cookies["messages"].value

    response = client.get(cached.get_absolute_url())

    assert response.get("X-Page-Cache") != "personal"
    assert "Thanks: you are now subscribed." in response.content.decode()


def test_without_a_cached_page_the_reader_gets_a_full_render(client, page_cache, post):
    response = remembered_client().get(post.get_absolute_url())

    assert response.get("X-Page-Cache") != "personal"
    assert 'value="Jamie Rivers"' in response.content.decode()


def test_a_change_to_the_discussion_is_in_the_very_next_personal_page(cached):
    client = remembered_client()
    client.get(cached.get_absolute_url())
    cached.comments_open = False
    cached.save()
    cache_again(cached)

    html = client.get(cached.get_absolute_url()).content.decode()

    assert "Comments are closed." in html
    assert 'id="commentform"' not in html


@pytest.mark.parametrize("who", ["anonymous", "remembered", "signed in", "query string"])
def test_no_page_ever_shows_the_markers_of_its_personal_parts(cached, reader, who):
    client = remembered_client() if who == "remembered" else Client()
    if who == "signed in":
        client.force_login(reader)
    suffix = "?replytocom=1" if who == "query string" else ""
    for _ in range(2):
        html = client.get(cached.get_absolute_url() + suffix).content.decode()
        assert "<!--hole-" not in html
        assert "<!--/hole-" not in html


def test_a_signed_in_readers_cached_page_costs_only_their_session_and_account(
    cached, reader, django_assert_num_queries
):
    client = Client()
    client.force_login(reader)
    client.get(cached.get_absolute_url())  # their form kept; "no comment of theirs here" remembered

    # The session, the account, and which social account they signed in with: nothing about the page.
    with django_assert_num_queries(3):
        response = client.get(cached.get_absolute_url())

    assert response.get("X-Page-Cache") == "personal"


def test_a_comment_of_theirs_held_after_their_last_visit_shows_on_the_next(cached, reader):
    client = Client()
    client.force_login(reader)
    assert client.get(cached.get_absolute_url()).get("X-Page-Cache") == "personal"

    CommentFactory(post=cached, user=reader, status=Comment.Status.PENDING, body="Sent from my phone just now.")
    cache_again(cached)
    html = client.get(cached.get_absolute_url()).content.decode()

    assert "Sent from my phone just now." in html
    assert "Your comment is awaiting moderation." in html


def test_a_static_page_with_comments_is_made_personal_too(page_cache, reader, settings):
    DiscussionSettings.load()
    about = PageFactory(title="About this blog", comments_open=True)
    CommentFactory(page=about, author_name="Margaret O'Neill", body="Thank you for writing this.")
    cache_again(about)
    client = remembered_client()

    response = client.get(about.get_absolute_url())

    assert response.get("X-Page-Cache") == "personal"
    html = response.content.decode()
    assert 'value="Jamie Rivers"' in html
    assert without_tokens(html) == without_tokens(full_render(client, about.get_absolute_url(), settings))


def test_a_later_comment_page_of_a_long_discussion_is_made_personal_too(page_cache, reader, settings):
    configure(comments_per_page=2)
    post = PostFactory(title="Fatigue and heat")
    for number in range(5):
        CommentFactory(post=post, body=f"Top-level comment number {number}.")
    second_page = f"{post.get_absolute_url()}comment-page-2/"
    assert read(Client(), second_page).get("X-Page-Cache") == "miss"
    client = Client()
    client.force_login(reader)

    response = client.get(second_page)

    assert response.get("X-Page-Cache") == "personal"
    assert without_tokens(response.content.decode()) == without_tokens(full_render(client, second_page, settings))
