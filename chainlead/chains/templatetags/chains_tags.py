"""Template tags for the chains' fragments on other apps' pages (a firm's place in the chains)."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import QuerySet

from chainlead.accounts.access import access_for
from chainlead.chains.models import Membership
from chainlead.chains.permissions import reads_chain_maps as _reads_chain_maps
from chainlead.chains.selectors import firm_memberships as _firm_memberships

register = template.Library()


@register.simple_tag
def firm_memberships(enterprise: Any) -> QuerySet[Membership]:
    return _firm_memberships(enterprise=enterprise)


@register.simple_tag(takes_context=True)
def reads_chain_maps(context: template.Context) -> bool:
    return _reads_chain_maps(access_for(context.get("user")))


@register.filter
def evidence_label(evidence: str) -> str:
    """A placement's evidence in the reader's language (`chains.evidence`)."""
    from chainlead.chains.evidence import evidence_label as label

    return label(evidence)
