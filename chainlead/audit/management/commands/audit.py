"""`chainlead audit verify [--archive FILE]` and `chainlead audit archive --before DATE --out DIR`.

verify links the entries still waiting to be linked (left pending by a crash after their
commit), then exits 1 naming the first bad entry; archive moves entries older than DATE (at least
`CHAINLEAD_AUDIT_ONLINE_DAYS`, ≥ 183, old) to a signed file in DIR. See docs/security-audit.md.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from chainlead.audit.archive import ArchiveError, archive, verify_archive
from chainlead.audit.chain import Verdict, link_sealed, verify


class Command(BaseCommand):
    help = "Verify the audit log's hash chain, or archive its old entries to signed files."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        check = actions.add_parser("verify", help="Check the online chain or an archive file.")
        check.add_argument("--archive", type=Path, help="an archive's .jsonl file")
        move = actions.add_parser("archive", help="Move old entries to a signed file.")
        move.add_argument("--before", required=True, type=dt.date.fromisoformat)
        move.add_argument("--out", required=True, type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "verify":
            self._verify(options["archive"])
        else:
            self._archive(options["before"], options["out"])

    def _verify(self, archive_path: Path | None) -> None:
        if archive_path is None:
            link_sealed()
            verdict = verify()
        else:
            verdict = verify_archive(archive_path)
        where = str(archive_path) if archive_path else "online chain"
        if not verdict.ok:
            raise CommandError(
                f"{where}: entry {verdict.bad_entry_id} {verdict.reason} "
                f"({verdict.checked} entries good before it).",
                returncode=1,
            )
        self.stdout.write(_summary(where, verdict))

    def _archive(self, before_date: dt.date, out_dir: Path) -> None:
        before = timezone.make_aware(dt.datetime.combine(before_date, dt.time.min))
        try:
            done = archive(before=before, out_dir=out_dir, now=timezone.now())
        except ArchiveError as error:
            raise CommandError(str(error)) from error
        if done is None:
            self.stdout.write(f"No entries before {before_date} to archive.")
            return
        self.stdout.write(
            f"Archived entries #{done.first_seq}–#{done.through_seq} ({done.entries}) to "
            f"{done.path} (signature {done.signature_path.name}); tail {done.tail_hash}."
        )


def _summary(where: str, verdict: Verdict) -> str:
    # Entries committed while the command ran may still wait for their linker.
    pending = f" {verdict.pending} pending, intact." if verdict.pending else ""
    return (
        f"{where}: {verdict.checked} entries verified; head #{verdict.last_seq} "
        f"{verdict.last_hash or '(empty)'}.{pending}"
    )
