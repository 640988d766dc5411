"""Writes of chain governance. Every write checks the actor, validates and is audited.

Leaders and task-force members are mirrored by accounts.RoleGrant rows (CHAIN_LEADER and TASK_FORCE
with the chain as scope): access checks read the grants, so the services change both together, and
a grant asked of accounts creates the record (accounts.mirrors): the two never disagree.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from chainlead.accounts.access import access_for, forget_access
from chainlead.accounts.choices import Role
from chainlead.accounts.mirrors import owner_writes
from chainlead.accounts.models import RoleGrant, User
from chainlead.accounts.services import role_grant, role_revoke
from chainlead.accounts.types import Actor, recorded_user
from chainlead.audit import context as audit_context
from chainlead.audit.services import record_event
from chainlead.chains.models import Chain
from chainlead.chains.permissions import edits_chain
from chainlead.core.exceptions import PermissionDenied
from chainlead.governance import notices
from chainlead.governance.choices import (
    ActionStatus,
    ActualSource,
    DateBasis,
    Indicator,
    MilestoneStatus,
    PlanStatus,
    PolicyProvenance,
    PolicyTopic,
    TaskForceRole,
)
from chainlead.governance.constants import (
    CHAIN_NAME_HINTS,
    CHAIN_TITLE_KEYWORDS,
    INDICATOR_SOURCES,
    TOPIC_CHAIN_SLUGS,
)
from chainlead.governance.models import (
    ActionItem,
    ActualEntry,
    ChainLeader,
    Decision,
    Meeting,
    Milestone,
    PackageItem,
    PolicyItem,
    Target,
    TaskForceMember,
    WorkPlan,
)
from chainlead.governance.permissions import (
    administers_governance,
    approves_plan,
    reads_chain_governance,
    refusal_message,
    refused_people,
)
from chainlead.notifications.services import notify


class GovernanceError(ValidationError):
    """A governance rule refuses the write (second leader, second active plan, bad transition)."""


# --- permission helpers -----------------------------------------------------------------------


def can_read_chain(actor: Actor, chain_id: int) -> bool:
    return reads_chain_governance(access_for(actor), chain_id)


def can_edit_chain(actor: Actor, chain_id: int) -> bool:
    return edits_chain(access_for(actor), chain_id)


def can_approve_plan(actor: Actor, chain_id: int) -> bool:
    return approves_plan(access_for(actor), chain_id)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _require_edit(actor: Actor, chain_id: int) -> None:
    _require(
        can_edit_chain(actor, chain_id),
        _("Only the chain's task force or a city admin may change its governance."),
    )


# The system (actor=None) may write only from a command or a task, inside
# `acting_as(None, source="cli"|"task")`, as in chains.services.
SYSTEM_SOURCES = frozenset({"cli", "task"})


def is_system_context(actor: Actor) -> bool:
    ctx = audit_context.current()
    return actor is None and ctx.actor is None and ctx.source in SYSTEM_SOURCES


def _require_admin(actor: Actor) -> None:
    _require(
        is_system_context(actor) or administers_governance(access_for(actor)),
        _("Only city admins may do this."),
    )


M = TypeVar("M", bound=Model)


def _save(obj: M) -> M:
    obj.full_clean()
    obj.save()
    return obj


# --- leader and task force --------------------------------------------------------------------


def _require_people(field: str, users: Iterable[Any]) -> None:
    """Refuse a person who may not hold a part in governance (governance/permissions.py)."""
    refused = refused_people(u for u in users if u is not None)
    if refused:
        raise GovernanceError({field: refusal_message(refused)})


def _sync_grant(
    *, actor: Actor, user: User, chain: Chain | None, role: Role, present: bool
) -> None:
    # The grants mirror the records (accounts.mirrors): only these services write them.
    with owner_writes():
        if present:
            role_grant(actor=actor, user=user, role=role, chain=chain)
        else:
            for grant in RoleGrant.objects.filter(user=user, chain=chain, role=role):
                role_revoke(actor=actor, grant=grant)
    forget_access(user)


def _granted_chain(chain: Chain | None) -> Chain:
    if chain is None:
        raise ValidationError({"chain": _("This role needs exactly this scope.")})
    return chain


def leader_grant(*, actor: Actor, user: User, chain: Chain | None = None, **_scope: Any) -> None:
    """A CHAIN_LEADER grant asked of accounts: appoint the leader (one per chain)."""
    leader_appoint(actor=actor, chain=_granted_chain(chain), user=user)


def leader_grant_revoke(*, actor: Actor, grant: RoleGrant) -> None:
    # chain_id may be None to the stubs; a None finds no leader, as the refusal wants.
    leaders = ChainLeader.objects.filter(chain_id=grant.chain_id, user_id=grant.user_id)  # type: ignore[misc]
    if leaders.exists():
        leader_relieve(actor=actor, chain=_granted_chain(grant.chain))
    else:  # a grant left from before the records were the truth
        _sync_grant(
            actor=actor, user=grant.user, chain=grant.chain, role=Role.CHAIN_LEADER, present=False
        )


def task_force_grant(
    *, actor: Actor, user: User, chain: Chain | None = None, **_scope: Any
) -> None:
    """A TASK_FORCE grant asked of accounts: add the member to the chain's task force."""
    member = TaskForceMember.objects.filter(chain=chain, user=user).first()
    if member is None:
        task_force_member_add(actor=actor, chain=_granted_chain(chain), user=user)
    else:  # the record exists: make sure the grant does too
        _sync_grant(actor=actor, user=user, chain=member.chain, role=Role.TASK_FORCE, present=True)


