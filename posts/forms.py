"""Admin forms for writing posts and pages and uploading figures."""

from __future__ import annotations

from enum import StrEnum

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.db.models.functions import Length
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify

from posts import rendering
from posts.images import MAX_UPLOAD_BYTES, process_upload
from posts.models import EARLIEST_YEAR, LATEST_YEAR, Category, Image, Page, Post

BODY_HELP = (
    "Markdown: <code>**bold**</code>, <code>*italic*</code>, <code>## Heading</code>, <code>- list item</code>, "
    "<code>[link text](https://…)</code>. "
    "<strong>Figures:</strong> <code>[figure 12]</code> on a line of its own shows image 12 of the media library "
    'with its own caption; <code>[figure 12 caption="Your caption"]</code> gives it another caption here '
    "(use “curly” quotes inside a caption). "
    "Put <code>&lt;!--more--&gt;</code> where the excerpt on the home page should end."
)


class PublishAction(StrEnum):
    """The submit button an author pressed in the post form; its value is the button's name."""

    SAVE_DRAFT = "_save_draft"
    SUBMIT_FOR_REVIEW = "_submit_review"
    PUBLISH = "_publish"
    SCHEDULE = "_schedule"

    @classmethod
    def from_data(cls, data) -> PublishAction | None:
        return next((action for action in cls if action.value in data), None)


class MarkdownEditor(forms.Textarea):
    """A body textarea with a preview button, live preview and "Insert figure" (the scripts only enhance)."""

    template_name = "admin/posts/widgets/markdown_editor.html"

    def __init__(self, *, preview_url: str = "", attrs=None):
        super().__init__(attrs={"rows": 24, "class": "markdown-editor-input", **(attrs or {})})
        self.preview_url = preview_url

    class Media:
        css = {"all": ["css/admin-posts.css"]}
        js = ["js/post-admin.js"]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["preview_url"] = str(self.preview_url)
        context["widget"]["upload_url"] = reverse("admin:posts_image_upload")
        context["widget"]["choices_url"] = reverse("admin:posts_image_choices")
        context["widget"]["recent_images"] = Image.objects.only("pk", "alt_text", "file", "renditions")[:50]
        return context


def _unique_slug_error(*, slug: str, day, exclude_pk) -> ValidationError | None:
    if Post.objects.filter(publish_date=day, slug=slug).exclude(pk=exclude_pk).exists():
        return ValidationError(
            "Another post published on %(day)s already has this address; change the slug or the date.",
            code="duplicate_slug",
            params={"day": date_format(day)},
        )
    return None


# The publish dates an author may type.


