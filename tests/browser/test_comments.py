"""Readers discuss a post in a real browser: comment, reply in place, and the same without JavaScript.

Also takes the README screenshots (docs/screenshots/ under `make screenshots`) thread.png: the demo discussion under the rituximab post.
"""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from comments.models import Comment
from tests.browser.waiting import wait_until_images_loaded
from tests.factories import CommentFactory, PostFactory, UserFactory

from .offline import offline_avatars

TITLE = "Rituximab for Secondary Progressive MS?"
RITUXIMAB_TITLE = TITLE  # the demo post's title


pytestmark = pytest.mark.usefixtures("readers_at_browser_speed")


@pytest.fixture
def post(db):
    author = UserFactory(username="rosa", first_name="Rosa", last_name="Lindgren")
    return PostFactory(title=TITLE, slug="rituximab-for-secondary-progressive-ms", author=author)


@pytest.fixture
def returning_guest(post):
    """Ada has commented here before (on another post) and was approved, so her comments appear at once."""
    return CommentFactory(post=PostFactory(), author_name="Ada Lovelace", author_email="ada@example.org")


def fill_comment(page, text: str, *, name: str = "", email: str = "", website: str = "") -> None:
    form = page.locator("#commentform")
    form.get_by_role("textbox", name="Comment", exact=True).fill(text)
    if email:
        form.get_by_role("textbox", name="Email", exact=True).fill(email)
    if name:
        form.get_by_role("textbox", name="Name", exact=True).fill(name)
    if website:
        form.get_by_role("textbox", name="Website", exact=True).fill(website)
    form.get_by_role("button", name="Post Comment").click()


def comment_item(page, text: str):
    """The <li> of the comment whose own body (not a reply's) contains `text`."""
    return page.locator("li.comment").filter(has=page.locator(":scope > article .comment-content", has_text=text))


def test_guest_comments_then_replies_and_the_form_moves_under_the_comment(live_server, page, post, returning_guest):
    page.goto(live_server.url + post.get_absolute_url())
    expect(page.get_by_role("heading", name=f"No thoughts yet on “{TITLE}”")).to_be_visible()
    expect(page.get_by_role("heading", name="Leave a Reply", exact=True)).to_be_visible()

    # Ada posts a comment and lands on it.
    fill_comment(
        page,
        "My neurologist mentioned rituximab last week. Is it used off-label in the UK?",
        name="Ada Lovelace",
        email="ada@example.org",
        website="https://ada.example.org",
    )
    first = Comment.objects.get(post=post)
    expect(page).to_have_url(re.compile(rf"#comment-{first.pk}$"))
    expect(page.get_by_role("heading", name=f"One thought on “{TITLE}”")).to_be_visible()
    mine = page.locator(f"li#comment-{first.pk}")
    expect(mine).to_contain_text("Ada Lovelace says:")
    expect(mine).to_contain_text("Is it used off-label in the UK?")
    expect(mine.get_by_role("link", name="Ada Lovelace", exact=True)).to_have_attribute("rel", "external nofollow ugc")
    expect(mine.get_by_text("Your comment is awaiting moderation.")).to_have_count(0)

    # "Reply" moves the form under her comment, without leaving the page.
    url_before = page.url
    mine.get_by_role("link", name="Reply to Ada Lovelace").click()
    respond = page.locator("#respond")
    expect(mine.locator("#respond")).to_be_visible()
    expect(respond.get_by_role("heading", name="Leave a Reply to Ada Lovelace")).to_be_visible()
    expect(respond.get_by_role("link", name="Cancel reply")).to_be_visible()
    assert page.url == url_before
    assert respond.get_by_role("textbox", name="Comment", exact=True).evaluate(
        "element => element === document.activeElement"
    )

    # "Cancel reply" puts it back at the end of the discussion.
    respond.get_by_role("link", name="Cancel reply").click()
    expect(mine.locator("#respond")).to_have_count(0)
    expect(respond.get_by_role("heading", name="Leave a Reply", exact=True)).to_be_visible()
    expect(respond.get_by_role("link", name="Cancel reply")).to_be_hidden()

    # She replies to her own comment with more detail; the reply appears nested under it.
    mine.get_by_role("link", name="Reply to Ada Lovelace").click()
    fill_comment(page, "Update: my clinic said yes, for some people.", name="Ada Lovelace", email="ada@example.org")
    reply = Comment.objects.get(post=post, parent=first)
    expect(page).to_have_url(re.compile(rf"#comment-{reply.pk}$"))
    expect(page.get_by_role("heading", name=f"2 thoughts on “{TITLE}”")).to_be_visible()
    nested = page.locator(f"li#comment-{first.pk} > ol.children > li#comment-{reply.pk}")
    expect(nested).to_contain_text("Update: my clinic said yes, for some people.")
    expect(nested).to_have_class(re.compile(r"\bdepth-2\b"))


