"""Reads of the support fund, restricted to the reader."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypedDict

from django.conf import settings
from django.db.models import QuerySet, Sum

from chainlead.accounts.access import access_for
from chainlead.accounts.types import Reader
from chainlead.funds.choices import AccountKind, DisbursementStatus, TrancheStatus
from chainlead.funds.constants import DEFAULT_MIN_SUPPORT_SHARE, MIN_SUPPORT_SHARE_SOURCE
from chainlead.funds.models import (
    Account,
    Commitment,
    Disbursement,
    Entry,
    FiscalExpenditure,
    Fund,
    PaymentRun,
    Tranche,
)
from chainlead.funds.permissions import commitment_condition, fund_condition

ZERO = Decimal("0.00")


def fund_list(*, user: Reader) -> QuerySet[Fund]:
    condition = fund_condition(access_for(user))
    if condition is None:
        return Fund.objects.none()
    return Fund.objects.filter(condition).select_related("district")


def fund_get(*, user: Reader, pk: int) -> Fund:
    return fund_list(user=user).get(pk=pk)


def commitment_list(*, user: Reader) -> QuerySet[Commitment]:
    condition = commitment_condition(access_for(user))
    if condition is None:
        return Commitment.objects.none()
    return Commitment.objects.filter(condition).select_related(
        "fund", "recipient", "line", "account", "paid_account"
    )


def tranche_list(*, user: Reader) -> QuerySet[Tranche]:
    return Tranche.objects.filter(commitment__in=commitment_list(user=user)).select_related(
        "commitment__recipient", "commitment__fund", "created_by", "approved_by"
    )


def tranches_due(*, user: Reader, today: dt.date) -> QuerySet[Tranche]:
    """Approved, unpaid tranches due on or before `today`."""
    return tranche_list(user=user).filter(status=TrancheStatus.APPROVED, due_on__lte=today)


def entry_list(*, user: Reader) -> QuerySet[Entry]:
    return Entry.objects.filter(fund__in=fund_list(user=user)).select_related(
        "debit_account", "credit_account", "created_by"
    )


def account_list(*, user: Reader) -> QuerySet[Account]:
    return Account.objects.filter(fund__in=fund_list(user=user)).select_related("fund")


def account_get(*, user: Reader, pk: int) -> Account:
    return account_list(user=user).get(pk=pk)


def payment_run_list(*, user: Reader) -> QuerySet[PaymentRun]:
    return PaymentRun.objects.filter(fund__in=fund_list(user=user)).select_related(
        "fund", "prepared_by", "approved_by"
    )


def disbursements_held(*, user: Reader) -> QuerySet[Disbursement]:
    return Disbursement.objects.filter(
        tranche__commitment__in=commitment_list(user=user), status=DisbursementStatus.HELD
    ).select_related("tranche__commitment__recipient")


@dataclass(frozen=True)
class LinePosition:
    line: Account
    allocated: Decimal
    committed: Decimal
    paid: Decimal
    available: Decimal


@dataclass(frozen=True)
class FundPosition:
    fund: Fund
    appropriated: Decimal
    allocated: Decimal
    committed: Decimal
    paid: Decimal
    available: Decimal  # appropriated − committed (what can still be awarded)
    lines: list[LinePosition]


def fund_position(fund: Fund) -> FundPosition:
    """Appropriated, committed, paid and available, per fund and per line, from the cached
    account balances (which `fund check` proves equal to the entries). Per line: available =
    the line's balance; paid = its commitments' paid accounts (net of reversals and
    clawbacks); committed = paid + what the commitments still owe."""
    accounts = list(Account.objects.filter(fund=fund).order_by("pk"))
    balances: dict[str, Decimal] = {}
    for account in accounts:
        balances[account.kind] = balances.get(account.kind, ZERO) + account.balance
    per_line = {
        row["line_id"]: row
        for row in Commitment.objects.filter(fund=fund)
        .values("line_id")
        .annotate(
            owed_in=Sum("account__credits_posted"),
            owed_out=Sum("account__debits_posted"),
            paid_in=Sum("paid_account__credits_posted"),
            paid_out=Sum("paid_account__debits_posted"),
        )
    }
    lines = []
    for line in (a for a in accounts if a.kind == AccountKind.BUDGET_LINE):
        # Any: the stubs type an annotated Sum() as Any; each is a Decimal or None.
        row: Mapping[str, Any] = per_line.get(line.pk, {})
        owed = (row.get("owed_in") or ZERO) - (row.get("owed_out") or ZERO)
        paid = (row.get("paid_in") or ZERO) - (row.get("paid_out") or ZERO)
        lines.append(
            LinePosition(
                line=line,
                allocated=line.balance + owed + paid,
                committed=owed + paid,
                paid=paid,
                available=line.balance,
            )
        )
    committed = sum((lp.committed for lp in lines), ZERO)
    return FundPosition(
        fund=fund,
        appropriated=-balances.get(AccountKind.TREASURY, ZERO),
        allocated=sum((lp.allocated for lp in lines), ZERO),
        committed=committed,
        paid=sum((lp.paid for lp in lines), ZERO),
        available=balances.get(AccountKind.APPROPRIATION, ZERO)
        + sum((lp.available for lp in lines), ZERO),
        lines=lines,
    )


@dataclass(frozen=True)
class RecipientPosition:
    recipient_id: int
    name: str
    awarded: Decimal
    paid: Decimal


def recipient_positions(commitments: QuerySet[Commitment]) -> list[RecipientPosition]:
    """Per firm: awarded (still owed + paid) and paid, net of releases and reversals."""
    rows = (
        commitments.values("recipient_id", "recipient__name")
        .annotate(
            owed_in=Sum("account__credits_posted"),
            owed_out=Sum("account__debits_posted"),
            paid_in=Sum("paid_account__credits_posted"),
            paid_out=Sum("paid_account__debits_posted"),
        )
        .order_by("recipient__name")
    )
    result = []
    for row in rows:
        owed = (row["owed_in"] or ZERO) - (row["owed_out"] or ZERO)
        paid = (row["paid_in"] or ZERO) - (row["paid_out"] or ZERO)
        result.append(
            RecipientPosition(row["recipient_id"], row["recipient__name"], owed + paid, paid)
        )
    return result


def min_support_share() -> Decimal:
    configured = getattr(settings, "CHAINLEAD_FUND_MIN_SHARE", None)
    return Decimal(str(configured)) if configured is not None else DEFAULT_MIN_SUPPORT_SHARE


@dataclass(frozen=True)
class ShareFigure:
    """The ≥15% rule for one district (None: the city) and fiscal year."""

    district_id: int | None
    district_name: str
    fiscal_year: int
    expenditure: Decimal
    expenditure_source: str
    expenditure_synthetic: bool
    appropriated: Decimal
    share: Decimal
    minimum: Decimal
    source: str

    @property
    def below_minimum(self) -> bool:
        return self.share < self.minimum

    @property
    def share_percent(self) -> Decimal:
        return (self.share * 100).quantize(Decimal("0.1"))

    @property
    def minimum_percent(self) -> Decimal:
        return (self.minimum * 100).quantize(Decimal("0.1"))


def support_shares(*, district_ids: set[int] | None = None) -> list[ShareFigure]:
    """Per district and fiscal year with an expenditure entered: appropriation ÷ expenditure."""
    minimum = min_support_share()
    expenditures = FiscalExpenditure.objects.select_related("district")
    if district_ids is not None:
        expenditures = expenditures.filter(district_id__in=district_ids)
    appropriations: dict[tuple[int | None, int], Decimal] = {
        (row["fund__district_id"], row["fund__fiscal_year"]): row["total"] or ZERO
        for row in Account.objects.filter(kind=AccountKind.APPROPRIATION)
        .values("fund__district_id", "fund__fiscal_year")
        .annotate(total=Sum("credits_posted"))
    }
    figures = []
    for e in expenditures:
        appropriated = appropriations.get((e.district_id, e.fiscal_year), ZERO)
        share = appropriated / e.amount if e.amount else ZERO
        figures.append(
            ShareFigure(
                district_id=e.district_id,
                district_name=e.district.name if e.district else settings.CHAINLEAD_CITY_NAME,
                fiscal_year=e.fiscal_year,
                expenditure=e.amount,
                expenditure_source=e.source,
                expenditure_synthetic=e.provenance == "synthetic",
                appropriated=appropriated,
                share=share,
                minimum=minimum,
                source=MIN_SUPPORT_SHARE_SOURCE,
            )
        )
    return figures


def share_warnings() -> list[ShareFigure]:
    return [f for f in support_shares() if f.below_minimum]


class ApprovalsWaiting(TypedDict):
    tranches: QuerySet[Tranche]
    runs: QuerySet[PaymentRun]


def approvals_waiting(*, user: Reader) -> ApprovalsWaiting:
    """What awaits a second pair of eyes: planned tranches and prepared runs by others."""
    if not user.is_authenticated:
        return {"tranches": Tranche.objects.none(), "runs": PaymentRun.objects.none()}
    return {
        "tranches": tranche_list(user=user)
        .filter(status=TrancheStatus.PLANNED)
        .exclude(created_by=user),
        "runs": payment_run_list(user=user).filter(status="prepared").exclude(prepared_by=user),
    }
