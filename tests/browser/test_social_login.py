"""Readers comment under an account they already have, in a real browser, for each of the four providers.

The providers are played by the fake authorization server of tests/fakes on 127.0.0.1, while the site
is served on localhost: cookies are not separated by port, so the two must not share a host name.
allauth's real views, state, PKCE and HTTP calls run unchanged; only the provider is fake.

Also takes the README screenshots of the comment form signed out and signed in (`make screenshots`).
"""

import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.cache import cache
from playwright.sync_api import expect

from comments.models import Comment
from tests.browser.waiting import wait_until_images_loaded
from tests.factories import PostFactory
from tests.fakes.oauth_server import BRANDS, from_django_settings

DRAFT = "Vitamin D helped me too, though my neurologist says the trials disagree."
PROVIDERS = list(BRANDS)


@pytest.fixture(scope="session")
def oauth_server():
    """The four providers, at the address the test settings point allauth to (settings.FAKE_OAUTH_SERVER)."""
    with from_django_settings() as server:
        yield server


@pytest.fixture(autouse=True)
def _one_reader_per_test(settings):
    """Each test is a new reader: the flood control and login rate limits (kept in the cache, per IP) start
    afresh, and the form's "too quick" check allows a test that types faster than people do."""
    settings.COMMENTS_MIN_FORM_SECONDS = 0
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def post(db):
    return PostFactory(title="Vitamin D and relapses", body="What the trials say about vitamin D in MS.")


def post_url(live_server, post) -> str:
    assert urlsplit(live_server.url).hostname == "localhost", "the site and the fake provider must not share a host"
    return live_server.url + post.get_absolute_url()


def comment_form(page):
    return page.locator("#respond")


def log_in_at_provider(page, oauth_server, provider_id: str) -> None:
    """Click the provider's icon in the comment form and allow the site on the provider's consent page."""
    brand = BRANDS[provider_id]
    comment_form(page).get_by_role("button", name=f"Log in with {brand}").click()
    expect(page.get_by_role("heading", name=f"Log in to {brand}")).to_be_visible()
    assert urlsplit(page.url).netloc == urlsplit(oauth_server.base_url).netloc
    page.get_by_role("button", name="Allow").click()


@pytest.mark.parametrize("provider_id", PROVIDERS)
def test_reader_logs_in_from_the_comment_form_keeps_the_draft_and_comments_under_the_provider_name(
    live_server, page, oauth_server, post, provider_id
):
    brand = BRANDS[provider_id]
    name = oauth_server.identities[provider_id].name
    page.goto(post_url(live_server, post))
    form = comment_form(page)
    expect(form.get_by_text("Fill in your details below or click an icon to log in:")).to_be_visible()
    form.get_by_role("textbox", name="Comment", exact=True).fill(DRAFT)

    log_in_at_provider(page, oauth_server, provider_id)

    expect(page).to_have_url(post_url(live_server, post) + "#respond")
    expect(form.get_by_text(f"You are commenting using your {brand} account.")).to_be_visible()
    expect(form.get_by_text(name)).to_be_visible()
    expect(form.get_by_role("textbox", name="Comment", exact=True)).to_have_value(DRAFT)
    expect(form.get_by_role("textbox", name="Email", exact=True)).to_have_count(0)
    expect(form.get_by_role("textbox", name="Name", exact=True)).to_have_count(0)
    expect(form.get_by_role("button", name=re.compile(r"^Log in with"))).to_have_count(0)

    form.get_by_role("button", name="Post Comment").click()

    # A reader's first comment waits for a moderator (the same rule as for guests); its author sees it.
    comment = page.locator("li.comment", has_text=DRAFT)
    expect(comment.locator(".comment-author")).to_have_text(re.compile(rf"^\s*{re.escape(name)}\s+says:\s*$"))
    expect(comment.get_by_text("Your comment is awaiting moderation.")).to_be_visible()
    # The provider's picture is kept with the comment, but shown only if an administrator turns remote avatars
    # on: by default the page shows initials drawn by this site.
    expect(comment.locator(".comment-author img.avatar")).to_have_attribute(
        "src", re.compile(r"^/avatars/\w+/\d+\.svg$")
    )
    assert Comment.objects.get(body=DRAFT).author_avatar_url == oauth_server.avatar_url(provider_id)
    profile_url = oauth_server.profile_url(provider_id)
    if profile_url:
        expect(comment.get_by_role("link", name=name)).to_have_attribute("href", profile_url)
    else:
        expect(comment.get_by_role("link", name=name)).to_have_count(0)
    # Still signed in, with an empty box for the next comment.
    expect(form.get_by_text(f"You are commenting using your {brand} account.")).to_be_visible()
    expect(form.get_by_role("textbox", name="Comment", exact=True)).to_have_value("")


