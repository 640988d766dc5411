"""Archiving old entries to signed files: the files verify, and the online chain goes on."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import override_settings

from chainlead.accounts.models import User
from chainlead.audit import chain
from chainlead.audit.archive import ArchiveError, archive, verify_archive
from chainlead.audit.models import AuditArchive, AuditEntry
from chainlead.audit.services import record_event

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def _at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=10, tzinfo=SHANGHAI)


@pytest.fixture
def history(db: Any) -> User:
    """Entries in January, March and late September 2025."""
    with time_machine.travel(_at("2025-01-10"), tick=False):
        subject = User.objects.create_user("archived", password=None)
        for n in range(3):
            record_event(instance=subject, event="test.january", data={"n": n})
    with time_machine.travel(_at("2025-03-10"), tick=False):
        for n in range(2):
            record_event(instance=subject, event="test.march", data={"n": n})
    with time_machine.travel(_at("2025-09-30"), tick=False):
        record_event(instance=subject, event="test.september")
    chain.link_sealed()  # what runs after a commit (the test's transaction never commits)
    return subject


NOW = _at("2025-10-02")


@pytest.mark.django_db
def test_old_entries_move_to_a_file_that_verifies(history, tmp_path):
    january = list(AuditEntry.objects.filter(timestamp__lt=_at("2025-03-01")).order_by("seq"))
    done = archive(before=_at("2025-03-01"), out_dir=tmp_path, now=NOW)
    assert done is not None
    assert done.entries == len(january) == done.through_seq
    assert done.tail_hash == january[-1].hash
    lines = [json.loads(line) for line in done.path.read_text().splitlines()]
    assert [line["id"] for line in lines] == [e.pk for e in january]
    assert not AuditEntry.objects.filter(timestamp__lt=_at("2025-03-01")).exists()
    anchor = AuditArchive.objects.get()
    assert (anchor.through_seq, anchor.tail_hash) == (done.through_seq, done.tail_hash)
    assert verify_archive(done.path).ok
    online = chain.verify()
    assert online.ok, online
    # The chain goes on from the archived tail.
    with time_machine.travel(NOW, tick=False):
        record_event(instance=history, event="test.after")
    # Linked after the commit (PostgreSQL: here by hand), or in the transaction (SQLite).
    assert chain.link_sealed() == (0 if chain.links_in_writer_transaction() else 1)
    assert chain.verify().ok
    first_online = AuditEntry.objects.order_by("seq").first()
    assert first_online is not None
    assert first_online.prev_hash == done.tail_hash


@pytest.mark.django_db
def test_a_second_archive_continues_the_first(history, tmp_path):
    first = archive(before=_at("2025-03-01"), out_dir=tmp_path, now=NOW)
    second = archive(before=_at("2025-04-01"), out_dir=tmp_path, now=NOW)
    assert first is not None and second is not None
    assert second.first_seq == first.through_seq + 1
    signed = json.loads(second.signature_path.read_text())
    assert signed["first_prev_hash"] == first.tail_hash
    assert verify_archive(second.path).ok
    assert chain.verify().ok
    assert archive(before=_at("2025-04-01"), out_dir=tmp_path, now=NOW) is None


@pytest.mark.django_db
def test_six_months_stay_online(history, tmp_path):
    with pytest.raises(ArchiveError, match="183 days"):
        archive(before=_at("2025-05-01"), out_dir=tmp_path, now=NOW)
    with override_settings(CHAINLEAD_AUDIT_ONLINE_DAYS=30), pytest.raises(ArchiveError):
        archive(before=_at("2025-05-01"), out_dir=tmp_path, now=NOW)  # no less than six months
    with override_settings(CHAINLEAD_AUDIT_ONLINE_DAYS=400), pytest.raises(ArchiveError):
        archive(before=_at("2025-03-01"), out_dir=tmp_path, now=NOW)
    assert AuditArchive.objects.count() == 0


@pytest.mark.django_db
def test_an_altered_archive_line_is_named(history, tmp_path):
    done = archive(before=_at("2025-03-01"), out_dir=tmp_path, now=NOW)
    assert done is not None
    lines = done.path.read_text().splitlines()
    forged = json.loads(lines[2])
    forged["message"] = "forged"
    lines[2] = json.dumps(forged, ensure_ascii=False)
    done.path.write_text("\n".join(lines) + "\n")
    verdict = verify_archive(done.path)
    assert verdict.bad_entry_id == forged["id"]
    with pytest.raises(CommandError, match=rf"entry {forged['id']} "):
        call_command("audit", "verify", "--archive", str(done.path))


@pytest.mark.django_db
def test_a_removed_archive_line_is_named(history, tmp_path):
    done = archive(before=_at("2025-03-01"), out_dir=tmp_path, now=NOW)
    assert done is not None
    lines = done.path.read_text().splitlines()
    done.path.write_text("\n".join(lines[:1] + lines[2:]) + "\n")
    assert verify_archive(done.path).bad_entry_id == json.loads(lines[2])["id"]


@pytest.mark.django_db
def test_the_signature_needs_the_key(history, tmp_path):
    with override_settings(CHAINLEAD_AUDIT_KEY="first-key-" * 4):
        done = archive(before=_at("2025-03-01"), out_dir=tmp_path, now=NOW)
        assert done is not None
        assert verify_archive(done.path).ok
    with override_settings(CHAINLEAD_AUDIT_KEY="other-key-" * 4):
        verdict = verify_archive(done.path)
    assert not verdict.ok
    assert "signed" in verdict.reason
    signed = json.loads(done.signature_path.read_text())
    signed["tail_hash"] = "0" * 64
    done.signature_path.write_text(json.dumps(signed))
    with override_settings(CHAINLEAD_AUDIT_KEY="first-key-" * 4):
        assert not verify_archive(done.path).ok


@pytest.mark.django_db
def test_the_commands_archive_and_verify(history, tmp_path, capsys):
    with time_machine.travel(NOW, tick=False):
        call_command("audit", "archive", "--before", "2025-03-01", "--out", str(tmp_path))
        with pytest.raises(CommandError, match="stay online"):
            call_command("audit", "archive", "--before", "2025-09-01", "--out", str(tmp_path))
    files = sorted(Path(tmp_path).glob("*.jsonl"))
    assert [f.name for f in files] == ["audit-000000000001-000000000004.jsonl"]
    call_command("audit", "verify", "--archive", str(files[0]))
    call_command("audit", "verify")
    out = capsys.readouterr().out
    assert "4 entries verified" in out
    assert "online chain: 3 entries verified" in out


@pytest.mark.django_db
def test_an_archive_refuses_a_broken_chain(history, tmp_path):
    from django.db import connection

    victim = AuditEntry.objects.order_by("seq")[1]
    table = AuditEntry._meta.db_table
    with connection.cursor() as cursor:
        # A tamperer's statement; the table name is ours.
        cursor.execute(f"UPDATE {table} SET message = 'x' WHERE id = %s", [victim.pk])  # noqa: S608
    with pytest.raises(ArchiveError, match=str(victim.pk)):
        archive(before=_at("2025-03-01"), out_dir=tmp_path, now=NOW)
    assert not list(Path(tmp_path).glob("*.jsonl"))
