"""Fixtures shared by every app's tests."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    # Cached figures are keyed on data versions, which a rolled-back test resets.
    cache.clear()


@pytest.fixture
def districts(db):
    from chainlead.registry.models import District
    from chainlead.registry.reference_data import districts_load

    districts_load()
    return {d.name: d for d in District.objects.all()}


@pytest.fixture
def world(db):
    """Two sides (own/other chain, segment, district, firm) and one user per role.

    Scoped roles hold the "own" side: see chainlead.core.testing and docs/permissions.md.
    """
    from chainlead.core.testing import build_world

    return build_world()


@pytest.fixture
def role_users(world):
    """role name → user (city_admin, chain_leader, task_force, …, auditor); no anonymous."""
    return world.users


@pytest.fixture
def role_clients(world):
    """role name → a logged-in django.test.Client ("anonymous" is logged out)."""
    from chainlead.core.testing import clients

    return clients(world)
