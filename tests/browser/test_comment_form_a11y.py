"""The comment form's honeypot is for robots only: a reader never sees it, and the keyboard never lands on it."""

from playwright.sync_api import expect

from tests.factories import PostFactory


def focused(page) -> str:
    """The id of the element that has the keyboard focus."""
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_the_honeypot_is_neither_seen_nor_reached_with_the_tab_key(page, live_server):
    post = PostFactory(title="Vitamin D and relapses")
    page.goto(f"{live_server.url}{post.get_absolute_url()}")
    form = page.locator("#commentform")
    form.scroll_into_view_if_needed()
    honeypot = page.locator(".comment-form-homepage")

    # Not seen: the field sits off the page, wherever the reader scrolls, and screen readers skip it.
    box = honeypot.bounding_box()
    assert box is not None
    assert box["x"] + box["width"] <= 0
    expect(honeypot).not_to_be_in_viewport()
    expect(form.get_by_role("textbox", name="Leave this field empty")).to_have_count(0)
    expect(form.get_by_role("textbox", name="Website")).to_be_visible()

    # Not reached: Tab goes from Website through the three boxes straight to the button.
    form.get_by_role("textbox", name="Website").focus()
    order = [focused(page)]
    for _ in range(4):
        page.keyboard.press("Tab")
        order.append(focused(page))

    assert order == ["id_url", "id_save_details", "id_notify_comments", "id_notify_posts", "submit"]
    assert "id_homepage" not in order
    expect(form.get_by_role("button", name="Post Comment")).to_be_focused()
