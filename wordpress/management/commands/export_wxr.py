"""``python manage.py export_wxr OUT.xml``: the whole site as a WordPress export (WXR 1.2)."""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wordpress.services import export_wxr


class _Stdout:
    """The command's stdout as a plain stream: the XML is written as it is, with no added line endings."""

    def __init__(self, wrapper):
        self.wrapper = wrapper

    def write(self, text: str) -> None:
        self.wrapper.write(text, ending="")


KINDS = ("authors", "categories", "tags", "attachments", "posts", "comments", "pages")


def _describe(counts: dict[str, int]) -> str:
    return ", ".join(f"{counts.get(kind, 0)} {kind}" for kind in KINDS)


class Command(BaseCommand):
    help = (
        "Write every author, category, tag, image, post (with its comments) and page as WXR 1.2, "
        "the file WordPress imports under Tools → Import → WordPress. Use - to write to standard output."
    )

    def add_arguments(self, parser):
        parser.add_argument("out", help="The file to write (e.g. export.xml), or - for standard output.")
        parser.add_argument(
            "--base-url",
            default="",
            help="The site's public address for links and image URLs (default: the SITE_URL setting).",
        )

    def handle(self, *args, out: str, base_url: str, **options):
        if out == "-":
            summary = export_wxr(out=_Stdout(self.stdout), base_url=base_url)  # type: ignore[arg-type]  # writes only
            counts = _describe(summary.counts)
            # The summary goes to stderr so that standard output is only the XML.
            self.stderr.write(f"Exported {counts}.", style_func=lambda text: text)
            return
        path = Path(out)
        if path.is_dir():
            raise CommandError(f"{out} is a folder; give the name of the file to write, e.g. {path / 'export.xml'}.")
        # Written beside the target and renamed at the end, so a failure never leaves half a file.
        partial = path.with_name(path.name + ".partial")
        try:
            with open(partial, "w", encoding="utf-8", newline="\n") as stream:
                summary = export_wxr(out=stream, base_url=base_url)
            os.replace(partial, path)
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise CommandError(f"Cannot write {out}: {error.strerror}.") from error
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        counts = _describe(summary.counts)
        self.stdout.write(self.style.SUCCESS(f"Exported {counts} to {out}."))
        self.stdout.write(
            "Import it in WordPress under Tools → Import → WordPress, ticking “Download and import file "
            "attachments” so WordPress fetches the images from this site while it is still online."
        )