class PostAdminForm(forms.ModelForm):
    """Post form whose submit buttons decide the status: Save draft, Submit for review, Publish, Schedule."""

    # Set by the admin for the signed-in user: may this user make posts public?
    can_publish = True

    class Meta:
        model = Post
        fields = [
            "title", "slug", "body", "excerpt", "status", "published_at", "author", "is_sticky",
            "comments_open", "categories", "tags", "featured_image", "body_format",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = PublishAction.from_data(self.data) if self.is_bound else None
        self.missing_image_ids: list[int] = []
        # The admin shows help text as HTML: spell the <!--more--> marker out, or it vanishes as a comment.
        if "body" in self.fields:
            self.fields["body"].help_text = BODY_HELP
        if "excerpt" in self.fields:
            self.fields["excerpt"].help_text = (
                "Optional summary for the home page and feeds; otherwise the text before "
                "<code>&lt;!--more--&gt;</code>, or the first 55 words."
            )
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields[
                "slug"
            ].help_text = "The last part of the post's address; left empty, it is made from the title."
        if "published_at" in self.fields:
            field = self.fields["published_at"]
            field.required = False
            # The model's callable default would make Django compare against a hidden copy sent by the
            # browser; "did the author type a date?" is answered against the saved post instead.
            field.show_hidden_initial = False
            field.help_text = (
                "Leave empty to publish at the moment you press Publish. A date in the future, with "
                "Schedule, publishes the post by itself at that time."
            )
            if self.instance._state.adding:
                self.initial["published_at"] = None
            # The admin draws the date and the time as two boxes under one legend: name each for screen readers.
            for box, name in zip(getattr(field.widget, "widgets", ()), ("Publish date", "Publish time"), strict=False):
                box.attrs["aria-label"] = name
        if "status" in self.fields and not self.can_publish:
            allowed = {Post.Status.DRAFT, Post.Status.PENDING, self.instance.status}
            self.fields["status"].choices = [c for c in self.fields["status"].choices if c[0] in allowed]

    def clean_published_at(self):
        # Dates at the calendar's edges overflow once moved to UTC or into the admin's date drill-down.
        date = self.cleaned_data.get("published_at")
        if date is not None and not EARLIEST_YEAR <= date.year <= LATEST_YEAR:
            raise ValidationError(
                "Choose a date between the years %(earliest)s and %(latest)s.",
                code="date_out_of_range",
                params={"earliest": EARLIEST_YEAR, "latest": LATEST_YEAR},
            )
        return date

    def clean(self):
        cleaned = super().clean()
        title = cleaned.get("title") or ""
        if "slug" in self.fields and not cleaned.get("slug") and title:
            cleaned["slug"] = slugify(title, allow_unicode=True)[:200].strip("-") or "post"
            self.errors.pop("slug", None)
        status, published_at = self._status_and_date(cleaned)
        if "status" in self.fields:
            cleaned["status"] = status
        else:
            self.instance.status = status
        cleaned["published_at"] = published_at
        if cleaned.get("slug") and published_at:
            error = _unique_slug_error(
                slug=cleaned["slug"], day=timezone.localdate(published_at), exclude_pk=self.instance.pk
            )
            if error:
                self.add_error("slug", error)
        body_format = cleaned.get("body_format") or self.instance.body_format
        self.missing_image_ids = rendering.render(cleaned.get("body") or "", body_format).missing_image_ids
        return cleaned

    def _status_and_date(self, cleaned) -> tuple[str, object]:
        """What the pressed button means for the status and the publish date (errors added to the form)."""
        now = timezone.now()
        date = cleaned.get("published_at")
        status = cleaned.get("status") or self.instance.status
        original = self.instance
        was_public = not original._state.adding and original.is_public
        if self.action in (PublishAction.PUBLISH, PublishAction.SCHEDULE) and not self.can_publish:
            raise ValidationError("You may not publish posts: use Submit for review.", code="cannot_publish")
        if self.action is PublishAction.SAVE_DRAFT:
            return Post.Status.DRAFT, date or now
        if self.action is PublishAction.SUBMIT_FOR_REVIEW:
            return Post.Status.PENDING, date or now
        if self.action is PublishAction.PUBLISH:
            typed_date = "published_at" in self.changed_data
            if date is not None and date > now and typed_date:
                # Publish means "now": rather than silently drop the future date just typed, ask.
                self.add_error(
                    "published_at",
                    ValidationError(
                        "This date is in the future. Press Schedule to publish the post then, "
                        "or clear the date to publish it now.",
                        code="publish_future_date",
                    ),
                )
                return Post.Status.PUBLISHED, date
            # A past date typed by the author (or kept on a public post) backdates it; otherwise now,
            # which also publishes a scheduled post early.
            backdated = date is not None and date <= now and (was_public or typed_date)
            return Post.Status.PUBLISHED, date if backdated else now
        if self.action is PublishAction.SCHEDULE:
            if "published_at" not in self.errors and (date is None or date <= now):
                self.add_error(
                    "published_at",
                    ValidationError(
                        "To schedule this post, choose a publish date in the future.", code="schedule_needs_future"
                    ),
                )
            return Post.Status.PUBLISHED, date
        # Plain "Save": the status chosen in the form.
        if (
            status in (Post.Status.PUBLISHED, Post.Status.PRIVATE)
            and not self.can_publish
            and status != original.status
        ):
            self.add_error("status", "You may not publish posts: use Submit for review.")
        return status, date or now


# First parts of the address that belong to other pages of the site, so a static page there would be hidden.
RESERVED_PAGE_SLUGS = {"admin", "accounts", "feed", "page", "preview", "category", "tag", "author", "comments",
                       "media", "static", "healthz", "sitemap.xml", "robots.txt"}  # fmt: skip


def _check_place_in_tree(form, *, slug: str, parent, what: str) -> None:
    """A category or page cannot sit inside itself, and its address (and its descendants') must fit."""
    instance = form.instance
    if parent and instance.pk and (parent.pk == instance.pk or parent.path.startswith(f"{instance.path}/")):
        form.add_error("parent", f"A {what} cannot be placed inside itself.")
        return
    model = type(instance)
    path = f"{parent.path}/{slug}" if parent else slug
    longest = len(path)
    if instance.pk:
        below = model.objects.filter(path__startswith=f"{instance.path}/").aggregate(longest=Max(Length("path")))
        if below["longest"]:
            longest += below["longest"] - len(instance.path)
    limit = model._meta.get_field("path").max_length
    if longest > limit:
        form.add_error(
            "slug",
            f"This would make an address {longest:,} characters long; the most is {limit:,}. "
            "Choose a shorter slug or a parent higher up.",
        )


class CategoryAdminForm(forms.ModelForm):
    """Category form: a real place in the tree, with an address that fits."""

    class Meta:
        model = Category
        fields = ["name", "slug", "parent", "description"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("slug"):
            _check_place_in_tree(self, slug=cleaned["slug"], parent=cleaned.get("parent"), what="category")
        return cleaned


class PageAdminForm(forms.ModelForm):
    """Static page form: its address (parent path + slug) must be free."""

    class Meta:
        model = Page
        fields = [
            "title", "slug", "body", "status", "parent", "order", "show_in_navigation", "comments_open",
            "author", "body_format",
        ]  # fmt: skip
        labels = {"show_in_navigation": "Show in the site menu"}
        help_texts = {"show_in_navigation": "Top-level published pages only, in the order of their numbers."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "body" in self.fields:
            self.fields["body"].help_text = BODY_HELP

    def clean(self):
        cleaned = super().clean()
        slug, parent = cleaned.get("slug"), cleaned.get("parent")
        if not slug:
            return cleaned
        if parent is None and (slug in RESERVED_PAGE_SLUGS or slug.isdigit()):
            self.add_error("slug", "This address is used by another part of the site; choose another slug.")
        path = f"{parent.path}/{slug}" if parent else slug
        if Page.objects.filter(path=path).exclude(pk=self.instance.pk).exists():
            self.add_error("slug", f"Another page already lives at /{path}/; choose another slug.")
        _check_place_in_tree(self, slug=slug, parent=parent, what="page")
        return cleaned


class ImageUploadForm(forms.ModelForm):
    """Upload to the media library: the same checks as ``posts.services.add_image``, shown as form errors."""

    file = forms.FileField(
        label="Image file",
        help_text=f"JPEG, PNG, GIF or WebP, up to {MAX_UPLOAD_BYTES // (1024 * 1024)} MB. Location data and "
        "other metadata are removed; smaller copies are made for fast pages.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}),
    )

    class Meta:
        model = Image
        fields = ["file", "alt_text", "caption", "credit"]
        widgets = {"caption": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.processed = None
        self.fields["alt_text"].required = True
        self.fields["alt_text"].error_messages["required"] = "Describe the image for readers who cannot see it."

    def clean_alt_text(self):
        alt_text = self.cleaned_data["alt_text"].strip()
        if not alt_text:
            raise ValidationError("Describe the image for readers who cannot see it.", code="required")
        return alt_text

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.processed = process_upload(upload)
        return upload


class ImageChangeForm(forms.ModelForm):
    """Editing an uploaded image: its words, not its pixels (upload a new image to change those)."""

    class Meta:
        model = Image
        fields = ["alt_text", "caption", "credit"]
        widgets = {"caption": forms.Textarea(attrs={"rows": 3})}


def staff_users():
    return get_user_model().objects.filter(is_active=True, is_staff=True).order_by("username")
