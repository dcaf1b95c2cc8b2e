"""The moderation desk: WordPress's comment screen in the Django admin.

Status tabs with counts, search, bulk actions, reply from the admin, and the discussion settings as a
single editable row. Moderation needs ``comments.moderate_comment`` (the Editor group has it) or a
superuser. The pending-count badge in the navigation belongs to the project's admin site (mssite/admin.py).
"""

import logging

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.defaultfilters import truncatewords
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html, format_html_join, strip_tags
from django.utils.http import url_has_allowed_host_and_scheme

from . import actions, links, outbox, tasks
from .forms import CommentAdminForm, DiscussionSettingsForm
from .models import Comment, DiscussionSettings, PostAnnouncement, Subscription, UndeliveredEmail

logger = logging.getLogger(__name__)

STATUS_PARAMETER = "comment_status"
POST_LOOKUPS = ("post__id__exact", "page__id__exact")
# Like WordPress, "All" is the live discussion: spam and trash have their own tabs.
LIVE_STATUSES = (Comment.Status.APPROVED, Comment.Status.PENDING)


def status_counts(request: HttpRequest, queryset=None) -> dict[str, int]:
    """Comments per status plus "all" (approved + pending), one query, remembered for the request.

    ``queryset`` is what this person may see (an author: the comments under their own posts).
    """
    counts: dict[str, int] | None = getattr(request, "_comment_status_counts", None)
    if counts is None:
        queryset = Comment.objects.all() if queryset is None else queryset
        rows = queryset.order_by().values_list("status").annotate(total=Count("pk"))
        counts = dict.fromkeys(Comment.Status.values, 0) | dict(rows)
        counts["all"] = sum(counts[status] for status in LIVE_STATUSES)
        setattr(request, "_comment_status_counts", counts)  # noqa: B010  (HttpRequest declares no such attribute)
    return counts


class StatusFilter(admin.SimpleListFilter):
    """Status tabs: All (approved and pending), Pending, Approved, Spam, Trash, each with its count."""

    title = "status"
    parameter_name = STATUS_PARAMETER

    def __init__(self, request, params, model, model_admin):
        self.request = request
        self.model_admin = model_admin
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        counts = status_counts(request, model_admin.get_queryset(request))
        return [(status, f"{label} ({counts[status]})") for status, label in _TAB_ORDER]

    def choices(self, changelist):
        choices = list(super().choices(changelist))
        counts = status_counts(self.request, self.model_admin.get_queryset(self.request))
        choices[0]["display"] = f"All ({counts['all']})"
        return choices

    def queryset(self, request, queryset):
        if self.value() in Comment.Status.values:
            return queryset.filter(status=self.value())
        return queryset.filter(status__in=LIVE_STATUSES)


class DiscussionFilter(admin.SimpleListFilter):
    """Comments under posts, or under static pages."""

    title = "in response to"
    parameter_name = "on"

    def lookups(self, request, model_admin):
        return [("posts", "Posts"), ("pages", "Pages")]

    def queryset(self, request, queryset):
        if self.value() == "posts":
            return queryset.filter(post__isnull=False)
        if self.value() == "pages":
            return queryset.filter(page__isnull=False)
        return queryset


_TAB_ORDER = [
    (Comment.Status.PENDING, "Pending"),
    (Comment.Status.APPROVED, "Approved"),
    (Comment.Status.SPAM, "Spam"),
    (Comment.Status.TRASH, "Trash"),
]


def _bulk(action: actions.Action, done: str):
    """An admin action that applies a moderation action to the selected comments."""

    def run(modeladmin, request, queryset):
        changed = actions.apply_action(comments=queryset.select_related("post", "page"), action=action)
        count = len(changed)
        modeladmin.message_user(
            request,
            f"{count} comment{'s' if count != 1 else ''} {done}." if count else "Nothing changed.",
            messages.SUCCESS if count else messages.INFO,
        )

    run.__name__ = f"bulk_{action.value}"
    return admin.action(description=action.label, permissions=["moderate"])(run)


