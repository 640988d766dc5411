"""Where an enterprise user lands after log-in: their firm's page (RegistryConfig.home_pages)."""

from __future__ import annotations

from django.urls import reverse

from chainlead.accounts.access import Access


def own_firm_page(access: Access) -> str | None:
    if not access.enterprise_ids:
        return None
    return reverse("registry:enterprise_detail", kwargs={"pk": min(access.enterprise_ids)})
