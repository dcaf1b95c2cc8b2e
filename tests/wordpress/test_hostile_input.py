"""Broken or hostile exports: refused with a clear reason, and nothing is ever left half-imported."""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from PIL import Image as PillowImage

from comments.models import Comment
from posts.models import Category, Image, Page, Post, Tag
from wordpress.importer import WxrImporter
from wordpress.services import import_wxr
from wordpress.wxr import WxrError

pytestmark = pytest.mark.django_db


def nothing_imported() -> bool:
    models = (Post, Page, Comment, Category, Tag, get_user_model())
    return not any(model.objects.exists() for model in models)


def test_truncated_export_stops_with_the_line_and_imports_nothing(wxr, tmp_path):
    whole = wxr.document(
        wxr.item(1, "First", terms=(("category", "news", "News"),), comments=(wxr.comment(10),)),
        wxr.item(2, "Second"),
        wxr.item(3, "Third"),
    )
    cut = whole[: whole.index("<wp:post_id>3</wp:post_id>") + 20]
    truncated = tmp_path / "truncated.xml"
    truncated.write_text(cut, encoding="utf-8")
    last_line = cut.count("\n") + 1

    with pytest.raises(WxrError, match=rf"not well-formed XML at line {last_line}, .*truncated.*Nothing was imported"):
        import_wxr(source=truncated)
    assert nothing_imported()


