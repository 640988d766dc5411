"""`chainlead import-hotline FILE --as USERNAME`: import a CSV exported from the 12345 hotline.

All rows or none; errors are printed as `row N, field F: reason`; tickets already imported are
skipped, so running it twice on the same file changes nothing.
"""

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from chainlead.audit.context import acting_as
from chainlead.requests.hotline import hotline_import


class Command(BaseCommand):
    help = "Import 12345 hotline records (CSV) into the request pool."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--as", dest="username", required=True, help="a city admin's user")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user {options['username']!r}.")
        with acting_as(user, source="cli"):
            result = hotline_import(actor=user, data=options["file"].read_bytes())
        if not result.ok:
            for error in result.errors:
                self.stderr.write(error)
            raise CommandError(f"{len(result.errors)} errors; nothing was imported.")
        self.stdout.write(f"imported: {result.created}; already in the pool: {result.skipped}")
