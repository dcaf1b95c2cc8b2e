"""Audit of issue 6 (WordPress import and export): the points the other test files did not yet prove."""

import io
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from PIL import Image as PillowImage

from comments.models import Comment
from posts.models import Category, Image, Page, Post, Tag
from tests.factories import CommentFactory, PostFactory, UserFactory
from wordpress.importer import WxrImporter
from wordpress.services import export_wxr, import_wxr

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def run_command(*args) -> str:
    out = io.StringIO()
    call_command("import_wxr", *[str(arg) for arg in args], "--no-progress", stdout=out)
    return out.getvalue()


# Versions and namespaces -------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2"])
@pytest.mark.parametrize("scheme", ["http", "https"])
def test_every_wxr_version_in_either_namespace_spelling_imports_whole(wxr, version, scheme):
    export = wxr.write(
        wxr.item(
            1,
            "From an old WordPress",
            excerpt="The summary.",
            terms=(("category", "news", "News"), ("post_tag", "ms", "MS")),
            comments=(wxr.comment(10), wxr.comment(11, parent=10)),
        ),
        wxr.item(2, "About", post_type="page"),
        namespace=f"{scheme}://wordpress.org/export/{version}/",
    )

    report = import_wxr(source=export)

    post = Post.objects.get(legacy_id=1)
    assert post.excerpt == "The summary."
    assert list(post.categories.values_list("slug", flat=True)) == ["news"]
    assert list(post.tags.values_list("slug", flat=True)) == ["ms"]
    assert Comment.objects.get(legacy_id=11).parent == Comment.objects.get(legacy_id=10)
    assert Page.objects.get(legacy_id=2).title == "About"
    assert report.counts["posts"]["created"] == 1


# Dates -------------------------------------------------------------------------------------------


def test_post_and_comment_dates_come_from_the_gmt_fields_not_the_blogs_local_time(wxr):
    # The old blog was in New York (UTC-4 in May): local and GMT differ by four hours.
    item = wxr.item(
        1, "Dated", date_gmt="2024-05-01 14:00:00", comments=(wxr.comment(10, date_gmt="2024-05-02 13:30:00"),)
    )
    item = item.replace("<wp:post_date>2024-05-01 14:00:00", "<wp:post_date>2024-05-01 10:00:00")
    item = item.replace("<wp:comment_date>2024-05-02 13:30:00", "<wp:comment_date>2024-05-02 09:30:00")
    assert "10:00:00" in item
    assert "09:30:00" in item

    import_wxr(source=wxr.write(item))

    assert Post.objects.get(legacy_id=1).published_at == datetime(2024, 5, 1, 14, 0, tzinfo=UTC)
    assert Comment.objects.get(legacy_id=10).created_at == datetime(2024, 5, 2, 13, 30, tzinfo=UTC)


# Statuses ----------------------------------------------------------------------------------------


def test_every_wordpress_post_status_is_kept_and_only_published_posts_are_public(wxr, client):
    export = wxr.write(
        wxr.item(1, "Published", status="publish"),
        wxr.item(2, "Draft", status="draft"),
        wxr.item(3, "Pending", status="pending"),
        wxr.item(4, "Private", status="private"),
        wxr.item(5, "Scheduled", status="future", date_gmt="2099-01-01 09:00:00"),
    )

    import_wxr(source=export)

    statuses = dict(Post.objects.values_list("legacy_id", "status"))
    assert statuses == {1: "published", 2: "draft", 3: "pending", 4: "private", 5: "published"}
    assert Post.objects.get(legacy_id=5).is_scheduled
    assert list(Post.objects.published().values_list("legacy_id", flat=True)) == [1]
    assert client.get("/", {"p": 1}).status_code == 301
    for hidden in (2, 3, 4, 5):
        assert client.get("/", {"p": hidden}).status_code == 404, hidden
        assert client.get(Post.objects.get(legacy_id=hidden).get_absolute_url()).status_code == 404, hidden


# Hierarchies in any order ------------------------------------------------------------------------