# What each row offers, by status: (action, button label). Reply is offered on live comments.
ROW_ACTIONS: dict[str, list[tuple[actions.Action, str]]] = {
    Comment.Status.PENDING: [
        (actions.Action.APPROVE, "Approve"),
        (actions.Action.SPAM, "Spam"),
        (actions.Action.TRASH, "Trash"),
    ],
    Comment.Status.APPROVED: [
        (actions.Action.UNAPPROVE, "Unapprove"),
        (actions.Action.SPAM, "Spam"),
        (actions.Action.TRASH, "Trash"),
    ],
    Comment.Status.SPAM: [(actions.Action.NOT_SPAM, "Not spam"), (actions.Action.TRASH, "Trash")],
    Comment.Status.TRASH: [(actions.Action.RESTORE, "Restore"), (actions.Action.SPAM, "Spam")],
}
ROW_ACTION_DONE = {
    actions.Action.APPROVE: "approved",
    actions.Action.UNAPPROVE: "unapproved: it waits for moderation again",
    actions.Action.SPAM: "marked as spam",
    actions.Action.NOT_SPAM: "taken out of spam",
    actions.Action.TRASH: "moved to the trash",
    actions.Action.RESTORE: "restored from the trash",
}


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """The moderation list: editors see every discussion; an author sees (and, if the discussion settings
    allow, moderates) the comments under their own posts. Each row has its own Approve / Spam / Trash /
    Reply buttons (POST forms outside the list's form, so they work without JavaScript)."""

    form = CommentAdminForm
    change_list_template = "admin/comments/comment/change_list.html"
    list_display = ["author_column", "comment_column", "in_response_to", "status", "created_at"]
    list_display_links = None
    list_filter = [StatusFilter, DiscussionFilter, "type"]
    list_select_related = ["post", "page", "parent"]
    search_fields = ["author_name", "author_email", "body", "ip_address", "post__title", "page__title"]
    date_hierarchy = "created_at"
    list_per_page = 50
    ordering = ["-created_at", "-pk"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = [
        _bulk(actions.Action.APPROVE, "approved"),
        _bulk(actions.Action.UNAPPROVE, "unapproved and waiting for moderation"),
        _bulk(actions.Action.SPAM, "marked as spam"),
        _bulk(actions.Action.NOT_SPAM, "taken out of spam"),
        _bulk(actions.Action.TRASH, "moved to the trash"),
        _bulk(actions.Action.RESTORE, "restored from the trash"),
        "delete_permanently",
    ]
    fieldsets = [
        (None, {"fields": ["post_link", "parent_link", "status", "body"]}),
        ("Author", {"fields": ["author_name", "author_email", "author_url", "user", "ip_address", "user_agent"]}),
        ("History", {"fields": ["type", "created_at", "edited_at", "legacy_id"]}),
    ]
    readonly_fields = [
        "post_link",
        "parent_link",
        "user",
        "ip_address",
        "user_agent",
        "type",
        "created_at",
        "edited_at",
        "legacy_id",
    ]

    # Permissions -------------------------------------------------------------------------------

    def lookup_allowed(self, lookup, value, request=None):
        # The "Comments" column of the post list links here, filtered to one post.
        return lookup in POST_LOOKUPS or super().lookup_allowed(lookup, value, request)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not actions.can_moderate(request.user):
            # An author reaches only the discussion under their own posts: the list, the tabs' counts,
            # every comment's page, its actions and replies all look comments up through here.
            queryset = queryset.filter(post__author=request.user)
        return queryset

    def has_moderate_permission(self, request):
        if actions.can_moderate(request.user):
            return True
        return request.user.has_perm("comments.change_comment") and DiscussionSettings.load().authors_moderate_own_posts

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if not allowed or actions.can_moderate(request.user):
            return allowed
        # Authors change (approve, edit) comments under their own posts only if the settings allow.
        if obj is None:
            return self.has_moderate_permission(request)
        return actions.can_moderate_comment(request.user, obj)

    def can_reply(self, request, comment: Comment) -> bool:
        """Moderators answer anything; a post's author answers the live discussion under their own post."""
        if comment.is_removed:
            return False
        if actions.can_moderate(request.user):
            return True
        return comment.post is not None and comment.post.author_id == request.user.pk

    def has_add_permission(self, request):
        # Comments come from readers; moderators answer with "Reply" on a comment's page.
        return False

    def get_actions(self, request):
        found = super().get_actions(request)
        found.pop("delete_selected", None)  # it would cascade to replies; "Delete permanently" keeps them
        return found

    # The list ----------------------------------------------------------------------------------

    @admin.display(description="Author", ordering="author_name")
    def author_column(self, comment: Comment):
        if comment.is_removed:
            return "(deleted)"
        return format_html(
            "<strong>{}</strong>{}{}{}",
            comment.author_name,
            format_html('<br><a href="mailto:{0}">{0}</a>', comment.author_email) if comment.author_email else "",
            format_html("<br>{}", comment.author_url) if comment.author_url else "",
            format_html('<br><span class="quiet">{}</span>', comment.ip_address) if comment.ip_address else "",
        )

    @admin.display(description="Comment")
    def comment_column(self, comment: Comment):
        if comment.is_removed:
            return "This comment was deleted."
        return truncatewords(strip_tags(comment.body_html or comment.body), 30) or "(empty)"

    def get_list_display(self, request):
        """The comment column with its row actions; they depend on who is looking, so the request is bound here."""

        @admin.display(description="Comment")
        def comment_with_actions(comment: Comment):
            return format_html(
                '<div class="comment-text">{}</div>{}', self.comment_column(comment), self.row_actions(request, comment)
            )

        return [
            comment_with_actions if name == "comment_column" else name for name in super().get_list_display(request)
        ]

    def row_actions(self, request, comment: Comment) -> str:
        """Buttons under the comment: Edit (or View), the moderation actions its status allows, and Reply.

        They submit the row's own forms (rendered after the list, outside its form) with ``form="…"``.
        """
        change_url = reverse("admin:comments_comment_change", args=[comment.pk])
        moderate = not comment.is_removed and actions.can_moderate_comment(request.user, comment)
        edit_label = "Edit" if self.has_change_permission(request, comment) else "View"
        buttons = [format_html('<a href="{}" class="row-action-link">{}</a>', change_url, edit_label)]
        if moderate:
            buttons += [
                format_html(
                    '<button type="submit" form="row-actions-{}" name="do" value="{}" class="button row-action '
                    'row-action-{}">{}<span class="visually-hidden"> the comment by {}</span></button>',
                    comment.pk,
                    action.value,
                    action.value,
                    label,
                    comment.author_name,
                )
                for action, label in ROW_ACTIONS[comment.status]
            ]
        reply = ""
        if comment.status in LIVE_STATUSES and self.can_reply(request, comment):
            approves = comment.status != Comment.Status.APPROVED
            if approves and not moderate:
                reply = format_html('<p class="row-reply-note">{}</p>', "Answer it once it is approved.")
            else:
                reply = format_html(
                    '<details class="row-reply"><summary class="button">Reply</summary>'
                    '<label for="row-reply-body-{0}">Reply to {1}</label>'
                    '<textarea id="row-reply-body-{0}" name="body" form="row-reply-{0}" rows="4" required></textarea>'
                    '<button type="submit" form="row-reply-{0}" class="button default">{2}</button></details>',
                    comment.pk,
                    comment.author_name or "this comment",
                    "Approve and reply" if approves else "Send reply",
                )
        return format_html(
            '<div class="row-actions">{}</div>{}', format_html_join(" ", "{}", ((button,) for button in buttons)), reply
        )

    @admin.display(description="In response to", ordering="post__title")
    def in_response_to(self, comment: Comment):
        target = comment.target
        post = format_html(
            '{}<a href="{}">{}</a>', "Page: " if comment.page_id else "", _post_url(target), target.title
        )
        if comment.parent is None:
            return post
        parent = format_html(
            '<a href="{}">{}</a>',
            reverse("admin:comments_comment_change", args=[comment.parent.pk]),
            comment.parent.author_name or "a deleted comment",
        )
        return format_html("{}<br>in reply to {}", post, parent)

    @admin.display(description="Post or page")
    def post_link(self, comment: Comment):
        target = comment.target
        return format_html(
            '{}<a href="{}">{}</a>', "Page: " if comment.page_id else "", _post_url(target), target.title
        )

    @admin.display(description="In reply to")
    def parent_link(self, comment: Comment):
        parent = comment.parent
        if parent is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>: {}',
            reverse("admin:comments_comment_change", args=[parent.pk]),
            parent.author_name or "(deleted)",
            truncatewords(strip_tags(parent.body_html or parent.body), 20),
        )

    def changelist_view(self, request, extra_context=None):
        current = request.GET.get(STATUS_PARAMETER, "")
        counts = status_counts(request, self.get_queryset(request))
        tabs = [{"value": "", "label": "All", "count": counts["all"], "current": current not in Comment.Status.values}]
        tabs += [
            {"value": status, "label": label, "count": counts[status], "current": current == status}
            for status, label in _TAB_ORDER
        ]
        return super().changelist_view(request, {"status_tabs": tabs, **(extra_context or {})})

    # One comment -------------------------------------------------------------------------------

    def view_on_site(self, comment: Comment):
        """The comment page that shows it; nothing to view under a draft or private post or page."""
        return links.comment_url(comment) if comment.target.is_public else None

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = dict(extra_context or {})
        comment = self.get_object(request, object_id)
        if (
            comment is not None
            and self.can_reply(request, comment)
            and (comment.status == Comment.Status.APPROVED or actions.can_moderate_comment(request.user, comment))
        ):
            context["reply_url"] = reverse("admin:comments_comment_reply", args=[object_id])
        return super().change_view(request, object_id, form_url, context)

    def save_model(self, request, obj, form, change):
        was_approved = change and Comment.objects.filter(pk=obj.pk, status=Comment.Status.APPROVED).exists()
        super().save_model(request, obj, form, change)
        if obj.status == Comment.Status.APPROVED and not was_approved:
            outbox.enqueue_on_commit(tasks.comments_approved, [obj.pk])

    def get_urls(self):
        reply = self.admin_site.admin_view(self.reply_view)
        row_action = self.admin_site.admin_view(self.row_action_view)
        return [
            path("<path:object_id>/reply/", reply, name="comments_comment_reply"),
            path("<path:object_id>/moderate/", row_action, name="comments_comment_row_action"),
            *super().get_urls(),
        ]

    def _back_to_list(self, request) -> HttpResponseRedirect:
        """Back to the list as it was (its tab, search and page), never to another site."""
        changelist = reverse("admin:comments_comment_changelist")
        target = request.POST.get("next", "")
        if not (
            target.startswith(changelist)
            and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False)
        ):
            target = changelist
        return HttpResponseRedirect(target)

    def row_action_view(self, request, object_id):
        """One row's Approve / Unapprove / Spam / Not spam / Trash / Restore button (a POST, with the CSRF token)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        comment = self.get_object(request, object_id)  # only comments this person may see
        if comment is None:
            raise Http404("No such comment.")
        if not actions.can_moderate_comment(request.user, comment):
            raise PermissionDenied
        try:
            action = actions.Action(request.POST.get("do", ""))
        except ValueError:
            messages.error(request, "Choose Approve, Spam or Trash.")
            return self._back_to_list(request)
        changed = actions.apply_action(comments=[comment], action=action)
        who = comment.author_name or "a deleted comment"
        if changed:
            messages.success(request, f"The comment by {who} was {ROW_ACTION_DONE[action]}.")
        else:
            messages.info(request, f"The comment by {who} was already {ROW_ACTION_DONE[action].split(':')[0]}.")
        return self._back_to_list(request)

    def reply_view(self, request, object_id):
        """Post an approved reply as the signed-in moderator or post author, below the comment answered."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        parent = self.get_object(request, object_id)  # None for an unknown or malformed id, never a 500
        if parent is None:
            raise Http404("No such comment.")
        if not self.can_reply(request, parent) and not parent.is_removed:
            raise PermissionDenied
        change_url = reverse("admin:comments_comment_change", args=[parent.pk])
        body = request.POST.get("body", "").strip()
        if not body:
            messages.error(request, "Write a reply before sending it.")
            return HttpResponseRedirect(f"{change_url}#reply")
        if parent.is_removed:
            messages.error(request, "This comment was deleted; reply to another one.")
            return HttpResponseRedirect(change_url)
        if parent.status != Comment.Status.APPROVED and not actions.can_moderate_comment(request.user, parent):
            messages.error(request, "This comment waits for moderation: answer it once an editor approves it.")
            return HttpResponseRedirect(change_url)
        was_pending = parent.status != Comment.Status.APPROVED
        reply = actions.reply_as_moderator(parent=parent, user=request.user, body=body)
        text = "Your reply is published"
        if was_pending:
            text += "; the comment you answered is approved too"
        messages.success(
            request, format_html('{}. <a href="{}">View it on the site</a>.', text, links.comment_url(reply))
        )
        return self._back_to_list(request)

    # Deleting keeps threads whole --------------------------------------------------------------

    @admin.action(description="Delete permanently", permissions=["delete", "moderate"])
    def delete_permanently(self, request, queryset):
        deleted, kept = actions.delete_permanently(comments=list(queryset))
        text = f"{deleted} comment{'s' if deleted != 1 else ''} deleted permanently."
        if kept:
            text += (
                f" {kept} with replies {'were' if kept != 1 else 'was'} emptied and kept as"
                " “This comment was deleted.” so the thread stays intact."
            )
        self.message_user(request, text, messages.SUCCESS)

    def delete_model(self, request, obj):
        actions.delete_permanently(comments=[obj])

    def delete_queryset(self, request, queryset):
        actions.delete_permanently(comments=list(queryset))

    def get_deleted_objects(self, objs, request):
        # Replies are never deleted with their parent, so list only the comments themselves.
        _, _, perms_needed, protected = super().get_deleted_objects(objs, request)
        objs = list(objs)
        return [str(obj) for obj in objs], {self.opts.verbose_name_plural: len(objs)}, perms_needed, protected


