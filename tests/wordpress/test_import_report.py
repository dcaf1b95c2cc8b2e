"""The import report adds up: each term counted once, and it says why files were not brought over."""

import pytest

from comments.models import Comment
from posts.models import Post
from tests.wordpress.conftest import THEME_TEST_DATA, run_import
from wordpress.report import ImportReport
from wordpress.services import import_wxr

pytestmark = pytest.mark.django_db

BLOCK_TEST_DATA = THEME_TEST_DATA.parent / "64-block-test-data.xml"


def test_terms_declared_twice_are_counted_once(wxr):
    tag = (
        "<wp:tag><wp:term_id>9</wp:term_id><wp:tag_slug>shadow</wp:tag_slug><wp:tag_name>Shadow</wp:tag_name></wp:tag>"
    )
    again = (
        "<wp:term><wp:term_id>9</wp:term_id><wp:term_taxonomy>post_tag</wp:term_taxonomy>"
        "<wp:term_slug>shadow</wp:term_slug><wp:term_parent></wp:term_parent><wp:term_name>Shadow</wp:term_name></wp:term>"
    )
    export = wxr.write(wxr.item(1, "Post", terms=(("post_tag", "shadow", "Shadow"),)), terms=tag + again)

    first = import_wxr(source=export)
    second = import_wxr(source=export)

    assert first.counts["tags"] == {"created": 1}
    assert second.counts["tags"] == {"unchanged": 1}


def test_a_term_only_named_by_a_post_is_created_once_then_unchanged(wxr):
    export = wxr.write(
        wxr.item(1, "Post", terms=(("post_tag", "undeclared", "Undeclared"), ("category", "loose", "Loose")))
    )

    first = import_wxr(source=export)
    second = import_wxr(source=export)

    assert (first.counts["tags"], first.counts["categories"]) == ({"created": 1}, {"created": 1})
    assert (second.counts["tags"], second.counts["categories"]) == ({"unchanged": 1}, {"unchanged": 1})


@pytest.mark.parametrize("fixture", [THEME_TEST_DATA, BLOCK_TEST_DATA], ids=["theme", "blocks"])
def test_the_shared_exports_count_the_same_terms_both_times(fixture):
    first = import_wxr(source=fixture)
    second = import_wxr(source=fixture)

    for kind in ("categories", "tags"):
        assert first.counts[kind]["created"] == second.counts[kind]["unchanged"], kind
        assert sum(first.counts[kind].values()) == sum(second.counts[kind].values()), kind
    assert second.total_changes == 0


def test_without_an_uploads_folder_the_report_says_so_instead_of_files_not_found(wxr):
    attachment = wxr.item(
        20,
        "scan",
        post_type="attachment",
        status="inherit",
        attachment_url="https://old.example.org/wp-content/uploads/2019/03/mri-scan.jpg",
    )

    report = import_wxr(source=wxr.write(attachment))
    details = ImportReport.from_dict(report.to_dict()).details()  # as the admin shows a stored run

    assert not any("not found" in line for line in details)
    assert any(line.startswith("Attachment files not imported (1): no uploads folder was given.") for line in details)


def test_with_an_uploads_folder_missing_files_are_listed(wxr, tmp_path):
    attachment = wxr.item(
        20,
        "scan",
        post_type="attachment",
        status="inherit",
        attachment_url="https://old.example.org/wp-content/uploads/2019/03/mri-scan.jpg",
    )

    details = import_wxr(source=wxr.write(attachment), uploads_dir=tmp_path).details()

    assert "Attachment files not found (1):" in details
    assert "  2019/03/mri-scan.jpg" in details


def test_comments_on_a_post_that_is_not_imported_are_counted_as_skipped(wxr):
    export = wxr.write(wxr.item(1, "Binned", status="trash", comments=(wxr.comment(10), wxr.comment(11, parent=10))))

    report = import_wxr(source=export)

    assert not Post.objects.exists()
    assert not Comment.objects.exists()
    assert report.counts["posts"]["skipped"] == 1
    assert report.counts["comments"]["skipped"] == 2


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

    out = run_import(export, "--uploads", uploads)

    assert "Unknown shortcodes left as text in bodies: [buy_button] ×2, [poll] ×1." in out
    assert "Attachment files not found (1):" in out
    assert "2019/03/mri-scan.jpg" in out
    assert "[buy_button id=2]" in Post.objects.get(legacy_id=2).body_html
