"""Every page and API operation of the support fund × every role (docs/permissions.md)."""

from __future__ import annotations

from chainlead.core.testing import Case, World, expect, only

READERS = ("city_admin", "district_official", "finance", "auditor")
MANAGERS = ("city_admin", "finance")
ALL_FUNDS = {"city_admin": 200, "finance": 200, "auditor": 200}
# District officials read their district's fund; the others' are 404 to them.
SIDED_READERS = only(READERS, yes=(200, 200), district_official=(200, 404))
SIDED_API_READERS = only(READERS, yes=(200, 200), district_official=(200, 404))
OWN_AWARDS = only(
    (*READERS, "enterprise"), yes=(200, 200), district_official=(200, 404), enterprise=(200, 404)
)


def setup(world: World) -> None:
    from chainlead.funds import reconciliation, services
    from chainlead.funds.testing import WORLD_TODAY

    second = world.own.second_finance
    runs = {}
    for side in (world.own, world.other):
        commitment = services.commitment_create(
            actor=world.admin,
            line=side.line,
            recipient_enterprise=side.firm,
            amount="100000.00",
            reference="walk",
            today=WORLD_TODAY,
        )
        planned = services.tranche_create(
            actor=world.admin, commitment=commitment, amount="40000.00", due_on=WORLD_TODAY
        )
        for name, value in (
            ("commitment", commitment),
            ("tranche", planned),
            ("entry", commitment.entries.get()),
        ):
            world.extras.setdefault(name, {})[side.name] = value
        tranche = services.tranche_create(
            actor=world.admin, commitment=commitment, amount="10000.00", due_on=WORLD_TODAY
        )
        services.tranche_approve(actor=second, tranche=tranche)
        runs[side.name] = services.payment_run_prepare(
            actor=world.admin, fund=side.fund, tranches=[tranche]
        )
    world.add("run", own=runs["own"], other=runs["other"])
    statement = reconciliation.statement_import(
        actor=world.admin,
        fund=world.own.fund,
        content=b"reference,amount,value_date,payee\nD999999,12.00,2026-03-02,x\n",
        filename="walk.csv",
    )
    world.add("statement_line", own=statement.lines.get())


MATRIX = [
    Case("funds:position", expect=only(READERS)),
    Case("funds:shares", expect=only(READERS)),
    Case("funds:tranche_list", expect=only(READERS)),
    Case("funds:run_list", expect=only(READERS)),
    Case("funds:my_awards", expect=only(["enterprise"])),
    Case("funds:fund_detail", kwargs=lambda s: {"pk": s.fund.pk}, expect=SIDED_READERS),
    Case("funds:account_entries", kwargs=lambda s: {"pk": s.line.pk}, expect=SIDED_READERS),
    Case("funds:run_detail", kwargs=lambda s: {"pk": s.run.pk}, expect=SIDED_READERS),
    Case("funds:run_export", kwargs=lambda s: {"pk": s.run.pk}, expect=SIDED_READERS),
    Case("funds:statement_list", kwargs=lambda s: {"pk": s.fund.pk}, expect=SIDED_READERS),
    # Commands: finance officers and the city admin; a refused rule redirects with a message.
    Case(
        "funds:tranche_approve",
        method="POST",
        kwargs=lambda s: {"pk": s.tranche.pk},
        expect=only(MANAGERS, yes=302),
    ),
    Case(
        "funds:tranche_disburse",
        method="POST",
        kwargs=lambda s: {"pk": s.tranche.pk},
        expect=only(MANAGERS, yes=302),
    ),
    Case(
        "funds:run_prepare",
        method="POST",
        data=lambda s: {"tranches": [s.tranche.pk]},
        # The walk's tranche is not approved: the form is shown again with the error.
        expect=only(MANAGERS, yes=200),
    ),
    Case(
        "funds:run_approve",
        method="POST",
        kwargs=lambda s: {"pk": s.run.pk},
        expect=only(MANAGERS, yes=302),
    ),
    Case(
        "funds:statement_import",
        method="POST",
        kwargs=lambda s: {"pk": s.fund.pk},
        expect=only(MANAGERS, yes=200),  # no file: the form again
    ),
    Case(
        "funds:statement_line_resolve",
        method="POST",
        kwargs=lambda s: {"pk": s.statement_line.pk},
        data={"resolution": "walk"},
        expect=only(MANAGERS, yes=302),
    ),
    # API reads.
    Case("GET /api/v1/funds/funds", expect=only(READERS)),
    Case(
        "GET /api/v1/funds/funds/{fund_id}/position",
        kwargs=lambda s: {"fund_id": s.fund.pk},
        expect=SIDED_API_READERS,
    ),
    Case(
        "GET /api/v1/funds/funds/{fund_id}/entries",
        kwargs=lambda s: {"fund_id": s.fund.pk},
        expect=SIDED_API_READERS,
    ),
    Case("GET /api/v1/funds/commitments", expect=only((*READERS, "enterprise"))),
    Case("GET /api/v1/funds/tranches", expect=only((*READERS, "enterprise"))),
    Case(
        "GET /api/v1/funds/commitments/{commitment_id}",
        kwargs=lambda s: {"commitment_id": s.commitment.pk},
        expect=OWN_AWARDS,
    ),
    # API commands.
    Case(
        "POST /api/v1/funds/commitments",
        data=lambda s: {
            "line": s.line.pk,
            "recipient": s.firm.pk,
            "amount": "1.00",
            "reference": "walk-api",
        },
        expect=only(MANAGERS, yes=201),
    ),
    Case(
        "POST /api/v1/funds/tranches/{tranche_id}/approve",
        kwargs=lambda s: {"tranche_id": s.tranche.pk},
        # The admin created the walk's tranche: four eyes refuse (422); finance approves.
        expect=only(MANAGERS, city_admin=422, finance=200),
    ),
    Case(
        "POST /api/v1/funds/tranches/{tranche_id}/disburse",
        kwargs=lambda s: {"tranche_id": s.tranche.pk},
        data={},
        expect=only(MANAGERS, yes=422),  # not approved
    ),
    Case(
        "POST /api/v1/funds/entries/{entry_id}/reverse",
        kwargs=lambda s: {"entry_id": s.entry.pk},
        data={"reason": "walk"},
        expect=only(MANAGERS, yes=201),
    ),
]

__all__ = ["ALL_FUNDS", "MATRIX", "expect", "setup"]
