"""PostgreSQL: `funds_pay_many`, many payments in one transaction, for the payment batcher (`funds/batcher.py`,
issue 10).

`funds_pay_many(payments jsonb) RETURNS jsonb`: each element of `payments` is the argument list
of `funds_pay_tranche` (migration funds.0005) as a JSON array, in its order; each payment runs
in a subtransaction of its own (a PL/pgSQL block with an exception handler), so a payment that
is declined (CL001, a taken key answered with no row) or that fails (a constraint, a deadlock)
is undone alone and its batch-mates stand. The answer has one element per payment: the
tranche's [preparer, approver] when paid, null when not (the general path then decides it, as
when `funds_pay_tranche` is called alone).

Called as one statement in autocommit, it is one transaction: one COMMIT and one WAL flush for
the whole batch. The batcher's own linker thread links the batch's audit entries after it.

JSON carries what psycopg would have bound: amounts as strings, dates and timestamps in ISO
8601 with their offset (microseconds kept: the audit entry's hash covers its timestamp), JSON
null for SQL NULL. A frozen copy: later changes go in a new migration."""

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION funds_pay_many(payments jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    p jsonb;
    answers jsonb := '[]'::jsonb;
    prepared bigint;
    approved bigint;
BEGIN
    FOR p IN SELECT value FROM jsonb_array_elements(payments) LOOP
        BEGIN
            SELECT f.prepared_by, f.approved_by INTO prepared, approved
            FROM funds_pay_tranche(
                (p->>0)::bigint, (p->>1)::numeric, (p->>2)::date,
                p->>3, p->>4, p->>5,
                (p->>6)::bigint, (p->>7)::timestamptz, (p->>8)::timestamptz,
                (p->>9)::bigint, (p->>10)::bigint, p->>11,
                (p->>12)::timestamptz, (p->>13)::bigint, p->>14, p->>15,
                p->>16, p->>17, p->>18, p->>19,
                (p->>20)::bigint, p->>21, p->>22, NULLIF(p->23, 'null'::jsonb),
                NULLIF(p->24, 'null'::jsonb), p->>25, p->>26, p->>27) AS f;
            IF FOUND THEN
                answers := answers || jsonb_build_array(jsonb_build_array(prepared, approved));
            ELSE
                answers := answers || '[null]'::jsonb;  -- the key is taken
            END IF;
        EXCEPTION WHEN OTHERS THEN
            answers := answers || '[null]'::jsonb;  -- undone alone: the general path decides
        END;
    END LOOP;
    RETURN answers;
END
$$;
"""
DROP = """
DROP FUNCTION IF EXISTS funds_pay_many(jsonb);
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("funds", "0007_pay_and_link_procedure")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
