"""The comment form for readers with low vision or tremor: a focus ring and form borders that stand out (3:1 at
the least), tick boxes big enough to hit, a refused comment summarised where the focus lands, and the outcome of
posting announced as a status.

Also takes the README screenshots (docs/screenshots/ under `make screenshots`) comment-error-summary.png and comment-form-guest-only.png.
"""

import re

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from mssite.settings.social import CREDENTIAL_VARIABLES
from tests.accounts.test_comment_form import providers_without
from tests.comments.helpers import configure
from tests.factories import CommentFactory, PostFactory, UserFactory

pytestmark = pytest.mark.usefixtures("readers_at_browser_speed")

CONTRAST = """(element) => {
  const rgb = (text) => text.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const luminance = ([r, g, b]) => {
    const [R, G, B] = [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * R + 0.7152 * G + 0.0722 * B;
  };
  const background = (node) => {
    for (; node; node = node.parentElement) {
      const colour = getComputedStyle(node).backgroundColor;
      if (colour && !colour.endsWith(", 0)") && colour !== "transparent") return rgb(colour);
    }
    return [255, 255, 255];
  };
  const ratio = (a, b) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const style = getComputedStyle(element);
  const behind = background(element.parentElement);
  return {
    outline: style.outlineStyle === "none" ? 0 : ratio(rgb(style.outlineColor), behind),
    outlineWidth: parseFloat(style.outlineWidth),
    border: ratio(rgb(style.borderTopColor), behind),
  };
}"""


@pytest.fixture
def post(db):
    return PostFactory(title="Vitamin D and relapses")


def test_focus_ring_and_form_borders_stand_out_at_three_to_one(live_server, page, post):
    page.goto(live_server.url + post.get_absolute_url())
    form = page.locator("#commentform")
    for name in ("Comment", "Email", "Name", "Website"):
        box = form.get_by_role("textbox", name=name, exact=True)
        assert box.evaluate(CONTRAST)["border"] >= 3, name

    form.get_by_role("textbox", name="Website", exact=True).focus()
    for _ in range(4):  # the tick boxes, then the button, each shows the ring when reached with Tab
        page.keyboard.press("Tab")
        focused = page.locator(":focus")
        measured = focused.evaluate(CONTRAST)
        assert measured["outline"] >= 3, (focused.get_attribute("id"), measured)
        assert measured["outlineWidth"] >= 2


def test_tick_boxes_and_buttons_are_at_least_24_pixels(live_server, page, post):
    page.goto(live_server.url + post.get_absolute_url())
    for target in page.locator("#commentform input[type=checkbox], #commentform button, .search-form button").all():
        box = target.bounding_box()
        assert box["width"] >= 24, target.get_attribute("id")
        assert box["height"] >= 24, target.get_attribute("id")


def test_a_refused_comment_puts_the_focus_on_a_summary_that_leads_to_each_field(live_server, page, post, screenshot):
    page.goto(live_server.url + post.get_absolute_url())
    form = page.locator("#commentform")
    form.get_by_role("textbox", name="Comment", exact=True).fill("Does vitamin D lower the relapse rate?")
    form.get_by_role("textbox", name="Email", exact=True).fill("not-an-address")
    page.locator("#commentform").evaluate("f => { f.noValidate = true; }")
    form.get_by_role("button", name="Post Comment").click()

    summary = page.locator("#comment-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Your comment was not posted: please check these fields.")
    screenshot(page, "comment-error-summary", full_page=False)
    summary.get_by_role("link", name=re.compile(r"^Email:")).click()
    expect(page.get_by_role("textbox", name="Email", exact=True)).to_be_focused()
    summary.get_by_role("link", name=re.compile(r"^Name:")).click()
    expect(page.get_by_role("textbox", name="Name", exact=True)).to_be_focused()
    # Everything typed is still there.
    expect(page.get_by_role("textbox", name="Comment", exact=True)).to_have_value(
        "Does vitamin D lower the relapse rate?"
    )


def test_a_held_comment_is_announced_in_words(live_server, page, post):
    configure(require_manual_approval=True)
    page.goto(live_server.url + post.get_absolute_url())
    form = page.locator("#commentform")
    form.get_by_role("textbox", name="Comment", exact=True).fill("My neurologist suggested 2000 IU a day.")
    form.get_by_role("textbox", name="Email", exact=True).fill("bo@example.org")
    form.get_by_role("textbox", name="Name", exact=True).fill("Bo")
    form.get_by_role("button", name="Post Comment").click()

    expect(page.get_by_role("status")).to_contain_text("Thank you: your comment is awaiting moderation.")
    expect(page.locator(".comment-held").get_by_text("Your comment is awaiting moderation.")).to_be_visible()


def test_a_published_comment_is_announced_in_words(live_server, page, post):
    CommentFactory(post=PostFactory(), author_name="Ada", author_email="ada@example.org")
    page.goto(live_server.url + post.get_absolute_url())
    form = page.locator("#commentform")
    form.get_by_role("textbox", name="Comment", exact=True).fill("It helped me.")
    form.get_by_role("textbox", name="Email", exact=True).fill("ada@example.org")
    form.get_by_role("textbox", name="Name", exact=True).fill("Ada")
    form.get_by_role("button", name="Post Comment").click()

    expect(page.get_by_role("status")).to_have_text("Your comment was posted.")


def test_without_providers_the_form_speaks_to_guests_only(live_server, page, post, screenshot):
    with override_settings(
        SOCIALACCOUNT_PROVIDERS=providers_without(*CREDENTIAL_VARIABLES), SOCIAL_LOGIN_SIMULATION=False
    ):
        page.goto(live_server.url + post.get_absolute_url())
        form = page.locator("#commentform")
        expect(form).to_contain_text("Your email address will not be published. Required fields are marked *")
        expect(form.get_by_text("click an icon")).to_have_count(0)
        expect(form.get_by_role("button", name=re.compile("^Log in with"))).to_have_count(0)
        page.locator("#respond").scroll_into_view_if_needed()
        screenshot(page, "comment-form-guest-only", full_page=False)


def test_the_post_authors_reply_is_marked_author(live_server, page, db):
    author = UserFactory(first_name="Rosa", last_name="Lindgren")
    post = PostFactory(author=author)
    question = CommentFactory(post=post, author_name="Ada", body="Is it safe?")
    CommentFactory(post=post, parent=question, user=author, author_name="Rosa Lindgren", body="Ask your neurologist.")

    page.goto(live_server.url + post.get_absolute_url())

    reply = page.locator("li.comment", has_text="Ask your neurologist.").last
    expect(reply.locator(".comment-author")).to_contain_text("Rosa Lindgren Author says:")
    expect(
        page.locator("li.comment", has_text="Is it safe?").first.locator("> article .comment-author-badge")
    ).to_have_count(0)


def test_log_out_and_change_look_alike(live_server, page, context, post):
    from .test_accessibility import sign_in

    sign_in(context, live_server, UserFactory(first_name="Grace", last_name="Hopper"))
    page.goto(live_server.url + post.get_absolute_url())
    actions = page.locator(".comment-signed-in-actions")
    expect(actions).to_contain_text("Log Out")

    look = "e => { const s = getComputedStyle(e); return [s.fontFamily, s.fontSize, s.fontWeight, s.color, s.textDecorationLine]; }"
    log_out = actions.get_by_role("button", name="Log Out").evaluate(look)
    change = actions.get_by_role("link", name="Change").evaluate(look)
    assert log_out == change
