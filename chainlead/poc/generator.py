"""Generated proof-of-concept history for the survival page and benchmarks: marked synthetic.

`chainlead.analytics.synthetic.poc_project_histories` draws the seeded stage process (gamma
stays, stops less likely with support); this module writes it as projects, stage changes,
support and outcomes with `bulk_create`, at synthetic centres, with titles that say what they
are ("合成项目 #…"): no generated project may look real. Real centres get none.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import transaction

from chainlead.analytics.synthetic import POC_CENTRES, POC_FIELDS, poc_project_histories
from chainlead.audit.services import record_event
from chainlead.poc.choices import OutcomeKind, ProjectStatus, Provenance, SupportKind
from chainlead.poc.constants import STAGE_TRL
from chainlead.poc.models import Centre, Outcome, Project, StageChange, StageSupport

# Fields of the synthetic process → a GB/T 4754-2017 class each (the project's industry).
FIELD_INDUSTRY = {
    "ai": "6513",  # 应用软件开发
    "biomedicine": "2761",  # 生物药品制造
    "new_materials": "3985",  # 电子专用材料制造
    "equipment": "3491",  # 工业机器人制造
    "new_energy": "3825",  # 光伏设备及元器件制造
}
SYNTHETIC_CENTRE = "合成概念验证中心 C{n:02d}"
SYNTHETIC_TITLE = "合成项目 #{n:06d}"
BATCH = 2000


@dataclass(frozen=True)
class Generated:
    projects: int
    stage_changes: int
    supports: int
    outcomes: int


def synthetic_centres() -> dict[str, Centre]:
    """The synthetic centres C01…, created once; keyed by the process's centre labels."""
    centres = {}
    for n in range(1, POC_CENTRES + 1):
        centre, _created = Centre.objects.get_or_create(
            name=SYNTHETIC_CENTRE.format(n=n),
            defaults={
                "provenance": Provenance.SYNTHETIC,
                "status_stated": "synthetic: generated for the demonstration",
            },
        )
        centres[f"C{n:02d}"] = centre
    return centres


@transaction.atomic
def history_generate(
    *, n_projects: int, as_of: dt.date, years: int = 10, seed: int = 0
) -> Generated:
    """Write `n_projects` synthetic histories observed until `as_of` (day 365·years)."""
    table = poc_project_histories(n_projects, seed=seed, years=years)
    day_zero = as_of - dt.timedelta(days=365 * years)
    centres = synthetic_centres()
    offset = Project.objects.filter(provenance=Provenance.SYNTHETIC).count()

    def day(value: float) -> dt.date:
        return day_zero + dt.timedelta(days=int(value))

    entered = table[[f"entered_{s}" for s in range(1, 6)]].to_numpy()
    projects = []
    for i, row in enumerate(table.itertuples(index=False)):
        stage = int(row.stage_reached)
        stopped = bool(row.stopped)
        projects.append(
            Project(
                title=SYNTHETIC_TITLE.format(n=offset + i + 1),
                institution=f"合成研究机构 {int(row.project) % 40 + 1:02d}",
                industry_id=FIELD_INDUSTRY[str(row.field)],
                centre=centres[str(row.centre)],
                stage=stage,
                trl=STAGE_TRL[stage][0],
                status=ProjectStatus.STOPPED if stopped else ProjectStatus.ACTIVE,
                started_on=day(row.started),
                stage_entered_on=day(entered[i, stage - 1]),
                ended_on=day(row.started + row.duration) if stopped else None,
                provenance=Provenance.SYNTHETIC,
            )
        )
    created = Project.objects.bulk_create(projects, batch_size=BATCH)
    changes: list[StageChange] = []
    supports: list[StageSupport] = []
    outcomes: list[Outcome] = []
    supported = table["supported"].to_numpy()
    for i, project in enumerate(created):
        previous = None
        for stage in range(1, project.stage + 1):
            on = entered[i, stage - 1]
            if np.isnan(on):
                break
            changes.append(
                StageChange(project=project, from_stage=previous, to_stage=stage, on=day(on))
            )
            previous = stage
        if supported[i]:
            supports.append(
                StageSupport(
                    project=project,
                    stage=1,
                    kind=SupportKind.LAB_TIME,
                    given_by="合成支持方",
                    description="synthetic",
                    granted_on=project.started_on,
                )
            )
        # A stopped project always has its end date (set above with the status).
        if project.status == ProjectStatus.STOPPED and project.ended_on is not None:
            outcomes.append(
                Outcome(
                    project=project,
                    kind=OutcomeKind.STOPPED,
                    on=project.ended_on,
                    stage=project.stage,
                    reason="synthetic: stopped at the end of a stay",
                )
            )
    StageChange.objects.bulk_create(changes, batch_size=BATCH)
    StageSupport.objects.bulk_create(supports, batch_size=BATCH)
    Outcome.objects.bulk_create(outcomes, batch_size=BATCH)
    result = Generated(len(created), len(changes), len(supports), len(outcomes))
    # One business event for the batch: a per-row audit of generated rows would say nothing.
    record_event(
        instance=centres["C01"],
        event="poc_history_generated",
        message=f"{result.projects} synthetic projects, seed {seed}, as of {as_of}",
        data=result.__dict__,
    )
    return result


def field_labels() -> dict[str, Any]:
    return {field: FIELD_INDUSTRY[field] for field in POC_FIELDS}
