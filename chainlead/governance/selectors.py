"""Reads of chain governance, restricted to the user.

City admins and auditors read every chain; a chain leader and the task force read their chain;
everybody else reads nothing (DOMAIN.md §1).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django.core.cache import cache
from django.db.models import Aggregate, Count, FilteredRelation, Model, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from chainlead.accounts.access import access_for
from chainlead.accounts.types import Reader
from chainlead.chains.choices import ReviewStatus
from chainlead.chains.models import Chain, Membership, Segment
from chainlead.core.exceptions import PermissionDenied
from chainlead.core.models import DataVersion
from chainlead.governance.choices import (
    ActionStatus,
    ActualSource,
    Indicator,
    PlanStatus,
)
from chainlead.governance.constants import (
    INDICATOR_ORDER,
    INDICATOR_SOURCES,
    INDICATOR_UNITS,
    WAN_PER_YI,
)
from chainlead.governance.models import (
    ActionItem,
    ActualEntry,
    ChainLeader,
    Decision,
    Meeting,
    Milestone,
    PackageItem,
    PolicyItem,
    Target,
    TaskForceMember,
    WorkPlan,
)
from chainlead.registry.choices import Origin
from chainlead.registry.models import Enterprise

# --- scope ------------------------------------------------------------------------------------


def readable_chain_ids(user: Reader) -> frozenset[int] | None:
    """The chains whose governance `user` may read; None means all of them."""
    access = access_for(user)
    if access.reads_everything:
        return None
    return access.chain_ids


def reads_governance(user: Reader) -> bool:
    ids = readable_chain_ids(user)
    return ids is None or bool(ids)


M = TypeVar("M", bound=Model)


def _restrict(qs: QuerySet[M], user: Reader, path: str = "chain_id") -> QuerySet[M]:
    ids = readable_chain_ids(user)
    if ids is None:
        return qs
    return qs.filter(**{f"{path}__in": ids})


def governed_chains(*, user: Reader) -> QuerySet[Chain]:
    ids = readable_chain_ids(user)
    qs = Chain.objects.all()
    return qs if ids is None else qs.filter(pk__in=ids)


def governed_chain_get(*, user: Reader, slug: str) -> Chain:
    """The chain, or PermissionDenied when the user may not read its governance."""
    chain = Chain.objects.get(slug=slug)
    ids = readable_chain_ids(user)
    if ids is not None and chain.pk not in ids:
        raise PermissionDenied(_("You may not see this chain's governance."))
    return chain


def plan_list(*, user: Reader, chain: Chain | None = None) -> QuerySet[WorkPlan]:
    qs = _restrict(WorkPlan.objects.select_related("chain", "approved_by"), user)
    return qs.filter(chain=chain) if chain is not None else qs


def plan_get(*, user: Reader, pk: int) -> WorkPlan:
    return plan_list(user=user).get(pk=pk)


def target_list(*, user: Reader, plan: WorkPlan | None = None) -> QuerySet[Target]:
    qs = _restrict(Target.objects.select_related("plan__chain"), user, "plan__chain_id")
    return qs.filter(plan=plan) if plan is not None else qs


def meeting_list(*, user: Reader, chain: Chain | None = None) -> QuerySet[Meeting]:
    qs = _restrict(Meeting.objects.select_related("chain"), user).annotate(
        decision_count=Count("decisions", distinct=True),
        action_count=Count("action_items", distinct=True),
    )
    return qs.filter(chain=chain) if chain is not None else qs


def meeting_get(*, user: Reader, pk: int) -> Meeting:
    return (
        _restrict(Meeting.objects.select_related("chain", "created_by"), user)
        .prefetch_related(
            "attendees",
            "decisions",
            Prefetch("action_items", queryset=ActionItem.objects.select_related("owner")),
        )
        .get(pk=pk)
    )


def action_item_list(*, user: Reader, chain: Chain | None = None) -> QuerySet[ActionItem]:
    qs = _restrict(ActionItem.objects.select_related("chain", "owner", "meeting"), user)
    return qs.filter(chain=chain) if chain is not None else qs


def action_item_get(*, user: Reader, pk: int) -> ActionItem:
    access = access_for(user)
    qs = ActionItem.objects.select_related("chain", "owner", "meeting")
    ids = readable_chain_ids(user)
    if ids is not None:
        qs = qs.filter(Q(chain_id__in=ids) | Q(owner_id=access.user_id))
    return qs.get(pk=pk)


def policy_list(*, user: Reader, counted: bool = True) -> QuerySet[PolicyItem]:
    """Policies are public documents; anyone who reads some chain's governance reads them all.
    `counted`: with their `chain_count` (a join and a GROUP BY the search does without)."""
    if not reads_governance(user):
        return PolicyItem.objects.none()
    if not counted:
        return PolicyItem.objects.all()
    return PolicyItem.objects.annotate(chain_count=Count("package_items"))


def policy_get(*, user: Reader, pk: int) -> PolicyItem:
    return policy_list(user=user).prefetch_related("package_items__chain").get(pk=pk)


def package_items(*, user: Reader, chain: Chain) -> QuerySet[PackageItem]:
    return _restrict(PackageItem.objects.select_related("policy"), user).filter(chain=chain)


def task_force(*, chain: Chain) -> QuerySet[TaskForceMember]:
    return TaskForceMember.objects.filter(chain=chain).select_related("user")


# --- the five ones ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FiveOnes:
    """Which of the "five ones" (五个一) a chain has for `year`."""

    leader: bool
    chain: bool
    task_force: bool
    work_plan: bool
    policy_package: bool
    year: int
    leader_name: str = ""
    task_force_size: int = 0
    plan_status: str = ""
    policy_count: int = 0

    @property
    def complete(self) -> bool:
        return all((self.leader, self.chain, self.task_force, self.work_plan, self.policy_package))

    @property
    def missing(self) -> list[str]:
        names = {
            "leader": _("chain leader"),
            "chain": _("chain map"),
            "task_force": _("task force"),
            "work_plan": _("work plan"),
            "policy_package": _("policy package"),
        }
        return [str(label) for key, label in names.items() if not getattr(self, key)]

    @property
    def present_count(self) -> int:
        return 5 - len(self.missing)

    @property
    def items(self) -> list[tuple[str, bool, str]]:
        """(label, present, detail) in the order the city reports them."""
        return [
            (_("One chain leader"), self.leader, self.leader_name),
            (_("One chain map"), self.chain, ""),
            (
                _("One task force"),
                self.task_force,
                _("%(n)s members") % {"n": self.task_force_size} if self.task_force else "",
            ),
            (
                _("One work plan"),
                self.work_plan,
                str(PlanStatus(self.plan_status).label) if self.plan_status else "",
            ),
            (
                _("One policy package"),
                self.policy_package,
                _("%(n)s policy items") % {"n": self.policy_count} if self.policy_package else "",
            ),
        ]


def five_ones_many(chains: list[Chain], *, year: int | None = None) -> dict[int, FiveOnes]:
    """The five ones of many chains in five grouped queries."""
    year = year or timezone.localdate().year
    ids = [c.pk for c in chains]
    leaders = {
        row.chain_id: str(row.user)
        for row in ChainLeader.objects.filter(chain_id__in=ids).select_related("user")
    }
    segments = dict(
        Segment.objects.filter(chain_id__in=ids)
        .values("chain_id")
        .annotate(n=Count("id"))
        .values_list("chain_id", "n")
    )
    members = dict(
        TaskForceMember.objects.filter(chain_id__in=ids)
        .values("chain_id")
        .annotate(n=Count("id"))
        .values_list("chain_id", "n")
    )
    plans = dict(
        WorkPlan.objects.filter(chain_id__in=ids, year=year)
        .exclude(status=PlanStatus.ARCHIVED)
        .values_list("chain_id", "status")
    )
    policies = dict(
        PackageItem.objects.filter(chain_id__in=ids)
        .values("chain_id")
        .annotate(n=Count("id"))
        .values_list("chain_id", "n")
    )
    return {
        c.pk: FiveOnes(
            leader=c.pk in leaders,
            chain=segments.get(c.pk, 0) > 0,
            task_force=members.get(c.pk, 0) > 0,
            work_plan=c.pk in plans,
            policy_package=policies.get(c.pk, 0) > 0,
            year=year,
            leader_name=leaders.get(c.pk, ""),
            task_force_size=members.get(c.pk, 0),
            plan_status=plans.get(c.pk, ""),
            policy_count=policies.get(c.pk, 0),
        )
        for c in chains
    }


def five_ones_cached(chain_ids: Iterable[int]) -> dict[int, FiveOnes]:
    """This year's five ones of many chains, cached until a leader, task force, plan, package
    or segment changes (the governance and chains data versions) or the year turns."""
    ids = sorted(chain_ids)
    if not ids:
        return {}
    versions = DataVersion.objects.filter(key__in=["governance", "chains"]).values_list(
        "key", "version"
    )
    key = "fiveones:{}:{}:{}".format(
        ",".join(map(str, ids)),
        ".".join(f"{k}{v}" for k, v in sorted(versions)),
        timezone.localdate().year,
    )
    result: dict[int, FiveOnes] | None = cache.get(key)
    if result is None:
        result = five_ones_many(list(Chain.objects.filter(pk__in=ids)))
        cache.set(key, result, 600)
    return result


def five_ones(chain: Chain, *, year: int | None = None) -> FiveOnes:
    """Which of the five ones `chain` has: a leader, segments (its map), a task force, an active
    work plan for `year` (default this year) and at least one item in its policy package."""
    return five_ones_many([chain], year=year)[chain.pk]


# --- targets vs actuals -----------------------------------------------------------------------


@dataclass
class Actual:
    """An actual figure with where it comes from and how much of the chain it covers."""

    value: Decimal | None
    source: str
    coverage: str = ""
    firms_total: int = 0
    firms_covered: int = 0
    as_of: dt.date | None = None

    @property
    def source_label(self) -> str:
        return str(ActualSource(self.source).label)


@dataclass
class Progress:
    indicator: str
    label: str
    unit: str
    target: Decimal | None
    actual: Actual
    note: str = ""

    @property
    def percent(self) -> float | None:
        if self.target is None or self.actual.value is None or self.target == 0:
            return None
        return float(self.actual.value / self.target * 100)

    @property
    def bar_percent(self) -> float:
        return min(100.0, self.percent or 0.0)


def _chain_firm_ids(chain: Chain) -> QuerySet[Membership, Any]:  # rows of enterprise_id
    return Membership.objects.filter(
        segment__chain=chain, review_status=ReviewStatus.ACCEPTED
    ).values("enterprise_id")


def _money_actual(row: dict[str, Any], field_name: str, year: int, total: int) -> Actual:
    """A 万元 field summed over the chain's firms, in 亿元: the firm's yearly indicator for `year`
    where it has one, else its latest registry figure. Coverage says how many firms had either."""
    n_year, n_latest = row[f"{field_name}_year_n"], row[f"{field_name}_latest_n"]
    covered = n_year + n_latest
    wan = Decimal(row[f"{field_name}_year"] or 0) + Decimal(row[f"{field_name}_latest"] or 0)
    value = (wan / WAN_PER_YI).quantize(Decimal("0.01")) if covered else None
    coverage = _(
        "%(covered)s of %(total)s firms report it (%(year_n)s from %(year)s indicators, "
        "%(latest_n)s from their latest registry figure)"
    ) % {
        "covered": covered,
        "total": total,
        "year_n": n_year,
        "year": year,
        "latest_n": n_latest,
    }
    return Actual(
        value=value,
        source=ActualSource.REGISTRY,
        coverage=coverage,
        firms_total=total,
        firms_covered=covered,
    )


def _money_sums(field_name: str) -> dict[str, Aggregate]:
    """Sum and count a 万元 field from the `year` indicator where it gives it, else from the firm.

    Over firms left-joined to their `yearly` indicator (at most one row: one per firm and year).
    """
    from_firm = Q(**{f"yearly__{field_name}__isnull": True})
    return {
        f"{field_name}_year": Sum(f"yearly__{field_name}"),
        f"{field_name}_year_n": Count(f"yearly__{field_name}"),
        f"{field_name}_latest": Sum(field_name, filter=from_firm),
        f"{field_name}_latest_n": Count(field_name, filter=from_firm),
    }


def registry_actuals(chain: Chain, *, year: int, as_of: dt.date | None = None) -> dict[str, Actual]:
    """What the registry says for the indicators it can give (constants.INDICATOR_SOURCES).

    - firms above designated size: the chain's accepted-membership firms marked 规上;
    - output value: their operating revenue (营业收入), the nearest figure the registry has;
    - R&D spend: their R&D spend;
    - firms recruited: attracted firms of the chain that landed in `year` (up to `as_of`).
    """
    end = min(as_of, dt.date(year, 12, 31)) if as_of else dt.date(year, 12, 31)
    attracted = Q(origin=Origin.ATTRACTED)
    # Every figure in one pass over the chain's firms (seven separate scans cost ~0.5 s on a
    # 150,000-firm registry), each firm joined to its indicator of `year` if it has one.
    row = (
        Enterprise.objects.filter(pk__in=_chain_firm_ids(chain))
        .annotate(yearly=FilteredRelation("indicators", condition=Q(indicators__year=year)))
        .aggregate(
            total=Count("pk"),
            above=Count("pk", filter=Q(above_designated_size=True)),
            known_size=Count("pk", filter=Q(above_designated_size__isnull=False)),
            recruited=Count(
                "pk",
                filter=attracted & Q(landed_on__gte=dt.date(year, 1, 1), landed_on__lte=end),
            ),
            attracted_total=Count("pk", filter=attracted),
            attracted_undated=Count("pk", filter=attracted & Q(landed_on__isnull=True)),
            **_money_sums("revenue"),
            **_money_sums("rd_spend"),
        )
    )
    total, known_size = row["total"], row["known_size"]
    attracted_total, attracted_undated = row["attracted_total"], row["attracted_undated"]
    return {
        Indicator.ABOVE_SIZE_FIRMS: Actual(
            value=Decimal(row["above"]),
            source=ActualSource.REGISTRY,
            coverage=_("%(known)s of %(total)s firms have a size flag")
            % {"known": known_size, "total": total},
            firms_total=total,
            firms_covered=known_size,
        ),
        Indicator.OUTPUT_VALUE: _money_actual(row, "revenue", year, total),
        Indicator.RD_SPEND: _money_actual(row, "rd_spend", year, total),
        Indicator.FIRMS_RECRUITED: Actual(
            value=Decimal(row["recruited"]),
            source=ActualSource.REGISTRY,
            coverage=_("%(undated)s of %(attracted)s attracted firms have no landing date")
            % {"undated": attracted_undated, "attracted": attracted_total},
            firms_total=attracted_total,
            firms_covered=attracted_total - attracted_undated,
        ),
    }


def entered_actual(target: Target, *, as_of: dt.date | None = None) -> Actual:
    entries = ActualEntry.objects.filter(target=target)
    if as_of is not None:
        entries = entries.filter(as_of__lte=as_of)
    entry = entries.order_by("-as_of", "-id").first()
    if entry is None:
        return Actual(value=None, source=ActualSource.ENTERED, coverage=_("not entered yet"))
    return Actual(
        value=entry.value,
        source=ActualSource.ENTERED,
        coverage=_("entered: %(source)s") % {"source": entry.source},
        as_of=entry.as_of,
    )


def plan_progress(plan: WorkPlan, *, as_of: dt.date | None = None) -> list[Progress]:
    """Every indicator of the plan's year: its target (if set) against its actual."""
    targets = {t.indicator: t for t in plan.targets.all()}
    derived = registry_actuals(plan.chain, year=plan.year, as_of=as_of)
    rows = []
    for indicator in INDICATOR_ORDER:
        target = targets.get(indicator)
        if INDICATOR_SOURCES[indicator] == ActualSource.REGISTRY:
            actual = derived[indicator]
        elif target is not None:
            actual = entered_actual(target, as_of=as_of)
        else:
            actual = Actual(value=None, source=ActualSource.ENTERED, coverage=_("no target"))
        rows.append(
            Progress(
                indicator=indicator,
                label=str(Indicator(indicator).label),
                unit=str(INDICATOR_UNITS[indicator]),
                target=target.value if target is not None else None,
                actual=actual,
                note=target.note if target is not None else "",
            )
        )
    return rows


