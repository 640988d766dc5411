"""The planner's statistics are refreshed after a bulk write (see chainlead.core.db)."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from chainlead.requests.models import EnterpriseRequest

pytestmark = pytest.mark.django_db


def _planner_row_estimate(table: str) -> float | None:
    """What the database's planner believes the table holds (None: no statistics yet)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
            value = cursor.fetchone()[0]
            return None if value is None or value < 0 else float(value)
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return None
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [table])
        row = cursor.fetchone()
        return float(row[0].split()[0]) if row else None


def test_generated_requests_leave_the_planner_knowing_their_number(world):
    from chainlead.requests.generator import generate_requests

    table = EnterpriseRequest._meta.db_table
    with connection.cursor() as cursor:  # forget any statistics an earlier test left
        if connection.vendor == "postgresql":
            cursor.execute(f"UPDATE pg_class SET reltuples = -1 WHERE relname = '{table}'")
        else:
            cursor.execute("ANALYZE sqlite_master")  # creates sqlite_stat1 if missing
            cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = %s", [table])
    assert not _planner_row_estimate(table)
    now = timezone.make_aware(dt.datetime(2026, 6, 1, 9))
    generate_requests(250, seed=1, open_share=0.5, days=30, now=now)
    assert _planner_row_estimate(table) == pytest.approx(EnterpriseRequest.objects.count(), rel=0.05)
