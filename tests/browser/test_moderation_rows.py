"""Moderating from the list, on a phone: each comment has its own Approve / Spam / Trash / Reply buttons,
the reply box opens under the comment, and an author moderates the discussion under her own post."""

import re

import pytest
from playwright.sync_api import expect

from accounts import roles
from comments.models import Comment
from tests.factories import CommentFactory, PostFactory, UserFactory

from .axe import axe_violations, describe

PASSWORD = "correct horse battery staple"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def rosa(db):
    user = UserFactory(username="rosa", first_name="Rosa", last_name="Lindgren", password=PASSWORD)
    roles.assign_role(user, roles.AUTHOR)
    return user


@pytest.fixture
def discussion(rosa):
    post = PostFactory(title="Vitamin D and relapses", author=rosa)
    held = CommentFactory(
        post=post, status=Comment.Status.PENDING, author_name="Nora Newcomer", body="Is 4000 IU a day too much?"
    )
    spam = CommentFactory(
        post=post, status=Comment.Status.PENDING, author_name="Cheap Pills", body="Buy supplements here"
    )
    question = CommentFactory(post=post, author_name="Per Persson", body="Does it help fatigue as well?")
    other = CommentFactory(post=PostFactory(author=UserFactory(username="olle")), body="Under Olle's post")
    return {"post": post, "held": held, "spam": spam, "question": question, "other": other}


def log_in(page, live_server, next_url):
    page.goto(f"{live_server.url}/admin/login/?next={next_url}")
    page.get_by_label("Username").fill("rosa")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def row_of(page, text):
    return page.locator("#result_list tbody tr").filter(has_text=text)


def test_an_author_moderates_and_answers_her_posts_discussion_on_a_phone(live_server, browser, discussion, screenshot):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        # From her post list, the comment count leads to the post's comments (not "Not allowed").
        log_in(page, live_server, "/admin/posts/post/")
        page.locator("a.comment-count").first.click()
        expect(page).to_have_url(re.compile(r"/admin/comments/comment/\?post__id__exact=\d+$"))
        expect(page.locator("#result_list tbody tr")).to_have_count(3)
        expect(page.get_by_text("Under Olle's post")).to_have_count(0)

        # Nothing scrolls sideways, and each button is big enough to tap and fully on screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        approve = row_of(page, "Nora Newcomer").get_by_role("button", name="Approve the comment by Nora Newcomer")
        box = approve.bounding_box()
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= PHONE["width"]
        assert box["height"] >= 24
        assert box["width"] >= 24
        screenshot(page, "admin-comments-phone", full_page=False)
        violations = axe_violations(page, context="#result_list")
        assert not violations, describe(violations)

        approve.click()
        expect(page.locator(".messagelist")).to_contain_text("The comment by Nora Newcomer was approved.")
        assert Comment.objects.get(pk=discussion["held"].pk).status == Comment.Status.APPROVED

        row_of(page, "Cheap Pills").get_by_role("button", name="Spam the comment by Cheap Pills").click()
        expect(page.locator(".messagelist")).to_contain_text("was marked as spam")
        expect(row_of(page, "Cheap Pills")).to_have_count(0)  # spam leaves the live list
        assert Comment.objects.get(pk=discussion["spam"].pk).status == Comment.Status.SPAM

        # Reply opens a box under the comment; the answer is published as hers.
        row = row_of(page, "Per Persson")
        reply_box = row.get_by_label("Reply to Per Persson")
        expect(reply_box).to_be_hidden()
        row.locator("summary", has_text="Reply").click()
        expect(reply_box).to_be_visible()
        box = reply_box.bounding_box()
        assert box["x"] + box["width"] <= PHONE["width"]
        reply_box.fill("In some trials, yes: I will write about fatigue next month.")
        row.get_by_role("button", name="Send reply").click()
        expect(page.locator(".messagelist")).to_contain_text("Your reply is published")
        reply = Comment.objects.get(parent=discussion["question"])
        assert reply.user.username == "rosa"
        assert reply.status == Comment.Status.APPROVED
    finally:
        context.close()


def test_an_editor_trashes_from_the_row_and_stays_on_the_same_tab(live_server, page, discussion):
    editor = UserFactory(username="edith", password=PASSWORD)
    roles.assign_role(editor, roles.EDITOR)
    page.goto(f"{live_server.url}/admin/login/?next=/admin/comments/comment/%3Fcomment_status%3Dpending")
    page.get_by_label("Username").fill("edith")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(2)

    row_of(page, "Cheap Pills").get_by_role("button", name="Trash the comment by Cheap Pills").click()

    expect(page.locator(".messagelist")).to_contain_text("was moved to the trash")
    expect(page).to_have_url(re.compile(r"comment_status=pending$"))
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    assert Comment.objects.get(pk=discussion["spam"].pk).status == Comment.Status.TRASH
