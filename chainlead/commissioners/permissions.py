"""Who may see and do what with commissioners: the one home of these rules (DOMAIN.md §1, §5).

- City admins manage commissioners, approve stations and back-dated logs, start matchings and
  decide their proposals (a matching steers decisions: DOMAIN.md §1).
- Auditors read everything and change nothing.
- Chain leaders and task forces read commissioners, stations and matchings; district officials
  the commissioners, stations and evaluations of their district.
- A commissioner sees their own record, stations and logs, and only the firms stationed with
  them (the "enterprise" scope below reaches the registry, requests and the API).
- An enterprise user sees who is stationed with their firm and confirms or disputes the logs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from chainlead.accounts.access import Access
from chainlead.accounts.choices import Role
from chainlead.accounts.models import User
from chainlead.core.masking import contact_for

if TYPE_CHECKING:
    from chainlead.commissioners.models import Commissioner

CITY_WIDE_READERS = frozenset({Role.CITY_ADMIN, Role.AUDITOR, Role.CHAIN_LEADER, Role.TASK_FORCE})


def manages_commissioners(access: Access) -> bool:
    return access.is_admin


def commissioner_accounts(*, commissioner: Commissioner | None = None) -> QuerySet[User]:
    """The accounts a commissioner's record may act through (issue 15 item 7): active users who
    hold the commissioner role and act for no other commissioner (`commissioner`'s own account
    stays on offer when editing it)."""
    from chainlead.commissioners.models import Commissioner as CommissionerModel

    taken = CommissionerModel.objects.filter(user=OuterRef("pk"))
    if commissioner is not None:
        taken = taken.exclude(pk=commissioner.pk)
    holders = User.objects.filter(is_active=True, grants__role=Role.COMMISSIONER)
    return holders.exclude(Exists(taken)).distinct().order_by("username")


def reads_commissioners_city_wide(access: Access) -> bool:
    return bool(access.roles & CITY_WIDE_READERS)


def reads_commissioners(access: Access) -> bool:
    """The list pages: city-wide readers, district officials (their district), commissioners
    (themselves) and enterprise users (who is stationed with them)."""
    return reads_commissioners_city_wide(access) or bool(
        access.roles & {Role.DISTRICT_OFFICIAL, Role.COMMISSIONER, Role.ENTERPRISE}
    )


def contact_shown(access: Access, commissioner: Commissioner) -> str:
    """The commissioner's contact as `access` may see it (PIPL art. 6, minimum necessary;
    docs/security-audit.md): in full for the city admin, who stations commissioners, and for
    the commissioner's own account; every other reader sees its phone numbers masked."""
    if access.user_id is not None and commissioner.user_id == access.user_id:
        return commissioner.contact
    return contact_for(access, commissioner.contact)


def reads_commissioner_history(access: Access) -> bool:
    """A commissioner's change history: city admins and auditors (the auditor's with contacts
    masked, `core.masking`)."""
    return access.reads_everything


def reads_matchings(access: Access) -> bool:
    return access.reads_everything or bool(access.chain_ids)


def reads_evaluations(access: Access) -> bool:
    return access.reads_everything or access.has(Role.DISTRICT_OFFICIAL)


def writes_logs(access: Access) -> bool:
    return access.has(Role.COMMISSIONER)


def stationed_firms(access: Access) -> Q | None:
    """Scope provider (chainlead.core.scopes "enterprise"): the firms a commissioner is
    stationed with today."""
    if access.user_id is None or not access.has(Role.COMMISSIONER):
        return None
    from chainlead.commissioners.models import Assignment, active_on

    today = timezone.localdate()
    return Q(
        Exists(
            Assignment.objects.filter(
                active_on(today),
                enterprise_id=OuterRef("pk"),
                commissioner__user_id=access.user_id,
            )
        )
    )
