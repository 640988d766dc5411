"""Who may open the governance pages and API operations (walked by core's permission walk).

City admins and auditors read every chain's governance; the chain leader and the task force read
their own chain (another chain's pages are 403, its objects 404); everyone else gets 403. City
admins and the chain's task force edit; the chain leader (or a city admin) approves the plan;
only city admins appoint leaders, manage task forces and create policy items. Auditors change
nothing.
"""

from chainlead.core.testing import Case, World, expect, only

READERS = ["city_admin", "chain_leader", "task_force", "auditor"]


def setup(world: World) -> None:
    import datetime as dt

    from chainlead.accounts.services import user_create
    from chainlead.governance import services
    from chainlead.governance.models import PolicyItem

    admin = world.admin
    member = world.users["task_force"]
    objects: dict[str, dict[str, object]] = {}
    for side in ("own", "other"):
        chain = world.side(side).chain
        plan = services.plan_create(actor=admin, chain=chain, year=2026, title=f"Plan {side}")
        services.target_set(actor=admin, plan=plan, indicator="rd_spend", value=10)
        investment = services.target_set(
            actor=admin, plan=plan, indicator="fixed_asset_investment", value=10
        )
        milestone = services.milestone_create(
            actor=admin, plan=plan, title="m", owner=member, deadline=dt.date(2026, 9, 1)
        )
        meeting = services.meeting_create(
            actor=admin,
            chain=chain,
            title=f"Meeting {side}",
            held_at=dt.datetime(2026, 6, 1, tzinfo=dt.UTC),
        )
        services.decision_create(actor=admin, meeting=meeting, text="d")
        action = services.action_item_create(
            actor=admin,
            chain=chain,
            meeting=meeting,
            title="a",
            owner=member,
            deadline=dt.date(2026, 7, 1),
        )
        policy = PolicyItem.objects.create(title=f"Policy {side}")
        item = services.package_item_add(actor=admin, chain=chain, policy=policy)
        person = user_create(actor=admin, username=f"walk_gov_member_{side}", password=None)
        tf_member = services.task_force_member_add(actor=admin, chain=chain, user=person)
        objects[side] = {
            "plan": plan,
            "investment": investment,
            "milestone": milestone,
            "meeting": meeting,
            "action": action,
            "policy": policy,
            "package_item": item,
            "tf_member": tf_member,
        }
    for name in objects["own"]:
        world.add(name, own=objects["own"][name], other=objects["other"][name])


chain = lambda s: {"slug": s.chain.slug}  # noqa: E731
plan = lambda s: {"pk": s.plan.pk}  # noqa: E731
meeting = lambda s: {"pk": s.meeting.pk}  # noqa: E731

READ = only(READERS)
# A chain's page: another chain's is 403 for its leader and task force.
READ_CHAIN = only(READERS, yes=(200, 200), chain_leader=(200, 403), task_force=(200, 403))
# An object of a chain: another chain's is 404 (out of scope) for its leader and task force.
READ_OBJECT = only(READERS, yes=(200, 200), chain_leader=(200, 404), task_force=(200, 404))
EDIT_CHAIN = only(["city_admin"], yes=(200, 200), task_force=(200, 403))
ADMIN = only(["city_admin"])


def edit_object(yes: int) -> dict[str, object]:
    """A write on a chain's object: admins anywhere, the task force on its own chain."""
    return only(["city_admin"], yes=(yes, yes), task_force=(yes, 404))


