"""Posts, static pages, categories, tags and the media library."""

import re

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from posts import rendering
from posts.rendering import BodyFormat
from posts.sidebar import forget_footer_links

# Primary keys (and WordPress ids kept as legacy_id) are signed 64-bit: a larger number names nothing.
LARGEST_ID = 2**63 - 1
# Publish dates an author may set and an import keeps: far enough apart for any blog, and clear of the
# calendar's ends, where converting to UTC or drilling down by date overflows.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2999


class Category(models.Model):
    """A hierarchical topic, served at /category/parent/child/."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, allow_unicode=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    description = models.TextField(blank=True)
    # "parent/child": derived from the slugs on save so URLs resolve in one query.
    path = models.CharField(max_length=1000, unique=True, editable=False)
    legacy_id = models.BigIntegerField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["path"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(fields=["parent", "slug"], name="category_unique_slug_per_parent"),
            models.UniqueConstraint(
                fields=["slug"], condition=Q(parent__isnull=True), name="category_unique_top_level_slug"
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.path = f"{self.parent.path}/{self.slug}" if self.parent_id else self.slug
        super().save(*args, **kwargs)
        forget_footer_links()
        for child in self.children.all():
            child.save()

    def get_absolute_url(self):
        return reverse("posts:category", kwargs={"path": self.path})


class Tag(models.Model):
    """A free-form keyword, served at /tag/slug/."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)
    legacy_id = models.BigIntegerField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("posts:tag", kwargs={"slug": self.slug})


class PostQuerySet(models.QuerySet):
    def published(self):
        """The one rule for what the public sees: published, and its publish time has come."""
        return self.filter(status=Post.Status.PUBLISHED, published_at__lte=timezone.now())

    def moved_from(self, *, publish_date, slug: str) -> "Post | None":
        """The post of this queryset that last lived at /publish_date/slug/ before its slug or date changed."""
        previous = (
            PreviousSlug.objects.filter(publish_date=publish_date, slug=slug, post__in=self)
            .select_related("post")
            .first()
        )
        return previous.post if previous else None

    def scheduled(self):
        """Published with a publish time still to come: they appear by themselves, no cron needed."""
        return self.filter(status=Post.Status.PUBLISHED, published_at__gt=timezone.now())

    def visible_to(self, user):
        """What a signed-in author or editor may preview: public posts plus their own or, for editors, all."""
        if user.is_authenticated and user.has_perm("posts.edit_others_posts"):
            return self.all()
        if user.is_authenticated:
            return self.filter(Q(pk__in=self.published().values("pk")) | Q(author=user))
        return self.published()

    def with_meta(self):
        """What a post's byline, categories and tags need, in a constant number of queries."""
        return self.select_related("author", "featured_image").prefetch_related("categories", "tags")

    def in_category(self, category):
        """Posts filed under `category` or any of its subcategories, as WordPress lists a category."""
        branch = Category.objects.filter(Q(pk=category.pk) | Q(path__startswith=f"{category.path}/"))
        return self.filter(pk__in=Post.categories.through.objects.filter(category__in=branch).values("post_id"))

    def related_to(self, post, *, limit: int = 3):
        """Posts sharing the most tags and categories with `post`, newest first among equals: one query.

        Reads the post's own tags and categories from its prefetch (``with_meta``) when it has one.
        """
        tag_ids = [tag.pk for tag in post.tags.all()]
        category_ids = [category.pk for category in post.categories.all()]
        if not tag_ids and not category_ids:
            return self.none()
        shared_tags = models.Count("tags", filter=Q(tags__in=tag_ids), distinct=True)
        shared_categories = models.Count("categories", filter=Q(categories__in=category_ids), distinct=True)
        return (
            self.exclude(pk=post.pk)
            .filter(Q(tags__in=tag_ids) | Q(categories__in=category_ids))
            .annotate(shared=shared_tags + shared_categories)
            .order_by("-shared", "-published_at", "-pk")
            .only("title", "slug", "published_at", "publish_date")[:limit]
        )

    def older_than(self, post):
        """Posts before `post` in reading order (ties on the publish time broken by primary key), newest first."""
        return self.filter(
            Q(published_at__lt=post.published_at) | Q(published_at=post.published_at, pk__lt=post.pk)
        ).order_by("-published_at", "-pk")

    def newer_than(self, post):
        """Posts after `post` in reading order, oldest first."""
        return self.filter(
            Q(published_at__gt=post.published_at) | Q(published_at=post.published_at, pk__gt=post.pk)
        ).order_by("published_at", "pk")


