"""Root URLs. Each app owns its own URLconf; the posts app's catch-all page URLs come last."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts.forms import AdminLoginForm
from mssite.views import healthz
from posts.admin import view_on_site

admin.site.site_header = f"{settings.SITE_NAME} administration"
admin.site.site_title = f"{settings.SITE_NAME} admin"
# One failed-login limit and lockout for every sign-in door: the admin's goes through allauth's checks.
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Before the admin's own "view on site" redirect, which would reveal other authors' drafts.
    path("admin/r/<int:content_type_id>/<path:object_id>/", admin.site.admin_view(view_on_site)),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("comments.urls")),
    # Last: the posts app serves static pages at /slug/, a catch-all.
    path("", include("posts.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
