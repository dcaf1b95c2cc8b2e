"""WCAG 2.2 AA, enforced: axe-core (pinned through npm) finds nothing on the pages readers, authors and moderators use.

Each page is checked as a person meets it, with the demo content: the home page, a post with its
discussion, the comment form signed out and signed in (and after a rejected comment), an error page,
search, archives, the login page, and the admin's lists and edit pages for posts and comments.
"""

import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import expect

from comments.models import Comment
from posts.models import Post
from tests.factories import UserFactory

from .axe import assert_no_axe_violations

RITUXIMAB_TITLE = "Rituximab for Secondary Progressive MS?"

pytestmark = pytest.mark.usefixtures("readers_at_browser_speed")


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())
    return Post.objects.get(title=RITUXIMAB_TITLE)


def sign_in(context, live_server, user) -> None:
    """Give the browser the session cookie of a signed-in `user` (as if they had logged in)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def open_page(page, url: str, status: int = 200):
    response = page.goto(url)
    assert response.status == status, f"{url} answered {response.status}"
    page.wait_for_load_state("load")
    return response


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/", id="home"),
        pytest.param("/?s=rituximab", id="search"),
        pytest.param("/category/treatment/", id="category-archive"),
        pytest.param("{month}", id="monthly-archive"),
        pytest.param("/about/", id="static-page"),
        pytest.param("/accounts/login/", id="login"),
    ],
)
def test_public_pages_have_no_axe_violations(live_server, page, demo, path):
    url = path.format(month=demo.published_at.strftime("/%Y/%m/"))
    open_page(page, live_server.url + url)
    assert_no_axe_violations(page)


def test_the_error_page_has_no_axe_violations(live_server, page, demo):
    open_page(page, live_server.url + "/no-such-page/", status=404)
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert_no_axe_violations(page)


def test_a_post_with_its_discussion_and_the_guest_comment_form_has_no_axe_violations(live_server, page, demo):
    open_page(page, live_server.url + demo.get_absolute_url())
    expect(page.locator("#commentform")).to_be_visible()
    assert_no_axe_violations(page)


def test_a_rejected_comment_form_has_no_axe_violations(live_server, page, demo):
    open_page(page, live_server.url + demo.get_absolute_url())
    form = page.locator("#commentform")
    form.get_by_role("textbox", name="Comment", exact=True).fill("Does rituximab help in SPMS?")
    form.get_by_role("textbox", name="Email", exact=True).fill("not-an-address")
    page.evaluate("document.getElementById('commentform').noValidate = true")
    form.get_by_role("button", name="Post Comment").click()
    expect(page.get_by_role("heading", name="Your comment could not be posted")).to_be_visible()
    assert_no_axe_violations(page)


def test_the_comment_form_signed_in_has_no_axe_violations(live_server, page, context, demo):
    sign_in(context, live_server, UserFactory(username="reader", first_name="Ruth", last_name="Okafor"))
    open_page(page, live_server.url + demo.get_absolute_url())
    expect(page.locator("#commentform")).to_contain_text("Ruth Okafor")
    assert_no_axe_violations(page)


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/admin/", id="dashboard"),
        pytest.param("/admin/posts/post/", id="post-list"),
        pytest.param("/admin/posts/post/{post}/change/", id="post-edit"),
        pytest.param("/admin/posts/post/add/", id="post-add"),
        pytest.param("/admin/comments/comment/", id="comment-list"),
        pytest.param("/admin/comments/comment/{comment}/change/", id="comment-edit"),
    ],
)
def test_admin_pages_have_no_axe_violations(live_server, page, context, demo, path):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    sign_in(context, live_server, admin)
    comment = Comment.objects.filter(post=demo).first()
    open_page(page, live_server.url + path.format(post=demo.pk, comment=comment.pk))
    assert_no_axe_violations(page)
