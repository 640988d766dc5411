"""Any change to chains, segments or memberships invalidates cached chain maps (firms: see
`chainlead.registry.signals`)."""

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from chainlead.chains.models import Chain, Membership, Segment, SegmentLink
from chainlead.core.models import DataVersion

_WATCHED = (Chain, Segment, SegmentLink, Membership)


@receiver(post_save)
@receiver(post_delete)
def _bump_version(sender: type, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    if sender in _WATCHED:
        DataVersion.bump("chains")
