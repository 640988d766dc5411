"""Any change to chains, segments or memberships invalidates cached chain maps (firms: see
`chainlead.registry.signals`)."""

from chainlead.chains.models import Chain, Membership, Segment, SegmentLink
from chainlead.core.signals import bump_version_on_writes

bump_version_on_writes("chains", Chain, Segment, SegmentLink, Membership)
