"""System checks: a provider given only half its credentials stays hidden, so say which variable is missing."""

from django.conf import settings
from django.core import checks


@checks.register()
def check_social_login_credentials(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    messages = []
    for provider_id, provider_settings in getattr(settings, "SOCIALACCOUNT_PROVIDERS", {}).items():
        missing = provider_settings.get("MISSING_CREDENTIAL")
        if missing:
            messages.append(
                checks.Warning(
                    f"{missing} is not set, so the real {provider_id} login is off.",
                    hint="Set both variables of the pair, or neither (see docs/social-login.md).",
                    id="accounts.W001",
                )
            )
    return messages