MATRIX = [
    Case("governance:dashboard_list", expect=READ),
    Case("governance:dashboard", kwargs=chain, expect=READ_CHAIN),
    Case(
        "governance:briefing",
        kwargs=chain,
        query={"month": "2026-06", "format": "xlsx"},
        expect=READ_CHAIN,
    ),
    Case("governance:leader_appoint", kwargs=chain, expect=ADMIN),
    Case("governance:leader_appoint", method="POST", kwargs=chain, data={}, expect=ADMIN),
    Case("governance:task_force", kwargs=chain, expect=READ_CHAIN),
    Case("governance:task_force", method="POST", kwargs=chain, data={}, expect=ADMIN),
    Case(
        "governance:task_force_remove",
        method="POST",
        kwargs=lambda s: {"pk": s.tf_member.pk},
        expect=only(["city_admin"], yes=302),
    ),
    Case("governance:plan_create", kwargs=chain, expect=EDIT_CHAIN),
    Case("governance:plan_detail", kwargs=plan, expect=READ_OBJECT),
    Case(
        "governance:plan_approve",
        method="POST",
        kwargs=plan,
        expect=only(
            ["city_admin"],
            yes=(302, 302),
            chain_leader=(302, 404),
            task_force=(403, 404),
            auditor=403,
        ),
    ),
    Case(
        "governance:target_set",
        method="POST",
        kwargs=plan,
        data={"indicator": "rd_spend", "value": "1"},
        expect=edit_object(302),
    ),
    Case(
        "governance:milestone_create", method="POST", kwargs=plan, data={}, expect=edit_object(302)
    ),
    Case(
        "governance:actual_enter",
        method="POST",
        kwargs=lambda s: {"pk": s.investment.pk},
        data={"value": "1", "as_of": "2026-06-01", "source": "walk"},
        expect=edit_object(302),
    ),
    Case(
        "governance:milestone_status",
        method="POST",
        kwargs=lambda s: {"pk": s.milestone.pk},
        data={"status": "in_progress"},
        expect=edit_object(302),
    ),
    Case("governance:meeting_list", kwargs=chain, expect=READ_CHAIN),
    Case("governance:meeting_create", kwargs=chain, expect=EDIT_CHAIN),
    Case("governance:meeting_detail", kwargs=meeting, expect=READ_OBJECT),
    Case(
        "governance:decision_create",
        method="POST",
        kwargs=meeting,
        data={"text": "walk"},
        expect=edit_object(302),
    ),
    Case(
        "governance:action_create", method="POST", kwargs=meeting, data={}, expect=edit_object(302)
    ),
    # Anyone logged in may try; the owner, the task force and admins may move it. Out of the
    # user's chains (and not theirs) it is 404.
    Case(
        "governance:action_transition",
        method="POST",
        kwargs=lambda s: {"pk": s.action.pk},
        data={"status": "in_progress"},
        expect=expect(
            404,
            city_admin=(302, 302),
            task_force=(302, 302),  # the owner of both sides' items
            chain_leader=(403, 404),
            auditor=403,
        ),
    ),
    Case("governance:package", kwargs=chain, expect=READ_CHAIN),
    Case("governance:package", method="POST", kwargs=chain, data={}, expect=EDIT_CHAIN),
    Case(
        "governance:package_remove",
        method="POST",
        kwargs=lambda s: {"pk": s.package_item.pk},
        expect=only(["city_admin"], yes=(302, 302), task_force=(302, 403)),
    ),
    Case("governance:policy_list", expect=READ),
    Case("governance:policy_create", expect=ADMIN),
    Case("governance:policy_detail", kwargs=lambda s: {"pk": s.policy.pk}, expect=READ),
    # The API: the same rules; an object out of scope is 404.
    Case(
        "GET /api/v1/governance/chains/{slug}/five-ones",
        kwargs=chain,
        expect=READ_CHAIN,
    ),
    Case("GET /api/v1/governance/plans", expect=READ),
    Case(
        "POST /api/v1/governance/plans",
        data=lambda s: {"chain": s.chain.slug, "year": 2030, "title": "walk"},
        expect=only(["city_admin"], yes=(201, 201), task_force=(201, 403)),
    ),
    Case(
        "GET /api/v1/governance/plans/{plan_id}",
        kwargs=lambda s: {"plan_id": s.plan.pk},
        expect=READ_OBJECT,
    ),
    Case(
        "POST /api/v1/governance/plans/{plan_id}/approve",
        kwargs=lambda s: {"plan_id": s.plan.pk},
        expect=only(
            ["city_admin"],
            yes=(200, 200),
            chain_leader=(200, 404),
            task_force=(403, 404),
            auditor=403,
        ),
    ),
    Case(
        "GET /api/v1/governance/plans/{plan_id}/targets",
        kwargs=lambda s: {"plan_id": s.plan.pk},
        expect=READ_OBJECT,
    ),
    Case(
        "POST /api/v1/governance/plans/{plan_id}/targets",
        kwargs=lambda s: {"plan_id": s.plan.pk},
        data={"indicator": "rd_spend", "value": "2"},
        expect=only(
            ["city_admin"],
            yes=(200, 200),
            task_force=(200, 404),
            chain_leader=(403, 404),
            auditor=403,
        ),
    ),
    Case(
        "POST /api/v1/governance/plans/{plan_id}/targets/{indicator}/actuals",
        kwargs=lambda s: {"plan_id": s.plan.pk, "indicator": "fixed_asset_investment"},
        data={"value": "3", "as_of": "2026-06-01", "source": "walk"},
        expect=only(
            ["city_admin"],
            yes=(201, 201),
            task_force=(201, 404),
            chain_leader=(403, 404),
            auditor=403,
        ),
    ),
    Case("GET /api/v1/governance/meetings", expect=READ),
    Case(
        "GET /api/v1/governance/meetings/{meeting_id}",
        kwargs=lambda s: {"meeting_id": s.meeting.pk},
        expect=READ_OBJECT,
    ),
    Case(
        "POST /api/v1/governance/meetings",
        data=lambda s: {
            "chain": s.chain.slug,
            "title": "walk",
            "held_at": "2026-06-01T09:00:00+08:00",
        },
        expect=only(["city_admin"], yes=(201, 201), task_force=(201, 403)),
    ),
    Case("GET /api/v1/governance/policies", expect=READ),
    Case(
        "GET /api/v1/governance/policies/{policy_id}",
        kwargs=lambda s: {"policy_id": s.policy.pk},
        expect=READ,
    ),
    Case(
        "POST /api/v1/governance/policies",
        data={"title": "walk policy"},
        expect=only(["city_admin"], yes=201),
    ),
]
