"""The authoring side: writing, illustrating, scheduling and publishing in the Django admin.

Authors reach only their own posts (the changelist, and every change, delete and history URL);
editors (``posts.edit_others_posts``) reach all. Whether a user may make a post public is
``posts.publish_post``; without it the form offers "Submit for review" instead of Publish.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.views.decorators.http import require_POST

from posts import rendering, renditions, revisions
from posts.forms import (
    CategoryAdminForm,
    ImageChangeForm,
    ImageUploadForm,
    MarkdownEditor,
    PageAdminForm,
    PostAdminForm,
    PublishAction,
    staff_users,
)
from posts.models import BodyFormat, Category, Image, Post, Revision, Tag
from posts.services import store_image

PREVIEW_URL = reverse_lazy("admin:posts_post_preview")


def can_edit_others(request) -> bool:
    return request.user.has_perm("posts.edit_others_posts")


def can_publish(request) -> bool:
    return request.user.has_perm("posts.publish_post")


class PublicationStatusFilter(admin.SimpleListFilter):
    """Status as authors think of it, with "Scheduled" (published, in the future) apart from "Published"."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            ("draft", "Draft"),
            ("pending", "Pending review"),
            ("scheduled", "Scheduled"),
            ("published", "Published"),
            ("private", "Private"),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "scheduled":
                return queryset.scheduled()
            case "published":
                return queryset.published()
            case "draft" | "pending" | "private" as status:
                return queryset.filter(status=status)
        return queryset


class NulFreeSearch:
    """Search without NUL characters: PostgreSQL refuses them in a query, and the admin's autocomplete
    (the featured image and parent pickers) passes the typed term on unchecked, which was a 500."""

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, search_term.replace("\x00", ""))


