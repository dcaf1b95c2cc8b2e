"""What an import did (or, in a dry run, would do): counts per kind and the details worth reading."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

KINDS = ("authors", "categories", "tags", "images", "posts", "pages", "comments")
OUTCOMES = ("created", "updated", "unchanged", "skipped")
MAX_LISTED = 200  # details beyond this are summarised, so a huge import's report stays readable


@dataclass
class ImportReport:
    """Created / updated / unchanged / skipped per kind, plus lists a person should look at."""

    dry_run: bool = False
    uploads_given: bool = True  # whether the run was given a copy of wp-content/uploads to read files from
    counts: dict[str, Counter] = field(default_factory=lambda: {kind: Counter() for kind in KINDS})
    skipped_types: Counter = field(default_factory=Counter)  # post types not imported, e.g. nav_menu_item
    comment_types: Counter = field(default_factory=Counter)  # every comment in the file, by type
    comment_statuses: Counter = field(default_factory=Counter)  # … and by approval status
    unknown_shortcodes: Counter = field(default_factory=Counter)
    dynamic_blocks: Counter = field(default_factory=Counter)  # block-editor blocks built from WordPress's data
    missing_files: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    items_total: int = 0

    def count(self, kind: str, outcome: str, number: int = 1) -> None:
        self.counts[kind][outcome] += number

    def note(self, message: str) -> None:
        if len(self.notes) < MAX_LISTED:
            self.notes.append(message)
        elif len(self.notes) == MAX_LISTED:
            self.notes.append("… more notes left out.")

    def missing(self, path: str) -> None:
        if len(self.missing_files) < MAX_LISTED:
            self.missing_files.append(path)
        elif len(self.missing_files) == MAX_LISTED:
            self.missing_files.append("… more missing files left out.")

    @property
    def total_changes(self) -> int:
        return sum(self.counts[kind]["created"] + self.counts[kind]["updated"] for kind in KINDS)

    def table(self) -> str:
        """The summary table printed at the end of an import."""
        width = max(len(kind) for kind in (*KINDS, *self.skipped_types)) + 2
        lines = [f"{'':<{width}}" + "".join(f"{outcome:>11}" for outcome in OUTCOMES)]
        for kind in KINDS:
            lines.append(f"{kind:<{width}}" + "".join(f"{self.counts[kind][outcome]:>11}" for outcome in OUTCOMES))
        for post_type, number in sorted(self.skipped_types.items()):
            lines.append(f"{post_type:<{width}}" + f"{0:>11}{0:>11}{0:>11}{number:>11}")
        return "\n".join(lines)

    def details(self) -> list[str]:
        """Human-readable lines after the table: what was skipped and why, files not found."""
        lines = []
        if self.skipped_types:
            listed = ", ".join(f"{number} {name}" for name, number in sorted(self.skipped_types.items()))
            lines.append(f"Not imported (no equivalent here): {listed}.")
        if self.unknown_shortcodes:
            listed = ", ".join(f"[{name}] ×{number}" for name, number in self.unknown_shortcodes.most_common())
            lines.append(f"Unknown shortcodes left as text in bodies: {listed}.")
        if self.dynamic_blocks:
            listed = ", ".join(f"{name} ×{number}" for name, number in self.dynamic_blocks.most_common())
            lines.append(
                "Dynamic blocks show nothing here (WordPress builds them from its own data when a page is shown): "
                f"{listed}."
            )
        if self.missing_files and not self.uploads_given:
            lines.append(
                f"Attachment files not imported ({self.counts['images']['skipped']}): no uploads folder was given. "
                "Copy the old site's wp-content/uploads here and import again with --uploads to bring them over."
            )
        elif self.missing_files:
            lines.append(f"Attachment files not found ({self.counts['images']['skipped']}):")
            lines.extend(f"  {path}" for path in self.missing_files)
        lines.extend(self.notes)
        return lines

    def to_dict(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "uploads_given": self.uploads_given,
            "counts": {kind: dict(counter) for kind, counter in self.counts.items()},
            "skipped_types": dict(self.skipped_types),
            "comment_types": dict(self.comment_types),
            "comment_statuses": dict(self.comment_statuses),
            "unknown_shortcodes": dict(self.unknown_shortcodes),
            "dynamic_blocks": dict(self.dynamic_blocks),
            "missing_files": self.missing_files,
            "notes": self.notes,
            "items_total": self.items_total,
        }

    @classmethod
    def from_dict(cls, data: dict) -> ImportReport:
        report = cls(
            dry_run=data.get("dry_run", False),
            uploads_given=data.get("uploads_given", True),
            items_total=data.get("items_total", 0),
        )
        for kind, counter in data.get("counts", {}).items():
            report.counts[kind] = Counter(counter)
        report.skipped_types = Counter(data.get("skipped_types", {}))
        report.comment_types = Counter(data.get("comment_types", {}))
        report.comment_statuses = Counter(data.get("comment_statuses", {}))
        report.unknown_shortcodes = Counter(data.get("unknown_shortcodes", {}))
        report.dynamic_blocks = Counter(data.get("dynamic_blocks", {}))
        report.missing_files = list(data.get("missing_files", []))
        report.notes = list(data.get("notes", []))
        return report
