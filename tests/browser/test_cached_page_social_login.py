"""A reader on a page the full-page cache served (no CSRF token in it) still logs in from the comment form.

With JavaScript the provider icons fetch this reader's token before they post to the provider's login;
without it they stay hidden and a link leads to the sign-in page, whose forms carry a token.
"""

from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from comments.models import DiscussionSettings
from tests.factories import PostFactory
from tests.fakes.oauth_server import BRANDS, from_django_settings

pytestmark = pytest.mark.usefixtures("page_cache")


@pytest.fixture(scope="module")
def oauth_server():
    with from_django_settings() as server:
        yield server


@pytest.fixture
def post(db, settings):
    settings.COMMENTS_MIN_FORM_SECONDS = 0
    cache.clear()
    DiscussionSettings.load()
    return PostFactory(title="Vitamin D and relapses")


def open_cached(page, url: str) -> None:
    """Another reader's visit stores the page; this browser then gets the stored copy, with no cookie or token."""
    assert page.request.get(url, headers={"Cookie": ""}).headers.get("x-page-cache") == "miss"
    response = page.goto(url)
    assert response.headers.get("x-page-cache") == "hit"
    assert page.context.cookies() == []
    assert page.locator("input[name=csrfmiddlewaretoken]").count() == 0


def test_a_reader_logs_in_from_a_cached_page_with_javascript(live_server, page, oauth_server, post):
    url = live_server.url + post.get_absolute_url()
    assert urlsplit(url).hostname == "localhost"
    open_cached(page, url)
    page.locator("#respond").get_by_role("button", name=f"Log in with {BRANDS['google']}").click()
    expect(page.get_by_role("heading", name=f"Log in to {BRANDS['google']}")).to_be_visible()
    page.get_by_role("button", name="Allow").click()
    expect(page.get_by_text("You are commenting using your Google account.")).to_be_visible()


def test_without_javascript_the_icons_give_way_to_a_sign_in_link(live_server, browser, oauth_server, post):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        open_cached(page, live_server.url + post.get_absolute_url())
        expect(page.locator("#respond").get_by_role("button", name="Log in with Google")).to_be_hidden()
        page.get_by_role("link", name="Log in with a social account").click()
        page.get_by_role("button", name="Log in with Google").click()
        expect(page.get_by_role("heading", name="Log in to Google")).to_be_visible()
    finally:
        context.close()
