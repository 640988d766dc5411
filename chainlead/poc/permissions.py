"""Who may read and change proof-of-concept records: the one home of these rules. DOMAIN.md §1.

* City admins manage everything; the task force of a chain manages the projects in its
  chain's segments (gate reviews, partners, support, outcomes). Only a city admin records a
  spin-off, because it registers a firm (`registry.services.enterprise_create`).
* Chain leaders read their chain's projects, district officials the projects of centres in
  their district; auditors and finance officers read all; auditors change nothing.
* A researcher submits projects and sees only those they lead (as PI).
* A reviewer sees only the reviews assigned to them, and a project's file only through an
  assignment whose declaration of no conflict they made.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from chainlead.accounts.access import Access
from chainlead.accounts.choices import Role

if TYPE_CHECKING:
    from chainlead.poc.models import Project

ALL_PROJECT_READERS = frozenset({Role.CITY_ADMIN, Role.AUDITOR, Role.FINANCE})
# Figures across projects (dashboard, survival): government readers.
FIGURE_READERS = ALL_PROJECT_READERS | {
    Role.CHAIN_LEADER,
    Role.TASK_FORCE,
    Role.DISTRICT_OFFICIAL,
}


def reads_projects(access: Access) -> bool:
    """Opens the project list (each reader sees their own scope of it)."""
    return bool(access.roles & (FIGURE_READERS | {Role.RESEARCHER}))


def reads_figures(access: Access) -> bool:
    """The dashboard and the survival page."""
    return bool(access.roles & FIGURE_READERS)


def reads_centres(access: Access) -> bool:
    return reads_projects(access)


def submits_projects(access: Access) -> bool:
    return access.is_admin or access.has(Role.RESEARCHER)


def manages_some_projects(access: Access) -> bool:
    return access.is_admin or bool(access.task_force_chain_ids)


def manages_project(access: Access, project: Project) -> bool:
    if access.is_admin:
        return True
    if project.segment_id is None or not access.task_force_chain_ids:
        return False
    segment = project.segment
    return segment is not None and segment.chain_id in access.task_force_chain_ids


def edits_project_file(access: Access, project: Project) -> bool:
    """Milestones and IP: the PI of the project, or its managers."""
    return manages_project(access, project) or (
        access.has(Role.RESEARCHER) and project.pi_id == access.user_id
    )


def records_spin_off(access: Access) -> bool:
    return access.is_admin


def reviews(access: Access) -> bool:
    return access.has(Role.REVIEWER)


def project_scope(access: Access) -> Q | None:
    """The condition on `poc.Project` under which `access` sees a project; None: none."""
    if access.roles & ALL_PROJECT_READERS:
        return Q()
    q: Q | None = None

    def add(condition: Q) -> None:
        nonlocal q
        q = condition if q is None else q | condition

    if access.chain_ids:
        add(Q(segment__chain_id__in=access.chain_ids))
    if access.has(Role.DISTRICT_OFFICIAL) and access.district_ids:
        add(Q(centre__district_id__in=access.district_ids))
    if access.has(Role.RESEARCHER):
        add(Q(pi_id=access.user_id))
    return q
