"""Create the demo blog once: find each object by a stable key, create it only when missing.

Nothing existing is ever rewritten, so running `load_demo` again changes nothing, and edits made in
the admin to the demo content survive.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from posts import services
from posts.models import Category, Image, Page, Post, Tag

from . import content
from .figures import courses_of_ms_png


@dataclass
class DemoResult:
    """What a run created (human-readable lines) and the objects other apps' demo content hangs off."""

    author: object = None
    posts: dict[str, Post] = field(default_factory=dict)
    created: list[str] = field(default_factory=list)
    author_password: str | None = None  # set only when the author was created by this run


def local_datetime(*, days_from_now: int, hour: int, minute: int) -> datetime:
    """An aware datetime `days_from_now` days from today at hour:minute, in the site's time zone."""
    day = timezone.localdate() + timedelta(days=days_from_now)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def load(*, result: DemoResult | None = None) -> DemoResult:
    """Create whatever part of the demo is missing. Call inside a transaction."""
    result = result or DemoResult()
    result.author = _author(result)
    categories = _categories(result)
    tags = _tags(result)
    _pages(result)
    for spec in content.POSTS:
        result.posts[spec.slug] = _post(spec, result=result, categories=categories, tags=tags)
    return result


def _author(result: DemoResult):
    User = get_user_model()
    author = User.objects.filter(username=content.AUTHOR["username"]).first()
    if author is None:
        result.author_password = secrets.token_urlsafe(12)
        author = User.objects.create_user(password=result.author_password, **content.AUTHOR)
        result.created.append(f"author {author.username!r}")
    return author  # accounts gives it the Author role when demo_content_loaded is sent


def _categories(result: DemoResult) -> dict[str, Category]:
    by_slug: dict[str, Category] = {}
    for spec in content.CATEGORIES:
        parent = by_slug[spec.parent] if spec.parent else None
        category, created = Category.objects.get_or_create(
            parent=parent, slug=spec.slug, defaults={"name": spec.name, "description": spec.description}
        )
        if created:
            result.created.append(f"category {category.path!r}")
        by_slug[spec.slug] = category
    return by_slug


def _tags(result: DemoResult) -> dict[str, Tag]:
    by_slug: dict[str, Tag] = {}
    for slug, name in content.TAGS.items():
        tag, created = Tag.objects.get_or_create(slug=slug, defaults={"name": name})
        if created:
            result.created.append(f"tag {tag.name!r}")
        by_slug[slug] = tag
    return by_slug


def _pages(result: DemoResult) -> None:
    for spec in content.PAGES:
        page, created = Page.objects.get_or_create(
            parent=None,
            slug=spec.slug,
            defaults={
                "title": spec.title,
                "body": spec.body,
                "order": spec.order,
                "status": Page.Status.PUBLISHED,
                "author": result.author,
            },
        )
        if created:
            result.created.append(f"page {page.title!r} (/{page.path}/)")


def figure_image(*, author) -> Image:
    """The chart of the four courses of MS, drawn once and re-used by every later run."""
    image = Image.objects.filter(uploaded_by=author, alt_text=content.FIGURE_ALT).first()
    if image is None:
        image = services.add_image(
            file=ContentFile(courses_of_ms_png(), name=content.FIGURE_FILENAME),
            alt_text=content.FIGURE_ALT,
            caption=content.FIGURE_CAPTION,
            credit=content.FIGURE_CREDIT,
            uploaded_by=author,
        )
    return image


def _post(spec: content.DemoPost, *, result: DemoResult, categories: dict, tags: dict) -> Post:
    post = Post.objects.filter(author=result.author, slug=spec.slug).first()
    if post is not None:
        return post
    body, image = spec.body, None
    if spec.has_figure:
        image = figure_image(author=result.author)
        body = body.replace(content.FIGURE_MARKER, f"[figure {image.pk}]")
        result.created.append(f"figure {image.file.name} ({image.width}×{image.height})")
    post = Post(
        title=spec.title,
        slug=spec.slug,
        author=result.author,
        body=body,
        excerpt=spec.excerpt,
        status=spec.status,
        published_at=local_datetime(days_from_now=spec.days_from_now, hour=spec.hour, minute=spec.minute),
        is_sticky=spec.is_sticky,
        comments_open=spec.comments_open,
        featured_image=image,  # shown in link previews (OpenGraph, Twitter cards)
    )
    post.save()
    post.categories.set([categories[slug] for slug in spec.categories])
    post.tags.set([tags[slug] for slug in spec.tags])
    if post.is_scheduled:
        state = f"scheduled for {timezone.localtime(post.published_at):%Y-%m-%d %H:%M}"
    else:
        state = post.get_status_display().lower()
    result.created.append(f"post {post.title!r} ({state})")
    return post
