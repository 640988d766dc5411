"""Who may open the proof-of-concept pages and API (walked by core/tests/test_permission_walk.py).

Projects: admins, auditors and finance read all; the chain's leader and task force read the
projects of their chain's segments; a district official those of centres in their district; a
researcher only the projects they lead. The task force (own chain) and admins manage; the PI
edits milestones and IP. A reviewer sees only the reviews assigned to them. Auditors change
nothing. The other side's objects are 404 to scoped readers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from chainlead.core.testing import Case, World, expect, only

DAY = dt.date(2025, 3, 1)


def setup(world: World) -> None:
    from chainlead.accounts.services import role_grant, user_create
    from chainlead.poc import services

    admin = world.admin
    other_pi = user_create(actor=admin, username="walk_other_pi", password=None)
    role_grant(actor=admin, user=other_pi, role="researcher")
    other_reviewer = user_create(actor=admin, username="walk_other_reviewer", password=None)
    role_grant(actor=admin, user=other_reviewer, role="reviewer")
    made: dict[str, dict[str, Any]] = {}
    for side, pi, reviewer in (
        ("own", world.users["researcher"], world.users["reviewer"]),
        ("other", other_pi, other_reviewer),
    ):
        scope = world.side(side)
        centre = services.centre_create(
            actor=admin,
            name=f"Walk centre {side}",
            district=scope.district,
            district_name=scope.district.name,
            provenance="synthetic",
        )
        project = services.project_submit(
            actor=admin,
            title=f"Walk project {side}",
            institution="Walk university",
            started_on=DAY,
            pi=pi,
            segment=scope.segment,
            centre=centre,
            provenance="synthetic",
        )
        milestone = services.milestone_add(
            actor=admin, project=project, title="prototype", due_on=DAY + dt.timedelta(days=90)
        )
        gate = services.gate_open(
            actor=admin,
            project=project,
            reviewers=[reviewer],
            today=DAY,
            due_on=DAY + dt.timedelta(days=30),
        )
        made[side] = {
            "centre": centre,
            "project": project,
            "milestone": milestone,
            "gate": gate,
            "assignment": gate.assignments.get(),
        }
    for name in ("centre", "project", "milestone", "gate", "assignment"):
        world.add(f"poc_{name}", own=made["own"][name], other=made["other"][name])


FIGURES = ("city_admin", "auditor", "finance", "chain_leader", "task_force", "district_official")
READERS = (*FIGURES, "researcher")
# Project pages: unscoped readers see both sides, scoped ones only their own.
PROJECT_READ = expect(
    403,
    city_admin=200,
    auditor=200,
    finance=200,
    chain_leader=(200, 404),
    task_force=(200, 404),
    district_official=(200, 404),
    researcher=(200, 404),
)
FIGURE_PROJECT_READ = expect(
    403,
    city_admin=200,
    auditor=200,
    finance=200,
    chain_leader=(200, 404),
    task_force=(200, 404),
    district_official=(200, 404),
)
# Milestones and IP: the PI and the managers; readers who may not edit get 403 in scope.
FILE_EDIT = expect(
    403,
    city_admin=302,
    task_force=(302, 404),
    chain_leader=(403, 404),
    district_official=(403, 404),
    researcher=(302, 404),
)
MANAGE = expect(403, city_admin=302, task_force=(302, 404))
REVIEWER_ONLY = expect(403, reviewer=(200, 404))
REVIEWER_POST = expect(403, reviewer=(302, 404))


def _project(s: Any) -> dict[str, int]:
    return {"pk": s.poc_project.pk}


def _api_project(s: Any) -> dict[str, int]:
    return {"project_id": s.poc_project.pk}


def _gate(s: Any) -> dict[str, int]:
    return {"pk": s.poc_gate.pk}


def _assignment(s: Any) -> dict[str, int]:
    return {"pk": s.poc_assignment.pk}


API_PROJECT_READ = expect(
    403,
    city_admin=200,
    auditor=200,
    finance=200,
    chain_leader=(200, 404),
    task_force=(200, 404),
    district_official=(200, 404),
    researcher=(200, 404),
)

MATRIX = [
    Case("poc:dashboard", expect=only(FIGURES)),
    Case("poc:dashboard", query={"stalled_days": "30", "years": "2"}, expect=only(FIGURES)),
    Case("poc:survival", expect=only(FIGURES)),
    Case("poc:centre_list", expect=only(READERS)),
    Case("poc:centre_detail", kwargs=lambda s: {"pk": s.poc_centre.pk}, expect=only(READERS)),
    Case("poc:project_list", expect=only(READERS)),
    Case("poc:project_create", expect=only(["city_admin", "researcher"])),
    Case(
        "poc:project_create",
        method="POST",
        data={
            "title": "walk",
            "institution": "x",
            "stage": "1",
            "trl": "1",
            "started_on": "2025-01-01",
        },
        expect=only(["city_admin", "researcher"], yes=302),
    ),
    Case("poc:project_detail", kwargs=_project, expect=PROJECT_READ),
    Case(
        "poc:milestone_add",
        method="POST",
        kwargs=_project,
        data={"title": "m", "due_on": "2025-06-01"},
        expect=FILE_EDIT,
    ),
    Case(
        "poc:milestone_meet",
        method="POST",
        kwargs=_project,
        data=lambda s: {"milestone": s.poc_milestone.pk, "on": "2025-04-01"},
        expect=FILE_EDIT,
    ),
    Case(
        "poc:ip_add",
        method="POST",
        kwargs=_project,
        data={"kind": "patent", "number": "ZL202510000000.1"},
        expect=FILE_EDIT,
    ),
    Case(
        "poc:gate_open",
        method="POST",
        kwargs=_project,
        data=lambda s: {"reviewers": [s.world.users["reviewer"].pk], "due_on": "2030-01-01"},
        expect=MANAGE,
        note="the project already has an open review: the refusal is shown on the page",
    ),
    Case("poc:partners", kwargs=_project, expect=FIGURE_PROJECT_READ),
    Case(
        "poc:partner_contact",
        method="POST",
        kwargs=_project,
        data=lambda s: {
            "enterprise": s.firm.pk,
            "direction": "upstream",
            "approached_on": "2025-04-01",
            "result": "approached",
        },
        expect=MANAGE,
    ),
    Case(
        "poc:support_add",
        method="POST",
        kwargs=_project,
        data={"stage": "1", "kind": "lab_time", "given_by": "lab", "granted_on": "2025-04-01"},
        expect=MANAGE,
    ),
    Case(
        "poc:outcome_add",
        method="POST",
        kwargs=_project,
        data={"kind": "licensed", "on": "2025-04-01", "counterparty": "licensee"},
        expect=MANAGE,
    ),
    Case("poc:gate_detail", kwargs=_gate, expect=FIGURE_PROJECT_READ),
    Case(
        "poc:gate_decide",
        method="POST",
        kwargs=_gate,
        data={"decision": "hold", "reasons": "wait"},
        expect=MANAGE,
    ),
    Case("poc:review_list", expect=only(["reviewer"])),
    Case("poc:review_detail", kwargs=_assignment, expect=REVIEWER_ONLY),
    Case(
        "poc:review_declare",
        method="POST",
        kwargs=_assignment,
        data={"institution": "Elsewhere", "no_conflict": "on"},
        expect=REVIEWER_POST,
    ),
    Case(
        "poc:review_score",
        method="POST",
        kwargs=_assignment,
        data={
            "technology": 3,
            "market": 3,
            "ip": 3,
            "team": 3,
            "plan": 3,
            "recommendation": "hold",
        },
        expect=REVIEWER_POST,
    ),
    # --- API ---
    Case("GET /api/v1/poc/centres", expect=only(READERS)),
    Case(
        "GET /api/v1/poc/centres/{centre_id}",
        kwargs=lambda s: {"centre_id": s.poc_centre.pk},
        expect=only(READERS),
    ),
    Case("GET /api/v1/poc/projects", expect=only(READERS)),
    Case(
        "POST /api/v1/poc/projects",
        data={"title": "walk", "institution": "x", "started_on": "2025-01-01"},
        expect=only(["city_admin", "researcher"], yes=201),
    ),
    Case("GET /api/v1/poc/projects/{project_id}", kwargs=_api_project, expect=API_PROJECT_READ),
    Case(
        "POST /api/v1/poc/projects/{project_id}/gate-reviews",
        kwargs=_api_project,
        data={"reviewer_ids": [], "due_on": "2030-01-01"},
        expect=expect(403, city_admin=422, task_force=(422, 404)),
        note="422: the project already has an open review",
    ),
    Case(
        "GET /api/v1/poc/gate-reviews/{gate_id}",
        kwargs=lambda s: {"gate_id": s.poc_gate.pk},
        expect=FIGURE_PROJECT_READ,
    ),
    Case(
        "POST /api/v1/poc/gate-reviews/{gate_id}/decide",
        kwargs=lambda s: {"gate_id": s.poc_gate.pk},
        data={"decision": "advance", "reasons": "x"},
        expect=expect(403, city_admin=422, task_force=(422, 404)),
        note="422: no scored review yet",
    ),
    Case("GET /api/v1/poc/reviews", expect=only(["reviewer"])),
    Case(
        "GET /api/v1/poc/reviews/{review_id}",
        kwargs=lambda s: {"review_id": s.poc_assignment.pk},
        expect=REVIEWER_ONLY,
    ),
    Case(
        "POST /api/v1/poc/reviews/{review_id}/declare",
        kwargs=lambda s: {"review_id": s.poc_assignment.pk},
        data={"institution": "Elsewhere", "no_conflict": True},
        expect=REVIEWER_ONLY,
    ),
    Case(
        "POST /api/v1/poc/reviews/{review_id}/score",
        kwargs=lambda s: {"review_id": s.poc_assignment.pk},
        data={
            "technology": 3,
            "market": 3,
            "ip": 3,
            "team": 3,
            "plan": 3,
            "recommendation": "hold",
        },
        expect=expect(403, reviewer=(422, 404)),
        note="422: not declared yet",
    ),
    Case(
        "GET /api/v1/poc/projects/{project_id}/outcomes",
        kwargs=_api_project,
        expect=API_PROJECT_READ,
    ),
    Case(
        "POST /api/v1/poc/projects/{project_id}/outcomes",
        kwargs=_api_project,
        data={"kind": "licensed", "on": "2025-04-01", "counterparty": "licensee"},
        expect=expect(403, city_admin=201, task_force=(201, 404)),
    ),
    Case("GET /api/v1/poc/survival", expect=only(FIGURES)),
]
