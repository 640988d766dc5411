"""Trigram indexes for the requests' search provider on PostgreSQL (pg_trgm GIN): the columns
it searches with `iregex` (`core.search.rank_records`), which Django writes as
`column::text ~* %s`, so the indexes are on that expression. SQLite has no index for a
substring: it scans, which at the size of an office's requests on SQLite is fast enough."""

from django.db import migrations

TABLE = "requests_enterpriserequest"
COLUMNS = ("title", "description", "hotline_ticket")


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS request_{column}_trgm ON {TABLE} "
            f"USING gin (({column}::text) gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS request_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("requests", "0004_remove_notification"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
