"""The after-commit linker's pass on PostgreSQL in three round trips instead of ten (issue 10).

`chain._link_committed` runs after every audited commit. Its general pass (`chain._link` in a
Django transaction) costs ten round trips: try the linker lock, BEGIN, lock the head, SET LOCAL,
read the pending rows, write the links, move the head, COMMIT, unlock, look again. Here the same
statements, in the same order, go in three messages, the later two as multi-statement simple
queries (Django's client-side-binding cursor sends one that way):

1. `pg_try_advisory_lock` (autocommit), as before;
2. BEGIN; SET LOCAL synchronous_commit TO OFF; lock the head (SKIP LOCKED); read the pending
   rows — separate statements, so the read's snapshot is taken after the head's lock, as in
   `chain._link`;
3. write the links; move the head; COMMIT; unlock; look again for pending entries — again
   separate statements: the look's snapshot follows the unlock, which `_link_committed`'s
   argument that nothing is stranded relies on.

Only when the connection's cursor binds on the client (Django's default); otherwise, and when
the head row is missing, `chain._link_committed` runs its general pass.
"""

from __future__ import annotations

from typing import Any

import psycopg
from django.db import connection

from chainlead.audit import chain


def usable() -> bool:
    """A PostgreSQL connection whose cursors bind on the client, outside a transaction (the
    linker runs after a commit)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return False
    connection.ensure_connection()
    return issubclass(connection.connection.cursor_factory, psycopg.ClientCursor)


def link_pass(unlinkable: set[int]) -> tuple[set[int], bool] | bool | None:
    """One linking pass under the linker lock (taken and released here): (the ids left
    unlinked, whether entries still wait); None to leave (another writer holds the lock or
    the head); False, having done nothing, when the general pass must run instead (no head
    row, or a full batch pending: `chain._link` reads on in batches)."""
    columns = ", ".join(connection.ops.quote_name(c) for c in chain.ROW_COLUMNS)
    entries, head_table = chain._entry_table(), chain._head_table()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [chain.LINKER_LOCK_KEY])
        row = cursor.fetchone()
        if not (row and row[0]):
            return None  # another writer is linking, and will look again after it
        try:
            cursor.execute(
                "BEGIN; SET LOCAL synchronous_commit TO OFF; "  # noqa: S608 (constants only)
                f"SELECT seq, last_hash FROM {head_table} WHERE id = %s "
                "FOR UPDATE SKIP LOCKED; "
                f"SELECT {columns} FROM {entries} WHERE seq IS NULL ORDER BY id LIMIT %s",
                [chain.HEAD_PK, chain.BATCH_SIZE],
            )
            # Results: BEGIN and SET (no rows), the head, the pending rows.
            cursor.nextset()
            cursor.nextset()
            head = cursor.fetchall()
            cursor.nextset()
            pending = cursor.fetchall()
            if not head or len(pending) >= chain.BATCH_SIZE:
                cursor.execute("ROLLBACK; SELECT pg_advisory_unlock(%s)", [chain.LINKER_LOCK_KEY])
                if head or not chain._head_exists():
                    return False  # a backlog, or no head row: the general pass
                return None  # another linker holds the head, and will look again after it
            seq, prev_hash = int(head[0][0]), str(head[0][1])
            links, seq, prev_hash = _links(pending, seq, prev_hash, unlinkable)
            script: list[str] = []
            params: list[Any] = []
            if links:
                values = ", ".join(["(%s::bigint, %s::bigint, %s, %s)"] * len(links))
                script.append(
                    f"UPDATE {entries} AS e SET seq = v.seq, prev_hash = v.prev_hash, "  # noqa: S608
                    f"hash = v.hash FROM (VALUES {values}) AS v (id, seq, prev_hash, hash) "
                    "WHERE e.id = v.id"
                )
                params += [value for link in links for value in link]
                script.append(f"UPDATE {head_table} SET seq = %s, last_hash = %s WHERE id = %s")  # noqa: S608
                params += [seq, prev_hash, chain.HEAD_PK]
            script += ["COMMIT", "SELECT pg_advisory_unlock(%s)"]
            params.append(chain.LINKER_LOCK_KEY)
            look = f"SELECT id FROM {entries} WHERE seq IS NULL"  # noqa: S608 (constants only)
            if unlinkable:
                look += f" AND id NOT IN ({', '.join(['%s'] * len(unlinkable))})"
                params += list(unlinkable)
            script.append(look + " LIMIT 1")
            cursor.execute("; ".join(script), params)
            while cursor.nextset():  # on to the last result: the look
                pass
            waiting = cursor.fetchone() is not None
        except BaseException:
            # The transaction (when open) and the lock (when held) end here; a linker that
            # fails leaves the entries pending for the next one, as the general pass does.
            with connection.cursor() as cleanup:
                cleanup.execute("ROLLBACK")
                cleanup.execute("SELECT pg_advisory_unlock(%s)", [chain.LINKER_LOCK_KEY])
            raise
    return unlinkable, waiting


def _links(
    rows: list[tuple[Any, ...]], seq: int, prev_hash: str, unlinkable: set[int]
) -> tuple[list[tuple[int, int, str, str]], int, str]:
    """The links of the pending rows in id order, as `chain._link` makes them (sealed rows
    only: the after-commit linker never adopts unsealed ones); rows whose seal is missing or
    wrong are added to `unlinkable` and skipped."""
    reader = chain._RowReader()
    links = []
    for row in rows:
        fields = reader.fields(row)  # a pending row: `seq` None, as a seal has it
        if row[2] == "" or row[2] != chain._digest(fields, chain.GENESIS_HASH):
            unlinkable.add(row[0])  # inserted around the chain, or altered: verify names it
            continue
        seq += 1
        fields["seq"] = seq
        digest = chain._digest(fields, prev_hash)
        links.append((row[0], seq, prev_hash, digest))
        prev_hash = digest
    return links, seq, prev_hash
