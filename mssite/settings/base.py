"""Settings shared by every environment. Everything a deployment changes comes from the environment."""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from .social import social_providers

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


SECRET_KEY = env("DJANGO_SECRET_KEY")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

SITE_NAME = env("SITE_NAME", "MS Research Notes")
SITE_TAGLINE = env("SITE_TAGLINE", "Multiple sclerosis research, treatment and discussion")
# The public address of the site, for absolute links in email (no request there to ask).
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_ID = 1

INSTALLED_APPS = [
    "mssite.apps.SiteAdminConfig",  # django.contrib.admin with the project's admin site (mssite/admin.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    # Social login providers, in the order their icons are shown.
    "accounts.providers.wordpress_com",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.twitter_oauth2",
    "allauth.socialaccount.providers.facebook",
    "accounts",
    "posts",
    "comments",
    "wordpress",
    # Background work (Django Tasks API backport): the database queue is the embedded default.
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "django_tasks_rq",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so static files carry the Content-Security-Policy too: every response has it.
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions, CSRF and auth: a cached public page costs one cache read (posts/pagecache.py).
    "posts.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.SocialLoginRateLimitMiddleware",
    # Last, just before the view: a reader with a cookie gets the cached page with the comment form made theirs.
    "posts.pagecache.PersonalPageMiddleware",
]

ROOT_URLCONF = "mssite.urls"
WSGI_APPLICATION = "mssite.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite in the project directory unless DATABASE_URL says otherwise (postgres://user@host:5432/name).
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared state. With REDIS_URL (redis://127.0.0.1:6379/0) every app server shares one cache (pages, rate
# limits, flood counters) and sessions are cached there in front of the database (cached_db: a Redis restart
# logs nobody out). Without it the cache is a table in the database (created by `migrate`), so every worker
# process still sees the same login limits, flood control and one-time codes.
REDIS_URL = env("REDIS_URL")
REDIS_KEY_PREFIX = env("REDIS_KEY_PREFIX", "mssite")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": REDIS_KEY_PREFIX,
        },
        # Whole public pages (posts/pagecache.py), shared by every process and machine.
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"{REDIS_KEY_PREFIX}-pages",
        },
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "mssite_cache",
            # Django culls a database cache past 300 entries: too few to keep counters and used links.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        },
        # Files, not process memory: every worker of this machine sees the same pages and the same generation,
        # so an invalidation in one process is seen by the next request in any other (and a page read is
        # a file read, not a database query).
        "pages": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            # In the (git-ignored) project folder, not a shared /tmp another user could plant pickles in.
            "LOCATION": env("PAGE_CACHE_DIR", str(BASE_DIR / ".local" / "page-cache")),
            "OPTIONS": {"MAX_ENTRIES": 2000},
        },
    }
# The full-page cache (posts/pagecache.py): seconds a public page may be served at most (changes invalidate it
# at once), and a switch for operators.
PAGE_CACHE_SECONDS = int(env("PAGE_CACHE_SECONDS", "3600"))
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE_ENABLED", True)

# Background work through the Django Tasks API. "database" (django-tasks-db, the default) keeps the queue in
# the site's own database, durable across restarts, run by `manage.py db_worker`; "rq" (django-tasks-rq) puts
# it in Redis for any number of workers on any hosts (`manage.py rqworker --with-scheduler`). REDIS_URL alone
# chooses "rq"; TASKS_BACKEND says so explicitly. Tests use the immediate backend (settings/test.py).
TASKS_BACKEND = env("TASKS_BACKEND", "rq" if REDIS_URL else "database").lower()
TASKS_QUEUE = env("TASKS_QUEUE", "default")
RQ_QUEUES = {TASKS_QUEUE: {"URL": env("RQ_URL", REDIS_URL or "redis://127.0.0.1:6379/0"), "DEFAULT_TIMEOUT": 600}}
if TASKS_BACKEND == "rq":
    if not (REDIS_URL or env("RQ_URL")):
        raise ImproperlyConfigured("TASKS_BACKEND=rq needs REDIS_URL (or RQ_URL) to say where Redis is.")
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [TASKS_QUEUE]}}
elif TASKS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": [TASKS_QUEUE]}}
elif TASKS_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": [TASKS_QUEUE]}}
else:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be database, rq or immediate, not {TASKS_BACKEND!r}.")


AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "optional"