def task_force_grant_revoke(*, actor: Actor, grant: RoleGrant) -> None:
    # chain_id may be None to the stubs; a None finds no member, and the grant is dropped.
    members = TaskForceMember.objects.filter(chain_id=grant.chain_id, user_id=grant.user_id)  # type: ignore[misc]
    member = members.first()
    if member is not None:
        task_force_member_remove(actor=actor, member=member)
    else:
        _sync_grant(
            actor=actor, user=grant.user, chain=grant.chain, role=Role.TASK_FORCE, present=False
        )


@transaction.atomic
def leader_appoint(
    *,
    actor: Actor,
    chain: Chain,
    user: User,
    title: str = "",
    appointed_on: dt.date | None = None,
    replace: bool = False,
) -> ChainLeader:
    """Make `user` the chain leader. A chain has one leader: replacing one must be asked for."""
    _require_admin(actor)
    _require_people("user", [user])
    current = ChainLeader.objects.select_for_update().filter(chain=chain).first()
    if current is not None and not replace:
        if current.user_id == user.pk:
            return current
        raise GovernanceError(
            _("%(chain)s already has a leader (%(user)s). Replace the leader instead.")
            % {"chain": chain, "user": current.user}
        )
    if current is not None:
        old_user = current.user
        current.user = user
        current.title = title
        current.appointed_on = appointed_on or timezone.localdate()
        current.appointed_by = recorded_user(actor)
        leader = _save(current)
        if old_user.pk != user.pk:
            _sync_grant(
                actor=actor, user=old_user, chain=chain, role=Role.CHAIN_LEADER, present=False
            )
    else:
        leader = ChainLeader(
            chain=chain,
            user=user,
            title=title,
            appointed_on=appointed_on or timezone.localdate(),
            appointed_by=recorded_user(actor),
        )
        try:
            with transaction.atomic():
                _save(leader)
        except IntegrityError as exc:  # a concurrent appointment won the race
            raise GovernanceError(_("%(chain)s already has a leader.") % {"chain": chain}) from exc
    _sync_grant(actor=actor, user=user, chain=chain, role=Role.CHAIN_LEADER, present=True)
    record_event(instance=leader, event="leader_appointed", message=str(user))
    return leader


