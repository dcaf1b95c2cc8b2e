"""Root URLs. Each app owns its own URLconf; the posts app's catch-all page URLs come last."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from mssite.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
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
