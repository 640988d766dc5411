"""Who may read the overview and the firm file's parts: every rule of the app, once."""

from __future__ import annotations

from chainlead.accounts.access import Access
from chainlead.chains.permissions import reads_chain_maps


def reads_overview(access: Access) -> bool:
    """The city overview is for officials: whoever reads chain maps (a district official's
    figures count their district)."""
    return reads_chain_maps(access)


def manages_firm_tags(access: Access) -> bool:
    """City admins record a firm's qualifications (the registry's managers)."""
    return access.is_admin
