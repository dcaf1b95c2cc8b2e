"""The project's admin site owns what belongs to the whole admin, so no app has to patch another's."""

import pytest
from allauth.socialaccount.models import SocialApp, SocialToken
from django.contrib import admin
from django.contrib.staticfiles import finders
from django.urls import reverse

from comments.models import Comment
from mssite.admin import SiteAdmin
from posts.models import Page, Post
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_admin_is_the_projects_own_site():
    assert isinstance(admin.site, SiteAdmin)
    assert admin.site.site_header == "MS Research Notes administration"


def test_posts_and_pages_are_registered_once_with_their_comment_columns():
    assert "comment_count" in admin.site.get_model_admin(Post).list_display
    assert {"comments_open", "comment_count"} <= set(admin.site.get_model_admin(Page).list_display)


def test_social_credentials_have_no_admin_pages():
    assert not admin.site.is_registered(SocialApp)
    assert not admin.site.is_registered(SocialToken)


def test_the_header_and_the_pending_badge_are_styled_from_a_stylesheet(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    CommentFactory(status=Comment.Status.PENDING)

    html = client.get(reverse("admin:index")).content.decode()

    assert "<title>Site administration | MS Research Notes admin</title>" in html
    assert '<a href="/admin/">MS Research Notes administration</a>' in html
    assert '<span class="pending-count" title="1 comment waiting for moderation">1</span>' in html
    assert 'href="/static/css/admin-site.css"' in html
    assert finders.find("css/admin-site.css")
