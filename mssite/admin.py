"""The project's admin site: what belongs to the whole site rather than to one app.

It owns the header, the pending-comments badge in the navigation, the author-safe "view on site"
redirect, the pages it does not offer, and the post and page admins composed from the posts app's
authoring admin and the comments app's "Comments" column. Apps register only their own models.
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.contenttypes import views as contenttype_views
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models.base import ModelBase
from django.http import Http404, HttpResponseRedirect
from django.urls import path
from django.utils.html import format_html

from accounts.forms import AdminLoginForm
from comments.models import Comment
from posts.models import Page, Post


class SiteAdmin(admin.AdminSite):
    """`admin.site` for this project (see mssite.apps.SiteAdminConfig)."""

    site_header = f"{settings.SITE_NAME} administration"
    site_title = f"{settings.SITE_NAME} admin"
    # One failed-login limit and lockout for every sign-in door: the admin's goes through allauth's checks.
    login_form = AdminLoginForm
    # Social-login credentials come only from the environment: a "Social application" typed in the admin would be
    # ignored (accounts.adapter.SocialAccountAdapter.list_apps) and tokens are never stored
    # (SOCIALACCOUNT_STORE_TOKENS is off), so pages for them would only invite mistakes.
    hidden_models = frozenset({"socialaccount.SocialApp", "socialaccount.SocialToken"})

    def register(self, model_or_iterable, admin_class=None, **options):
        models = [model_or_iterable] if isinstance(model_or_iterable, ModelBase) else list(model_or_iterable)
        shown = [model for model in models if model._meta.label not in self.hidden_models]
        if shown:
            super().register(shown, admin_class, **options)

    # The pending count in the navigation -------------------------------------------------------------

    def get_app_list(self, request, app_label=None):
        """The index and the sidebar menus, with the number of comments waiting next to "Comments"."""
        app_list = super().get_app_list(request, app_label)
        for app in app_list:
            for model in app["models"]:
                if model.get("model") is Comment:
                    # What this person may moderate: an author's badge counts only their own posts' comments.
                    visible = self.get_model_admin(Comment).get_queryset(request)
                    pending = visible.filter(status=Comment.Status.PENDING).count()
                    if pending:
                        model["name"] = format_html(
                            '{} <span class="pending-count" title="{} waiting for moderation">{}</span>',
                            model["name"],
                            f"{pending} comment{'s' if pending != 1 else ''}",
                            pending,
                        )
                    model["pending_count"] = pending
        return app_list

    # "View on site" --------------------------------------------------------------------------------

    def get_urls(self):
        # Before the admin's own redirect (same address and name), which would reveal other authors' drafts.
        view_on_site = path(
            "r/<int:content_type_id>/<path:object_id>/",
            self.admin_view(self.view_on_site_redirect),
            name="view_on_site",
        )
        return [view_on_site, *super().get_urls()]

    def view_on_site_redirect(self, request, content_type_id: int, object_id: str):
        """The admin's "view on site" redirect (/admin/r/…/) for objects this user may see in the admin only.

        Django's own redirects for any object, which would tell an author the date and slug (so the title)
        of another author's draft; a post that is not public opens in its preview.
        """
        content_type = ContentType.objects.filter(pk=content_type_id).first()
        model = content_type.model_class() if content_type else None
        if model is None or not self.is_registered(model):
            raise Http404("Nothing to view on the site.")
        model_admin = self.get_model_admin(model)
        try:
            obj = model_admin.get_queryset(request).filter(pk=object_id).first()
        except (ValueError, ValidationError):
            obj = None
        if obj is None or not model_admin.has_view_or_change_permission(request, obj):
            raise Http404("Nothing to view on the site.")
        if callable(model_admin.view_on_site):
            url = model_admin.view_on_site(obj)
            if not url:
                raise Http404("Nothing to view on the site.")
            return HttpResponseRedirect(url)
        return contenttype_views.shortcut(request, content_type_id, object_id)


# Posts and pages: the authoring admin plus the comments column ------------------------------------------


def register_composed_admins(site: admin.AdminSite | None = None) -> None:
    """Register the post and page admins composed from the posts and comments apps.

    Called by SiteAdminConfig.ready() once every app registered its own models. The apps' admin modules are
    imported here, not at the top: this module is imported while `admin.site` itself is being created.
    """
    from comments.admin import CommentCountColumn
    from posts import admin as posts_admin

    class PostAdmin(CommentCountColumn, posts_admin.PostAdmin):
        """Posts for writing, with the approved-comment count linking to the post's comments."""

        list_display = (*posts_admin.PostAdmin.list_display, "comment_count")

    class PageAdmin(CommentCountColumn, posts_admin.PageAdmin):
        """Static pages, with whether their discussion is open and the same "Comments" column."""

        discussion_field = "page"
        list_display = (*posts_admin.PageAdmin.list_display, "comments_open", "comment_count")

    site = site or admin.site
    site.register(Post, PostAdmin)
    site.register(Page, PageAdmin)
