"""Every ``COMMENTS_*`` setting with its default, read in one place (as ``allauth.account.app_settings``).

Use ``from comments import app_settings`` then ``app_settings.FLOOD_SECONDS``: each property reads
``django.conf.settings`` when asked, so ``override_settings`` and pytest-django's ``settings`` work.
"""

from django.conf import settings


class AppSettings:
    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def _setting(self, name: str, default):
        return getattr(settings, self.prefix + name, default)

    @property
    def ADAPTER(self) -> str:
        """Dotted path of the CommentsAdapter subclass that customises the app (comments.adapter)."""
        return self._setting("ADAPTER", "comments.adapter.CommentsAdapter")

    @property
    def FLOOD_SECONDS(self) -> int:
        """At most one comment per this many seconds per address and per account (0 turns it off)."""
        return self._setting("FLOOD_SECONDS", 15)

    @property
    def FORM_MAX_AGE(self) -> int:
        """Seconds a comment form stays valid after it was shown."""
        return self._setting("FORM_MAX_AGE", 24 * 60 * 60)

    @property
    def MIN_FORM_SECONDS(self) -> float:
        """A form sent back sooner than this after it was shown is refused as automated."""
        return self._setting("MIN_FORM_SECONDS", 3)

    @property
    def SPAM_CHECKERS(self) -> list[str]:
        """Dotted paths of spam checkers (callables, or classes with an Akismet-style ``check``); none by default."""
        return list(self._setting("SPAM_CHECKERS", ()))


_app_settings = AppSettings("COMMENTS_")


def __getattr__(name: str):
    # PEP 562: `app_settings.FLOOD_SECONDS` reads the property of the one instance.
    return getattr(_app_settings, name)
