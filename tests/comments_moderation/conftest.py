"""People and settings for the moderation stories: an editor, an author, a superuser, a post."""

import pytest
from django.contrib.auth.models import Group, Permission

from comments.models import DiscussionSettings
from tests.factories import PostFactory, UserFactory

EDITOR_COMMENT_PERMISSIONS = ["view_comment", "change_comment", "delete_comment", "moderate_comment"]


@pytest.fixture
def editor(db):
    """A member of the Editor group, which may moderate comments (as accounts.roles sets it up)."""
    group, _ = Group.objects.get_or_create(name="Editor")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="comments", codename__in=EDITOR_COMMENT_PERMISSIONS)
    )
    user = UserFactory(username="eddie", email="eddie@example.org", first_name="Eddie", last_name="Editor")
    user.is_staff = True
    user.save()
    user.groups.add(group)
    return user


@pytest.fixture
def author(db):
    """A staff author: writes posts, may not moderate."""
    group, _ = Group.objects.get_or_create(name="Author")
    group.permissions.add(*Permission.objects.filter(content_type__app_label="posts", codename="view_post"))
    user = UserFactory(username="ann", email="ann@example.org", first_name="Ann", last_name="Author")
    user.is_staff = True
    user.save()
    user.groups.add(group)
    return user


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", email="root@example.org", is_staff=True, is_superuser=True)


@pytest.fixture
def post(author):
    return PostFactory(title="Rituximab and relapses", author=author)


@pytest.fixture
def discussion(db):
    return DiscussionSettings.load()


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture(autouse=True)
def _quick_readers(settings):
    """Readers here post at machine speed: no minimum form age, no flood interval, a fresh cache."""
    from django.core.cache import cache

    settings.COMMENTS_MIN_FORM_SECONDS = 0
    settings.COMMENTS_FLOOD_SECONDS = 0
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def known_guest(post):
    """A guest who already has an approved comment, so their next comments appear at once."""
    from tests.factories import CommentFactory

    return CommentFactory(post=PostFactory(), author_name="Ada Reader", author_email="ada@example.org")
