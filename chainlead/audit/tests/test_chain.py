"""The hash chain: every way in links entries, and verify names the first bad one."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import DataError, connection, transaction
from django.db.migrations.loader import MigrationLoader

from chainlead.accounts.models import User
from chainlead.audit import chain
from chainlead.audit.models import AuditAction, AuditChainHead, AuditEntry
from chainlead.audit.services import record_bulk_changes, record_event, record_many

TABLE = AuditEntry._meta.db_table


def _sql(statement: str, params: list[Any] | None = None) -> None:
    """Run `statement` ({table} is the audit table) as someone tampering with the database."""
    with connection.cursor() as cursor:
        cursor.execute(statement.format(table=TABLE), params or [])


@pytest.fixture
def subject(db: Any) -> User:
    return User.objects.create_user("subject", password=None)


@pytest.fixture
def entries(subject: User) -> list[AuditEntry]:
    """Five events after whatever creating the user logged, linked (the test's transaction
    never commits, so the linker that runs after a commit is called here)."""
    for n in range(5):
        record_event(instance=subject, event="test.event", message=f"event {n}", data={"n": n})
    chain.link_sealed()
    return list(AuditEntry.objects.order_by("seq"))


def _ids(entries: list[AuditEntry]) -> list[int]:
    return [e.pk for e in entries]


@pytest.mark.django_db
def test_each_entry_links_to_the_one_before(entries):
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert entries[0].prev_hash == chain.GENESIS_HASH
    for before, after in itertools.pairwise(entries):
        assert after.prev_hash == before.hash
    head = AuditChainHead.objects.get()
    assert (head.seq, head.last_hash) == (entries[-1].seq, entries[-1].hash)
    verdict = chain.verify()
    assert verdict.ok, verdict
    assert verdict.checked == len(entries)


@pytest.mark.django_db
def test_the_hash_is_what_the_stored_row_gives(entries):
    # Computed before the insert, recomputed from what the database gives back: equal.
    labels = chain.content_type_labels()
    rows = AuditEntry.objects.order_by("seq").values_list(*chain.ROW_COLUMNS)
    for row, entry in zip(rows, entries, strict=True):
        assert chain.entry_digest(chain.row_fields(row, labels), row[1]) == entry.hash


@pytest.mark.django_db
def test_an_altered_entry_is_named(entries, capsys):
    victim = entries[2]
    _sql("UPDATE {table} SET message = %s WHERE id = %s", ["forged", victim.pk])
    verdict = chain.verify()
    assert not verdict.ok
    assert verdict.bad_entry_id == victim.pk
    assert "altered" in verdict.reason
    with pytest.raises(CommandError, match=rf"entry {victim.pk} ") as raised:
        call_command("audit", "verify")
    assert raised.value.returncode == 1


@pytest.mark.django_db
def test_an_altered_json_value_is_named(entries):
    victim = entries[3]
    _sql("UPDATE {table} SET after = %s WHERE id = %s", ['{"n": 99}', victim.pk])
    assert chain.verify().bad_entry_id == victim.pk


@pytest.mark.django_db
def test_a_removed_entry_is_named_by_the_one_after_it(entries):
    _sql("DELETE FROM {table} WHERE id = %s", [entries[1].pk])
    verdict = chain.verify()
    assert verdict.bad_entry_id == entries[2].pk
    assert "removed" in verdict.reason


@pytest.mark.django_db
def test_a_removed_first_entry_is_noticed(entries):
    _sql("DELETE FROM {table} WHERE id = %s", [entries[0].pk])
    assert chain.verify().bad_entry_id == entries[1].pk


@pytest.mark.django_db
def test_removed_last_entries_are_noticed_from_the_head(entries):
    _sql("DELETE FROM {table} WHERE id IN (%s, %s)", [entries[-1].pk, entries[-2].pk])
    verdict = chain.verify()
    assert not verdict.ok
    assert verdict.bad_entry_id == entries[-3].pk
    assert "later entries removed" in verdict.reason


@pytest.mark.django_db
def test_reordered_entries_are_named(entries):
    # Swap two entries' places in the chain (their seq), as one reordering them would.
    first, second = entries[1], entries[2]
    _sql("UPDATE {table} SET seq = -1 WHERE id = %s", [first.pk])
    _sql("UPDATE {table} SET seq = %s WHERE id = %s", [first.seq, second.pk])
    _sql("UPDATE {table} SET seq = %s WHERE id = %s", [second.seq, first.pk])
    verdict = chain.verify()
    assert verdict.bad_entry_id == second.pk
    assert "does not link" in verdict.reason or "altered" in verdict.reason


@pytest.mark.django_db
def test_a_row_inserted_around_the_chain_is_named_until_linked(entries, subject):
    content_type = ContentType.objects.get_for_model(User)
    _sql(
        "INSERT INTO {table} (timestamp, actor_label, source, remote_addr, request_id, action, "
        "event, content_type_id, object_id, object_repr, message, prev_hash, hash) "
        "VALUES (%s, 'sql', 'cli', '', '', 'event', 'bulk.sql', %s, %s, 'x', '', '', '')",
        [
            connection.ops.adapt_datetimefield_value(dt.datetime(2026, 3, 1, tzinfo=dt.UTC)),
            content_type.pk,
            str(subject.pk),
        ],
    )
    inserted = AuditEntry.objects.get(event="bulk.sql")
    verdict = chain.verify()
    assert verdict.bad_entry_id == inserted.pk
    assert "not linked" in verdict.reason
    assert chain.link_pending() == 1
    inserted = AuditEntry.objects.get(pk=inserted.pk)
    assert inserted.seq == entries[-1].seq + 1
    assert inserted.prev_hash == entries[-1].hash
    assert chain.verify().ok


@pytest.mark.django_db
def test_bulk_writes_are_linked(subject):
    content_type = ContentType.objects.get_for_model(User)
    made = [
        AuditEntry(
            action=AuditAction.EVENT, content_type=content_type, object_id=str(n), object_repr="r"
        )
        for n in range(5)
    ]
    assert record_many(made, batch_size=2) == 5
    AuditEntry.objects.bulk_create(
        [AuditEntry(action="event", content_type=content_type, object_id="b", object_repr="b")]
    )
    written = record_bulk_changes(
        model=User,
        rows=[(n, f"user {n}", AuditAction.UPDATE, {"a": 1.0}, {"a": 2.5}) for n in range(3)],
    )
    assert written == 3
    pending = chain.verify()
    assert pending.ok, pending
    if chain.links_in_writer_transaction():  # SQLite: inserted linked
        assert (pending.checked, pending.pending) == (AuditEntry.objects.count(), 0)
    else:  # sealed, waiting for the commit (which this test's transaction never makes)
        assert (pending.checked, pending.pending) == (0, AuditEntry.objects.count())
    chain.link_sealed()
    seqs = list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    assert chain.verify().ok


@pytest.mark.django_db
def test_a_lost_head_is_rebuilt_from_the_tail(entries, subject):
    AuditChainHead.objects.all().delete()
    record_event(instance=subject, event="test.after", message="after")
    chain.link_sealed()
    last = AuditEntry.objects.order_by("-seq").first()
    assert last is not None
    assert last.seq == entries[-1].seq + 1
    assert last.prev_hash == entries[-1].hash
    assert chain.verify().ok


@pytest.mark.django_db
def test_the_migration_links_existing_entries_with_the_first_formula(entries):
    from importlib import import_module

    migration = import_module("chainlead.audit.migrations.0003_link_existing_entries")
    seqs = list(AuditEntry.objects.order_by("id").values_list("seq", flat=True))
    _sql("UPDATE {table} SET seq = NULL, prev_hash = '', hash = ''")
    AuditChainHead.objects.all().delete()
    state = MigrationLoader(connection).project_state(("audit", "0003_link_existing_entries"))
    migration.link_entries(state.apps, None)
    labels = chain.content_type_labels()
    rows = list(AuditEntry.objects.order_by("id").values_list(*chain.ROW_COLUMNS))
    assert [row[3] for row in rows] == seqs
    for row in rows:  # the entries of a chain older than the two-level digest
        assert chain.entry_digest_v1(chain.row_fields(row, labels), row[1]) == row[2]
        assert chain.entry_digest(chain.row_fields(row, labels), row[1]) != row[2]
    assert chain.verify().ok


@pytest.mark.django_db
def test_a_chain_linked_with_the_first_formula_goes_on_with_the_second(entries, subject):
    # Re-link the fixture's entries as a release before the two-level digest did (audit.0003's
    # formula), then append: the new entries carry the second formula, and verify accepts both.
    labels = chain.content_type_labels()
    prev_hash = chain.GENESIS_HASH
    for row in AuditEntry.objects.order_by("seq").values_list(*chain.ROW_COLUMNS):
        digest = chain.entry_digest_v1(chain.row_fields(row, labels), prev_hash)
        _sql(
            "UPDATE {table} SET prev_hash = %s, hash = %s WHERE id = %s",
            [prev_hash, digest, row[0]],
        )
        prev_hash = digest
    AuditChainHead.objects.update(last_hash=prev_hash)
    assert chain.verify().ok
    record_event(instance=subject, event="test.after", message="after the change")
    chain.link_sealed()
    after = AuditEntry.objects.get(event="test.after")
    assert after.prev_hash == prev_hash
    fields = chain.row_fields(
        AuditEntry.objects.values_list(*chain.ROW_COLUMNS).get(pk=after.pk), labels
    )
    assert after.hash == chain.link_digest(prev_hash, after.seq, chain.seal_digest(fields))
    verdict = chain.verify()
    assert (verdict.ok, verdict.checked) == (True, len(entries) + 1), verdict
    # Tampering is still named on either side of the change.
    for victim in (entries[1], after):
        _sql("UPDATE {table} SET message = %s WHERE id = %s", ["forged", victim.pk])
        verdict = chain.verify()
        assert (verdict.bad_entry_id, "altered" in verdict.reason) == (victim.pk, True)
        _sql("UPDATE {table} SET message = %s WHERE id = %s", [victim.message, victim.pk])
    assert chain.verify().ok


@pytest.mark.django_db
def test_a_link_covers_the_seal_and_the_seal_the_content(entries):
    labels = chain.content_type_labels()
    rows = AuditEntry.objects.order_by("seq").values_list(*chain.ROW_COLUMNS)
    for row in rows:
        fields = chain.row_fields(row, labels)
        seal = chain.seal_digest(fields)
        assert seal == chain.seal_digest({**fields, "seq": None})  # seq is the link's
        assert row[2] == chain.link_digest(row[1], row[3], seal)
    # A link moved to another place of the chain no longer matches.
    row = rows[1]
    seal = chain.seal_digest(chain.row_fields(row, labels))
    assert chain.link_digest(row[1], row[3] + 1, seal) != row[2]


@pytest.mark.django_db
def test_sealed_event_values_are_those_of_the_entry_record_event_writes(subject):
    # `event_values_sealed` (the payment's hot path) builds the values from the hashed fields
    # without an AuditEntry; they must be what sealing the entry `record_event` writes gives.
    from chainlead.audit import context
    from chainlead.audit.services import _event_entry, event_values_sealed

    at = dt.datetime(2026, 3, 2, 10, 30, 0, 123456, tzinfo=dt.UTC)
    data = {"amount": "12.50", "tranche": "T000001", "entry": 7}
    for who in (None, subject):
        with context.acting_as(who, source="cli"):
            values = event_values_sealed(
                instance=subject, event="paid", message="m", data=data, timestamp=at
            )
            entry = _event_entry(subject, "paid", "m", data)
        entry.timestamp = at
        expected = chain.sealed_values(entry)

        def plain(value: Any) -> Any:
            return getattr(value, "obj", value)  # PostgreSQL's Jsonb wrapper: its object

        assert [plain(v) for v in values] == [plain(v) for v in expected]
        assert values[-1] == chain.seal_digest(chain.chained_fields(entry))


@pytest.mark.django_db
def test_verify_reports_the_head(entries, capsys):
    call_command("audit", "verify")
    out = capsys.readouterr().out
    assert f"{len(entries)} entries verified" in out
    assert entries[-1].hash in out


@pytest.mark.django_db
def test_entries_are_pending_until_their_transaction_commits(
    entries, subject, django_capture_on_commit_callbacks
):
    if chain.links_in_writer_transaction():
        pytest.skip("SQLite links in the writer's transaction (the next test)")
    # The fixtures' linker waits for the test's transaction, which never commits; it was run by
    # hand. Forget it as a commit would, so this test sees the linkers its own writes register.
    connection.run_on_commit.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        record_event(instance=subject, event="test.one")
        record_event(instance=subject, event="test.two")
        written = list(AuditEntry.objects.filter(event__in=["test.one", "test.two"]).order_by("id"))
        assert [e.seq for e in written] == [None, None]
        verdict = chain.verify()  # pending, intact: not a fault
        assert (verdict.ok, verdict.checked, verdict.pending) == (True, len(entries), 2)
        assert AuditChainHead.objects.get().seq == entries[-1].seq  # the head is not held
    assert len(callbacks) == 1  # one linker per transaction, however many entries
    linked = list(AuditEntry.objects.filter(pk__in=_ids(written)).order_by("seq"))
    assert [e.seq for e in linked] == [entries[-1].seq + 1, entries[-1].seq + 2]
    assert linked[0].prev_hash == entries[-1].hash
    verdict = chain.verify()
    assert (verdict.ok, verdict.pending, verdict.last_hash) == (True, 0, linked[-1].hash)


@pytest.mark.django_db
def test_sqlite_links_in_the_writers_transaction(
    entries, subject, django_capture_on_commit_callbacks
):
    # SQLite serialises its writers: an entry is inserted linked, in its writer's transaction
    # (one commit, not two), and a rollback takes the links and the head's move back with it.
    if not chain.links_in_writer_transaction():
        pytest.skip("PostgreSQL links after the commit (the test before)")
    head = AuditChainHead.objects.get()
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        record_event(instance=subject, event="test.one")
        record_many(
            [
                AuditEntry(
                    action=AuditAction.EVENT,
                    content_type=ContentType.objects.get_for_model(User),
                    object_id=str(subject.pk),
                    object_repr="two",
                    event="test.two",
                )
            ]
        )
        written = list(AuditEntry.objects.filter(event__in=["test.one", "test.two"]).order_by("id"))
        assert [e.seq for e in written] == [head.seq + 1, head.seq + 2]
        assert written[0].prev_hash == entries[-1].hash
        assert written[1].prev_hash == written[0].hash
        assert AuditChainHead.objects.get().seq == head.seq + 2
        try:
            with transaction.atomic():
                record_event(instance=subject, event="test.undone")
                assert AuditChainHead.objects.get().seq == head.seq + 3
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
        assert AuditChainHead.objects.get().seq == head.seq + 2
    assert callbacks == []  # no second transaction after the commit
    verdict = chain.verify()
    assert (verdict.ok, verdict.pending, verdict.last_hash) == (True, 0, written[1].hash)
    assert not AuditEntry.objects.filter(event="test.undone").exists()


@pytest.mark.django_db
def test_an_entry_altered_while_pending_is_named_and_never_linked(entries, subject):
    # Pending as an entry sealed in a transaction whose linker has not run yet (PostgreSQL), or
    # left by an earlier release (SQLite).
    entry = AuditEntry(
        action=AuditAction.EVENT,
        event="test.pending",
        message="true",
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(subject.pk),
        object_repr=str(subject),
    )
    entry.timestamp = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    entry.hash = chain.seal_digest(chain.chained_fields(entry))
    AuditEntry.objects.all()._insert_sealed([entry])
    victim = AuditEntry.objects.get(event="test.pending")
    assert chain.verify().pending == 1
    _sql("UPDATE {table} SET message = %s WHERE id = %s", ["forged", victim.pk])
    verdict = chain.verify()
    assert verdict.bad_entry_id == victim.pk
    assert "altered" in verdict.reason
    assert chain.link_sealed() == 0
    assert AuditEntry.objects.get(pk=victim.pk).seq is None
    assert chain.verify().bad_entry_id == victim.pk


@pytest.mark.django_db
def test_an_entry_committed_later_with_a_lower_id_is_linked_after(entries, subject):
    # Ids are drawn at insert, so a transaction can commit an entry with a lower id after one
    # with a higher id was linked: the chain's order is the order of linking.
    content_type = ContentType.objects.get_for_model(User)
    top = max(_ids(entries))

    def sealed(pk: int) -> AuditEntry:
        entry = AuditEntry(
            pk=pk,
            action=AuditAction.EVENT,
            content_type=content_type,
            object_id="x",
            object_repr="x",
            timestamp=dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
        )
        entry.hash = chain.seal_digest(chain.chained_fields(entry))
        return entry

    AuditEntry.objects.all()._insert_sealed([sealed(top + 100)])
    assert chain.link_sealed() == 1
    AuditEntry.objects.all()._insert_sealed([sealed(top + 50)])
    assert chain.link_sealed() == 1
    later, lower = AuditEntry.objects.get(pk=top + 100), AuditEntry.objects.get(pk=top + 50)
    assert (later.seq, lower.seq) == (entries[-1].seq + 1, entries[-1].seq + 2)
    assert lower.prev_hash == later.hash
    assert chain.verify().ok


def _insert_linked_firms(subject: User, page_size: int) -> int:
    """`insert_linked` of one create entry per content type (any rows will do), with a JSON
    float that the database gives back as an integer."""
    postgres = connection.vendor == "postgresql"
    text = "varchar" if postgres else "TEXT"
    after = "CAST(%s AS jsonb)" if postgres else "%s"
    return chain.insert_linked(
        "SELECT %s, %s, 'sql writer', 'cli', '', 'req-1', 'create', '', %s, "  # noqa: S608
        f"CAST(id AS {text}), 'firm ' || CAST(id AS {text}), NULL, {after}, '' "
        f"FROM {ContentType._meta.db_table} ORDER BY id",
        [
            connection.ops.adapt_datetimefield_value(dt.datetime(2026, 3, 1, 8, tzinfo=dt.UTC)),
            subject.pk,
            ContentType.objects.get_for_model(User).pk,
            '{"revenue": 2.0, "share": 0.25, "name": "杭州"}',
        ],
        page_size=page_size,
    )


@pytest.mark.django_db
def test_set_based_entries_are_inserted_linked_page_by_page(entries, subject):
    record_event(instance=subject, event="test.waiting")  # sealed, pending: linked first
    waiting = AuditEntry.objects.get(event="test.waiting")
    if ContentType.objects.count() % 2 == 0:  # an odd count: the last page is short
        ContentType.objects.create(app_label="tests", model="odd")
    before = ContentType.objects.count()
    assert _insert_linked_firms(subject, page_size=2) == before  # pages of 2, one odd
    assert AuditEntry.objects.filter(seq__isnull=True).count() == 0
    waiting = AuditEntry.objects.get(pk=waiting.pk)
    assert waiting.seq == entries[-1].seq + 1
    inserted = list(AuditEntry.objects.filter(source="cli").order_by("seq"))
    assert len(inserted) == before
    assert [e.seq for e in inserted] == list(range(waiting.seq + 1, waiting.seq + 1 + before))
    assert inserted[0].prev_hash == waiting.hash
    assert inserted[0].after == {"revenue": 2, "share": 0.25, "name": "杭州"}
    assert [e.pk for e in inserted] == sorted(e.pk for e in inserted)  # ids follow the chain
    head = AuditChainHead.objects.get()
    assert (head.seq, head.last_hash) == (inserted[-1].seq, inserted[-1].hash)
    verdict = chain.verify()
    assert (verdict.ok, verdict.checked, verdict.pending) == (True, head.seq, 0), verdict

    victim = inserted[len(inserted) // 2]
    _sql("UPDATE {table} SET object_repr = %s WHERE id = %s", ["forged", victim.pk])
    verdict = chain.verify()
    assert verdict.bad_entry_id == victim.pk
    assert "altered" in verdict.reason


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("after", '{"revenue": 3, "share": 0.25, "name": "杭州"}'),
        ("timestamp", dt.datetime(2026, 3, 1, 8, 0, 0, 1, tzinfo=dt.UTC)),
    ],
)
def test_a_set_based_entry_altered_afterwards_is_named(entries, subject, column, value):
    """What `verify` decodes from the stored row is what was hashed: the JSON and the
    timestamp as stored, changed by one unit, no longer match."""
    _insert_linked_firms(subject, page_size=1000)
    assert chain.verify().ok
    victim = AuditEntry.objects.filter(source="cli").order_by("seq")[1]
    if column == "timestamp":
        value = connection.ops.adapt_datetimefield_value(value)
    elif connection.vendor == "postgresql":
        _sql("UPDATE {table} SET after = CAST(%s AS jsonb) WHERE id = %s", [value, victim.pk])
        value = None
    if value is not None:
        _sql(f"UPDATE {{table}} SET {column} = %s WHERE id = %s", [value, victim.pk])  # noqa: S608
    verdict = chain.verify()
    assert (verdict.bad_entry_id, "altered" in verdict.reason) == (victim.pk, True), verdict


@pytest.mark.django_db
def test_set_based_entries_must_come_as_they_are_stored(entries, subject):
    """An object id given as a number would be hashed as one but stored and verified as text:
    refused before anything is written, as is a select of the audit table itself."""
    count = AuditEntry.objects.count()
    timestamp = connection.ops.adapt_datetimefield_value(dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    select = (
        "SELECT %s, NULL, 'sql', 'cli', '', '', 'create', '', %s, id, 'x', NULL, NULL, '' "
        "FROM {table} ORDER BY id"
    )
    content_type = ContentType.objects.get_for_model(User).pk
    with pytest.raises(TypeError, match="object_id must be str"), transaction.atomic():
        chain.insert_linked(
            select.format(table=ContentType._meta.db_table), [timestamp, content_type]
        )
    with pytest.raises(ValueError, match="must not read the audit table"):
        chain.insert_linked(select.format(table=TABLE), [timestamp, content_type])
    assert AuditEntry.objects.count() == count


@pytest.mark.django_db
def test_set_based_entries_do_not_adopt_a_row_inserted_around_the_chain(entries, subject):
    content_type = ContentType.objects.get_for_model(User)
    _sql(
        "INSERT INTO {table} (timestamp, actor_label, source, remote_addr, request_id, action, "
        "event, content_type_id, object_id, object_repr, message, prev_hash, hash) "
        "VALUES (%s, 'sql', 'cli', '', '', 'event', 'around', %s, 'x', 'x', '', '', '')",
        [
            connection.ops.adapt_datetimefield_value(dt.datetime(2026, 3, 1, tzinfo=dt.UTC)),
            content_type.pk,
        ],
    )
    around = AuditEntry.objects.get(event="around")
    rows = ContentType.objects.count()
    assert _insert_linked_firms(subject, page_size=1000) == rows
    assert AuditEntry.objects.get(pk=around.pk).seq is None
    assert chain.verify().bad_entry_id == around.pk


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQL linker is PostgreSQL's")
def test_the_after_commit_linker_links_in_sql_what_verify_recomputes(entries, subject):
    for n in range(3):
        record_event(instance=subject, event="test.sql", message=f"sql {n}")
    victim = AuditEntry.objects.filter(event="test.sql").order_by("id")[1]
    # Altered while pending: the SQL linker reads only (id, seal), so it links the entry...
    _sql("UPDATE {table} SET message = %s WHERE id = %s", ["forged", victim.pk])
    chain._link_committed()  # what runs after a commit
    linked = list(AuditEntry.objects.filter(event="test.sql").order_by("seq"))
    assert [e.seq for e in linked] == [entries[-1].seq + n for n in (1, 2, 3)]
    assert linked[0].prev_hash == entries[-1].hash
    assert [e.prev_hash for e in linked[1:]] == [e.hash for e in linked[:-1]]
    head = AuditChainHead.objects.get()
    assert (head.seq, head.last_hash) == (linked[-1].seq, linked[-1].hash)
    # ...and verify names it, its link covering a seal its content no longer gives.
    verdict = chain.verify()
    assert (verdict.bad_entry_id, "altered" in verdict.reason) == (victim.pk, True)
    _sql("UPDATE {table} SET message = %s WHERE id = %s", [victim.message, victim.pk])
    verdict = chain.verify()  # the links PostgreSQL computed are the ones Python recomputes
    assert (verdict.ok, verdict.checked, verdict.pending) == (True, len(entries) + 3, 0)


@pytest.mark.django_db
def test_a_set_based_entry_the_database_refuses_fails_as_a_django_error(entries, subject):
    """Written by `insert_linked`'s database thread, the error still reaches the caller as
    Django's own, and nothing of the batch is kept."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite does not enforce the length of a varchar")
    count = AuditEntry.objects.count()
    timestamp = connection.ops.adapt_datetimefield_value(dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    with pytest.raises(DataError), transaction.atomic():
        chain.insert_linked(
            "SELECT %s, NULL, 'sql', 'cli', '', '', 'create', '', %s, CAST(id AS varchar), "  # noqa: S608
            f"repeat('x', 301), NULL, NULL, '' FROM {ContentType._meta.db_table} ORDER BY id",
            [timestamp, ContentType.objects.get_for_model(User).pk],
            page_size=3,
        )
    assert AuditEntry.objects.count() == count
