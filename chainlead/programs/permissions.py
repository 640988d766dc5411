"""Who may do what with programs: every rule once (docs/adding-an-organ.md §3, DOMAIN.md §1).

* Everyone with a role reads the programs and their rounds (firms must find them).
* The city admin manages every program; a district official the programs of their district
  (rules, rounds, tiers, panels, ranking, no-application batches).
* Money moves only through the support fund, whose rule is `funds.permissions.manages_fund`
  (finance officers and the city admin): awards, batch approvals, tranches.
* An enterprise user applies for their firm and sees only their firm's applications and awards.
* A reviewer sees only the applications assigned to them, and is assigned only what they
  declared no conflict on.
* Auditors and finance officers read everything; auditors change nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from chainlead.accounts.access import Access
from chainlead.accounts.choices import Role
from chainlead.funds.permissions import manages_fund

if TYPE_CHECKING:
    from chainlead.programs.models import Program

ALL_READERS = frozenset({Role.CITY_ADMIN, Role.AUDITOR, Role.FINANCE})


def reads_programs(access: Access) -> bool:
    return access.authenticated and bool(access.roles)


def manages_some_programs(access: Access) -> bool:
    return access.is_admin or (access.has(Role.DISTRICT_OFFICIAL) and bool(access.district_ids))


def manages_program(access: Access, program: Program) -> bool:
    if access.is_admin:
        return True
    return (
        access.has(Role.DISTRICT_OFFICIAL)
        and program.district_id is not None
        and program.district_id in access.district_ids
    )


def awards_money(access: Access) -> bool:
    """Awards, batch approvals and tranches post to the fund's ledger."""
    return manages_fund(access)


def applies(access: Access) -> bool:
    return access.has(Role.ENTERPRISE) and bool(access.enterprise_ids)


def applies_for(access: Access, enterprise_id: int) -> bool:
    return applies(access) and enterprise_id in access.enterprise_ids


def reviews(access: Access) -> bool:
    return access.has(Role.REVIEWER)


def reads_applications(access: Access) -> bool:
    """Opens the application list (each reader sees their own part of it)."""
    return bool(access.roles & ALL_READERS) or manages_some_programs(access) or applies(access)


def reads_awards(access: Access) -> bool:
    return reads_applications(access)


def application_scope(access: Access) -> Q | None:
    """The condition on `Application` under which `access` reads one; None: none.

    Reviewers are not here: they read an application only through an assignment
    (`selectors.assignment_list`)."""
    if access.roles & ALL_READERS:
        return Q()
    conditions: list[Q] = []
    if access.has(Role.DISTRICT_OFFICIAL) and access.district_ids:
        conditions.append(Q(round__program__district_id__in=access.district_ids))
    if applies(access):
        conditions.append(Q(enterprise_id__in=access.enterprise_ids))
    if not conditions:
        return None
    combined = conditions[0]
    for condition in conditions[1:]:
        combined |= condition
    return combined


def award_scope(access: Access) -> Q | None:
    """The condition on `Award` under which `access` reads one."""
    if access.roles & ALL_READERS:
        return Q()
    conditions: list[Q] = []
    if access.has(Role.DISTRICT_OFFICIAL) and access.district_ids:
        conditions.append(Q(round__program__district_id__in=access.district_ids))
    if applies(access):
        conditions.append(Q(enterprise_id__in=access.enterprise_ids))
    if not conditions:
        return None
    combined = conditions[0]
    for condition in conditions[1:]:
        combined |= condition
    return combined


def managed_program_scope(access: Access) -> Q | None:
    """The condition on `Program` under which `access` manages one."""
    if access.is_admin:
        return Q()
    if access.has(Role.DISTRICT_OFFICIAL) and access.district_ids:
        return Q(district_id__in=access.district_ids)
    return None
