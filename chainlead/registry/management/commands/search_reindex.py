"""`chainlead search-reindex`: write the search documents that bulk writes left out of date.

Saves and imports index firms themselves; generators and other bulk writes (`bulk_create`, raw
SQL) do not, and this catches them up. `--all` rewrites every document (after a change to how
documents are made)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from chainlead.registry.search import reindex, search_catch_up


class Command(BaseCommand):
    help = "Index firms whose search document is missing or older than the firm."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="Rewrite every document.")

    def handle(self, *args: Any, **options: Any) -> None:
        count = reindex() if options["all"] else search_catch_up()
        self.stdout.write(f"Search documents written: {count}.")
