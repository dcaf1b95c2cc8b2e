"""An uploaded image keeps nothing but its pixels: animations included, no GPS, comment or hidden script survives."""

import io

import pytest
from django.core.files.storage import default_storage
from PIL import Image as PILImage

from posts.services import add_image
from tests.posts_authoring.imagefiles import upload

pytestmark = pytest.mark.django_db

SECRETS = (b"GPSLatitude", b"51,30N", b"Dr Smith's clinic", b"<script", b"xmpmeta")
COLOURS = [(200, 0, 0), (0, 160, 0), (0, 0, 220)]
DURATIONS = [120, 240, 360]
XMP_PACKET = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><exif:GPSLatitude>51,30N</exif:GPSLatitude></x:xmpmeta>'


def frames(mode="RGB"):
    return [PILImage.new(mode, (64, 48), colour) for colour in COLOURS]


def gif_with_secrets() -> bytes:
    """An animated GIF with a comment, an XMP packet (GPS) and a script hidden after its end."""
    first, *rest = frames()
    buffer = io.BytesIO()
    first.save(
        buffer, "GIF", save_all=True, append_images=rest, duration=DURATIONS, loop=0, comment=b"Dr Smith's clinic"
    )
    data = buffer.getvalue()
    # XMP rides in an application extension, with its 258-byte "magic trailer", before the first frame.
    xmp = b"\x21\xff\x0bXMP DataXMP" + XMP_PACKET + b"\x01" + bytes(range(255, -1, -1)) + b"\x00"
    at = data.index(b"\x21\xf9")
    assert data.endswith(b"\x3b")
    return data[:at] + xmp + data[at:] + b"<script>alert(document.cookie)</script>"


def stored_bytes(image) -> bytes:
    with default_storage.open(image.file.name) as stored:
        return stored.read()


def frames_of(content: bytes) -> list[tuple[tuple, int]]:
    """(colour at the centre, duration) of every frame."""
    image = PILImage.open(io.BytesIO(content))
    result = []
    for index in range(image.n_frames):
        image.seek(index)
        result.append((image.convert("RGB").getpixel((32, 24)), image.info.get("duration")))
    return result


def test_an_animated_gif_keeps_moving_but_loses_comment_xmp_and_trailing_script():
    original = gif_with_secrets()
    assert all(secret in original for secret in SECRETS)  # the upload really carries them

    image = add_image(file=upload(original, "spinner.gif"), alt_text="Spinner")

    content = stored_bytes(image)
    assert content != original
    assert [secret for secret in SECRETS if secret in content] == []
    assert content.endswith(b"\x3b")  # the GIF trailer is the last byte
    stored = PILImage.open(io.BytesIO(content))
    assert stored.format == "GIF"
    assert stored.info.get("loop") == 0
    assert frames_of(content) == list(zip(COLOURS, DURATIONS, strict=True))


def test_an_animated_webp_keeps_moving_but_loses_exif_and_xmp():
    exif = PILImage.Exif()
    exif[0x010E] = "Dr Smith's clinic"
    first, *rest = frames()
    buffer = io.BytesIO()
    first.save(
        buffer, "WEBP", save_all=True, append_images=rest, duration=DURATIONS, lossless=True, exif=exif, xmp=XMP_PACKET
    )
    original = buffer.getvalue()

    image = add_image(file=upload(original, "spinner.webp"), alt_text="Spinner")

    content = stored_bytes(image)
    assert [secret for secret in SECRETS if secret in content] == []
    assert PILImage.open(io.BytesIO(content)).format == "WEBP"
    assert [duration for _, duration in frames_of(content)] == DURATIONS


def test_an_animated_png_stays_an_animated_png_without_its_text_chunks():
    from PIL import PngImagePlugin

    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "Dr Smith's clinic")
    text.add_itxt("XML:com.adobe.xmp", XMP_PACKET.decode())
    first, *rest = frames("RGBA")
    buffer = io.BytesIO()
    first.save(buffer, "PNG", save_all=True, append_images=rest, duration=DURATIONS, pnginfo=text)
    original = buffer.getvalue() + b"<script>alert(1)</script>"

    image = add_image(file=upload(original, "spinner.png"), alt_text="Spinner")

    content = stored_bytes(image)
    assert [secret for secret in SECRETS if secret in content] == []
    stored = PILImage.open(io.BytesIO(content))
    assert (stored.format, stored.n_frames) == ("PNG", 3)
    assert frames_of(content) == list(zip(COLOURS, DURATIONS, strict=True))
