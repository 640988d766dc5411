"""The permission walk's world: a fund and a line on each side (own: 滨江区, other: 余杭区).

Nothing here refers to the world's firms (the registry's walk deletes them); the commitments
to them are made in tests/permission_matrix.py's setup, for the fund's own walk only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from chainlead.core.testing import World

WORLD_TODAY = dt.date(2026, 3, 2)


def world_setup(world: World) -> None:
    from chainlead.accounts.services import role_grant
    from chainlead.funds import services
    from chainlead.funds.models import Fund

    admin = world.admin
    sides: dict[str, dict[str, Any]] = {}
    for side in (world.own, world.other):
        fund = services.fund_create(
            actor=admin,
            name=f"walk fund {side.name}",
            district=side.district,
            fiscal_year=2026,
            appropriation="1000000.00",
            provenance="synthetic",
            today=WORLD_TODAY,
        )
        line = services.budget_line_create(
            actor=admin, fund=fund, name="walk line", amount="500000.00", today=WORLD_TODAY
        )
        sides[side.name] = {
            "fund": Fund.objects.get(pk=fund.pk),
            "line": line,
        }
    for name in ("fund", "line"):
        world.add(name, own=sides["own"][name], other=sides["other"][name])
    # A second finance officer: four eyes need two.
    from chainlead.accounts.services import user_create

    second = user_create(actor=admin, username="walk_finance_2", password=None)
    role_grant(actor=admin, user=second, role="finance")
    world.add("second_finance", own=second)
