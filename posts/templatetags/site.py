"""Site-wide template tags. The first ones work without a request (so the 500 page can use them too)."""

import html
import json

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils.html import format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

register = template.Library()


@register.simple_tag
def site_name() -> str:
    return settings.SITE_NAME


@register.simple_tag
def site_tagline() -> str:
    return settings.SITE_TAGLINE


# Reader pages. These take the request from the context; the error pages, rendered without one, skip them.


@register.filter
def display_name(user) -> str:
    """How the blog names a person: their full name, else their username."""
    return user.get_full_name() or user.get_username()


@register.inclusion_tag("posts/_navigation.html", takes_context=True)
def site_navigation(context) -> dict:
    """Top-level published pages for the header, in one query; none on error pages (no request, maybe no database)."""
    request = context.get("request")
    if request is None:
        return {"pages": []}
    from posts.models import Page

    pages = Page.objects.published().filter(show_in_navigation=True, parent__isnull=True).only("title", "path")
    return {"pages": pages, "current_path": request.path}


@register.inclusion_tag("posts/_footer_links.html", takes_context=True)
def site_footer_links(context) -> dict:
    """Recent posts, categories and monthly archives for the footer; none on error pages rendered without a request."""
    if context.get("request") is None:
        return {"links": None}
    from posts.sidebar import footer_links

    return {"links": footer_links()}


@register.simple_tag(takes_context=True)
def absolute_url(context, path: str) -> str:
    """`path` as a full address on the host the reader used."""
    return context["request"].build_absolute_uri(path)


@register.filter
def summary_text(post, length: int = 160) -> str:
    """Plain text for meta descriptions and social cards: the excerpt, else the start of the body."""
    source = post.excerpt_html or post.excerpt or post.body_html
    text = " ".join(html.unescape(strip_tags(source)).split())
    return Truncator(text).chars(length)


@register.simple_tag(takes_context=True)
def post_json_ld(context, post) -> str:
    """A schema.org BlogPosting as <script type="application/ld+json">, escaped so text cannot end the script."""
    request = context["request"]
    url = request.build_absolute_uri(post.get_absolute_url())
    author = post.author
    data = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": post.title,
        "description": summary_text(post),
        "datePublished": post.published_at.isoformat(),
        "dateModified": post.updated_at.isoformat(),
        "author": {
            "@type": "Person",
            "name": display_name(author),
            "url": request.build_absolute_uri(reverse("posts:author", args=[author.get_username()])),
        },
        "publisher": {"@type": "Organization", "name": settings.SITE_NAME},
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
    }
    if post.featured_image_id and post.featured_image.file:
        data["image"] = request.build_absolute_uri(post.featured_image.file.url)
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308


# The characters that could close or confuse a <script> element, as JSON escapes (as Django's json_script does).
JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


# The featured image on lists is at most the width of the text column.
THUMBNAIL_SIZES = "(max-width: 44rem) 100vw, 42rem"


@register.simple_tag
def featured_picture(post) -> str:
    """A post's featured image for lists: responsive, WebP first, decorative (the title beside it names the post)."""
    image = post.featured_image if post.featured_image_id else None
    if image is None or not image.file:
        return ""
    webp = image.srcset("webp")
    source = format_html('<source type="image/webp" srcset="{}" sizes="{}">', webp, THUMBNAIL_SIZES) if webp else ""
    img = format_html(
        '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" loading="lazy" decoding="async" alt="">',
        image.url_for_width(960),
        image.srcset(),
        THUMBNAIL_SIZES,
        image.width,
        image.height,
    )
    return format_html(
        '<a class="entry-thumbnail" href="{}" tabindex="-1" aria-hidden="true"><picture>{}{}</picture></a>',
        post.get_absolute_url(),
        source,
        img,
    )
