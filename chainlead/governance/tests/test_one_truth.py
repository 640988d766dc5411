"""Who leads a chain has one truth: the leader and task-force records and the role grants that
access reads never disagree, whichever way a role is given or taken (issue 8, item 8)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from chainlead.accounts.access import access_for
from chainlead.accounts.choices import Role
from chainlead.accounts.models import RoleGrant
from chainlead.accounts.services import role_grant, role_revoke, user_create
from chainlead.governance.models import ChainLeader, TaskForceMember
from chainlead.governance.selectors import five_ones
from chainlead.governance.services import GovernanceError, leader_appoint


def _user(world, name):
    return user_create(actor=world.admin, username=name, password=None)


def test_granting_the_leader_role_appoints_the_leader(world):
    chain = world.other.chain  # no leader yet: the world's leader holds the own chain
    user = _user(world, "new-leader")
    grant = role_grant(actor=world.admin, user=user, role=Role.CHAIN_LEADER, chain=chain)
    assert grant.role == Role.CHAIN_LEADER and grant.chain == chain
    assert ChainLeader.objects.get(chain=chain).user == user
    assert chain.pk in access_for(user).leader_chain_ids
    assert five_ones(chain, year=2026).leader


def test_a_second_leader_grant_is_refused_and_changes_nothing(world):
    chain = world.own.chain
    leader = ChainLeader.objects.get(chain=chain).user
    intruder = _user(world, "second-leader")
    with pytest.raises(GovernanceError):
        role_grant(actor=world.admin, user=intruder, role=Role.CHAIN_LEADER, chain=chain)
    assert not RoleGrant.objects.filter(user=intruder).exists()
    assert ChainLeader.objects.get(chain=chain).user == leader


def test_revoking_the_grant_relieves_the_leader(world):
    chain = world.own.chain
    grant = RoleGrant.objects.get(role=Role.CHAIN_LEADER, chain=chain)
    role_revoke(actor=world.admin, grant=grant)
    assert not ChainLeader.objects.filter(chain=chain).exists()
    assert not RoleGrant.objects.filter(role=Role.CHAIN_LEADER, chain=chain).exists()


def test_task_force_grants_follow_the_members(world):
    chain = world.other.chain
    user = _user(world, "new-member")
    grant = role_grant(actor=world.admin, user=user, role=Role.TASK_FORCE, chain=chain)
    assert TaskForceMember.objects.filter(chain=chain, user=user).exists()
    role_revoke(actor=world.admin, grant=grant)
    assert not TaskForceMember.objects.filter(chain=chain, user=user).exists()
    assert not RoleGrant.objects.filter(user=user).exists()


def test_a_grant_saved_around_the_services_fails_validation(world):
    # The Django admin and the shell save through full_clean(): the record must come first.
    grant = RoleGrant(user=_user(world, "raw"), role=Role.CHAIN_LEADER, chain=world.other.chain)
    with pytest.raises(ValidationError) as error:
        grant.full_clean()
    assert "role" in error.value.message_dict


def test_the_records_and_the_grants_agree_after_replacing_a_leader(world):
    chain = world.own.chain
    successor = _user(world, "successor")
    leader_appoint(actor=world.admin, chain=chain, user=successor, replace=True)
    grants = RoleGrant.objects.filter(role=Role.CHAIN_LEADER, chain=chain)
    assert [g.user for g in grants] == [successor]
    assert ChainLeader.objects.get(chain=chain).user == successor
