"""Who may do what in a chain's governance, and who may hold a part in it: the one home of
these rules (the views, the services, the pickers and the permission walk read them).

- City admins appoint chain leaders and task forces and keep the policy catalogue; they read
  and edit every chain's governance.
- A chain's task force edits its plan, meetings and package (`chains.permissions.edits_chain`);
  its leader approves the plan; auditors read every chain.

A chain leader, a task-force member, a meeting's attendees and the owner of an action item or
a milestone are officials (DOMAIN.md §1): never a firm's user, nor the auditor or the three
administrators, who change nothing of the chains (三员分立). A user with no grant yet (a new
official about to be appointed) may be picked.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from chainlead.accounts.access import Access
from chainlead.accounts.choices import THREE_ADMINISTRATORS, Role
from chainlead.accounts.models import User

NOT_IN_GOVERNANCE = frozenset({Role.ENTERPRISE, Role.AUDITOR, *THREE_ADMINISTRATORS})


def administers_governance(access: Access) -> bool:
    """Appoint chain leaders and task forces, keep the policy catalogue: the city admin."""
    return access.is_admin


def reads_chain_governance(access: Access, chain_id: int) -> bool:
    """City admins and auditors read every chain's governance; leaders and task forces their
    own chains'."""
    return access.reads_everything or chain_id in access.chain_ids


def approves_plan(access: Access, chain_id: int) -> bool:
    """A chain's work plan is approved by its leader (or a city admin)."""
    return access.is_admin or chain_id in access.leader_chain_ids


def governance_people() -> QuerySet[User]:
    """The users a governance picker offers."""
    return (
        User.objects.filter(is_active=True)
        .exclude(grants__role__in=NOT_IN_GOVERNANCE)
        .order_by("username")
    )


def refused_people(users: Iterable[User]) -> list[User]:
    """Those of `users` who may not hold a part in governance (empty when all may)."""
    people = list(users)
    allowed = set(
        governance_people().filter(pk__in=[u.pk for u in people]).values_list("pk", flat=True)
    )
    return [u for u in people if u.pk not in allowed]


def refusal_message(users: Iterable[User]) -> str:
    names = "、".join(str(u) for u in users)
    return _(
        "%(users)s may not take part in a chain's governance (a firm's user, the auditor or an "
        "administrator)."
    ) % {"users": names}
