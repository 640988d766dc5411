"""What recruitment offers on other apps' pages (core.plugins.register_links)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chainlead.accounts.access import Access
from chainlead.core.plugins import RelatedLink
from chainlead.recruitment.permissions import adds_targets, reads_segment_ranking


def segment_gap_links(access: Access, *, chain: Any, segment_slug: str) -> list[RelatedLink]:
    """On a missing or weak segment of the chain map: who could fill it, and a new target."""
    links = []
    if reads_segment_ranking(access, chain.pk):
        links.append(
            RelatedLink(
                _("Ranked candidates"),
                reverse("recruitment:rank", args=[chain.slug, segment_slug]),
                kind="ranking",
            )
        )
    if adds_targets(access, chain.pk):
        query = urlencode({"chain": chain.slug, "segment": segment_slug})
        links.append(
            RelatedLink(
                _("Add to recruitment targets"),
                f"{reverse('recruitment:target_create')}?{query}",
                kind="add-target",
            )
        )
    return links
