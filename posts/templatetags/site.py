"""Site-wide template tags that work without a request (so the 500 page can use them too)."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def site_name() -> str:
    return settings.SITE_NAME


@register.simple_tag
def site_tagline() -> str:
    return settings.SITE_TAGLINE
