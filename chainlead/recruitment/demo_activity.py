"""A synthetic recruitment pipeline in `chainlead load-demo`: targets of every chain at every
stage before landing, with contacts and visits logged over six months and promises of the
signed ones.

The targets are invented firms, named "【合成】…" so that no real company is shown as being
courted; their places are real cities. Landing is left out on purpose: `target_land` registers
the firm in the registry as an entered (not synthetic) firm, and synthetic firms must never
mix with real ones. Written through `chainlead.recruitment.services` as the AI chain's task
force (admin for the other chains), after the accounts' step: order 946. Idempotent: a chain
that already has synthetic targets is left alone.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from chainlead.accounts.models import User
from chainlead.chains.models import Chain
from chainlead.core.plugins import DemoContext
from chainlead.recruitment import services
from chainlead.recruitment.choices import PIPELINE, ActivityKind, PromiseKind, Stage
from chainlead.recruitment.models import Target

PREFIX = "【合成】"
SEED = 20260603
AI_CHAIN = "ai"
PLACES = ("上海市", "深圳市", "北京市", "苏州市", "合肥市", "成都市", "美国波士顿", "德国慕尼黑")
# How many targets end in each stage (the AI chain's pipeline; other chains get a third).
STAGE_COUNTS = {
    Stage.IDENTIFIED: 6,
    Stage.CONTACTED: 5,
    Stage.VISITED: 4,
    Stage.NEGOTIATING: 3,
    Stage.SIGNED: 2,
    Stage.LOST: 2,
}


@dataclass
class RecruitmentDemoReport:
    targets: int = 0
    activities: int = 0


def _pipeline_to(stage: Stage) -> list[Stage]:
    """The moves from identified to `stage` (lost: after a contact)."""
    if stage == Stage.LOST:
        return [Stage.CONTACTED, Stage.LOST]
    return PIPELINE[1 : PIPELINE.index(stage) + 1]


def _chain_pipeline(
    *,
    chain: Chain,
    actor: User,
    now: dt.datetime,
    rng: random.Random,
    share: float,
    report: RecruitmentDemoReport,
) -> None:
    today = timezone.localdate(now)
    segments = list(chain.segments.order_by("order"))
    number = 0
    for stage, count in STAGE_COUNTS.items():
        for _i in range(max(1, round(count * share))):
            number += 1
            segment = segments[number % len(segments)] if segments else None
            name = f"{PREFIX}{chain.name}目标企业{number:02d}"
            target = services.target_create(
                actor=actor,
                chain_id=chain.pk,
                name=name,
                location=rng.choice(PLACES),
                segment=segment,
                owner=actor,
                employees=rng.randint(50, 3000),
                revenue=Decimal(rng.randint(2000, 400000)),
                main_business=f"合成演示数据：虚构的招商目标（{segment or chain}）。",
            )
            report.targets += 1
            day = today - dt.timedelta(days=rng.randint(120, 180))
            for move in _pipeline_to(stage):
                day = min(today, day + dt.timedelta(days=rng.randint(7, 25)))
                if move in (Stage.CONTACTED, Stage.VISITED):
                    services.activity_log(
                        actor=actor,
                        target=target,
                        kind=ActivityKind.CONTACT
                        if move == Stage.CONTACTED
                        else ActivityKind.VISIT,
                        on=day,
                        summary=(
                            "电话联系企业负责人" if move == Stage.CONTACTED else "赴企业实地拜访"
                        )
                        + "（合成演示）",
                    )
                    report.activities += 1
                target = services.target_move(
                    actor=actor,
                    target=target,
                    to_stage=move,
                    note=f"{day.isoformat()}（合成演示）",
                    lost_reason="企业选择落户其他城市（合成演示）" if move == Stage.LOST else "",
                )
            if stage == Stage.SIGNED:
                services.promise_set(
                    actor=actor,
                    target=target,
                    kind=PromiseKind.INVESTMENT,
                    amount=Decimal(rng.randint(5, 50) * 1000),
                    due_year=today.year + 2,
                )
                services.promise_set(
                    actor=actor,
                    target=target,
                    kind=PromiseKind.JOBS,
                    amount=Decimal(rng.randint(50, 500)),
                    due_year=today.year + 2,
                )


def recruitment_demo_load(*, now: dt.datetime) -> RecruitmentDemoReport:
    report = RecruitmentDemoReport()
    rng = random.Random(SEED)  # noqa: S311  (synthetic data, seeded on purpose)
    admin = User.objects.get(username="admin")
    task_force = User.objects.filter(username="taskforce").first()
    for chain in Chain.objects.order_by("pk"):
        if Target.objects.filter(chain=chain, name__startswith=PREFIX).exists():
            continue
        ai = chain.slug == AI_CHAIN
        _chain_pipeline(
            chain=chain,
            actor=task_force if ai and task_force else admin,
            now=now,
            rng=rng,
            share=1.0 if ai else 0.34,
            report=report,
        )
    return report


def demo_step(context: DemoContext) -> None:
    now = context.options.get("now") or timezone.now()
    report = recruitment_demo_load(now=now)
    context.log(
        _("Synthetic recruitment targets: %(t)d, with %(a)d contacts and visits")
        % {"t": report.targets, "a": report.activities}
    )
