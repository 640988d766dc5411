"""`chainlead restore FILE`: load a backup into an empty database (core.backup)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chainlead.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a `chainlead backup` file into an empty database and MEDIA_ROOT, then check "
        "every table's rows and the audit chain against the backup."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            done = restore(options["file"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored {done.tables} tables, {done.rows} rows, {done.files} attachments; "
            f"audit chain verified to #{done.audit_seq}."
        )
