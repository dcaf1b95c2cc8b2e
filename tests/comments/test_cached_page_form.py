"""The comment form on a page from the full-page cache: the same for everyone, yet it works for each reader.

A cached page carries no CSRF token, name, email or held comment. Readers with a cookie that personalises
the page (a remembered name, a session holding their comment awaiting moderation, a signed-in account)
are served the page fresh. A guest's form posts without a token, with or without JavaScript (the script
only moves the form under the comment being answered); a signed-in reader's post still needs one.
"""

import re

import pytest
from django.test import Client

from comments.models import Comment, DiscussionSettings
from tests.factories import PostFactory, UserFactory

from .helpers import comment_data, configure, post_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(db):
    DiscussionSettings.load()
    return PostFactory(title="Rituximab for Secondary Progressive MS?")


def form_fields(html: str) -> dict:
    """What a browser without JavaScript submits from the page's comment form (hidden fields included)."""
    form = html[html.index('id="commentform"') : html.index("</form>", html.index('id="commentform"'))]
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))


def test_a_guest_posts_from_a_cached_page_without_javascript_and_without_a_csrf_token(page_cache, post):
    configure(require_previous_approval=False)
    browser = Client(enforce_csrf_checks=True)
    browser.get(post.get_absolute_url())
    cached = browser.get(post.get_absolute_url())
    assert cached["X-Page-Cache"] == "hit"
    fields = form_fields(cached.content.decode())
    assert "csrfmiddlewaretoken" not in fields
    data = comment_data(post, comment="Posted from a cached page.", timestamp=fields["timestamp"])
    data["timestamp"] = comment_data(post)["timestamp"]  # the page was read a while ago, as a person would
    response = browser.post(post_url(post), data, headers={"Origin": "http://testserver"})
    assert response.status_code == 302
    assert Comment.objects.filter(body="Posted from a cached page.", status=Comment.Status.APPROVED).exists()
    fresh = Client().get(post.get_absolute_url()).content.decode()
    assert "Posted from a cached page." in fresh


def test_a_post_from_another_site_is_refused_and_stores_nothing(page_cache, post):
    browser = Client(enforce_csrf_checks=True)
    for origin in ("https://attacker.example", "null"):
        response = browser.post(post_url(post), comment_data(post), headers={"Origin": origin})
        assert response.status_code == 403
    assert not Comment.objects.exists()


def test_a_signed_in_reader_gets_a_fresh_page_with_a_token_and_must_send_it(page_cache, post):
    reader = UserFactory(first_name="Jamie", last_name="Rivers")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(reader)
    page = browser.get(post.get_absolute_url())
    assert page.get("X-Page-Cache") != "hit"  # never the shared copy as it is
    fields = form_fields(page.content.decode())
    assert fields.get("csrfmiddlewaretoken")
    data = comment_data(post, name=None, email=None, comment="Signed in and posting.")
    refused = browser.post(post_url(post), data, headers={"Origin": "http://testserver"})
    assert refused.status_code == 403
    assert not Comment.objects.exists()
    accepted = browser.post(post_url(post), {**data, "csrfmiddlewaretoken": fields["csrfmiddlewaretoken"]})
    assert accepted.status_code == 302
    assert Comment.objects.filter(body="Signed in and posting.", user=reader).exists()


def test_a_remembered_commenter_sees_their_own_details_and_nobody_else_does(page_cache, post):
    stranger = Client()
    stranger.get(post.get_absolute_url())  # the cached copy exists before Jamie comes
    jamie = Client()
    jamie.cookies["comment_author"] = "Jamie%20Rivers"
    jamie.cookies["comment_author_email"] = "jamie.rivers%40example.com"
    page = jamie.get(post.get_absolute_url())
    assert page.get("X-Page-Cache") != "hit"  # never the shared copy as it is
    assert 'value="Jamie Rivers"' in page.content.decode()
    assert 'value="jamie.rivers@example.com"' in page.content.decode()
    for_others = stranger.get(post.get_absolute_url())
    assert for_others["X-Page-Cache"] == "hit"
    assert b"Jamie Rivers" not in for_others.content
    assert b"jamie.rivers@example.com" not in for_others.content


def test_a_guest_still_sees_their_comment_awaiting_moderation_and_nobody_else_does(page_cache, post):
    guest = Client()
    guest.get(post.get_absolute_url())
    response = guest.post(post_url(post), comment_data(post, comment="Held for a moderator, shown to me."))
    assert response.status_code == 302
    assert Comment.objects.get().status == Comment.Status.PENDING
    mine = guest.get(post.get_absolute_url())
    assert "X-Page-Cache" not in mine
    assert "Held for a moderator, shown to me." in mine.content.decode()
    assert "Your comment is awaiting moderation." in mine.content.decode()
    others = Client().get(post.get_absolute_url())
    assert b"Held for a moderator, shown to me." not in others.content
    assert b"awaiting moderation" not in others.content
    assert not others.cookies