def test_a_child_category_declared_before_its_parent_keeps_the_hierarchy(wxr):
    terms = (
        wxr.category(3, "relapsing", "Relapsing MS", parent="treatment")
        + wxr.category(2, "treatment", "Treatment")
        + wxr.category(4, "orphan", "Orphan", parent="not-in-the-file")
    )

    report = import_wxr(
        source=wxr.write(wxr.item(1, "Post", terms=(("category", "relapsing", "Relapsing MS"),)), terms=terms)
    )

    child = Category.objects.get(slug="relapsing")
    assert child.parent.slug == "treatment"
    assert child.parent.parent is None
    assert Category.objects.get(slug="orphan").parent is None
    assert any("'Orphan'" in note and "not-in-the-file" in note for note in report.notes)


def test_a_child_page_listed_before_its_parent_keeps_the_hierarchy(wxr, client):
    export = wxr.write(
        wxr.item(12, "Diet", post_type="page", slug="diet", parent=11),
        wxr.item(11, "Living with MS", post_type="page", slug="living"),
    )

    import_wxr(source=export)

    diet = Page.objects.get(legacy_id=12)
    assert diet.parent.legacy_id == 11
    assert client.get("/living/diet/").status_code == 200
    assert client.get("/", {"page_id": 12})["Location"] == "/living/diet/"


# Skipped items -----------------------------------------------------------------------------------


def test_comments_on_a_post_that_is_not_imported_are_counted_as_skipped(wxr):
    export = wxr.write(wxr.item(1, "Binned", status="trash", comments=(wxr.comment(10), wxr.comment(11, parent=10))))

    report = import_wxr(source=export)

    assert not Post.objects.exists()
    assert not Comment.objects.exists()
    assert report.counts["posts"]["skipped"] == 1
    assert report.counts["comments"]["skipped"] == 2


# Safety ------------------------------------------------------------------------------------------


