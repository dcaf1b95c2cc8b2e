"""An author never loses writing: autosave every 30 seconds and on leaving, a warning before leaving unsaved
changes, the autosave offered on reopening, and revisions compared and restored in the browser."""

import re

import pytest
from playwright.sync_api import expect

from accounts import roles
from posts.models import Autosave, Post
from tests.factories import PostFactory, UserFactory

from .axe import axe_violations, describe

PASSWORD = "correct horse battery staple"


@pytest.fixture
def author(db):
    user = UserFactory(username="rosa", first_name="Rosa", last_name="Lindgren", password=PASSWORD)
    roles.assign_role(user, roles.AUTHOR)
    return user


@pytest.fixture
def published(author):
    return PostFactory(
        author=author,
        title="Vitamin D and relapses",
        slug="vitamin-d",
        body="Low vitamin D is linked to more relapses.",
    )


def log_in(page, live_server, username="rosa"):
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()


def change_url(live_server, post) -> str:
    return f"{live_server.url}/admin/posts/post/{post.pk}/change/"


def test_typing_is_autosaved_every_30_seconds_without_touching_the_published_post(live_server, page, published):
    log_in(page, live_server)
    page.clock.install()
    page.goto(change_url(live_server, published))
    # Stop the page's clock from running with real time: from here only run_for moves it.
    page.clock.pause_at(page.evaluate("Date.now()") + 10)
    body = page.get_by_role("textbox", name="Body")
    body.press("Control+End")
    body.press_sequentially(" A new trial reports otherwise.")

    status = page.locator("#autosave-status")
    expect(status).to_be_empty()
    page.clock.run_for(27_000)  # 27 s after the page loaded (plus the moment before the clock stopped)
    page.wait_for_timeout(300)
    assert not Autosave.objects.exists()  # not before 30 seconds
    page.clock.run_for(4_000)

    expect(status).to_contain_text("Unsaved changes kept at")
    autosave = Autosave.objects.get(post=published)
    assert autosave.body == "Low vitamin D is linked to more relapses. A new trial reports otherwise."
    published.refresh_from_db()
    assert published.body == "Low vitamin D is linked to more relapses."  # readers still see the saved post


def test_leaving_with_unsaved_changes_warns_autosaves_and_the_text_is_offered_on_return(
    live_server, page, published, screenshot
):
    log_in(page, live_server)
    page.goto(change_url(live_server, published))
    body = page.get_by_role("textbox", name="Body")
    body.press("Control+End")
    body.press_sequentially(" Written just before the tab closed.")

    dialogs = []

    def leave_anyway(dialog):
        dialogs.append(dialog.type)
        dialog.accept()

    page.on("dialog", leave_anyway)
    page.locator(".breadcrumbs a[href='/admin/posts/post/']").click()
    expect(page).to_have_url(re.compile(r"/admin/posts/post/$"))
    assert dialogs == ["beforeunload"]  # the browser asked "Leave site? Changes you made may not be saved."
    page.remove_listener("dialog", leave_anyway)

    # The text went to the server on the way out, beside the post.
    for _ in range(20):
        if Autosave.objects.filter(post=published).exists():
            break
        page.wait_for_timeout(100)
    assert Autosave.objects.get(post=published).body.endswith("Written just before the tab closed.")
    published.refresh_from_db()
    assert published.body == "Low vitamin D is linked to more relapses."

    # Reopening the post offers the unsaved text; restoring puts it in the form, and saving keeps it.
    page.goto(change_url(live_server, published))
    offer = page.get_by_role("region", name=re.compile("Unsaved text from"))
    expect(offer).to_be_visible()
    assert not axe_violations(page, context=".autosave-offer"), describe(
        axe_violations(page, context=".autosave-offer")
    )
    screenshot(page, "autosave-offer", full_page=False)
    offer.get_by_role("link", name="Restore the unsaved text").click()
    expect(page.get_by_role("textbox", name="Body")).to_have_value(re.compile("Written just before the tab closed.$"))
    expect(page.get_by_role("status").filter(has_text="Nothing is saved until you press a save button")).to_be_visible()
    page.get_by_role("button", name="Update", exact=True).click()  # the submit buttons never ask "Leave site?"
    expect(page.locator(".messagelist")).to_contain_text("is published")
    published.refresh_from_db()
    assert published.body.endswith("Written just before the tab closed.")
    assert not Autosave.objects.exists()


def test_no_warning_when_nothing_changed_or_when_saving(live_server, page, published):
    log_in(page, live_server)
    page.goto(change_url(live_server, published))
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))

    page.locator(".breadcrumbs a[href='/admin/posts/post/']").click()
    expect(page).to_have_url(re.compile(r"/admin/posts/post/$"))

    page.goto(change_url(live_server, published))
    page.get_by_role("textbox", name="Body").press_sequentially(" More.")
    page.get_by_role("button", name="Update", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("is published")
    assert dialogs == []


def test_an_author_compares_two_versions_and_restores_the_older_one(live_server, page, published, screenshot):
    log_in(page, live_server)
    page.goto(change_url(live_server, published))
    body = page.get_by_role("textbox", name="Body")
    body.fill("Low vitamin D is weakly linked to more relapses.\n\nA second paragraph.")
    page.get_by_role("button", name="Update", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("is published")

    page.get_by_role("link", name="Revisions (2)").click()
    expect(page.get_by_role("heading", name=re.compile("compared with the current one"))).to_be_visible()
    comparison = page.locator(".revision-compare")
    expect(comparison.locator("del").filter(has_text="weakly")).to_be_visible()
    expect(comparison.locator("del").filter(has_text="A second paragraph.")).to_be_visible()
    assert not axe_violations(page, context=".revisions"), describe(axe_violations(page, context=".revisions"))
    screenshot(page, "revisions")

    page.get_by_role("button", name="Restore this version").click()
    expect(page.locator(".messagelist")).to_contain_text("is restored")
    expect(page.get_by_role("textbox", name="Body")).to_have_value("Low vitamin D is linked to more relapses.")
    post = Post.objects.get(pk=published.pk)
    assert post.body == "Low vitamin D is linked to more relapses."
    assert post.revisions.count() == 3  # the replaced version is still there, to restore back
