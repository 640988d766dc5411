"""Who reads and starts the recruitment analyses: the one home of these rules (views, the API
and the analysis services read them). DOMAIN.md §1: analyses that steer decisions are started
only by those who edit the chain; everyone who may read them sees the same stored run.
"""

from __future__ import annotations

from chainlead.accounts.access import Access
from chainlead.chains.permissions import edits_chain, reads_chain_maps


def reads_analytics(access: Access) -> bool:
    """The complexity runs, opportunities and rankings: whoever reads chain maps."""
    return reads_chain_maps(access)


def starts_complexity_run(access: Access) -> bool:
    """The complexity run is the city's, read by every chain's opportunities: only a city
    admin, who edits every chain, starts one (a task force edits only its own chain; auditors,
    finance, district officials and chain leaders change nothing here). Issue 9 item 4."""
    return access.is_admin


def ranks_segment(access: Access, chain_id: int) -> bool:
    """A ranking of candidates for one chain's segment: those who edit that chain."""
    return edits_chain(access, chain_id)


def reads_segment_ranking(access: Access, chain_id: int) -> bool:
    """A segment's ranked candidates: admins and auditors, and the chain's leader and task force."""
    return reads_recruitment_of_all_chains(access) or chain_id in access.chain_ids


def reads_recruitment_of_all_chains(access: Access) -> bool:
    """Admins and auditors see every chain's recruitment; others only their chains'."""
    return access.reads_everything


def adds_targets(access: Access, chain_id: int) -> bool:
    """Recruitment targets of a chain are added by those who edit it (its task force, admins)."""
    return edits_chain(access, chain_id)