class Post(models.Model):
    """A dated blog article, served at /YYYY/MM/DD/slug/."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PENDING = "pending", "Pending review"
        PUBLISHED = "published", "Published"
        PRIVATE = "private", "Private"

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, allow_unicode=True, help_text="The last part of the post's address.")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts")
    body = models.TextField(blank=True, help_text=rendering.FIGURE_SYNTAX_HELP)
    body_format = models.CharField(max_length=10, choices=BodyFormat, default=BodyFormat.MARKDOWN)
    body_html = models.TextField(blank=True, editable=False)
    excerpt = models.TextField(blank=True, help_text="Optional summary; otherwise the text before <!--more-->.")
    excerpt_html = models.TextField(blank=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    published_at = models.DateTimeField(
        "publish date", default=timezone.now, help_text="A future date schedules the post."
    )
    # The calendar day of published_at in the site's time zone: part of the permalink and its uniqueness.
    publish_date = models.DateField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    featured_image = models.ForeignKey(
        "Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="featured_in"
    )
    categories = models.ManyToManyField(Category, blank=True, related_name="posts")
    tags = models.ManyToManyField(Tag, blank=True, related_name="posts")
    comments_open = models.BooleanField("allow comments", default=True)
    is_sticky = models.BooleanField("sticky", default=False, help_text="Keep at the top of the front page.")
    legacy_id = models.BigIntegerField(
        null=True, blank=True, unique=True, help_text="The WordPress post ID, for /?p=ID links."
    )

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        get_latest_by = "published_at"
        permissions = [
            ("publish_post", "Can publish posts"),
            ("edit_others_posts", "Can edit other authors' posts"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["publish_date", "slug"], name="post_unique_slug_per_day"),
        ]
        indexes = [models.Index(fields=["status", "published_at"], name="post_status_published_idx")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.publish_date = timezone.localdate(self.published_at)
        self.render()
        previous = None
        if self.pk:
            previous = Post.objects.filter(pk=self.pk).values("slug", "publish_date").first()
        super().save(*args, **kwargs)
        forget_footer_links()
        if previous and (previous["slug"], previous["publish_date"]) != (self.slug, self.publish_date):
            # Keep the old permalink so links to it redirect here (the post that last lived there wins).
            PreviousSlug.objects.update_or_create(
                publish_date=previous["publish_date"], slug=previous["slug"], defaults={"post": self}
            )

    def get_absolute_url(self):
        return reverse("posts:detail", kwargs=self.permalink_kwargs())

    def render(self) -> None:
        """Store the body and excerpt as sanitised HTML, so readers never wait for Markdown."""
        self.body_html = rendering.render_body(self.body, self.body_format)
        self.excerpt_html = rendering.render_excerpt(
            excerpt=self.excerpt, body=self.body, body_format=self.body_format, body_html=self.body_html
        )

    def permalink_kwargs(self) -> dict:
        return {
            "year": self.publish_date.year,
            "month": f"{self.publish_date.month:02d}",
            "day": f"{self.publish_date.day:02d}",
            "slug": self.slug,
        }

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.published_at <= timezone.now()

    @property
    def is_scheduled(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.published_at > timezone.now()

    @property
    def status_label(self) -> str:
        """The status as an author thinks of it: a published post whose time has not come is "Scheduled"."""
        return "Scheduled" if self.is_scheduled else self.get_status_display()


class PreviousSlug(models.Model):
    """An old permalink of a post whose slug or date changed, so old links redirect."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="previous_slugs")
    publish_date = models.DateField()
    slug = models.SlugField(max_length=200, allow_unicode=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["publish_date", "slug"], name="previous_slug_unique")]

    def __str__(self):
        return f"{self.publish_date:%Y/%m/%d}/{self.slug}"


class PageQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Page.Status.PUBLISHED)


