"""Development: safe defaults so `make run` works on a fresh machine with nothing configured."""

import os

from .base import *  # noqa: F403
from .base import env, env_bool, env_list
from .social import social_providers

DEBUG = env_bool("DJANGO_DEBUG", True)
# A fixed key is fine here: production refuses to start without its own.
SECRET_KEY = env("DJANGO_SECRET_KEY", "django-insecure-development-only-key-never-use-in-production")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")

# Social login: a provider without credentials is simulated by the site itself (a labelled consent page
# and a demo identity), so the whole commenter flow can be tried at once. Off with DEBUG off.
SOCIAL_LOGIN_SIMULATION = DEBUG and env_bool("SOCIAL_LOGIN_SIMULATION", True)
SOCIALACCOUNT_PROVIDERS = social_providers(os.environ, simulate=SOCIAL_LOGIN_SIMULATION)