def current_plan(chain: Chain, *, year: int) -> WorkPlan | None:
    return (
        WorkPlan.objects.filter(chain=chain, year=year)
        .exclude(status=PlanStatus.ARCHIVED)
        .select_related("chain", "approved_by")
        .prefetch_related(
            "targets", Prefetch("milestones", queryset=Milestone.objects.select_related("owner"))
        )
        .first()
    )


# --- the dashboard ----------------------------------------------------------------------------


@dataclass
class ActionFigures:
    open: int = 0
    overdue: int = 0
    done: int = 0


def action_figures(chain_ids: list[int], *, today: dt.date) -> dict[int, ActionFigures]:
    result: dict[int, ActionFigures] = defaultdict(ActionFigures)
    rows = (
        ActionItem.objects.filter(chain_id__in=chain_ids)
        .values("chain_id")
        .annotate(
            open=Count("id", filter=Q(status__in=[ActionStatus.OPEN, ActionStatus.IN_PROGRESS])),
            overdue=Count(
                "id",
                filter=Q(
                    status__in=[ActionStatus.OPEN, ActionStatus.IN_PROGRESS], deadline__lt=today
                ),
            ),
            done=Count("id", filter=Q(status=ActionStatus.DONE)),
        )
        .order_by()
    )
    for row in rows:
        result[row["chain_id"]] = ActionFigures(row["open"], row["overdue"], row["done"])
    return result


def recent_decisions(
    chain: Chain, *, limit: int, since: dt.datetime | None = None, until: dt.datetime | None = None
) -> list[Decision]:
    qs = Decision.objects.filter(meeting__chain=chain).select_related("meeting")
    if since is not None:
        qs = qs.filter(meeting__held_at__gte=since)
    if until is not None:
        qs = qs.filter(meeting__held_at__lt=until)
    return list(qs.order_by("-meeting__held_at", "-id")[:limit])


def open_action_items(chain: Chain, *, limit: int) -> list[ActionItem]:
    return list(
        ActionItem.objects.filter(
            chain=chain, status__in=[ActionStatus.OPEN, ActionStatus.IN_PROGRESS]
        )
        .select_related("owner", "meeting")
        .order_by("deadline", "id")[:limit]
    )


@dataclass
class ChainRow:
    """One chain on the city admin's side-by-side list."""

    chain: Chain
    five: FiveOnes
    actions: ActionFigures
    requests: Any = None
    extra: dict[str, Any] = field(default_factory=dict)
