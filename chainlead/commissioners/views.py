"""Pages of the commissioners app: thin; selectors read, services write, permissions.py decides.

Objects outside the reader's scope are 404s; actions the role may not take are 403s."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from chainlead.accounts.access import Access, access_for
from chainlead.commissioners import evaluation as evaluation_module
from chainlead.commissioners import selectors, services
from chainlead.commissioners.account import commissioner_set_account
from chainlead.commissioners.choices import Decision, LogStatus
from chainlead.commissioners.constants import MATCH_TERMS
from chainlead.commissioners.filtersets import AssignmentFilterSet, CommissionerFilterSet
from chainlead.commissioners.forms import (
    AnswerForm,
    AssignmentForm,
    ChangeForm,
    CommissionerForm,
    DecisionForm,
    EndForm,
    LogForm,
    MatchingForm,
)
from chainlead.commissioners.labels import EVALUATION_FORMULA_TEXT
from chainlead.commissioners.models import Commissioner
from chainlead.commissioners.permissions import (
    contact_shown,
    manages_commissioners,
    reads_commissioner_history,
    reads_commissioners,
    reads_evaluations,
    reads_matchings,
    writes_logs,
)
from chainlead.commissioners.tables import AssignmentTable, CommissionerTable
from chainlead.core.exceptions import PermissionDenied
from chainlead.core.export import wants_export
from chainlead.core.masking import mask_snapshot, record_export, sees_personal_data
from chainlead.core.views import history_for, is_fragment, object_list, permission_required
from chainlead.registry.models import District, Industry
from chainlead.registry.selectors import enterprise_list

COMMISSIONER_EXPORT = [
    (gettext_lazy("name"), "name"),
    (gettext_lazy("kind"), "get_kind_display"),
    (gettext_lazy("home institution"), "home_institution"),
    (gettext_lazy("district"), "district.label"),
    (gettext_lazy("capacity"), "capacity"),
    (gettext_lazy("status"), "get_status_display"),
    (gettext_lazy("data provenance"), "get_provenance_display"),
]
ASSIGNMENT_EXPORT = [
    (gettext_lazy("commissioner"), "commissioner.name"),
    (gettext_lazy("firm"), "enterprise.name"),
    (gettext_lazy("from"), "starts_on"),
    (gettext_lazy("until"), "ends_on"),
    (gettext_lazy("ended early on"), "ended_early_on"),
    (gettext_lazy("why"), "reason"),
]


def _errors(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def _form_errors(request: HttpRequest, form: Any) -> None:
    for field, errors in form.errors.items():
        messages.error(request, f"{field}: {' '.join(errors)}")


def _not_found(what: str) -> Http404:
    return Http404(_("No such %(what)s, or it is outside what you may see.") % {"what": what})


# --- commissioners ------------------------------------------------------------------------


@permission_required(reads_commissioners)
@require_http_methods(["GET"])
def commissioner_list(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    queryset = selectors.commissioner_list(user=request.user)
    if wants_export(request):
        # The export carries contacts (masked unless the reader needs them): recorded.
        filtered = CommissionerFilterSet(request.GET, queryset=queryset, request=request)
        record_export(
            actor=request.user,
            what="commissioners",
            rows=filtered.qs.count() if filtered.is_valid() else 0,
            fields="contact" if sees_personal_data(access) else "contact (masked)",
        )
    contact = (gettext_lazy("contact"), lambda c: contact_shown(access, c))
    return object_list(
        request,
        queryset=queryset,
        filterset_class=CommissionerFilterSet,
        table_class=CommissionerTable,
        template_name="commissioners/commissioner_list.html",
        export_columns=[*COMMISSIONER_EXPORT[:4], contact, *COMMISSIONER_EXPORT[4:]],
        export_filename="commissioners",
        context={"can_manage": manages_commissioners(access_for(request.user))},
    )


@permission_required(reads_commissioners)
@require_http_methods(["GET"])
def commissioner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        commissioner = selectors.commissioner_get(user=request.user, pk=pk)
    except Commissioner.DoesNotExist:
        raise _not_found(_("commissioner")) from None
    access = access_for(request.user)
    return render(
        request,
        "commissioners/commissioner_detail.html",
        {
            "commissioner": commissioner,
            "contact": contact_shown(access, commissioner),
            "industries": commissioner.industries.all(),
            "segments": commissioner.segments.select_related("chain"),
            "assignments": selectors.assignment_list(user=request.user).filter(
                commissioner=commissioner
            )[:50],
            "can_manage": manages_commissioners(access),
            "history": _history(access, commissioner),
        },
    )


def _history(access: Access, commissioner: Commissioner) -> list[Any] | None:
    """The change history for admins and auditors; the auditor's with contacts masked (they
    audit the changes, not the numbers: docs/security-audit.md)."""
    if not reads_commissioner_history(access):
        return None
    entries = history_for(commissioner)
    if not sees_personal_data(access):
        for entry in entries:  # masked on the instance only, never saved
            entry.before, entry.after = mask_snapshot(entry.before), mask_snapshot(entry.after)
    return entries


def _commissioner_fields(form: CommissionerForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "kind": data["kind"],
        "name": data["name"],
        "home_institution": data["home_institution"],
        "district": data["district"],
        "contact": data["contact"],
        "capacity": data["capacity"],
        "service_start": data["service_start"],
        "service_end": data["service_end"],
        "status": data["status"],
        "keywords": form.keyword_list(),
    }


def _industries(form: CommissionerForm) -> list[Industry]:
    codes = form.industry_code_list()
    found = list(Industry.objects.filter(code__in=codes))
    missing = sorted(set(codes) - {i.code for i in found})
    if missing:
        raise ValidationError(
            {"industries": _("Unknown GB/T 4754 codes: %(c)s") % {"c": ", ".join(missing)}}
        )
    return found


@permission_required(manages_commissioners)
@require_http_methods(["GET", "POST"])
def commissioner_create(request: HttpRequest) -> HttpResponse:
    form = CommissionerForm(request.POST or None, initial={"capacity": 3, "status": "active"})
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():  # the record and its account, or neither
                created = services.commissioner_create(
                    actor=request.user,
                    industries=_industries(form),
                    segments=form.cleaned_data["segments"],
                    **_commissioner_fields(form),
                )
                commissioner_set_account(
                    actor=request.user, commissioner=created, user=form.cleaned_data["user"]
                )
        except ValidationError as error:
            _errors(request, error)
        else:
            return redirect(created)
    return render(request, "commissioners/commissioner_form.html", {"form": form})


@permission_required(manages_commissioners)
@require_http_methods(["GET", "POST"])
def commissioner_edit(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        commissioner = selectors.commissioner_get(user=request.user, pk=pk)
    except Commissioner.DoesNotExist:
        raise _not_found(_("commissioner")) from None
    initial = {
        "kind": commissioner.kind,
        "name": commissioner.name,
        "home_institution": commissioner.home_institution,
        "district": commissioner.district_id,
        "contact": commissioner.contact,
        "industry_codes": " ".join(commissioner.industries.values_list("code", flat=True)),
        "segments": list(commissioner.segments.values_list("pk", flat=True)),
        "keywords": ", ".join(commissioner.keywords),
        "capacity": commissioner.capacity,
        "service_start": commissioner.service_start,
        "service_end": commissioner.service_end,
        "status": commissioner.status,
        "user": commissioner.user_id,
    }
    form = CommissionerForm(request.POST or None, initial=initial, commissioner=commissioner)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.commissioner_update(
                    actor=request.user,
                    commissioner=commissioner,
                    industries=_industries(form),
                    segments=form.cleaned_data["segments"],
                    **_commissioner_fields(form),
                )
                commissioner_set_account(
                    actor=request.user, commissioner=commissioner, user=form.cleaned_data["user"]
                )
        except ValidationError as error:
            _errors(request, error)
        else:
            return redirect(commissioner)
    return render(
        request, "commissioners/commissioner_form.html", {"form": form, "object": commissioner}
    )


# --- assignments --------------------------------------------------------------------------


@permission_required(reads_commissioners)
@require_http_methods(["GET"])
def assignment_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return object_list(
        request,
        queryset=selectors.assignment_list(user=request.user),
        filterset_class=AssignmentFilterSet,
        table_class=AssignmentTable,
        template_name="commissioners/assignment_list.html",
        export_columns=ASSIGNMENT_EXPORT,
        export_filename="commissioner-assignments",
        context={
            "can_manage": manages_commissioners(access_for(request.user)),
            "active": selectors.active_assignments(user=request.user, today=today)[:100],
        },
    )


@permission_required(reads_commissioners)
@require_http_methods(["GET"])
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from chainlead.commissioners.models import Assignment

    try:
        assignment = selectors.assignment_get(user=request.user, pk=pk)
    except Assignment.DoesNotExist:
        raise _not_found(_("station")) from None
    access = access_for(request.user)
    today = timezone.localdate()
    is_mine = assignment.commissioner.user_id == request.user.pk
    logs = assignment.logs.prefetch_related("requests", "attachments").order_by("-served_on", "-id")
    return render(
        request,
        "commissioners/assignment_detail.html",
        {
            "assignment": assignment,
            # The station is visible; the firm's own page only to readers of that firm.
            "firm_link": enterprise_list(user=request.user)
            .filter(pk=assignment.enterprise_id)
            .exists(),
            "active": assignment.is_active(today),
            "logs": logs,
            "can_log": is_mine,
            "log_form": LogForm(
                enterprise_id=assignment.enterprise_id, initial={"served_on": today}
            ),
            "can_answer": assignment.enterprise_id in access.enterprise_ids,
            "answer_form": AnswerForm(),
            "can_manage": manages_commissioners(access),
            "end_form": EndForm(initial={"on": today}),
            "terms": [(t, assignment.score_terms.get(t)) for t in MATCH_TERMS],
            "score": assignment.score_terms.get("score"),
            "backdate_days": services.log_backdate_days(),
            "awaiting": LogStatus.AWAITING_APPROVAL,
            "submitted": LogStatus.SUBMITTED,
        },
    )


@permission_required(manages_commissioners)
@require_http_methods(["GET", "POST"])
def assignment_create(request: HttpRequest) -> HttpResponse:
    form = AssignmentForm(
        request.POST or None, initial={"starts_on": timezone.localdate()}, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.assignment_create(
                actor=request.user,
                commissioner=data["commissioner"],
                enterprise=data["enterprise"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                reason=data["reason"],
            )
        except ValidationError as error:
            _errors(request, error)
        else:
            return redirect(created)
    return render(request, "commissioners/assignment_form.html", {"form": form})


@permission_required(manages_commissioners)
@require_http_methods(["POST"])
def assignment_end(request: HttpRequest, pk: int) -> HttpResponse:
    from chainlead.commissioners.models import Assignment

    try:
        assignment = selectors.assignment_get(user=request.user, pk=pk)
    except Assignment.DoesNotExist:
        raise _not_found(_("station")) from None
    form = EndForm(request.POST)
    if form.is_valid():
        try:
            services.assignment_end(
                actor=request.user,
                assignment=assignment,
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _errors(request, error)
    else:
        _form_errors(request, form)
    return redirect(assignment)


@permission_required(writes_logs)
@require_http_methods(["POST"])
def log_create(request: HttpRequest, pk: int) -> HttpResponse:
    from chainlead.commissioners.models import Assignment

    try:
        assignment = selectors.assignment_get(user=request.user, pk=pk)
    except Assignment.DoesNotExist:
        raise _not_found(_("station")) from None
    form = LogForm(request.POST, request.FILES, enterprise_id=assignment.enterprise_id)
    if form.is_valid():
        data = form.cleaned_data
        try:
            log = services.log_create(
                actor=request.user,
                assignment=assignment,
                mode=data["mode"],
                served_on=data["served_on"],
                hours=data["hours"],
                work_done=data["work_done"],
                solved=data["solved"],
                requests=list(data["requests"] or []),
            )
            if data.get("attachment"):
                services.log_attach(actor=request.user, log=log, file=data["attachment"])
        except ValidationError as error:
            _errors(request, error)
        else:
            if log.status == LogStatus.AWAITING_APPROVAL:
                messages.warning(request, _("Back-dated: the entry waits for an official."))
            else:
                messages.success(request, _("The service was logged; the firm will confirm it."))
    else:
        _form_errors(request, form)
    return redirect(assignment)


@permission_required(lambda access: bool(access.enterprise_ids))
@require_http_methods(["POST"])
def log_answer(request: HttpRequest, pk: int) -> HttpResponse:
    from chainlead.commissioners.models import ServiceLog

    try:
        log = selectors.log_get(user=request.user, pk=pk)
    except ServiceLog.DoesNotExist:
        raise _not_found(_("service log")) from None
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.log_answer(
                actor=request.user,
                log=log,
                confirm=form.cleaned_data["confirm"],
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            _errors(request, error)
    else:
        _form_errors(request, form)
    return redirect(log.assignment)


@permission_required(manages_commissioners)
@require_http_methods(["POST"])
def log_approve(request: HttpRequest, pk: int) -> HttpResponse:
    from chainlead.commissioners.models import ServiceLog

    try:
        log = selectors.log_get(user=request.user, pk=pk)
    except ServiceLog.DoesNotExist:
        raise _not_found(_("service log")) from None
    try:
        services.log_approve(
            actor=request.user,
            log=log,
            approve=request.POST.get("approve") == "1",
            note=request.POST.get("note", ""),
        )
    except ValidationError as error:
        _errors(request, error)
    return redirect(log.assignment)


# --- matchings ----------------------------------------------------------------------------


@permission_required(reads_matchings)
@require_http_methods(["GET", "POST"])
def matching_list(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    form = MatchingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not manages_commissioners(access):
            raise PermissionDenied(_("Only a city administrator starts a matching."))
        if form.is_valid():
            run = services.matching_run_create(
                actor=request.user, district=form.cleaned_data["district"]
            )
            return redirect("commissioners:matching_detail", pk=run.pk)
    return render(
        request,
        "commissioners/matching_list.html",
        {
            "runs": selectors.run_list(user=request.user)[:50],
            "form": form,
            "can_manage": manages_commissioners(access),
        },
    )


def _run(request: HttpRequest, pk: int) -> Any:
    from chainlead.commissioners.models import MatchingRun

    try:
        return selectors.run_get(user=request.user, pk=pk)
    except MatchingRun.DoesNotExist:
        raise _not_found(_("matching")) from None


@permission_required(reads_matchings)
@require_http_methods(["GET"])
def matching_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    decision = request.GET.get("decision", "")
    page = Paginator(selectors.pair_list(run=run, decision=decision), 50).get_page(
        request.GET.get("page")
    )
    weights = run.weights or {}
    rows = [
        {
            "pair": pair,
            "terms": [
                (name, pair.terms.get(name, 0.0), pair.terms.get(name, 0.0) * weights.get(name, 0))
                for name in MATCH_TERMS
            ],
        }
        for pair in page
    ]
    return render(
        request,
        "commissioners/matching_detail.html",
        {
            "run": run,
            "page": page,
            "rows": rows,
            "terms": MATCH_TERMS,
            "weights": [(t, weights.get(t, 0)) for t in MATCH_TERMS],
            "decision": decision,
            "decisions": Decision.choices,
            "pending": Decision.PENDING,
            "can_manage": manages_commissioners(access_for(request.user)),
            "decision_form": DecisionForm(),
            "change_form": ChangeForm(),
        },
    )


@permission_required(reads_matchings)
@require_http_methods(["GET"])
def matching_progress(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    if not is_fragment(request) and not run.is_running:
        return redirect("commissioners:matching_detail", pk=run.pk)
    response = render(request, "commissioners/partials/_matching_progress.html", {"run": run})
    if not run.is_running:
        # Finished: reload the page so the proposal shows (htmx follows HX-Refresh).
        response["HX-Refresh"] = "true"
    return response


@permission_required(manages_commissioners)
@require_http_methods(["POST"])
def matching_accept(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    try:
        count = services.run_accept_pending(
            actor=request.user, run=run, note=request.POST.get("note", "")
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("%(n)d stations created.") % {"n": count})
    return redirect("commissioners:matching_detail", pk=run.pk)


def _pair(request: HttpRequest, pk: int) -> Any:
    from chainlead.commissioners.models import ProposedPair

    try:
        return selectors.pair_get(user=request.user, pk=pk)
    except ProposedPair.DoesNotExist:
        raise _not_found(_("proposed pair")) from None


@permission_required(manages_commissioners)
@require_http_methods(["POST"])
def pair_decide(request: HttpRequest, pk: int) -> HttpResponse:
    pair = _pair(request, pk)
    try:
        services.pair_decide(
            actor=request.user,
            pair=pair,
            accept=request.POST.get("accept") == "1",
            note=request.POST.get("note", ""),
        )
    except ValidationError as error:
        _errors(request, error)
    return redirect("commissioners:matching_detail", pk=pair.run_id)


@permission_required(manages_commissioners)
@require_http_methods(["POST"])
def pair_change(request: HttpRequest, pk: int) -> HttpResponse:
    pair = _pair(request, pk)
    form = ChangeForm(request.POST)
    if form.is_valid():
        other = Commissioner.objects.filter(pk=form.cleaned_data["commissioner"]).first()
        if other is None:
            messages.error(request, _("No such commissioner."))
        else:
            try:
                services.pair_change(
                    actor=request.user,
                    pair=pair,
                    commissioner=other,
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                _errors(request, error)
    else:
        _form_errors(request, form)
    return redirect("commissioners:matching_detail", pk=pair.run_id)


# --- evaluation ---------------------------------------------------------------------------


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        raise Http404(_("No such year.")) from None
    if not 2000 <= year <= 2100:
        raise Http404(_("No such year."))
    return year


@permission_required(reads_evaluations)
@require_http_methods(["GET"])
def evaluation(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    raw_district = request.GET.get("district") or ""
    district = (
        District.objects.filter(pk=int(raw_district)).first() if raw_district.isdigit() else None
    )
    rows = evaluation_module.evaluation_rows(
        user=request.user, year=year, district_id=district.pk if district else None
    )
    if request.GET.get("export") == "xlsx":
        content = evaluation_module.evaluation_workbook(
            rows, year=year, district_name=district.name if district else ""
        )
        response = HttpResponse(
            content,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="evaluation-{year}.xlsx"'
        return response
    return render(
        request,
        "commissioners/evaluation.html",
        {
            "rows": rows,
            "year": year,
            "years": list(range(timezone.localdate().year, timezone.localdate().year - 5, -1)),
            "district": district,
            "districts": District.objects.all(),
            "formula": EVALUATION_FORMULA_TEXT,
        },
    )
