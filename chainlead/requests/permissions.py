"""Who may raise and rate requests, and import the 12345 hotline: the one home of these rules
(views, API, selectors and services read them). DOMAIN.md §1; issue 9 item 1.

Raising is for the firms the actor sees in the registry (`registry.selectors.enterprise_list`:
a firm's users their firm, a task force its chain's firms, a commissioner the firms stationed
with them, a city admin all); a firm outside that scope is not found, so firm ids and credit
codes do not enumerate the registry. Only the firm's own users judge a resolution (confirm
with a rating): the satisfaction figures are the firms' word.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from chainlead.accounts.access import Access, access_for
from chainlead.accounts.choices import Role
from chainlead.accounts.types import Reader

# Roles that raise requests for others (firm users raise for their own firm).
RAISING_ROLES = frozenset({Role.CITY_ADMIN, Role.COMMISSIONER, Role.TASK_FORCE})


def imports_hotline(access: Access) -> bool:
    """The 12345 hotline's records are imported (and its template downloaded) by city admins."""
    return access.is_admin


def raises_as_official(access: Access) -> bool:
    """Officials raise for any firm in their scope, naming it; a firm's user picks among their
    own firms (a city admin who also holds a firm's grant raises as an official)."""
    return not access.enterprise_ids or access.is_admin


def raises_requests(access: Access) -> bool:
    """May open the raising page at all (which firms: `firms_to_raise_for`)."""
    return bool(access.enterprise_ids) or bool(access.roles & RAISING_ROLES)


def firms_to_raise_for(user: Reader) -> QuerySet[Any]:
    """The firms `user` may raise a request for: the firms they see, if they raise at all."""
    from chainlead.registry.models import Enterprise
    from chainlead.registry.selectors import enterprise_list

    if not raises_requests(access_for(user)):
        return Enterprise.objects.none()
    return enterprise_list(user=user)


def raises_for(user: Reader, enterprise_id: int) -> bool:
    return firms_to_raise_for(user).filter(pk=enterprise_id).exists()


def chains_to_raise_in(user: Reader, enterprise_id: int | None = None) -> QuerySet[Any]:
    """The chains a request raised by `user` (for the firm `enterprise_id`) may be filed under:
    the chains the user works on and the chains the firm is a member of; a city admin any.
    Without a firm: the chains of every firm the user may raise for (to offer in a form)."""
    from chainlead.chains.models import Chain

    access = access_for(user)
    if access.is_admin:
        return Chain.objects.all()
    if not raises_requests(access):
        return Chain.objects.none()
    firms = (
        firms_to_raise_for(user).filter(pk=enterprise_id)
        if enterprise_id is not None
        else firms_to_raise_for(user)
    )
    return Chain.objects.filter(
        Q(pk__in=access.chain_ids)
        | Q(pk__in=Chain.objects.filter(segments__memberships__enterprise__in=firms).values("pk"))
    )


def may_raise_in(user: Reader, chain_id: int, enterprise_id: int) -> bool:
    return chains_to_raise_in(user, enterprise_id).filter(pk=chain_id).exists()


def rates_request(access: Access, enterprise_id: int) -> bool:
    """Confirms a resolution with a rating: a user of the request's firm, nobody else."""
    return enterprise_id in access.enterprise_ids


def configures_calendar(access: Access) -> bool:
    """Edits the working-day calendar (holidays and make-up workdays over the calendar package,
    which deadlines are counted in): configuration, so the system administrator (三员分立), and
    the city admin. Not the security or audit administrator, nor anyone else."""
    return access.is_system_admin or access.is_admin
