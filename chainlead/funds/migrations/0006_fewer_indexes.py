"""Fewer index entries per payment (issue 10): the indexes no query or constraint needs.

- The officials' columns (tranche created/approved by, disbursement prepared/approved/executed
  by, entry created by, idempotency key's actor): no query looks a document up by who wrote it.
  The foreign keys stay (the users' rows cannot be deleted under them); only their indexes go.
  A tranche's payment rewrites its row in every index of the table (its status is indexed), so
  each one dropped there saves an entry per payment too.
- The entry's plain `disbursement_id` index: a payment's entry is found through the partial
  unique index `funds_entry_one_payment_per_disbursement` (kept), nothing else looks entries
  up by disbursement.
- PostgreSQL's `varchar_pattern_ops` copies Django adds beside the indexes of `status` and of
  the idempotency key (for LIKE 'prefix%'): no query matches them by prefix. The plain index
  and the unique constraint stay; Django's state does not know these copies, so only the
  database changes.

Explicit DROP INDEX statements rather than AlterField: Django's AlterField on `disbursement`
would drop every index on the column, the partial unique index that keeps a disbursement to one
payment entry included, and it re-validates each foreign key over the whole table."""

from django.conf import settings
from django.db import migrations, models

# (table, column, index name) as migration funds.0001 created them (the same on both databases).
FK_INDEXES = [
    ("funds_commandrecord", "actor_id", "funds_commandrecord_actor_id_c8d7bab2"),
    ("funds_disbursement", "approved_by_id", "funds_disbursement_approved_by_id_97936107"),
    ("funds_disbursement", "executed_by_id", "funds_disbursement_executed_by_id_68e51ecb"),
    ("funds_disbursement", "prepared_by_id", "funds_disbursement_prepared_by_id_b76eff3a"),
    ("funds_entry", "created_by_id", "funds_entry_created_by_id_0eac75e3"),
    ("funds_entry", "disbursement_id", "funds_entry_disbursement_id_5a9fa5ce"),
    ("funds_tranche", "approved_by_id", "funds_tranche_approved_by_id_5799b1b8"),
    ("funds_tranche", "created_by_id", "funds_tranche_created_by_id_52060279"),
]
# PostgreSQL only.
LIKE_INDEXES = [
    ("funds_commandrecord", "key", "funds_commandrecord_key_2d976835_like"),
    ("funds_disbursement", "status", "funds_disbursement_status_889c3a2f_like"),
    ("funds_tranche", "status", "funds_tranche_status_c2a01913_like"),
]


def drop(apps, schema_editor):
    indexes = list(FK_INDEXES)
    if schema_editor.connection.vendor == "postgresql":
        indexes += LIKE_INDEXES
    for _table, _column, name in indexes:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


def restore(apps, schema_editor):
    for table, column, name in FK_INDEXES:
        schema_editor.execute(f'CREATE INDEX "{name}" ON "{table}" ("{column}")')
    if schema_editor.connection.vendor == "postgresql":
        for table, column, name in LIKE_INDEXES:
            schema_editor.execute(
                f'CREATE INDEX "{name}" ON "{table}" ("{column}" varchar_pattern_ops)'
            )


def _user(**kwargs):
    return models.ForeignKey(
        db_index=False,
        on_delete=models.deletion.PROTECT,
        related_name="+",
        to=settings.AUTH_USER_MODEL,
        **kwargs,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("funds", "0005_pay_tranche_claim_with_result"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop, restore, elidable=False)],
            state_operations=[
                migrations.AlterField("commandrecord", "actor", _user()),
                migrations.AlterField("disbursement", "approved_by", _user(blank=True, null=True)),
                migrations.AlterField("disbursement", "executed_by", _user(blank=True, null=True)),
                migrations.AlterField("disbursement", "prepared_by", _user()),
                migrations.AlterField("entry", "created_by", _user()),
                migrations.AlterField(
                    "entry",
                    "disbursement",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=models.deletion.PROTECT,
                        related_name="entries",
                        to="funds.disbursement",
                    ),
                ),
                migrations.AlterField("tranche", "approved_by", _user(blank=True, null=True)),
                migrations.AlterField("tranche", "created_by", _user()),
            ],
        )
    ]
