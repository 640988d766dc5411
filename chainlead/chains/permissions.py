"""Who may read and edit chains: the one home of these rules. DOMAIN.md §1.

Government staff read chain maps; a district official's maps count only their district; a city
admin or the chain's task force edits a chain (and decides its memberships)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from chainlead.accounts.access import Access
from chainlead.accounts.choices import Role
from chainlead.registry.permissions import reads_all_firms

CHAIN_MAP_READERS = frozenset(
    {
        Role.CITY_ADMIN,
        Role.AUDITOR,
        Role.FINANCE,
        Role.CHAIN_LEADER,
        Role.TASK_FORCE,
        Role.DISTRICT_OFFICIAL,
    }
)
# Readers whose maps count the whole city (a district official's count their district).
CITY_WIDE_MAP_READERS = CHAIN_MAP_READERS - {Role.DISTRICT_OFFICIAL}


def reads_chain_maps(access: Access) -> bool:
    return bool(access.roles & CHAIN_MAP_READERS)


def map_district_ids(access: Access) -> frozenset[int] | None:
    """The districts a chain map must be limited to, or None for the whole city."""
    if access.roles & CITY_WIDE_MAP_READERS:
        return None
    return access.district_ids


def edits_chain(access: Access, chain_id: int) -> bool:
    """A city admin, or a task-force member of this chain."""
    return access.is_admin or chain_id in access.task_force_chain_ids


def edits_some_chain(access: Access) -> bool:
    """A city admin, or a task-force member of any chain (pages listing what they may edit)."""
    return access.is_admin or bool(access.task_force_chain_ids)


def runs_classification(access: Access) -> bool:
    """Who may start classification jobs from the pages and API (chains.classify_jobs) and
    open them: those who review placements (`edits_some_chain`), i.e. city admins and the task
    forces of chains. A task force re-places firms on its own chains only (membership_set
    checks each write) and sees only the jobs it started; a city admin sees every job."""
    return edits_some_chain(access)


def reads_every_classify_job(access: Access) -> bool:
    return access.is_admin


def works_on_chains(access: Access) -> bool:
    """City admins, auditors, and the leaders and task forces of chains."""
    return access.reads_everything or bool(access.chain_ids)


def sees_chain_firms(access: Access, chain_id: int) -> bool:
    """Whether every firm a chain map of `chain_id` names is a firm the reader may open: readers
    of all firms, the chain's own leader and task force, and district officials (whose maps
    count only their district's firms)."""
    return (
        reads_all_firms(access)
        or chain_id in access.chain_ids
        or (reads_chain_maps(access) and map_district_ids(access) is not None)
    )


def chain_member_firms(access: Access) -> Q | None:
    """Scope provider (chainlead.core.scopes "enterprise"): the firms on the reader's chains."""
    if not access.chain_ids:
        return None
    from chainlead.chains.models import Membership

    return Q(
        Exists(
            Membership.objects.filter(
                enterprise_id=OuterRef("pk"), segment__chain_id__in=access.chain_ids
            )
        )
    )
