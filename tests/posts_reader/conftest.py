"""Readers' view of the blog: helpers shared by the posts_reader tests."""

import pytest
from django.contrib.auth.models import Permission

from tests.factories import UserFactory


@pytest.fixture
def editor(db):
    """Someone who may read and edit every author's posts."""
    user = UserFactory(username="editor")
    user.user_permissions.add(Permission.objects.get(codename="edit_others_posts", content_type__app_label="posts"))
    return user
