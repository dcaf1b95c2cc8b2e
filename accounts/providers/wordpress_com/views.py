"""WordPress.com's OAuth 2 endpoints; each can be overridden in SOCIALACCOUNT_PROVIDERS (tests, simulation)."""

from allauth.socialaccount import app_settings
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.oauth2.views import OAuth2Adapter, OAuth2CallbackView, OAuth2LoginView

_SETTINGS = app_settings.PROVIDERS.get("wordpress_com", {})


class WordPressComOAuth2Adapter(OAuth2Adapter):
    provider_id = "wordpress_com"
    authorize_url = _SETTINGS.get("AUTHORIZE_URL", "https://public-api.wordpress.com/oauth2/authorize")
    access_token_url = _SETTINGS.get("ACCESS_TOKEN_URL", "https://public-api.wordpress.com/oauth2/token")
    profile_url = _SETTINGS.get("PROFILE_URL", "https://public-api.wordpress.com/rest/v1.1/me")

    def complete_login(self, request, app, token, **kwargs):
        with get_adapter().get_requests_session() as session:
            response = session.get(self.profile_url, headers={"Authorization": f"Bearer {token.token}"})
            response.raise_for_status()
            profile = response.json()
        return self.get_provider().sociallogin_from_response(request, profile)


oauth2_login = OAuth2LoginView.adapter_view(WordPressComOAuth2Adapter)
oauth2_callback = OAuth2CallbackView.adapter_view(WordPressComOAuth2Adapter)
