"""The Pillow pipeline: what an author uploading figures, and a reader looking at them, would notice."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from PIL import ExifTags
from PIL import Image as PILImage

from posts import images
from posts.models import Image
from posts.services import add_image
from tests.factories import UserFactory
from tests.posts_authoring.imagefiles import (
    animated_gif,
    image_bytes,
    jpeg_with_gps_and_orientation,
    png_bomb,
    upload,
)

pytestmark = pytest.mark.django_db


def open_stored(name: str) -> PILImage.Image:
    with default_storage.open(name) as stored:
        image = PILImage.open(io.BytesIO(stored.read()))
        image.load()
    return image


def test_phone_photo_is_turned_upright_and_loses_its_gps_position():
    original = jpeg_with_gps_and_orientation(size=(1200, 800))
    assert PILImage.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test file has GPS

    image = add_image(file=upload(original, "Holiday Photo.JPG"), alt_text="A beach")

    stored = open_stored(image.file.name)
    assert (image.width, image.height) == (800, 1200) == stored.size  # rotated to portrait
    assert not stored.getexif()  # no EXIF at all: no GPS, no camera, no orientation left to apply twice
    with default_storage.open(image.file.name) as raw:
        assert b"Exif" not in raw.read()
    # The red left half of the landscape is now the top of the portrait.
    top, bottom = stored.getpixel((400, 100)), stored.getpixel((400, 1100))
    assert top[0] > 200
    assert top[1] < 60
    assert bottom == pytest.approx((255, 255, 255), abs=8)


def test_stored_files_sit_in_a_dated_folder_with_a_tidy_name():
    image = add_image(file=upload(image_bytes("JPEG"), "Disability over time (final!).jpeg"), alt_text="Chart")

    assert image.file.name.startswith("uploads/")
    assert image.file.name.endswith("/disability-over-time-final.jpg")


def test_jpeg_gets_webp_and_jpeg_renditions_narrower_than_the_original():
    image = add_image(file=upload(image_bytes("JPEG", size=(2000, 1000)), "chart.jpg"), alt_text="Chart")

    made = {(item["width"], item["format"]) for item in image.renditions}
    assert made == {(w, f) for w in (480, 960, 1600) for f in ("webp", "jpeg")}
    base = image.file.name.rsplit(".", 1)[0]
    for item in image.renditions:
        assert item["name"] == f"{base}-jpg.{item['width']}w.{'jpg' if item['format'] == 'jpeg' else 'webp'}"
        stored = open_stored(item["name"])
        assert stored.size == (item["width"], item["width"] // 2) == (item["width"], item["height"])
        assert stored.format == item["format"].upper()


def test_small_png_keeps_only_the_renditions_it_can_fill():
    image = add_image(file=upload(image_bytes("PNG", size=(1000, 500)), "small.png"), alt_text="Small")

    assert sorted((item["width"], item["format"]) for item in image.renditions) == [
        (480, "png"),
        (480, "webp"),
        (960, "png"),
        (960, "webp"),
    ]
    assert image.srcset("png").split(", ")[-1].endswith("small.png 1000w")
    assert image.srcset("webp").endswith("small-png.960w.webp 960w")


def test_webp_upload_is_accepted_with_webp_renditions_only():
    image = add_image(file=upload(image_bytes("WEBP", size=(1000, 600)), "photo.webp"), alt_text="Photo")

    assert image.original_format == "webp"
    assert sorted(item["width"] for item in image.renditions) == [480, 960]
    assert open_stored(image.file.name).format == "WEBP"


def test_animated_gif_keeps_moving_and_gets_still_renditions():
    content = animated_gif(size=(600, 400), frames=3)
    image = add_image(file=upload(content, "spinner.gif"), alt_text="Spinner")

    stored = open_stored(image.file.name)
    assert stored.format == "GIF"
    assert stored.n_frames == 3
    assert sorted((item["width"], item["format"]) for item in image.renditions) == [(480, "gif"), (480, "webp")]


def test_file_named_by_its_real_format_not_its_extension():
    image = add_image(file=upload(image_bytes("PNG", size=(300, 200)), "really-a-png.jpg"), alt_text="PNG")

    assert image.file.name.endswith("really-a-png.png")


def test_text_file_renamed_png_is_refused_with_a_clear_message():
    with pytest.raises(ValidationError) as caught:
        add_image(file=upload(b"#!/bin/sh\necho not a picture\n", "notes.png"), alt_text="Nope")

    assert caught.value.message_dict["file"] == ["This file is not a JPEG, PNG, GIF or WebP image (or it is damaged)."]
    assert not Image.objects.exists()


def test_other_image_formats_are_refused():
    with pytest.raises(ValidationError, match="not a JPEG, PNG, GIF or WebP"):
        add_image(file=upload(image_bytes("BMP", size=(50, 50)), "old.bmp"), alt_text="Bitmap")


def test_truncated_image_is_refused():
    content = image_bytes("PNG", size=(800, 600), color=None)
    with pytest.raises(ValidationError, match="damaged"):
        add_image(file=upload(content[: len(content) // 2], "cut.png"), alt_text="Cut")


def test_decompression_bomb_is_refused_before_it_is_decoded():
    bomb = png_bomb(side=60_000)
    assert len(bomb) < 10_000  # tiny on disk, 3.6 billion pixels once decoded

    with pytest.raises(ValidationError) as caught:
        add_image(file=upload(bomb, "innocent.png"), alt_text="Bomb")

    assert "decompression bomb" in caught.value.message_dict["file"][0]
    assert not Image.objects.exists()


def test_image_over_pillows_warning_threshold_is_refused_too(monkeypatch):
    # Pillow only warns between its limit and twice its limit; we treat the warning as a refusal.
    monkeypatch.setattr(PILImage, "MAX_IMAGE_PIXELS", 100_000)

    with pytest.raises(ValidationError, match="decompression bomb"):
        add_image(file=upload(image_bytes("PNG", size=(400, 300)), "big.png"), alt_text="Big")


def test_absurd_dimensions_are_refused_with_the_limits():
    with pytest.raises(ValidationError) as caught:
        add_image(file=upload(image_bytes("PNG", size=(12_000, 10)), "banner.png"), alt_text="Banner")

    assert caught.value.message_dict["file"] == [
        "This image is 12,000 × 10 pixels; images may be at most 10,000 pixels a side and 40 megapixels. "
        "Please scale it down first."
    ]


def test_oversized_file_is_refused_before_it_is_read(monkeypatch):
    monkeypatch.setattr(images, "MAX_UPLOAD_BYTES", 1000)

    with pytest.raises(ValidationError, match="images may be at most 1000"):
        add_image(file=upload(image_bytes("PNG", size=(400, 400), color=None) + b"\0" * 2000, "x.png"), alt_text="X")


def test_alt_text_is_required():
    with pytest.raises(ValidationError) as caught:
        add_image(file=upload(image_bytes("PNG"), "chart.png"), alt_text="   ")

    assert "alt_text" in caught.value.message_dict


def test_deleting_an_image_removes_every_file(django_capture_on_commit_callbacks):
    image = add_image(file=upload(image_bytes("JPEG", size=(1700, 900)), "gone.jpg"), alt_text="Gone")
    names = image.stored_names()
    assert len(names) == 7
    assert all(default_storage.exists(name) for name in names)

    with django_capture_on_commit_callbacks(execute=True):
        image.delete()

    assert not any(default_storage.exists(name) for name in names)


def test_bulk_delete_removes_every_images_files(django_capture_on_commit_callbacks):
    uploaded = [
        add_image(file=upload(image_bytes("PNG", size=(700, 500)), f"{n}.png"), alt_text=str(n)) for n in range(3)
    ]
    names = [name for image in uploaded for name in image.stored_names()]

    with django_capture_on_commit_callbacks(execute=True):
        Image.objects.filter(pk__in=[image.pk for image in uploaded[:2]]).delete()

    remaining = set(uploaded[2].stored_names())
    assert [default_storage.exists(name) for name in names] == [name in remaining for name in names]


def test_url_for_width_picks_the_narrowest_file_that_is_wide_enough():
    user = UserFactory()
    image = add_image(
        file=upload(image_bytes("JPEG", size=(2000, 1000)), "wide.jpg"), alt_text="Wide", uploaded_by=user
    )

    assert image.url_for_width(700, "webp").endswith("wide-jpg.960w.webp")
    assert image.url_for_width(1800).endswith("wide.jpg")
    assert image.url_for_width(5000, "webp").endswith("wide-jpg.1600w.webp")
    assert image.uploaded_by == user