def test_reader_logs_out_from_the_comment_form_and_is_back_on_the_post_signed_out(
    live_server, page, oauth_server, post
):
    page.goto(post_url(live_server, post))
    log_in_at_provider(page, oauth_server, "google")
    form = comment_form(page)
    expect(form.get_by_text("You are commenting using your Google account.")).to_be_visible()

    form.get_by_role("button", name="Log Out").click()

    expect(page).to_have_url(re.compile(re.escape(post_url(live_server, post)) + r"(#respond)?$"))
    expect(form.get_by_text("Fill in your details below or click an icon to log in:")).to_be_visible()
    expect(form.get_by_text("You are commenting using your Google account.")).to_have_count(0)
    expect(form.get_by_role("textbox", name="Email", exact=True)).to_be_visible()
    expect(form.get_by_role("textbox", name="Name", exact=True)).to_be_visible()


def test_reader_changes_to_another_provider_and_comments_under_that_account(live_server, page, oauth_server, post):
    page.goto(post_url(live_server, post))
    log_in_at_provider(page, oauth_server, "google")
    form = comment_form(page)
    expect(form.get_by_text("You are commenting using your Google account.")).to_be_visible()

    form.get_by_role("link", name="Change").click()
    page.get_by_role("button", name="Log in with Facebook").click()
    expect(page.get_by_role("heading", name="Log in to Facebook")).to_be_visible()
    page.get_by_role("button", name="Allow").click()

    expect(page).to_have_url(post_url(live_server, post) + "#respond")
    expect(form.get_by_text("You are commenting using your Facebook account.")).to_be_visible()
    expect(form.get_by_text("Fiona Book")).to_be_visible()


def test_reader_who_cancels_at_the_provider_gets_back_to_the_post_signed_out(live_server, page, oauth_server, post):
    page.goto(post_url(live_server, post))
    comment_form(page).get_by_role("button", name="Log in with X").click()
    expect(page.get_by_role("heading", name="Log in to X")).to_be_visible()

    page.get_by_role("button", name="Cancel").click()

    expect(page.get_by_text("You are commenting using your X account.")).to_have_count(0)
    page.get_by_role("link", name=re.compile("back to the post", re.IGNORECASE)).click()
    expect(page).to_have_url(re.compile(re.escape(post_url(live_server, post))))
    expect(comment_form(page).get_by_text("Fill in your details below or click an icon to log in:")).to_be_visible()


def test_screenshots_of_the_comment_form_signed_out_and_signed_in(live_server, page, oauth_server, post, screenshot):
    page.goto(post_url(live_server, post))
    form = comment_form(page)
    for brand in BRANDS.values():
        expect(form.get_by_role("button", name=f"Log in with {brand}")).to_be_visible()
    form.get_by_role("textbox", name="Comment", exact=True).fill(DRAFT)
    frame_comment_form(page)
    screenshot(page, "comment-form-signed-out", full_page=False)

    log_in_at_provider(page, oauth_server, "google")

    expect(form.get_by_text("You are commenting using your Google account.")).to_be_visible()
    expect(form.get_by_role("textbox", name="Comment", exact=True)).to_have_value(DRAFT)
    frame_comment_form(page)
    screenshot(page, "comment-form-signed-in", full_page=False)


def frame_comment_form(page) -> None:
    """Scroll the discussion's heading and comment form into the window, once every image (icons, avatar) has loaded."""
    wait_until_images_loaded(page)
    comment_form(page).get_by_role("textbox", name="Comment", exact=True).blur()
    comment_form(page).evaluate("form => window.scrollTo(0, form.getBoundingClientRect().top + window.scrollY - 96)")


def test_the_fake_provider_is_where_the_test_settings_send_allauth(oauth_server):
    assert oauth_server.base_url == settings.FAKE_OAUTH_SERVER
    assert urlsplit(oauth_server.base_url).hostname == "127.0.0.1"
