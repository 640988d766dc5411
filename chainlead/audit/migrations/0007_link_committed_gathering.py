"""PostgreSQL: `audit_link_committed(lock_key, batch, gather)`, the after-commit linker's pass
with a gathering pause (issue 10: under many concurrent writers nearly every writer took the
linker's lock in turn and linked its own entry alone, one pass, one head update and one commit
per audited transaction).

The same pass as audit.0006's two-argument function (kept for processes of the previous release
during a deploy), except that after taking the linker's advisory lock it sleeps `gather` seconds
before it locks the head and reads the pending entries: the writers committing meanwhile find the
lock taken and leave their entries to it (they are committed before they try the lock, so before
the holder's read, which comes after the pause with a fresh snapshot), and it links them all in
one pass. The caller asks for a pause only when writers are linking concurrently (see
`audit.chain._link_committed`). Reads come after the locks, each statement with a fresh snapshot,
so nothing is linked twice. A frozen copy: later changes go in a new migration."""

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION audit_link_committed(lock_key bigint, batch integer,
                                                gather double precision)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    head_seq bigint;
    head_hash text;
    ids bigint[];
    seals text[];
    prev text;
    n integer;
BEGIN
    IF NOT pg_try_advisory_xact_lock(lock_key) THEN
        RETURN -1;
    END IF;
    IF gather > 0 THEN
        -- The writers committing now leave their entries to this pass (see above).
        PERFORM pg_sleep(gather);
    END IF;
    -- The links are derived from committed rows: one lost in a crash is made again by the next
    -- linker, so this transaction (which locks the head: a write) need not wait for its WAL
    -- flush.
    PERFORM set_config('synchronous_commit', 'off', true);
    SELECT seq, last_hash INTO head_seq, head_hash
    FROM audit_auditchainhead WHERE id = 1 FOR UPDATE SKIP LOCKED;
    IF NOT FOUND THEN
        RETURN -2;
    END IF;
    SELECT array_agg(id ORDER BY id), array_agg(hash ORDER BY id) INTO ids, seals
    FROM (SELECT id, hash FROM audit_auditentry
          WHERE seq IS NULL AND hash <> '' ORDER BY id LIMIT batch) AS pending;
    n := coalesce(array_length(ids, 1), 0);
    IF n = 0 THEN
        RETURN 0;
    END IF;
    -- One UPDATE by primary key per entry: a join with the arrays would get a generic plan
    -- that does not know their size (a scan of the whole table).
    FOR i IN 1..n LOOP
        head_seq := head_seq + 1;
        prev := head_hash;
        head_hash := encode(sha256(convert_to(
            prev || ':' || head_seq::text || ':' || seals[i], 'UTF8')), 'hex');
        UPDATE audit_auditentry SET seq = head_seq, prev_hash = prev, hash = head_hash
        WHERE id = ids[i];
    END LOOP;
    UPDATE audit_auditchainhead SET seq = head_seq, last_hash = head_hash WHERE id = 1;
    RETURN n;
END
$$;
"""
DROP = "DROP FUNCTION IF EXISTS audit_link_committed(bigint, integer, double precision);"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("audit", "0006_link_committed_function")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
