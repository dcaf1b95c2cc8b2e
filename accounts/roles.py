"""The site's roles, WordPress-style: Author, Editor and Administrator, as permission groups.

The groups are created by a data migration (``accounts/migrations/0001_roles.py``) and kept in step
with ``ROLE_PERMISSIONS`` by ``sync_roles``. What a role may do to *which* posts (an author only their
own) is enforced where posts are edited, in ``posts.admin``.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction

AUTHOR = "Author"
EDITOR = "Editor"
ADMINISTRATOR = "Administrator"
ROLES = (AUTHOR, EDITOR, ADMINISTRATOR)
ALL_PERMISSIONS = "__all__"

# "app_label.codename" for each role; the Administrator gets every permission that exists.
ROLE_PERMISSIONS: dict[str, tuple[str, ...] | str] = {
    AUTHOR: (
        "posts.add_post",
        "posts.change_post",
        "posts.view_post",
        "posts.publish_post",
        "posts.add_image",
        "posts.change_image",
        "posts.view_image",
        "posts.view_category",
        "posts.add_tag",
        "posts.view_tag",
        # The discussion under their own posts (posts' authors only: see comments.admin.CommentAdmin).
        "comments.view_comment",
        "comments.change_comment",
    ),
    EDITOR: (
        "posts.add_post",
        "posts.change_post",
        "posts.delete_post",
        "posts.view_post",
        "posts.publish_post",
        "posts.edit_others_posts",
        "posts.add_category",
        "posts.change_category",
        "posts.delete_category",
        "posts.view_category",
        "posts.add_tag",
        "posts.change_tag",
        "posts.delete_tag",
        "posts.view_tag",
        "posts.add_page",
        "posts.change_page",
        "posts.delete_page",
        "posts.view_page",
        "posts.add_image",
        "posts.change_image",
        "posts.delete_image",
        "posts.view_image",
        "comments.view_comment",
        "comments.change_comment",
        "comments.delete_comment",
        "comments.moderate_comment",
    ),
    ADMINISTRATOR: ALL_PERMISSIONS,
}


def _permissions_for(role: str, *, permission_model):
    wanted = ROLE_PERMISSIONS[role]
    if wanted == ALL_PERMISSIONS:
        return list(permission_model.objects.all())
    found = []
    for dotted in wanted:
        app_label, codename = dotted.split(".", 1)
        found.append(permission_model.objects.get(content_type__app_label=app_label, codename=codename))
    return found


def sync_roles(*, group_model=Group, permission_model=Permission) -> None:
    """Create the role groups and give each exactly its permissions (also used by the data migration)."""
    for role in ROLES:
        group, _ = group_model.objects.get_or_create(name=role)
        group.permissions.set(_permissions_for(role, permission_model=permission_model))


@transaction.atomic
def assign_role(user, role: str) -> None:
    """Make ``user`` an Author, Editor or Administrator: staff (so they can use the admin) in that one group.

    Any other role the user had is removed, so a promotion or demotion is one call.
    """
    if role not in ROLES:
        raise ValueError(f"Unknown role {role!r}; choose one of {', '.join(ROLES)}.")
    group = Group.objects.filter(name=role).first()
    if group is None or role == ADMINISTRATOR:
        # Missing groups (a database flushed after migrating) are recreated; the Administrator group
        # is refreshed so permissions of apps added since the migration are included.
        sync_roles()
        group = Group.objects.get(name=role)
    user.groups.remove(*Group.objects.filter(name__in=ROLES).exclude(pk=group.pk))
    user.groups.add(group)
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    # Django caches permissions on the user object; forget them so the new role applies at once.
    for cache in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(cache, None)


def role_of(user) -> str | None:
    """The user's role name (the highest if several), or None."""
    names = set(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
    for role in reversed(ROLES):
        if role in names:
            return role
    return None


def give_demo_author_a_role(sender=None, *, author, **kwargs) -> None:
    """demo_content_loaded receiver: the demo author writes as an Author, unless an administrator promoted them."""
    if role_of(author) is None:
        assign_role(author, AUTHOR)
