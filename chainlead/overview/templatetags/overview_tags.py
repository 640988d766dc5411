"""Template tags of the firm file (一企一档) slot on the registry's firm page."""

from __future__ import annotations

from django import template

from chainlead.overview.selectors import FirmFile, firm_file
from chainlead.registry.models import Enterprise

register = template.Library()


@register.simple_tag(takes_context=True)
def firm_file_of(context: template.Context, enterprise: Enterprise) -> FirmFile | None:
    """`{% firm_file_of enterprise as file %}`: the firm file's parts the page's reader sees."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return firm_file(user=user, enterprise=enterprise)
