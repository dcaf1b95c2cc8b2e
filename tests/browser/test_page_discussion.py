"""A reader discusses a static page in a real browser: comment, then reply in place, as under a post."""

import re

import pytest
from playwright.sync_api import expect

from comments.models import Comment
from tests.browser.test_comments import comment_item, fill_comment
from tests.factories import CommentFactory, PageFactory, PostFactory, UserFactory

TITLE = "About this blog"


pytestmark = pytest.mark.usefixtures("readers_at_browser_speed")


def test_guest_comments_on_a_page_then_replies_in_place(live_server, page, db):
    author = UserFactory(username="mira", first_name="Mira", last_name="Okafor")
    about = PageFactory(title=TITLE, slug="about", author=author, comments_open=True)
    PageFactory(title="Disclaimer", slug="disclaimer")  # comments off: no discussion at all
    CommentFactory(post=PostFactory(), author_name="Ada Lovelace", author_email="ada@example.org")

    page.goto(live_server.url + "/disclaimer/")
    expect(page.get_by_role("heading", name="Disclaimer")).to_be_visible()
    expect(page.get_by_text("Leave a Reply")).to_have_count(0)

    page.goto(live_server.url + about.get_absolute_url())
    expect(page.get_by_role("heading", name=f"No thoughts yet on “{TITLE}”")).to_be_visible()
    fill_comment(page, "Who are the neurologists behind this blog?", name="Ada Lovelace", email="ada@example.org")

    question = Comment.objects.get(page=about)
    expect(page).to_have_url(re.compile(rf"/about/#comment-{question.pk}$"))
    expect(page.get_by_role("heading", name=f"One thought on “{TITLE}”")).to_be_visible()

    comment_item(page, "Who are the neurologists").get_by_role("link", name="Reply to Ada Lovelace").click()
    expect(page.locator(f"li#comment-{question.pk} #respond")).to_be_visible()
    fill_comment(page, "Two of them, named on this page.", name="Ada Lovelace", email="ada@example.org")

    reply = Comment.objects.get(page=about, parent=question)
    expect(page).to_have_url(re.compile(rf"/about/#comment-{reply.pk}$"))
    expect(page.locator(f"li#comment-{question.pk} ol.children li#comment-{reply.pk}")).to_contain_text(
        "Two of them, named on this page."
    )
    expect(page.get_by_role("heading", name=f"2 thoughts on “{TITLE}”")).to_be_visible()