def test_a_failed_import_with_uploads_leaves_no_image_files_behind(wxr, tmp_path, settings, monkeypatch):
    uploads = tmp_path / "uploads"
    (uploads / "2024" / "05").mkdir(parents=True)
    PillowImage.new("RGB", (400, 300), (200, 60, 40)).save(uploads / "2024" / "05" / "brain.jpg", "JPEG")
    export = wxr.write(
        wxr.item(
            20,
            "brain",
            post_type="attachment",
            status="inherit",
            attachment_url="https://old.example.org/wp-content/uploads/2024/05/brain.jpg",
            meta={"_wp_attached_file": "2024/05/brain.jpg"},
        ),
        wxr.item(1, "Post"),
    )

    def fail(self):
        assert Image.objects.count() == 1  # the image was stored before the failure …
        raise RuntimeError("disk full")

    monkeypatch.setattr(WxrImporter, "_import_pages", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        import_wxr(source=export, uploads_dir=uploads)

    assert not Image.objects.exists()
    assert not Post.objects.exists()
    media = Path(settings.MEDIA_ROOT)
    assert [path for path in media.rglob("*") if path.is_file()] == []  # … and its files removed with the rows


def test_an_imported_commenters_script_link_and_name_are_harmless(wxr, client):
    hostile = wxr.comment(10, author='<script>alert("name")</script>Eve', url="javascript:alert(document.cookie)")
    import_wxr(source=wxr.write(wxr.item(1, "Discussed", comments=(hostile,))))

    page = client.get(Post.objects.get(legacy_id=1).get_absolute_url()).content.decode()

    assert 'id="comment-10"' in page
    assert "javascript:" not in page
    assert '<script>alert("name")' not in page
    # WordPress keeps names as HTML: its markup is stripped (as wp_strip_all_tags would), the text kept.
    assert Comment.objects.get(legacy_id=10).author_name == "Eve"


# What the command reports ------------------------------------------------------------------------


def test_dry_run_reports_exactly_what_the_real_import_then_does(wxr):
    export = wxr.write(
        wxr.item(
            1, "First", terms=(("category", "news", "News"), ("post_tag", "ms", "MS")), comments=(wxr.comment(10),)
        ),
        wxr.item(2, "About", post_type="page"),
        wxr.item(3, "Menu", post_type="nav_menu_item"),
        wxr.item(4, "Binned", status="trash"),
    )

    rehearsal = run_command(export, "--dry-run")
    real = run_command(export)

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


def test_the_report_names_unknown_shortcodes_and_missing_files_with_their_counts(wxr, tmp_path):
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    export = wxr.write(
        wxr.item(
            20,
            "scan",
            post_type="attachment",
            status="inherit",
            attachment_url="https://old.example.org/wp-content/uploads/2019/03/mri-scan.jpg",
            meta={"_wp_attached_file": "2019/03/mri-scan.jpg"},
        ),
        wxr.item(1, "Shop", content="Buy: [buy_button id=1]"),
        wxr.item(2, "Shop again", content="[buy_button id=2] and [poll id=7]"),
    )

    out = run_command(export, "--uploads", uploads)

    assert "Unknown shortcodes left as text in bodies: [buy_button] ×2, [poll] ×1." in out
    assert "Attachment files not found (1):" in out
    assert "2019/03/mri-scan.jpg" in out
    assert "[buy_button id=2]" in Post.objects.get(legacy_id=2).body_html


def test_several_authors_can_be_mapped_at_once(wxr):
    mira, jonas = UserFactory(username="mira"), UserFactory(username="jonas")
    export = wxr.write(
        wxr.item(1, "By alice", creator="alice"),
        wxr.item(2, "By bob", creator="bob"),
        authors=(("alice", "alice@example.org"), ("bob", "bob@example.org")),
    )

    run_command(export, "--author-map", "alice=mira", "bob=jonas")

    assert Post.objects.get(legacy_id=1).author == mira
    assert Post.objects.get(legacy_id=2).author == jonas
    assert not get_user_model().objects.filter(username__in=["alice", "bob"]).exists()


# A newer export ----------------------------------------------------------------------------------


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


# Export and round trip ---------------------------------------------------------------------------


def empty_the_site() -> None:
    """As a fresh database: no content, no users, and no record of earlier imports."""
    for model in apps.get_app_config("wordpress").get_models():
        model.objects.all().delete()
    Comment.objects.all().delete()
    Post.objects.all().delete()
    Page.objects.filter(parent__isnull=True).delete()
    Category.objects.filter(parent__isnull=True).delete()
    Tag.objects.all().delete()
    get_user_model().objects.all().delete()


def test_round_trip_keeps_what_commenters_gave_and_what_the_author_wrote():
    post = PostFactory(
        title="Vitamin D",
        slug="vitamin-d",
        author=UserFactory(username="mira", first_name="Mira", last_name="Okafor"),
        body="First paragraph.\n\nSecond paragraph with a [link](https://example.org/).",
        excerpt="What the trials say.",
    )
    CommentFactory(
        post=post,
        author_name="Ada",
        author_email="ada@example.org",
        author_url="https://ada.example.org/",
        ip_address="192.0.2.10",
        body="Does it help?",
    )
    exported = io.StringIO()
    export_wxr(out=exported)

    empty_the_site()
    import_wxr(source=io.BytesIO(exported.getvalue().encode()))

    again = Post.objects.get(slug="vitamin-d")
    assert again.excerpt == "What the trials say."
    assert "Second paragraph with a" in again.body_html
    assert 'href="https://example.org/"' in again.body_html
    author = again.author
    assert (author.username, author.first_name, author.last_name) == ("mira", "Mira", "Okafor")
    assert not author.has_usable_password()
    ada = Comment.objects.get()
    assert (ada.author_name, ada.author_email, ada.author_url, ada.ip_address) == (
        "Ada",
        "ada@example.org",
        "https://ada.example.org/",
        "192.0.2.10",
    )


# Documentation and benchmark ---------------------------------------------------------------------


def test_the_benchmark_generates_imports_and_prints_seconds_and_peak_memory(tmp_path):
    environment = {
        key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    environment["TMPDIR"] = str(tmp_path)  # never the shared database: the script makes its own SQLite file here

    result = subprocess.run(
        [sys.executable, "bench/import_wxr.py", "--posts", "20", "--comments", "300"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )

    # The script exits 1 when a target is missed: that verdict is a measurement, never a test's business (a
    # child forked from a large pytest process even starts with the parent's peak RSS). It must not crash.
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert result.returncode in (0, 1), result.stdout[-2000:] + result.stderr[-2000:]
    out = result.stdout
    assert "20 posts, 300 comments" in out
    assert "In the database: 20 posts, 300 comments" in out
    assert re.search(r"Import: \d+\.\d s .*peak memory \(RSS\) \d+ MB", out)
    # The verdict is printed, not asserted: timings are measured by the benchmark, never by tests.
    assert re.search(r"Target \(under 60 s and 300 MB, set for SQLite\) on sqlite: (met|MISSED)", out)
