"""Comments on WordPress pages join the page's discussion, with the same rules as comments on posts."""

import pytest

from comments.models import Comment
from posts.models import Page, Post
from wordpress.services import import_wxr

pytestmark = pytest.mark.django_db


def test_page_comments_keep_threads_statuses_and_ids_and_import_once(wxr):
    export = wxr.write(
        wxr.item(10, "A post", slug="a-post", comments=(wxr.comment(100, content="On the post."),)),
        wxr.item(
            12,
            "About",
            post_type="page",
            slug="about",
            comments=(
                wxr.comment(200, content="Who writes this?"),
                wxr.comment(201, parent=200, content="Two neurologists.", approved="0"),
                wxr.comment(202, parent=100, content="Replies to a comment on the post."),
                wxr.comment(203, content="Pinged", comment_type="pingback"),
            ),
        ),
    )

    report = import_wxr(source=export)

    about = Page.objects.get(legacy_id=12)
    assert report.counts["comments"] == {"created": 5}
    assert sorted(about.comments.values_list("legacy_id", flat=True)) == [200, 201, 202, 203]
    reply = Comment.objects.get(legacy_id=201)
    assert reply.parent == Comment.objects.get(legacy_id=200)
    assert reply.status == Comment.Status.PENDING
    assert reply.depth == 2
    assert reply.get_absolute_url() == "/about/#comment-201"
    # A reply may not cross from a post's discussion into a page's: it starts its own thread, and is reported.
    crossing = Comment.objects.get(legacy_id=202)
    assert crossing.parent is None
    assert any("202" in note and "top-level" in note for note in report.notes)
    assert Comment.objects.get(legacy_id=203).type == Comment.Type.PINGBACK
    assert Comment.objects.get(legacy_id=100).post == Post.objects.get(legacy_id=10)

    again = import_wxr(source=export)

    assert again.total_changes == 0
    assert again.counts["comments"] == {"unchanged": 5}
    assert Comment.objects.count() == 5


def test_comments_on_a_trashed_page_are_skipped_and_counted(wxr):
    export = wxr.write(
        wxr.item(12, "Old page", post_type="page", status="trash", comments=(wxr.comment(200),)),
    )

    report = import_wxr(source=export)

    assert report.counts["comments"] == {"skipped": 1}
    assert not Comment.objects.exists()
