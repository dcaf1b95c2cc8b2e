"""``manage.py import_wxr EXPORT.xml``: move a WordPress site in, in one transaction, safely repeatable."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError, OutputWrapper

from wordpress.services import import_wxr, parse_author_map
from wordpress.wxr import WxrError

BAR_WIDTH = 30


def _plain(text: str) -> str:
    return text


class ProgressBar:
    """Items done / total and the rate, redrawn in place on a terminal; silent when output is not a TTY."""

    def __init__(self, stream: OutputWrapper, *, enabled: bool):
        self.stream = stream
        self.enabled = enabled
        self.started = time.monotonic()
        self.phase = ""
        self.drawn = False

    def __call__(self, phase: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        if phase != self.phase:
            self.finish()
            self.phase, self.started = phase, time.monotonic()
        total = max(total, done, 1)
        filled = BAR_WIDTH * done // total
        elapsed = max(time.monotonic() - self.started, 1e-6)
        self.stream.write(
            f"\r{phase.capitalize():<10} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] "
            f"{done}/{total} items  {done / elapsed:,.0f}/s",
            style_func=_plain,  # stderr is styled as an error by default; progress is not one
            ending="",
        )
        self.stream.flush()
        self.drawn = True

    def finish(self) -> None:
        if self.drawn:
            self.stream.write("", style_func=_plain)
            self.stream.flush()
            self.drawn = False


class Command(BaseCommand):
    help = (
        "Import a WordPress export (WXR file from Tools → Export): authors, categories, tags, posts, pages, "
        "threaded comments and, with --uploads, the media files. Safe to run again: nothing is duplicated."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", help="The WXR file exported from WordPress (…wordpress.YYYY-MM-DD.xml).")
        parser.add_argument(
            "--uploads",
            metavar="DIR",
            help="A copy of the old site's wp-content/uploads folder; its images join the media library.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Report what would happen and write nothing.")
        parser.add_argument(
            "--author-map",
            nargs="+",
            default=[],
            metavar="OLD=NEW",
            help="Attribute a WordPress login's content to an existing user here, e.g. --author-map jane=jsmith.",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="Do not draw the progress bar, even on a terminal."
        )

    def handle(self, *args, export, uploads, dry_run, author_map, no_progress, **options):
        bar = ProgressBar(self.stderr, enabled=not no_progress and self.stderr.isatty())
        try:
            mapping = parse_author_map(author_map)
            report = import_wxr(source=export, uploads_dir=uploads, dry_run=dry_run, author_map=mapping, progress=bar)
        except WxrError as error:
            bar.finish()
            raise CommandError(f"{export}: {error}") from error
        bar.finish()
        if dry_run:
            self.stdout.write(self.style.WARNING("Dry run: nothing was written. This is what the import would do:"))
        self.stdout.write(report.table())
        for line in report.details():
            self.stdout.write(line)
        verb = "would change" if dry_run else "changed"
        self.stdout.write(
            self.style.SUCCESS(f"{report.items_total} items read; {report.total_changes} records {verb}.")
        )
