"""The benchmarked site: production settings, plus what a throw-away loopback site needs.

Only what a bench must change is changed: plain HTTP on loopback (no TLS redirect, no proxy header),
flood control lifted so one client can measure posting throughput, mail discarded, and a cache key
prefix of its own so a shared Redis is never mixed with another site's keys.
"""

import os

from mssite.settings.production import *  # noqa: F403
from mssite.settings.production import CACHES

SECURE_SSL_REDIRECT = False
SECURE_PROXY_SSL_HEADER = None
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# Bench-only: one client posts hundreds of comments a second from one address.
COMMENTS_FLOOD_SECONDS = 0
COMMENTS_MIN_FORM_SECONDS = 0
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
COMMENTS_EMAIL_IN_BACKGROUND = False

_prefix = os.environ.get("BENCH_CACHE_PREFIX", "mssite-bench")
for _alias in CACHES.values():
    if "redis" in _alias["BACKEND"].lower():
        _alias["KEY_PREFIX"] = _prefix
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
