"""Records of WordPress imports: each run started from the admin, and what each import last wrote."""

from django.conf import settings
from django.db import models

from .report import ImportReport


class ImportRun(models.Model):
    """One upload of a WXR file in the admin, with its outcome and summary report."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    file_name = models.CharField(max_length=255)
    file_size = models.PositiveBigIntegerField(default=0)
    dry_run = models.BooleanField(default=False, help_text="Only report what would happen.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    items_total = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    report = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = "WordPress import"

    def __str__(self):
        return f"{self.file_name} ({self.started_at:%Y-%m-%d %H:%M})"

    def get_report(self) -> ImportReport:
        return ImportReport.from_dict(self.report or {})


class ImportedItem(models.Model):
    """A fingerprint of what the last import wrote for one WordPress post, page or comment.

    A later import of an unchanged item leaves it alone, so edits and moderation done here since the
    first import survive importing the same (or a newer) export again; an item changed in WordPress
    is updated.
    """

    class Kind(models.TextChoices):
        POST = "post", "Post"
        PAGE = "page", "Page"
        COMMENT = "comment", "Comment"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    legacy_id = models.BigIntegerField(help_text="The WordPress ID.")
    fingerprint = models.CharField(max_length=64)
    utc_offset = models.IntegerField(
        null=True,
        blank=True,
        help_text=(
            "Minutes WordPress's local post date was ahead of UTC. Its permalinks used that local date; "
            "the export writes it back."
        ),
    )
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "legacy_id"], name="imported_item_unique")]

    def __str__(self):
        return f"WordPress {self.kind} {self.legacy_id}"
