"""Threaded comments under posts and static pages, their moderation settings and email subscriptions."""

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import models, router, transaction
from django.db.models import F, Q
from django.db.models.functions import Left, Upper
from django.utils import timezone

from posts.models import Page, Post

from . import threads
from .avatars import avatar_url
from .rendering import render_comment


def discussion_kind(target: "Post | Page | None") -> str:
    """ "page" for a static page, else "post": the name of the field that points a comment at its discussion."""
    return "page" if isinstance(target, Page) else "post"


def target_lookup(target: "Post | Page") -> dict:
    """The filter that selects the comments of one discussion: a post's or a static page's."""
    return {discussion_kind(target): target}


class Action(models.TextChoices):
    """What a moderator does to comments: the admin's bulk actions and the one-click links in emails."""

    APPROVE = "approve", "Approve"
    UNAPPROVE = "unapprove", "Unapprove"
    SPAM = "spam", "Mark as spam"
    NOT_SPAM = "not_spam", "Not spam"
    TRASH = "trash", "Move to Trash"
    RESTORE = "restore", "Restore"


# The name a comment keeps when its author is gone (an emptied comment, a deleted account's kept comments).
ANONYMOUS_NAME = "Anonymous"
# How much of a comment's text the duplicate check looks up by index (Comment.Meta.indexes, body_start).
BODY_START_LENGTH = 64


class CommentQuerySet(models.QuerySet):
    def public(self):
        """The one rule for what readers see: approved comments on public posts and published pages."""
        return self.filter(
            Q(post__in=Post.objects.published()) | Q(page__in=Page.objects.published()),
            status=Comment.Status.APPROVED,
        )

    def numbered(self, number: int | None):
        """The comment a reader knows by `number`: its #comment-N anchor, ?replytocom=N and the reply form say N.

        An imported comment is known by its WordPress ID only (its own key may equal another's old ID); a comment
        written here by its key, which is always past every imported ID.
        """
        if number is None:
            return self.none()
        return self.filter(Q(legacy_id=number) | Q(pk=number, legacy_id__isnull=True))

    def on(self, target: "Post | Page"):
        """The comments of one discussion (a post's or a page's)."""
        return self.filter(**target_lookup(target))

    def visible_to_reader(self, *, user=None, own_comment_ids=()):
        """Public comments plus the reader's own held ones (by account or remembered in their session).

        Held means pending only: as on WordPress, a comment marked as spam (or trashed) is never shown back to
        its author as "awaiting moderation".
        """
        own = Q(pk__in=[int(pk) for pk in own_comment_ids])
        if user is not None and user.is_authenticated:
            own |= Q(user=user)
        held = self.filter(own, status=Comment.Status.PENDING)
        return self.public() | held

    def counted(self):
        """Approved comments that still count towards "N thoughts" (soft-deleted ones keep a place only)."""
        return self.public().filter(is_removed=False)


