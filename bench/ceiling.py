"""The ceiling: the smallest Django 5.2 app, one view returning 7 KB, no middleware, no database.

Served by the same gunicorn settings as the site, its requests/s are what Django itself costs on this
machine; every page of the site is reported as a ratio to it.
"""

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

_PARAGRAPH = "<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt.</p>\n"
PAYLOAD = (_PARAGRAPH * (7 * 1024 // len(_PARAGRAPH) + 1))[: 7 * 1024].encode()


def page(request):
    return HttpResponse(PAYLOAD, content_type="text/html; charset=utf-8")


urlpatterns = [path("", page)]

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-ceiling-not-secret",
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=[],
        INSTALLED_APPS=[],
        DATABASES={},
        USE_TZ=True,
    )

application = get_wsgi_application()