@transaction.atomic
def leader_relieve(*, actor: Actor, chain: Chain) -> None:
    _require_admin(actor)
    leader = ChainLeader.objects.filter(chain=chain).first()
    if leader is None:
        return
    _sync_grant(actor=actor, user=leader.user, chain=chain, role=Role.CHAIN_LEADER, present=False)
    leader.delete()


@transaction.atomic
def task_force_member_add(
    *,
    actor: Actor,
    chain: Chain,
    user: User,
    role: str = TaskForceRole.MEMBER,
    unit: str = "",
    joined_on: dt.date | None = None,
) -> TaskForceMember:
    """Add `user` to the chain's task force (or change their role) and grant them the chain."""
    _require_admin(actor)
    _require_people("user", [user])
    member = TaskForceMember.objects.filter(chain=chain, user=user).first() or TaskForceMember(
        chain=chain, user=user, joined_on=joined_on or timezone.localdate()
    )
    member.role = role
    member.unit = unit
    _save(member)
    _sync_grant(actor=actor, user=user, chain=chain, role=Role.TASK_FORCE, present=True)
    return member


@transaction.atomic
def task_force_member_remove(*, actor: Actor, member: TaskForceMember) -> None:
    _require_admin(actor)
    _sync_grant(
        actor=actor, user=member.user, chain=member.chain, role=Role.TASK_FORCE, present=False
    )
    member.delete()


# --- work plans -------------------------------------------------------------------------------


@transaction.atomic
def plan_create(
    *, actor: Actor, chain: Chain, year: int, title: str, summary: str = ""
) -> WorkPlan:
    """A draft plan. A chain has one active (draft or approved) plan per year."""
    _require_edit(actor, chain.pk)
    if WorkPlan.objects.filter(chain=chain, year=year).exclude(status=PlanStatus.ARCHIVED).exists():
        raise GovernanceError(
            _("%(chain)s already has an active work plan for %(year)s. Archive it first.")
            % {"chain": chain, "year": year}
        )
    plan = WorkPlan(
        chain=chain, year=year, title=title, summary=summary, created_by=recorded_user(actor)
    )
    try:
        with transaction.atomic():
            _save(plan)
    except IntegrityError as exc:
        raise GovernanceError(
            _("%(chain)s already has an active work plan for %(year)s.")
            % {"chain": chain, "year": year}
        ) from exc
    return plan


@transaction.atomic
def plan_approve(*, actor: Actor, plan: WorkPlan, now: dt.datetime | None = None) -> WorkPlan:
    """The chain leader approves the plan; it must have at least one target.

    The plan row is locked and read again first, so that of simultaneous approvals exactly one
    finds a draft and writes the one `plan_approved` event (on SQLite the IMMEDIATE transaction
    already serialises writers; the re-read is what makes the second one see the approval)."""
    _require(
        can_approve_plan(actor, plan.chain_id),
        _("Only the chain leader (or a city admin) approves the work plan."),
    )
    locked = WorkPlan.objects.select_for_update().get(pk=plan.pk)
    if locked.status != PlanStatus.DRAFT:
        raise GovernanceError(_("Only a draft plan can be approved."))
    if not locked.targets.exists():
        raise GovernanceError(_("A plan without targets cannot be approved."))
    locked.status = PlanStatus.APPROVED
    locked.approved_by = recorded_user(actor)
    locked.approved_at = now or timezone.now()
    _save(locked)
    record_event(instance=locked, event="plan_approved", message=str(actor))
    # The caller's object (with whatever it prefetched) shows what this call wrote.
    plan.status, plan.approved_by, plan.approved_at = (
        locked.status,
        locked.approved_by,
        locked.approved_at,
    )
    return plan


@transaction.atomic
def plan_archive(*, actor: Actor, plan: WorkPlan) -> WorkPlan:
    _require_edit(actor, plan.chain_id)
    plan.status = PlanStatus.ARCHIVED
    return _save(plan)


