"""The requests' search provider: by title or description in Simplified or Traditional, typos
forgiven, by the firm's name, within the reader's scope; indexed on PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from chainlead.core.search import search
from chainlead.requests.tests.helpers import raise_request


def found(user: Any, text: str) -> list[int]:
    _, sections = search(user, text, kinds=["request"])
    return [hit.pk for hit in sections[0].hits]


@pytest.mark.django_db
def test_requests_are_found_by_title_firm_and_typo_within_scope(world):
    licence = raise_request(world, title="营业执照变更")
    other = raise_request(
        world,
        actor=world.other_firm_user,
        enterprise=world.other_firm,
        chain=world.other_chain,
        title="厂房租金补贴申请",
    )
    admin = world.admin
    both = {licence.pk, other.pk}  # (the helper gives both the same description)
    assert set(found(admin, "营业执照")) == both
    assert set(found(admin, "營業執照")) == both  # Traditional
    assert set(found(admin, "营业执找")) == both  # one wrong character
    assert found(admin, "租金补贴") == [other.pk]  # a title only
    assert found(admin, "廠房租金") == [other.pk]
    assert found(admin, "厂房租全补贴") == [other.pk]
    assert found(admin, "深度求索") == [licence.pk]  # the firm's name
    assert found(admin, "宇树科技") == [other.pk]
    assert found(admin, "完全无关的文字") == []
    assert found(world.firm_user, "租金补贴") == []  # the other firm's: out of scope
    assert found(world.firm_user, "宇树科技") == []


@pytest.mark.django_db
def test_the_searched_columns_have_trigram_indexes_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's pg_trgm indexes")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'requests_enterpriserequest'"
            " AND indexname LIKE '%%_trgm'"
        )
        definitions = " ".join(row[0] for row in cursor.fetchall())
    # (PostgreSQL drops the cast of a text column to text.)
    for index in ("((title)::text)", "(description", "((hotline_ticket)::text)"):
        assert f"{index} gin_trgm_ops" in definitions, index
