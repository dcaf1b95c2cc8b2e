"""Roles created by the data migration, and the helper that gives a user one."""

import pytest
from django.contrib.auth.models import Group, Permission

from accounts import roles
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def perms_of(role: str) -> set[str]:
    return {
        f"{app}.{codename}"
        for app, codename in Group.objects.get(name=role).permissions.values_list("content_type__app_label", "codename")
    }


def test_migration_created_the_three_roles_with_their_permissions():
    author, editor, administrator = perms_of(roles.AUTHOR), perms_of(roles.EDITOR), perms_of(roles.ADMINISTRATOR)

    assert author == set(roles.ROLE_PERMISSIONS[roles.AUTHOR])
    assert {"posts.publish_post", "posts.add_image"} <= author
    assert "posts.edit_others_posts" not in author
    assert "posts.delete_category" not in author
    assert {"posts.edit_others_posts", "comments.moderate_comment", "posts.change_page"} <= editor
    assert "auth.change_user" not in editor
    assert {"auth.change_user", "posts.edit_others_posts", "comments.moderate_comment"} <= administrator


def test_assign_role_makes_a_staff_member_with_exactly_that_role():
    user = UserFactory(is_staff=False)

    roles.assign_role(user, roles.AUTHOR)

    user.refresh_from_db()
    assert user.is_staff
    assert roles.role_of(user) == roles.AUTHOR
    assert user.has_perm("posts.publish_post")
    assert not user.has_perm("posts.edit_others_posts")

    roles.assign_role(user, roles.EDITOR)

    assert list(user.groups.values_list("name", flat=True)) == [roles.EDITOR]
    assert user.has_perm("posts.edit_others_posts")


def test_administrator_role_includes_permissions_created_after_the_migration():
    late = Permission.objects.create(
        codename="late_permission", name="Late", content_type=Permission.objects.first().content_type
    )
    user = UserFactory()

    roles.assign_role(user, roles.ADMINISTRATOR)

    assert late in Group.objects.get(name=roles.ADMINISTRATOR).permissions.all()


def test_roles_are_recreated_if_the_groups_were_removed():
    Group.objects.all().delete()
    user = UserFactory()

    roles.assign_role(user, roles.EDITOR)

    assert user.has_perm("comments.moderate_comment")


def test_unknown_role_is_refused():
    with pytest.raises(ValueError, match="Unknown role 'Contributor'"):
        roles.assign_role(UserFactory(), "Contributor")
