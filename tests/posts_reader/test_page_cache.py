"""A popular page is rendered once and then served whole, and every change readers could see shows at once.

The full-page cache serves public pages to readers without cookies. Each story below changes something the
way an author, a moderator or a reader does, and the very next request shows it.
"""

import os
import subprocess
import sys
import textwrap
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.cache import cache, caches
from django.test import Client
from django.utils import timezone

from comments import actions
from comments.models import Comment, DiscussionSettings
from posts import pagecache, sidebar
from posts.models import Post
from tests.comments.helpers import configure, post_comment
from tests.factories import CategoryFactory, CommentFactory, PageFactory, PostFactory, TagFactory

from .page_cache_helpers import html, read

pytestmark = pytest.mark.django_db


def cached_twice(client, url: str) -> str:
    """Read a page twice: the first read renders it, the second must come from the cache, identical."""
    first = read(client, url)
    second = read(client, url)
    assert first.get("X-Page-Cache") == "miss", (url, first.status_code)
    assert second.get("X-Page-Cache") == "hit", url
    assert first.content == second.content
    return second.content.decode()


def test_public_pages_are_served_from_the_cache_on_the_second_read(client, page_cache, post):
    category = CategoryFactory(name="Treatment")
    tag = TagFactory(name="rituximab")
    post.categories.add(category)
    post.tags.add(tag)
    static_page = PageFactory(title="About this blog")
    for url in (
        "/",
        post.get_absolute_url(),
        static_page.get_absolute_url(),
        category.get_absolute_url(),
        tag.get_absolute_url(),
        f"/{post.publish_date:%Y}/",
        f"/{post.publish_date:%Y/%m}/",
        "/feed/",
        f"{post.get_absolute_url()}feed/",
        "/comments/feed/",
        "/sitemap.xml",
    ):
        cached_twice(client, url)


def test_a_cached_page_sets_no_cookie_and_holds_no_csrf_token_or_session(client, page_cache, post):
    for response in (read(client, post.get_absolute_url()), read(client, post.get_absolute_url())):
        assert not response.cookies
        assert "Set-Cookie" not in response
        assert b"csrfmiddlewaretoken" not in response.content
    assert not client.cookies


def test_pages_that_are_not_public_or_ask_something_are_never_cached(client, page_cache, post, admin_user):
    assert "X-Page-Cache" not in read(client, f"{post.get_absolute_url()}?replytocom=1")
    assert "X-Page-Cache" not in read(client, "/?s=rituximab")
    assert "X-Page-Cache" not in read(client, "/accounts/login/")
    client.force_login(admin_user)
    assert "X-Page-Cache" not in read(client, f"/preview/{post.pk}/")
    assert "X-Page-Cache" not in read(client, post.get_absolute_url())


# Invalidation: a change shows on the very next request ---------------------------------------------


def test_a_new_comment_shows_at_once(client, page_cache, post):
    configure(require_previous_approval=False)  # a guest's first comment is published at once
    cached_twice(client, post.get_absolute_url())
    response = post_comment(client, post, comment="Infusions every six months here.", name="Lars Holmberg")
    assert response.status_code == 302
    page = html(Client(), post.get_absolute_url())
    assert "Infusions every six months here." in page
    assert "2 thoughts" in page


def test_a_new_comment_keeps_the_footer_lists_which_a_filed_post_rebuilds(client, page_cache, post):
    """The footer lists posts, categories and months, never comments: a comment leaves their cached copy alone."""
    configure(require_previous_approval=False)
    cached_twice(client, "/")
    assert cache.get(sidebar.CACHE_KEY) is not None
    reader = Client(REMOTE_ADDR="192.0.2.80")  # flood control remembers the addresses of other tests' comments
    response = post_comment(reader, post, comment="Same here since the second infusion.", name="Lars Holmberg")
    assert response.status_code == 302
    assert cache.get(sidebar.CACHE_KEY) is not None
    assert "Same here since the second infusion." in html(Client(), post.get_absolute_url())

    post.categories.add(CategoryFactory(name="Fatigue"))  # no save: a relation changed

    assert cache.get(sidebar.CACHE_KEY) is None
    page = html(Client(), "/")
    assert "Fatigue" in page[page.index('<footer class="site-footer">') :]


def test_a_held_comment_approved_by_a_moderator_shows_at_once(client, page_cache, post):
    held = CommentFactory(post=post, body="Waiting for a moderator.", status=Comment.Status.PENDING)
    assert "Waiting for a moderator." not in cached_twice(client, post.get_absolute_url())
    held.approve()
    assert "Waiting for a moderator." in html(client, post.get_absolute_url())


@pytest.mark.parametrize("moderation", ["trash", "mark_spam", "unapprove"])
def test_a_comment_moderated_away_disappears_at_once(client, page_cache, post, moderation):
    comment = Comment.objects.get(post=post)
    assert "Is there a test for the change?" in cached_twice(client, post.get_absolute_url())
    getattr(comment, moderation)()
    assert "Is there a test for the change?" not in html(client, post.get_absolute_url())


def test_an_edited_or_deleted_comment_shows_at_once(client, page_cache, post):
    comment = Comment.objects.get(post=post)
    CommentFactory(post=post, parent=comment, body="A reply keeps its parent's place.")
    cached_twice(client, post.get_absolute_url())
    comment.body = "Edited: is there a blood test?"
    comment.save()  # a moderator's edit in the admin
    assert "Edited: is there a blood test?" in html(client, post.get_absolute_url())
    deleted, kept = actions.delete_permanently(comments=[comment])  # emptied in place by a queryset update
    assert kept == 1
    page = html(client, post.get_absolute_url())
    assert "Edited: is there a blood test?" not in page
    assert "This comment was deleted." in page