class WrittenByStaffAdmin(admin.ModelAdmin):
    """Posts and pages: the author is chosen among staff, and a new one starts as the person writing it."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "author":
            kwargs["queryset"] = staff_users()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}


class WritingHistoryMixin:
    """Autosave, revisions with a readable diff, and one-click restore for the posts admin.

    Every endpoint finds the post through ``get_object`` (the author-filtered queryset) and checks
    ``has_change_permission`` for it, so an author reaches only their own posts, as in the change form.
    """

    RESTORE_AUTOSAVE = "restore_autosave"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("autosave/", wrap(self.autosave_view), name="posts_post_autosave_new"),
            path("<path:object_id>/autosave/", wrap(self.autosave_view), name="posts_post_autosave"),
            path("<path:object_id>/revisions/", wrap(self.revisions_view), name="posts_post_revisions"),
            path(
                "<path:object_id>/revisions/<int:revision_id>/restore/",
                wrap(self.restore_revision_view),
                name="posts_post_restore_revision",
            ),
            *super().get_urls(),
        ]

    def _post_to_change(self, request, object_id) -> Post:
        post = self.get_object(request, object_id)
        if post is None:
            raise Http404("No such post.")
        if not self.has_change_permission(request, post):
            raise PermissionDenied
        return post

    @method_decorator(require_POST)
    def autosave_view(self, request, object_id=None):
        """Keep what is being typed (JSON answer), or forget it with ``discard``; the post is never changed."""
        if object_id is None:
            if not self.has_add_permission(request):
                raise PermissionDenied
            post = None
        else:
            post = self._post_to_change(request, object_id)
        if "discard" in request.POST:
            revisions.discard_autosave(post=post, user=request.user)
            if request.headers.get("X-Requested-With") == "fetch":
                return JsonResponse({"discarded": True})
            self.message_user(request, "The autosaved text was discarded.", messages.INFO)
            if post is None:
                return HttpResponseRedirect(reverse("admin:posts_post_add"))
            return HttpResponseRedirect(reverse("admin:posts_post_change", args=[post.pk]))
        autosave = revisions.save_autosave(
            post=post,
            user=request.user,
            title=request.POST.get("title", ""),
            excerpt=request.POST.get("excerpt", ""),
            body=request.POST.get("body", ""),
        )
        saved_at = timezone.localtime(autosave.saved_at)
        return JsonResponse(
            {"saved_at": saved_at.isoformat(), "saved_at_display": date_format(saved_at, "TIME_FORMAT")}
        )

    def revisions_view(self, request, object_id):
        """The saved versions of a post, newest first; one of them compared with the current version."""
        post = self._post_to_change(request, object_id)
        history = list(post.revisions.select_related("author"))
        chosen = None
        if request.GET.get("revision", "").isdigit():
            chosen = next((item for item in history if item.pk == int(request.GET["revision"])), None)
        if chosen is None and len(history) > 1:
            chosen = history[1]  # the version before the current one
        context = {
            **self.admin_site.each_context(request),
            "title": f"Revisions of “{post.title}”",
            "opts": self.opts,
            "original": post,
            "post": post,
            "revisions": history,
            "chosen": chosen,
            "diffs": revisions.compare(post, chosen) if chosen else [],
            "summary": revisions.summary(revisions.compare(post, chosen)) if chosen else "",
            "change_url": reverse("admin:posts_post_change", args=[post.pk]),
        }
        return TemplateResponse(request, "admin/posts/post/revisions.html", context)

    @method_decorator(require_POST)
    def restore_revision_view(self, request, object_id, revision_id):
        post = self._post_to_change(request, object_id)
        revision = Revision.objects.filter(post=post, pk=revision_id).first()
        if revision is None:
            raise Http404("No such revision of this post.")
        revisions.restore_revision(revision=revision, user=request.user)
        saved = date_format(timezone.localtime(revision.created_at), "DATETIME_FORMAT")
        self.message_user(
            request,
            f"The version of {saved} is restored. The version it replaced is kept in the revisions.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:posts_post_change", args=[post.pk]))

    # -- the change form: offer an autosave, restore it into the form, keep a revision on save ---

    def get_object(self, request, object_id, from_field=None):
        post = super().get_object(request, object_id, from_field)
        if post is not None and request.method == "GET" and self.RESTORE_AUTOSAVE in request.GET:
            autosave = revisions.autosave_to_offer(post=post, user=request.user)
            if autosave is not None:
                # Into the form only: the post changes when the author presses a save button.
                post.title, post.excerpt, post.body = autosave.title, autosave.excerpt, autosave.body
                post.restored_autosave = autosave
        return post

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.pop(self.RESTORE_AUTOSAVE, None)
        if self.RESTORE_AUTOSAVE in request.GET:
            autosave = revisions.autosave_to_offer(post=None, user=request.user)
            if autosave is not None:
                initial.update(title=autosave.title, excerpt=autosave.excerpt, body=autosave.body)
        return initial

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        restoring = self.RESTORE_AUTOSAVE in request.GET
        offer = None if restoring else revisions.autosave_to_offer(post=obj, user=request.user)
        context.update(
            autosave_url=reverse("admin:posts_post_autosave", args=[obj.pk])
            if obj
            else reverse("admin:posts_post_autosave_new"),
            autosave_offer=offer,
            autosave_restored=restoring
            and bool(
                getattr(obj, "restored_autosave", None)
                if obj
                else revisions.autosave_to_offer(post=None, user=request.user)
            ),
            revisions_url=reverse("admin:posts_post_revisions", args=[obj.pk]) if obj else "",
            revision_count=obj.revisions.count() if obj else 0,
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        if change and not obj.revisions.exists():
            # The first save through the admin: keep the version it replaces too.
            before = Post.objects.filter(pk=obj.pk).first()
            if before is not None:
                revisions.record_revision(post=before, user=before.author)
        super().save_model(request, obj, form, change)
        revisions.record_revision(post=obj, user=request.user)
        revisions.discard_autosave(post=obj, user=request.user)
        if not change:
            revisions.discard_autosave(post=None, user=request.user)


class PostAdmin(WritingHistoryMixin, NulFreeSearch, WrittenByStaffAdmin):
    """Posts for writing: authors see only their own; the buttons Save draft, Publish and Schedule set the status.

    Registered by the project's admin site (mssite/admin.py), which adds the comments column.
    """

    form = PostAdminForm
    change_form_template = "admin/posts/post/change_form.html"
    # A plain tuple so the project's admin can extend it (it adds the comment count).
    list_display = ("title", "status_column", "published_at", "author")
    list_display_links = ("title",)
    list_filter = (PublicationStatusFilter, "categories", "tags", "author")
    list_select_related = ("author",)
    date_hierarchy = "published_at"
    search_fields = ("title", "excerpt", "body")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("featured_image",)
    filter_horizontal = ("categories", "tags")
    readonly_fields = ("legacy_id",)
    list_per_page = 50
    fieldsets = (
        (None, {"fields": ("title", "slug", "body", "excerpt")}),
        ("Publishing", {"fields": ("status", "published_at", "author", "is_sticky", "comments_open")}),
        ("Topics and figure", {"fields": ("categories", "tags", "featured_image")}),
        ("Imported from WordPress", {"classes": ("collapse",), "fields": ("body_format", "legacy_id")}),
    )

    class Media:
        css = {"all": ["css/admin-posts.css"]}
        js = ["js/post-autosave.js"]

    # -- who sees what -------------------------------------------------------------------------

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not can_edit_others(request):
            # Authors never reach other authors' posts: not in the list, and not by URL
            # (change, delete and history look the object up through this queryset).
            queryset = queryset.filter(author=request.user)
        return queryset

    def _owns_or_edits_others(self, request, obj) -> bool:
        return obj is None or obj.author_id == request.user.pk or can_edit_others(request)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._owns_or_edits_others(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._owns_or_edits_others(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._owns_or_edits_others(request, obj)

    def get_list_filter(self, request):
        if can_edit_others(request):
            return self.list_filter
        return tuple(item for item in self.list_filter if item != "author")

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if not can_edit_others(request):
            fields += ("author",)  # an author cannot hand a post to someone else
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"can_publish": can_publish(request)})

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "body":
            kwargs["widget"] = MarkdownEditor(preview_url=PREVIEW_URL)
        if db_field.name == "excerpt":
            kwargs["widget"] = admin.widgets.AdminTextareaWidget(attrs={"rows": 3})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    # -- list columns --------------------------------------------------------------------------

    @admin.display(description="status", ordering="status")
    def status_column(self, post):
        css_class = post.status_label.lower().split()[0]
        return format_html('<span class="post-status post-status-{}">{}</span>', css_class, post.status_label)

    def view_on_site(self, post):
        try:
            if post.is_public:
                return post.get_absolute_url()
            return reverse("posts:preview", kwargs={"pk": post.pk})
        except NoReverseMatch:
            return None  # also a refused form shown again with its slug emptied: no link until it is saved

    # -- saving --------------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if not can_edit_others(request) or not obj.author_id:
            obj.author = request.user
        super().save_model(request, obj, form, change)
        for image_id in form.missing_image_ids:
            self.message_user(
                request,
                f"The body shows [figure {image_id}], but there is no image {image_id} in the media library: "
                "readers see nothing there.",
                messages.WARNING,
            )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context.update(
            can_publish=can_publish(request),
            preview_url=PREVIEW_URL,
            post_is_public=bool(obj and obj.is_public),
            post_is_scheduled=bool(obj and obj.is_scheduled),
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_add(self, request, obj, post_url_continue=None):
        return self._response_to_action(request, obj) or super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        return self._response_to_action(request, obj) or super().response_change(request, obj)

    def _response_to_action(self, request, post):
        """After Save draft / Submit for review / Publish / Schedule: say what happened, stay on the post."""
        action = PublishAction.from_data(request.POST)
        if action is None or "_popup" in request.POST:
            return None
        title = format_html("“{}”", post.title)
        if action is PublishAction.SAVE_DRAFT:
            message = format_html("{} was saved as a draft. Readers cannot see it.", title)
        elif action is PublishAction.SUBMIT_FOR_REVIEW:
            message = format_html("{} was submitted for review: an editor will publish it.", title)
        elif post.is_scheduled:
            message = format_html(
                "{} is scheduled: it appears by itself on {}.",
                title,
                date_format(timezone.localtime(post.published_at), "DATETIME_FORMAT"),
            )
        else:
            message = format_html('{} is published. <a href="{}">View post</a>', title, post.get_absolute_url())
        self.message_user(request, message, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:posts_post_change", args=[post.pk]))

    # -- preview -------------------------------------------------------------------------------

    def get_urls(self):
        preview = path("preview/", self.admin_site.admin_view(self.preview_view), name="posts_post_preview")
        return [preview, *super().get_urls()]

    def preview_view(self, request):
        """Render a body with the real renderer: JSON for the live preview, a page for the Preview button."""
        return body_preview(request, admin_site=self.admin_site)


def _can_preview(user) -> bool:
    return any(user.has_perm(f"posts.{perm}") for perm in ("add_post", "change_post", "add_page", "change_page"))


@require_POST
def body_preview(request, *, admin_site):
    if not _can_preview(request.user):
        raise PermissionDenied
    body_format = request.POST.get("body_format") or BodyFormat.MARKDOWN
    if body_format not in BodyFormat.values:
        body_format = BodyFormat.MARKDOWN
    rendered = rendering.render(request.POST.get("body", ""), body_format)
    warnings = [
        f"[figure {image_id}]: there is no image {image_id} in the media library, so readers see nothing there."
        for image_id in rendered.missing_image_ids
    ]
    if request.headers.get("X-Requested-With") == "fetch":
        return JsonResponse({"html": rendered.html, "warnings": warnings})
    response = render(
        request,
        "admin/posts/post/preview.html",
        {
            "title": request.POST.get("title", "") or "Untitled",
            "body_html": rendered.html,
            "warnings": warnings,
            "site_header": admin_site.site_header,
        },
    )
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = "no-store"
    return response


@admin.register(Image)
class ImageAdmin(NulFreeSearch, admin.ModelAdmin):
    """The media library: upload (verified and processed by Pillow), alt text required, figure snippet to copy."""

    list_display = ("thumbnail", "description", "figure_snippet_column", "dimensions", "uploaded_by", "uploaded_at")
    list_display_links = ("thumbnail", "description")
    search_fields = ("alt_text", "caption", "credit", "file")
    list_filter = ("uploaded_at",)
    date_hierarchy = "uploaded_at"
    list_select_related = ("uploaded_by",)
    list_per_page = 40
    change_list_template = "admin/posts/image/change_list.html"
    # The figure picker of the post editor lists this many images, newest first (search finds older ones).
    PICKER_SIZE = 50

    class Media:
        css = {"all": ["css/admin-posts.css"]}

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("upload/", wrap(self.upload_view), name="posts_image_upload"),
            path("choices/", wrap(self.choices_view), name="posts_image_choices"),
            *super().get_urls(),
        ]

    @method_decorator(require_POST)
    def upload_view(self, request):
        """Upload from the post editor (an image dropped or pasted into the body): JSON, alt text required."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImageUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            errors = {name: [str(message) for message in messages_] for name, messages_ in form.errors.items()}
            return JsonResponse({"errors": errors}, status=400)
        image = form.save(commit=False)
        image.uploaded_by = request.user
        store_image(image=image, processed=form.processed, filename=form.cleaned_data["file"].name)
        return JsonResponse(picker_entry(image), status=201)

    def choices_view(self, request):
        """The figure picker's list (newest first, or matching ``q``), so it refreshes without a reload."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        queryset = self.get_queryset(request).only("pk", "alt_text", "caption", "file", "renditions", "width")
        term = request.GET.get("q", "").strip()
        if term:
            queryset, _ = self.get_search_results(request, queryset, term)
        return JsonResponse({"images": [picker_entry(image) for image in queryset[: self.PICKER_SIZE]]})

    def has_change_permission(self, request, obj=None):
        # Everyone who writes may browse the whole library (to insert figures), but an author
        # rewrites only the alt text and captions of images they uploaded.
        allowed = super().has_change_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return obj.uploaded_by_id == request.user.pk or can_edit_others(request)

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = ImageChangeForm if obj else ImageUploadForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["file", "alt_text", "caption", "credit"]
        return [
            "preview",
            "figure_snippet_column",
            "alt_text",
            "caption",
            "credit",
            "dimensions",
            "files",
            "uploaded_by",
            "uploaded_at",
            "legacy_url",
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["preview", "figure_snippet_column", "dimensions", "files", "uploaded_by", "uploaded_at", "legacy_url"]

    @admin.display(description="image")
    def thumbnail(self, image):
        return format_html(
            '<img class="admin-thumbnail" src="{}" alt="" width="80" height="{}" loading="lazy">',
            image.thumbnail_url,
            round(80 * image.height / image.width) if image.width else 80,
        )

    @admin.display(description="alt text", ordering="alt_text")
    def description(self, image):
        return Truncator(image.alt_text).chars(90)

    @admin.display(description="preview")
    def preview(self, image):
        return format_html(
            '<img class="admin-image-preview" src="{}" alt="{}" width="{}" height="{}">',
            image.url_for_width(480),
            image.alt_text,
            min(480, image.width),
            round(min(480, image.width) * image.height / image.width) if image.width else 0,
        )

    @admin.display(description="insert in a post with")
    def figure_snippet_column(self, image):
        return format_html(
            '<code class="figure-snippet" title="Copy this into a post body, on a line of its own">{}</code>',
            image.figure_snippet,
        )

    @admin.display(description="size")
    def dimensions(self, image):
        return f"{image.width} × {image.height}"

    @admin.display(description="files")
    def files(self, image):
        files = [(image.file.url, f"original, {image.width} px wide, {image.original_format}")]
        files += [
            (image.file.storage.url(item["name"]), f"{item['width']} px wide, {item['format']}")
            for item in sorted(image.renditions, key=lambda item: (item["width"], item["format"]))
        ]
        pending = ""
        if renditions.missing(image):
            pending = format_html(
                "<p>{}</p>",
                "The smaller copies are being made by the task worker; pages show the original until then.",
            )
        return format_html(
            '<ul class="image-files">{}</ul>{}', format_html_join("", '<li><a href="{}">{}</a></li>', files), pending
        )

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        obj.uploaded_by = request.user
        # The form already verified and processed the upload with the same checks as add_image.
        store_image(image=obj, processed=form.processed, filename=form.cleaned_data["file"].name)

    def response_add(self, request, obj, post_url_continue=None):
        if "_popup" not in request.POST:
            self.message_user(
                request,
                format_html(
                    "Uploaded. Put <code>{}</code> on a line of its own in a post to show it as a figure.",
                    obj.figure_snippet,
                ),
                messages.INFO,
            )
        return super().response_add(request, obj, post_url_continue)


def picker_entry(image: Image) -> dict:
    """What the post editor's figure picker shows of one image."""
    return {
        "id": image.pk,
        "figure": image.figure_snippet,
        "alt_text": image.alt_text,
        "caption": image.caption,
        "thumbnail_url": image.thumbnail_url,
    }


