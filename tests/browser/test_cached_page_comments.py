"""Guests comment from a page the full-page cache served, with JavaScript (reply in place) and without it.

The cached page is the same for every reader: no CSRF token, no cookie. The browser still posts the
comment, and the guest then sees their page fresh (their own session now personalises it).
"""

import re

import pytest
from playwright.sync_api import expect

from comments.models import Comment, DiscussionSettings
from tests.factories import CommentFactory, PostFactory

from .offline import offline_avatars

pytestmark = pytest.mark.usefixtures("readers_at_browser_speed", "page_cache")


@pytest.fixture
def post(db):
    DiscussionSettings.load()
    post = PostFactory(title="Rituximab for Secondary Progressive MS?")
    CommentFactory(post=post, author_name="Margaret O'Neill", body="Is there a test for the change?")
    # Grace has an approved comment elsewhere, so hers are published at once.
    CommentFactory(post=PostFactory(), author_name="Grace Hopper", author_email="grace@example.org")
    return post


def open_cached(page, url: str) -> None:
    """Another reader's visit stores the page; this browser then gets the stored copy, with no cookie or token."""
    assert page.request.get(url, headers={"Cookie": ""}).headers.get("x-page-cache") == "miss"
    response = page.goto(url)
    assert response.headers.get("x-page-cache") == "hit"
    assert page.context.cookies() == []
    assert page.locator("input[name=csrfmiddlewaretoken]").count() == 0


def post_reply(page, text: str) -> None:
    form = page.locator("#commentform")
    form.get_by_role("textbox", name="Comment", exact=True).fill(text)
    form.get_by_role("textbox", name="Email", exact=True).fill("grace@example.org")
    form.get_by_role("textbox", name="Name", exact=True).fill("Grace Hopper")
    form.get_by_role("button", name="Post Comment").click()


def test_a_guest_replies_in_place_on_a_cached_page_with_javascript(live_server, page, post):
    open_cached(page, live_server.url + post.get_absolute_url())
    page.get_by_role("link", name="Reply to Margaret O'Neill").click()
    expect(page.locator("li.comment").first.locator("#respond")).to_be_visible()  # moved by comments.js
    post_reply(page, "A reply sent from a cached page, with JavaScript.")
    reply = Comment.objects.get(body="A reply sent from a cached page, with JavaScript.")
    assert reply.parent.author_name == "Margaret O'Neill"
    expect(page).to_have_url(re.compile(rf"#comment-{reply.pk}$"))
    expect(page.locator(f"li#comment-{reply.pk}")).to_contain_text("Grace Hopper says:")


def test_a_guest_comments_on_a_cached_page_without_javascript(live_server, browser, post):
    context = browser.new_context(java_script_enabled=False)
    offline_avatars(context)
    page = context.new_page()
    try:
        open_cached(page, live_server.url + post.get_absolute_url())
        post_reply(page, "A comment sent from a cached page, without JavaScript.")
        comment = Comment.objects.get(body="A comment sent from a cached page, without JavaScript.")
        assert comment.parent is None
        expect(page).to_have_url(re.compile(rf"#comment-{comment.pk}$"))
        expect(page.locator(f"li#comment-{comment.pk}")).to_contain_text("A comment sent from a cached page")
    finally:
        context.close()
