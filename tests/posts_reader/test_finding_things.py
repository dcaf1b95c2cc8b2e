"""Readers find their way around: a footer with recent posts, categories and monthly archives, and related
posts under each post (same tags and categories, one query)."""

import datetime

import pytest
from django.utils import timezone

from posts.models import Post
from tests.factories import CategoryFactory, PostFactory, TagFactory

pytestmark = pytest.mark.django_db


def days_ago(days: int):
    return timezone.now() - datetime.timedelta(days=days)


def test_the_footer_lists_recent_posts_categories_with_counts_and_monthly_archives(client):
    treatment = CategoryFactory(name="Treatment", slug="treatment")
    dmts = CategoryFactory(name="Disease-modifying therapies", slug="dmts", parent=treatment)
    CategoryFactory(name="Empty", slug="empty")
    first = PostFactory(
        title="Ocrelizumab in PPMS", published_at=datetime.datetime(2026, 3, 4, 12, tzinfo=datetime.UTC)
    )
    first.categories.add(dmts)
    second = PostFactory(
        title="Vitamin D and relapses", published_at=datetime.datetime(2026, 4, 2, 12, tzinfo=datetime.UTC)
    )
    second.categories.add(treatment)
    PostFactory(title="A draft nobody sees", status=Post.Status.DRAFT)
    PostFactory(title="Scheduled for later", published_at=timezone.now() + datetime.timedelta(days=3))

    html = client.get("/").content.decode()
    footer = html[html.index('<footer class="site-footer">') :]

    assert "Recent posts" in footer
    assert footer.index("Vitamin D and relapses") < footer.index("Ocrelizumab in PPMS")
    assert "A draft nobody sees" not in footer
    assert "Scheduled for later" not in footer
    assert '<a href="/category/treatment/">Treatment</a> <span class="count">(1)</span>' in footer
    assert '<a href="/category/treatment/dmts/">Disease-modifying therapies</a>' in footer
    assert "Empty" not in footer  # a category without public posts is not offered
    assert '<a href="/2026/04/">April 2026</a> <span class="count">(1)</span>' in footer
    assert '<a href="/2026/03/">March 2026</a>' in footer


def test_a_new_post_shows_in_the_footer_at_once(client):
    PostFactory(title="First post")
    client.get("/")  # the footer is now cached
    PostFactory(title="Second post")

    assert "Second post" in client.get("/").content.decode()


def test_the_footer_costs_no_query_once_cached(client, django_assert_num_queries):
    PostFactory()
    client.get("/")
    from posts.sidebar import footer_links

    with django_assert_num_queries(0):
        links = footer_links()
    assert links.recent_posts


def test_related_posts_share_tags_or_categories_most_shared_first(client):
    rituximab, b_cells, mri = TagFactory(name="rituximab"), TagFactory(name="B cells"), TagFactory(name="MRI")
    treatment = CategoryFactory(name="Treatment")
    post = PostFactory(title="Rituximab for SPMS?")
    post.tags.add(rituximab, b_cells)
    post.categories.add(treatment)
    closest = PostFactory(title="Anti-CD20 therapies compared", published_at=days_ago(30))
    closest.tags.add(rituximab, b_cells)
    closest.categories.add(treatment)
    same_category = PostFactory(title="Starting a DMT", published_at=days_ago(2))
    same_category.categories.add(treatment)
    one_tag = PostFactory(title="B cells explained", published_at=days_ago(3))
    one_tag.tags.add(b_cells)
    unrelated = PostFactory(title="Reading your MRI report")
    unrelated.tags.add(mri)
    hidden = PostFactory(title="Draft on rituximab", status=Post.Status.DRAFT)
    hidden.tags.add(rituximab)

    related = list(Post.objects.published().related_to(Post.objects.with_meta().get(pk=post.pk)))

    # Two shared tags and the category first; then one shared term each, newest first; never itself or a draft.
    assert [p.title for p in related] == ["Anti-CD20 therapies compared", "Starting a DMT", "B cells explained"]
    html = client.get(post.get_absolute_url()).content.decode()
    section = html[html.index('<section class="related-posts"') :]
    section = section[: section.index("</section>")]
    assert "Related posts" in section
    assert "Anti-CD20 therapies compared" in section
    assert "Reading your MRI report" not in section


def test_related_posts_cost_one_query(django_assert_num_queries):
    tag, category = TagFactory(), CategoryFactory()
    post = PostFactory()
    post.tags.add(tag)
    post.categories.add(category)
    for number in range(8):
        other = PostFactory()
        other.tags.add(tag)
        other.categories.add(*([category] if number % 2 else []))
    post = Post.objects.with_meta().get(pk=post.pk)

    with django_assert_num_queries(1):
        related = list(Post.objects.published().related_to(post, limit=3))
        urls = [p.get_absolute_url() for p in related]

    assert len(urls) == 3


def test_a_post_without_tags_or_categories_shows_no_related_posts(client):
    post = PostFactory()
    PostFactory()

    assert 'class="related-posts"' not in client.get(post.get_absolute_url()).content.decode()
