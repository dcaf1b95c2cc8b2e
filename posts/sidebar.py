"""What the footer of every page lists to help readers find things: recent posts, categories, monthly archives.

Built from three queries and kept in the cache for a minute (plain lists, so any cache backend can hold
them). Saving a post or category forgets it at once; a scheduled post appears within the minute, as nothing
saves it when its time comes.
"""

from dataclasses import dataclass

from django.apps import apps
from django.core.cache import cache
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone

CACHE_KEY = "posts:site-footer:v1"
CACHE_SECONDS = 60
RECENT_POSTS = 5
ARCHIVE_MONTHS = 12


@dataclass(frozen=True)
class FooterLink:
    title: str
    url: str
    count: int | None = None
    depth: int = 0


@dataclass(frozen=True)
class FooterLinks:
    recent_posts: list[FooterLink]
    categories: list[FooterLink]
    months: list[FooterLink]


def footer_links() -> FooterLinks:
    links = cache.get(CACHE_KEY)
    if links is None:
        links = build_footer_links()
        cache.set(CACHE_KEY, links, CACHE_SECONDS)
    return links


def forget_footer_links() -> None:
    cache.delete(CACHE_KEY)


def build_footer_links() -> FooterLinks:
    # Looked up, not imported: the models import this module to forget the links when posts change.
    Category, Post = apps.get_model("posts", "Category"), apps.get_model("posts", "Post")
    public = Post.objects.published()
    recent = [
        FooterLink(post.title, post.get_absolute_url())
        for post in public.only("title", "slug", "publish_date")[:RECENT_POSTS]
    ]
    categories = [
        FooterLink(category.name, category.get_absolute_url(), category.public_posts, category.path.count("/"))
        for category in Category.objects.annotate(
            public_posts=Count("posts", filter=Q(posts__in=public.values("pk")), distinct=True)
        )
        .filter(public_posts__gt=0)
        .only("name", "path")
    ]
    tz = timezone.get_current_timezone()
    months = [
        FooterLink(
            f"{row['month']:%B %Y}",
            reverse("posts:month", kwargs={"year": row["month"].year, "month": f"{row['month'].month:02d}"}),
            row["posts"],
        )
        for row in public.order_by()
        .annotate(month=TruncMonth("published_at", tzinfo=tz))
        .values("month")
        .annotate(posts=Count("pk"))
        .order_by("-month")[:ARCHIVE_MONTHS]
    ]
    return FooterLinks(recent_posts=recent, categories=categories, months=months)
