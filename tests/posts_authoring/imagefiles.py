"""Real image files made in memory for the upload tests, and a chart uploaded to the media library."""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags
from PIL import Image as PILImage

from posts.services import add_image

GPS_LATITUDE = (51.0, 30.0, 12.5)


def image_bytes(fmt: str = "JPEG", size: tuple[int, int] = (1200, 800), color="steelblue", **save_options) -> bytes:
    image = PILImage.new("RGB", size, color)
    buffer = io.BytesIO()
    image.save(buffer, fmt, **save_options)
    return buffer.getvalue()


def upload(content: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def jpeg_with_gps_and_orientation(size: tuple[int, int] = (1200, 800)) -> bytes:
    """A landscape photo whose EXIF says "rotate 90° clockwise to view" and where it was taken."""
    image = PILImage.new("RGB", size, "white")
    # The left half red, so the rotation is visible in the pixels.
    image.paste("red", (0, 0, size[0] // 2, size[1]))
    exif = gps_exif()
    exif[ExifTags.Base.Orientation] = 6
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=95)
    return buffer.getvalue()


def gps_exif() -> PILImage.Exif:
    """A phone's EXIF: its make, and where the picture was taken."""
    exif = PILImage.Exif()
    exif[ExifTags.Base.Make] = "PhoneCo"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: GPS_LATITUDE,
        ExifTags.GPS.GPSLongitudeRef: "W",
        ExifTags.GPS.GPSLongitude: (0.0, 7.0, 39.0),
    }
    return exif


def picture_with_gps(fmt: str, size=(1200, 800)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, "seagreen").save(buffer, fmt, exif=gps_exif())
    return buffer.getvalue()


def chart(uploaded_by=None):
    """The four courses of MS as a PNG in the media library (an Image row with its files)."""
    return add_image(
        file=upload(image_bytes("PNG", size=(1000, 600)), "courses.png"),
        alt_text="Four curves of disability over time",
        caption="The four courses of MS",
        uploaded_by=uploaded_by,
    )


def animated_gif(size: tuple[int, int] = (600, 400), frames: int = 3) -> bytes:
    colors = ["red", "green", "blue", "orange", "purple"]
    images = [PILImage.new("RGB", size, colors[index % len(colors)]) for index in range(frames)]
    buffer = io.BytesIO()
    images[0].save(buffer, "GIF", save_all=True, append_images=images[1:], duration=100, loop=0)
    return buffer.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bomb(side: int = 60_000) -> bytes:
    """A few hundred bytes of PNG that claims to be side × side pixels (billions of them) when decoded."""
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)  # 1-bit greyscale
    rows = zlib.compress(b"\x00" * (1 + side // 8) * 64, 9)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", rows) + _png_chunk(b"IEND", b"")
