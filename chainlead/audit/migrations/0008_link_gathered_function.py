"""PostgreSQL: `audit_link_gathered(lock_key, batch, gather, rounds)`, the after-commit linker's
gathering in one transaction (issue 10).

audit.0007's pass pauses once, links and commits; a linker that found writers committing
meanwhile made up to a dozen such passes, each its own transaction with a head update, and a
look between them, during which the advisory lock was free: a third of the payments under 16
writers took it in those gaps and linked a few entries themselves (`benchmarks/ledger.py`,
answers of the first pass counted per payment). This one takes the lock, then up to `rounds`
times pauses `gather` seconds and links what committed meanwhile, holding the lock (and, from
its first read, the head) throughout, and stops at the first round that finds nothing: one
transaction, one head update and one look after it for the whole gathering. Each statement of
a PL/pgSQL function runs with a fresh snapshot, so every round sees the entries committed
during its pause; its own links are visible to it, so nothing is linked twice. audit.0007's
function stays (processes of the previous release during a deploy). A frozen copy: later
changes go in a new migration."""

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION audit_link_gathered(lock_key bigint, batch integer,
                                               gather double precision, rounds integer)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    head_seq bigint;
    head_hash text;
    ids bigint[];
    seals text[];
    prev text;
    n integer;
    total integer := 0;
    locked boolean := false;
BEGIN
    IF NOT pg_try_advisory_xact_lock(lock_key) THEN
        RETURN -1;
    END IF;
    -- Links are derived from committed rows (see audit.0007): no wait for the WAL flush.
    PERFORM set_config('synchronous_commit', 'off', true);
    FOR r IN 1..greatest(rounds, 1) LOOP
        IF gather > 0 THEN
            PERFORM pg_sleep(gather);  -- the writers committing now leave their entries here
        END IF;
        IF NOT locked THEN
            SELECT seq, last_hash INTO head_seq, head_hash
            FROM audit_auditchainhead WHERE id = 1 FOR UPDATE SKIP LOCKED;
            IF NOT FOUND THEN
                RETURN -2;
            END IF;
            locked := true;
        END IF;
        SELECT array_agg(id ORDER BY id), array_agg(hash ORDER BY id) INTO ids, seals
        FROM (SELECT id, hash FROM audit_auditentry
              WHERE seq IS NULL AND hash <> '' ORDER BY id LIMIT batch) AS pending;
        n := coalesce(array_length(ids, 1), 0);
        EXIT WHEN n = 0;
        FOR i IN 1..n LOOP
            head_seq := head_seq + 1;
            prev := head_hash;
            head_hash := encode(sha256(convert_to(
                prev || ':' || head_seq::text || ':' || seals[i], 'UTF8')), 'hex');
            UPDATE audit_auditentry SET seq = head_seq, prev_hash = prev, hash = head_hash
            WHERE id = ids[i];
        END LOOP;
        total := total + n;
    END LOOP;
    IF total > 0 THEN
        UPDATE audit_auditchainhead SET seq = head_seq, last_hash = head_hash WHERE id = 1;
    END IF;
    RETURN total;
END
$$;
"""
DROP = "DROP FUNCTION IF EXISTS audit_link_gathered(bigint, integer, double precision, integer);"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("audit", "0007_link_committed_gathering")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
