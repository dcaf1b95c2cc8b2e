"""The discussion's markup is fixed: the one-pass renderer writes exactly what the nested template wrote.

Two snapshots pin it (recorded from the template the renderer replaced): a 3-deep thread with every kind
of comment a reader can meet (a linked name, an edit, a deleted comment kept for its reply, the reader's
own comment awaiting moderation with its Edit and Delete links) and a 7-deep chain under a thread depth
of 5, whose replies past the fifth level are shown beside their parent, as WordPress flattens them.
Set UPDATE_SNAPSHOTS=1 to record them again after an intended change of markup.
"""

import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.test import Client

from comments.models import Comment, DiscussionSettings
from comments.services import SESSION_KEY
from tests.factories import PostFactory, UserFactory

from .helpers import configure

pytestmark = pytest.mark.django_db

SNAPSHOTS = Path(__file__).parent / "snapshots"
NOW = datetime(2026, 6, 7, 12, 30, tzinfo=UTC)  # 13:30 in London (BST)
FIRST_PK = 990_001  # explicit keys, so the snapshot holds the same anchors on SQLite and PostgreSQL


def comment_list(html: str) -> str:
    start = html.index('<ol class="comment-list">')
    return html[start : html.index("\n    </ol>\n", start) + len("\n    </ol>")]


def matches_snapshot(name: str, text: str) -> bool:
    path = SNAPSHOTS / name
    if os.environ.get("UPDATE_SNAPSHOTS"):
        path.write_text(text)
    return text == path.read_text()


@pytest.fixture
def post(db, settings):
    settings.TIME_ZONE = "Europe/London"
    DiscussionSettings.load()
    return PostFactory(
        title="Rituximab for Secondary Progressive MS?",
        author=UserFactory(username="author"),
        published_at=NOW - timedelta(days=2),
    )


def add(post, key: int, *, parent=None, minutes_ago: float, **fields) -> Comment:
    fields.setdefault("author_name", "Margaret O'Neill")
    fields.setdefault("author_email", "margaret.oneill@example.org")
    fields.setdefault("body", "Is there a test that tells you for certain?")
    fields.setdefault("status", Comment.Status.APPROVED)
    comment = Comment(
        pk=FIRST_PK + key, post=post, parent=parent, created_at=NOW - timedelta(minutes=minutes_ago), **fields
    )
    comment.save()
    return comment


def test_a_three_deep_thread_keeps_its_markup(post):
    first = add(post, 0, minutes_ago=300, author_url="https://example.net/margaret", edited_at=NOW)
    second = add(
        post, 1, parent=first, minutes_ago=240, author_name="Dr <Lars> & “Holmberg”", body="Usually by the EDSS course."
    )
    add(post, 2, parent=second, minutes_ago=200, author_name="Jamie Rivers", body="Thank you!\n\nVery clear.")
    removed = add(post, 3, minutes_ago=100, is_removed=True, body="", author_email="")
    add(post, 4, parent=removed, minutes_ago=90, author_name="Priya", author_url="javascript:alert(1)")
    own = add(post, 5, minutes_ago=5, author_name="Ada Reader", status=Comment.Status.PENDING, body="Mine, held.")
    reader = Client()
    session = reader.session
    session[SESSION_KEY] = [own.pk]
    session.save()
    with time_machine.travel(NOW, tick=False):
        html = reader.get(post.get_absolute_url()).content.decode()
    thread = comment_list(html)
    assert thread.count('class="children"') == 3
    assert "comment-awaiting-moderation" in thread
    assert matches_snapshot("thread_3_deep.html", thread)


def test_replies_past_the_thread_depth_are_flattened_beside_their_parent(post):
    configure(thread_depth=5)
    parent = None
    for level in range(7):
        parent = add(post, level, parent=parent, minutes_ago=100 - level, author_name=f"Reader at level {level + 1}")
    with time_machine.travel(NOW, tick=False):
        html = Client().get(post.get_absolute_url()).content.decode()
    thread = comment_list(html)
    assert re.findall(r'class="comment depth-(\d)', thread) == ["1", "2", "3", "4", "5", "5", "5"]
    assert thread.count('class="comment-reply-link"') == 4  # no Reply at the deepest level
    assert matches_snapshot("thread_5_deep_flattened.html", thread)


def test_a_very_deep_stored_thread_renders_without_recursion(post):
    """A thread depth saved before it was bounded (100), and a reply chain deeper than Python's template
    recursion ever managed: the page still renders, every comment shown."""
    DiscussionSettings.objects.update(thread_depth=100)
    parent = None
    for level in range(120):
        parent = add(post, level, parent=parent, minutes_ago=500 - level, author_name=f"Reader {level + 1}")
    response = Client().get(post.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count('class="comment depth-') == 120
