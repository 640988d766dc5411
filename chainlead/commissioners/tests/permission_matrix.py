"""Who may open the commissioners pages and API operations (walked by core's permission walk).

Commissioners, stations and logs: city admins, auditors, chain leaders and task forces read all;
district officials their district's; the commissioner their own; the firm's user its own
stations. Only city admins write (station, end, approve, match, decide); only the stationed
commissioner logs; only the firm answers a log. Matchings: admins, auditors, leaders and task
forces read them. Evaluations: admins, auditors, district officials.

The setup stations the walk's commissioner with the own side's firm, so the registry's own
routes show the scope registration at work: that firm is 200 for them, the other firm 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from chainlead.core.testing import Case, World, expect, only


def setup(world: World) -> None:
    from django.utils import timezone

    from chainlead.commissioners import services

    today = timezone.localdate()
    admin = world.admin
    made: dict[str, Any] = {}
    for side in ("own", "other"):
        scope = world.side(side)
        made[side] = services.commissioner_create(
            actor=admin,
            kind="individual",
            name=f"Walk commissioner {side}",
            district=scope.district,
            capacity=3,
            user=world.users["commissioner"] if side == "own" else None,
        )
    run = services.matching_run_create(actor=admin, as_of=today, start=False)
    services.matching_run_execute(run)
    stations: dict[str, Any] = {}
    logs: dict[str, Any] = {}
    held: dict[str, Any] = {}
    for side in ("own", "other"):
        stations[side] = services.assignment_create(
            actor=admin,
            commissioner=made[side],
            enterprise=world.side(side).firm,
            starts_on=today - dt.timedelta(days=60),
            reason="walk",
        )
    for side in ("own", "other"):
        actor = world.users["commissioner"]
        if side == "other":
            services.commissioner_link_user(
                actor=admin, commissioner=made["other"], user=world.users["commissioner"]
            )
        logs[side] = services.log_create(
            actor=actor,
            assignment=stations[side],
            mode="visit",
            served_on=today,
            hours=2,
            work_done="walk",
        )
        held[side] = services.log_create(
            actor=actor,
            assignment=stations[side],
            mode="remote",
            served_on=today - dt.timedelta(days=40),
            hours=1,
            work_done="walk, back-dated",
        )
    # The walk's commissioner acts for the own side's commissioner only.
    services.commissioner_link_user(
        actor=admin, commissioner=made["own"], user=world.users["commissioner"]
    )
    world.add("commissioner", own=made["own"], other=made["other"])
    world.add("station", own=stations["own"], other=stations["other"])
    world.add("log", own=logs["own"], other=logs["other"])
    world.add("held_log", own=held["own"], other=held["other"])
    world.add("run", own=run)
    world.add("pair", own=run.pairs.first())


CITY_WIDE = ["city_admin", "auditor", "chain_leader", "task_force"]
READERS = [*CITY_WIDE, "district_official", "commissioner", "enterprise"]
LIST = only(READERS)
# A commissioner or station of each side: city-wide readers both; the scoped readers their own.
OBJECT = expect(
    403,
    city_admin=(200, 200),
    auditor=(200, 200),
    chain_leader=(200, 200),
    task_force=(200, 200),
    district_official=(200, 404),
    commissioner=(200, 404),
    enterprise=(200, 404),
)
ADMIN_FORM = only(["city_admin"])
ADMIN_POST = only(["city_admin"], yes=302)
MATCHING_READERS = only(CITY_WIDE)
EVALUATION_READERS = only(["city_admin", "auditor", "district_official"])
# API: an object is looked up in the reader's scope (404 outside it) before the service
# checks the action (403).
API_OBJECT = expect(
    403,
    city_admin=(200, 200),
    auditor=(200, 200),
    chain_leader=(200, 200),
    task_force=(200, 200),
    district_official=(200, 404),
    commissioner=(200, 404),
    enterprise=(200, 404),
)


def api_write(**who: Any) -> dict[str, Any]:
    """Visible but not allowed: 403; out of scope: 404; the roles in `who` as given."""
    base = expect(
        404,
        city_admin=(403, 403),
        auditor=(403, 403),
        chain_leader=(403, 403),
        task_force=(403, 403),
        district_official=(403, 404),
        commissioner=(403, 404),
        enterprise=(403, 404),
    )
    base.update(who)
    return base


def _pk(name: str) -> Any:
    return lambda s: {"pk": getattr(s, name).pk}


def _id(param: str, name: str) -> Any:
    return lambda s: {param: getattr(s, name).pk}


# The registry's firm pages and API as the registry declares them, but with the commissioner
# stationed with the own side's firm: the scope registration reaches the registry.
FIRM = expect(
    (200, 200),
    chain_leader=(200, 404),
    task_force=(200, 404),
    district_official=(200, 404),
    enterprise=(200, 404),
    commissioner=(200, 404),
    researcher=404,
    reviewer=404,
)


def _today() -> str:
    from django.utils import timezone

    return timezone.localdate().isoformat()


MATRIX = [
    # ---------------------------------------------------------------- pages
    Case("commissioners:commissioner_list", expect=LIST),
    Case("commissioners:commissioner_list", query={"export": "csv"}, expect=LIST),
    Case("commissioners:commissioner_detail", kwargs=_pk("commissioner"), expect=OBJECT),
    Case("commissioners:commissioner_create", expect=ADMIN_FORM),
    Case("commissioners:commissioner_create", method="POST", data={}, expect=ADMIN_FORM),
    Case(
        "commissioners:commissioner_edit",
        kwargs=_pk("commissioner"),
        expect=only(["city_admin"], yes=(200, 200), no=(403, 403)),
    ),
    Case(
        "commissioners:commissioner_edit",
        method="POST",
        kwargs=_pk("commissioner"),
        data={},
        expect=only(["city_admin"], yes=(200, 200), no=(403, 403)),
    ),
    Case("commissioners:assignment_list", expect=LIST),
    Case("commissioners:assignment_detail", kwargs=_pk("station"), expect=OBJECT),
    Case("commissioners:assignment_create", expect=ADMIN_FORM),
    Case("commissioners:assignment_create", method="POST", data={}, expect=ADMIN_FORM),
    Case(
        "commissioners:assignment_end",
        method="POST",
        kwargs=_pk("station"),
        data=lambda s: {"on": _today(), "reason": "walk"},
        expect=only(["city_admin"], yes=(302, 302), no=(403, 403)),
    ),
    Case(
        "commissioners:log_create",
        method="POST",
        kwargs=_pk("station"),
        data=lambda s: {"mode": "visit", "served_on": _today(), "hours": "1", "work_done": "w"},
        expect=only(["commissioner"], yes=(302, 404), no=(403, 403)),
    ),
    Case(
        "commissioners:log_answer",
        method="POST",
        kwargs=_pk("log"),
        data={"confirm": "1", "rating": "5"},
        expect=only(["enterprise"], yes=(302, 404), no=(403, 403)),
    ),
    Case(
        "commissioners:log_approve",
        method="POST",
        kwargs=_pk("held_log"),
        data={"approve": "1"},
        expect=only(["city_admin"], yes=(302, 302), no=(403, 403)),
    ),
    Case("commissioners:matching_list", expect=MATCHING_READERS),
    Case("commissioners:matching_list", method="POST", data={}, expect=ADMIN_POST),
    Case("commissioners:matching_detail", kwargs=_pk("run"), expect=MATCHING_READERS),
    Case(
        "commissioners:matching_progress",
        kwargs=_pk("run"),
        htmx=True,
        expect=MATCHING_READERS,
    ),
    Case(
        "commissioners:matching_progress",
        kwargs=_pk("run"),
        expect=only(CITY_WIDE, yes=302),
        note="a finished run: the page itself",
    ),
    Case("commissioners:matching_accept", method="POST", kwargs=_pk("run"), expect=ADMIN_POST),
    Case(
        "commissioners:pair_decide",
        method="POST",
        kwargs=_pk("pair"),
        data={"accept": "0", "note": "walk"},
        expect=ADMIN_POST,
    ),
    Case(
        "commissioners:pair_change",
        method="POST",
        kwargs=_pk("pair"),
        data=lambda s: {"commissioner": s.commissioner.pk, "note": "walk"},
        expect=ADMIN_POST,
    ),
    Case("commissioners:evaluation", expect=EVALUATION_READERS),
    Case("commissioners:evaluation", query={"export": "xlsx"}, expect=EVALUATION_READERS),
    # ------------------------------------------- the registry, through the scope registration
    Case("registry:enterprise_detail", kwargs=_pk("firm"), expect=FIRM),
    Case(
        "GET /api/v1/registry/enterprises/{enterprise_id}",
        kwargs=_id("enterprise_id", "firm"),
        expect=FIRM,
    ),
    # ---------------------------------------------------------------- API
    Case("GET /api/v1/commissioners/commissioners", expect=LIST),
    Case(
        "GET /api/v1/commissioners/commissioners/{commissioner_id}",
        kwargs=_id("commissioner_id", "commissioner"),
        expect=API_OBJECT,
    ),
    Case(
        "POST /api/v1/commissioners/commissioners",
        data={"kind": "individual", "name": "Walk API commissioner"},
        expect=only(["city_admin"], yes=201),
    ),
    Case("GET /api/v1/commissioners/assignments", expect=LIST),
    Case(
        "GET /api/v1/commissioners/assignments/{assignment_id}",
        kwargs=_id("assignment_id", "station"),
        expect=API_OBJECT,
    ),
    Case(
        "POST /api/v1/commissioners/assignments",
        data=lambda s: {
            "commissioner_id": s.commissioner.pk,
            "enterprise_id": s.world.other.firm.pk,
            "starts_on": _today(),
            "reason": "walk",
        },
        expect=only(["city_admin"], yes=201),
    ),
    Case(
        "POST /api/v1/commissioners/assignments/{assignment_id}/end",
        kwargs=_id("assignment_id", "station"),
        data=lambda s: {"on": _today(), "reason": "walk"},
        expect=api_write(city_admin=(200, 200)),
    ),
    Case("GET /api/v1/commissioners/logs", expect=LIST),
    Case(
        "GET /api/v1/commissioners/logs/{log_id}",
        kwargs=_id("log_id", "log"),
        expect=API_OBJECT,
    ),
    Case(
        "POST /api/v1/commissioners/assignments/{assignment_id}/logs",
        kwargs=_id("assignment_id", "station"),
        data=lambda s: {"mode": "visit", "served_on": _today(), "hours": "1", "work_done": "w"},
        expect=api_write(commissioner=(201, 404)),
    ),
    Case(
        "POST /api/v1/commissioners/logs/{log_id}/answer",
        kwargs=_id("log_id", "log"),
        data={"confirm": True, "rating": 5},
        expect=api_write(enterprise=(200, 404)),
    ),
    Case(
        "POST /api/v1/commissioners/logs/{log_id}/approve",
        kwargs=_id("log_id", "held_log"),
        data={"approve": True},
        expect=api_write(city_admin=(200, 200)),
    ),
    Case("GET /api/v1/commissioners/evaluations", expect=EVALUATION_READERS),
    Case("GET /api/v1/commissioners/matchings", expect=MATCHING_READERS),
    Case(
        "GET /api/v1/commissioners/matchings/{run_id}",
        kwargs=_id("run_id", "run"),
        expect=MATCHING_READERS,
    ),
    Case("POST /api/v1/commissioners/matchings", data={}, expect=only(["city_admin"], yes=201)),
    Case(
        "GET /api/v1/commissioners/matchings/{run_id}/pairs",
        kwargs=_id("run_id", "run"),
        expect=MATCHING_READERS,
    ),
    Case(
        "POST /api/v1/commissioners/pairs/{pair_id}/decide",
        kwargs=_id("pair_id", "pair"),
        data={"accept": False, "note": "walk"},
        expect=only(["city_admin"], yes=200),
    ),
]
