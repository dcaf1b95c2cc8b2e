"""Settings entry point: development by default, production with DJANGO_ENV=production."""

import os

if os.environ.get("DJANGO_ENV", "development").lower() == "production":
    from .production import *  # noqa: F403
else:
    from .development import *  # noqa: F403
