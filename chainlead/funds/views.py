"""Pages of the support fund: thin, over selectors and services.

Pages of one object and the POSTs that move one are the generic views of `core.generic`; the
position, the lists with their filters or forms, the statement import, the exports and the
charts are written out."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chainlead.accounts.access import access_for
from chainlead.core.generic import DetailView, TransitionView
from chainlead.core.views import permission_required
from chainlead.funds import reconciliation, selectors, services
from chainlead.funds.choices import TrancheStatus
from chainlead.funds.forms import RunPrepareForm, StatementForm
from chainlead.funds.models import Account, Fund, PaymentRun, StatementLine, Tranche
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


class FundDetail(DetailView[Fund]):
    permission = staticmethod(reads_fund)
    selector = staticmethod(selectors.fund_list)
    template_name = "funds/fund_detail.html"
    context_object_name = "fund"

    def context(self, obj: Fund) -> dict[str, Any]:
        user = self.request.user
        position_ = selectors.fund_position(obj)
        commitments = selectors.commitment_list(user=user).filter(fund=obj)
        chart = {
            "labels": [lp.line.name for lp in position_.lines],
            "paid": [str(lp.paid) for lp in position_.lines],
            "owed": [str(lp.committed - lp.paid) for lp in position_.lines],
            "available": [str(lp.available) for lp in position_.lines],
            "names": [_("Paid"), _("Committed, unpaid"), _("Available")],
        }
        return {
            "position": position_,
            "recipients": selectors.recipient_positions(commitments),
            "chart": chart,
            "runs": selectors.payment_run_list(user=user).filter(fund=obj)[:20],
        }


class AccountEntries(DetailView[Account]):
    permission = staticmethod(reads_fund)
    selector = staticmethod(selectors.account_list)
    template_name = "funds/account_entries.html"
    context_object_name = "account"

    def context(self, obj: Account) -> dict[str, Any]:
        entries = (
            selectors.entry_list(user=self.request.user)
            .filter(Q(debit_account=obj) | Q(credit_account=obj))
            .order_by("-pk")[:500]
        )
        return {"entries": entries}


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


class _TrancheAction(TransitionView[Tranche]):
    permission = staticmethod(manages_fund)
    selector = staticmethod(selectors.tranche_list)

    def back_url(self, obj: Tranche) -> str:
        return reverse("funds:tranche_list")


class TrancheApprove(_TrancheAction):
    def perform(self, obj: Tranche, data: dict[str, Any]) -> str:
        services.tranche_approve(actor=self.request.user, tranche=obj)
        return _("Tranche approved.")


class TrancheDisburse(_TrancheAction):
    def perform(self, obj: Tranche, data: dict[str, Any]) -> str:
        key = self.request.POST.get("idempotency_key") or None
        paid = services.tranche_disburse(actor=self.request.user, tranche=obj, idempotency_key=key)
        if paid.status == "held":
            messages.warning(
                self.request, _("Payment held: %(reason)s") % {"reason": paid.hold_reason}
            )
            return ""
        return _("Tranche paid.")


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


class RunDetail(DetailView[PaymentRun]):
    permission = staticmethod(reads_fund)
    selector = staticmethod(selectors.payment_run_list)
    template_name = "funds/run_detail.html"
    context_object_name = "run"

    def context(self, obj: PaymentRun) -> dict[str, Any]:
        access = access_for(self.request.user)
        return {
            "disbursements": obj.disbursements.select_related(
                "tranche__commitment__recipient"
            ).order_by("tranche_id"),
            "may_approve": manages_fund(access)
            and obj.status == "prepared"
            and obj.prepared_by_id != self.request.user.pk,
            "position": selectors.fund_position(obj.fund),
        }


class RunApprove(TransitionView[PaymentRun]):
    permission = staticmethod(manages_fund)
    selector = staticmethod(selectors.payment_run_list)

    def perform(self, obj: PaymentRun, data: dict[str, Any]) -> str:
        services.payment_run_approve(actor=self.request.user, run=obj)
        return _("Payment run approved and executed.")

    def back_url(self, obj: PaymentRun) -> str:
        return reverse("funds:run_detail", args=[obj.pk])


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


class StatementLineResolve(TransitionView[StatementLine]):
    permission = staticmethod(manages_fund)
    selector = staticmethod(reconciliation.line_list)

    def perform(self, obj: StatementLine, data: dict[str, Any]) -> str:
        reconciliation.statement_line_resolve(
            actor=self.request.user, line=obj, resolution=self.request.POST.get("resolution", "")
        )
        return ""  # the page shows the line resolved

    def back_url(self, obj: StatementLine) -> str:
        return reverse("funds:statement_list", args=[obj.statement.fund_id])


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
