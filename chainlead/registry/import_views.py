"""Pages of the enterprise import: upload, the job page, and its htmx-polled progress."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from chainlead.accounts.access import access_for
from chainlead.core.views import is_fragment, permission_required
from chainlead.registry.choices import ImportStatus
from chainlead.registry.importers import COLUMNS, import_job_create, import_jobs_fail_stale
from chainlead.registry.importers.template import template_workbook
from chainlead.registry.models import ImportJob
from chainlead.registry.permissions import manages_registry, reads_import_jobs
from chainlead.registry.selectors import import_job_list
from chainlead.registry.tasks import start_import

RECENT_JOBS = 20
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Enterprise file"), help_text=_("CSV (UTF-8 or GBK) or Excel .xlsx.")
    )
    dry_run = forms.BooleanField(
        label=_("Check only (dry run): validate every row, write nothing"), required=False
    )


@permission_required(manages_registry)
def import_start(request: HttpRequest) -> HttpResponse:
    import_jobs_fail_stale()  # the recent jobs listed below show their true state
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_job_create(
                actor=request.user,
                upload=form.cleaned_data["file"],
                dry_run=form.cleaned_data["dry_run"],
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            start_import(job)
            return redirect("registry:import_detail", pk=job.pk)
    return render(
        request,
        "registry/import_start.html",
        {
            "form": form,
            "jobs": import_job_list(user=request.user)[:RECENT_JOBS],
            "columns": COLUMNS,
        },
    )


def _job(request: HttpRequest, pk: int) -> ImportJob:
    import_jobs_fail_stale()  # a job whose process died shows as failed, not running
    return get_object_or_404(import_job_list(user=request.user), pk=pk)


@permission_required(manages_registry)
def import_template(request: HttpRequest) -> HttpResponse:
    """The import template (.xlsx) in the reader's language, with example rows."""
    response = HttpResponse(template_workbook(), content_type=XLSX)
    name = _("enterprise-import-template")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{name}.xlsx"
    )
    return response


@permission_required(reads_import_jobs)
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    return render(
        request,
        "registry/import_detail.html",
        {
            "job": job,
            "can_import": manages_registry(access_for(request.user)),
            "errors": [e for e in job.errors if not e.get("warning")],
            "warnings": [e for e in job.errors if e.get("warning")],
        },
    )


@permission_required(reads_import_jobs)
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    response = render(request, "registry/partials/_import_progress.html", {"job": job})
    if is_fragment(request) and job.status in {ImportStatus.SUCCEEDED, ImportStatus.FAILED}:
        response["HX-Refresh"] = "true"  # reload the job page to show its outcome and errors
    return response