class PostCountAdmin(NulFreeSearch, admin.ModelAdmin):
    """A sortable "posts" column counted in the list's own query, for categories and tags."""

    def get_queryset(self, request):
        # The count's GROUP BY drops Meta.ordering; keep it so the autocomplete pickers page consistently.
        return super().get_queryset(request).annotate(post_count=Count("posts")).order_by(*self.model._meta.ordering)

    @admin.display(description="posts", ordering="post_count")
    def post_count(self, term):
        return term.post_count


@admin.register(Category)
class CategoryAdmin(PostCountAdmin):
    form = CategoryAdminForm
    list_display = ("name", "path", "parent", "post_count")
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("parent",)
    list_select_related = ("parent",)


@admin.register(Tag)
class TagAdmin(PostCountAdmin):
    list_display = ("name", "slug", "post_count")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


class PageAdmin(NulFreeSearch, WrittenByStaffAdmin):
    """Static pages: a tree of titled pages; registered by the project's admin site (mssite/admin.py)."""

    form = PageAdminForm
    list_display = ("title", "path", "parent", "order", "status", "show_in_navigation")
    # The site menu is edited here: tick what it shows, number the order, save once.
    list_editable = ("order", "show_in_navigation")
    list_filter = ("status", "show_in_navigation")
    search_fields = ("title", "body")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("parent",)
    list_select_related = ("parent",)
    readonly_fields = ("legacy_id",)
    fieldsets = (
        (None, {"fields": ("title", "slug", "body")}),
        (
            "Place and status",
            {"fields": ("status", "parent", "order", "show_in_navigation", "comments_open", "author")},
        ),
        ("Imported from WordPress", {"classes": ("collapse",), "fields": ("body_format", "legacy_id")}),
    )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "body":
            kwargs["widget"] = MarkdownEditor(preview_url=PREVIEW_URL)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def view_on_site(self, page):
        return page.get_absolute_url() if page.is_public else None
