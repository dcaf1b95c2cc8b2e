"""A Content-Security-Policy on every response, and pages that need no inline script or style to obey it.

The browser half (no violation reported while pages load and work) is tests/security/test_csp_browser.py.
"""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from comments.models import Comment

from .html_checks import executable_markup, inline_styles


def policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def public_pages(discussion) -> list[str]:
    post = discussion["post"]
    date = post.publish_date
    return [
        "/",
        post.get_absolute_url(),
        discussion["page"].get_absolute_url(),
        "/?s=rituximab",
        f"/{date:%Y}/",
        f"/{date:%Y/%m}/",
        f"/{date:%Y/%m/%d}/",
        discussion["category"].get_absolute_url(),
        discussion["tag"].get_absolute_url(),
        f"/author/{post.author.username}/",
        reverse("account_login"),
        "/no-such-page/",
    ]


def admin_pages(discussion) -> list[str]:
    post = discussion["post"]
    comment = Comment.objects.filter(post=post).first()
    return [
        reverse("admin:index"),
        reverse("admin:posts_post_changelist"),
        reverse("admin:posts_post_add"),
        reverse("admin:posts_post_change", args=[post.pk]),
        reverse("admin:comments_comment_changelist"),
        reverse("admin:comments_comment_change", args=[comment.pk]),
        reverse("admin:posts_category_changelist"),
        reverse("admin:posts_page_change", args=[discussion["page"].pk]),
        reverse("admin:posts_image_add"),
    ]


def test_the_policy_allows_only_our_own_scripts_and_styles(client, db):
    directives = policy(client.get("/"))

    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    header = client.get("/").headers["Content-Security-Policy"]
    for loophole in ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "'strict-dynamic'", "nonce-", "*"):
        assert loophole not in header.replace("https:", "")


def test_every_kind_of_response_carries_the_policy(client, admin_client, discussion):
    post = discussion["post"]
    responses = {
        "page": client.get(post.get_absolute_url()),
        "not found": client.get("/no-such-page/"),
        "feed": client.get("/feed/"),
        "comment feed": client.get("/comments/feed/"),
        "sitemap": client.get("/sitemap.xml"),
        "robots.txt": client.get("/robots.txt"),
        "redirect": client.get("/?p=999999"),
        "refused comment (POST)": client.post(reverse("comments:post", args=[post.pk]), {"comment": ""}),
        "admin": admin_client.get(reverse("admin:index")),
        "health check": client.get(reverse("healthz")),
    }
    for label, response in responses.items():
        assert "Content-Security-Policy" in response.headers, label


def test_static_files_carry_the_policy_too(settings, db):
    """WhiteNoise answers static files before the views: the policy middleware sits in front of it."""
    settings.WHITENOISE_USE_FINDERS = True  # serve from static/ without collectstatic, as in development
    settings.WHITENOISE_AUTOREFRESH = True
    response = Client().get(settings.STATIC_URL + "js/comments.js")

    assert response.status_code == 200
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("signed_in", [False, True], ids=["signed out", "signed in"])
def test_public_pages_have_no_inline_script_or_style(client, discussion, people, signed_in):
    if signed_in:
        client.force_login(people["reader"])
    for url in public_pages(discussion):
        response = client.get(url)
        assert response.status_code in (200, 302, 404), url
        html = response.content.decode()
        assert executable_markup(html, allowed_script_sources=(settings.STATIC_URL,)) == [], url
        assert inline_styles(html) == [], url


def test_admin_pages_have_no_inline_script_or_style(client, discussion, people):
    """Django's admin needs no inline script since 4.x; ours adds none (its styles are static files)."""
    Comment.objects.update(status=Comment.Status.PENDING)  # the pending-count badge shows on every page
    for user in ("admin", "editor", "author_a"):
        client.force_login(people[user])
        for url in admin_pages(discussion):
            response = client.get(url)
            if response.status_code == 403:
                continue  # an author may not open the comments: the authorization matrix covers who may
            assert response.status_code == 200, (user, url)
            html = response.content.decode()
            assert executable_markup(html, allowed_script_sources=(settings.STATIC_URL, "/admin/jsi18n/")) == [], url
            assert inline_styles(html) == [], (user, url)
    client.logout()
    html = client.get(reverse("admin:login")).content.decode()
    assert inline_styles(html) == []
    assert executable_markup(html, allowed_script_sources=(settings.STATIC_URL,)) == []


def test_aligned_table_cells_use_a_class_not_an_inline_style(client, discussion):
    html = client.get(discussion["post"].get_absolute_url()).content.decode()

    assert '<td class="has-text-align-center">IV</td>' in html
