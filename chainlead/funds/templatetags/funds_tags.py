"""Template tags of the fund's slots."""

from __future__ import annotations

from typing import Any

from django import template

from chainlead.funds import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def firm_awards(context: template.Context, enterprise: Any) -> list[selectors.RecipientPosition]:
    """What the firm was awarded and paid, for readers who may see it."""
    request = context.get("request")
    if request is None or enterprise is None:
        return []
    commitments = selectors.commitment_list(user=request.user).filter(recipient=enterprise)
    return selectors.recipient_positions(commitments)