class Page(models.Model):
    """A static page such as "About" or "Disclaimer", served at /slug/ (nested /parent/child/)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, allow_unicode=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    path = models.CharField(max_length=1000, unique=True, editable=False)
    body = models.TextField(blank=True, help_text=rendering.FIGURE_SYNTAX_HELP)
    body_format = models.CharField(max_length=10, choices=BodyFormat, default=BodyFormat.MARKDOWN)
    body_html = models.TextField(blank=True, editable=False)
    order = models.IntegerField(default=0, help_text="Lower numbers come first in the navigation.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    show_in_navigation = models.BooleanField(default=True)
    comments_open = models.BooleanField("allow comments", default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="pages"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    legacy_id = models.BigIntegerField(null=True, blank=True, unique=True)

    objects = PageQuerySet.as_manager()

    class Meta:
        ordering = ["order", "title"]
        constraints = [models.UniqueConstraint(fields=["parent", "slug"], name="page_unique_slug_per_parent")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.path = f"{self.parent.path}/{self.slug}" if self.parent_id else self.slug
        self.body_html = rendering.render_body(self.body, self.body_format)
        super().save(*args, **kwargs)
        for child in self.children.all():
            child.save()

    def get_absolute_url(self):
        return reverse("posts:page", kwargs={"path": self.path})

    @property
    def is_public(self) -> bool:
        """The same rule as ``Page.objects.published()``, for one page already in hand."""
        return self.status == self.Status.PUBLISHED


def image_upload_to(instance, filename):
    now = timezone.now()
    return f"uploads/{now:%Y/%m}/{filename}"


def _delete_files_on_commit(storage, names: list[str]) -> None:
    """Remove stored files once the deletion is committed (a rolled-back delete keeps them)."""

    def delete_files():
        # Renditions before the original: its name is free for a new upload only once they are gone (their names
        # derive from it, posts.renditions).
        for name in reversed(names):
            storage.delete(name)

    transaction.on_commit(delete_files)


def rerender_bodies_showing(image_ids: list[int]) -> None:
    """Posts and pages store their HTML: render again the Markdown bodies that show these images as figures."""
    mentions = Q()
    for pk in image_ids:
        mentions |= Q(body__contains=str(pk))
    if not mentions:
        return
    # The database narrows to bodies with a figure and the id's digits; the figure syntax decides.
    ids = "|".join(str(pk) for pk in image_ids)
    shows = re.compile(rf"\[figure\s+0*(?:{ids})(?!\d)")
    bodies = Q(mentions, body__contains="[figure", body_format=BodyFormat.MARKDOWN)
    for post in Post.objects.filter(bodies).only("body", "body_format", "excerpt"):
        if shows.search(post.body) or shows.search(post.excerpt):
            post.render()
            Post.objects.filter(pk=post.pk).update(body_html=post.body_html, excerpt_html=post.excerpt_html)
    for page in Page.objects.filter(bodies).only("body", "body_format"):
        if shows.search(page.body):
            Page.objects.filter(pk=page.pk).update(body_html=rendering.render_body(page.body, page.body_format))


class ImageQuerySet(models.QuerySet):
    def delete(self):
        """Bulk deletes (the admin's "Delete selected" too) remove every image's files as well."""
        images = list(self)
        pks = [image.pk for image in images]
        result = super().delete()
        for image in images:
            _delete_files_on_commit(image.file.storage, image.stored_names())
        rerender_bodies_showing(pks)
        return result


# Extension of the original file → the format name used in renditions.
_FORMAT_BY_EXTENSION = {"jpg": "jpeg", "jpeg": "jpeg", "png": "png", "gif": "gif", "webp": "webp"}


class Image(models.Model):
    """An uploaded figure in the media library, with renditions made once by Pillow.

    Create images with ``posts.services.add_image``, which verifies and processes the upload.
    """

    file = models.ImageField(upload_to=image_upload_to, width_field="width", height_field="height")
    alt_text = models.CharField(
        max_length=500, help_text="Describe the image for readers who cannot see it (required)."
    )
    caption = models.TextField(blank=True)
    credit = models.CharField(max_length=300, blank=True)
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    # [{"width": 480, "format": "webp", "name": "uploads/…-jpg.480w.webp"}, …] made once, on upload for small images
    # and by a task worker for large ones (posts.renditions); empty until then, and pages show the original.
    renditions = models.JSONField(default=list, blank=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="images"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    legacy_id = models.BigIntegerField(null=True, blank=True, unique=True)
    legacy_url = models.URLField(max_length=1000, blank=True, help_text="Its URL on the old WordPress site.")

    objects = ImageQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return self.alt_text or self.file.name

    def save(self, *args, **kwargs):
        adding = self._state.adding
        super().save(*args, **kwargs)
        if not adding:
            rerender_bodies_showing([self.pk])  # new alt text or caption

    def delete(self, *args, **kwargs):
        names, pk = self.stored_names(), self.pk
        result = super().delete(*args, **kwargs)
        _delete_files_on_commit(self.file.storage, names)
        rerender_bodies_showing([pk])  # no figure pointing at files that are gone
        return result

    def stored_names(self) -> list[str]:
        """Every file this image owns in storage: the original and its renditions."""
        names = [self.file.name] if self.file else []
        return names + [rendition["name"] for rendition in self.renditions]

    @property
    def original_format(self) -> str:
        """ "jpeg", "png", "gif" or "webp", from the stored original's extension."""
        return _FORMAT_BY_EXTENSION.get(self.file.name.rsplit(".", 1)[-1].lower(), "")

    @property
    def figure_snippet(self) -> str:
        """What to paste into a post body to show this image as a figure."""
        return f"[figure {self.pk}]"

    def candidates(self, fmt: str | None = None) -> list[tuple[int, str]]:
        """(width, URL) pairs in one format, narrowest first; the original is included in its own format."""
        fmt = fmt or self.original_format
        storage = self.file.storage
        pairs = [(item["width"], storage.url(item["name"])) for item in self.renditions if item["format"] == fmt]
        if fmt == self.original_format and self.file:
            pairs.append((self.width, self.file.url))
        return sorted(pairs)

    def srcset(self, fmt: str | None = None) -> str:
        """A ``srcset`` value for one format (the original's by default); empty if there is nothing in it."""
        return ", ".join(f"{url} {width}w" for width, url in self.candidates(fmt))

    def url_for_width(self, width: int, fmt: str | None = None) -> str:
        """The narrowest file at least ``width`` pixels wide (else the widest there is) in a format."""
        candidates = self.candidates(fmt) or self.candidates()
        for candidate_width, url in candidates:
            if candidate_width >= width:
                return url
        return candidates[-1][1] if candidates else ""

    @property
    def thumbnail_url(self) -> str:
        """A small file for lists (the admin's thumbnails)."""
        return self.url_for_width(160, "webp")


class Revision(models.Model):
    """A saved version of a post's words: each save keeps one, so an author can compare and restore."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    title = models.CharField(max_length=300)
    excerpt = models.TextField(blank=True)
    body = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["post", "-created_at"], name="revision_post_created_idx")]

    def __str__(self):
        return f"{self.title} ({timezone.localtime(self.created_at):%Y-%m-%d %H:%M})"

    def same_words_as(self, other) -> bool:
        return (self.title, self.excerpt, self.body) == (other.title, other.excerpt, other.body)


class Autosave(models.Model):
    """The unsaved words of a post one person is editing, kept beside the post and never over it.

    One per post and person (``post`` is empty for a post not yet saved); offered for restore when
    its author opens the post again.
    """

    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.CASCADE, related_name="autosaves")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    saved_at = models.DateTimeField(default=timezone.now)
    title = models.CharField(max_length=300, blank=True)
    excerpt = models.TextField(blank=True)
    body = models.TextField(blank=True)

    class Meta:
        ordering = ["-saved_at"]
        constraints = [
            models.UniqueConstraint(fields=["post", "user"], name="autosave_one_per_post_and_user"),
            models.UniqueConstraint(
                fields=["user"], condition=Q(post__isnull=True), name="autosave_one_new_post_per_user"
            ),
        ]

    def __str__(self):
        return f"Autosave of {self.title or 'a new post'}"

    def differs_from(self, post) -> bool:
        return (self.title, self.excerpt, self.body) != (post.title, post.excerpt, post.body)