class Comment(models.Model):
    """One reader's contribution to the discussion of a post or a static page; replies point to their parent."""

    class Status(models.TextChoices):
        APPROVED = "approved", "Approved"
        PENDING = "pending", "Pending"
        SPAM = "spam", "Spam"
        TRASH = "trash", "Trash"

    class Type(models.TextChoices):
        COMMENT = "comment", "Comment"
        PINGBACK = "pingback", "Pingback"
        TRACKBACK = "trackback", "Trackback"

    # Exactly one of post and page is set (a database constraint): the discussion the comment belongs to.
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.CASCADE, related_name="comments")
    page = models.ForeignKey(Page, null=True, blank=True, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments"
    )
    author_name = models.CharField("name", max_length=245)
    author_email = models.EmailField("email", max_length=254, blank=True, help_text="Never shown publicly.")
    author_url = models.URLField("website", max_length=500, blank=True)
    # Set when the comment is posted from a signed-in account that has its own picture (social login); shown
    # only when remote avatars are turned on (comments/avatars.py), as Gravatar is for the others.
    author_avatar_url = models.URLField(max_length=1000, blank=True)
    body = models.TextField("comment")
    body_html = models.TextField(blank=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    type = models.CharField(max_length=10, choices=Type.choices, default=Type.COMMENT)
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    # Soft delete: a removed comment with replies keeps its place as "This comment was deleted."
    is_removed = models.BooleanField(default=False)
    # Materialised path of sortable segments, root first: the whole thread comes out in display
    # order with one ORDER BY. Maintained by the model (rules in threads.py), never edited by hand.
    thread_path = models.CharField(max_length=threads.PATH_MAX_LENGTH, editable=False, db_index=True)
    depth = models.PositiveSmallIntegerField(default=1, editable=False)
    legacy_id = models.BigIntegerField(null=True, blank=True, unique=True, help_text="The WordPress comment ID.")

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["post", "thread_path"]
        permissions = [("moderate_comment", "Can moderate comments")]
        indexes = [
            models.Index(fields=["post", "status", "thread_path"], name="comment_thread_idx"),
            models.Index(fields=["page", "status", "thread_path"], name="comment_page_thread_idx"),
            models.Index(fields=["status", "created_at"], name="comment_status_created_idx"),
            # Posting a comment asks whether its author has an approved one (by email, any case) and whether
            # the same text is already there: both looked up by index, however many comments the site has.
            models.Index(Upper("author_email"), F("status"), name="comment_author_email_idx"),
            models.Index(Left("body", BODY_START_LENGTH), name="comment_body_start_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(post__isnull=False, page__isnull=True) | Q(post__isnull=True, page__isnull=False),
                name="comment_on_post_or_page",
                violation_error_message="A comment belongs to exactly one post or one page.",
            )
        ]

    def __str__(self):
        return f"{self.author_name} on {self.target}"

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "body" in update_fields:
            if getattr(self, "_rendered_body", None) != self.body:
                self.render_body()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "body_html"}
        creating = self._state.adding and not self.thread_path
        if not creating:
            super().save(*args, **kwargs)
            return
        # However deep the parent, the path fits its column: past the deepest stored level the reply goes
        # beside its parent (threads.place_reply).
        place = threads.place_reply(self.parent if self.parent_id else None)
        if place.parent_pk != self.parent_id:
            self.parent_id = place.parent_pk
        self.depth = place.depth
        # Two writes (the row, then its thread path, which needs the primary key) in one transaction: a
        # process killed between them leaves no comment at all rather than one with a placeholder path. Inside
        # the caller's transaction (posting a comment) they simply join it: no savepoint, whose only use would
        # be to keep that transaction going after a failed save, which nobody does.
        using = kwargs.get("using") or router.db_for_write(Comment, instance=self)
        with transaction.atomic(using=using, savepoint=False):
            self.thread_path = "~"  # placeholder until the primary key exists
            super().save(*args, **kwargs)
            self.thread_path = self.compute_thread_path()  # under place.parent_pk, set above
            Comment.objects.using(using).filter(pk=self.pk).update(thread_path=self.thread_path)

    def get_absolute_url(self):
        return f"{self.target.get_absolute_url()}#{self.anchor}"

    def render_body(self) -> None:
        """Store the body's safe HTML in body_html; saving the same text again does not render it twice."""
        self.body_html = render_comment(self.body)
        self._rendered_body = self.body

    @property
    def target(self) -> "Post | Page":
        """What the comment is under: its post, or its static page (a database constraint says exactly one)."""
        target = self.page if self.page_id else self.post
        assert target is not None, "a comment belongs to a post or a page"
        return target

    @target.setter
    def target(self, value: "Post | Page") -> None:
        self.post = value if isinstance(value, Post) else None
        self.page = value if isinstance(value, Page) else None

    @property
    def target_id(self) -> tuple[str, int | None]:
        """("post", pk) or ("page", pk): compares the discussions of two comments without a query."""
        return ("page", self.page_id) if self.page_id else ("post", self.post_id)

    def same_discussion(self, target: "Post | Page") -> bool:
        return self.target_id == (discussion_kind(target), target.pk)

    def thread_segment(self) -> str:
        """This comment's sortable piece of the path (threads.segment)."""
        return threads.segment(created_at=self.created_at, pk=self.pk)

    def compute_thread_path(self, parent_path: str | None = None) -> str:
        """Parent's path plus this segment, so ORDER BY thread_path yields depth-first, oldest-first order."""
        if parent_path is None and self.parent is not None:
            parent_path = self.parent.thread_path
        return threads.child_path(parent_path or "", self.thread_segment())

    @property
    def public_number(self) -> int:
        """The number readers see: imported comments keep their WordPress ID (see CommentQuerySet.numbered)."""
        return self.legacy_id or self.pk

    @property
    def anchor(self) -> str:
        """WordPress-compatible anchor: imported comments keep their old #comment-ID."""
        return f"comment-{self.public_number}"

    @property
    def public_author_url(self) -> str:
        """The website to link the name to: http(s) only, whatever an import or an identity provider stored."""
        url = (self.author_url or "").strip()
        return url if url.lower().startswith(("http://", "https://")) else ""

    def avatar_url(self, size: int = 56) -> str:
        """A local picture of the initials; Gravatar or the social account's picture only when turned on."""
        return avatar_url(
            name=self.author_name,
            email=self.author_email,
            picture=self.author_avatar_url,
            size=size,
            remote=DiscussionSettings.remote_avatars_allowed(),
        )

    def editable_until(self, window_minutes: int):
        return self.created_at + timedelta(minutes=window_minutes)

    def empty(self) -> None:
        """Delete the comment but keep its place in the thread, shown as "This comment was deleted.".

        The one rule for a deleted comment that others replied to (a moderator deleting it, its author
        deleting their account): its text and every personal detail go, its name becomes "Anonymous", and
        the replies stay where they were.
        """
        self.body = self.body_html = ""
        self.author_name = ANONYMOUS_NAME
        self.author_email = self.author_url = self.author_avatar_url = self.user_agent = ""
        self.ip_address = None
        self.user = None
        self.is_removed = True
        self._rendered_body = ""
        self.save(
            update_fields=[
                "body",
                "body_html",
                "author_name",
                "author_email",
                "author_url",
                "author_avatar_url",
                "user_agent",
                "ip_address",
                "user",
                "is_removed",
            ]
        )

    # Moderation: each returns whether the status changed, so callers notify only on a real transition.

    def approve(self) -> bool:
        """Show the comment to readers."""
        return self._change_status(self.Status.APPROVED)

    def unapprove(self) -> bool:
        """Hide an approved comment again until a moderator looks at it."""
        return self._change_status(self.Status.PENDING)

    def mark_spam(self) -> bool:
        return self._change_status(self.Status.SPAM)

    def mark_not_spam(self) -> bool:
        """Out of spam: approved when its author already has an approved comment, else waiting."""
        if self.status != self.Status.SPAM:
            return False
        known_author = (
            Comment.objects.filter(status=self.Status.APPROVED, author_email__iexact=self.author_email)
            .exclude(pk=self.pk)
            .exists()
            if self.author_email
            else False
        )
        return self._change_status(self.Status.APPROVED if known_author else self.Status.PENDING)

    def trash(self) -> bool:
        return self._change_status(self.Status.TRASH)

    def restore(self) -> bool:
        """Out of the trash, back to the moderation queue (the status before trashing is not kept)."""
        if self.status != self.Status.TRASH:
            return False
        return self._change_status(self.Status.PENDING)

    def _change_status(self, status: str) -> bool:
        if self.status == status:
            return False
        self.status = status
        self.save(update_fields=["status"])
        return True


