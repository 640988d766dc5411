"""Every page and API operation of programs × every role (docs/permissions.md).

Everyone with a role reads programs and rounds. The city admin manages every program, a
district official those of their district (the other side's is 404 or 403 to them). Money
(awards, batch approvals, tranches) is the finance officers' and the city admin's. A firm's
user sees its own applications and awards only (the other side's are 404); a reviewer only
the reviews assigned to them and the panels they sit on. The auditor reads, never writes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from chainlead.core.testing import Case, World, expect, only

TODAY = dt.date(2026, 3, 2)
RULES = [
    {
        "kind": "registered_in",
        "label": "注册在杭州市",
        "logic": {"!!": [{"var": "name"}]},
        "reason_template": "{name}",
    }
]
RUBRIC = [{"name": "tech", "label": "技术", "max": 10, "weight": 1}]


def setup(world: World) -> None:
    from chainlead.accounts.services import role_grant, user_create
    from chainlead.programs import services

    admin = world.admin
    other_firm_user = user_create(actor=admin, username="walk_prog_firm_other", password=None)
    role_grant(actor=admin, user=other_firm_user, role="enterprise", enterprise=world.other.firm)
    other_reviewer = user_create(actor=admin, username="walk_prog_reviewer_other", password=None)
    role_grant(actor=admin, user=other_reviewer, role="reviewer")
    made: dict[str, dict[str, Any]] = {}
    for side, applicant, reviewer in (
        ("own", world.users["enterprise"], world.users["reviewer"]),
        ("other", other_firm_user, other_reviewer),
    ):
        scope = world.side(side)
        program = services.program_create(
            actor=admin,
            slug=f"walk-{side}",
            name=f"Walk competition {side}",
            kind="competition",
            award_cap="100000.00",
            district=scope.district,
            form_schema=[],
            rubric=RUBRIC,
            reviewers_per_application=1,
            rules_list=RULES,
        )
        round_ = services.round_create(
            actor=admin,
            program=program,
            name="walk",
            opens_on=dt.date(2000, 1, 1),
            closes_on=dt.date(2099, 12, 31),
            fiscal_year=2026,
        )
        services.program_budget_line_create(
            actor=admin, program=program, fund=scope.fund, amount="100000.00", today=TODAY
        )
        draft = services.application_create(
            actor=applicant, round_=round_, enterprise=scope.firm, title=f"walk {side}"
        )
        application = services.application_submit(actor=applicant, application=draft)
        panel = services.panel_create(actor=admin, round_=round_, name="walk", reviewers=[reviewer])
        services.conflict_declare(
            actor=reviewer, panel=panel, application=application, conflict=False
        )
        [assignment] = services.panel_assign(actor=admin, panel=panel)
        award = services.award_make(
            actor=admin,
            round_=round_,
            enterprise=scope.firm,
            amount="1000.00",
            conditions=[services.ConditionSpec("bank_account", 1000, dt.date(2099, 1, 1), "bank")],
            today=TODAY,
        )
        grant = services.program_create(
            actor=admin,
            slug=f"walk-grant-{side}",
            name=f"Walk grant {side}",
            kind="policy_grant",
            award_cap="5000.00",
            district=scope.district,
            amount_logic=5000,
            rules_list=RULES,
        )
        grant_round = services.round_create(
            actor=admin,
            program=grant,
            name="walk",
            opens_on=dt.date(2000, 1, 1),
            closes_on=dt.date(2099, 12, 31),
            fiscal_year=2026,
        )
        from chainlead.registry.models import Enterprise

        batch = services.batch_compute(
            actor=admin,
            round_=grant_round,
            firms=Enterprise.objects.filter(pk=scope.firm.pk),
        )
        made[side] = {
            "program": program,
            "round": round_,
            "application": application,
            "panel": panel,
            "assignment": assignment,
            "award": award,
            "condition": award.conditions.get(),
            "grant_round": grant_round,
            "batch": batch,
        }
    for name in made["own"]:
        world.add(f"prog_{name}", own=made["own"][name], other=made["other"][name])


EVERYONE = expect(200)
SIDED_EVERYONE = expect((200, 200))
MANAGERS = only(["city_admin", "district_official"], yes=(302, 302), district_official=(302, 404))
MONEY = only(["city_admin", "finance"], yes=302)
READERS = ("city_admin", "auditor", "finance", "district_official", "enterprise")
SIDED_READ = only(READERS, yes=(200, 200), district_official=(200, 404), enterprise=(200, 404))
FIRM_WRITE = only(["enterprise"], yes=(302, 404))
REVIEWER_ONLY = only(["reviewer"])
REVIEWER_SIDED = only(["reviewer"], yes=(200, 404))


def pk(name: str) -> Any:
    return lambda s: {"pk": getattr(s, f"prog_{name}").pk}


MATRIX = [
    Case("programs:program_list", expect=EVERYONE),
    Case("programs:program_detail", kwargs=pk("program"), expect=SIDED_EVERYONE),
    Case(
        "programs:program_rules",
        method="POST",
        kwargs=pk("program"),
        data={"rules": "[]", "note": "walk"},
        # Readers find the program (it is public); only its managers may change it.
        expect=only(
            ["city_admin", "district_official"], yes=(302, 302), district_official=(302, 403)
        ),
    ),
    Case("programs:round_detail", kwargs=pk("round"), expect=SIDED_EVERYONE),
    Case("programs:round_rank", method="POST", kwargs=pk("round"), expect=MANAGERS),
    Case("programs:round_batch", method="POST", kwargs=pk("grant_round"), expect=MANAGERS),
    Case(
        "programs:panel_create",
        method="POST",
        kwargs=pk("round"),
        data={"name": "walk 2"},  # no reviewers: the form refuses, back to the round
        expect=MANAGERS,
    ),
    Case("programs:panel_assign", method="POST", kwargs=pk("panel"), expect=MANAGERS),
    Case("programs:panel_declare", kwargs=pk("panel"), expect=REVIEWER_SIDED),
    Case(
        "programs:batch_detail",
        kwargs=pk("batch"),
        expect=only(
            READERS,
            yes=(200, 200),
            district_official=(200, 404),
            enterprise=404,  # a firm reads its applications, not the officials' batches
        ),
    ),
    Case(
        "programs:batch_approve",
        method="POST",
        kwargs=pk("batch"),
        # The grant has no budget line: refused with a message, back to the batch.
        expect=MONEY,
    ),
    Case("programs:application_list", expect=only(READERS)),
    Case("programs:application_detail", kwargs=pk("application"), expect=SIDED_READ),
    Case(
        "programs:application_create",
        kwargs=pk("round"),
        expect=only(["enterprise"], yes=(200, 200)),
    ),
    Case("programs:application_attach", method="POST", kwargs=pk("application"), expect=FIRM_WRITE),
    Case("programs:application_submit", method="POST", kwargs=pk("application"), expect=FIRM_WRITE),
    Case(
        "programs:application_withdraw",
        method="POST",
        kwargs=pk("application"),
        expect=FIRM_WRITE,
    ),
    Case("programs:award_create", method="POST", kwargs=pk("application"), expect=MONEY),
    Case("programs:assignment_list", expect=REVIEWER_ONLY),
    Case("programs:assignment_detail", kwargs=pk("assignment"), expect=REVIEWER_SIDED),
    Case(
        "programs:assignment_score",
        method="POST",
        kwargs=pk("assignment"),
        data={"score_tech": "7"},
        expect=only(["reviewer"], yes=(302, 404)),
    ),
    Case("programs:award_list", expect=only(READERS)),
    Case("programs:award_detail", kwargs=pk("award"), expect=SIDED_READ),
    Case(
        "programs:award_bank",
        method="POST",
        kwargs=pk("award"),
        data={"bank_account": "6222021234567890"},
        expect=FIRM_WRITE,
    ),
    Case("programs:award_check", method="POST", kwargs=pk("award"), expect=MONEY),
    Case("programs:condition_pay", method="POST", kwargs=pk("condition"), expect=MONEY),
    # API
    Case("GET /api/v1/programs/programs", expect=EVERYONE),
    Case(
        "GET /api/v1/programs/programs/{slug}",
        kwargs=lambda s: {"slug": s.prog_program.slug},
        expect=SIDED_EVERYONE,
    ),
    Case(
        "GET /api/v1/programs/programs/{slug}/rounds",
        kwargs=lambda s: {"slug": s.prog_program.slug},
        expect=SIDED_EVERYONE,
    ),
    Case("GET /api/v1/programs/applications", expect=only(READERS)),
    Case(
        "GET /api/v1/programs/applications/{application_id}",
        kwargs=lambda s: {"application_id": s.prog_application.pk},
        expect=SIDED_READ,
    ),
    Case(
        "POST /api/v1/programs/applications",
        data=lambda s: {"round": s.prog_round.pk, "title": "walk api"},
        # The own firm applied to the own round already (422); the other round is new to it.
        expect=only(["enterprise"], yes=(422, 201)),
    ),
    Case(
        "POST /api/v1/programs/applications/{application_id}/submit",
        kwargs=lambda s: {"application_id": s.prog_application.pk},
        expect=only(["enterprise"], yes=(422, 404)),  # submitted already
    ),
    Case(
        "POST /api/v1/programs/applications/{application_id}/withdraw",
        kwargs=lambda s: {"application_id": s.prog_application.pk},
        expect=only(["enterprise"], yes=(200, 404)),
    ),
    Case(
        "POST /api/v1/programs/panels/{panel_id}/declarations",
        kwargs=lambda s: {"panel_id": s.prog_panel.pk},
        data=lambda s: {"application": s.prog_application.pk, "conflict": False},
        expect=only(["reviewer"], yes=(422, 404)),  # declared already in the setup
    ),
    Case("GET /api/v1/programs/reviews", expect=REVIEWER_ONLY),
    Case(
        "POST /api/v1/programs/reviews/{review_id}/score",
        kwargs=lambda s: {"review_id": s.prog_assignment.pk},
        data={"scores": {"tech": 6}},
        expect=REVIEWER_SIDED,
    ),
    Case("GET /api/v1/programs/awards", expect=only(READERS)),
    Case(
        "GET /api/v1/programs/awards/{award_id}",
        kwargs=lambda s: {"award_id": s.prog_award.pk},
        expect=SIDED_READ,
    ),
    Case(
        "POST /api/v1/programs/awards",
        data=lambda s: {"application": s.prog_application.pk, "amount": "1000.00"},
        expect=only(["city_admin", "finance"], yes=201),  # the firm's award of the round
    ),
]
