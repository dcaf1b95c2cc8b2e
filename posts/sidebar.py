"""What the footer of every page lists to help readers find things: recent posts, categories, monthly archives.

Built from four queries and kept in the cache for a minute (plain lists, so any cache backend can hold
them). Saving a post or category forgets it at once; a scheduled post appears within the minute, as nothing
saves it when its time comes.
"""

from dataclasses import dataclass

from django.apps import apps
from django.core.cache import cache
from django.db.models import Count
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
    # As WordPress's category list: a parent counts the posts of its whole branch, and shows when any has posts.
    posts_in = {category: set() for category in Category.objects.only("name", "path", "parent")}
    by_pk = {category.pk: category for category in posts_in}
    filed = Post.categories.through.objects.filter(post__in=public.values("pk")).values_list("category_id", "post_id")
    for category_id, post_id in filed:
        category = by_pk.get(category_id)
        while category is not None:
            posts_in[category].add(post_id)
            category = by_pk.get(category.parent_id)
    categories = [
        FooterLink(category.name, category.get_absolute_url(), len(posts), category.path.count("/"))
        for category, posts in sorted(posts_in.items(), key=lambda item: item[0].path)
        if posts
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
