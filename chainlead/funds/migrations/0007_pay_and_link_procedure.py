"""PostgreSQL: `funds_pay_and_link(...)`, a procedure: the payment (`funds_pay_tranche`,
migration funds.0005), its COMMIT, the audit linker's first pass (`audit_link_committed`,
migration audit.0007) in a transaction of its own, and, when that pass linked, the look for
entries committed meanwhile after its COMMIT, in one CALL (issue 10).

Before, the payment, a Sync and the linker's first pass went in one round trip in psycopg's
pipeline mode, which costs the client about twice the Python of two plain statements, and a
writer whose pass linked made the look in a round trip of its own. A procedure may commit
(PostgreSQL 11), so the same three steps, in the same order and the same transactions, are one
statement and one reply. Nothing changes in what is committed or when:

- the payment commits at the procedure's first COMMIT, with the session's synchronous_commit
  (the WAL flush waited for), before anything of the linker runs; a check that fails in it
  raises (CL001 or a constraint) before that COMMIT, so nothing is committed and nothing is
  linked, as when the statement was alone; a taken idempotency key returns with no payment
  (`prepared_by` NULL) and no pass;
- the pass is audit.0007's function, called as the after-commit linker calls it (no pause); a
  failure of it is caught (the payment is committed) and answered as `linked` NULL, for the
  caller's full after-commit linker; otherwise `linked` is the pass's answer (-1: another
  writer is linking and looks again after it lets go; -2: the head is held, the caller's Python
  linker decides);
- when the pass linked (`linked` >= 0), its transaction commits (releasing the linker's lock
  and the head) before the look, as `audit.chain._link_committed` looks after each pass;
  `waiting` is the look's answer (true when it fails), and the caller continues with the
  gathering passes when it is true.

Called only outside a transaction block (a procedure that commits cannot run inside one): the
payment's hot path, `funds.payments`. `funds_pay_tranche` stays (the path inside a caller's
transaction, and processes of the previous release during a deploy). A frozen copy: later
changes go in a new migration."""

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE PROCEDURE funds_pay_and_link(
    p_tranche bigint, p_amount numeric, p_month date,
    p_key text, p_command text, p_fingerprint text,
    p_actor bigint, p_created_at timestamptz, p_paid_at timestamptz,
    p_disbursement bigint, p_entry bigint, p_memo text,
    a_timestamp timestamptz, a_actor_id bigint, a_actor_label text, a_source text,
    a_remote_addr text, a_request_id text, a_action text, a_event text,
    a_content_type_id bigint, a_object_id text, a_object_repr text, a_before jsonb,
    a_after jsonb, a_message text, a_prev_hash text, a_hash text,
    lock_key bigint, batch integer,
    INOUT prepared_by bigint, INOUT approved_by bigint,
    INOUT linked integer, INOUT waiting boolean
)
LANGUAGE plpgsql AS $$
BEGIN
    SELECT f.prepared_by, f.approved_by INTO prepared_by, approved_by
    FROM funds_pay_tranche(
        p_tranche, p_amount, p_month, p_key, p_command, p_fingerprint, p_actor,
        p_created_at, p_paid_at, p_disbursement, p_entry, p_memo, a_timestamp, a_actor_id,
        a_actor_label, a_source, a_remote_addr, a_request_id, a_action, a_event,
        a_content_type_id, a_object_id, a_object_repr, a_before, a_after, a_message,
        a_prev_hash, a_hash) AS f;
    IF NOT FOUND THEN
        prepared_by := NULL;
        approved_by := NULL;
        RETURN;  -- the key is taken: nothing written, no pass (the general path answers)
    END IF;
    COMMIT;  -- the payment's commit
    linked := NULL;
    waiting := false;
    BEGIN
        linked := audit_link_committed(lock_key, batch, 0.0::double precision);
    EXCEPTION WHEN OTHERS THEN
        linked := NULL;  -- the payment stands; the caller's after-commit linker runs
    END;
    IF linked >= 0 THEN
        COMMIT;  -- the pass's: the linker's lock and the head released before the look
        BEGIN
            waiting := EXISTS (SELECT 1 FROM audit_auditentry
                               WHERE seq IS NULL AND hash <> '');
        EXCEPTION WHEN OTHERS THEN
            waiting := true;  -- the caller's passes look again
        END;
    END IF;
END
$$;
"""
DROP = """DROP PROCEDURE IF EXISTS funds_pay_and_link(
    bigint, numeric, date, text, text, text, bigint, timestamptz, timestamptz, bigint, bigint,
    text, timestamptz, bigint, text, text, text, text, text, text, bigint, text, text, jsonb,
    jsonb, text, text, text, bigint, integer, bigint, bigint, integer, boolean);"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("funds", "0006_fewer_indexes"),
        ("audit", "0008_link_gathered_function"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
