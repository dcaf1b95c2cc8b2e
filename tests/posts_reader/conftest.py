"""Readers' view of the blog: helpers shared by the posts_reader tests."""

import datetime
import io

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage

from comments.models import DiscussionSettings
from posts.services import add_image
from tests.factories import CommentFactory, PostFactory, UserFactory


def at(year, month, day, hour=12) -> datetime.datetime:
    """A moment in UTC, noon unless said otherwise."""
    return datetime.datetime(year, month, day, hour, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def canonical_origin_is_the_test_client(settings):
    """Feeds link to SITE_URL; here it is the test client's own host, so links can be followed."""
    settings.SITE_URL = "http://testserver"


@pytest.fixture
def post(db):
    """A published post with one comment, on a site whose discussion settings exist (as on any site that has
    served a page)."""
    DiscussionSettings.load()
    post = PostFactory(title="Rituximab for Secondary Progressive MS?")
    CommentFactory(post=post, author_name="Margaret O'Neill", body="Is there a test for the change?")
    return post


@pytest.fixture
def editor(db):
    """Someone who may read and edit every author's posts."""
    user = UserFactory(username="editor")
    user.user_permissions.add(Permission.objects.get(codename="edit_others_posts", content_type__app_label="posts"))
    return user


@pytest.fixture
def figure_image(db):
    """A 1200 × 800 PNG uploaded to the media library, with its WebP and PNG renditions."""
    buffer = io.BytesIO()
    PILImage.new("RGB", (1200, 800), "steelblue").save(buffer, "PNG")
    upload = SimpleUploadedFile("courses.png", buffer.getvalue(), content_type="image/png")
    return add_image(file=upload, alt_text="Four curves of disability over time")
