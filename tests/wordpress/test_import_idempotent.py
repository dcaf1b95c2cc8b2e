"""Importing again is safe: the same file changes nothing, a newer export updates what changed."""

import pytest
from django.contrib.auth import get_user_model

from comments.models import Comment
from posts.models import Category, Page, Post, Tag
from wordpress.report import KINDS
from wordpress.services import import_wxr

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    """Every row the import writes, with the timestamps that move when a row is saved."""
    return {
        "users": list(get_user_model().objects.order_by("pk").values_list("pk", "username", "email")),
        "categories": list(Category.objects.order_by("pk").values_list("pk", "slug", "parent_id", "legacy_id")),
        "tags": list(Tag.objects.order_by("pk").values_list("pk", "slug", "legacy_id")),
        "posts": list(Post.objects.order_by("pk").values()),
        "post_terms": list(Post.categories.through.objects.order_by("pk").values_list("pk", "post_id", "category_id"))
        + list(Post.tags.through.objects.order_by("pk").values_list("pk", "post_id", "tag_id")),
        "pages": list(Page.objects.order_by("pk").values()),
        "comments": list(Comment.objects.order_by("pk").values()),
    }


def test_importing_the_theme_data_twice_changes_nothing(theme_test_data):
    import_wxr(source=theme_test_data)
    before = snapshot()

    again = import_wxr(source=theme_test_data)

    assert snapshot() == before  # same rows, same updated_at timestamps
    assert again.total_changes == 0
    for kind in KINDS:
        assert again.counts[kind]["created"] == again.counts[kind]["updated"] == 0, kind
    assert again.counts["posts"]["unchanged"] == 58
    assert again.counts["comments"]["unchanged"] == 33


def test_a_newer_export_updates_only_what_changed(wxr):
    first = wxr.write(
        wxr.item(10, "Original title", slug="original", comments=(wxr.comment(100, approved="0"),)),
        wxr.item(11, "Untouched", slug="untouched"),
        wxr.item(12, "About", post_type="page", slug="about"),
    )
    import_wxr(source=first)
    changed_post = Post.objects.get(legacy_id=10)
    untouched = Post.objects.get(legacy_id=11)

    newer = wxr.write(
        wxr.item(
            10,
            "A better title",
            slug="original",
            comments=(wxr.comment(100, approved="1"), wxr.comment(101, parent=100, content="A later reply.")),
        ),
        wxr.item(11, "Untouched", slug="untouched"),
        wxr.item(12, "About us", post_type="page", slug="about"),
    )
    report = import_wxr(source=newer)

    assert report.counts["posts"] == {"updated": 1, "unchanged": 1}
    assert report.counts["pages"] == {"updated": 1}
    assert report.counts["comments"] == {"updated": 1, "created": 1}
    assert Post.objects.count() == 2
    refreshed = Post.objects.get(legacy_id=10)
    assert refreshed.title == "A better title"
    assert refreshed.updated_at > changed_post.updated_at
    assert Post.objects.get(legacy_id=11).updated_at == untouched.updated_at
    assert Page.objects.get(legacy_id=12).title == "About us"
    approved = Comment.objects.get(legacy_id=100)
    assert approved.status == Comment.Status.APPROVED
    reply = Comment.objects.get(legacy_id=101)
    assert reply.parent == approved
    assert reply.depth == 2


def test_a_renamed_post_keeps_its_old_address(wxr, client):
    import_wxr(source=wxr.write(wxr.item(10, "Hello", slug="hello")))
    old_url = Post.objects.get(legacy_id=10).get_absolute_url()

    import_wxr(source=wxr.write(wxr.item(10, "Hello again", slug="hello-again")))

    post = Post.objects.get(legacy_id=10)
    assert post.slug == "hello-again"
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"].endswith(post.get_absolute_url())


