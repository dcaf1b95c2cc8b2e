"""The Pillow pipeline for uploaded figures: verify, orient, strip metadata, make renditions once.

Everything here works on bytes in memory and raises ``ValidationError`` with a message an author can act
on; storing the results is ``posts.services.add_image``'s job, and ``posts.renditions``' for the renditions
of large uploads, which a task worker makes from the stored original.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from PIL import Image as PILImage
from PIL import ImageOps, ImageSequence, UnidentifiedImageError

# Pillow format name → (file extension, MIME type). Anything else is refused.
FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "GIF": ("gif", "image/gif"),
    "WEBP": ("webp", "image/webp"),
}
RENDITION_WIDTHS = (480, 960, 1600)
# Up to this many pixels the renditions are made inside the upload request; above it, on a task worker. Measured
# on a 2-core machine (docs/scaling.md): a 2 MP photo's renditions cost about 0.14 s, a 12 MP one's 0.8 s idle
# and several seconds under load, growing with the pixels Pillow has to resample.
INLINE_RENDITION_PIXELS = 3_000_000
MAX_UPLOAD_BYTES = getattr(settings, "IMAGE_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
MAX_SIDE = 10_000
MAX_PIXELS = 40_000_000
JPEG_QUALITY = 88
WEBP_QUALITY = 82


@dataclass
class Rendition:
    """One resized copy of an upload, not yet stored."""

    width: int
    height: int
    format: str  # "webp", "jpeg", "png" or "gif"
    content: bytes

    @property
    def extension(self) -> str:
        return FORMATS[self.format.upper()][0]


@dataclass
class ProcessedImage:
    """A verified upload: the cleaned original (oriented, without metadata), decoded and encoded."""

    format: str  # Pillow's name: "JPEG", "PNG", "GIF", "WEBP"
    width: int
    height: int
    content: bytes
    picture: PILImage.Image = field(repr=False)

    @property
    def extension(self) -> str:
        return FORMATS[self.format][0]

    @property
    def renditions_inline(self) -> bool:
        """Small enough to make its renditions in the upload request (cheap, measured); else a worker does."""
        return self.width * self.height <= INLINE_RENDITION_PIXELS

    def renditions(self) -> list[Rendition]:
        return make_renditions(self.picture, self.format)


def _read_bytes(file) -> bytes:
    size = getattr(file, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            "This file is %(size)s; images may be at most %(limit)s.",
            code="file_too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(MAX_UPLOAD_BYTES)},
        )
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError(
            "This file is larger than %(limit)s, the most an image may be.",
            code="file_too_large",
            params={"limit": filesizeformat(MAX_UPLOAD_BYTES)},
        )
    if not data:
        raise ValidationError("The file is empty.", code="empty")
    return data


def _open(data: bytes) -> PILImage.Image:
    """Open and fully decode, refusing anything that is not a sane JPEG, PNG, GIF or WebP."""
    not_an_image = ValidationError(
        "This file is not a JPEG, PNG, GIF or WebP image (or it is damaged).", code="not_an_image"
    )
    with warnings.catch_warnings():
        # A DecompressionBombWarning (more pixels than Pillow's limit) is refused like the error.
        warnings.simplefilter("error", PILImage.DecompressionBombWarning)
        try:
            probe = PILImage.open(io.BytesIO(data), formats=list(FORMATS))
            width, height = probe.size
            _check_dimensions(width, height)
            probe.verify()
            image = PILImage.open(io.BytesIO(data), formats=list(FORMATS))
            image.load()
        except ValidationError:
            raise
        except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning) as error:
            raise ValidationError(
                "This image declares far more pixels than it could reasonably hold (a possible "
                "decompression bomb), so it was refused.",
                code="decompression_bomb",
            ) from error
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, IndexError) as error:
            raise not_an_image from error
    if image.format == "MPO":
        # Phones and cameras save many JPEGs with extra frames (depth maps, previews), which Pillow reads
        # as MPO: keep the main picture, a plain JPEG.
        image.seek(0)
        image, info = image.copy(), image.info
        image.info, image.format = info, "JPEG"
    if image.format not in FORMATS:
        raise not_an_image
    return image


def _check_dimensions(width: int, height: int) -> None:
    if width < 1 or height < 1:
        raise ValidationError("This image has no pixels.", code="empty_image")
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise ValidationError(
            "This image is %(width)s × %(height)s pixels; images may be at most %(side)s pixels a side "
            "and %(megapixels)s megapixels. Please scale it down first.",
            code="too_many_pixels",
            params={
                "width": f"{width:,}",
                "height": f"{height:,}",
                "side": f"{MAX_SIDE:,}",
                "megapixels": MAX_PIXELS // 1_000_000,
            },
        )


# What an animation needs to play as before; everything else in Pillow's `info` is metadata to drop.
ANIMATION_INFO = ("loop", "duration", "transparency", "background", "disposal", "blend", "default_image")


def _is_animated(image: PILImage.Image) -> bool:
    return getattr(image, "is_animated", False) and getattr(image, "n_frames", 1) > 1


def _encode(image: PILImage.Image, fmt: str) -> bytes:
    """Save without any metadata (no EXIF, XMP or comments); only the colour profile is kept."""
    buffer = io.BytesIO()
    # Pillow writes some metadata (JPEG comments, for one) from image.info: keep only what rendering needs.
    image.info = {key: value for key, value in image.info.items() if key in ("icc_profile", "transparency")}
    icc_profile = image.info.get("icc_profile")
    options: dict = {"icc_profile": icc_profile} if icc_profile else {}
    if fmt == "JPEG":
        if image.mode not in ("RGB", "L", "CMYK"):
            image = image.convert("RGB")
        image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True, **options)
    elif fmt == "WEBP":
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if image.has_transparency_data else "RGB")
        image.save(buffer, "WEBP", quality=WEBP_QUALITY, method=4, **options)
    elif fmt == "PNG":
        image.save(buffer, "PNG", **options)
    elif fmt == "GIF":
        image.save(buffer, "GIF")
    else:  # pragma: no cover - FORMATS guards this
        raise ValueError(fmt)
    return buffer.getvalue()


def _clean_original(image: PILImage.Image, data: bytes) -> tuple[PILImage.Image, bytes]:
    """The upload turned upright and re-saved without metadata (EXIF, so GPS, is gone).

    Every format is encoded again, animations too (frame by frame, keeping their timing and looping), so
    nothing but pixels survives: no EXIF, XMP or comment, and nothing hidden after the image's end.
    """
    fmt = image.format
    if _is_animated(image):
        # Each frame's own duration (WebP's writer would give them all the first one's).
        durations = []
        for frame in ImageSequence.Iterator(image):
            frame.load()  # WebP reads a frame's duration as it decodes it
            durations.append(frame.info.get("duration", 100))
        image.seek(0)
        image.info = {key: value for key, value in image.info.items() if key in ANIMATION_INFO}
        options = {"quality": WEBP_QUALITY} if fmt == "WEBP" else {}
        buffer = io.BytesIO()
        image.save(buffer, fmt, save_all=True, duration=durations, **options)
        image.seek(0)
        return image, buffer.getvalue()
    upright = ImageOps.exif_transpose(image)
    upright.format = fmt
    return upright, _encode(upright, fmt)


def rendition_plan(width: int, fmt: str) -> list[tuple[int, str]]:
    """The (width, format) of every rendition an original this wide gets: WebP and its own format, narrower only."""
    fmt = fmt.upper()
    targets = ("WEBP", fmt) if fmt != "WEBP" else ("WEBP",)
    return [(size, target.lower()) for size in RENDITION_WIDTHS if size < width for target in targets]


def make_renditions(image: PILImage.Image, fmt: str) -> list[Rendition]:
    """Resized copies (first frame of an animation), only at widths narrower than the original."""
    frame = image.copy()
    if frame.mode in ("P", "LA", "PA"):
        frame = frame.convert("RGBA")
    elif frame.mode not in ("RGB", "RGBA", "L", "CMYK"):
        frame = frame.convert("RGB")
    results: list[Rendition] = []
    resized = None
    for width, target in rendition_plan(frame.width, fmt):
        height = max(1, round(frame.height * width / frame.width))
        if resized is None or resized.width != width:
            resized = frame.resize((width, height), PILImage.Resampling.LANCZOS)
            resized.info = {key: value for key, value in image.info.items() if key == "icc_profile"}
        results.append(Rendition(width, height, target, _encode(resized, target.upper())))
    return results


def renditions_of_stored(data: bytes) -> list[Rendition]:
    """The renditions of an original this pipeline stored earlier (already upright, verified and clean)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", PILImage.DecompressionBombWarning)
        image = PILImage.open(io.BytesIO(data), formats=list(FORMATS))
        image.load()
    return make_renditions(image, image.format)


def process_upload(file) -> ProcessedImage:
    """Verify an uploaded file and prepare everything to store; raise ``ValidationError`` if it is not fit."""
    data = _read_bytes(file)
    image = _open(data)
    fmt = image.format
    cleaned, content = _clean_original(image, data)
    return ProcessedImage(
        format=fmt,
        width=cleaned.width,
        height=cleaned.height,
        content=content,
        picture=cleaned,
    )
