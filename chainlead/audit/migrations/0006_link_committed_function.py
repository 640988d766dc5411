"""PostgreSQL: the after-commit linker as one function, `audit_link_committed(lock_key, batch)`
(issue 10: the linker's pass was ten statements per audited transaction, and each pending
entry was read back and its JSON decoded and re-encoded twice in Python).

It links with the two-level digest (`audit.chain.link_digest`): an entry's link is sha256 of
"prev_hash:seq:seal" over the seal it was inserted with, so linking needs only (id, seal). One
call, in its own transaction: try the linker's transaction-level advisory lock (return -1 when
another writer holds it), lock the chain head without waiting (-2 when it is held or missing:
the caller's Python path decides), link up to `batch` sealed pending entries in id order, move
the head; the count linked. Reads come after the locks, each statement with a fresh snapshot, so
nothing is linked twice. A frozen copy: later changes go in a new migration."""

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION audit_link_committed(lock_key bigint, batch integer)
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
DROP = "DROP FUNCTION IF EXISTS audit_link_committed(bigint, integer);"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_fewer_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
