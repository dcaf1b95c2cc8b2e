"""Readers find their way: an editor decides what the site menu shows and in which order; a reader follows the
blog by email from the footer; related posts and the footer's lists lead to more reading.

Also takes the README screenshots (docs/screenshots/ under `make screenshots`) footer.png and related-posts.png.
"""

import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from accounts import roles
from comments.models import Subscription
from posts.models import Post
from tests.factories import PageFactory, UserFactory

from .test_accessibility import sign_in

RITUXIMAB_TITLE = "Rituximab for Secondary Progressive MS?"

pytestmark = pytest.mark.usefixtures("readers_at_browser_speed")


def menu_links(page) -> list[str]:
    return page.get_by_role("navigation", name="Site").get_by_role("link").all_inner_texts()


def test_an_editor_chooses_the_menu_and_its_order(live_server, page, context, db):
    about = PageFactory(title="About", slug="about", order=1)
    PageFactory(title="Disclaimer", slug="disclaimer", order=2)
    PageFactory(title="Sample Page", slug="sample-page", order=3, show_in_navigation=False)
    editor = UserFactory(username="eddie")
    roles.assign_role(editor, roles.EDITOR)
    sign_in(context, live_server, editor)

    page.goto(live_server.url + "/")
    assert menu_links(page) == ["Home", "About", "Disclaimer"]

    page.goto(live_server.url + "/admin/posts/page/")
    row = page.locator("#result_list tr", has_text="Sample Page")
    row.locator("input[name$='-show_in_navigation']").check()
    row.locator("input[name$='-order']").fill("0")
    page.locator("#result_list tr", has_text="Disclaimer").locator("input[name$='-show_in_navigation']").uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messagelist")).to_contain_text("were changed successfully")

    page.goto(live_server.url + "/")
    assert menu_links(page) == ["Home", "Sample Page", "About"]
    expect(page.get_by_role("navigation", name="Site").get_by_role("link", name="About")).to_have_attribute(
        "href", about.get_absolute_url()
    )


def test_a_reader_follows_the_blog_by_email_from_the_footer(live_server, page, db, screenshot):
    call_command("load_demo", stdout=io.StringIO())
    page.goto(live_server.url + "/")
    footer = page.get_by_role("contentinfo")
    expect(footer.get_by_role("heading", name="Recent posts")).to_be_visible()
    expect(footer.get_by_role("link", name=RITUXIMAB_TITLE)).to_be_visible()
    expect(footer.get_by_role("heading", name="Categories")).to_be_visible()
    expect(footer.get_by_role("link", name="Treatment")).to_be_visible()
    expect(footer.get_by_role("heading", name="Archives")).to_be_visible()
    footer.scroll_into_view_if_needed()
    screenshot(page, "footer", full_page=False)

    footer.get_by_role("textbox", name="Email address").fill("reader@example.org")
    footer.get_by_role("button", name="Follow").click()

    expect(page.get_by_role("heading", level=1, name="Check your inbox")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("We sent a confirmation link to reader@example.org.")
    assert Subscription.objects.get(email="reader@example.org", kind=Subscription.Kind.POSTS).confirmed_at is None
    confirm = re.search(r"https?://\S+/comments/subscription/confirm/\S+/", mail.outbox[-1].body).group(0)
    page.goto(live_server.url + "/" + confirm.split("/", 3)[3])
    page.get_by_role("main").get_by_role("button").first.click()
    expect(page.get_by_role("status")).to_be_visible()
    assert Subscription.objects.get(email="reader@example.org").confirmed_at is not None


def test_related_posts_lead_from_one_post_to_the_next(live_server, page, db, screenshot):
    call_command("load_demo", stdout=io.StringIO())
    post = Post.objects.get(title=RITUXIMAB_TITLE)
    page.goto(live_server.url + post.get_absolute_url())

    related = page.get_by_role("region", name="Related posts")
    expect(related).to_be_visible()
    first = related.get_by_role("link").first
    title = first.inner_text()
    related.scroll_into_view_if_needed()
    screenshot(page, "related-posts", full_page=False)
    first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
