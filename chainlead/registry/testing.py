"""The registry's part of the test world (RegistryConfig.test_world): a district and a firm on
each side, as `scope.district` and `scope.firm`."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from chainlead.registry.models import District
from chainlead.registry.services import enterprise_create

if TYPE_CHECKING:
    from chainlead.core.testing import World


def world_setup(world: World) -> None:
    # With their English names, as the reference data has them: an English page shows those.
    districts = {
        "own": District.objects.get_or_create(
            code="330108", defaults={"name": "滨江区", "name_en": "Binjiang"}
        )[0],
        "other": District.objects.get_or_create(
            code="330110", defaults={"name": "余杭区", "name_en": "Yuhang"}
        )[0],
    }
    firms = {
        side: enterprise_create(
            actor=world.admin,
            name=f"Walk firm {side}",
            district=districts[side],
            revenue=Decimal(1000 + n),
        )
        for n, side in enumerate(("own", "other"))
    }
    world.add("district", own=districts["own"], other=districts["other"])
    world.add("firm", own=firms["own"], other=firms["other"])
