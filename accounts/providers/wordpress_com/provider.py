"""The WordPress.com provider: who the reader is, from `GET /rest/v1.1/me`."""

from allauth.account.models import EmailAddress
from allauth.socialaccount.providers.base import ProviderAccount
from allauth.socialaccount.providers.oauth2.provider import OAuth2Provider

from .views import WordPressComOAuth2Adapter


class WordPressComAccount(ProviderAccount):
    def get_profile_url(self) -> str | None:
        return self.account.extra_data.get("profile_URL") or None

    def get_avatar_url(self) -> str | None:
        return self.account.extra_data.get("avatar_URL") or None

    def to_str(self) -> str:
        return self.account.extra_data.get("display_name") or super().to_str()


class WordPressComProvider(OAuth2Provider):
    id = "wordpress_com"
    name = "WordPress.com"
    account_class = WordPressComAccount
    oauth2_adapter_class = WordPressComOAuth2Adapter

    def get_default_scope(self) -> list[str]:
        # "auth" is the scope that grants /me; WordPress.com has no narrower one.
        return ["auth"]

    def extract_uid(self, data: dict) -> str:
        return str(data["ID"])

    def extract_common_fields(self, data: dict) -> dict:
        return {
            "username": data.get("username"),
            "name": data.get("display_name"),
            "email": data.get("email"),
        }

    def extract_email_addresses(self, data: dict) -> list[EmailAddress]:
        email = data.get("email")
        if not email:
            return []
        return [EmailAddress(email=email, verified=bool(data.get("email_verified")), primary=True)]


provider_classes = [WordPressComProvider]
