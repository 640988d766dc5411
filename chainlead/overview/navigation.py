"""Where officials land after log-in (OverviewConfig.home_pages)."""

from __future__ import annotations

from django.urls import reverse

from chainlead.accounts.access import Access
from chainlead.overview.permissions import reads_overview


def overview_home(access: Access) -> str | None:
    return reverse("overview:city") if reads_overview(access) else None
