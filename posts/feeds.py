"""RSS 2.0 and Atom feeds with each post's full content, its links and images made absolute so feed
readers can show them. Addresses start with the site's canonical origin (SITE_URL), as in the comment
feeds and the emails: a feed must not link to whatever Host header a client sent."""

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from .models import Category, Post, Tag
from .pagecache import public_page
from .rendering import strip_all_tags
from .templatetags.site import display_name

FEED_ITEMS = 20

URL_ATTRIBUTE = re.compile(r"""(?P<name>\b(?:src|href|poster)\s*=\s*)(?P<quote>["'])(?P<url>.*?)(?P=quote)""", re.I)
SRCSET_ATTRIBUTE = re.compile(r"""(?P<name>\bsrcset\s*=\s*)(?P<quote>["'])(?P<candidates>.*?)(?P=quote)""", re.I)


def absolute_links(html: str, *, base_url: str) -> str:
    """`html` with every relative src, href, poster and srcset address resolved against `base_url`.

    The one rule for HTML that leaves the site (feeds, the WXR export); an empty `base_url` changes nothing.
    """

    def resolve_url(match: re.Match) -> str:
        return f"{match['name']}{match['quote']}{urljoin(base_url, match['url'].strip())}{match['quote']}"

    def resolve_srcset(match: re.Match) -> str:
        candidates = []
        for candidate in match["candidates"].split(","):
            url, _, descriptor = candidate.strip().partition(" ")
            if url:
                candidates.append(f"{urljoin(base_url, url)} {descriptor.strip()}".strip())
        return f"{match['name']}{match['quote']}{', '.join(candidates)}{match['quote']}"

    return URL_ATTRIBUTE.sub(resolve_url, SRCSET_ATTRIBUTE.sub(resolve_srcset, html))


# Characters XML 1.0 cannot carry: control characters (Django refuses to write them, so one vertical tab
# pasted from a word processor made the whole feed a 500) and the non-characters U+FFFE and U+FFFF (written,
# they make the document unreadable to every XML parser). The one rule for feeds and the WXR export.
XML_ILLEGAL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(value):
    """`value` (text, or a list of texts such as categories) without XML-illegal control characters."""
    if isinstance(value, str):
        return XML_ILLEGAL_CHARACTERS.sub("", value)
    if isinstance(value, list | tuple):
        return type(value)(xml_safe(item) for item in value)
    return value


# Feed fields a reader's software shows as text, not HTML: names, titles, a channel's description. Guests type
# names, authors type titles and category text; a feed reader that renders them as HTML must find no markup.
PLAIN_TEXT_FEED_FIELDS = frozenset({"title", "subtitle", "description", "author_name", "categories", "feed_copyright"})
PLAIN_TEXT_ITEM_FIELDS = frozenset({"title", "author_name", "categories", "item_copyright"})


def plain_text(value):
    """`value` (text, or a list of texts) without tags, as WordPress's the_title_rss() sends titles."""
    if isinstance(value, str):
        return strip_all_tags(value)
    if isinstance(value, list | tuple):
        return type(value)(plain_text(item) for item in value)
    return value


def _cleaned(kwargs: dict, plain_fields: frozenset) -> dict:
    # Control characters go first: a NUL inside "<scr\x00ipt>" hides the tag from the stripper, and removing it
    # afterwards would make it a tag again.
    return {
        key: plain_text(xml_safe(value)) if key in plain_fields else xml_safe(value) for key, value in kwargs.items()
    }


class XmlSafeFeed:
    """Feed generator mixin: every text is made XML-safe, and the plain-text fields plain text, before it is written."""

    def __init__(self, *args, **kwargs):
        super().__init__(*map(xml_safe, args), **_cleaned(kwargs, PLAIN_TEXT_FEED_FIELDS))

    def add_item(self, *args, **kwargs):
        super().add_item(*map(xml_safe, args), **_cleaned(kwargs, PLAIN_TEXT_ITEM_FIELDS))


MEDIA_RSS = "http://search.yahoo.com/mrss/"
# The featured image in feeds: wide enough for a feed reader's card, not the full-size original.
FEED_IMAGE_WIDTH = 960
MIME_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif", "webp": "image/webp"}


@dataclass(frozen=True)
class FeedImage:
    """A post's featured image as feeds carry it (Media RSS in RSS, an enclosure link in Atom)."""

    url: str
    mime_type: str
    description: str


class FullContentRssFeed(XmlSafeFeed, Rss201rev2Feed):
    """RSS 2.0 with the whole post in <content:encoded> and its featured image as <media:content>."""

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
            "xmlns:media": MEDIA_RSS,
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content:encoded", item["content_html"])
        image = item.get("featured_image")
        if image:
            handler.startElement("media:content", {"url": image.url, "medium": "image", "type": image.mime_type})
            handler.addQuickElement("media:description", xml_safe(image.description))
            handler.endElement("media:content")


