"""After a move, new comments and posts must not take over the WordPress ids the old links still use."""

import re

import pytest
from django.core.management import call_command

from comments.models import Comment
from posts.models import Post
from tests.factories import CommentFactory, PostFactory

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
