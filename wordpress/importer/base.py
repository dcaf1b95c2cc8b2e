"""The state one import run shares, and the bookkeeping every kind uses: fingerprints, counted saves, fitted values."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from django.contrib.auth.base_user import AbstractBaseUser

from posts.models import Category, Image, Tag
from posts.wp_html import GalleryImage

from .. import wxr
from ..models import ImportedItem
from ..report import ImportReport

Progress = Callable[[str, int, int], None]  # (phase, done, total)


class ImportState:
    """What one run knows so far; each kind's mixin reads and adds to it."""

    def __init__(
        self,
        *,
        uploads_dir: Path | None = None,
        dry_run: bool = False,
        author_map: dict[str, str] | None = None,
        progress: Progress | None = None,
    ):
        self.uploads_dir = Path(uploads_dir) if uploads_dir else None
        self.author_map = author_map or {}
        self.progress = progress or (lambda phase, done, total: None)
        self.report = ImportReport(dry_run=dry_run, uploads_given=uploads_dir is not None)
        self.users: dict[str, AbstractBaseUser] = {}  # WordPress login → the user here
        self.user_by_legacy_id: dict[int, AbstractBaseUser] = {}
        self.categories: dict[str, Category] = {}
        self.tags: dict[str, Tag] = {}
        self.images: dict[int, Image] = {}  # attachment ID → image
        self.images_by_path: dict[str, Image] = {}  # "2008/06/canola2.jpg" → image
        self.gallery_images: dict[int, GalleryImage] = {}
        self.children: dict[int, list[int]] = defaultdict(list)  # post ID → its attachments, gallery order
        self.post_pks: dict[int, int] = {}  # WordPress post ID → our primary key
        self.fingerprints: dict[tuple[str, int], str] = {}  # what the last import wrote, for this batch
        self.new_fingerprints: dict[tuple[str, int], str] = {}
        self.utc_offsets: dict[int, int] = {}  # WordPress post ID → minutes its local date was ahead of UTC
        self.seen_items: set[int] = set()  # WordPress IDs of posts and pages read so far
        self.seen_comments: set[int] = set()
        self.pending_posts: list[wxr.Item] = []
        self.pending_comment_count = 0
        self.pages: list[wxr.Item] = []
        self.stored_files: list[str] = []
        self.fallback_date = datetime(2000, 1, 1, tzinfo=UTC)

    def _load_fingerprints(self, kind: str, legacy_ids) -> None:
        self.fingerprints = {
            (kind, legacy_id): fingerprint
            for legacy_id, fingerprint in ImportedItem.objects.filter(
                kind=kind, legacy_id__in=list(legacy_ids)
            ).values_list("legacy_id", "fingerprint")
        }

    def _unchanged_since_last_import(self, kind: str, legacy_id: int, fingerprint: str) -> bool:
        """True when the file says what it said last time: then edits made here since are kept."""
        key = (kind, legacy_id)
        if self.fingerprints.get(key) == fingerprint:
            return True
        self.new_fingerprints[key] = fingerprint
        return False

    def _store_fingerprints(self) -> None:
        if not self.new_fingerprints:
            return
        ImportedItem.objects.bulk_create(
            [
                ImportedItem(
                    kind=kind,
                    legacy_id=legacy_id,
                    fingerprint=fingerprint,
                    utc_offset=self.utc_offsets.get(legacy_id) if kind == ImportedItem.Kind.POST else None,
                )
                for (kind, legacy_id), fingerprint in self.new_fingerprints.items()
            ],
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["kind", "legacy_id"],
            update_fields=["fingerprint", "utc_offset", "imported_at"],
        )
        self.new_fingerprints = {}

    def _save(self, instance, model, values: dict, kind: str, *, legacy_id: int | None = None):
        """Create or update one row, counting what happened; the row is left in self._last_saved."""
        if instance is None:
            instance = model(**values, legacy_id=legacy_id)
            instance.save()
            self.report.count(kind, "created")
        else:
            changed = [name for name, value in values.items() if getattr(instance, name) != value]
            if legacy_id and instance.legacy_id is None:
                instance.legacy_id = legacy_id
                changed.append("legacy_id")
            if changed:
                for name in changed:
                    if name in values:
                        setattr(instance, name, values[name])
                instance.save()
                self.report.count(kind, "updated")
            else:
                self.report.count(kind, "unchanged")
        self._last_saved = instance
        return instance

    def _fitted(self, value: str, length: int, what: str) -> str:
        """Text cut to the column's length, with a note when it had to be."""
        if len(value) <= length:
            return value
        self.report.note(f"{what} is {len(value)} characters long; cut to the {length} allowed here.")
        return value[: length - 1].rstrip() + "…"

    def _whole(self, value: str, length: int, what: str) -> str:
        """An address kept whole or not at all: cut short, an email or URL would lead somewhere else."""
        if len(value) <= length:
            return value
        self.report.note(f"{what} is {len(value)} characters long (at most {length} here); left out.")
        return ""
