"""Who may open the recruitment pages (walked by chainlead/core/tests/test_permission_walk.py).

Recruitment is the task force's, for its own chain; the chain leader reads their chain's
pipeline; admins all; auditors read everything and change nothing; everyone else 403.
"""

from chainlead.core.testing import Case, World, expect


def setup(world: World) -> None:
    from chainlead.recruitment.services import target_create

    world.add(
        "target",
        own=target_create(
            actor=world.admin, chain_id=world.own.chain.pk, name="walk-own", location="上海"
        ),
        other=target_create(
            actor=world.admin, chain_id=world.other.chain.pk, name="walk-other", location="北京"
        ),
    )


READERS = expect(403, city_admin=200, auditor=200, chain_leader=200, task_force=200)
OBJECT_READERS = expect(
    403, city_admin=200, auditor=200, chain_leader=(200, 404), task_force=(200, 404)
)
EDITORS = expect(403, city_admin=200, task_force=200)
OBJECT_EDITS = expect(403, city_admin=302, task_force=(302, 404))


def _pk(s):  # type: ignore[no-untyped-def]
    return {"pk": s.target.pk}


API_READERS = expect(403, city_admin=200, auditor=200, chain_leader=200, task_force=200)
API_OBJECT_READERS = expect(
    404, city_admin=200, auditor=200, chain_leader=(200, 404), task_force=(200, 404)
)
# The target is looked up in the user's scope before the service checks the action.
API_OBJECT_EDITS = expect(
    404, city_admin=200, auditor=403, chain_leader=(403, 404), task_force=(200, 404)
)


def _tid(s):  # type: ignore[no-untyped-def]
    return {"target_id": s.target.pk}


GOV = expect(
    403,
    city_admin=200,
    auditor=200,
    chain_leader=200,
    task_force=200,
    district_official=200,
    finance=200,
)


def _seg(s):  # type: ignore[no-untyped-def]
    return {"chain_slug": s.chain.slug, "segment_slug": s.segment.slug}


MATRIX = [
    Case("recruitment:opportunities", expect=GOV),
    Case("recruitment:opportunities", query={"level": "district"}, expect=GOV),
    Case(
        "recruitment:complexity_compute",
        method="POST",
        data={"level": "city"},
        # The city's analysis steers every chain: only a city admin starts it (issue 9 item 4).
        expect=expect(403, city_admin=302),
    ),
    Case(
        "recruitment:rank",
        kwargs=_seg,
        expect=expect(
            403, city_admin=200, auditor=200, chain_leader=(200, 404), task_force=(200, 404)
        ),
    ),
    Case(
        "recruitment:rank",
        method="POST",
        kwargs=_seg,
        expect=expect(
            403, city_admin=302, auditor=403, chain_leader=(403, 404), task_force=(302, 404)
        ),
    ),
    Case(
        "recruitment:target_from_candidate",
        method="POST",
        kwargs=_seg,
        data={"external_firm": "0"},
        expect=expect(403, city_admin=404, task_force=404),
    ),
    Case("GET /api/v1/recruitment/targets", expect=expect(200)),
    # Nothing is computed in the walk's world: readers get 404, others 403.
    Case(
        "GET /api/v1/recruitment/complexity",
        expect=expect(
            403,
            city_admin=404,
            auditor=404,
            chain_leader=404,
            task_force=404,
            district_official=404,
            finance=404,
        ),
    ),
    Case(
        "GET /api/v1/recruitment/opportunities",
        expect=expect(
            403,
            city_admin=404,
            auditor=404,
            chain_leader=404,
            task_force=404,
            district_official=404,
            finance=404,
        ),
    ),
    Case(
        "POST /api/v1/recruitment/complexity",
        data={"level": "city"},
        expect=expect(403, city_admin=422),
    ),
    Case(
        "GET /api/v1/recruitment/rankings/{chain}/{segment}",
        kwargs=lambda s: {"chain": s.chain.slug, "segment": s.segment.slug},
        expect=expect(404),
    ),
    Case(
        "POST /api/v1/recruitment/rankings/{chain}/{segment}",
        kwargs=lambda s: {"chain": s.chain.slug, "segment": s.segment.slug},
        expect=expect(
            404, city_admin=201, auditor=403, chain_leader=(403, 404), task_force=(201, 404)
        ),
    ),
    Case("GET /api/v1/recruitment/targets/{target_id}", kwargs=_tid, expect=API_OBJECT_READERS),
    Case(
        "POST /api/v1/recruitment/targets",
        data=lambda s: {"chain": s.chain.slug, "name": "walk-new", "location": "上海"},
        expect=expect(403, city_admin=(201, 201), task_force=(201, 403)),
    ),
    Case(
        "POST /api/v1/recruitment/targets/{target_id}/move",
        kwargs=_tid,
        data={"to_stage": "contacted"},
        expect=API_OBJECT_EDITS,
    ),
    # The walk's targets are new (identified): moving back is refused as a rule (422) to
    # those who may edit, after the scope (404) and the permission (403).
    Case(
        "POST /api/v1/recruitment/targets/{target_id}/move-back",
        kwargs=_tid,
        data={"reason": "walk"},
        expect=expect(
            404, city_admin=422, auditor=403, chain_leader=(403, 404), task_force=(422, 404)
        ),
    ),
    Case(
        "POST /api/v1/recruitment/targets/{target_id}/land",
        kwargs=_tid,
        data={"district": "滨江区", "landed_on": "2026-01-05"},
        expect=expect(
            404, city_admin=422, auditor=403, chain_leader=(403, 404), task_force=(422, 404)
        ),
    ),
    Case("recruitment:target_list", expect=READERS),
    Case("recruitment:target_list", query={"export": "csv"}, expect=READERS),
    Case("recruitment:board", expect=READERS),
    Case("recruitment:target_create", expect=EDITORS),
    Case("recruitment:target_detail", kwargs=_pk, expect=OBJECT_READERS),
    Case(
        "recruitment:target_move",
        method="POST",
        kwargs=_pk,
        data={"to_stage": "contacted"},
        expect=OBJECT_EDITS,
    ),
    Case(
        "recruitment:target_move_back",
        method="POST",
        kwargs=_pk,
        data={"reason": "walk"},
        expect=OBJECT_EDITS,
    ),
    Case(
        "recruitment:target_land",
        method="POST",
        kwargs=_pk,
        data={"landed_on": "2026-01-05"},
        expect=OBJECT_EDITS,
    ),
    Case(
        "recruitment:activity_add",
        method="POST",
        kwargs=_pk,
        data={"kind": "visit", "on": "2026-01-05", "summary": "拜访"},
        expect=OBJECT_EDITS,
    ),
    Case(
        "recruitment:promise_add",
        method="POST",
        kwargs=_pk,
        data={"kind": "jobs", "amount": "100", "due_year": "2028"},
        expect=OBJECT_EDITS,
    ),
]