class FullContentAtomFeed(XmlSafeFeed, Atom1Feed):
    """Atom with the whole post in <content type="html"> beside the summary, its featured image as an enclosure."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content", item["content_html"], {"type": "html"})
        image = item.get("featured_image")
        if image:
            handler.addQuickElement(
                "link", "", {"rel": "enclosure", "href": image.url, "type": image.mime_type, "title": image.description}
            )


@dataclass(frozen=True)
class FeedSource:
    """One request's feed: its title, page and posts."""

    request: HttpRequest
    title: str
    description: str
    page_url: str
    posts: QuerySet

    def absolute(self, path: str) -> str:
        # The rule of comments.links.absolute_url (posts cannot import comments): the canonical origin.
        return f"{settings.SITE_URL}{path}"


def feed_image(post: Post, source: FeedSource) -> FeedImage | None:
    image = post.featured_image if post.featured_image_id else None
    if image is None or not image.file:
        return None
    url = image.url_for_width(FEED_IMAGE_WIDTH)
    extension = url.rsplit(".", 1)[-1].lower()
    fmt = "jpeg" if extension == "jpg" else extension
    return FeedImage(url=source.absolute(url), mime_type=MIME_TYPES.get(fmt, "image/jpeg"), description=image.alt_text)


@public_page
class LatestPostsFeed(Feed):
    """/feed/: the newest public posts."""

    feed_type = FullContentRssFeed

    def get_object(self, request, *args, **kwargs):
        return FeedSource(
            request=request,
            title=settings.SITE_NAME,
            description=settings.SITE_TAGLINE,
            page_url=reverse("posts:home"),
            posts=Post.objects.published(),
        )

    def title(self, source):
        return source.title

    def description(self, source):
        return source.description

    def link(self, source):
        return source.absolute(source.page_url)

    def feed_url(self, source):
        return source.absolute(source.request.path)

    def items(self, source):
        posts = list(source.posts.with_meta().order_by("-published_at", "-pk")[:FEED_ITEMS])
        for post in posts:
            # Item methods only see the item, so the request-dependent parts are worked out here.
            post.feed_url = source.absolute(post.get_absolute_url())
            post.feed_summary = absolute_links(post.excerpt_html, base_url=post.feed_url)
            post.feed_content = absolute_links(post.body_html, base_url=post.feed_url)
            post.feed_author_url = source.absolute(reverse("posts:author", args=[post.author.username]))
            # WordPress identified items as /?p=ID: imported posts keep that identity, so subscribers'
            # readers do not show them again as new after the move.
            post.feed_guid = source.absolute(f"/?p={post.legacy_id}") if post.legacy_id else post.feed_url
            post.feed_image = feed_image(post, source)
        return posts

    def item_title(self, post):
        return post.title

    def item_description(self, post):
        return post.feed_summary or post.feed_content

    def item_link(self, post):
        return post.feed_url

    def item_guid(self, post):
        return post.feed_guid

    def item_guid_is_permalink(self, post):
        return not post.legacy_id

    def item_author_name(self, post):
        return display_name(post.author)

    def item_author_link(self, post):
        return post.feed_author_url

    def item_pubdate(self, post):
        return post.published_at

    def item_updateddate(self, post):
        return post.updated_at

    def item_categories(self, post):
        return [category.name for category in post.categories.all()] + [tag.name for tag in post.tags.all()]

    def item_extra_kwargs(self, post):
        return {"content_html": post.feed_content, "featured_image": post.feed_image}


class LatestPostsAtomFeed(LatestPostsFeed):
    """/feed/atom/."""

    feed_type = FullContentAtomFeed

    def subtitle(self, source):
        return source.description


class CategoryFeed(LatestPostsFeed):
    """/category/parent/child/feed/: posts in the category and its subcategories."""

    def get_object(self, request, path):
        category = get_object_or_404(Category, path=path)
        return FeedSource(
            request=request,
            title=f"{settings.SITE_NAME} – {category.name}",
            description=category.description or f"Posts filed under {category.name}.",
            page_url=category.get_absolute_url(),
            posts=Post.objects.published().in_category(category),
        )


class TagFeed(LatestPostsFeed):
    """/tag/slug/feed/."""

    def get_object(self, request, slug):
        tag = get_object_or_404(Tag, slug=slug)
        return FeedSource(
            request=request,
            title=f"{settings.SITE_NAME} – {tag.name}",
            description=f"Posts tagged {tag.name}.",
            page_url=tag.get_absolute_url(),
            posts=Post.objects.published().filter(tags=tag),
        )
