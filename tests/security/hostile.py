"""A site whose every reader- and author-controlled field holds one XSS payload, and every place it is shown."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

from django.core import mail
from django.urls import reverse

from comments import notifications
from comments.models import Comment
from posts.models import BodyFormat
from posts.services import add_image
from tests.factories import CategoryFactory, CommentFactory, PageFactory, PostFactory, TagFactory
from tests.posts_authoring.imagefiles import image_bytes, upload

SEARCH_WORD = "hostilemarker"


@dataclass
class HostileSite:
    post: object
    page: object
    category: object
    tag: object
    image: object
    author: object
    comments: list = field(default_factory=list)

    def public_urls(self, payload: str) -> list[str]:
        date = self.post.publish_date
        return [
            "/",
            self.post.get_absolute_url(),
            self.post.get_absolute_url() + "?replytocom=" + str(self.comments[0].pk),
            self.page.get_absolute_url(),
            self.category.get_absolute_url(),
            self.tag.get_absolute_url(),
            f"/author/{self.author.username}/",
            f"/{date:%Y/%m/%d}/",
            "/?s=" + quote(payload),
            "/?s=" + SEARCH_WORD,
            "/no-such-page/" + quote(payload, safe="") + "/",
        ]

    def feed_urls(self) -> list[str]:
        return [
            "/feed/",
            "/feed/atom/",
            "/comments/feed/",
            self.post.get_absolute_url() + "feed/",
            self.category.get_absolute_url() + "feed/",
            self.tag.get_absolute_url() + "feed/",
        ]

    def admin_urls(self, payload: str) -> list[str]:
        comment = self.comments[0]
        return [
            reverse("admin:index"),
            reverse("admin:posts_post_changelist") + "?q=" + quote(payload[:50]),
            reverse("admin:posts_post_change", args=[self.post.pk]),
            reverse("admin:posts_page_change", args=[self.page.pk]),
            reverse("admin:comments_comment_changelist"),
            reverse("admin:comments_comment_change", args=[comment.pk]),
            reverse("admin:posts_category_changelist"),
            reverse("admin:posts_tag_changelist"),
            reverse("admin:posts_image_change", args=[self.image.pk]),
            reverse("admin:auth_user_changelist"),
        ]


def build(payload: str, *, author, reader) -> HostileSite:
    """Every field an author or a reader controls set to `payload` (cut to the field's length), stored directly:
    what an import, an old version or a bypassed form could have left in the database."""
    author.first_name, author.last_name = payload[:150], payload[:150]
    author.save(update_fields=["first_name", "last_name"])
    category = CategoryFactory(name=payload[:200], slug="hostile-category", description=payload)
    tag = TagFactory(name=payload[:200], slug="hostile-tag")
    image = add_image(
        file=upload(image_bytes("PNG", size=(120, 80)), "figure.png"),
        alt_text=payload,
        caption=payload,
        credit=payload[:300],
        uploaded_by=author,
    )
    body = f"{payload}\n\n{SEARCH_WORD} {payload}\n\n[figure {image.pk}]\n\n{payload}"
    post = PostFactory(title=payload[:300], slug="hostile-post", author=author, body=body, excerpt=payload)
    post.categories.add(category)
    post.tags.add(tag)
    page = PageFactory(
        title=payload[:300], slug="hostile-page", author=author, body=body, body_format=BodyFormat.HTML,
        comments_open=True,
    )  # fmt: skip
    guest = CommentFactory(
        post=post, author_name=payload[:245], author_url=payload[:500], author_email="guest@example.org", body=payload
    )
    reply = CommentFactory(
        post=post, parent=guest, user=reader, author_name=payload[:245], author_url=payload[:500], body=payload
    )
    on_page = CommentFactory(page=page, author_name=payload[:245], author_url=payload[:500], body=payload)
    held = CommentFactory(
        post=post, author_name=payload[:245], author_url=payload[:500], body=payload, status=Comment.Status.PENDING
    )
    return HostileSite(
        post=post, page=page, category=category, tag=tag, image=image, author=author,
        comments=[guest, reply, on_page, held],
    )  # fmt: skip


def emails_about(site: HostileSite) -> list:
    """The emails these comments cause: moderators asked about the held one, the author told of the others."""
    mail.outbox.clear()
    for comment in site.comments:
        notifications.comment_posted(comment.pk)
    return list(mail.outbox)
