"""Reads of the recruitment pipeline, restricted to the chains the user works on."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from django.db.models import QuerySet

from chainlead.accounts.access import access_for
from chainlead.accounts.types import Reader
from chainlead.recruitment.choices import PIPELINE, PromiseKind, PromiseStatus, Stage
from chainlead.recruitment.constants import AT_RISK_SHARE_OF_PACE, LEAVING_EMPLOYEE_DROP
from chainlead.recruitment.models import Promise, Target
from chainlead.registry.models import EnterpriseIndicator


def target_list(*, user: Reader) -> QuerySet[Target]:
    """Admins and auditors see every chain's targets; leaders and task forces their chain's."""
    access = access_for(user)
    qs = Target.objects.select_related("chain", "segment", "owner", "industry", "landed_enterprise")
    if access.reads_everything:
        return qs
    if access.chain_ids:
        return qs.filter(chain_id__in=access.chain_ids)
    return qs.none()


def target_board(*, user: Reader, chain_id: int | None = None) -> dict[str, list[Target]]:
    """Targets grouped by stage, in pipeline order, then the lost ones."""
    qs = target_list(user=user)
    if chain_id is not None:
        qs = qs.filter(chain_id=chain_id)
    board: dict[str, list[Target]] = {str(s): [] for s in [*PIPELINE, Stage.LOST]}
    for target in qs.order_by("name"):
        board[target.stage].append(target)
    return board


@dataclass(frozen=True)
class PromiseFollowUp:
    promise: Promise
    actual: Decimal | None
    actual_year: int | None
    status: PromiseStatus


_INDICATOR_FIELD = {
    PromiseKind.JOBS: "employees",
    PromiseKind.REVENUE: "revenue",
    PromiseKind.RD_SPEND: "rd_spend",
}


def promise_follow_up(*, target: Target, landed_year: int) -> list[PromiseFollowUp]:
    """Each promise against the landed firm's latest yearly figures.

    Before the due year the firm is judged on pace: a straight line from nothing at landing to the
    promised amount in the due year.
    """
    result: list[PromiseFollowUp] = []
    enterprise_id = _landed_enterprise_id(target)
    indicators = (
        list(EnterpriseIndicator.objects.filter(enterprise_id=enterprise_id))
        if enterprise_id
        else []
    )
    for promise in target.promises.all():
        field = _INDICATOR_FIELD.get(PromiseKind(promise.kind))
        rows = [
            (i.year, getattr(i, field))
            for i in indicators
            if field and getattr(i, field) is not None and i.year <= promise.due_year
        ]
        if not rows:
            result.append(PromiseFollowUp(promise, None, None, PromiseStatus.NO_DATA))
            continue
        year, value = max(rows)
        actual = Decimal(value)
        if year >= promise.due_year:
            status = PromiseStatus.MET if actual >= promise.amount else PromiseStatus.BEHIND
        else:
            span = max(promise.due_year - landed_year, 1)
            pace = promise.amount * Decimal(year - landed_year + 1) / Decimal(span + 1)
            if actual >= pace:
                status = PromiseStatus.ON_TRACK
            elif actual >= pace * AT_RISK_SHARE_OF_PACE:
                status = PromiseStatus.AT_RISK
            else:
                status = PromiseStatus.BEHIND
        result.append(PromiseFollowUp(promise, actual, year, status))
    return result


def _landed_enterprise_id(target: Target) -> int | None:
    # Read from the database: the caller's copy may predate the landing.
    return Target.objects.filter(pk=target.pk).values_list("landed_enterprise_id", flat=True)[0]


def may_be_leaving(*, target: Target) -> bool:
    """A landed firm whose headcount fell sharply in its latest year is flagged for a visit."""
    enterprise_id = _landed_enterprise_id(target)
    if not enterprise_id:
        return False
    # The filter drops null headcounts, which the stubs cannot see.
    rows = cast(
        list[int],
        list(
            EnterpriseIndicator.objects.filter(enterprise_id=enterprise_id, employees__isnull=False)
            .order_by("-year")
            .values_list("employees", flat=True)[:2]
        ),
    )
    if len(rows) < 2 or rows[1] == 0:
        return False
    drop = Decimal(rows[1] - rows[0]) / Decimal(rows[1])
    return drop >= LEAVING_EMPLOYEE_DROP


@dataclass(frozen=True)
class LandedWatch:
    target: Target
    follow_up: list[PromiseFollowUp]
    may_be_leaving: bool

    @property
    def flagged(self) -> bool:
        return self.may_be_leaving or any(
            f.status in (PromiseStatus.BEHIND, PromiseStatus.AT_RISK) for f in self.follow_up
        )


def landed_watch_list(*, user: Reader, chain_id: int | None = None) -> list[LandedWatch]:
    """Landed firms with their promises followed up; flagged ones (behind, leaving) first."""
    qs = target_list(user=user).filter(landed_enterprise__isnull=False).prefetch_related("promises")
    if chain_id is not None:
        qs = qs.filter(chain_id=chain_id)
    watch = []
    for target in qs:
        landed = target.landed_enterprise.landed_on if target.landed_enterprise else None
        follow = promise_follow_up(target=target, landed_year=landed.year) if landed else []
        watch.append(LandedWatch(target, follow, may_be_leaving(target=target)))
    watch.sort(key=lambda w: (not w.flagged, w.target.name))
    return watch
