"""The admin: social-login credentials come only from the environment, so allauth's pages for them go."""

from allauth.socialaccount.models import SocialApp, SocialToken
from django.contrib import admin

# A "Social application" typed in here would be ignored (see SocialAccountAdapter.list_apps), and tokens are
# never stored (SOCIALACCOUNT_STORE_TOKENS is off): pages for them would only invite mistakes.
admin.site.unregister(SocialApp)
admin.site.unregister(SocialToken)
