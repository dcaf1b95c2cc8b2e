"""allauth's X provider, registered in its place through SOCIALACCOUNT_PROVIDERS["twitter_oauth2"]["provider_class"]."""

from allauth.socialaccount.providers.twitter_oauth2.provider import TwitterOAuth2Provider

from .views import XOAuth2Adapter


class XProvider(TwitterOAuth2Provider):
    oauth2_adapter_class = XOAuth2Adapter
