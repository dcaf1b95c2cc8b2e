"""Many readers at once on PostgreSQL: nothing lost, nothing stored twice, threads stay in order.

These run against PostgreSQL only (SQLite serialises writers, so it proves nothing here). In the PostgreSQL
half of CI they run directly; in the SQLite half, test_concurrency_runs_on_postgresql runs them in a child
pytest against a PostgreSQL database of its own, and fails (never skips) if PostgreSQL is unreachable.
"""

import os
import re
import subprocess
import sys
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from django.db import connection

from comments.models import Comment
from tests.comments.helpers import configure
from tests.factories import PostFactory

CLIENTS = 50
COMMENTS_EACH = 20
COMMENT_ID = re.compile(r"#comment-(\d+)")
FORM_FIELD = re.compile(r'name="(csrfmiddlewaretoken|timestamp)" value="([^"]*)"')

postgresql_only = pytest.mark.postgresql


@pytest.fixture
def open_discussion(settings, transactional_db):
    settings.COMMENTS_MIN_FORM_SECONDS = 0
    settings.COMMENTS_FLOOD_SECONDS = 0
    # Published at once (no first-comment moderation), so every comment can be replied to straight away.
    configure(require_previous_approval=False, require_manual_approval=False, notify_post_author=False)
    return PostFactory(slug="busy-post", title="A busy discussion")


def reader(base_url: str, post):
    """A browser session that has opened the post: its CSRF cookie, token and the form's signed timestamp."""
    session = requests.Session()
    html = session.get(base_url + post.get_absolute_url(), timeout=30).text
    fields = dict(FORM_FIELD.findall(html))
    return session, fields


def send(session, fields, base_url, post, *, body, parent="", name="Reader", email="reader@example.org"):
    data = {**fields, "comment": body, "name": name, "email": email, "url": "", "parent": parent, "homepage": ""}
    return session.post(
        f"{base_url}/comments/post/{post.pk}/",
        data=data,
        headers={"Referer": base_url + post.get_absolute_url()},
        allow_redirects=False,
        timeout=60,
    )


@postgresql_only
def test_fifty_readers_replying_to_each_other_lose_nothing_and_store_nothing_twice(live_server, open_discussion):
    assert connection.vendor == "postgresql"
    post = open_discussion
    accepted: dict[str, int] = {}
    known_ids: list[int] = []
    lock = threading.Lock()

    def one_reader(number: int) -> None:
        session, fields = reader(live_server.url, post)
        for turn in range(COMMENTS_EACH):
            body = f"Reader {number}, comment {turn}: {uuid.uuid4()}"
            with lock:
                parent = known_ids[-1 - (number % len(known_ids))] if known_ids else ""
            response = send(
                session, fields, live_server.url, post, body=body, parent=parent,
                name=f"Reader {number}", email=f"reader{number}@example.org",
            )  # fmt: skip
            assert response.status_code < 500, response.text[:500]
            match = COMMENT_ID.search(response.headers.get("Location", ""))
            if response.status_code == 302 and match:
                with lock:
                    accepted[body] = int(match.group(1))
                    known_ids.append(int(match.group(1)))

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        list(pool.map(one_reader, range(CLIENTS)))

    stored = list(Comment.objects.filter(post=post).select_related("parent"))
    assert len(accepted) == CLIENTS * COMMENTS_EACH  # nobody was refused
    assert len(stored) == len(accepted)  # stored once each
    assert {comment.body: comment.pk for comment in stored} == accepted
    # The thread order is consistent: every reply sits under its parent, and no two share a place.
    assert len({comment.thread_path for comment in stored}) == len(stored)
    for comment in stored:
        if comment.parent_id:
            assert comment.thread_path.startswith(comment.parent.thread_path)
            assert comment.depth == comment.parent.depth + 1 or comment.depth == comment.parent.depth
    order = [comment.pk for comment in sorted(stored, key=lambda comment: comment.thread_path)]
    position = {pk: index for index, pk in enumerate(order)}
    assert all(position[c.parent_id] < position[c.pk] for c in stored if c.parent_id)


@postgresql_only
def test_a_double_clicked_post_comment_stores_one_comment(live_server, open_discussion):
    assert connection.vendor == "postgresql"
    post = open_discussion
    session, fields = reader(live_server.url, post)
    start = threading.Barrier(2)

    def click(_):
        start.wait()
        return send(session, fields, live_server.url, post, body="I clicked Post Comment twice.")

    with ThreadPoolExecutor(max_workers=2) as pool:
        responses = list(pool.map(click, range(2)))

    assert all(response.status_code < 500 for response in responses)
    assert Comment.objects.filter(post=post, body="I clicked Post Comment twice.").count() == 1


@pytest.mark.sqlite_half
def test_concurrency_runs_on_postgresql(tmp_path):
    """In the SQLite half, run the two tests above against a PostgreSQL database (CONCURRENCY_DATABASE_URL)."""
    url = os.environ.get("CONCURRENCY_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mssite_concurrency")
    env = {**os.environ, "DATABASE_URL": url}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "pytest", __file__, "-m", "postgresql", "-q", "-p", "no:cacheprovider", "--create-db"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "2 passed" in result.stdout, result.stdout[-2000:]
