"""Where the chains' readers land after log-in (ChainsConfig.home_pages)."""

from __future__ import annotations

from django.urls import reverse

from chainlead.accounts.access import Access
from chainlead.chains.permissions import reads_chain_maps


def chain_list_page(access: Access) -> str | None:
    return reverse("chains:chain_list") if reads_chain_maps(access) else None
