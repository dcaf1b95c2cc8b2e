"""Moving a WordPress site in and out: the operations the commands and the admin call."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from pathlib import Path
from typing import IO, TYPE_CHECKING, TextIO

from django.utils import timezone

from .importer import Progress, WxrImporter
from .models import ImportRun
from .report import ImportReport
from .wxr import WxrError

if TYPE_CHECKING:
    from .exporter import ExportSummary

# Up to this size the admin imports during the upload request (about 10 s here); bigger files are imported by
# a task worker while the run's page shows its progress, up to ADMIN_BACKGROUND_LIMIT (nginx lets that through
# only for the import form). The command line, import_wxr, streams any size.
ADMIN_UPLOAD_LIMIT = 10 * 1024 * 1024
ADMIN_BACKGROUND_LIMIT = 512 * 1024 * 1024


def parse_author_map(pairs: Iterable[str]) -> dict[str, str]:
    """``["old=new", …]`` → ``{"old": "new"}``; raise WxrError on a malformed pair."""
    mapping = {}
    for pair in pairs:
        old, sep, new = pair.partition("=")
        if not sep or not old.strip() or not new.strip():
            raise WxrError(f"--author-map expects old=new (a WordPress login = a user here), not {pair!r}.")
        mapping[old.strip()] = new.strip()
    return mapping


def import_wxr(
    *,
    source: str | Path | IO[bytes],
    uploads_dir: str | Path | None = None,
    dry_run: bool = False,
    author_map: dict[str, str] | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a WXR export in one transaction (rolled back for a dry run); raise WxrError if it cannot be read."""
    if uploads_dir is not None and not Path(uploads_dir).is_dir():
        raise WxrError(f"--uploads {uploads_dir}: no such folder (it should be a copy of wp-content/uploads).")
    importer = WxrImporter(
        uploads_dir=Path(uploads_dir) if uploads_dir is not None else None,
        dry_run=dry_run,
        author_map=author_map,
        progress=progress,
    )
    with contextlib.ExitStack() as stack:
        if isinstance(source, str | Path):
            try:
                source = stack.enter_context(open(source, "rb"))  # noqa: SIM115
            except OSError as error:
                raise WxrError(f"Cannot open the file ({error.strerror}).") from error
        return importer.run(source)


def import_uploaded_file(*, upload, started_by, dry_run: bool = False) -> ImportRun:
    """Run an import of a file uploaded in the admin and record it; the run says whether it worked."""
    run = ImportRun.objects.create(
        file_name=upload.name[:255], file_size=upload.size, dry_run=dry_run, started_by=started_by
    )
    if upload.size > ADMIN_UPLOAD_LIMIT:
        run.status = ImportRun.Status.FAILED
        run.error = (
            f"This file is {upload.size / 1024 / 1024:.0f} MB; the admin imports files up to "
            f"{ADMIN_UPLOAD_LIMIT // 1024 // 1024} MB. Import it on the server with: "
            f"python manage.py import_wxr {upload.name}"
        )
    else:
        try:
            upload.seek(0)
            report = import_wxr(source=upload.file, dry_run=dry_run)
        except WxrError as error:
            run.status, run.error = ImportRun.Status.FAILED, str(error)
        else:
            run.status, run.report, run.items_total = ImportRun.Status.SUCCEEDED, report.to_dict(), report.items_total
    run.finished_at = timezone.now()
    run.save()
    return run


def export_wxr(*, out: TextIO, base_url: str = "") -> ExportSummary:
    """Write the whole site as WXR 1.2 that WordPress's importer accepts."""
    from .exporter import WxrExporter

    return WxrExporter(base_url=base_url).write(out)