def _require_draft_edit(actor: Actor, plan: WorkPlan) -> None:
    _require_edit(actor, plan.chain_id)
    if plan.status != PlanStatus.DRAFT:
        raise GovernanceError(_("An approved or archived plan's targets cannot be changed."))


@transaction.atomic
def target_set(
    *, actor: Actor, plan: WorkPlan, indicator: str, value: Decimal, note: str = ""
) -> Target:
    """Set (or change) the plan's target for `indicator`, while the plan is a draft."""
    _require_draft_edit(actor, plan)
    target = Target.objects.filter(plan=plan, indicator=indicator).first() or Target(
        plan=plan, indicator=indicator
    )
    target.value = Decimal(value)
    target.note = note
    return _save(target)


@transaction.atomic
def actual_enter(
    *, actor: Actor, target: Target, value: Decimal, as_of: dt.date, source: str
) -> ActualEntry:
    """Enter an actual the registry cannot derive (fixed-asset investment). Audited."""
    _require_edit(actor, target.plan.chain_id)
    if INDICATOR_SOURCES[Indicator(target.indicator)] != ActualSource.ENTERED:
        raise GovernanceError(
            _("The actual of %(indicator)s is derived from the registry; it is not entered.")
            % {"indicator": target.get_indicator_display()}
        )
    entry = ActualEntry(
        target=target,
        value=Decimal(value),
        as_of=as_of,
        source=source,
        entered_by=recorded_user(actor),
    )
    return _save(entry)


@transaction.atomic
def milestone_create(
    *, actor: Actor, plan: WorkPlan, title: str, owner: Any, deadline: dt.date
) -> Milestone:
    _require_edit(actor, plan.chain_id)
    _require_people("owner", [owner])
    return _save(Milestone(plan=plan, title=title, owner=owner, deadline=deadline))


MILESTONE_MOVES = {
    MilestoneStatus.PLANNED: {MilestoneStatus.IN_PROGRESS, MilestoneStatus.CANCELLED},
    MilestoneStatus.IN_PROGRESS: {MilestoneStatus.DONE, MilestoneStatus.CANCELLED},
    MilestoneStatus.DONE: set(),
    MilestoneStatus.CANCELLED: set(),
}


@transaction.atomic
def milestone_set_status(
    *, actor: Actor, milestone: Milestone, status: str, today: dt.date | None = None
) -> Milestone:
    _require_edit(actor, milestone.plan.chain_id)
    if MilestoneStatus(status) not in MILESTONE_MOVES[MilestoneStatus(milestone.status)]:
        raise GovernanceError(
            _("A milestone cannot go from %(old)s to %(new)s.")
            % {"old": milestone.get_status_display(), "new": MilestoneStatus(status).label}
        )
    milestone.status = status
    if status == MilestoneStatus.DONE:
        milestone.done_on = today or timezone.localdate()
    return _save(milestone)


# --- policy items and packages ----------------------------------------------------------------

POLICY_FIELDS = (
    "title",
    "issuing_body",
    "doc_number",
    "date_text",
    "date_basis",
    "effective_from",
    "effective_until",
    "topic",
    "supports",
    "amounts",
    "budget",
    "source_url",
)


@transaction.atomic
def policy_create(*, actor: Actor, **fields: Any) -> PolicyItem:
    _require_admin(actor)
    unknown = set(fields) - set(POLICY_FIELDS)
    if unknown:
        raise TypeError(f"Unknown policy fields: {sorted(unknown)}")
    return _save(PolicyItem(provenance=PolicyProvenance.ENTERED, **fields))


@transaction.atomic
def package_item_add(
    *, actor: Actor, chain: Chain, policy: PolicyItem, note: str = ""
) -> PackageItem:
    """Put `policy` in the chain's policy package (idempotent)."""
    _require_edit(actor, chain.pk)
    existing = PackageItem.objects.filter(chain=chain, policy=policy).first()
    if existing is not None:
        return existing
    return _save(PackageItem(chain=chain, policy=policy, note=note, added_by=recorded_user(actor)))


