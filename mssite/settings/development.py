"""Development: safe defaults so `make run` works on a fresh machine with nothing configured."""

from .base import *  # noqa: F403
from .base import env, env_bool, env_list

DEBUG = env_bool("DJANGO_DEBUG", True)
# A fixed key is fine here: production refuses to start without its own.
SECRET_KEY = env("DJANGO_SECRET_KEY", "django-insecure-development-only-key-never-use-in-production")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
