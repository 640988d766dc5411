"""Pages of the classification jobs: start (upload a file of firms' texts, or re-place the
registry's firms), the job page with its htmx-polled progress, and the result's download.

Thin: the services and selectors are in chains.classify_jobs; every view declares
`permissions.runs_classification`, and a job out of the reader's sight is a 404.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from chainlead.chains.choices import ClassifyJobKind, ClassifyJobStatus
from chainlead.chains.classify_jobs import (
    OUTPUT_COLUMNS,
    classifier_path,
    classify_job_get,
    classify_job_list,
    classify_jobs_fail_stale,
    classify_replace_job_create,
    classify_texts_job_create,
)
from chainlead.chains.models import ClassifyJob
from chainlead.chains.permissions import runs_classification
from chainlead.core.views import is_fragment, permission_required

RECENT_JOBS = 20
# The headers the file may use (analytics.classify.firm_file.HEADER_ALIASES), as shown.
INPUT_COLUMNS = (
    ("stock_code / id", "股票代码 / 证券代码 / 统一社会信用代码"),
    ("full_name", "公司名称 / 企业名称"),
    ("short_name", "简称 / 证券简称"),
    ("main_business", "主营业务"),
    ("business_scope", "经营范围"),
    ("introduction", "公司简介"),
)


class ClassifyTextsForm(forms.Form):
    file = forms.FileField(
        label=_("File of firms' texts"), help_text=_("CSV (UTF-8 or GB18030) or Excel .xlsx.")
    )


class ClassifyReplaceForm(forms.Form):
    use_model = forms.BooleanField(
        label=_("Let the text classifier's reading of a firm's division vouch for segments"),
        required=False,
    )


def _start_page(
    request: HttpRequest,
    texts_form: ClassifyTextsForm,
    replace_form: ClassifyReplaceForm,
) -> HttpResponse:
    classify_jobs_fail_stale()  # the recent jobs listed show their true state
    return render(
        request,
        "chains/classify_start.html",
        {
            "texts_form": texts_form,
            "replace_form": replace_form,
            "jobs": classify_job_list(user=request.user)[:RECENT_JOBS],
            "columns": INPUT_COLUMNS,
            "output_columns": OUTPUT_COLUMNS,
            "has_model": classifier_path() is not None,
        },
    )


@permission_required(runs_classification)
def classify_start(request: HttpRequest) -> HttpResponse:
    """GET: the start page; POST: upload a file of firms' texts and go to its job."""
    form = ClassifyTextsForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = classify_texts_job_create(actor=request.user, upload=form.cleaned_data["file"])
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            return redirect("chains:classify_detail", pk=job.pk)
    return _start_page(request, form, ClassifyReplaceForm())


@permission_required(runs_classification)
@require_POST
def classify_replace(request: HttpRequest) -> HttpResponse:
    form = ClassifyReplaceForm(request.POST)
    if form.is_valid():
        try:
            job = classify_replace_job_create(
                actor=request.user, use_model=form.cleaned_data["use_model"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("chains:classify_detail", pk=job.pk)
    return _start_page(request, ClassifyTextsForm(), form)


def _job(request: HttpRequest, pk: int) -> ClassifyJob:
    try:
        return classify_job_get(user=request.user, pk=pk)
    except ClassifyJob.DoesNotExist as exc:
        raise Http404 from exc


@permission_required(runs_classification)
def classify_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    return render(
        request,
        "chains/classify_detail.html",
        {"job": job, "is_texts": job.kind == ClassifyJobKind.TEXTS},
    )


@permission_required(runs_classification)
def classify_progress(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    response = render(request, "chains/partials/_classify_progress.html", {"job": job})
    if is_fragment(request) and not job.is_running:
        response["HX-Refresh"] = "true"  # reload the job page to show its outcome
    return response


@permission_required(runs_classification)
def classify_result(request: HttpRequest, pk: int) -> FileResponse:
    """The result CSV of a finished "texts" job (the CLI's columns)."""
    job = _job(request, pk)
    if job.status != ClassifyJobStatus.SUCCEEDED or not job.result:
        raise Http404
    return FileResponse(
        job.result.open("rb"),
        as_attachment=True,
        filename=f"classify-{job.pk}.csv",
        content_type="text/csv; charset=utf-8",
    )
