"""Rows read in plain statements (chainlead.core.db) are the instances the ORM builds."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import models

from chainlead.accounts.models import User
from chainlead.core.db import instance_by_pk, instances_by_pk, reads_plainly
from chainlead.registry.models import Enterprise, Industry
from chainlead.registry.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def _fields(obj: models.Model) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def test_a_page_of_rows_with_their_foreign_keys_is_the_orms(world: Any) -> None:
    industry = Industry.objects.order_by("code").first()
    firms = [
        EnterpriseFactory(
            district=world.own.district,
            industry=industry,
            revenue=Decimal("12345.67"),
            employees=12,
            founded=dt.date(2001, 2, 3),
            business_scope="生产、销售",
        ),
        EnterpriseFactory(district=None, industry=None, revenue=None),  # null keys
    ]
    wanted = [firms[1].pk, 10**9, firms[0].pk]  # one that does not exist
    ours = instances_by_pk(Enterprise, wanted, related=("district", "industry"), using="default")
    orm = Enterprise.objects.select_related("district", "industry").in_bulk(wanted)
    assert set(ours) == set(orm) == {firms[0].pk, firms[1].pk}
    for pk, theirs in orm.items():
        mine = ours[pk]
        assert _fields(mine) == _fields(theirs)
        assert not mine._state.adding and mine._state.db == "default"
        for name in ("district", "industry"):
            field: Any = Enterprise._meta.get_field(name)
            assert field.is_cached(mine), name  # no query when the table reads it
            related, expected = getattr(mine, name), getattr(theirs, name)
            assert (related is None) == (expected is None)
            if expected is not None:
                assert _fields(related) == _fields(expected)
    assert isinstance(ours[firms[0].pk].revenue, Decimal)
    assert ours[firms[0].pk].founded == dt.date(2001, 2, 3)
    assert ours[firms[0].pk].industry.code == industry.code  # type: ignore[union-attr]


def test_no_keys_read_nothing() -> None:
    assert instances_by_pk(Enterprise, [], related=("district",), using="default") == {}


def test_only_foreign_keys_of_one_table_models_are_read_plainly() -> None:
    assert reads_plainly(Enterprise, ("district", "industry"))
    assert not reads_plainly(Enterprise, ("indicators",))  # a reverse relation
    assert not reads_plainly(Enterprise, ("no_such_field",))


def test_a_user_by_primary_key_is_the_orms() -> None:
    user = User.objects.create_user("reader", password=None, email="r@example.org")
    mine = instance_by_pk(User, user.pk, using="default")
    assert mine is not None
    assert _fields(mine) == _fields(User.objects.get(pk=user.pk))
    assert instance_by_pk(User, 10**9, using="default") is None
