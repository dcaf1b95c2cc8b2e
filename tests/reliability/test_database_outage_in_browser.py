"""A reader posts a comment while the database is away, on a real server whose PostgreSQL connection is cut.

The site runs in its own process against a PostgreSQL database this test creates, reached through a TCP
proxy the test stops and starts again; so it runs the same in the SQLite and the PostgreSQL half of CI.
"""

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import psycopg2
import pytest

from tests.fakes.tcp_proxy import TCPProxy

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]


def postgres_server_url() -> str:
    """The PostgreSQL server to create the test's database on: the suite's own when it runs on PostgreSQL,
    else OUTAGE_TEST_POSTGRES_URL, else the machine's (as in CI)."""
    if os.environ.get("OUTAGE_TEST_POSTGRES_URL"):
        return os.environ["OUTAGE_TEST_POSTGRES_URL"]
    suite = urlsplit(os.environ.get("DATABASE_URL", ""))
    if suite.scheme.startswith("postgres"):
        return suite._replace(path="/postgres").geturl()
    return "postgres://postgres@127.0.0.1:5432/postgres"


POSTGRES_URL = postgres_server_url()
TEXT = "Typed while the database was away: rituximab helped my walking."


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def postgres_database():
    name = f"mssite_outage_{secrets.token_hex(4)}"
    admin = psycopg2.connect(POSTGRES_URL)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture
def site(postgres_database, tmp_path):
    """The site in its own process (test settings, DEBUG off), its database behind a proxy the test controls."""
    target = urlsplit(POSTGRES_URL)
    with TCPProxy(target.hostname, target.port or 5432) as proxy:
        user = target.username or "postgres"
        environ = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))}
        environ.update(
            DJANGO_ENV="test",
            DATABASE_URL=f"postgres://{user}@127.0.0.1:{proxy.port}/{postgres_database}",
            DATABASE_CONN_MAX_AGE="60",
            STATIC_ROOT=str(tmp_path / "static"),
            LOG_LEVEL="CRITICAL",
        )

        def manage(*args):
            subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environ, check=True, capture_output=True)

        manage("migrate", "--noinput", "-v0")
        manage("collectstatic", "--noinput", "-v0")
        manage("shell", "-c", "from tests.factories import PostFactory; PostFactory(slug='outage', title='Outage')")
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=environ,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(200):
                try:
                    urllib.request.urlopen(f"{base}/healthz", timeout=2)
                    break
                except OSError:
                    time.sleep(0.1)
            yield base, proxy
        finally:
            server.terminate()
            server.wait(timeout=10)


@pytest.fixture
def page(browser):
    context = browser.new_context()
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def comment_count(postgres_database) -> int:
    connection = psycopg2.connect(POSTGRES_URL.rsplit("/", 1)[0] + f"/{postgres_database}")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM comments_comment WHERE body = %s", [TEXT])
            return cursor.fetchone()[0]
    finally:
        connection.close()


def test_a_comment_typed_during_a_database_outage_is_kept_and_posted_once_it_is_back(site, page, postgres_database):
    from playwright.sync_api import expect

    base, proxy = site
    page.goto(f"{base}/")
    post_path = page.get_by_role("link", name="Outage").first.get_attribute("href")
    page.goto(base + post_path)
    form = page.locator("#commentform")
    form.get_by_role("textbox", name="Comment", exact=True).fill(TEXT)
    form.get_by_role("textbox", name="Email", exact=True).fill("ada@example.org")
    form.get_by_role("textbox", name="Name", exact=True).fill("Ada Reader")
    page.wait_for_timeout(3500)  # the form refuses posts faster than a person types

    proxy.cut()
    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        form.get_by_role("button", name="Post Comment").click()

    # The reader is told plainly that nothing was saved, and when to try again.
    assert posted.value.status == 503
    assert posted.value.headers["retry-after"] == "30"
    expect(page.get_by_role("heading", name="Back in a moment")).to_be_visible()
    expect(page.get_by_text("it was not saved", exact=False)).to_be_visible()

    # Back to the post while the database is still away: a 503 again, never a 500.
    back = page.go_back()
    assert back is None or back.status in (200, 503)
    response = page.goto(base + post_path)
    assert response.status == 503

    # The database returns: the post shows the comment box with the text in it and says it was not saved.
    proxy.restore()
    response = page.goto(base + post_path)
    assert response.status == 200
    box = page.locator("#commentform").get_by_role("textbox", name="Comment", exact=True)
    expect(box).to_have_value(TEXT)
    expect(page.locator("#commentform").get_by_role("textbox", name="Name", exact=True)).to_have_value("Ada Reader")
    expect(page.get_by_role("alert")).to_contain_text("Your comment was not saved")
    assert comment_count(postgres_database) == 0

    page.wait_for_timeout(3500)
    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        page.locator("#commentform").get_by_role("button", name="Post Comment").click()
    assert posted.value.status == 302, page.content()
    page.wait_for_url(lambda url: "#comment-" in url)

    assert comment_count(postgres_database) == 1
    # Confirmed by the server: the draft is gone, the next visit has an empty box and no warning.
    page.goto(base + post_path)
    expect(page.locator("#commentform").get_by_role("textbox", name="Comment", exact=True)).to_have_value("")
    expect(page.locator("#comment-not-saved")).to_have_count(0)
