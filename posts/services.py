"""Multi-step operations on posts and the media library."""

from __future__ import annotations

from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.text import slugify

from posts import renditions
from posts.images import ProcessedImage, process_upload
from posts.models import Image
from posts.tasks import enqueue_renditions_on_commit

MAX_NAME_LENGTH = 80


def _base_name(filename: str) -> str:
    """A tidy ASCII file stem from whatever the uploader called the file."""
    stem = slugify(PurePath(filename or "").stem)[:MAX_NAME_LENGTH].strip("-")
    return stem or "image"


def add_image(
    *,
    file,
    alt_text: str,
    caption: str = "",
    credit: str = "",
    uploaded_by=None,
    legacy_id: int | None = None,
    legacy_url: str = "",
) -> Image:
    """Verify, clean and store an uploaded image with its renditions; raise ``ValidationError`` if unfit.

    The stored original is upright and carries no metadata (no EXIF, so no GPS position); renditions
    480, 960 and 1600 px wide (those narrower than the original), in WebP and the original format,
    are stored beside it (``uploads/2026/11/name-jpg.480w.webp``): at once for small images, by a task
    worker for large ones (see ``store_image``).
    """
    alt_text = (alt_text or "").strip()
    if not alt_text:
        raise ValidationError(
            {"alt_text": ValidationError("Describe the image for readers who cannot see it.", code="required")}
        )
    try:
        processed = process_upload(file)
    except ValidationError as error:
        raise ValidationError({"file": error}) from error

    image = Image(
        alt_text=alt_text,
        caption=caption.strip(),
        credit=credit.strip(),
        uploaded_by=uploaded_by,
        legacy_id=legacy_id,
        legacy_url=legacy_url,
    )
    return store_image(image=image, processed=processed, filename=file.name)


def store_image(*, image: Image, processed: ProcessedImage, filename: str) -> Image:
    """Store a verified upload for ``image`` and save it (the admin's upload form uses this).

    The renditions of an image up to ``INLINE_RENDITION_PIXELS`` are made here, which costs a fraction of a
    second; a larger one's (a 12 MP photo's took seconds under load) are queued for a task worker once the image
    is committed, and its pages show the original until they exist (docs/scaling.md has the measurements).
    """
    stored: list[str] = []
    storage = image.file.storage
    try:
        image.file.save(f"{_base_name(filename)}.{processed.extension}", ContentFile(processed.content), save=False)
        stored.append(image.file.name)
        image.width, image.height = processed.width, processed.height
        if processed.renditions_inline:
            image.renditions = renditions.store(storage, image.file.name, processed.renditions(), written=stored)
        with transaction.atomic():
            image.save()
            if not processed.renditions_inline:
                enqueue_renditions_on_commit(image.pk)
    except BaseException:
        # Nothing half-stored: a failed save leaves no orphaned files behind.
        for name in stored:
            storage.delete(name)
        raise
    return image
