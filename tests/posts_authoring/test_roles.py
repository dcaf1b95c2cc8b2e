"""Roles created by the data migration, and the helper that gives a user one."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from accounts import roles
from comments.models import Comment
from posts.models import Page, Post
from tests.factories import CommentFactory, PostFactory, UserFactory
from tests.posts_authoring.conftest import user_with_role

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


def test_an_editor_moderates_comments_with_the_migrated_role_and_an_author_only_her_own(
    client, editor, author, other_author
):
    post = PostFactory(author=other_author)
    held = CommentFactory(post=post, status=Comment.Status.PENDING, body="Is rituximab licensed for SPMS?")

    # An author sees the discussion under her own posts only (tests/comments_moderation/test_authors_discussion.py).
    client.force_login(author)
    assert "Is rituximab licensed" not in client.get("/admin/comments/comment/").content.decode()
    client.post("/admin/comments/comment/", {"action": "bulk_approve", "_selected_action": [held.pk]})
    held.refresh_from_db()
    assert held.status == Comment.Status.PENDING

    client.force_login(editor)
    listing = client.get("/admin/comments/comment/")
    assert listing.status_code == 200
    assert "Is rituximab licensed for SPMS?" in listing.content.decode()
    client.post("/admin/comments/comment/", {"action": "bulk_approve", "_selected_action": [held.pk]})
    held.refresh_from_db()
    assert held.status == Comment.Status.APPROVED


def test_an_editor_manages_static_pages_categories_and_tags_but_not_people(client, editor):
    client.force_login(editor)

    client.post(
        "/admin/posts/page/add/",
        {"title": "Disclaimer", "slug": "disclaimer", "body": "Not medical advice.", "status": "published",
         "order": "0", "show_in_navigation": "on", "body_format": "markdown"},
    )  # fmt: skip
    client.post("/admin/posts/tag/add/", {"name": "Ocrelizumab", "slug": "ocrelizumab"})

    assert Page.objects.get().path == "disclaimer"
    assert Page.objects.get().comments_open is False  # static pages start with comments off
    assert client.get("/admin/posts/tag/").status_code == 200
    assert client.get("/admin/auth/user/").status_code == 403


def test_an_administrator_manages_everything_including_people(client, author):
    administrator = user_with_role(roles.ADMINISTRATOR, "ada")
    draft = PostFactory(author=author, status=Post.Status.DRAFT, title="Rosa's draft")
    client.force_login(administrator)

    for url in (
        "/admin/auth/user/",
        "/admin/auth/group/",
        "/admin/posts/post/",
        reverse("admin:posts_post_change", args=[draft.pk]),
        "/admin/comments/comment/",
        "/admin/posts/category/add/",
    ):
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("posts:preview", args=[draft.pk])).status_code == 200


def test_an_author_cannot_learn_the_address_of_another_authors_draft_from_view_on_site(client, author, other_author):
    """The admin's "view on site" redirect would give away the date and slug (so the title) of a draft."""
    theirs = PostFactory(author=other_author, status=Post.Status.DRAFT, slug="secret-merger-plans")
    mine = PostFactory(author=author, status=Post.Status.DRAFT, slug="my-own-draft")
    content_type = ContentType.objects.get_for_model(Post)
    client.force_login(author)

    response = client.get(f"/admin/r/{content_type.pk}/{theirs.pk}/")

    assert response.status_code == 404
    assert "secret-merger-plans" not in response.get("Location", "")
    assert "secret-merger-plans" not in response.content.decode()
    # Their own draft opens in its preview (its permalink is a 404 until it is published).
    own = client.get(f"/admin/r/{content_type.pk}/{mine.pk}/")
    assert own.status_code == 302
    assert own["Location"] == reverse("posts:preview", args=[mine.pk])
    # An editor is sent on as before; a reader without a role is asked to log in to the admin.
    client.force_login(user_with_role(roles.EDITOR, "edith"))
    assert client.get(f"/admin/r/{content_type.pk}/{theirs.pk}/")["Location"] == reverse(
        "posts:preview", args=[theirs.pk]
    )
    assert client.get(f"/admin/r/{content_type.pk}/not-a-number/").status_code == 404
    assert client.get(f"/admin/r/999999/{theirs.pk}/").status_code == 404
    client.force_login(UserFactory(username="reader"))
    assert "/admin/login/" in client.get(f"/admin/r/{content_type.pk}/{mine.pk}/")["Location"]
