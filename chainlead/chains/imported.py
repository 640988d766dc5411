"""Placing newly imported firms on the chains, as part of the import (issue 15 item 5).

Registered with the registry's `on_firms_imported` in ChainsConfig.ready(): the registry runs
it for the firms an import created, so that no one has to run `chainlead classify` after an
import. The placement is `classification.classify_enterprises`, the same as the command's.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_noop

from chainlead.accounts.types import Actor
from chainlead.chains.classification import classify_enterprises
from chainlead.core.reasons import Reason
from chainlead.registry.hooks import Progress
from chainlead.registry.models import Enterprise

BATCH = 500  # firms classified (and their memberships read) at a time


def place_imported_firms(*, actor: Actor, firm_ids: list[int], progress: Progress | None) -> str:
    """Record the rule memberships of the firms `firm_ids` in every segment; a summary."""
    created = placed = 0
    for start in range(0, len(firm_ids), BATCH):
        batch = firm_ids[start : start + BATCH]
        # The city's firms only, as `chainlead classify` places them.
        firms = Enterprise.objects.filter(
            pk__in=batch, city__in=["", settings.CHAINLEAD_CITY_NAME]
        ).order_by("pk")
        report = classify_enterprises(actor=actor, enterprises=firms)
        created += report.created
        placed += report.firms
        if progress is not None:
            progress(min(start + BATCH, len(firm_ids)), len(firm_ids))
    return Reason(
        gettext_noop("%(f)d new firms placed on the chains: %(m)d memberships."),
        f=placed,
        m=created,
    )
