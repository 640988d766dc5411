"""Who may do what with the support fund: every rule once (docs/adding-an-organ.md §3)."""

from __future__ import annotations

from django.db.models import Q

from chainlead.accounts.access import Access
from chainlead.accounts.choices import Role


def manages_fund(access: Access) -> bool:
    """Finance officers (and the city admin) post commitments, tranches and payments."""
    return access.is_admin or access.has(Role.FINANCE)


def reads_fund(access: Access) -> bool:
    """The fund's books: finance, the city admin, auditors (read-only) and district officials
    (their district's funds only; see `fund_condition`)."""
    return manages_fund(access) or access.is_auditor or access.has(Role.DISTRICT_OFFICIAL)


def reads_all_funds(access: Access) -> bool:
    return manages_fund(access) or access.is_auditor


def reads_own_awards(access: Access) -> bool:
    """A firm's users see what their firm was awarded and paid."""
    return access.has(Role.ENTERPRISE) and bool(access.enterprise_ids)


def reads_fund_or_awards(access: Access) -> bool:
    return reads_fund(access) or reads_own_awards(access)


def fund_condition(access: Access) -> Q | None:
    """The funds (as a condition on `Fund`) `access` reads; None when none."""
    if reads_all_funds(access):
        return Q()
    if access.has(Role.DISTRICT_OFFICIAL) and access.district_ids:
        return Q(district_id__in=access.district_ids)
    return None


def commitment_condition(access: Access) -> Q | None:
    """The commitments (as a condition on `Commitment`) `access` reads."""
    if reads_all_funds(access):
        return Q()
    conditions: list[Q] = []
    if access.has(Role.DISTRICT_OFFICIAL) and access.district_ids:
        conditions.append(Q(fund__district_id__in=access.district_ids))
    if reads_own_awards(access):
        conditions.append(Q(recipient_id__in=access.enterprise_ids))
    if not conditions:
        return None
    combined = conditions[0]
    for condition in conditions[1:]:
        combined |= condition
    return combined
