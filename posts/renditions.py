"""An image's renditions in storage: where each one goes, and storing them, in the request or on a worker.

Each rendition has one name, fixed by its original's: ``uploads/2026/11/scan-jpg.480w.webp`` for
``uploads/2026/11/scan.jpg``. Originals are stored under unique names without a dot in the stem (``_base_name``
slugifies it), so a rendition name belongs to exactly one image and never to an original. Writing renditions is
therefore repeatable: a worker killed halfway left some of these files behind, and the next run overwrites them
rather than leaving them beside fresh copies, then records the set once (``finish``).
"""

from __future__ import annotations

import logging

from django.core.files.base import ContentFile
from django.db import transaction

from posts.images import Rendition, rendition_plan, renditions_of_stored
from posts.models import Image

logger = logging.getLogger(__name__)


def rendition_name(original_name: str, width: int, extension: str) -> str:
    stem, _, original_extension = original_name.rpartition(".")
    return f"{stem}-{original_extension}.{width}w.{extension}"


def store(storage, original_name: str, made: list[Rendition], *, written: list[str]) -> list[dict]:
    """Write renditions under their names (replacing a half-written leftover) and describe them for the model.

    Each name is appended to ``written`` as soon as its file exists, so a caller can remove them on failure.
    """
    entries: list[dict] = []
    for rendition in made:
        name = rendition_name(original_name, rendition.width, rendition.extension)
        storage.delete(name)  # a previous, interrupted run's file (no-op when there is none)
        saved = storage.save(name, ContentFile(rendition.content))
        written.append(saved)
        entries.append(
            {"width": rendition.width, "height": rendition.height, "format": rendition.format, "name": saved}
        )
    return entries


def missing(image: Image) -> bool:
    """The image lacks some of the renditions its width calls for (a worker has not made them yet)."""
    have = {(item["width"], item["format"]) for item in image.renditions}
    return not set(rendition_plan(image.width, image.original_format)) <= have


def finish(image_id: int) -> int:
    """Make and record the renditions an image still lacks, from its stored original; return how many were made.

    Safe to run twice, concurrently, or after a run that died: an image that has them all (or is gone) is left
    alone, files go to their fixed names, and the row is updated under a lock, once. Saving the image re-renders
    the bodies that show it and empties the page cache (posts.pagecache watches this app), so readers get the
    renditions on their next request.
    """
    image = Image.objects.filter(pk=image_id).first()
    if image is None or not image.file or not missing(image):
        return 0
    storage = image.file.storage
    with storage.open(image.file.name, "rb") as original:
        made = renditions_of_stored(original.read())
    # A failure here leaves files at their fixed names; the retry overwrites them.
    entries = store(storage, image.file.name, made, written=[])
    with transaction.atomic():
        current = Image.objects.select_for_update().filter(pk=image_id).first()
        if current is None or not missing(current):
            # Deleted meanwhile, or another run got there first (its files share our names: keep those).
            kept = set(current.stored_names()) if current else set()
            for entry in entries:
                if entry["name"] not in kept:
                    transaction.on_commit(lambda name=entry["name"]: storage.delete(name))
            return 0
        current.renditions = entries
        current.save(update_fields=["renditions"])
    logger.info("Made %d renditions of image %s (%s)", len(entries), image_id, image.file.name)
    return len(entries)
