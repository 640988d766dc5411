"""`chainlead load-candidates [FILE] [--dry-run]`: firms outside the city, for recruitment."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from chainlead.audit.context import acting_as
from chainlead.recruitment.candidates import candidates_import, candidates_load_listed
from chainlead.registry.importers import ImportFileError


class Command(BaseCommand):
    help = (
        "Load the pool of firms outside the city: from FILE (CSV/Excel, all or nothing), or "
        "without FILE the real listed companies outside the city from the shared data."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", nargs="?")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        with acting_as(None, source="cli"):
            try:
                if options["file"]:
                    result = candidates_import(
                        actor=None, path=Path(options["file"]), dry_run=options["dry_run"]
                    )
                else:
                    result = candidates_load_listed()
            except ImportFileError as exc:
                for error in exc.errors:
                    self.stderr.write(str(error))
                raise CommandError(f"{len(exc.errors)} errors; nothing was written.") from exc
            except FileNotFoundError as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Firms outside the city: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged."
        )
