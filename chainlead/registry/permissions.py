"""Who may read and change the registry: the one home of these rules (views, API, selectors,
services, navigation and the permission walk all read them). DOMAIN.md §1."""

from __future__ import annotations

from django.db.models import Q

from chainlead.accounts.access import Access
from chainlead.accounts.choices import Role

# City-wide readers of every firm.
ALL_FIRMS_READERS = frozenset({Role.CITY_ADMIN, Role.AUDITOR, Role.FINANCE})


def reads_all_firms(access: Access) -> bool:
    return bool(access.roles & ALL_FIRMS_READERS)


def manages_registry(access: Access) -> bool:
    """Create, import and delete firms."""
    return access.is_admin


def reads_import_jobs(access: Access) -> bool:
    return manages_registry(access) or access.is_auditor


def own_firms(access: Access) -> Q | None:
    """The registry's own scope: firms granted to the reader, and firms of their districts.
    (Upper apps add theirs through `chainlead.core.scopes`.)"""
    q = Q(pk__in=access.enterprise_ids) if access.enterprise_ids else None
    if access.district_ids:
        district = Q(district_id__in=access.district_ids)
        q = district if q is None else q | district
    return q


def changes_firm(access: Access, enterprise_id: int) -> bool:
    return access.is_admin or enterprise_id in access.enterprise_ids
