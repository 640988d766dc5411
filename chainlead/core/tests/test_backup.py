"""Backup and restore: a backup restored into a fresh database gives every table, the
attachments and the audit chain back identical (on the engine the tests run on)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from chainlead.audit.models import AuditEntry
from chainlead.audit.services import record_event
from chainlead.core.backup import MANIFEST

ROOT = Path(settings.BASE_DIR)


def _manifest(path: Path) -> dict[str, Any]:
    with tarfile.open(path, "r:gz") as archive:
        source = archive.extractfile(MANIFEST)
        assert source is not None
        return dict(json.load(source))


@pytest.fixture
def target(tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of a `chainlead` process on a new, empty database of the same engine."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ["DJANGO_SETTINGS_MODULE"],  # the tests' own
        "CHAINLEAD_VAR_DIR": str(tmp_path / "restored-var"),
        "DATABASE_CONN_MAX_AGE": "0",
    }
    if connection.vendor == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        yield env
        return
    import psycopg

    server = connection.settings_dict
    name = f"chainlead_restore_{uuid.uuid4().hex[:12]}"
    credentials = server["USER"] + (f":{server['PASSWORD']}" if server["PASSWORD"] else "")
    base = f"postgres://{credentials}@{server['HOST']}:{server['PORT'] or 5432}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = f"{base}/{name}"
    try:
        yield env
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _chainlead(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "chainlead", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def _damaged_copy(source: Path, target: Path) -> None:
    """The backup with one audit entry's message changed, the manifest left as it was."""
    with tarfile.open(source, "r:gz") as original, tarfile.open(target, "w:gz") as damaged:
        for member in original.getmembers():
            data = original.extractfile(member)
            content = data.read() if data is not None else b""
            if member.name == "data/audit.auditentry.jsonl":
                content = content.replace(b"backed up", b"forged up", 1)
            member.size = len(content)
            damaged.addfile(member, io.BytesIO(content))


@pytest.mark.django_db
def test_a_backup_restores_identical_into_an_empty_database(world, tmp_path, target):
    media = tmp_path / "media"
    (media / "attachments").mkdir(parents=True)
    (media / "attachments" / "plan.pdf").write_bytes(b"%PDF-1.4 plan\n" * 100)
    record_event(instance=world.own.firm, event="test.backup", message="backed up")
    backup_file = tmp_path / "backup.tar.gz"
    with override_settings(MEDIA_ROOT=media):
        call_command("backup", str(backup_file))
    original = _manifest(backup_file)
    assert original["tables"]["audit.auditentry"]["rows"] == AuditEntry.objects.count()
    assert original["tables"]["accounts.user"]["rows"] >= 5
    assert original["media"]["attachments/plan.pdf"]["size"] == 1400
    assert original["audit"]["seq"] == AuditEntry.objects.count()

    damaged = tmp_path / "damaged.tar.gz"
    _damaged_copy(backup_file, damaged)
    refused = _chainlead(target, "restore", str(damaged))
    assert refused.returncode != 0
    assert "audit.auditentry is damaged" in refused.stderr

    restored = _chainlead(target, "restore", str(backup_file))
    assert restored.returncode == 0, restored.stderr
    assert "audit chain verified" in restored.stdout
    verified = _chainlead(target, "audit", "verify")
    assert verified.returncode == 0, verified.stderr
    assert original["audit"]["last_hash"] in verified.stdout

    again = tmp_path / "again.tar.gz"
    assert _chainlead(target, "backup", str(again)).returncode == 0
    copy = _manifest(again)
    assert copy["tables"] == original["tables"]  # every table: same rows, same bytes
    assert copy["media"] == original["media"]
    assert copy["audit"] == original["audit"]
    assert copy["migrations"] == original["migrations"]
    restored_file = Path(target["CHAINLEAD_VAR_DIR"]) / "media" / "attachments" / "plan.pdf"
    assert restored_file.read_bytes() == b"%PDF-1.4 plan\n" * 100

    twice = _chainlead(target, "restore", str(backup_file))
    assert twice.returncode != 0
    assert "not empty" in twice.stderr


@pytest.mark.django_db
def test_a_restore_into_a_database_in_use_is_refused(world, tmp_path):
    backup_file = tmp_path / "backup.tar.gz"
    with override_settings(MEDIA_ROOT=tmp_path / "media"):
        call_command("backup", str(backup_file))
    entries = AuditEntry.objects.count()
    with (
        override_settings(MEDIA_ROOT=tmp_path / "other-media"),
        pytest.raises(CommandError, match="not empty"),
    ):
        call_command("restore", str(backup_file))
    assert AuditEntry.objects.count() == entries
