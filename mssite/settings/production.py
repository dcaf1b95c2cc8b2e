"""Production: refuses to start without a secret key, allowed hosts and the site's public address; passes `check --deploy`."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, SECRET_KEY, env, env_bool, env_list

if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_ENV=production.")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_ENV=production.")
# Every link in an email, a comment feed or an export is built from SITE_URL: the development default
# (http://127.0.0.1:8000) would send readers to their own machine.
if not env("SITE_URL").strip().lower().startswith(("https://", "http://")):
    raise ImproperlyConfigured(
        "SITE_URL must be set to the site's public address (https://blog.example.org) when DJANGO_ENV=production."
    )

DEBUG = env_bool("DJANGO_DEBUG", False)
if DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG cannot be on when DJANGO_ENV=production.")
if env_bool("SOCIAL_LOGIN_SIMULATION", False):
    raise ImproperlyConfigured("SOCIAL_LOGIN_SIMULATION cannot be on when DJANGO_ENV=production.")
SOCIAL_LOGIN_SIMULATION = False

SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (nginx, a load balancer).
if env_bool("DJANGO_BEHIND_PROXY", True):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Our proxies (one nginx by default) each append the address they saw to X-Forwarded-For: the reader's
    # address is exactly that many entries from the right; anything further left the client wrote itself.
    ALLAUTH_TRUSTED_PROXY_COUNT = int(env("DJANGO_TRUSTED_PROXY_COUNT", "1"))
SECURE_HSTS_SECONDS = int(env("DJANGO_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
# A load balancer probes /healthz over plain HTTP: answer it instead of redirecting it to HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", *env_list("DJANGO_REDIRECT_EXEMPT")]
ADMINS = [("Admin", address) for address in env_list("DJANGO_ADMINS")]
