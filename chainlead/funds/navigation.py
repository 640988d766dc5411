"""Where fund readers land after log-in (FundsConfig.home_pages)."""

from __future__ import annotations

from django.urls import reverse

from chainlead.accounts.access import Access
from chainlead.accounts.choices import Role
from chainlead.funds.permissions import manages_fund


def share_warning_home(access: Access) -> str | None:
    """The city admin lands on the fund's ≥15% figure while some district is below its
    minimum; otherwise on the usual page."""
    if not access.is_admin:
        return None
    from chainlead.funds.selectors import share_warnings

    return reverse("funds:shares") if share_warnings() else None


def finance_home(access: Access) -> str | None:
    if access.has(Role.FINANCE) and manages_fund(access):
        return reverse("funds:position")
    return None