# Social login for commenters (see README "Social login"). Credentials come only from the environment.
SOCIALACCOUNT_PROVIDERS = social_providers(os.environ)
SOCIAL_LOGIN_SIMULATION = False  # development.py may turn it on; never with DEBUG off or in production
SOCIALACCOUNT_ADAPTER = "accounts.adapter.SocialAccountAdapter"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_USER_DISPLAY = "accounts.identity.display_name"  # "Successfully signed in as Grace Hopper."
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_REQUIRED = False  # X gives no email; Facebook's are unverified
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"  # commenters are not sent verification mail
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # never merge accounts because emails match
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_QUERY_EMAIL = True
SOCIALACCOUNT_LOGIN_ON_GET = False  # the icons POST; a GET shows a confirmation page
SOCIALACCOUNT_STORE_TOKENS = False
# Requests per client IP per minute on /accounts/<provider>/login/ and its /callback/.
SOCIAL_LOGIN_RATE_LIMITS = {"start": 20, "callback": 30}
# How comments meet social login (identity, provider icons, client address, verified emails): accounts' adapter.
COMMENTS_ADAPTER = "accounts.adapter.CommentsAdapter"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files browsers ask for at the site root (favicon.ico, apple-touch-icon.png), served there by whitenoise.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
MEDIA_URL = env("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
# Media: the file system by default; S3-compatible object storage (django-storages) with MEDIA_STORAGE=s3,
# so every app server sees every upload. Bucket, endpoint, region and credentials from the environment.
MEDIA_STORAGE = env("MEDIA_STORAGE", "filesystem").lower()
if MEDIA_STORAGE == "s3":
    MEDIA_STORAGE_BACKEND = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("S3_BUCKET"),
            "endpoint_url": env("S3_ENDPOINT_URL") or None,
            "region_name": env("S3_REGION") or None,
            "access_key": env("S3_ACCESS_KEY_ID") or None,
            "secret_key": env("S3_SECRET_ACCESS_KEY") or None,
            # Blog figures are public: plain URLs that caches and readers can keep, unless told otherwise.
            "querystring_auth": env_bool("S3_QUERYSTRING_AUTH", False),
            "custom_domain": env("S3_CUSTOM_DOMAIN") or None,
            "url_protocol": env("S3_URL_PROTOCOL", "https:"),
            "addressing_style": env("S3_ADDRESSING_STYLE") or None,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
    if not MEDIA_STORAGE_BACKEND["OPTIONS"]["bucket_name"]:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs S3_BUCKET.")
elif MEDIA_STORAGE == "filesystem":
    MEDIA_STORAGE_BACKEND = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
else:
    raise ImproperlyConfigured(f"MEDIA_STORAGE must be filesystem or s3, not {MEDIA_STORAGE!r}.")
STORAGES = {
    "default": MEDIA_STORAGE_BACKEND,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploads larger than this are refused before Django reads them into memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
# Seconds to wait for the mail server at each step: a hung server must never hold a request for long.
EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "5"))
# Where django.core.mail.backends.filebased.EmailBackend writes each message (one file per connection).
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(BASE_DIR / "sent-mail"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "MS Research Notes <noreply@localhost>")
SERVER_EMAIL = env("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}


# Content-Security-Policy on every response (django-csp; see docs/security.md). Our pages, the admin and
# allauth's need no inline script or style: JavaScript lives in static/js, CSS in static/css, so markup that
# slips into a page cannot run. Images: ours, plus https: for avatars that providers host (a social account's
# picture, Gravatar); CSP_IMG_SRC narrows that (e.g. "'self' data:" once avatars are served locally).
# Uploads may come from the media storage's origin (an absolute MEDIA_URL, an S3 endpoint or custom domain).
# No form-action: the social login buttons POST to us and are redirected to the provider.
def _media_origins() -> list[str]:
    """Where uploaded images are served from when that is not this site: an absolute MEDIA_URL, the S3 bucket."""
    addresses = [MEDIA_URL]
    if MEDIA_STORAGE == "s3":
        options = MEDIA_STORAGE_BACKEND["OPTIONS"]
        if options["custom_domain"]:
            addresses.append(f"{options['url_protocol']}//{options['custom_domain']}")
        addresses.append(options["endpoint_url"] or "https://s3.amazonaws.com")
    parts = [urlsplit(address) for address in addresses]
    return sorted({f"{part.scheme}://{part.netloc}" for part in parts if part.netloc})


_MEDIA_ORIGIN = _media_origins()
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": env("CSP_IMG_SRC", "'self' data: https:").split() + _MEDIA_ORIGIN,
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF, *_MEDIA_ORIGIN],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "report-uri": env_list("CSP_REPORT_URI") or None,
    },
}
