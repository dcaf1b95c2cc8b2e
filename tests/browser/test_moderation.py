"""A first-time guest's comment waits for a moderator: only its author sees it, until an editor approves it."""

import re

import pytest
from playwright.sync_api import expect

from accounts import roles
from comments.models import Comment
from tests.factories import PostFactory, UserFactory

from .offline import offline_avatars
from .test_comments import TITLE, fill_comment

PASSWORD = "correct horse battery staple"
FIRST_WORDS = "First time commenting: I start ocrelizumab next month and I am nervous."


pytestmark = pytest.mark.usefixtures("readers_at_browser_speed")


@pytest.fixture
def post(db):
    author = UserFactory(username="rosa", first_name="Rosa", last_name="Lindgren")
    return PostFactory(title=TITLE, slug="rituximab-for-secondary-progressive-ms", author=author)


@pytest.fixture
def editor(db):
    user = UserFactory(
        username="eddie", first_name="Eddie", last_name="Editor", email="eddie@example.org", password=PASSWORD
    )
    roles.assign_role(user, roles.EDITOR)
    return user


@pytest.fixture
def other_reader(browser):
    """Someone else reading the same post in their own browser."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    offline_avatars(context)
    yield context.new_page()
    context.close()


def post_first_comment(page, live_server, post) -> Comment:
    page.goto(live_server.url + post.get_absolute_url())
    fill_comment(page, FIRST_WORDS, name="Nora Newcomer", email="nora@example.org")
    return Comment.objects.get(post=post)


def test_a_first_time_guests_comment_is_shown_only_to_them_until_approved(
    live_server, page, post, other_reader, screenshot
):
    held = post_first_comment(page, live_server, post)

    # Nora lands on her comment, marked as waiting.
    assert held.status == Comment.Status.PENDING
    expect(page).to_have_url(re.compile(rf"#comment-{held.pk}$"))
    mine = page.locator(f"li#comment-{held.pk}")
    expect(mine).to_contain_text(FIRST_WORDS)
    expect(mine.get_by_text("Your comment is awaiting moderation.")).to_be_visible()
    expect(mine.get_by_role("link", name="Reply to Nora Newcomer")).to_have_count(0)  # nobody can answer it yet
    # It does not count yet.
    expect(page.get_by_role("heading", name=f"No thoughts yet on “{TITLE}”")).to_be_visible()
    page.locator("#comments").evaluate("element => element.scrollIntoView({block: 'start'})")
    screenshot(page, "comment-held", full_page=False)

    # She still sees it after reloading; another reader never does.
    page.reload()
    expect(page.locator(f"li#comment-{held.pk}").get_by_text("Your comment is awaiting moderation.")).to_be_visible()
    other_reader.goto(live_server.url + post.get_absolute_url())
    expect(other_reader.get_by_role("heading", name=f"No thoughts yet on “{TITLE}”")).to_be_visible()
    expect(other_reader.get_by_text(FIRST_WORDS)).to_have_count(0)
    expect(other_reader.locator(f"li#comment-{held.pk}")).to_have_count(0)


def test_an_editor_approves_the_held_comment_in_the_admin_and_everyone_sees_it(
    live_server, page, browser, post, editor, other_reader, screenshot
):
    held = post_first_comment(page, live_server, post)
    other_reader.goto(live_server.url + post.get_absolute_url())
    expect(other_reader.get_by_text(FIRST_WORDS)).to_have_count(0)

    # The editor logs in to the admin in their own browser and finds it waiting.
    editor_context = browser.new_context(viewport={"width": 1440, "height": 640})
    try:
        admin = editor_context.new_page()
        admin.goto(live_server.url + "/admin/")
        admin.get_by_label("Username").fill("eddie")
        admin.get_by_label("Password").fill(PASSWORD)
        admin.get_by_role("button", name="Log in").click()
        expect(admin.get_by_role("heading", name="Site administration")).to_be_visible()
        badge = admin.locator(".pending-count").first
        expect(badge).to_have_text("1")
        expect(badge).to_have_attribute("title", "1 comment waiting for moderation")

        admin.locator("#content-main tr.model-comment").get_by_role("link", name=re.compile(r"^Comments")).click()
        tabs = admin.get_by_role("navigation", name="Comment status")
        tabs.get_by_role("link", name=re.compile(r"^Pending")).click()
        expect(tabs.get_by_role("link", name="Pending (1)")).to_have_attribute("aria-current", "page")
        row = admin.locator("#result_list tbody tr").filter(has_text="Nora Newcomer")
        expect(row).to_contain_text("I start ocrelizumab next month")
        expect(row.get_by_role("link", name=TITLE)).to_be_visible()  # the post it answers
        screenshot(admin, "admin-comments", full_page=False)

        row.get_by_role("checkbox").check()
        admin.get_by_role("combobox", name=re.compile(r"^Action")).select_option(label="Approve")
        admin.get_by_role("button", name="Go").click()
        expect(admin.locator(".messagelist")).to_contain_text("1 comment approved.")
        expect(tabs.get_by_role("link", name="Pending (0)")).to_be_visible()
        expect(admin.locator(".pending-count")).to_have_count(0)
    finally:
        editor_context.close()

    # Now every reader sees it, and it counts; Nora sees it without the waiting notice.
    other_reader.reload()
    expect(other_reader.get_by_role("heading", name=f"One thought on “{TITLE}”")).to_be_visible()
    shown = other_reader.locator(f"li#comment-{held.pk}")
    expect(shown).to_contain_text(FIRST_WORDS)
    expect(shown.get_by_text("Your comment is awaiting moderation.")).to_have_count(0)
    expect(shown.get_by_role("link", name="Reply to Nora Newcomer")).to_be_visible()
    page.reload()
    expect(page.locator(f"li#comment-{held.pk}").get_by_text("Your comment is awaiting moderation.")).to_have_count(0)


def test_an_editor_approves_from_the_link_in_the_moderation_email(
    live_server, page, browser, post, editor, other_reader, mailoutbox
):
    held = post_first_comment(page, live_server, post)
    message = next(message for message in mailoutbox if message.to == ["eddie@example.org"])
    approve = next(line for line in message.body.splitlines() if line.startswith("Approve it: "))
    path = re.sub(r"^https?://[^/]+", "", approve.removeprefix("Approve it: "))

    # Opening the link (as a mail scanner would) changes nothing: it asks first.
    editor_context = browser.new_context(viewport={"width": 1200, "height": 900})
    try:
        editor_page = editor_context.new_page()
        editor_page.goto(live_server.url + path)
        expect(editor_page.get_by_role("heading", name="Approve this comment?")).to_be_visible()
        expect(editor_page.get_by_text(FIRST_WORDS)).to_be_visible()
        held.refresh_from_db()
        assert held.status == Comment.Status.PENDING

        editor_page.get_by_role("button", name="Approve").click()
        expect(editor_page.get_by_text("The comment is approved and visible to everyone.")).to_be_visible()
    finally:
        editor_context.close()

    other_reader.goto(live_server.url + post.get_absolute_url())
    expect(other_reader.locator(f"li#comment-{held.pk}")).to_contain_text(FIRST_WORDS)


def test_a_tampered_moderation_link_shows_a_friendly_page(live_server, page):
    page.goto(live_server.url + "/comments/moderate/not-a-real-token/")

    expect(page.get_by_role("heading", name="Link not valid")).to_be_visible()
    expect(page.get_by_text("This moderation link is not valid.")).to_be_visible()
