"""Where a commissioner lands after log-in: their stations (CommissionersConfig.home_pages)."""

from __future__ import annotations

from django.urls import reverse

from chainlead.accounts.access import Access
from chainlead.accounts.choices import Role
from chainlead.commissioners.permissions import reads_commissioners


def commissioner_home(access: Access) -> str | None:
    if access.has(Role.COMMISSIONER) and reads_commissioners(access):
        return reverse("commissioners:assignment_list")
    return None
