"""Database chores shared by the bulk writers."""

from __future__ import annotations

from django.db import connection, models


def refresh_planner_statistics(*model_classes: type[models.Model]) -> None:
    """ANALYZE the models' tables after a bulk write.

    The query planner estimates row counts from statistics that autovacuum refreshes only a
    while later; right after 200,000 rows arrive in bulk, PostgreSQL still believes a chain has
    a handful of open requests, joins every one of them to its firm before keeping the ten most
    urgent, and a dashboard that takes 0.1 s takes 1.2 s (measured on the 1M-firm benchmark).
    SQLite keeps its own statistics the same way.
    """
    with connection.cursor() as cursor:
        for model in model_classes:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