def test_an_edited_post_shows_at_once_everywhere_it_is_listed(client, page_cache, post):
    for url in ("/", post.get_absolute_url(), "/feed/"):
        cached_twice(client, url)
    post.title = "Rituximab: what the trials say"
    post.save()
    for url in ("/", post.get_absolute_url(), "/feed/"):
        assert "Rituximab: what the trials say" in html(client, url), url


def test_publishing_and_unpublishing_show_at_once(client, page_cache, post):
    draft = PostFactory(title="Ocrelizumab explained", status=Post.Status.DRAFT)
    assert "Ocrelizumab explained" not in cached_twice(client, "/")
    draft.status = Post.Status.PUBLISHED
    draft.save()
    assert "Ocrelizumab explained" in html(client, "/")
    draft.status = Post.Status.DRAFT
    draft.save()
    assert "Ocrelizumab explained" not in html(client, "/")


def test_a_scheduled_post_appears_when_its_time_comes_without_any_save(client, page_cache, post):
    PostFactory(title="Scheduled for tomorrow morning", published_at=timezone.now() + timedelta(hours=2))
    assert "Scheduled for tomorrow morning" not in cached_twice(client, "/")
    with time_machine.travel(timezone.now() + timedelta(hours=2, seconds=5)):
        assert "Scheduled for tomorrow morning" in html(client, "/")


def test_changed_category_tag_page_and_image_show_at_once(client, page_cache, post, figure_image):
    category = CategoryFactory(name="Treatment")
    tag = TagFactory(name="rituximab")
    post.categories.add(category)
    static_page = PageFactory(title="About this blog")
    assert "Treatment" in cached_twice(client, post.get_absolute_url())
    category.name = "Treatments and trials"
    category.save()
    assert "Treatments and trials" in html(client, post.get_absolute_url())
    post.tags.add(tag)  # a relation changed: no save of the post itself
    assert "rituximab" in html(client, post.get_absolute_url())
    cached_twice(client, static_page.get_absolute_url())
    static_page.title = "About the author"
    static_page.save()
    assert "About the author" in html(client, static_page.get_absolute_url())
    post.body = f"Panel (c) below.\n\n[figure {figure_image.pk}]"
    post.save()
    cached_twice(client, post.get_absolute_url())
    figure_image.alt_text = "Disability over time in four courses of MS"
    figure_image.save()
    assert "Disability over time in four courses of MS" in html(client, post.get_absolute_url())


def test_a_changed_discussion_setting_shows_at_once(client, page_cache, post):
    assert "Leave a Reply" in cached_twice(client, post.get_absolute_url())
    discussion = DiscussionSettings.load()
    discussion.close_after_days = 1
    discussion.save()
    page = html(client, post.get_absolute_url())
    assert "Comments are closed." in page
    assert "Leave a Reply" not in page


def test_a_new_deploy_never_serves_the_old_deploys_pages(client, page_cache, post, settings):
    cached_twice(client, post.get_absolute_url())
    settings.PAGE_CACHE_VERSION = "next-deploy"
    pagecache.deploy_version.cache_clear()
    try:
        assert read(client, post.get_absolute_url())["X-Page-Cache"] == "miss"
    finally:
        pagecache.deploy_version.cache_clear()


def test_the_deploy_version_follows_templates_static_files_and_code(settings, tmp_path):
    for folder in ("templates", "posts", "static"):
        (tmp_path / folder).mkdir()
    (tmp_path / "templates" / "base.html").write_text("<title>{% block title %}{% endblock %}</title>")
    (tmp_path / "static" / "site.css").write_text("body { color: black; }")
    (tmp_path / "posts" / "views.py").write_text("VIEW = 1\n")
    settings.BASE_DIR = tmp_path
    settings.STATICFILES_DIRS = [tmp_path / "static"]
    settings.PAGE_CACHE_VERSION = ""
    versions = set()
    try:
        for path, text in (
            (None, None),
            ("templates/base.html", "<title>New</title>"),
            ("static/site.css", "body { color: navy; }"),
            ("posts/views.py", "VIEW = 2\n"),
        ):
            if path:
                (tmp_path / path).write_text(text)
            pagecache.deploy_version.cache_clear()
            versions.add(pagecache.deploy_version())
    finally:
        pagecache.deploy_version.cache_clear()
    assert len(versions) == 4


def test_an_invalidation_in_another_process_shows_on_the_next_request(client, page_cache, post, settings, tmp_path):
    """Two processes share the `pages` cache (Redis, or files on one machine); a bump in one is seen by the other."""
    location = tmp_path / "pages"
    settings.CACHES = {
        **django_settings.CACHES,
        "pages": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(location)},
    }
    caches["pages"].clear()
    cached_twice(client, post.get_absolute_url())
    other_process = textwrap.dedent(
        f"""
        import django
        django.setup()
        from django.conf import settings
        settings.CACHES["pages"] = {{
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": {str(location)!r}
        }}
        from posts import pagecache
        pagecache._bump()  # what invalidate() writes; this process has no test database to commit to
        """
    )
    subprocess.run(
        [sys.executable, "-c", other_process],
        check=True,
        cwd=django_settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "mssite.settings.test"},
    )
    assert read(client, post.get_absolute_url())["X-Page-Cache"] == "miss"


def test_a_page_from_the_cache_costs_no_database_query(client, page_cache, post, django_assert_num_queries):
    for url in ("/", post.get_absolute_url(), "/feed/"):
        read(client, url)
        with django_assert_num_queries(0):
            assert read(client, url)["X-Page-Cache"] == "hit"
