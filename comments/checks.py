"""Deployment checks (``manage.py check --deploy``) for what silently breaks a site's discussions in production.

- comments.W001: mail goes to the console (or nowhere), so moderators, authors and subscribers get nothing;
- comments.W002: the cache lives in each process, while more than one worker is expected: flood control, login
  limits and cached pages then differ from worker to worker;
- comments.W003: SITE_URL is a loopback address, so the links in every email point at the reader's own machine.
"""

import ipaddress
import os
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks

UNSENT_MAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
}
PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


def expected_workers() -> int:
    """Gunicorn's WEB_CONCURRENCY when set; otherwise more than one, as the README's deployment runs three."""
    try:
        return int(os.environ.get("WEB_CONCURRENCY", "") or 2)
    except ValueError:
        return 2


def is_loopback(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


@checks.register(checks.Tags.security, deploy=True)
def check_mail_is_sent(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    if settings.EMAIL_BACKEND not in UNSENT_MAIL_BACKENDS:
        return []
    return [
        checks.Warning(
            f"EMAIL_BACKEND is {settings.EMAIL_BACKEND}: no email leaves this server (moderation requests, "
            "new-comment notices, subscription confirmations).",
            hint="Set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and EMAIL_HOST (see the README).",
            id="comments.W001",
        )
    ]


@checks.register(checks.Tags.caches, deploy=True)
def check_cache_is_shared(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    workers = expected_workers()
    if backend not in PER_PROCESS_CACHES or workers <= 1:
        return []
    return [
        checks.Warning(
            f"The cache ({backend}) lives inside each process, and {workers} workers are expected: flood control, "
            "login limits and cached pages would each see only their own worker's share.",
            hint="Set REDIS_URL to share one cache between workers, or WEB_CONCURRENCY=1 for a single worker.",
            id="comments.W002",
        )
    ]


@checks.register(deploy=True)
def check_site_url_is_public(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    if not is_loopback(settings.SITE_URL):
        return []
    return [
        checks.Warning(
            f"SITE_URL is {settings.SITE_URL}, a loopback address: links in emails and feeds lead nowhere for readers.",
            hint="Set SITE_URL to the site's public address, e.g. https://blog.example.org.",
            id="comments.W003",
        )
    ]