def test_a_reply_can_move_to_another_parent_in_a_newer_export(wxr):
    import_wxr(
        source=wxr.write(
            wxr.item(
                10,
                "Thread",
                comments=(
                    wxr.comment(100, date_gmt="2024-05-02 09:00:00"),
                    wxr.comment(101, date_gmt="2024-05-02 10:00:00"),
                    wxr.comment(102, parent=100, date_gmt="2024-05-02 11:00:00"),
                    wxr.comment(103, parent=102, date_gmt="2024-05-02 12:00:00"),
                ),
            )
        )
    )

    import_wxr(
        source=wxr.write(
            wxr.item(
                10,
                "Thread",
                comments=(
                    wxr.comment(100, date_gmt="2024-05-02 09:00:00"),
                    wxr.comment(101, date_gmt="2024-05-02 10:00:00"),
                    wxr.comment(102, parent=101, date_gmt="2024-05-02 11:00:00"),
                    wxr.comment(103, parent=102, date_gmt="2024-05-02 12:00:00"),
                ),
            )
        )
    )

    order = list(Comment.objects.order_by("thread_path").values_list("legacy_id", "depth"))
    assert order == [(100, 1), (101, 1), (102, 2), (103, 3)]
    assert Comment.objects.get(legacy_id=102).parent.legacy_id == 101


def test_comment_statuses_types_and_authors_are_kept(wxr):
    export = wxr.write(
        wxr.item(
            10,
            "Discussed",
            comments=(
                wxr.comment(1, approved="1", author="Ann", email="ann@example.org"),
                wxr.comment(2, approved="0"),
                wxr.comment(3, approved="spam"),
                wxr.comment(4, approved="trash"),
                wxr.comment(5, approved="something new"),
                wxr.comment(6, comment_type="pingback", author="Other blog"),
                wxr.comment(7, comment_type="trackback"),
            ),
        )
    )

    import_wxr(source=export)

    statuses = dict(Comment.objects.values_list("legacy_id", "status"))
    assert statuses == {1: "approved", 2: "pending", 3: "spam", 4: "trash", 5: "pending", 6: "approved", 7: "approved"}
    types = dict(Comment.objects.values_list("legacy_id", "type"))
    assert types[1] == "comment"
    assert types[6] == "pingback"
    assert types[7] == "trackback"
    ann = Comment.objects.get(legacy_id=1)
    assert (ann.author_name, ann.author_email, ann.author_url, ann.ip_address) == (
        "Ann",
        "ann@example.org",
        "https://reader.example.org/",
        "192.0.2.7",
    )
    assert ann.created_at.isoformat() == "2024-05-02T09:00:00+00:00"


def test_edits_and_moderation_made_here_survive_importing_the_same_export(wxr):
    export = wxr.write(
        wxr.item(10, "Typo in titel", slug="typo", comments=(wxr.comment(100), wxr.comment(101))),
        wxr.item(12, "About", post_type="page", slug="about"),
    )
    import_wxr(source=export)
    post = Post.objects.get(legacy_id=10)
    post.title = "Typo in title"
    post.save()
    Comment.objects.filter(legacy_id=101).update(status=Comment.Status.SPAM)
    Page.objects.filter(legacy_id=12).update(title="About this blog")

    report = import_wxr(source=export)

    assert report.total_changes == 0
    assert Post.objects.get(legacy_id=10).title == "Typo in title"
    assert Comment.objects.get(legacy_id=101).status == Comment.Status.SPAM
    assert Page.objects.get(legacy_id=12).title == "About this blog"


def test_a_change_made_in_wordpress_wins_over_a_local_edit(wxr):
    import_wxr(source=wxr.write(wxr.item(10, "First", slug="first", content="Old text.")))
    Post.objects.filter(legacy_id=10).update(title="Edited here")

    report = import_wxr(source=wxr.write(wxr.item(10, "First", slug="first", content="New text from WordPress.")))

    post = Post.objects.get(legacy_id=10)
    assert report.counts["posts"] == {"updated": 1}
    assert "New text from WordPress." in post.body
    assert post.title == "First"  # the whole item is taken from the newer export


def test_a_newer_export_renames_categories_and_tags(wxr):
    def export(name: str):
        return wxr.write(
            wxr.item(1, "Post", terms=(("category", "news", name), ("post_tag", "ms", f"{name} tag"))),
            terms=wxr.category(5, "news", name) + wxr.tag(6, "ms", f"{name} tag"),
        )

    import_wxr(source=export("News"))
    report = import_wxr(source=export("Latest news"))

    assert list(Category.objects.values_list("name", flat=True)) == ["Latest news"]
    assert list(Tag.objects.values_list("name", flat=True)) == ["Latest news tag"]
    assert report.counts["categories"] == {"updated": 1}
    assert report.counts["tags"] == {"updated": 1}
