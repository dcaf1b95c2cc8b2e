"""The WordPress import in the admin: an administrator uploads an export, it runs at once (or, above the
request's limit, on a task worker while the run's page polls its progress), and the run's page shows what it did. Each run is kept, so the list is the history of imports."""

from __future__ import annotations

import logging

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from accounts.roles import ADMINISTRATOR

from . import services, tasks
from .models import ImportRun
from .report import KINDS, OUTCOMES

logger = logging.getLogger(__name__)


def is_administrator(user) -> bool:
    """Imports rewrite the whole site, so only administrators (never editors or authors) may run them."""
    if not (user.is_active and user.is_staff):
        return False
    return user.is_superuser or user.groups.filter(name=ADMINISTRATOR).exists()


def upload_limit_mb() -> int:
    return services.ADMIN_BACKGROUND_LIMIT // (1024 * 1024)


class ImportForm(forms.Form):
    """The upload: a WXR file within the admin's size limit, and whether to only try it."""

    file = forms.FileField(
        label="WordPress export file",
        help_text="The .xml file from WordPress: Tools → Export → All content.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xml,application/xml,text/xml"}),
    )
    dry_run = forms.BooleanField(
        label="Dry run: only report what the import would do, and change nothing",
        required=False,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > services.ADMIN_BACKGROUND_LIMIT:
            raise ValidationError(
                f"This file is {upload.size / 1024 / 1024:.0f} MB; the admin imports files up to "
                f"{upload_limit_mb()} MB. Import it on the server instead, where any size works: "
                f"python manage.py import_wxr {upload.name}"
            )
        if upload.size == 0:
            raise ValidationError("This file is empty. Export again from WordPress (Tools → Export).")
        return upload


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """The history of imports, and the upload form as its "add" page. Runs are read-only records."""

    list_display = ["started_at", "file_name", "outcome", "started_by", "changes"]
    list_display_links = ["started_at", "file_name"]
    list_filter = ["status", "dry_run"]
    search_fields = ["file_name"]
    date_hierarchy = "started_at"
    fields = [
        "file_name",
        "size",
        "dry_run",
        "status",
        "started_by",
        "started_at",
        "finished_at",
        "items_total",
    ]
    readonly_fields = fields  # type: ignore[assignment]  # stubs: fields and readonly_fields differ
    change_form_template = "admin/wordpress/importrun/change_form.html"
    change_list_template = "admin/wordpress/importrun/change_list.html"

    # Administrators only -------------------------------------------------------------------------

    def has_module_permission(self, request):
        return is_administrator(request.user)

    def has_view_permission(self, request, obj=None):
        return is_administrator(request.user)

    def has_add_permission(self, request):
        return is_administrator(request.user)

    def has_change_permission(self, request, obj=None):
        return False  # a run is a record of what happened

    def has_delete_permission(self, request, obj=None):
        return is_administrator(request.user)

    @admin.display(description="File size", ordering="file_size")
    def size(self, run):
        return filesizeformat(run.file_size)

    # The list ------------------------------------------------------------------------------------

    @admin.display(description="Status", ordering="status")
    def outcome(self, run):
        return f"{run.get_status_display()} (dry run)" if run.dry_run else run.get_status_display()

    @admin.display(description="What it did")
    def changes(self, run):
        if run.status == ImportRun.Status.FAILED:
            return run.error.split(". ")[0][:120]
        report = run.get_report()
        parts = [
            f"{report.counts[kind]['created']} {kind} created"
            for kind in KINDS
            if report.counts[kind]["created"] and kind in ("posts", "pages", "comments")
        ]
        updated = sum(report.counts[kind]["updated"] for kind in KINDS)
        if updated:
            parts.append(f"{updated} updated")
        return ", ".join(parts) or "No changes"

    def changelist_view(self, request, extra_context=None):
        context = {"import_url": reverse("admin:wordpress_importrun_add"), **(extra_context or {})}
        return super().changelist_view(request, context)

    # One run -------------------------------------------------------------------------------------

    def get_urls(self):
        from django.urls import path

        progress = self.admin_site.admin_view(self.progress_view)
        return [path("<int:object_id>/progress/", progress, name="wordpress_importrun_progress"), *super().get_urls()]

    def progress_view(self, request, object_id):
        """What the run's page polls while a background import runs: the run's and its task's state."""
        from django.http import Http404, JsonResponse

        run = self.get_object(request, str(object_id))
        if run is None or not self.has_view_permission(request, run):
            raise Http404
        return JsonResponse(progress_of(run))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        run = self.get_object(request, object_id)
        context = dict(extra_context or {})
        if run is not None:
            context.update(report_context(run))
        return super().change_view(request, object_id, form_url, context)

    # The upload ----------------------------------------------------------------------------------

    def add_view(self, request, form_url="", extra_context=None):
        """Upload a WXR file and import it now; then show the run's report."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
        if request.method == "POST" and form.is_valid():
            upload, dry_run = form.cleaned_data["file"], form.cleaned_data["dry_run"]
            if upload.size > services.ADMIN_UPLOAD_LIMIT:
                run = tasks.queue_uploaded_file(upload=upload, started_by=request.user, dry_run=dry_run)
                messages.info(
                    request,
                    f"{run.file_name} is being imported in the background; this page shows how it goes.",
                )
            else:
                run = self._run_import(request, upload=upload, dry_run=dry_run)
                self._announce(request, run)
            return HttpResponseRedirect(reverse("admin:wordpress_importrun_change", args=[run.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Import from WordPress",
            "form": form,
            "limit_mb": upload_limit_mb(),
            "has_view_permission": self.has_view_permission(request),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/wordpress/importrun/import_form.html", context)

    def _run_import(self, request, *, upload, dry_run: bool) -> ImportRun:
        try:
            # The run and the import together: an unexpected failure leaves neither half-written.
            with transaction.atomic():
                return services.import_uploaded_file(upload=upload, started_by=request.user, dry_run=dry_run)
        except Exception:
            logger.exception("WordPress import of %s failed unexpectedly", upload.name)
            return ImportRun.objects.create(
                file_name=upload.name[:255],
                file_size=upload.size,
                dry_run=dry_run,
                started_by=request.user,
                status=ImportRun.Status.FAILED,
                finished_at=timezone.now(),
                error=(
                    "The import stopped on an unexpected error (the details are in the server log). "
                    "Nothing was imported. Try it on the server to see the full message: "
                    f"python manage.py import_wxr {upload.name} --dry-run"
                ),
            )

    def _announce(self, request, run: ImportRun) -> None:
        if run.status == ImportRun.Status.FAILED:
            messages.error(request, f"Could not import {run.file_name}: {run.error}")
            return
        report = run.get_report()
        if run.dry_run:
            messages.warning(
                request,
                f"Dry run of {run.file_name}: nothing was written. {report.items_total} items read; "
                f"{report.total_changes} records would change.",
            )
        else:
            messages.success(
                request,
                format_html(
                    'Imported {}: {} items read, {} records changed. <a href="{}">See the posts</a>.',
                    run.file_name,
                    report.items_total,
                    report.total_changes,
                    reverse("admin:posts_post_changelist"),
                ),
            )


def progress_of(run: ImportRun) -> dict:
    """The run's status and, while it runs in the background, its task's (READY, RUNNING, …) from the Tasks API."""
    state = {"status": run.status, "finished": run.status != ImportRun.Status.RUNNING, "task": None}
    task_id = (run.report or {}).get("task_id") if run.status == ImportRun.Status.RUNNING else None
    if task_id and tasks.import_stored_file.get_backend().supports_get_result:
        try:
            state["task"] = str(tasks.import_stored_file.get_result(task_id).status)
        except Exception:  # noqa: BLE001 - a result the backend no longer keeps is simply unknown
            state["task"] = None
    return state


def report_context(run: ImportRun) -> dict:
    """The summary table (created / updated / unchanged / skipped per kind) and the details to read."""
    report = run.get_report()
    rows = [
        {"kind": kind.capitalize(), "counts": [report.counts[kind][outcome] for outcome in OUTCOMES]} for kind in KINDS
    ]
    rows += [
        {"kind": f"{post_type} (not imported)", "counts": [0, 0, 0, number]}
        for post_type, number in sorted(report.skipped_types.items())
    ]
    return {
        "run": run,
        "progress": progress_of(run),
        "progress_url": reverse("admin:wordpress_importrun_progress", args=[run.pk]),
        "report": report,
        "outcomes": [outcome.capitalize() for outcome in OUTCOMES],
        "rows": rows,
        "details": report.details(),
    }
