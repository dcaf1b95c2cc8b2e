from allauth.socialaccount.providers.oauth2.urls import default_urlpatterns

from .provider import XProvider

urlpatterns = default_urlpatterns(XProvider)
