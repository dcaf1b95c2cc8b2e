"""X's OAuth 2 endpoints, overridable in settings like allauth's Google and Facebook endpoints are."""

from allauth.socialaccount import app_settings
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.twitter_oauth2.views import TwitterOAuth2Adapter

_SETTINGS = app_settings.PROVIDERS.get("twitter_oauth2", {})


class XOAuth2Adapter(TwitterOAuth2Adapter):
    authorize_url = _SETTINGS.get("AUTHORIZE_URL", TwitterOAuth2Adapter.authorize_url)
    access_token_url = _SETTINGS.get("ACCESS_TOKEN_URL", TwitterOAuth2Adapter.access_token_url)
    profile_url = _SETTINGS.get("PROFILE_URL", TwitterOAuth2Adapter.profile_url)


oauth2_login = OAuth2LoginView.adapter_view(XOAuth2Adapter)
oauth2_callback = OAuth2CallbackView.adapter_view(XOAuth2Adapter)
