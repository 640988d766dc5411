"""Every write to the registry, whichever way it comes, bumps its data version."""

from decimal import Decimal

import pytest

from chainlead.core.models import DataVersion
from chainlead.registry.models import District, EnterpriseIndicator
from chainlead.registry.services import indicator_set
from chainlead.registry.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def _version() -> int:
    return DataVersion.current("registry")


def test_indicator_writes_bump_the_registry_version(admin_user):
    firm = EnterpriseFactory()
    before = _version()
    indicator = indicator_set(actor=admin_user, enterprise=firm, year=2025, revenue=Decimal(10))
    assert _version() > before
    before = _version()
    EnterpriseIndicator.objects.filter(pk=indicator.pk).get().delete()  # e.g. from the admin
    assert _version() > before


def test_firm_and_district_writes_bump_the_registry_version():
    before = _version()
    firm = EnterpriseFactory()
    assert _version() > before
    before = _version()
    district = District.objects.first() or District.objects.create(code="330199", name="测试区")
    district.save()
    assert _version() > before
    before = _version()
    firm.delete()
    assert _version() > before
