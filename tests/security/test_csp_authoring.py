"""The authoring pages (autosave offer, revisions, media grid, comment row actions) carry no
inline script or style, so the Content-Security-Policy (script-src and style-src 'self') blocks nothing on them."""

import pytest
from django.conf import settings
from django.urls import reverse

from accounts import roles
from comments.models import Comment
from posts.models import Autosave, Revision
from posts.services import add_image
from tests.factories import CommentFactory, PostFactory, UserFactory
from tests.posts_authoring.imagefiles import image_bytes, upload

from .html_checks import executable_markup, inline_styles

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [roles.AUTHOR, roles.EDITOR])
def test_authoring_pages_have_no_inline_script_or_style(client, role):
    user = UserFactory(username="writer")
    roles.assign_role(user, role)
    post = PostFactory(author=user, body="Saved words.")
    Revision.objects.create(post=post, author=user, title=post.title, body="Older words.")
    Revision.objects.create(post=post, author=user, title=post.title, body="Saved words.")
    Autosave.objects.create(post=post, user=user, title=post.title, body="Unsaved words.")
    CommentFactory(post=post, status=Comment.Status.PENDING, author_name="Nora")
    CommentFactory(post=post, author_name="Per")
    add_image(file=upload(image_bytes("PNG"), "chart.png"), alt_text="A chart", uploaded_by=user)
    client.force_login(user)

    pages = [
        reverse("admin:posts_post_change", args=[post.pk]),
        reverse("admin:posts_post_change", args=[post.pk]) + "?restore_autosave=1",
        reverse("admin:posts_post_add"),
        reverse("admin:posts_post_revisions", args=[post.pk]),
        reverse("admin:posts_image_changelist"),
        reverse("admin:comments_comment_changelist"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert executable_markup(html, allowed_script_sources=(settings.STATIC_URL, "/admin/jsi18n/")) == [], url
        assert inline_styles(html) == [], url
