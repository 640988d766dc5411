"""The chains' part of the test world (ChainsConfig.test_world): a chain with one segment on each
side, holding that side's firm, as `scope.chain`, `scope.segment` and `scope.membership`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chainlead.chains.models import Chain, Membership, Segment

if TYPE_CHECKING:
    from chainlead.core.testing import World


def world_setup(world: World) -> None:
    made: dict[str, dict[str, object]] = {}
    for n, side in enumerate(("own", "other")):
        chain = Chain.objects.create(slug=f"walk-{side}", name=f"Walk chain {side}", order=n)
        segment = Segment.objects.create(chain=chain, slug="chips", name="芯片", order=1)
        membership = Membership.objects.create(enterprise=world.side(side).firm, segment=segment)
        made[side] = {"chain": chain, "segment": segment, "membership": membership}
    for name in ("chain", "segment", "membership"):
        world.add(name, own=made["own"][name], other=made["other"][name])