def test_without_javascript_reply_links_reload_the_page_with_the_form_for_that_comment(
    live_server, browser, post, returning_guest
):
    question = CommentFactory(
        post=post, author_name="Grace Hopper", author_email="grace@example.org", body="Does it slow progression?"
    )
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1200, "height": 900})
    offline_avatars(context)
    page = context.new_page()
    try:
        page.goto(live_server.url + post.get_absolute_url())
        expect(page.get_by_role("heading", name=f"One thought on “{TITLE}”")).to_be_visible()

        # A top-level comment works without JavaScript.
        fill_comment(page, "Following this thread with interest.", name="Ada Lovelace", email="ada@example.org")
        top = Comment.objects.get(post=post, author_email="ada@example.org")
        expect(page).to_have_url(re.compile(rf"#comment-{top.pk}$"))
        expect(page.locator(f"li#comment-{top.pk}")).to_contain_text("Following this thread with interest.")

        # "Reply" is a plain link: ?replytocom=ID#respond, a page search engines are told not to index.
        page.locator(f"li#comment-{question.pk}").get_by_role("link", name="Reply to Grace Hopper").click()
        expect(page).to_have_url(re.compile(rf"\?replytocom={question.pk}#respond$"))
        expect(page.locator('meta[name="robots"]')).to_have_attribute("content", "noindex")
        respond = page.locator("#respond")
        expect(respond.get_by_role("heading", name="Leave a Reply to Grace Hopper")).to_be_visible()
        expect(respond.get_by_role("link", name="Cancel reply")).to_be_visible()

        fill_comment(page, "I read it may, for some people.", name="Ada Lovelace", email="ada@example.org")
        reply = Comment.objects.get(post=post, parent=question)
        expect(page).to_have_url(re.compile(rf"#comment-{reply.pk}$"))
        expect(page.get_by_role("heading", name=f"3 thoughts on “{TITLE}”")).to_be_visible()
        expect(page.locator(f"li#comment-{question.pk} > ol.children > li#comment-{reply.pk}")).to_contain_text(
            "I read it may, for some people."
        )

        # "Cancel reply" without JavaScript goes back to the plain post page.
        page.locator(f"li#comment-{question.pk}").get_by_role("link", name="Reply to Grace Hopper").click()
        page.locator("#respond").get_by_role("link", name="Cancel reply").click()
        expect(page.locator("#respond").get_by_role("heading", name="Leave a Reply", exact=True)).to_be_visible()
        assert "replytocom" not in page.url
    finally:
        context.close()


def test_a_validation_error_keeps_everything_the_guest_typed(live_server, page, post):
    page.goto(live_server.url + post.get_absolute_url())

    fill_comment(page, "A long and careful comment I do not want to lose.", name="Ada Lovelace", email="not-an-email")

    # The browser's own check stops an obviously bad address before it is sent...
    expect(page.locator("#commentform").get_by_role("textbox", name="Email", exact=True)).to_have_js_property(
        "validity.valid", False
    )
    # ...and without it the server says what is wrong and keeps the text.
    page.locator("#commentform").evaluate("form => form.noValidate = true")
    page.locator("#commentform").get_by_role("button", name="Post Comment").click()
    expect(page.get_by_text("Please enter a valid email address, like name@example.org.", exact=True)).to_be_visible()
    expect(page.get_by_role("textbox", name="Comment", exact=True)).to_have_value(
        "A long and careful comment I do not want to lose."
    )
    expect(page.get_by_role("textbox", name="Name", exact=True)).to_have_value("Ada Lovelace")
    assert not Comment.objects.exists()


def test_demo_thread_screenshot(live_server, page, screenshot):
    call_command("load_demo", stdout=io.StringIO())
    page.set_viewport_size({"width": 1000, "height": 900})

    page.goto(live_server.url + "/")
    page.get_by_role("link", name=RITUXIMAB_TITLE).first.click()
    discussion = page.locator("#comments")
    expect(discussion.get_by_role("heading", name=re.compile(rf"^\d+ thoughts on “{re.escape(RITUXIMAB_TITLE)}”$")))
    # Replies nest at least three deep, as in a real discussion.
    expect(discussion.locator("ol.children ol.children li.comment").first).to_be_visible()
    expect(discussion.get_by_text("Your comment is awaiting moderation.")).to_have_count(0)  # the held one is hidden
    for image in discussion.locator("img.avatar").all():
        image.scroll_into_view_if_needed()
    wait_until_images_loaded(page, "#comments img")

    # The heading and the thread, without the form below it.
    height = discussion.evaluate(
        "section => Math.ceil(section.querySelector('.comment-list').getBoundingClientRect().bottom"
        " - section.getBoundingClientRect().top)"
    )
    page.set_viewport_size({"width": 1000, "height": min(height + 40, 4000)})
    discussion.evaluate("element => element.scrollIntoView({block: 'start'})")
    page.evaluate("window.scrollBy(0, -20)")
    screenshot(page, "thread", full_page=False)
