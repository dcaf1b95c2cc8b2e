"""Who may do what: every role × every action, as one table.

Roles: anonymous, guest (an anonymous reader who has just commented, so their session owns that comment),
reader (signed in, no role), author A, author B, editor, administrator. An action is allowed when a GET
answers 200 or a POST has its effect; anything else (a login redirect, 403, 404, a read-only page) is a
refusal. Each row says exactly which roles may; every other role is tried and must be refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from comments.models import Comment, DiscussionSettings
from comments.services import SESSION_KEY
from posts.models import Category, Image, Page, Post, Tag
from posts.services import add_image
from tests.factories import CategoryFactory, CommentFactory, PageFactory, PostFactory, TagFactory, UserFactory
from tests.posts_authoring.imagefiles import image_bytes, upload

ROLES = ("anonymous", "guest", "reader", "author_a", "author_b", "editor", "admin")
SIGNED_IN = {"reader", "author_a", "author_b", "editor", "admin"}
STAFF = {"author_a", "author_b", "editor", "admin"}
OWNER_OR_EDITORS = {"author_a", "editor", "admin"}
EDITORS = {"editor", "admin"}
ADMIN = {"admin"}


@dataclass
class World:
    post: Post  # author A's, published
    draft: Post  # author A's, a draft
    page: Page
    image: Image  # uploaded by author A
    category: Category
    tag: Tag
    guest_comment: Comment  # the guest's, remembered in their session
    reader_comment: Comment  # the signed-in reader's
    held: Comment  # waiting for moderation
    spare_user: object


@pytest.fixture
def world(people) -> World:
    post = PostFactory(author=people["author_a"], slug="a-post")
    return World(
        post=post,
        draft=PostFactory(author=people["author_a"], slug="a-draft", status=Post.Status.DRAFT),
        page=PageFactory(author=people["admin"]),
        image=add_image(
            file=upload(image_bytes("PNG", size=(60, 40)), "a.png"), alt_text="A chart", uploaded_by=people["author_a"]
        ),
        category=CategoryFactory(),
        tag=TagFactory(),
        guest_comment=CommentFactory(post=post, author_name="Grace Guest"),
        reader_comment=CommentFactory(post=post, author_name="Rita", user=people["reader"]),
        held=CommentFactory(post=post, status=Comment.Status.PENDING),
        spare_user=UserFactory(username="spare"),
    )


def gets(url: Callable[[World], str]):
    def attempt(client, world: World) -> bool:
        return client.get(url(world)).status_code == 200

    return attempt


def changes(url: Callable[[World], str]):
    """POST an (invalid) change form: someone allowed gets the form back with errors (200); others are refused."""

    def attempt(client, world: World) -> bool:
        return client.post(url(world), {}).status_code == 200

    return attempt


def deletes(url: Callable[[World], str], gone: Callable[[World], bool]):
    def attempt(client, world: World) -> bool:
        client.post(url(world), {"post": "yes"})
        return gone(world)

    return attempt


def admin_url(name: str, attribute: str | None = None):
    return lambda world: reverse(f"admin:{name}", args=[getattr(world, attribute).pk] if attribute else [])


def missing(model, attribute: str):
    return lambda world: not model.objects.filter(pk=getattr(world, attribute).pk).exists()


def approves_held(client, world: World) -> bool:
    client.post(
        reverse("admin:comments_comment_changelist"),
        {"action": "bulk_approve", "_selected_action": [world.held.pk], "index": 0},
    )
    world.held.refresh_from_db()
    return world.held.status == Comment.Status.APPROVED


def approves_held_when_only_editors_moderate(client, world: World) -> bool:
    settings = DiscussionSettings.load()
    settings.authors_moderate_own_posts = False
    settings.save()
    return approves_held(client, world)


def edits_comment(attribute: str):
    def attempt(client, world: World) -> bool:
        comment = getattr(world, attribute)
        client.post(reverse("comments:edit", args=[comment.pk]), {"comment": "Changed by someone."})
        comment.refresh_from_db()
        return comment.body == "Changed by someone."

    return attempt


def deletes_comment(attribute: str):
    def attempt(client, world: World) -> bool:
        comment = getattr(world, attribute)
        client.post(reverse("comments:delete", args=[comment.pk]))
        comment = Comment.objects.filter(pk=comment.pk).first()
        return comment is None or comment.is_removed or comment.status == Comment.Status.TRASH

    return attempt


def previews_body(client, world: World) -> bool:
    response = client.post(reverse("admin:posts_post_preview"), {"body": "*hi*", "body_format": "markdown"})
    return response.status_code == 200


def publishes_draft_by_editing_it(client, world: World) -> bool:
    client.get(reverse("posts:preview", args=[world.draft.pk]))
    return client.get(reverse("posts:preview", args=[world.draft.pk])).status_code == 200


# action: (how it is attempted, the roles that may)
MATRIX: dict[str, tuple[Callable, set[str]]] = {
    "admin: open the dashboard": (gets(admin_url("index")), STAFF),
    "admin: list posts": (gets(admin_url("posts_post_changelist")), STAFF),
    "admin: open the new-post form": (gets(admin_url("posts_post_add")), STAFF),
    "admin: open author A's post": (gets(admin_url("posts_post_change", "post")), OWNER_OR_EDITORS),
    "admin: change author A's post": (changes(admin_url("posts_post_change", "post")), OWNER_OR_EDITORS),
    "admin: delete author A's post": (
        deletes(admin_url("posts_post_delete", "post"), missing(Post, "post")),
        EDITORS,
    ),
    "admin: preview a Markdown body": (previews_body, STAFF),
    "site: preview author A's draft": (gets(lambda w: reverse("posts:preview", args=[w.draft.pk])), OWNER_OR_EDITORS),
    "site: read author A's draft at its address": (gets(lambda w: w.draft.get_absolute_url()), set()),
    "admin: list pages": (gets(admin_url("posts_page_changelist")), EDITORS),
    "admin: open the new-page form": (gets(admin_url("posts_page_add")), EDITORS),
    "admin: change a page": (changes(admin_url("posts_page_change", "page")), EDITORS),
    "admin: delete a page": (deletes(admin_url("posts_page_delete", "page"), missing(Page, "page")), EDITORS),
    "admin: open the image upload form": (gets(admin_url("posts_image_add")), STAFF),
    "admin: change author A's image": (changes(admin_url("posts_image_change", "image")), OWNER_OR_EDITORS),
    "admin: delete author A's image": (
        deletes(admin_url("posts_image_delete", "image"), missing(Image, "image")),
        EDITORS,
    ),
    "admin: list categories": (gets(admin_url("posts_category_changelist")), STAFF),
    "admin: open the new-category form": (gets(admin_url("posts_category_add")), EDITORS),
    "admin: change a category": (changes(admin_url("posts_category_change", "category")), EDITORS),
    "admin: delete a category": (
        deletes(admin_url("posts_category_delete", "category"), missing(Category, "category")),
        EDITORS,
    ),
    "admin: list tags": (gets(admin_url("posts_tag_changelist")), STAFF),
    "admin: change a tag": (changes(admin_url("posts_tag_change", "tag")), EDITORS),
    "admin: delete a tag": (deletes(admin_url("posts_tag_delete", "tag"), missing(Tag, "tag")), EDITORS),
    # Authors moderate the discussion under their own posts (DiscussionSettings.authors_moderate_own_posts,
    # on by default, as WordPress's authors do); author B sees an empty list, never A's comments.
    "admin: list comments": (gets(admin_url("comments_comment_changelist")), STAFF),
    "admin: open a comment on author A's post": (gets(admin_url("comments_comment_change", "held")), OWNER_OR_EDITORS),
    "admin: change a comment on author A's post": (
        changes(admin_url("comments_comment_change", "held")),
        OWNER_OR_EDITORS,
    ),
    "admin: approve a held comment on author A's post": (approves_held, OWNER_OR_EDITORS),
    "admin: approve it when only editors moderate": (approves_held_when_only_editors_moderate, EDITORS),
    "admin: delete a comment": (
        deletes(admin_url("comments_comment_delete", "held"), missing(Comment, "held")),
        EDITORS,
    ),
    "admin: discussion settings": (
        gets(lambda w: reverse("admin:comments_discussionsettings_change", args=[DiscussionSettings.load().pk])),
        ADMIN,
    ),
    "admin: list users": (gets(admin_url("auth_user_changelist")), ADMIN),
    "admin: open the new-user form": (gets(admin_url("auth_user_add")), ADMIN),
    "admin: change a user": (changes(admin_url("auth_user_change", "spare_user")), ADMIN),
    "admin: delete a user": (
        deletes(
            admin_url("auth_user_delete", "spare_user"),
            lambda w: not get_user_model().objects.filter(pk=w.spare_user.pk).exists(),
        ),
        ADMIN,
    ),
    "admin: list groups (roles)": (gets(admin_url("auth_group_changelist")), ADMIN),
    "admin: import a WordPress export": (gets(admin_url("wordpress_importrun_add")), ADMIN),
    "admin: list imports": (gets(admin_url("wordpress_importrun_changelist")), ADMIN),
    "site: edit the guest's comment": (edits_comment("guest_comment"), {"guest"}),
    "site: delete the guest's comment": (deletes_comment("guest_comment"), {"guest"}),
    "site: edit the reader's comment": (edits_comment("reader_comment"), {"reader"}),
    "site: delete the reader's comment": (deletes_comment("reader_comment"), {"reader"}),
    "site: open the edit form of the guest's comment": (
        gets(lambda w: reverse("comments:edit", args=[w.guest_comment.pk])),
        {"guest"},
    ),
    "site: use a forged moderation link": (
        gets(lambda w: reverse("comments:moderation_link", args=["forged.token"])),
        set(),
    ),
    "account: download my data": (gets(lambda w: reverse("accounts:data")), SIGNED_IN),
    # Staff are refused: their posts and role would be orphaned; an administrator removes them in the admin.
    "account: the delete-my-account page": (gets(lambda w: reverse("accounts:delete")), {"reader"}),
    "account: email addresses": (gets(lambda w: reverse("account_email")), SIGNED_IN),
    "account: linked social accounts": (gets(lambda w: reverse("socialaccount_connections")), SIGNED_IN),
}


def sign_in_as(client, role: str, people, world: World) -> None:
    if role == "guest":
        session = client.session
        session[SESSION_KEY] = [world.guest_comment.pk]
        session.save()
    elif role != "anonymous":
        client.force_login(people[role])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(MATRIX))
def test_authorization_matrix(client, people, world, action, role):
    DiscussionSettings.load()
    attempt, allowed_roles = MATRIX[action]
    sign_in_as(client, role, people, world)

    allowed = attempt(client, world)

    expected = role in allowed_roles
    assert allowed == expected, f"{role} {'may' if allowed else 'may not'} {action}, expected the opposite"


def test_the_matrix_names_only_known_roles():
    assert all(roles <= set(ROLES) for _, roles in MATRIX.values())
    assert len(MATRIX) >= 40
