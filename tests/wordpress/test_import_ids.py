"""After a move, new comments and posts must not take over the WordPress ids the old links still use."""

import re

import pytest
from django.core.management import call_command

from comments.models import Comment
from posts.models import Post
from tests.factories import CommentFactory, PostFactory
from tests.wordpress.conftest import notes_of
from wordpress.importer import LARGEST_RESERVED_ID
from wordpress.services import import_wxr

pytestmark = pytest.mark.django_db


def test_a_new_comment_never_gets_an_imported_comments_anchor(client, wxr):
    export = wxr.write(wxr.item(5000, "Imported post", comments=(wxr.comment(7000), wxr.comment(7001, parent=7000))))
    call_command("import_wxr", str(export), "--no-progress", stdout=None)
    post = Post.objects.get(legacy_id=5000)

    new_comment = CommentFactory(post=post)
    new_post = PostFactory()

    assert new_comment.pk > 7001
    assert new_post.pk > 5000
    anchors = re.findall(r'<li id="(comment-\d+)"', client.get(post.get_absolute_url()).content.decode())
    assert sorted(anchors) == sorted(["comment-7000", "comment-7001", f"comment-{new_comment.pk}"])
    assert client.get("/", {"p": new_post.pk})["Location"] == new_post.get_absolute_url()
    assert Comment.objects.count() == 3


LARGEST_64_BIT = 2**63 - 1


def test_the_largest_64_bit_id_keeps_its_links_and_new_posts_and_comments_still_work(client, wxr):
    export = wxr.write(
        wxr.item(LARGEST_64_BIT, "Max", comments=(wxr.comment(LARGEST_64_BIT - 1),)),
        wxr.item(5000, "Ordinary", comments=(wxr.comment(7000),)),
    )

    report = import_wxr(source=export)
    new_post = PostFactory()
    new_comment = CommentFactory(post=new_post)

    imported = Post.objects.get(legacy_id=LARGEST_64_BIT)
    assert client.get("/", {"p": LARGEST_64_BIT})["Location"] == imported.get_absolute_url()
    anchors = client.get(imported.get_absolute_url()).content.decode()
    assert f'id="comment-{LARGEST_64_BIT - 1}"' in anchors
    # Sane ids are still reserved; the extreme ones are not, so there is room for every new row.
    assert 5000 < new_post.pk < LARGEST_RESERVED_ID
    assert 7000 < new_comment.pk < LARGEST_RESERVED_ID
    assert client.get("/", {"p": new_post.pk})["Location"] == new_post.get_absolute_url()
    assert f"Post {LARGEST_64_BIT}: this ID is far larger than any real WordPress site's" in notes_of(report)
    assert f"Comment {LARGEST_64_BIT - 1}: this ID is far larger" in notes_of(report)


def test_importing_the_extreme_id_again_changes_nothing_and_posts_can_still_be_written(wxr):
    export = wxr.write(wxr.item(LARGEST_64_BIT, "Max"))

    import_wxr(source=export)
    again = import_wxr(source=export)

    assert again.total_changes == 0
    assert PostFactory.create_batch(3)[-1].pk < LARGEST_RESERVED_ID


def test_an_id_just_within_the_bound_is_reserved_like_any_other(wxr):
    export = wxr.write(wxr.item(LARGEST_RESERVED_ID, "At the bound"))

    report = import_wxr(source=export)

    assert PostFactory().pk == LARGEST_RESERVED_ID + 1
    assert "far larger" not in notes_of(report)
