"""The Pillow pipeline: what an author uploading figures, and a reader looking at them, would notice."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import ExifTags
from PIL import Image as PILImage

from posts import images
from posts.models import Image, Post
from posts.services import add_image
from tests.factories import PageFactory, PostFactory, UserFactory
from tests.posts_authoring.imagefiles import (
    animated_gif,
    chart,
    gps_exif,
    image_bytes,
    jpeg_with_gps_and_orientation,
    picture_with_gps,
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


def stored_bytes(name: str) -> bytes:
    with default_storage.open(name) as stored:
        return stored.read()


def test_every_copy_of_a_phone_photo_is_upright_and_has_no_location():
    """Readers get renditions far more often than the original: they must be as clean and as upright."""
    image = add_image(file=upload(jpeg_with_gps_and_orientation(size=(2000, 1500)), "ward.jpg"), alt_text="Ward")

    assert (image.width, image.height) == (1500, 2000)
    assert {(item["width"], item["format"]) for item in image.renditions} == {
        (480, "webp"), (480, "jpeg"), (960, "webp"), (960, "jpeg")
    }  # fmt: skip
    for name in image.stored_names():
        stored = open_stored(name)
        assert stored.width < stored.height, name  # portrait, as the phone was held
        assert not stored.getexif(), name
        assert b"PhoneCo" not in stored_bytes(name), name


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_location_is_stripped_from_png_and_webp_uploads_too(fmt):
    original = picture_with_gps(fmt)
    assert PILImage.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test file has GPS

    image = add_image(file=upload(original, f"map.{fmt.lower()}"), alt_text="Map")

    for name in image.stored_names():
        assert not open_stored(name).getexif(), name
        assert b"PhoneCo" not in stored_bytes(name), name


def test_a_phones_multi_picture_jpeg_is_accepted_as_the_jpeg_it_is():
    """Many phones and cameras add a depth map or preview to their JPEGs (Pillow reads them as MPO)."""
    photo = PILImage.new("RGB", (1200, 800), "white")
    photo.paste("red", (0, 0, 600, 800))
    exif = gps_exif()
    exif[ExifTags.Base.Orientation] = 6
    buffer = io.BytesIO()
    photo.save(buffer, "MPO", save_all=True, append_images=[PILImage.new("L", (600, 400))], exif=exif)
    assert PILImage.open(io.BytesIO(buffer.getvalue())).format == "MPO"

    image = add_image(file=upload(buffer.getvalue(), "IMG_2041.JPG"), alt_text="Infusion chair")

    assert image.file.name.endswith("/img_2041.jpg")
    assert (image.width, image.height) == (800, 1200)  # upright
    assert {(item["width"], item["format"]) for item in image.renditions} == {(480, "webp"), (480, "jpeg")}
    for name in image.stored_names():
        stored = open_stored(name)
        assert stored.format in ("JPEG", "WEBP"), name
        assert not stored.getexif(), name
        assert b"PhoneCo" not in stored_bytes(name), name
    assert open_stored(image.file.name).getpixel((400, 100))[0] > 200  # the red half is on top


def test_an_image_of_too_many_megapixels_is_refused_even_when_each_side_is_allowed():
    """7,000 × 7,000 is under the 10,000-pixel side limit but is 49 megapixels, over the 40 allowed."""
    with pytest.raises(ValidationError) as caught:
        add_image(file=upload(png_bomb(side=7000), "square.png"), alt_text="Square")

    assert caught.value.message_dict["file"] == [
        "This image is 7,000 × 7,000 pixels; images may be at most 10,000 pixels a side and 40 megapixels. "
        "Please scale it down first."
    ]
    assert not Image.objects.exists()


def test_the_upload_form_explains_absurd_dimensions_and_keeps_the_words_typed(client, author):
    client.force_login(author)

    response = client.post(
        "/admin/posts/image/add/",
        {
            "file": upload(image_bytes("PNG", size=(12_000, 10)), "banner.png"),
            "alt_text": "A very long banner",
            "caption": "Our new banner",
        },
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "This image is 12,000 × 10 pixels; images may be at most 10,000 pixels a side" in html
    assert 'value="A very long banner"' in html
    assert "Our new banner" in html
    assert not Image.objects.exists()
    assert not [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]  # nothing half-stored


def test_editing_an_images_words_keeps_the_renditions_made_on_upload(client, author):
    image = chart(uploaded_by=author)
    files_before = {name: stored_bytes(name) for name in image.stored_names()}
    client.force_login(author)

    client.post(
        reverse("admin:posts_image_change", args=[image.pk]),
        {"alt_text": "Disability over time in the four courses of MS", "caption": "", "credit": ""},
    )

    image.refresh_from_db()
    assert image.alt_text == "Disability over time in the four courses of MS"
    assert {name: stored_bytes(name) for name in image.stored_names()} == files_before
    _, files = default_storage.listdir(image.file.name.rsplit("/", 1)[0])
    assert len(files) == len(files_before)


def test_a_post_shows_the_new_alt_text_and_caption_once_the_image_is_edited(client, author):
    image = chart(uploaded_by=author)
    post = PostFactory(author=author, body=f"The four courses.\n\n[figure {image.pk}]\n\nMore text.")
    client.force_login(author)

    client.post(
        reverse("admin:posts_image_change", args=[image.pk]),
        {"alt_text": "Four disability curves, a to d", "caption": "Courses of MS, a–d", "credit": ""},
    )

    client.logout()
    html = client.get(post.get_absolute_url()).content.decode()
    assert 'alt="Four disability curves, a to d"' in html
    assert "<figcaption>Courses of MS, a–d</figcaption>" in html
    assert "Four curves of disability over time" not in html


def test_deleting_an_image_in_the_admin_removes_its_files_and_the_figure_from_posts(
    client, editor, django_capture_on_commit_callbacks
):
    image = chart()
    post = PostFactory(body=f"Before the figure.\n\n[figure {image.pk}]\n\nAfter the figure.")
    about = PageFactory(slug="about", body=f"Our chart:\n\n[figure {image.pk}]")
    names = image.stored_names()
    client.force_login(editor)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:posts_image_delete", args=[image.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not Image.objects.exists()
    assert not any(default_storage.exists(name) for name in names)
    # Readers see the text around it, not a broken picture pointing at files that are gone.
    for url in (post.get_absolute_url(), about.get_absolute_url()):
        html = client.get(url).content.decode()
        assert "<figure" not in html, url
        assert image.file.name not in html, url
    assert "After the figure." in client.get(post.get_absolute_url()).content.decode()


def test_delete_selected_in_the_media_library_removes_every_chosen_images_files(
    client, editor, django_capture_on_commit_callbacks
):
    chosen = [chart(), chart()]
    kept = chart()
    post = PostFactory(body=f"[figure {chosen[0].pk}]\n\n[figure {kept.pk}]")
    client.force_login(editor)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/posts/image/",
            {"action": "delete_selected", "_selected_action": [image.pk for image in chosen], "post": "yes"},
        )

    assert list(Image.objects.all()) == [kept]
    assert not any(default_storage.exists(name) for image in chosen for name in image.stored_names())
    assert all(default_storage.exists(name) for name in kept.stored_names())
    html = client.get(post.get_absolute_url()).content.decode()
    assert html.count("<figure") == 1
    assert kept.file.url in html


def test_an_author_cannot_delete_images_from_the_library(client, author):
    image = chart(uploaded_by=author)
    client.force_login(author)

    response = client.post(reverse("admin:posts_image_delete", args=[image.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert Image.objects.filter(pk=image.pk).exists()


def test_editing_an_image_renders_again_only_the_posts_that_show_it(client, author):
    image = chart(uploaded_by=author)
    showing = PostFactory(body=f"[figure {image.pk}]")
    other = PostFactory(body=f"Figure {image.pk}0 is elsewhere:\n\n[figure {image.pk}0]")
    Post.objects.filter(pk=other.pk).update(body_html="<p>stored earlier</p>")

    image.caption = "Courses of MS, a–d"
    image.save()

    showing.refresh_from_db()
    other.refresh_from_db()
    assert "<figcaption>Courses of MS, a–d</figcaption>" in showing.body_html
    assert other.body_html == "<p>stored earlier</p>"
