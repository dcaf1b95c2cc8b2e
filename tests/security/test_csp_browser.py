"""In Chromium, our pages and the admin load and work under the Content-Security-Policy without one violation.

Each page is opened with a listener for `securitypolicyviolation` events and the console's CSP messages;
JavaScript that the page runs (the reply link moving the comment form, the admin's widgets) runs too.
"""

import pytest
from django.conf import settings
from django.urls import reverse

from comments.models import Comment

from .browser_checks import sign_in, watch

pytestmark = pytest.mark.browser


def visit(page, watched, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("load")
    assert watched.violations() == [], url
    assert watched.errors == [], url


def test_public_pages_signed_out_and_in_have_no_csp_violation(live_server, context, page, people, discussion):
    post = discussion["post"]
    date = post.publish_date
    watched = watch(page)
    pages = [
        "/",
        post.get_absolute_url(),
        "/?s=rituximab",
        f"/{date:%Y}/",
        f"/{date:%Y/%m}/",
        discussion["category"].get_absolute_url(),
        discussion["page"].get_absolute_url(),
        reverse("account_login"),
        "/no-such-page/",
    ]
    for url in pages:
        visit(page, watched, live_server.url + url)
    # The comment form's script: Reply moves the form under the comment.
    page.goto(live_server.url + post.get_absolute_url())
    page.locator(".comment-reply-link").first.click()
    page.locator("#commentform").wait_for()
    assert watched.violations() == []

    sign_in(context, live_server.url, people["reader"])
    for url in (post.get_absolute_url(), "/", reverse("account_email")):
        visit(page, watched, live_server.url + url)
    assert page.context.cookies()  # still signed in
    assert watched.dialogs == []


def test_the_admin_has_no_csp_violation(live_server, context, page, people, discussion):
    post = discussion["post"]
    comment = Comment.objects.filter(post=post).first()
    watched = watch(page)
    visit(page, watched, live_server.url + reverse("admin:login"))
    sign_in(context, live_server.url, people["admin"])
    for url in (
        reverse("admin:index"),
        reverse("admin:posts_post_changelist"),
        reverse("admin:posts_post_change", args=[post.pk]),
        reverse("admin:posts_post_add"),
        reverse("admin:comments_comment_changelist"),
        reverse("admin:comments_comment_change", args=[comment.pk]),
        reverse("admin:posts_category_changelist"),
        reverse("admin:posts_image_add"),
        reverse("admin:posts_page_change", args=[discussion["page"].pk]),
    ):
        visit(page, watched, live_server.url + url)
    # The post editor's scripts run: the live Markdown preview fetches and shows rendered HTML.
    page.goto(live_server.url + reverse("admin:posts_post_change", args=[post.pk]))
    page.wait_for_load_state("networkidle")
    assert watched.violations() == []
    assert watched.script_bearing_dom(settings.STATIC_URL) == []
