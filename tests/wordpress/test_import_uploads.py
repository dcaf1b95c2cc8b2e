"""``--uploads DIR``: a copy of wp-content/uploads brings the images into the media library."""

import io
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from PIL import Image as PillowImage

from posts.models import Image, Post
from wordpress.services import import_wxr

pytestmark = pytest.mark.django_db

OLD = "https://old.example.org/wp-content/uploads"


def save_jpeg(path, size=(1200, 800), color=(200, 60, 40)):
    path.parent.mkdir(parents=True, exist_ok=True)
    PillowImage.new("RGB", size, color).save(path, "JPEG")


@pytest.fixture
def uploads(tmp_path):
    """A small wp-content/uploads tree: an original and the resized copy WordPress made of it."""
    root = tmp_path / "wp-content" / "uploads"
    save_jpeg(root / "2024" / "05" / "x.jpg")
    save_jpeg(root / "2024" / "05" / "x-300x200.jpg", size=(300, 200))
    save_jpeg(root / "2024" / "05" / "unlisted.jpg", size=(640, 480), color=(10, 120, 200))
    return root


@pytest.fixture
def export(wxr):
    body = (
        f'[caption id="attachment_20" align="alignnone" width="300"]<img src="{OLD}/2024/05/x-300x200.jpg" '
        f'alt="A red square" width="300" height="200" class="size-medium wp-image-20" /> A red square[/caption]\n\n'
        f'<a href="{OLD}/2024/05/x.jpg">Full size</a>\n\n'
        f'<img src="{OLD}/2024/05/unlisted.jpg" alt="Blue" />\n\n'
        f'<img src="{OLD}/2024/05/gone.jpg" alt="Gone" />'
    )
    return wxr.write(
        wxr.item(
            20,
            "x",
            post_type="attachment",
            status="inherit",
            parent=30,
            attachment_url=f"{OLD}/2024/05/x.jpg",
            excerpt="A red square",
            meta={"_wp_attached_file": "2024/05/x.jpg", "_wp_attachment_image_alt": "A red square"},
        ),
        wxr.item(
            21,
            "gone",
            post_type="attachment",
            status="inherit",
            attachment_url=f"{OLD}/2024/05/gone.jpg",
            meta={"_wp_attached_file": "2024/05/gone.jpg"},
        ),
        wxr.item(30, "Pictures", content=body, meta={"_thumbnail_id": "20"}),
    )


def test_uploads_become_media_library_images_and_bodies_point_at_them(export, uploads):
    report = import_wxr(source=export, uploads_dir=uploads)

    image = Image.objects.get(legacy_id=20)
    assert image.alt_text == "A red square"
    assert image.caption == "A red square"
    assert image.legacy_url == f"{OLD}/2024/05/x.jpg"
    assert (image.width, image.height) == (1200, 800)
    assert image.renditions  # made by the same Pillow pipeline as an upload in the admin
    for name in image.stored_names():
        assert default_storage.exists(name)

    post = Post.objects.get(legacy_id=30)
    assert post.featured_image == image
    assert f"{OLD}/2024/05/x.jpg" not in post.body
    assert f"{OLD}/2024/05/x-300x200.jpg" not in post.body  # resized copies point at the imported original
    assert post.body.count(image.file.url) == 2
    # A file used in a body but never listed as an attachment is brought over as well.
    unlisted = Image.objects.get(legacy_url=f"{OLD}/2024/05/unlisted.jpg")
    assert unlisted.file.url in post.body
    # [caption] becomes a figure around the new image.
    assert "<figure" in post.body_html
    assert "<figcaption" in post.body_html
    assert image.file.url in post.body_html

    # The missing file is listed, not fatal, and its URL is left as it was.
    assert report.missing_files == ["2024/05/gone.jpg"]
    assert f"{OLD}/2024/05/gone.jpg" in post.body
    assert report.counts["images"] == {"created": 2, "skipped": 1}


def test_importing_again_with_uploads_adds_no_duplicate_images(export, uploads):
    import_wxr(source=export, uploads_dir=uploads)
    body = Post.objects.get(legacy_id=30).body

    report = import_wxr(source=export, uploads_dir=uploads)

    assert Image.objects.count() == 2
    assert Post.objects.get(legacy_id=30).body == body
    assert report.counts["posts"] == {"unchanged": 1}


def test_dry_run_with_uploads_leaves_no_files_behind(export, uploads, settings):
    out = io.StringIO()
    call_command("import_wxr", str(export), "--uploads", str(uploads), "--dry-run", stdout=out)

    assert Image.objects.count() == 0
    media = Path(settings.MEDIA_ROOT)
    assert [path for path in media.rglob("*") if path.is_file()] == []  # the stored copies were removed again
    assert "Attachment files not found (1):" in out.getvalue()
    assert "2024/05/gone.jpg" in out.getvalue()


def test_an_export_cannot_read_files_outside_the_uploads_folder(wxr, uploads, tmp_path):
    save_jpeg(tmp_path / "secret.jpg")
    export = wxr.write(
        wxr.item(
            20,
            "escape",
            post_type="attachment",
            status="inherit",
            attachment_url=f"{OLD}/../../secret.jpg",
            meta={"_wp_attached_file": "../../secret.jpg"},
        )
    )

    report = import_wxr(source=export, uploads_dir=uploads)

    assert not Image.objects.exists()
    assert report.missing_files == ["../../secret.jpg"]


def test_a_file_that_is_not_an_image_is_reported_not_fatal(wxr, uploads):
    (uploads / "2024" / "05" / "song.mp3").write_bytes(b"ID3 not really audio")
    export = wxr.write(
        wxr.item(
            20,
            "song",
            post_type="attachment",
            status="inherit",
            attachment_url=f"{OLD}/2024/05/song.mp3",
            meta={"_wp_attached_file": "2024/05/song.mp3"},
        ),
        wxr.item(30, "Still imported"),
    )

    report = import_wxr(source=export, uploads_dir=uploads)

    assert Post.objects.filter(legacy_id=30).exists()
    assert report.counts["images"] == {"skipped": 1}
    assert any(note.startswith("2024/05/song.mp3: not imported") for note in report.notes)


def test_wordpress_com_file_urls_are_rewritten_too(wxr, uploads):
    wpcom = "https://oldblog.files.wordpress.com/2024/05/x.jpg"
    export = wxr.write(
        wxr.item(
            20,
            "x",
            post_type="attachment",
            status="inherit",
            attachment_url=wpcom,
            meta={"_wp_attached_file": "2024/05/x.jpg"},
        ),
        wxr.item(
            30, "On WordPress.com", content=f'<a href="{wpcom}"><img src="{wpcom}?w=604&amp;h=400" alt="Red" /></a>'
        ),
    )

    import_wxr(source=export, uploads_dir=uploads)

    image = Image.objects.get(legacy_id=20)
    body = Post.objects.get(legacy_id=30).body
    assert "files.wordpress.com" not in body
    assert body.count(image.file.url) == 2


def test_uploads_go_to_object_storage_when_media_is_on_s3(export, uploads, s3_media):
    import_wxr(source=export, uploads_dir=uploads)

    images = list(Image.objects.all())
    assert len(images) == 2  # the attachment and the unlisted file a body showed
    keys = {item.key for item in s3_media.objects.all()}
    assert keys == {name for image in images for name in image.stored_names()}
    body = Post.objects.get(legacy_id=30).body_html
    assert f"/{s3_media.name}/" in body
    assert OLD not in body.replace(f"{OLD}/2024/05/gone.jpg", "")
