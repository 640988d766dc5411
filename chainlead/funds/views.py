"""Pages of the support fund: thin, over selectors and services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chainlead.accounts.access import access_for
from chainlead.core.views import permission_required
from chainlead.funds import reconciliation, selectors, services
from chainlead.funds.choices import TrancheStatus
from chainlead.funds.forms import RunPrepareForm, StatementForm
from chainlead.funds.models import Fund
from chainlead.funds.permissions import (
    manages_fund,
    reads_all_funds,
    reads_fund,
    reads_own_awards,
)


def _today() -> dt.date:
    return timezone.localdate()


def _refused(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


@permission_required(reads_fund)
def position(request: HttpRequest) -> HttpResponse:
    funds = list(selectors.fund_list(user=request.user))
    access = access_for(request.user)
    district_ids = None if reads_all_funds(access) else set(access.district_ids)
    return render(
        request,
        "funds/position.html",
        {
            "positions": [selectors.fund_position(f) for f in funds],
            "shares": selectors.support_shares(district_ids=district_ids),
            "waiting": selectors.approvals_waiting(user=request.user),
            "held": selectors.disbursements_held(user=request.user),
            "manages": manages_fund(access),
        },
    )


@permission_required(reads_fund)
def fund_detail(request: HttpRequest, pk: int) -> HttpResponse:
    fund = get_object_or_404(selectors.fund_list(user=request.user), pk=pk)
    position_ = selectors.fund_position(fund)
    commitments = selectors.commitment_list(user=request.user).filter(fund=fund)
    chart = {
        "labels": [lp.line.name for lp in position_.lines],
        "paid": [str(lp.paid) for lp in position_.lines],
        "owed": [str(lp.committed - lp.paid) for lp in position_.lines],
        "available": [str(lp.available) for lp in position_.lines],
        "names": [_("Paid"), _("Committed, unpaid"), _("Available")],
    }
    return render(
        request,
        "funds/fund_detail.html",
        {
            "fund": fund,
            "position": position_,
            "recipients": selectors.recipient_positions(commitments),
            "chart": chart,
            "runs": selectors.payment_run_list(user=request.user).filter(fund=fund)[:20],
        },
    )


@permission_required(reads_fund)
def account_entries(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(selectors.account_list(user=request.user), pk=pk)
    entries = (
        selectors.entry_list(user=request.user)
        .filter(Q(debit_account=account) | Q(credit_account=account))
        .order_by("-pk")[:500]
    )
    return render(request, "funds/account_entries.html", {"account": account, "entries": entries})


@permission_required(reads_fund)
def tranche_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    tranches = selectors.tranche_list(user=request.user).order_by("due_on", "pk")
    if status in TrancheStatus.values:
        tranches = tranches.filter(status=status)
    return render(
        request,
        "funds/tranche_list.html",
        {
            "tranches": tranches[:500],
            "status": status,
            "statuses": TrancheStatus.choices,
            "manages": manages_fund(access_for(request.user)),
        },
    )


@require_POST
@permission_required(manages_fund)
def tranche_approve(request: HttpRequest, pk: int) -> HttpResponse:
    tranche = get_object_or_404(selectors.tranche_list(user=request.user), pk=pk)
    try:
        services.tranche_approve(actor=request.user, tranche=tranche)
        messages.success(request, _("Tranche approved."))
    except ValidationError as exc:
        _refused(request, exc)
    return redirect("funds:tranche_list")


@require_POST
@permission_required(manages_fund)
def tranche_disburse(request: HttpRequest, pk: int) -> HttpResponse:
    tranche = get_object_or_404(selectors.tranche_list(user=request.user), pk=pk)
    key = request.POST.get("idempotency_key") or None
    try:
        d = services.tranche_disburse(actor=request.user, tranche=tranche, idempotency_key=key)
        if d.status == "held":
            messages.warning(request, _("Payment held: %(reason)s") % {"reason": d.hold_reason})
        else:
            messages.success(request, _("Tranche paid."))
    except ValidationError as exc:
        _refused(request, exc)
    return redirect("funds:tranche_list")


@permission_required(reads_fund)
def run_list(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    form = RunPrepareForm(user=request.user, today=_today()) if manages_fund(access) else None
    return render(
        request,
        "funds/run_list.html",
        {"runs": selectors.payment_run_list(user=request.user)[:100], "form": form},
    )


@require_POST
@permission_required(manages_fund)
def run_prepare(request: HttpRequest) -> HttpResponse:
    form = RunPrepareForm(request.POST, user=request.user, today=_today())
    if not form.is_valid():
        return render(
            request,
            "funds/run_list.html",
            {"runs": selectors.payment_run_list(user=request.user)[:100], "form": form},
        )
    tranches = list(form.cleaned_data["tranches"])
    try:
        run = services.payment_run_prepare(
            actor=request.user, fund=tranches[0].commitment.fund, tranches=tranches
        )
    except ValidationError as exc:
        _refused(request, exc)
        return redirect("funds:run_list")
    messages.success(request, _("Payment run prepared; another officer must approve it."))
    return redirect("funds:run_detail", pk=run.pk)


@permission_required(reads_fund)
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(selectors.payment_run_list(user=request.user), pk=pk)
    access = access_for(request.user)
    return render(
        request,
        "funds/run_detail.html",
        {
            "run": run,
            "disbursements": run.disbursements.select_related(
                "tranche__commitment__recipient"
            ).order_by("tranche_id"),
            "may_approve": manages_fund(access)
            and run.status == "prepared"
            and run.prepared_by_id != request.user.pk,
            "position": selectors.fund_position(run.fund),
        },
    )


@require_POST
@permission_required(manages_fund)
def run_approve(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(selectors.payment_run_list(user=request.user), pk=pk)
    try:
        services.payment_run_approve(actor=request.user, run=run)
        messages.success(request, _("Payment run approved and executed."))
    except ValidationError as exc:
        _refused(request, exc)
    return redirect("funds:run_detail", pk=run.pk)


@permission_required(reads_fund)
def run_export(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(selectors.payment_run_list(user=request.user), pk=pk)
    content = reconciliation.run_workbook(run)
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="payment-run-{run}.xlsx"'
    return response


@permission_required(reads_fund)
def statement_list(request: HttpRequest, pk: int) -> HttpResponse:
    fund = get_object_or_404(selectors.fund_list(user=request.user), pk=pk)
    return _statement_page(request, fund, StatementForm())


def _statement_page(
    request: HttpRequest, fund: Fund, form: StatementForm, errors: list[Any] | None = None
) -> HttpResponse:
    lines = reconciliation.open_lines(fund)
    return render(
        request,
        "funds/statements.html",
        {
            "fund": fund,
            "form": form if manages_fund(access_for(request.user)) else None,
            "errors": errors or [],
            "lines": lines,
            "statements": fund.statements.all()[:20],
        },
    )


@require_POST
@permission_required(manages_fund)
def statement_import(request: HttpRequest, pk: int) -> HttpResponse:
    fund = get_object_or_404(selectors.fund_list(user=request.user), pk=pk)
    form = StatementForm(request.POST, request.FILES)
    if not form.is_valid():
        return _statement_page(request, fund, form)
    upload = form.cleaned_data["file"]
    try:
        statement = reconciliation.statement_import(
            actor=request.user, fund=fund, content=upload.read(), filename=upload.name
        )
    except reconciliation.StatementInvalidError as exc:
        return _statement_page(request, fund, form, errors=exc.errors)
    messages.success(request, _("%(n)s statement lines imported.") % {"n": statement.lines.count()})
    return redirect("funds:statement_list", pk=fund.pk)


@require_POST
@permission_required(manages_fund)
def statement_line_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    line = get_object_or_404(reconciliation.line_list(user=request.user), pk=pk)
    try:
        reconciliation.statement_line_resolve(
            actor=request.user, line=line, resolution=request.POST.get("resolution", "")
        )
    except ValidationError as exc:
        _refused(request, exc)
    return redirect("funds:statement_list", pk=line.statement.fund_id)


@permission_required(reads_fund)
def shares(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    district_ids = None if reads_all_funds(access) else set(access.district_ids)
    figures = selectors.support_shares(district_ids=district_ids)
    chart = {
        "labels": [f"{f.district_name} {f.fiscal_year}" for f in figures],
        "share": [str(f.share_percent) for f in figures],
        "minimum": str(selectors.min_support_share() * 100),
    }
    return render(
        request,
        "funds/shares.html",
        {"figures": figures, "chart": chart},
    )


@permission_required(reads_own_awards)
def my_awards(request: HttpRequest) -> HttpResponse:
    commitments = selectors.commitment_list(user=request.user).filter(
        recipient_id__in=access_for(request.user).enterprise_ids
    )
    return render(
        request,
        "funds/my_awards.html",
        {
            "recipients": selectors.recipient_positions(commitments),
            "commitments": commitments.prefetch_related("tranches"),
        },
    )
