"""Ledger entries are append-only in the database too, whoever connects.

SQLite and PostgreSQL both refuse UPDATE of an entry; PostgreSQL also refuses DELETE (row by
row). SQLite gets no DELETE trigger: the test runner's flush empties tables with DELETE, while on
PostgreSQL it uses TRUNCATE, which row triggers do not see. Deletes on SQLite are refused by the
model, the queryset, the admin and the PROTECT foreign keys.
"""

from typing import Any

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

SQLITE_FORWARD = """
CREATE TRIGGER funds_entry_no_update BEFORE UPDATE ON funds_entry
BEGIN SELECT RAISE(ABORT, 'funds_entry is append-only; post a reversing entry'); END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS funds_entry_no_update;"

POSTGRES_FORWARD = """
CREATE OR REPLACE FUNCTION funds_entry_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'funds_entry is append-only; post a reversing entry';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER funds_entry_no_update BEFORE UPDATE OR DELETE ON funds_entry
FOR EACH ROW EXECUTE FUNCTION funds_entry_append_only();
"""
POSTGRES_BACKWARD = """
DROP TRIGGER IF EXISTS funds_entry_no_update ON funds_entry;
DROP FUNCTION IF EXISTS funds_entry_append_only();
"""


def forward(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD)


def backward(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_BACKWARD)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("funds", "0001_ledger")]

    operations = [migrations.RunPython(forward, backward)]