def test_a_failure_halfway_rolls_everything_back(wxr, monkeypatch):
    export = wxr.write(
        wxr.item(1, "First", comments=(wxr.comment(10),)),
        wxr.item(2, "About", post_type="page"),
    )

    def fail(self):
        assert Post.objects.count() == 1  # the posts were written before the pages …
        raise RuntimeError("disk full")

    monkeypatch.setattr(WxrImporter, "_import_pages", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        import_wxr(source=export)
    assert nothing_imported()  # … and rolled back with everything else


def test_xml_bomb_is_refused(tmp_path):
    bomb = tmp_path / "bomb.xml"
    entities = "\n".join(f'  <!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))
    bomb.write_text(
        f"""<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ENTITY lol0 "lol">
{entities}
]>
<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version>
<item><title>&lol9;</title><wp:post_id>1</wp:post_id><wp:post_type>post</wp:post_type></item></channel></rss>
"""
    )

    with pytest.raises(WxrError, match="declares a DTD or XML entities.*refused"):
        import_wxr(source=bomb)
    assert nothing_imported()


def test_external_entities_are_refused(tmp_path):
    probe = tmp_path / "xxe.xml"
    probe.write_text(
        """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version>
<item><title>&secret;</title><wp:post_id>1</wp:post_id></item></channel></rss>
"""
    )

    with pytest.raises(WxrError, match="refused"):
        import_wxr(source=probe)
    assert nothing_imported()


def test_cdata_containing_its_own_end_marker_is_read_whole(wxr):
    body = "<p>In XML, a CDATA section ends with ]]> and WordPress splits it.</p>"
    export = wxr.write(wxr.item(1, "CDATA ]]> in a title", content=body))
    assert "]]]]><![CDATA[>" in export.read_text()

    import_wxr(source=export)

    post = Post.objects.get(legacy_id=1)
    assert post.title == "CDATA ]]> in a title"
    assert post.body == body
    assert "ends with ]]&gt; and WordPress splits it." in post.body_html


def test_scripts_in_bodies_and_comments_are_stripped(wxr, client):
    export = wxr.write(
        wxr.item(
            1,
            "Hostile",
            content='<p>Before</p><script>alert("post")</script><p onclick="steal()">After</p>'
            '<img src="x.png" onerror="steal()">',
            excerpt='<script>alert("excerpt")</script>Summary',
            comments=(
                wxr.comment(10, content='Nice <script>alert("comment")</script><a href="javascript:x()">link</a>'),
            ),
        )
    )

    import_wxr(source=export)

    post = Post.objects.get(legacy_id=1)
    page = client.get(post.get_absolute_url()).content.decode()
    for html in (post.body_html, post.excerpt_html, Comment.objects.get().body_html, page):
        assert "alert(" not in html
        assert "steal()" not in html
        assert "javascript:" not in html
    assert "Before" in post.body_html
    assert "After" in post.body_html


def test_reply_to_a_missing_comment_becomes_top_level_and_is_reported(wxr):
    export = wxr.write(
        wxr.item(1, "Orphans", comments=(wxr.comment(10), wxr.comment(11, parent=999, content="Lost my parent."))),
    )

    report = import_wxr(source=export)

    orphan = Comment.objects.get(legacy_id=11)
    assert orphan.parent is None
    assert orphan.depth == 1
    assert any("Comment 11" in note and "replies to comment 999" in note for note in report.notes)


def test_reply_to_a_comment_on_another_post_becomes_top_level(wxr):
    export = wxr.write(
        wxr.item(1, "One", comments=(wxr.comment(10),)),
        wxr.item(2, "Two", comments=(wxr.comment(20, parent=10),)),
    )

    import_wxr(source=export)

    assert Comment.objects.get(legacy_id=20).parent is None


def test_comments_that_reply_to_each_other_in_a_loop_do_not_hang(wxr):
    export = wxr.write(wxr.item(1, "Loop", comments=(wxr.comment(10, parent=11), wxr.comment(11, parent=10))))

    import_wxr(source=export)

    assert Comment.objects.count() == 2
    assert Comment.objects.filter(parent__isnull=True).exists()


def test_duplicate_slugs_on_the_same_day_get_distinct_addresses(wxr, client):
    export = wxr.write(
        wxr.item(1, "Hello", slug="hello", date_gmt="2024-05-01 08:00:00"),
        wxr.item(2, "Hello again", slug="hello", date_gmt="2024-05-01 18:00:00"),
        wxr.item(3, "Hello later", slug="hello", date_gmt="2024-06-01 08:00:00"),
    )

    report = import_wxr(source=export)

    first, second, other_day = (Post.objects.get(legacy_id=number) for number in (1, 2, 3))
    assert first.slug == "hello"
    assert second.slug == "hello-2"
    assert other_day.slug == "hello"  # another day, another address: no clash
    assert client.get(second.get_absolute_url()).context["post"] == second
    assert any("already has the address 'hello'" in note for note in report.notes)
    # Importing again does not shuffle the addresses.
    import_wxr(source=export)
    assert Post.objects.get(legacy_id=2).slug == "hello-2"


def test_duplicate_page_slugs_under_one_parent_are_made_unique(wxr):
    export = wxr.write(
        wxr.item(1, "Contact", post_type="page", slug="contact"),
        wxr.item(2, "Contact", post_type="page", slug="contact"),
    )

    import_wxr(source=export)

    assert sorted(Page.objects.values_list("path", flat=True)) == ["contact", "contact-2"]


def test_https_namespace_and_percent_encoded_slugs(wxr):
    export = wxr.write(
        wxr.item(1, "Ελληνικά", slug="%ce%b5%ce%bb%ce%bb%ce%b7%ce%bd%ce%b9%ce%ba%ce%ac"),
        namespace="https://wordpress.org/export/1.2/",
    )

    import_wxr(source=export)

    assert Post.objects.get(legacy_id=1).slug == "ελληνικά"


def test_wxr_1_0_namespace_is_accepted(wxr):
    export = wxr.write(wxr.item(1, "Old export"), namespace="http://wordpress.org/export/1.0/")

    import_wxr(source=export)

    assert Post.objects.get(legacy_id=1).title == "Old export"


def test_unknown_statuses_and_post_types_are_skipped_and_reported(wxr):
    export = wxr.write(
        wxr.item(1, "Binned", status="trash"),
        wxr.item(2, "Custom thing", post_type="product"),
        wxr.item(3, "Kept", status="pending"),
        wxr.item(4, "Secret", status="private"),
    )

    report = import_wxr(source=export)

    assert dict(Post.objects.values_list("legacy_id", "status")) == {3: "pending", 4: "private"}
    assert report.skipped_types["product"] == 1
    assert report.counts["posts"]["skipped"] == 1
    assert not Post.objects.published().exists()


def test_unknown_shortcodes_stay_visible_and_are_counted(wxr):
    export = wxr.write(wxr.item(1, "Plugin gone", content="Buy now: [buy_button id=3] and [caption]Hi[/caption]"))

    report = import_wxr(source=export)

    assert report.unknown_shortcodes == {"buy_button": 1}
    assert "[buy_button id=3]" in Post.objects.get().body_html


def test_odd_but_well_formed_values_are_imported_or_reported_never_a_crash(wxr):
    long_title = "A very long title " * 30
    odd_comment = wxr.comment(50, email="not an email", date_gmt="sometime", ip="not-an-ip")
    export = wxr.write(
        wxr.item(1, long_title, slug="x" * 250, date_gmt="0000-00-00 00:00:00", comments=(odd_comment,)),
        wxr.item(2, "Twice in the file", comments=(wxr.comment(60), wxr.comment(60, content="Same ID again."))),
        wxr.item(2, "Twice in the file"),
        wxr.item(0, "No ID at all"),
        wxr.item(3, "Comment without an ID", comments=(wxr.comment(0),)),
        wxr.item(4, "", slug="", content="Untitled and unnamed."),
    )

    report = import_wxr(source=export)

    assert sorted(Post.objects.values_list("legacy_id", flat=True)) == [1, 2, 3, 4]
    long = Post.objects.get(legacy_id=1)
    assert len(long.title) <= 300
    assert long.slug == "x" * 200
    assert long.published_at is not None  # the channel's date stands in for "0000-00-00"
    odd = Comment.objects.get(legacy_id=50)
    assert odd.ip_address is None
    assert Comment.objects.filter(legacy_id=60).count() == 1
    assert not Comment.objects.filter(post__legacy_id=3).exists()
    assert Post.objects.get(legacy_id=4).slug == "post-4"
    notes = " ".join(report.notes)
    assert "appears twice" in notes
    assert "has no ID" in notes


def test_a_thread_thousands_of_replies_deep_is_imported_without_overflowing(wxr):
    chain = [wxr.comment(1000, date_gmt="2024-05-02 09:00:00")] + [
        wxr.comment(1000 + number, parent=1000 + number - 1, date_gmt="2024-05-02 10:00:00")
        for number in range(1, 1500)
    ]
    export = wxr.write(wxr.item(1, "Endless", comments=tuple(chain)))

    report = import_wxr(source=export)

    assert Comment.objects.count() == 1500
    deepest = Comment.objects.get(legacy_id=2499)
    assert deepest.depth == 100
    assert len(deepest.thread_path) <= 2000
    assert Comment.objects.get(legacy_id=1098).parent.legacy_id == 1097  # the first hundred levels are kept
    assert any("more than 100 replies deep" in note for note in report.notes)


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