@transaction.atomic
def package_item_remove(*, actor: Actor, item: PackageItem) -> None:
    _require_edit(actor, item.chain_id)
    item.delete()


@dataclass
class PolicyLoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


POLICY_CSV_COLUMNS = (
    "title_zh",
    "issuing_body",
    "doc_number",
    "date",
    "date_basis",
    "topic",
    "what_it_supports",
    "amounts",
    "source_url",
)


def _policy_row_fields(row: dict[str, str]) -> dict[str, Any]:
    # Only what the file states: no document number or date is filled in or padded (a "2023-09"
    # stays a month; a blank stays blank), and the source addresses are kept.
    topic = row["topic"].strip()
    basis = row["date_basis"].strip()
    return {
        "title": row["title_zh"].strip(),
        "issuing_body": row["issuing_body"].strip(),
        "doc_number": row["doc_number"].strip(),
        "date_text": row["date"].strip(),
        "date_basis": basis if basis in DateBasis.values else "",
        "topic": topic if topic in PolicyTopic.values else PolicyTopic.OTHER,
        "supports": row["what_it_supports"].strip(),
        "amounts": row["amounts"].strip(),
        "source_url": row["source_url"].strip(),
    }


@transaction.atomic
def policies_load(*, actor: Actor, path: Path) -> PolicyLoadResult:
    """Load (or refresh) the public policy documents of a policies.csv; idempotent."""
    _require_admin(actor)
    result = PolicyLoadResult()
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = set(POLICY_CSV_COLUMNS) - set(reader.fieldnames or ())
        if missing:
            raise GovernanceError(
                _("The policy file lacks the columns: %(cols)s") % {"cols": ", ".join(missing)}
            )
        for row in reader:
            fields = _policy_row_fields(row)
            if not fields["title"]:
                continue
            policy = PolicyItem.objects.filter(
                title=fields["title"], issuing_body=fields["issuing_body"]
            ).first()
            if policy is None:
                _save(PolicyItem(provenance=PolicyProvenance.PUBLIC, **fields))
                result.created += 1
                continue
            changed = [k for k, v in fields.items() if getattr(policy, k) != v]
            if changed:
                for k in changed:
                    setattr(policy, k, fields[k])
                _save(policy)
                result.updated += 1
            else:
                result.unchanged += 1
    return result


def chain_for_slug(slug: str, chains: Iterable[Chain]) -> Chain | None:
    """The chain with this template slug, else one whose name carries the slug's name hint."""
    chains = list(chains)
    for chain in chains:
        if chain.slug == slug:
            return chain
    for hint in CHAIN_NAME_HINTS.get(slug, ()):
        for chain in chains:
            if hint in chain.name or hint in chain.name_en:
                return chain
    return None


def chains_for_policy(policy: PolicyItem, chains: list[Chain]) -> list[Chain]:
    """The demo's mapping (constants.TOPIC_CHAIN_SLUGS and CHAIN_TITLE_KEYWORDS)."""
    if policy.topic == PolicyTopic.CHAIN:
        slugs = [
            slug
            for slug, words in CHAIN_TITLE_KEYWORDS.items()
            if any(w in policy.title for w in words)
        ]
        if not slugs:
            return list(chains)
    else:
        wanted = TOPIC_CHAIN_SLUGS.get(policy.topic)
        if wanted is None:
            return list(chains)
        slugs = list(wanted)
    found = [chain_for_slug(s, chains) for s in slugs]
    return [c for c in dict.fromkeys(found) if c is not None]


@transaction.atomic
def packages_attach_by_topic(*, actor: Actor, chains: Iterable[Chain] | None = None) -> int:
    """Attach every public policy to the chains its topic serves; returns the number added."""
    _require_admin(actor)
    chain_list = list(chains if chains is not None else Chain.objects.all())
    added = 0
    for policy in PolicyItem.objects.filter(provenance=PolicyProvenance.PUBLIC):
        for chain in chains_for_policy(policy, chain_list):
            if not PackageItem.objects.filter(chain=chain, policy=policy).exists():
                _save(
                    PackageItem(
                        chain=chain,
                        policy=policy,
                        note=_("attached by topic: %(topic)s")
                        % {"topic": policy.get_topic_display()},
                        added_by=recorded_user(actor),
                    )
                )
                added += 1
    return added