class Subscription(models.Model):
    """An email address that asked for new comments on one post or page, or for new posts (both empty)."""

    class Kind(models.TextChoices):
        COMMENTS = "comments", "New comments on a post"
        POSTS = "posts", "New posts"

    email = models.EmailField(max_length=254)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="comment_subscriptions"
    )
    page = models.ForeignKey(
        Page, null=True, blank=True, on_delete=models.CASCADE, related_name="comment_subscriptions"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE)
    confirmed_at = models.DateTimeField(null=True, blank=True, help_text="Empty until the address confirms.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["email", "kind", "post"], name="subscription_unique"),
            models.UniqueConstraint(
                fields=["email", "kind", "page"], condition=Q(page__isnull=False), name="subscription_unique_page"
            ),
            models.UniqueConstraint(
                fields=["email", "kind"],
                condition=Q(post__isnull=True, page__isnull=True),
                name="subscription_unique_posts",
            ),
        ]

    def __str__(self):
        return f"{self.email}: {self.get_kind_display()}"

    @property
    def target(self) -> "Post | Page | None":
        """The post or page whose new comments are wanted; None for new-post emails."""
        return self.page if self.page_id else self.post


class DiscussionSettings(models.Model):
    """The site's discussion settings, edited by administrators (one row; WordPress's defaults)."""

    class Order(models.TextChoices):
        OLDEST_FIRST = "asc", "Oldest first"
        NEWEST_FIRST = "desc", "Newest first"

    thread_depth = models.PositiveSmallIntegerField(
        default=5, help_text="Replies nest this deep; at the deepest level 'Reply' is not offered."
    )
    comment_order = models.CharField(max_length=4, choices=Order.choices, default=Order.OLDEST_FIRST)
    comments_per_page = models.PositiveIntegerField(
        default=0, help_text="Top-level comments per page; 0 shows every comment on one page."
    )
    close_after_days = models.PositiveIntegerField(
        default=0, help_text="Close comments on posts older than this many days; 0 never closes them."
    )
    require_manual_approval = models.BooleanField("comment must be manually approved", default=False)
    require_previous_approval = models.BooleanField(
        "comment author must have a previously approved comment", default=True
    )
    max_links = models.PositiveSmallIntegerField(
        default=2, help_text="Hold a comment with more than this many links for moderation."
    )
    moderation_keys = models.TextField(
        "moderation words", blank=True, help_text="One word, IP or address per line: matching comments wait."
    )
    disallowed_keys = models.TextField(
        "disallowed words", blank=True, help_text="One per line: matching comments go straight to the trash."
    )
    notify_moderators = models.BooleanField("email moderators about held comments", default=True)
    notify_post_author = models.BooleanField("email the post author about new comments", default=True)
    edit_window_minutes = models.PositiveIntegerField(default=15)
    remote_avatars = models.BooleanField(
        "show Gravatar and social-account pictures",
        default=False,
        help_text=(
            "Off: commenters get a picture of their initials drawn by this site, and pages make no third-party "
            "requests. On: pictures come from gravatar.com (guests) and the social sites (signed-in readers), "
            "which then see every reader's IP address, and each comment publishes a hash of its author's email "
            "address that anyone can test guessed addresses against."
        ),
    )
    authors_moderate_own_posts = models.BooleanField(
        "authors moderate the comments on their own posts",
        default=True,
        help_text="Authors approve, hold, mark as spam and trash comments under their own posts (as on "
        "WordPress); otherwise they read and answer them, and editors moderate.",
    )

    class Meta:
        verbose_name = verbose_name_plural = "discussion settings"

    def __str__(self):
        return "Discussion settings"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.forget_avatar_source()

    AVATAR_SOURCE_CACHE_KEY = "comments:avatar-source"

    @classmethod
    def remote_avatars_allowed(cls) -> bool:
        """The administrators' choice of remote pictures, cached: read on every page that shows comments."""
        allowed = cache.get(cls.AVATAR_SOURCE_CACHE_KEY)
        if allowed is None:
            allowed = cls.load().remote_avatars
            cache.set(cls.AVATAR_SOURCE_CACHE_KEY, allowed, 300)
        return allowed

    @classmethod
    def forget_avatar_source(cls) -> None:
        cache.delete(cls.AVATAR_SOURCE_CACHE_KEY)

    @property
    def max_depth(self) -> int:
        """How deep replies nest: `thread_depth` within WordPress's 2–10 (the admin refuses anything else)."""
        return threads.shown_depth(self.thread_depth)

    def comments_open_for(self, target: "Post | Page") -> bool:
        """Open when the post or page is public, allows comments and is not older than the closing age."""
        if not target.comments_open or not target.is_public:
            return False
        if self.close_after_days:
            # A page has no publish date; its creation date stands in, as WordPress uses post_date for both.
            since = target.created_at if isinstance(target, Page) else target.published_at
            return since >= timezone.now() - timedelta(days=self.close_after_days)
        return True

    @classmethod
    def load(cls) -> "DiscussionSettings":
        settings_row, _ = cls.objects.get_or_create(pk=1)
        return settings_row


class PostAnnouncement(models.Model):
    """Records that subscribers were emailed about a post, so each post is announced once."""

    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="announcement")
    sent_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Announced {self.post}"


class UndeliveredEmail(models.Model):
    """An email the mail server kept refusing after every retry, kept so an administrator can see and resend it.

    The comment, subscription or post it is about is untouched: only the message waits here.
    """

    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=998)
    body = models.TextField()
    html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True, help_text="What the mail server (or the connection to it) said last.")
    failed_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-failed_at", "-pk"]
        verbose_name = "undelivered email"

    def __str__(self):
        return f"{self.subject} → {self.to}"
