"""`chainlead backup FILE`: the database and the attachments in one tar.gz (core.backup)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from chainlead.core.backup import backup


class Command(BaseCommand):
    help = "Back up every table and MEDIA_ROOT to FILE (tar.gz with a manifest of sha256s)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        done = backup(options["file"])
        self.stdout.write(
            f"{options['file']}: {done.tables} tables, {done.rows} rows, {done.files} "
            f"attachments; audit chain at #{done.audit_seq}."
        )
