"""Reads of the commissioners app, restricted to the reader (rules in permissions.py)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from chainlead.accounts.access import access_for
from chainlead.accounts.choices import Role
from chainlead.accounts.types import Reader
from chainlead.commissioners.choices import Decision
from chainlead.commissioners.models import (
    Assignment,
    Commissioner,
    MatchingRun,
    ProposedPair,
    ServiceLog,
    active_on,
)
from chainlead.commissioners.permissions import (
    reads_commissioners_city_wide,
    reads_matchings,
)


def commissioner_list(*, user: Reader) -> QuerySet[Commissioner]:
    """City-wide readers see all; district officials those of their districts; a commissioner
    themselves; an enterprise user those stationed with their firm (now or before)."""
    access = access_for(user)
    qs = Commissioner.objects.select_related("district", "user")
    if reads_commissioners_city_wide(access):
        return qs
    scope = Q(pk__in=[])
    if access.has(Role.DISTRICT_OFFICIAL) and access.district_ids:
        scope |= Q(district_id__in=access.district_ids)
    if access.has(Role.COMMISSIONER) and access.user_id is not None:
        scope |= Q(user_id=access.user_id)
    if access.enterprise_ids:
        scope |= Q(assignments__enterprise_id__in=access.enterprise_ids)
    return qs.filter(scope).distinct()


def commissioner_get(*, user: Reader, pk: int) -> Commissioner:
    return commissioner_list(user=user).get(pk=pk)


def assignment_list(*, user: Reader) -> QuerySet[Assignment]:
    """Stations the reader may see: all for city-wide readers; a district official's district;
    a commissioner's own; an enterprise user's firm's."""
    access = access_for(user)
    qs = Assignment.objects.select_related(
        "commissioner", "enterprise", "enterprise__district", "approved_by"
    )
    if reads_commissioners_city_wide(access):
        return qs
    scope = Q(pk__in=[])
    if access.has(Role.DISTRICT_OFFICIAL) and access.district_ids:
        scope |= Q(enterprise__district_id__in=access.district_ids)
    if access.has(Role.COMMISSIONER) and access.user_id is not None:
        scope |= Q(commissioner__user_id=access.user_id)
    if access.enterprise_ids:
        scope |= Q(enterprise_id__in=access.enterprise_ids)
    return qs.filter(scope)


def assignment_get(*, user: Reader, pk: int) -> Assignment:
    return assignment_list(user=user).get(pk=pk)


def active_assignments(*, user: Reader, today: dt.date) -> QuerySet[Assignment]:
    return assignment_list(user=user).filter(active_on(today))


def log_list(*, user: Reader) -> QuerySet[ServiceLog]:
    return ServiceLog.objects.select_related(
        "assignment", "assignment__commissioner", "assignment__enterprise"
    ).filter(assignment__in=assignment_list(user=user).values("pk"))


def log_get(*, user: Reader, pk: int) -> ServiceLog:
    return log_list(user=user).get(pk=pk)


def run_list(*, user: Reader) -> QuerySet[MatchingRun]:
    if not reads_matchings(access_for(user)):
        return MatchingRun.objects.none()
    return MatchingRun.objects.select_related("district", "created_by")


def run_get(*, user: Reader, pk: int) -> MatchingRun:
    return run_list(user=user).get(pk=pk)


def pair_list(*, run: MatchingRun, decision: str = "") -> QuerySet[ProposedPair]:
    qs = ProposedPair.objects.filter(run=run).select_related(
        "commissioner", "commissioner__district", "enterprise", "enterprise__district"
    )
    if decision in Decision.values:
        qs = qs.filter(decision=decision)
    return qs


def pair_get(*, user: Reader, pk: int) -> ProposedPair:
    runs = run_list(user=user)
    return ProposedPair.objects.select_related("run", "commissioner", "enterprise").get(
        pk=pk, run__in=runs
    )