def _post_url(post) -> str:
    """The public permalink for a public post or page, else its admin page (a draft has no public page)."""
    try:
        if post.is_public:
            return post.get_absolute_url()
        return reverse(f"admin:posts_{post._meta.model_name}_change", args=[post.pk])
    except NoReverseMatch:
        return "#"


@admin.register(DiscussionSettings)
class DiscussionSettingsAdmin(admin.ModelAdmin):
    """One row of settings: the list goes straight to it; it can be neither added nor deleted."""

    form = DiscussionSettingsForm
    fieldsets = [
        (
            "Threads",
            {
                "fields": [
                    "thread_depth",
                    "comment_order",
                    "comments_per_page",
                    "close_after_days",
                    "edit_window_minutes",
                ]
            },
        ),
        (
            "Before a comment appears",
            {
                "fields": [
                    "require_manual_approval",
                    "require_previous_approval",
                    "max_links",
                    "moderation_keys",
                    "disallowed_keys",
                ]
            },
        ),
        ("Email", {"fields": ["notify_moderators", "notify_post_author"]}),
        ("Avatars and privacy", {"fields": ["remote_avatars"]}),
        ("Authors", {"fields": ["authors_moderate_own_posts"]}),
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return redirect("admin:comments_discussionsettings_change", DiscussionSettings.load().pk)


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    """Who asked for email; an unconfirmed row has not answered the confirmation email (and gets nothing)."""

    list_display = ["email", "kind", "post", "page", "confirmed_at", "created_at"]
    list_filter = ["kind", ("confirmed_at", admin.EmptyFieldListFilter)]
    list_select_related = ["post", "page"]
    search_fields = ["email", "post__title", "page__title"]
    raw_id_fields = ["post", "page", "user"]
    readonly_fields = ["created_at"]


@admin.register(UndeliveredEmail)
class UndeliveredEmailAdmin(admin.ModelAdmin):
    """Messages the mail server kept refusing after every retry: read them, fix the server, send them again."""

    list_display = ["failed_at", "to", "subject", "attempts", "error"]
    search_fields = ["to", "subject"]
    readonly_fields = ["to", "subject", "body", "html", "headers", "attempts", "error", "failed_at"]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Send again", permissions=["change"])
    def send_again(self, request, queryset):
        emails = list(queryset)
        for email in emails:
            message = {"to": email.to, "subject": email.subject, "body": email.body, "html": email.html}
            outbox.enqueue_on_commit(outbox.send_email, {**message, "headers": email.headers})
        queryset.delete()
        self.message_user(request, f"{len(emails)} email{'s' if len(emails) != 1 else ''} queued again.")


@admin.register(PostAnnouncement)
class PostAnnouncementAdmin(admin.ModelAdmin):
    """A record that a post's new-post email went out: delete one to let it be sent again."""

    list_display = ["post", "sent_at"]
    list_select_related = ["post"]
    readonly_fields = ["post", "sent_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# The post and page lists' "Comments" column ----------------------------------------------------------
# posts knows nothing of comments: the project's admin site (mssite/admin.py) adds this column to its admins.


def approved_comment_count(on: str = "post"):
    """A subquery counting a post's (or page's) approved, not deleted comments: one query for the whole list."""
    counted = (
        Comment.objects.filter(**{on: OuterRef("pk")}, status=Comment.Status.APPROVED, is_removed=False)
        .order_by()
        .values(on)
        .annotate(total=Count("pk"))
        .values("total")
    )
    # A subquery rather than Count("comments"): the list's category and tag filters join other
    # tables, which would multiply a joined count.
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def comment_count_link(target, field: str) -> str:
    """The approved count of a post or page (annotated by the list's query), linking to its comments."""
    count = getattr(target, "approved_comment_count", 0)
    url = f"{reverse('admin:comments_comment_changelist')}?{field}__id__exact={target.pk}"
    label = f"{count} approved comment{'s' if count != 1 else ''}"
    return format_html('<a href="{}" class="comment-count" title="{}">{}</a>', url, label, count)


class CommentCountColumn(admin.ModelAdmin):
    """Mixin for a post or page ModelAdmin: a sortable "Comments" column, the approved count linking to them.

    Add "comment_count" to list_display; `discussion_field` is "post" or "page".
    """

    discussion_field = "post"

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(approved_comment_count=approved_comment_count(self.discussion_field))
        )

    @admin.display(description="Comments", ordering="approved_comment_count")
    def comment_count(self, target):
        return comment_count_link(target, self.discussion_field)