# --- meetings, decisions, action items --------------------------------------------------------


@transaction.atomic
def meeting_create(
    *,
    actor: Actor,
    chain: Chain,
    title: str,
    held_at: dt.datetime,
    location: str = "",
    minutes: str = "",
    attendees: Iterable[Any] = (),
) -> Meeting:
    _require_edit(actor, chain.pk)
    attendees = list(attendees)
    _require_people("attendees", attendees)
    meeting = _save(
        Meeting(
            chain=chain,
            title=title,
            held_at=held_at,
            location=location,
            minutes=minutes,
            created_by=recorded_user(actor),
        )
    )
    meeting.attendees.set(list(attendees))
    return meeting


@transaction.atomic
def decision_create(*, actor: Actor, meeting: Meeting, text: str) -> Decision:
    _require_edit(actor, meeting.chain_id)
    return _save(Decision(meeting=meeting, text=text))


@transaction.atomic
def action_item_create(
    *,
    actor: Actor,
    chain: Chain,
    title: str,
    owner: Any,
    deadline: dt.date,
    meeting: Meeting | None = None,
    decision: Decision | None = None,
) -> ActionItem:
    _require_edit(actor, chain.pk)
    _require_people("owner", [owner])
    if meeting is not None and meeting.chain_id != chain.pk:
        raise GovernanceError(_("The meeting belongs to another chain."))
    if decision is not None and (meeting is None or decision.meeting_id != meeting.pk):
        raise GovernanceError(_("The decision belongs to another meeting."))
    item = _save(
        ActionItem(
            chain=chain,
            meeting=meeting,
            decision=decision,
            title=title,
            owner=owner,
            deadline=deadline,
        )
    )
    if owner.pk != getattr(actor, "pk", None):  # who assigns it to themselves knows already
        notify(
            users=[owner],
            kind=notices.ACTION_ASSIGNED,
            at=timezone.now(),
            target=item,
            subject=title,
            params={"deadline": deadline.isoformat()},
            url=notices.action_item_url(item),
        )
    return item


# Like a request: no skipping (open → in progress → done), cancelling only while open.
ACTION_MOVES = {
    ActionStatus.OPEN: {ActionStatus.IN_PROGRESS, ActionStatus.CANCELLED},
    ActionStatus.IN_PROGRESS: {ActionStatus.DONE, ActionStatus.CANCELLED},
    ActionStatus.DONE: set(),
    ActionStatus.CANCELLED: set(),
}


@transaction.atomic
def action_item_transition(
    *,
    actor: Actor,
    item: ActionItem,
    status: str,
    note: str = "",
    now: dt.datetime | None = None,
) -> ActionItem:
    """Move an action item; the owner, the chain's task force or a city admin may."""
    item = ActionItem.objects.select_for_update().get(pk=item.pk)
    _require(
        can_edit_chain(actor, item.chain_id) or item.owner_id == getattr(actor, "pk", None),
        _("Only the owner, the chain's task force or a city admin may move this action item."),
    )
    new = ActionStatus(status)
    if new not in ACTION_MOVES[ActionStatus(item.status)]:
        raise GovernanceError(
            _("An action item cannot go from %(old)s to %(new)s.")
            % {"old": item.get_status_display(), "new": new.label}
        )
    if new == ActionStatus.CANCELLED and not note.strip():
        raise GovernanceError(_("Say why the action item is cancelled."))
    now = now or timezone.now()
    item.status = new
    if new == ActionStatus.IN_PROGRESS:
        item.started_at = now
    else:
        item.closed_at = now
        item.closing_note = note
    _save(item)
    record_event(instance=item, event=f"action_{new.value}", message=note)
    return item
