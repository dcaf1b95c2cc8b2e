"""/sitemap.xml sections: only what the public can open (`Post.objects.published()` decides for posts)."""

from django.contrib.auth import get_user_model
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Category, Page, Post, Tag


class HomeSitemap(Sitemap):
    """The front page, which changes whenever a post is published."""

    changefreq = "daily"
    priority = 1.0

    def items(self):
        return ["posts:home"]

    def location(self, name):
        return reverse(name)


class PostSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return Post.objects.published().only("slug", "publish_date", "updated_at").order_by("-published_at", "-pk")

    def lastmod(self, post):
        return post.updated_at


class PageSitemap(Sitemap):
    changefreq = "yearly"
    priority = 0.5

    def items(self):
        return Page.objects.published().only("path", "updated_at").order_by("path")

    def lastmod(self, page):
        return page.updated_at


class CategorySitemap(Sitemap):
    """Categories with public posts, and their parents (whose archives list their subcategories' posts)."""

    changefreq = "weekly"
    priority = 0.4

    def items(self):
        filed = Category.objects.filter(posts__in=Post.objects.published()).values_list("path", flat=True)
        paths = {"/".join(path.split("/")[:depth]) for path in filed for depth in range(1, path.count("/") + 2)}
        return Category.objects.filter(path__in=paths).order_by("path")


class TagSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.3

    def items(self):
        return Tag.objects.filter(pk__in=Post.objects.published().values("tags")).order_by("slug")


class AuthorSitemap(Sitemap):
    """Authors of public posts only: other accounts have no public page."""

    changefreq = "weekly"
    priority = 0.3

    def items(self):
        return (
            get_user_model()
            .objects.filter(pk__in=Post.objects.published().values("author_id"))
            .only("username")
            .order_by("username")
        )

    def location(self, user):
        return reverse("posts:author", kwargs={"username": user.username})


SITEMAPS = {
    "home": HomeSitemap,
    "posts": PostSitemap,
    "pages": PageSitemap,
    "categories": CategorySitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
}
