import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from chainlead.accounts.access import access_for
from chainlead.accounts.choices import Role
from chainlead.accounts.models import RoleGrant
from chainlead.audit.models import AuditEntry
from chainlead.core.exceptions import PermissionDenied
from chainlead.governance import services
from chainlead.governance.models import ActionItem, ChainLeader, WorkPlan
from chainlead.governance.tests.conftest import TODAY
from chainlead.governance.tests.factories import UserFactory


def test_appointing_a_leader_grants_the_chain(admin, chain, leader):
    grant = RoleGrant.objects.get(user=leader, role=Role.CHAIN_LEADER)
    assert grant.chain == chain
    assert chain.pk in access_for(leader).leader_chain_ids


def test_a_second_leader_is_refused(admin, chain, leader):
    other = UserFactory(username="second")
    with pytest.raises(services.GovernanceError, match="already has a leader"):
        services.leader_appoint(actor=admin, chain=chain, user=other)
    assert ChainLeader.objects.get(chain=chain).user == leader
    assert not RoleGrant.objects.filter(user=other).exists()


def test_the_database_refuses_a_second_leader_row(admin, chain, leader):
    with pytest.raises(IntegrityError), transaction.atomic():
        ChainLeader.objects.create(
            chain=chain, user=UserFactory(username="sneaky"), appointed_on=TODAY
        )


def test_replacing_the_leader_moves_the_grant(admin, chain, leader):
    successor = UserFactory(username="successor")
    services.leader_appoint(actor=admin, chain=chain, user=successor, replace=True)
    assert ChainLeader.objects.get(chain=chain).user == successor
    assert not RoleGrant.objects.filter(user=leader, role=Role.CHAIN_LEADER).exists()
    assert RoleGrant.objects.filter(user=successor, role=Role.CHAIN_LEADER, chain=chain).exists()


def test_only_admins_appoint(member, chain):
    with pytest.raises(PermissionDenied):
        services.leader_appoint(actor=member, chain=chain, user=member)


def test_task_force_membership_grants_and_revokes(admin, chain, member):
    assert chain.pk in access_for(member).task_force_chain_ids
    record = member.task_forces.get()
    services.task_force_member_remove(actor=admin, member=record)
    assert not RoleGrant.objects.filter(user=member, role=Role.TASK_FORCE).exists()


def test_second_task_force_head_is_refused(admin, chain, member):
    with pytest.raises(ValidationError, match="already has a head"):
        services.task_force_member_add(
            actor=admin, chain=chain, user=UserFactory(username="head2"), role="head"
        )


def test_a_second_active_plan_for_the_year_is_refused(plan, member, chain):
    with pytest.raises(services.GovernanceError, match="already has an active work plan"):
        services.plan_create(actor=member, chain=chain, year=2026, title="另一个计划")
    # Another year is fine, and so is a new plan once the old one is archived.
    services.plan_create(actor=member, chain=chain, year=2027, title="2027")
    services.plan_archive(actor=member, plan=plan)
    services.plan_create(actor=member, chain=chain, year=2026, title="修订版")
    assert WorkPlan.objects.filter(chain=chain, year=2026).count() == 2


def test_the_database_refuses_a_second_active_plan(plan, chain):
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkPlan.objects.create(chain=chain, year=2026, title="x", status="approved")


def test_plan_approval_by_the_leader_only(plan, member, leader):
    with pytest.raises(PermissionDenied):
        services.plan_approve(actor=member, plan=plan)
    services.plan_approve(actor=leader, plan=plan)
    plan.refresh_from_db()
    assert plan.status == "approved"
    assert plan.approved_by == leader
    assert AuditEntry.objects.filter(event="plan_approved", object_id=str(plan.pk)).exists()
    with pytest.raises(services.GovernanceError):
        services.target_set(actor=member, plan=plan, indicator="rd_spend", value=1)


def test_a_plan_without_targets_is_not_approved(member, leader, chain):
    empty = services.plan_create(actor=member, chain=chain, year=2025, title="空计划")
    with pytest.raises(services.GovernanceError, match="without targets"):
        services.plan_approve(actor=leader, plan=empty)


def test_actuals_are_entered_only_where_the_registry_has_none(plan, member):
    investment = plan.targets.get(indicator="fixed_asset_investment")
    entry = services.actual_enter(
        actor=member,
        target=investment,
        value=Decimal("12.50"),
        as_of=dt.date(2026, 5, 31),
        source="市统计局月报",
    )
    assert AuditEntry.objects.filter(
        content_type__model="actualentry", object_id=str(entry.pk), action="create"
    ).exists()
    with pytest.raises(services.GovernanceError, match="derived from the registry"):
        services.actual_enter(
            actor=member,
            target=plan.targets.get(indicator="rd_spend"),
            value=1,
            as_of=TODAY,
            source="x",
        )


def test_other_chains_task_force_may_not_edit(plan, other_chain, admin):
    stranger = UserFactory(username="tf-bio")
    services.task_force_member_add(actor=admin, chain=other_chain, user=stranger)
    with pytest.raises(PermissionDenied):
        services.target_set(actor=stranger, plan=plan, indicator="rd_spend", value=1)


def test_action_items_move_like_requests(member, chain, admin):
    owner = UserFactory(username="owner")
    meeting = services.meeting_create(
        actor=member,
        chain=chain,
        title="专班例会",
        held_at=dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC),
    )
    decision = services.decision_create(actor=member, meeting=meeting, text="建设算力中心")
    item = services.action_item_create(
        actor=member,
        chain=chain,
        meeting=meeting,
        decision=decision,
        title="完成选址",
        owner=owner,
        deadline=dt.date(2026, 6, 10),
    )
    assert item.is_overdue(TODAY)
    with pytest.raises(services.GovernanceError, match="cannot go from"):
        services.action_item_transition(actor=owner, item=item, status="done")
    services.action_item_transition(actor=owner, item=item, status="in_progress")
    item = services.action_item_transition(actor=owner, item=item, status="done", note="已选址")
    assert item.closed_at is not None
    assert not item.is_overdue(TODAY)
    with pytest.raises(services.GovernanceError):
        services.action_item_transition(actor=owner, item=item, status="in_progress")
    stranger = UserFactory(username="nobody")
    other = services.action_item_create(
        actor=member, chain=chain, title="b", owner=owner, deadline=TODAY
    )
    with pytest.raises(PermissionDenied):
        services.action_item_transition(actor=stranger, item=other, status="in_progress")
    with pytest.raises(services.GovernanceError, match="why"):
        services.action_item_transition(actor=member, item=other, status="cancelled")
    assert ActionItem.objects.get(pk=other.pk).status == "open"
