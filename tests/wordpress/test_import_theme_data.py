"""Importing WordPress's public theme test data: real WordPress.com output, counted in its README."""

import re
from collections import Counter, defaultdict
from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.test import TestCase

from accounts.roles import AUTHOR
from comments.models import Comment, DiscussionSettings
from posts.models import Category, Image, Page, Post, Tag
from tests.wordpress.conftest import THEME_TEST_DATA
from wordpress import wxr
from wordpress.services import import_wxr

TEMPLATE_COMMENTS = 1148  # the post "Template: Comments", with the 10-deep thread
DEEP_THREAD = [904, 905, 906, 907, 910, 911, 912, 913, 914, 915]  # WordPress comment IDs, root first


class ThemeTestDataImport(TestCase):
    @classmethod
    def setUpTestData(cls):
        assert THEME_TEST_DATA.is_file(), f"{THEME_TEST_DATA} is missing: check out ../shared beside the project"
        cls.report = import_wxr(source=THEME_TEST_DATA)

    def test_the_reader_finds_what_the_readme_counts(self):
        types, comments, replies, terms, authors = Counter(), Counter(), 0, defaultdict(set), 0
        with THEME_TEST_DATA.open("rb") as source:
            for record in wxr.read(source):
                if isinstance(record, wxr.Item):
                    types[record.post_type] += 1
                    comments.update(comment.type or "comment" for comment in record.comments)
                    replies += sum(1 for comment in record.comments if comment.parent)
                elif isinstance(record, wxr.Term):
                    terms[record.taxonomy].add(record.slug)  # category "6-1" is declared twice
                elif isinstance(record, wxr.Author):
                    authors += 1
        assert types == {"post": 58, "page": 21, "attachment": 37, "nav_menu_item": 70}
        assert comments == {"comment": 29, "pingback": 2, "trackback": 2}
        assert replies == 10
        assert (len(terms["category"]), len(terms["post_tag"]), authors) == (68, 110, 2)

    def test_every_post_is_imported_with_its_status(self):
        assert Post.objects.count() == 58
        assert self.report.counts["posts"]["created"] == 58
        assert Post.objects.filter(legacy_id__isnull=True).count() == 0
        # 56 published (one of them password-protected, which is kept private here), 1 scheduled, 1 draft.
        assert Post.objects.published().count() == 55
        assert Post.objects.get(legacy_id=1168).status == Post.Status.PRIVATE
        scheduled = Post.objects.get(legacy_id=1153)
        assert scheduled.is_scheduled
        assert Post.objects.get(legacy_id=1164).status == Post.Status.DRAFT

    def test_pages_attachments_and_menu_items_are_counted(self):
        assert Page.objects.count() == 21
        assert self.report.counts["pages"]["created"] == 21
        # Without --uploads no file can be found: each attachment is reported, none is fatal.
        assert Image.objects.count() == 0
        assert self.report.counts["images"]["skipped"] == 37
        assert len(self.report.missing_files) == 37
        assert "2008/06/canola2.jpg" in self.report.missing_files
        assert dict(self.report.skipped_types) == {"nav_menu_item": 70}
        assert "Not imported (no equivalent here): 70 nav_menu_item." in self.report.details()

    def test_comments_keep_their_types_and_statuses(self):
        assert dict(self.report.comment_types) == {"comment": 29, "pingback": 2, "trackback": 2}
        assert dict(self.report.comment_statuses) == {"approved": 30, "pending": 3}
        # All 33, the five on pages included: the counts match the file's README.
        assert Comment.objects.count() == 33
        assert self.report.counts["comments"] == {"created": 33}
        assert Comment.objects.filter(type=Comment.Type.COMMENT).count() == 29
        assert Comment.objects.filter(type=Comment.Type.PINGBACK).count() == 2
        assert Comment.objects.filter(type=Comment.Type.TRACKBACK).count() == 2
        assert Comment.objects.filter(status=Comment.Status.APPROVED).count() == 30
        assert Comment.objects.filter(status=Comment.Status.PENDING).count() == 3
        assert Comment.objects.filter(parent__isnull=False).count() == 10
        assert Comment.objects.filter(legacy_id__isnull=True).count() == 0

    def test_comments_on_pages_join_the_pages_discussion(self):
        page = Page.objects.get(legacy_id=155)  # "Page with comments"
        assert page.comments_open
        assert sorted(page.comments.values_list("legacy_id", flat=True)) == [167, 168, 169, 1017]
        reply = Comment.objects.get(legacy_id=1017)
        assert reply.page == page
        assert reply.post is None
        assert reply.parent == Comment.objects.get(legacy_id=168)
        assert reply.status == Comment.Status.PENDING
        assert Comment.objects.get(legacy_id=1016).page == Page.objects.get(legacy_id=703)

        html = self.client.get(page.get_absolute_url()).content.decode()
        assert "3 thoughts on “Page with comments”" in html
        assert 'id="comment-168"' in html
        assert 'id="comment-1017"' not in html  # pending: only its author would see it
        assert "Leave a Reply" in html

    def test_pending_comment_stays_pending_and_hidden(self):
        pending = Comment.objects.get(legacy_id=1015)
        assert pending.status == Comment.Status.PENDING
        page = self.client.get(pending.post.get_absolute_url())
        assert page.status_code == 200
        assert 'id="comment-1015"' not in page.content.decode()

    def test_ten_deep_thread_keeps_its_structure(self):
        thread = list(Comment.objects.filter(legacy_id__in=DEEP_THREAD).order_by("thread_path"))
        assert [comment.legacy_id for comment in thread] == DEEP_THREAD
        assert [comment.depth for comment in thread] == list(range(1, 11))
        assert thread[0].parent is None
        for parent, reply in zip(thread, thread[1:], strict=False):
            assert reply.parent_id == parent.pk
        assert Comment.objects.filter(parent__isnull=False, post__isnull=False).count() == 9  # the tenth is on a page

    def test_deep_thread_is_displayed_up_to_the_configured_depth(self):
        settings = DiscussionSettings.load()
        settings.thread_depth = 5
        settings.save()
        post = Post.objects.get(legacy_id=TEMPLATE_COMMENTS)
        html = self.client.get(post.get_absolute_url()).content.decode()
        # Every reply is shown in thread order, under its WordPress anchor …
        anchors = [int(number) for number in re.findall(r'<li id="comment-(\d+)"', html)]
        assert [number for number in anchors if number in DEEP_THREAD] == DEEP_THREAD
        # … nested five levels deep; the replies below level five follow their parent at that level, as on WordPress.
        assert 'class="comment depth-5' in html
        assert 'class="comment depth-6' not in html
        levels = [int(level) for level in re.findall(r'<li id="comment-\d+" class="comment depth-(\d+)', html)]
        deep_levels = [level for number, level in zip(anchors, levels, strict=True) if number in DEEP_THREAD]
        assert deep_levels == [1, 2, 3, 4, 5, 5, 5, 5, 5, 5]
        # … and readers may reply only above the configured depth.
        replyable = {
            comment.legacy_id
            for comment in post.comments.all()
            if f'data-below="div-comment-{comment.legacy_id}"' in html
        }
        assert replyable & set(DEEP_THREAD) == set(DEEP_THREAD[:4])

    def test_scheduled_draft_and_protected_posts_are_not_public(self):
        for legacy_id in (1153, 1164, 1168):
            post = Post.objects.get(legacy_id=legacy_id)
            assert self.client.get(post.get_absolute_url()).status_code == 404, post.title

    def test_old_post_links_redirect_to_the_permalink(self):
        post = Post.objects.get(legacy_id=TEMPLATE_COMMENTS)
        response = self.client.get("/", {"p": TEMPLATE_COMMENTS})
        assert response.status_code == 301
        assert response["Location"] == post.get_absolute_url() == "/2012/01/03/template-comments/"

    def test_old_links_to_unpublished_posts_reveal_nothing(self):
        for legacy_id in (1153, 1164, 1168):  # scheduled, draft, password-protected
            assert self.client.get("/", {"p": legacy_id}).status_code == 404

    def test_old_page_links_redirect_to_the_nested_address(self):
        response = self.client.get("/", {"page_id": 172})
        assert response.status_code == 301
        assert response["Location"] == "/level-1/level-2/level-3/"

    def test_comment_anchors_use_the_wordpress_id(self):
        comment = Comment.objects.get(legacy_id=881)
        assert comment.anchor == "comment-881"
        assert comment.get_absolute_url().endswith("/template-comments/#comment-881")
        html = self.client.get(comment.post.get_absolute_url()).content.decode()
        assert '<li id="comment-881"' in html

    def test_authors_become_users_with_the_author_role_and_no_password(self):
        users = get_user_model().objects.order_by("username")
        assert [user.username for user in users] == ["themedemos", "themereviewteam"]
        for user in users:
            assert not user.has_usable_password()
            assert list(user.groups.values_list("name", flat=True)) == [AUTHOR]
        # ">themereviewteam" in one item's <dc:creator> is the same person, not a third user.
        assert Post.objects.get(legacy_id=1241).author.username == "themedemos"

    def test_categories_keep_their_hierarchy(self):
        assert Category.objects.count() == 68
        assert Category.objects.filter(legacy_id__isnull=False).count() == 68
        grandchild = Category.objects.get(slug="grandchild-category")
        assert grandchild.parent.slug == "child-category-03"
        assert grandchild.parent.parent.slug == "parent-category"
        assert grandchild.parent.parent.parent is None
        post = Post.objects.get(legacy_id=1152)  # Edge Case: Many Categories
        assert post.categories.count() > 10

    def test_tags_from_the_header_and_those_only_used_by_posts(self):
        assert Tag.objects.filter(legacy_id__isnull=False).count() == 110
        # Four tags are used by posts without being declared in the header; WordPress creates them too.
        assert sorted(Tag.objects.filter(legacy_id__isnull=True).values_list("slug", flat=True)) == [
            "columns",
            "content",
            "sample",
            "test-tag",
        ]

    def test_pages_keep_their_hierarchy_in_their_addresses(self):
        response = self.client.get("/level-1/level-2/level-3/")
        assert response.status_code == 200
        assert "Level 3" in response.content.decode()
        level_3 = Page.objects.get(legacy_id=172)
        assert level_3.parent.legacy_id == 173
        assert level_3.parent.parent.legacy_id == 174
        assert Page.objects.get(legacy_id=1813).path == "greek/επίπεδο-2/επίπεδο-3"

    def test_sticky_excerpt_more_and_comment_status(self):
        assert list(Post.objects.filter(is_sticky=True).values_list("legacy_id", flat=True)) == [1241]
        defined = Post.objects.get(legacy_id=993)
        assert defined.excerpt.startswith("This is a user-defined post excerpt.")
        more = Post.objects.get(legacy_id=996)
        assert "<!--more-->" in more.body
        assert "continue reading" in more.excerpt_html
        assert "after the more tag" not in more.excerpt_html
        assert "after the more tag" in more.body_html
        assert Post.objects.get(legacy_id=1150).comments_open is False  # Template: Comments Disabled
        assert Post.objects.get(legacy_id=TEMPLATE_COMMENTS).comments_open is True

    def test_dates_come_from_the_gmt_fields(self):
        # Sticky: post_date 2012-01-07 07:07:21 in the blog's zone, post_date_gmt 14:07:21.
        assert Post.objects.get(legacy_id=1241).published_at == datetime(2012, 1, 7, 14, 7, 21, tzinfo=UTC)
        assert Comment.objects.get(legacy_id=881).created_at.tzinfo is not None

    def test_bodies_are_html_sanitised_and_paragraphed(self):
        post = Post.objects.get(legacy_id=1178)  # Markup: HTML Tags and Formatting
        assert post.body_format == "html"
        assert "<p>" in post.body_html
        assert "<script" not in "".join(Post.objects.values_list("body_html", flat=True))
