"""Root URLs. Each app owns its own URLconf; the posts app's catch-all page URLs come last."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from mssite.views import healthz

# A database outage answers 503 with Retry-After instead of the 500 page (mssite.views.server_error).
handler500 = "mssite.views.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # With TASKS_BACKEND=rq: queues, workers and failed jobs for staff (the database queue is in the admin).
    path("admin/rq/", include("django_rq.urls")),
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
