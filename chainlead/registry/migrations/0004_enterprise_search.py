"""Firms' search documents, with a trigram index: pg_trgm's GIN on PostgreSQL, an FTS5 table
with the trigram tokenizer on SQLite (kept by triggers); then every existing firm indexed."""

import django.db.models.deletion
from django.db import migrations, models

FTS = "registry_enterprisesearch_fts"
TABLE = "registry_enterprisesearch"

SQLITE_FORWARDS = [
    "CREATE VIRTUAL TABLE registry_enterprisesearch_fts USING fts5(document, "
    "content='registry_enterprisesearch', content_rowid='enterprise_id', tokenize='trigram')",
    "CREATE TRIGGER registry_enterprisesearch_ai AFTER INSERT ON registry_enterprisesearch BEGIN "
    "INSERT INTO registry_enterprisesearch_fts(rowid, document) "
    "VALUES (new.enterprise_id, new.document); END",
    "CREATE TRIGGER registry_enterprisesearch_ad AFTER DELETE ON registry_enterprisesearch BEGIN "
    "INSERT INTO registry_enterprisesearch_fts(registry_enterprisesearch_fts, rowid, document) "
    "VALUES ('delete', old.enterprise_id, old.document); END",
    "CREATE TRIGGER registry_enterprisesearch_au AFTER UPDATE ON registry_enterprisesearch BEGIN "
    "INSERT INTO registry_enterprisesearch_fts(registry_enterprisesearch_fts, rowid, document) "
    "VALUES ('delete', old.enterprise_id, old.document); "
    "INSERT INTO registry_enterprisesearch_fts(rowid, document) "
    "VALUES (new.enterprise_id, new.document); END",
]
SQLITE_BACKWARDS = [
    f"DROP TRIGGER IF EXISTS {TABLE}_ai",
    f"DROP TRIGGER IF EXISTS {TABLE}_ad",
    f"DROP TRIGGER IF EXISTS {TABLE}_au",
    f"DROP TABLE IF EXISTS {FTS}",
]


def _sqlite_has_fts5(connection):
    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_compileoption_used('ENABLE_FTS5')")
        return bool(cursor.fetchone()[0])


def create_index(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            f"CREATE INDEX {TABLE}_trgm ON {TABLE} USING gin (document gin_trgm_ops)"
        )
    elif connection.vendor == "sqlite" and _sqlite_has_fts5(connection):
        # The trigram tokenizer needs SQLite 3.34; without FTS5 the search uses LIKE.
        import sqlite3

        if tuple(int(p) for p in sqlite3.sqlite_version.split(".")) >= (3, 34):
            for sql in SQLITE_FORWARDS:
                schema_editor.execute(sql)
    Enterprise = apps.get_model("registry", "Enterprise")
    EnterpriseSearch = apps.get_model("registry", "EnterpriseSearch")
    from chainlead.core.search import search_documents

    fields = ("name", "short_name", "name_en", "credit_code", "stock_code")
    last = 0
    while True:
        rows = list(
            Enterprise.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "version", *fields, "main_business", "business_scope")[:5000]
        )
        if not rows:
            break
        documents = search_documents(
            [[r[2], r[3], r[4], r[6], (r[7] or "")[:80], (r[8] or "")[:30]] for r in rows]
        )
        EnterpriseSearch.objects.bulk_create(
            EnterpriseSearch(enterprise_id=r[0], version=r[1], document=d)
            for r, d in zip(rows, documents, strict=True)
        )
        last = rows[-1][0]


def drop_index(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TABLE}_trgm")
    elif connection.vendor == "sqlite":
        for sql in SQLITE_BACKWARDS:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0003_refuse_invisible_characters_in_names"),
    ]

    operations = [
        migrations.CreateModel(
            name="EnterpriseSearch",
            fields=[
                (
                    "enterprise",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_entry",
                        serialize=False,
                        to="registry.enterprise",
                    ),
                ),
                ("document", models.TextField(blank=True)),
                ("version", models.PositiveIntegerField(default=0)),
            ],
            options={
                "verbose_name": "search entry",
                "verbose_name_plural": "search entries",
                "ordering": ["enterprise"],
            },
        ),
        migrations.RunPython(create_index, drop_index),
    ]
