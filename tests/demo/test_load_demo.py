"""`manage.py load_demo`: the blog `make run` opens on, and the discussion under its rituximab post."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from PIL import Image as PILImage

from comments.models import Comment
from posts.demo import content
from posts.models import Category, Image, Page, Post, Tag

pytestmark = pytest.mark.django_db

RITUXIMAB_TITLE = "Rituximab for Secondary Progressive MS?"


def load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def demo_post(slug: str) -> Post:
    return Post.objects.get(author__username="demo-author", slug=slug)


def counts() -> dict[str, int]:
    return {
        "users": get_user_model().objects.count(),
        "categories": Category.objects.count(),
        "tags": Tag.objects.count(),
        "pages": Page.objects.count(),
        "posts": Post.objects.count(),
        "images": Image.objects.count(),
        "comments": Comment.objects.count(),
        "files": sum(1 for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()),
    }


def test_loading_the_demo_twice_changes_nothing_the_second_time():
    first_output = load_demo()
    after_first = counts()
    rituximab = demo_post(content.RITUXIMAB_SLUG)
    body_before = rituximab.body

    second_output = load_demo()

    assert counts() == after_first
    assert after_first["posts"] == 5
    assert after_first["images"] == 1
    assert "Demo content loaded" in first_output
    assert second_output.strip() == "Demo content is already loaded; nothing to do."
    rituximab.refresh_from_db()
    assert rituximab.body == body_before


def test_an_edit_made_in_the_admin_survives_another_load():
    load_demo()
    post = demo_post("fatigue-in-ms-what-helps")
    post.title = "Fatigue in MS: what helps (updated)"
    post.save()

    load_demo()

    post.refresh_from_db()
    assert post.title == "Fatigue in MS: what helps (updated)"
    assert Post.objects.filter(slug="fatigue-in-ms-what-helps").count() == 1


def test_demo_author_is_an_author_whose_password_is_printed_only_once():
    first_output = load_demo()
    author = get_user_model().objects.get(username="demo-author")

    password = first_output.split("password '", 1)[1].split("'", 1)[0]
    assert author.check_password(password)
    assert author.groups.filter(name="Author").exists()
    assert not author.is_superuser
    assert author.has_perm("posts.add_post")
    assert password not in load_demo()


def test_demo_has_nested_categories_tags_and_the_disclaimer_a_medical_blog_needs():
    load_demo()

    assert Category.objects.get(path="treatment/disease-modifying-therapies").parent.name == "Treatment"
    assert {"research", "living-with-ms"} <= set(Category.objects.values_list("slug", flat=True))
    assert {"rituximab", "b-cells", "progressive-ms", "mri", "clinical-trials"} <= set(
        Tag.objects.values_list("slug", flat=True)
    )
    disclaimer = Page.objects.published().get(path="disclaimer")
    assert "not medical advice" in disclaimer.body_html
    assert Page.objects.published().filter(path="about").exists()


def test_rituximab_post_is_public_and_shows_the_four_courses_figure_with_its_caption(client):
    load_demo()
    post = demo_post(content.RITUXIMAB_SLUG)

    response = client.get(post.get_absolute_url())

    assert response.status_code == 200
    page = response.content.decode()
    assert RITUXIMAB_TITLE in page
    assert "<figure" in page
    assert f'alt="{content.FIGURE_ALT}"' in page
    assert "<figcaption>" in page
    assert "(a) relapsing-remitting, (b) progressive-relapsing" in page
    for course in ("Relapsing-remitting", "Progressive-relapsing", "Secondary progressive", "Primary progressive"):
        assert course in page
    # Lists show the text before <!--more-->, without the figure.
    assert "the longer answer starts with what" in post.excerpt_html.lower()
    assert "<figure" not in post.excerpt_html


def test_the_figure_is_a_real_1600_by_1000_png_with_renditions_and_is_also_the_featured_image():
    load_demo()
    post = demo_post(content.RITUXIMAB_SLUG)
    image = Image.objects.get()

    with PILImage.open(image.file.path) as picture:
        assert (picture.format, picture.size) == ("PNG", (1600, 1000))
    assert (image.width, image.height) == (1600, 1000)
    assert {rendition["format"] for rendition in image.renditions} >= {"webp"}
    assert f"[figure {image.pk}]" in post.body
    assert post.featured_image == image


def test_scheduled_post_stays_hidden_until_its_time_comes(client):
    load_demo()
    post = demo_post("btk-inhibitors-what-the-trials-are-testing")

    assert post.status == Post.Status.PUBLISHED
    assert post.published_at > timezone.now()
    assert not Post.objects.published().filter(pk=post.pk).exists()
    assert client.get(post.get_absolute_url()).status_code == 404

    with time_machine.travel(post.published_at + timedelta(minutes=1)):
        assert Post.objects.published().filter(pk=post.pk).exists()
        assert client.get(post.get_absolute_url()).status_code == 200


def test_draft_is_not_public(client):
    load_demo()
    post = demo_post("vitamin-d-and-ms")

    assert post.status == Post.Status.DRAFT
    assert not Post.objects.published().filter(pk=post.pk).exists()
    assert client.get(post.get_absolute_url()).status_code == 404


def test_home_page_lists_the_three_published_posts_newest_first_and_nothing_else(client):
    load_demo()

    page = client.get("/").content.decode()

    titles = [
        RITUXIMAB_TITLE,
        "What an MRI Can and Cannot Tell You About MS",
        "Fatigue in MS: What Helps, According to the Evidence",
    ]
    positions = [page.index(title) for title in titles]
    assert positions == sorted(positions)
    assert "BTK Inhibitors" not in page
    assert "Vitamin D" not in page
    assert "No posts yet." not in page


def test_demo_thread_has_a_dozen_comments_three_deep_with_one_held_for_moderation():
    load_demo()
    post = demo_post(content.RITUXIMAB_SLUG)
    thread = list(Comment.objects.filter(post=post).order_by("thread_path"))

    assert len(thread) == 12
    assert max(comment.depth for comment in thread) == 3
    assert [comment.author_name for comment in thread if comment.status == Comment.Status.PENDING] == ["Kevin Walsh"]
    assert Comment.objects.public().filter(post=post).count() == 11
    assert len({comment.author_email for comment in thread}) >= 6
    # Replies from the post's author come from the signed-in account, not a guest.
    authors_replies = [comment for comment in thread if comment.user_id == post.author_id]
    assert len(authors_replies) == 3
    assert all(comment.parent_id for comment in authors_replies)


def test_demo_thread_is_dated_after_the_post_and_never_in_the_future_with_replies_after_their_parents():
    load_demo()
    post = demo_post(content.RITUXIMAB_SLUG)
    thread = Comment.objects.filter(post=post).select_related("parent")

    days = {timezone.localdate(comment.created_at) for comment in thread}
    assert len(days) >= 3  # a discussion spread over days, not a burst
    for comment in thread:
        assert post.published_at < comment.created_at <= timezone.now()
        assert comment.body_html.startswith("<p>")
        if comment.parent:
            assert comment.created_at > comment.parent.created_at


def test_demo_thread_is_rendered_nested_under_the_post_for_readers(client):
    load_demo()
    post = demo_post(content.RITUXIMAB_SLUG)

    page = client.get(post.get_absolute_url()).content.decode()

    assert "11 thoughts on" in page
    assert "Margaret O&#x27;Neill" in page or "Margaret O'Neill" in page
    assert "My wife was told last month" not in page  # pending: not shown to other readers


def test_a_thread_missing_a_comment_is_completed_on_the_next_load():
    load_demo()
    post = demo_post(content.RITUXIMAB_SLUG)
    Comment.objects.get(post=post, author_name="Carlos Mendes").delete()  # and the author's reply with it
    assert Comment.objects.filter(post=post).count() == 10

    output = load_demo()

    assert Comment.objects.filter(post=post).count() == 12
    assert f"2 comments under {RITUXIMAB_TITLE!r}" in output
