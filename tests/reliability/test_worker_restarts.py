"""A worker process killed in the middle of writing a comment leaves nothing half-written behind.

Each scenario runs in its own process on the embedded site and kills that process (SIGKILL, as an OOM
killer or a gunicorn timeout does) between the two writes a new comment needs (the row, then its thread
path); a fresh process then looks at what the database holds.
"""

import pytest

KILL_BETWEEN_WRITES = """
import os, signal
from comments.models import Comment
def die(self):
    os.kill(os.getpid(), signal.SIGKILL)
Comment.compute_thread_path = die
"""

COUNT = """
from comments.models import Comment
print(Comment.objects.filter(body={body!r}).count(), Comment.objects.filter(thread_path="~").count())
"""


@pytest.fixture(scope="module")
def site(embedded_site):
    embedded_site.run("from tests.factories import PostFactory; PostFactory(slug='restarts'); print('ok')")
    return embedded_site


def killed(site, script: str) -> int:
    worker = site.start(KILL_BETWEEN_WRITES + script)
    worker.communicate(timeout=120)
    return worker.returncode


def test_a_worker_killed_while_posting_a_comment_leaves_no_comment(site):
    script = """
from django.test import Client
from posts.models import Post
from tests.comments.helpers import post_comment
post_comment(Client(), Post.objects.get(slug="restarts"), comment="Killed while posting.")
"""
    assert killed(site, script) == -9

    assert site.run(COUNT.format(body="Killed while posting.")) == "0 0"


def test_a_comment_saved_outside_a_transaction_is_never_left_half_written(site):
    # As a management command or an import would save one.
    script = """
from comments.models import Comment
from posts.models import Post
Comment(post=Post.objects.get(slug="restarts"), author_name="Cron", body="Killed in a command.").save()
"""
    assert killed(site, script) == -9

    assert site.run(COUNT.format(body="Killed in a command.")) == "0 0"


def test_after_the_restart_the_next_comment_is_whole(site):
    script = """
from django.test import Client
from posts.models import Post
from comments.models import Comment
from tests.comments.helpers import post_comment
post_comment(Client(), Post.objects.get(slug="restarts"), comment="After the restart.")
comment = Comment.objects.get(body="After the restart.")
print(comment.thread_path != "~" and comment.depth == 1)
"""
    assert site.run(script) == "True"
