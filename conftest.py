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
