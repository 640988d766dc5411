"""REST API of the support fund (mounted under /api/v1/funds/).

Reads for every fund reader (auditors, district officials for their district) and firms (their
own awards); commands for finance officers, each idempotent with an `Idempotency-Key` header
or an `idempotency_key` field.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from chainlead.accounts.access import access_for
from chainlead.core.exceptions import PermissionDenied
from chainlead.funds import selectors, services
from chainlead.funds.models import Commitment, Disbursement, Entry, Fund, Tranche
from chainlead.funds.permissions import manages_fund, reads_fund, reads_fund_or_awards
from chainlead.funds.schemas import (
    CommitmentIn,
    CommitmentOut,
    DisbursementOut,
    EntryOut,
    FundOut,
    IdempotentIn,
    LineOut,
    PositionOut,
    ReverseIn,
    TrancheOut,
)
from chainlead.registry.models import Enterprise

router = Router(tags=["funds"])


def _require(request: HttpRequest, check: Any) -> None:
    if not check(access_for(request.user)):
        raise PermissionDenied("You may not do this with the fund.")


def _key(request: HttpRequest, field: str | None) -> str | None:
    return request.headers.get("Idempotency-Key") or field or None


@router.get("/funds", response=list[FundOut])
def fund_list(request: HttpRequest) -> Any:
    _require(request, reads_fund)
    return list(selectors.fund_list(user=request.user))


@router.get("/funds/{fund_id}/position", response=PositionOut)
def fund_position(request: HttpRequest, fund_id: int) -> dict[str, Any]:
    _require(request, reads_fund)
    fund: Fund = selectors.fund_get(user=request.user, pk=fund_id)
    p = selectors.fund_position(fund)
    return {
        "fund": fund,
        "appropriated": p.appropriated,
        "committed": p.committed,
        "paid": p.paid,
        "available": p.available,
        "lines": [
            LineOut(
                id=lp.line.pk,
                name=lp.line.name,
                reference=lp.line.reference,
                allocated=lp.allocated,
                committed=lp.committed,
                paid=lp.paid,
                available=lp.available,
            )
            for lp in p.lines
        ],
    }


@router.get("/funds/{fund_id}/entries", response=list[EntryOut])
def entry_list(request: HttpRequest, fund_id: int, after: int = 0, limit: int = 500) -> Any:
    """Entries in posting order, `limit` at a time after the entry id `after`."""
    _require(request, reads_fund)
    fund = selectors.fund_get(user=request.user, pk=fund_id)
    return list(
        Entry.objects.filter(fund=fund, pk__gt=after).order_by("pk")[: max(1, min(limit, 5000))]
    )


@router.get("/commitments", response=list[CommitmentOut])
def commitment_list(request: HttpRequest) -> Any:
    _require(request, reads_fund_or_awards)
    return list(selectors.commitment_list(user=request.user).order_by("pk")[:1000])


@router.get("/commitments/{commitment_id}", response=CommitmentOut)
def commitment_detail(request: HttpRequest, commitment_id: int) -> Commitment:
    _require(request, reads_fund_or_awards)
    return selectors.commitment_list(user=request.user).get(pk=commitment_id)


@router.get("/tranches", response=list[TrancheOut])
def tranche_list(request: HttpRequest, status: str = "") -> Any:
    _require(request, reads_fund_or_awards)
    tranches = selectors.tranche_list(user=request.user).order_by("due_on", "pk")
    if status:
        tranches = tranches.filter(status=status)
    return list(tranches[:1000])


@router.post("/commitments", response={201: CommitmentOut})
def commitment_create(request: HttpRequest, payload: CommitmentIn) -> Status[Commitment]:
    _require(request, manages_fund)
    line = selectors.account_get(user=request.user, pk=payload.line)
    commitment = services.commitment_create(
        actor=request.user,
        line=line,
        recipient_enterprise=Enterprise.objects.get(pk=payload.recipient),
        amount=payload.amount,
        reference=payload.reference,
        idempotency_key=_key(request, payload.idempotency_key),
    )
    return Status(201, commitment)


@router.post("/tranches/{tranche_id}/approve", response=TrancheOut)
def tranche_approve(request: HttpRequest, tranche_id: int) -> Tranche:
    _require(request, manages_fund)
    tranche = selectors.tranche_list(user=request.user).get(pk=tranche_id)
    if tranche.status == "approved" and tranche.approved_by_id == request.user.pk:
        return tranche  # a retried approval by the same official: already done
    return services.tranche_approve(actor=request.user, tranche=tranche)


@router.post("/tranches/{tranche_id}/disburse", response=DisbursementOut)
def tranche_disburse(request: HttpRequest, tranche_id: int, payload: IdempotentIn) -> Disbursement:
    _require(request, manages_fund)
    tranche = selectors.tranche_list(user=request.user).get(pk=tranche_id)
    return services.tranche_disburse(
        actor=request.user,
        tranche=tranche,
        idempotency_key=_key(request, payload.idempotency_key),
    )


@router.post("/entries/{entry_id}/reverse", response={201: EntryOut})
def entry_reverse(request: HttpRequest, entry_id: int, payload: ReverseIn) -> Status[Entry]:
    _require(request, manages_fund)
    entry = selectors.entry_list(user=request.user).get(pk=entry_id)
    mirror = services.entry_reverse(
        actor=request.user,
        entry=entry,
        reason=payload.reason,
        idempotency_key=_key(request, payload.idempotency_key),
    )
    return Status(201, mirror)
