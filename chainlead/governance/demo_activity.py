"""Six months of synthetic chain governance in `chainlead load-demo`: work plans with targets
and monthly actuals, milestones, task-force meetings with decisions and action items.

All of it is made up and says so: every title, note and minute carries "合成演示" (synthetic
demo), since these records have no provenance field. Written through
`chainlead.governance.services` as the demo's users (the AI chain's task force and leader exist
after the accounts' step, 900), with explicit dates. Order 945. Idempotent: a chain that already
has a plan for the year is left alone.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from chainlead.accounts.models import User
from chainlead.chains.models import Chain
from chainlead.core.plugins import DemoContext
from chainlead.governance import services
from chainlead.governance.choices import (
    ActionStatus,
    ActualSource,
    Indicator,
    MilestoneStatus,
)
from chainlead.governance.models import WorkPlan

MARK = "（合成演示）"
SEED = 20260602
MONTHS = 6
AI_CHAIN = "ai"
# Yearly targets per chain (亿元 for money, firms for counts): invented round figures.
TARGETS = {
    Indicator.OUTPUT_VALUE: Decimal(1200),
    Indicator.ABOVE_SIZE_FIRMS: Decimal(60),
    Indicator.FIXED_ASSET_INVESTMENT: Decimal(180),
    Indicator.FIRMS_RECRUITED: Decimal(12),
    Indicator.RD_SPEND: Decimal(90),
}
MILESTONES = (
    "完成产业链图谱年度更新",
    "召开链主企业供需对接会",
    "出台算力券实施细则",
    "完成重点招商目标拜访",
)
DECISIONS = (
    "加快算力中心用地审批，由市规划和自然资源局牵头",
    "组织链主企业与本地芯片企业开展供需对接",
    "对逾期诉求建立周调度机制",
    "梳理人才公寓需求清单并报市人社局",
    "推进大模型企业首台套认定",
    "筹备产业链年度推进大会",
)


@dataclass
class GovernanceDemoReport:
    plans: int = 0
    meetings: int = 0
    actions: int = 0


def _month_start(day: dt.date, back: int) -> dt.date:
    """The first day of the month `back` months before `day`'s (negative: after)."""
    months = day.year * 12 + day.month - 1 - back
    return dt.date(months // 12, months % 12 + 1, 1)


def _held_at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(14, 30)))


def _chain_activity(
    *,
    chain: Chain,
    editor: Any,
    approver: Any | None,
    owner: Any,
    now: dt.datetime,
    rng: random.Random,
    meetings: int,
    report: GovernanceDemoReport,
) -> None:
    today = timezone.localdate(now)
    plan = services.plan_create(
        actor=editor,
        chain=chain,
        year=today.year,
        title=f"{today.year}年{chain.name}产业链工作计划{MARK}",
        summary="合成演示数据：目标与实绩均为虚构，仅用于展示平台。",
    )
    report.plans += 1
    scale = Decimal(rng.choice([6, 8, 10])) / 10
    targets = {
        indicator: services.target_set(
            actor=editor,
            plan=plan,
            indicator=indicator,
            value=(value * scale).quantize(Decimal("1")),
            note=f"合成演示目标{MARK}",
        )
        for indicator, value in TARGETS.items()
    }
    # Fixed-asset investment is entered monthly (the others come from the registry).
    investment = targets[Indicator.FIXED_ASSET_INVESTMENT]
    cumulative = Decimal(0)
    for back in range(MONTHS - 1, -1, -1):
        month_end = _month_start(today, back - 1) - dt.timedelta(days=1)
        if month_end > today or month_end.year != today.year:
            continue
        cumulative += (investment.value / 12 * Decimal(rng.uniform(0.6, 1.3))).quantize(
            Decimal("0.01")
        )
        services.actual_enter(
            actor=editor,
            target=investment,
            value=cumulative,
            as_of=month_end,
            source=ActualSource.ENTERED,
        )
    for index, title in enumerate(MILESTONES):
        deadline = _month_start(today, 4 - 2 * index) + dt.timedelta(days=20)
        milestone = services.milestone_create(
            actor=editor, plan=plan, title=f"{title}{MARK}", owner=owner, deadline=deadline
        )
        if deadline < today:
            services.milestone_set_status(
                actor=editor, milestone=milestone, status=MilestoneStatus.IN_PROGRESS, today=today
            )
            if index % 2 == 0:
                services.milestone_set_status(
                    actor=editor, milestone=milestone, status=MilestoneStatus.DONE, today=deadline
                )
    if approver is not None:
        services.plan_approve(actor=approver, plan=plan, now=now - dt.timedelta(days=150))
    for back in range(meetings - 1, -1, -1):
        held = _month_start(today, back) + dt.timedelta(days=rng.randint(8, 20))
        if held > today:
            held = today - dt.timedelta(days=1)
        meeting = services.meeting_create(
            actor=editor,
            chain=chain,
            title=f"{chain.name}产业链工作专班第{meetings - back}次例会{MARK}",
            held_at=_held_at(held),
            location="杭州市民中心",
            minutes="合成演示数据：会议纪要为虚构内容。",
            attendees=[u for u in (editor, owner, approver) if getattr(u, "pk", None)],
        )
        report.meetings += 1
        decision = services.decision_create(
            actor=editor, meeting=meeting, text=f"{rng.choice(DECISIONS)}{MARK}"
        )
        for n in range(rng.randint(1, 2)):
            deadline = held + dt.timedelta(days=rng.randint(10, 40))
            item = services.action_item_create(
                actor=editor,
                chain=chain,
                meeting=meeting,
                decision=decision,
                title=f"落实会议决定第{n + 1}项{MARK}",
                owner=owner,
                deadline=deadline,
            )
            report.actions += 1
            started = _held_at(held + dt.timedelta(days=2))
            if started < now and rng.random() < 0.8:
                services.action_item_transition(
                    actor=editor, item=item, status=ActionStatus.IN_PROGRESS, now=started
                )
                closed = _held_at(held + dt.timedelta(days=rng.randint(5, 45)))
                if closed < now and rng.random() < 0.7:
                    services.action_item_transition(
                        actor=editor,
                        item=item,
                        status=ActionStatus.DONE,
                        note=f"已完成{MARK}",
                        now=closed,
                    )


def governance_demo_load(*, now: dt.datetime) -> GovernanceDemoReport:
    """Plans, meetings and action items for every chain (the AI chain's the fullest)."""
    report = GovernanceDemoReport()
    rng = random.Random(SEED)  # noqa: S311  (synthetic data, seeded on purpose)
    admin = User.objects.get(username="admin")
    task_force = User.objects.filter(username="taskforce").first()
    leader = User.objects.filter(username="chainleader").first()
    year = timezone.localdate(now).year
    for chain in Chain.objects.order_by("pk"):
        if WorkPlan.objects.filter(chain=chain, year=year).exists():
            continue
        ai = chain.slug == AI_CHAIN
        _chain_activity(
            chain=chain,
            editor=(task_force if ai and task_force else admin),
            approver=(leader if ai else None),
            owner=(task_force if ai and task_force else admin),
            now=now,
            rng=rng,
            meetings=MONTHS if ai else 2,
            report=report,
        )
    return report


def demo_step(context: DemoContext) -> None:
    now = context.options.get("now") or timezone.now()
    report = governance_demo_load(now=now)
    context.log(
        _("Synthetic governance: %(p)d work plans, %(m)d meetings, %(a)d action items")
        % {"p": report.plans, "m": report.meetings, "a": report.actions}
    )
