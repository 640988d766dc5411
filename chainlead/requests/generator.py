"""Synthetic requests for benchmarks and demonstrations (`chainlead generate-requests`).

Uses the firms and chains already in the database (creating a few synthetic ones when there are
none), a department per category with its routing rule, and a task force and leader per chain,
so that escalation has someone to notify. Rows are bulk-inserted: no timeline rows, no audit
entries, no notifications (generated data is not history). Seeded: the same seed gives the
same requests.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from chainlead.core.db import refresh_planner_statistics
from chainlead.core.models import DataVersion
from chainlead.requests.calendar import WorkCalendar
from chainlead.requests.choices import Category, Channel, Status
from chainlead.requests.constants import DEFAULT_WORKING_DAYS
from chainlead.requests.models import Department, EnterpriseRequest, RoutingRule

TITLES = {
    Category.PERMITS: ["食品经营许可证变更", "施工许可办理慢", "环评审批进度"],
    Category.TALENT_HOUSING: ["人才公寓申请", "子女入学咨询", "博士后工作站申报"],
    Category.FINANCE: ["首贷难", "研发费用加计扣除", "政策性担保"],
    Category.LAND_SPACE: ["厂房扩租", "算力中心用地指标", "研发楼装修审批"],
    Category.SUPPLY_CHAIN: ["芯片供应紧张", "本地配套供应商对接", "物流中断"],
    Category.MARKET_ACCESS: ["首台套认定", "政府采购准入", "出口资质"],
    Category.DAILY_OPERATIONS: ["园区停车难", "员工食堂", "通勤班车"],
    Category.OTHER: ["其他诉求"],
}
BATCH = 5000


def _setup() -> tuple[list[int], list[int]]:
    from chainlead.accounts.choices import Role
    from chainlead.accounts.models import RoleGrant, User
    from chainlead.chains.models import Chain
    from chainlead.registry.choices import DataProvenance
    from chainlead.registry.models import Enterprise

    firm_ids = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True)[:20000])
    if not firm_ids:
        Enterprise.objects.bulk_create(
            Enterprise(name=f"诉求样例企业{i:03d}", provenance=DataProvenance.SYNTHETIC)
            for i in range(50)
        )
        firm_ids = list(Enterprise.objects.values_list("pk", flat=True))
    chains = list(Chain.objects.order_by("pk"))
    if not chains:
        chains = [
            Chain.objects.create(slug=f"generated-{i}", name=f"样例产业链{i}") for i in range(3)
        ]
    for chain in chains:
        for role, count in ((Role.TASK_FORCE, 2), (Role.CHAIN_LEADER, 1)):
            if RoleGrant.objects.filter(role=role, chain=chain).exists():
                continue
            for i in range(count):
                user, _ = User.objects.get_or_create(username=f"gen_{role}_{chain.pk}_{i}")
                RoleGrant.objects.create(user=user, role=role, chain=chain)
    for category in Category:
        department, _ = Department.objects.get_or_create(name=f"样例部门·{category.label}")
        if not RoutingRule.objects.filter(category=category).exists():
            RoutingRule.objects.create(category=category, department=department)
    return firm_ids, [c.pk for c in chains]


def generate_requests(
    n: int,
    *,
    seed: int,
    open_share: float = 0.7,
    days: int = 120,
    now: dt.datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Insert `n` requests raised over the last `days` days; `open_share` of them still open."""
    rng = random.Random(seed)  # noqa: S311  (synthetic data, seeded on purpose)
    now = now or timezone.now()
    cal = WorkCalendar.load()
    with transaction.atomic():
        firm_ids, chain_ids = _setup()
    routes = dict(
        RoutingRule.objects.filter(chain=None, district=None).values_list(
            "category", "department_id"
        )
    )
    deadlines: dict[tuple[dt.date, int], tuple[dt.date, str]] = {}
    categories = list(Category)
    created = 0
    while created < n:
        rows = []
        for _ in range(min(BATCH, n - created)):
            category = rng.choice(categories)
            raised = now - dt.timedelta(days=rng.uniform(0, days))
            limit = DEFAULT_WORKING_DAYS[category]
            key = (timezone.localdate(raised), limit)
            if key not in deadlines:
                d = cal.add_working_days(*key)
                deadlines[key] = (d.date, ",".join(map(str, d.unknown_years)))
            deadline, unknown = deadlines[key]
            is_open = rng.random() < open_share
            status = (
                rng.choice([Status.RAISED, Status.ACCEPTED, Status.IN_PROGRESS])
                if is_open
                else (Status.CONFIRMED if rng.random() < 0.6 else Status.RESOLVED)
            )
            resolved_at = None
            days_to_close = None
            if not is_open:
                days_to_close = max(1, int(rng.gauss(limit * 0.8, limit * 0.4)))
                resolved_at = min(now, raised + dt.timedelta(days=days_to_close * 1.4))
            rows.append(
                EnterpriseRequest(
                    enterprise_id=rng.choice(firm_ids),
                    chain_id=rng.choice(chain_ids) if rng.random() < 0.9 else None,
                    category=category,
                    title=rng.choice(TITLES[category]),
                    description="（生成的样例诉求）",
                    channel=rng.choice(list(Channel)),
                    status=status,
                    department_id=routes.get(category),
                    raised_at=raised,
                    resolved_at=resolved_at,
                    confirmed_at=resolved_at if status == Status.CONFIRMED else None,
                    rating=rng.choice([3, 4, 4, 5, 5]) if status == Status.CONFIRMED else None,
                    resolution="已办结" if resolved_at else "",
                    days_to_close=days_to_close,
                    working_days_limit=limit,
                    deadline=deadline,
                    deadline_unknown_years=unknown,
                )
            )
        EnterpriseRequest.objects.bulk_create(rows, batch_size=1000)
        DataVersion.bump("requests")  # bulk inserts send no signals
        created += len(rows)
        if progress is not None:
            progress(len(rows))
    refresh_planner_statistics(EnterpriseRequest)
    return created
