"""The site owner runs ``manage.py import_wxr`` on the server: what they see, and what they get."""

import io
import re
import zipfile
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from comments.models import Comment, Subscription
from posts.models import Post, Tag
from tests.factories import UserFactory
from tests.wordpress.conftest import run_import

pytestmark = pytest.mark.django_db


class Terminal(io.StringIO):
    """A stand-in for a terminal: the command draws its progress bar only on a TTY."""

    def isatty(self):
        return True


def run(*args, tty=False):
    out, err = io.StringIO(), Terminal() if tty else io.StringIO()
    call_command("import_wxr", *[str(arg) for arg in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_prints_a_summary_table_per_kind(wxr):
    export = wxr.write(
        wxr.item(10, "First post", comments=(wxr.comment(100), wxr.comment(101, parent=100))),
        wxr.item(11, "About", post_type="page"),
        wxr.item(12, "Main menu", post_type="nav_menu_item"),
    )

    out, _ = run(export)

    lines = out.splitlines()
    assert lines[0].split() == ["created", "updated", "unchanged", "skipped"]
    assert next(line for line in lines if line.startswith("posts")).split() == ["posts", "1", "0", "0", "0"]
    assert next(line for line in lines if line.startswith("comments")).split() == ["comments", "2", "0", "0", "0"]
    assert next(line for line in lines if line.startswith("pages")).split() == ["pages", "1", "0", "0", "0"]
    assert next(line for line in lines if line.startswith("nav_menu_item")).split()[-1] == "1"
    assert "3 items read; 5 records changed." in out  # an author, a post, two comments, a page


def test_progress_bar_on_a_terminal_shows_items_and_rate(wxr):
    export = wxr.write(*(wxr.item(number, f"Post {number}") for number in range(1, 31)))

    _, err = run(export, tty=True)

    assert "Importing" in err
    assert "30/30 items" in err
    assert "/s" in err
    assert "[" + "#" * 30 + "]" in err


def test_no_progress_bar_when_output_is_not_a_terminal(wxr):
    export = wxr.write(wxr.item(1, "Post"))

    _, err = run(export)

    assert err == ""
    assert Post.objects.count() == 1


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match=r"nowhere\.xml: Cannot open the file \(No such file or directory\)"):
        run(tmp_path / "nowhere.xml")


def test_malformed_xml_names_the_line(wxr, tmp_path):
    broken = tmp_path / "broken.xml"
    text = wxr.document(wxr.item(1, "Fine"), wxr.item(2, "Broken"))
    lines = text.splitlines()
    number = next(index for index, line in enumerate(lines, start=1) if "<wp:post_id>2</wp:post_id>" in line)
    lines[number - 1] = "    <wp:post_id>2</wp:post_idd>"
    broken.write_text("\n".join(lines), encoding="utf-8")

    with pytest.raises(
        CommandError, match=rf"broken\.xml: The file is not well-formed XML at line {number}, column \d+"
    ):
        run(broken)
    assert Post.objects.count() == 0


def test_not_a_wordpress_export_is_refused(tmp_path):
    feed = tmp_path / "feed.xml"
    feed.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>A feed</title></channel></rss>')

    with pytest.raises(CommandError, match="no <wp:wxr_version>: it is not a WordPress export"):
        run(feed)


def test_dry_run_reports_and_writes_nothing(wxr):
    export = wxr.write(
        wxr.item(10, "First post", terms=(("post_tag", "news", "News"),), comments=(wxr.comment(100),)),
    )

    out, _ = run(export, "--dry-run")

    assert "Dry run: nothing was written" in out
    assert next(line for line in out.splitlines() if line.startswith("posts")).split() == ["posts", "1", "0", "0", "0"]
    assert "records would change" in out
    assert Post.objects.count() == Comment.objects.count() == Tag.objects.count() == 0
    assert not get_user_model().objects.exists()


def test_author_map_gives_the_posts_to_an_existing_user(wxr):
    owner = UserFactory(username="jsmith")
    export = wxr.write(wxr.item(10, "Mine", creator="alice"))

    run(export, "--author-map", "alice=jsmith")

    assert Post.objects.get(legacy_id=10).author == owner
    assert not get_user_model().objects.filter(username="alice").exists()
    assert owner.has_usable_password()  # an existing account is used as it is


def test_author_map_to_an_unknown_user_is_refused_before_anything_is_written(wxr):
    export = wxr.write(wxr.item(10, "Mine"))

    with pytest.raises(CommandError, match="--author-map alice=nobody: there is no user 'nobody' here"):
        run(export, "--author-map", "alice=nobody")
    with pytest.raises(CommandError, match="--author-map expects old=new"):
        run(export, "--author-map", "alice")
    assert Post.objects.count() == 0


def test_uploads_folder_must_exist(wxr, tmp_path):
    export = wxr.write(wxr.item(10, "Mine"))

    with pytest.raises(CommandError, match="no such folder"):
        run(export, "--uploads", tmp_path / "missing")


def test_progress_bar_ends_its_line_before_the_summary(wxr):
    export = wxr.write(wxr.item(1, "Post"))

    _, err = run(export, tty=True)

    assert err.endswith("\n")
    assert "\x1b[" not in err  # not coloured as an error
    assert err.count("\n") == 2  # one line for checking the file, one for importing it


def test_zipped_export_gets_a_clear_message(wxr, tmp_path):
    archive = tmp_path / "blog.wordpress.2024-05-01.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.write(wxr.write(wxr.item(1, "Post")), "blog.wordpress.2024-05-01.xml")

    with pytest.raises(CommandError, match="This is a ZIP archive .*unzip it"):
        run(archive)


def test_importing_old_posts_emails_no_subscriber(wxr, mailoutbox, django_capture_on_commit_callbacks):
    Subscription.objects.create(email="fan@example.org", kind=Subscription.Kind.POSTS, confirmed_at=timezone.now())
    export = wxr.write(
        wxr.item(1, "Old news", date_gmt="2015-01-01 10:00:00"),
        wxr.item(2, "Yesterday's news", date_gmt=(timezone.now() - timedelta(hours=3)).strftime("%Y-%m-%d %H:%M:%S")),
    )

    with django_capture_on_commit_callbacks(execute=True):
        run(export)

    assert Post.objects.published().count() == 2
    assert mailoutbox == []


def test_an_author_with_the_address_of_an_existing_user_is_that_user(wxr):
    owner = UserFactory(username="owner", email="Alice@Example.org")
    export = wxr.write(wxr.item(10, "Mine", creator="alice"), authors=(("alice", "alice@example.org"),))

    out, _ = run(export)

    assert Post.objects.get(legacy_id=10).author == owner
    assert not get_user_model().objects.filter(username="alice").exists()
    assert "has the address of the existing user 'owner'" in out


def test_dry_run_reports_exactly_what_the_real_import_then_does(wxr):
    export = wxr.write(
        wxr.item(
            1, "First", terms=(("category", "news", "News"), ("post_tag", "ms", "MS")), comments=(wxr.comment(10),)
        ),
        wxr.item(2, "About", post_type="page"),
        wxr.item(3, "Menu", post_type="nav_menu_item"),
        wxr.item(4, "Binned", status="trash"),
    )

    rehearsal = run_import(export, "--dry-run")
    real = run_import(export)

    def table(output: str) -> list[str]:
        return [
            line
            for line in output.splitlines()
            if re.match(r"^\s*(created|authors|categories|tags|images|posts|pages|comments|nav_menu_item)\b", line)
        ]

    assert table(rehearsal) == table(real)
    assert "records would change" in rehearsal
    assert "records changed" in real
    assert Post.objects.count() == 1


def test_several_authors_can_be_mapped_at_once(wxr):
    mira, jonas = UserFactory(username="mira"), UserFactory(username="jonas")
    export = wxr.write(
        wxr.item(1, "By alice", creator="alice"),
        wxr.item(2, "By bob", creator="bob"),
        authors=(("alice", "alice@example.org"), ("bob", "bob@example.org")),
    )

    run_import(export, "--author-map", "alice=mira", "bob=jonas")

    assert Post.objects.get(legacy_id=1).author == mira
    assert Post.objects.get(legacy_id=2).author == jonas
    assert not get_user_model().objects.filter(username__in=["alice", "bob"]).exists()
