"""Settings entry point: DJANGO_ENV picks development (the default), production or test.

Any other value refuses to start: a typo such as `prod` or ` production` must never fall back to
development settings (DEBUG on, the simulated social sign-in, insecure cookies) on a public server.
"""

import os

from django.core.exceptions import ImproperlyConfigured

ENVIRONMENTS = ("development", "production", "test")


def environment_name(value: str | None) -> str:
    """The settings module DJANGO_ENV names, case and surrounding spaces ignored; unset means development."""
    name = (value or "").strip().lower() or "development"
    if name not in ENVIRONMENTS:
        raise ImproperlyConfigured(f"DJANGO_ENV must be one of {', '.join(ENVIRONMENTS)}, not {value!r}.")
    return name


DJANGO_ENV = environment_name(os.environ.get("DJANGO_ENV"))

if DJANGO_ENV == "production":
    from .production import *  # noqa: F403
elif DJANGO_ENV == "test":
    from .test import *  # noqa: F403
else:
    from .development import *  # noqa: F403
