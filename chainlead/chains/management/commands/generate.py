"""`chainlead generate --enterprises N --seed S [--csv FILE]`: a synthetic registry."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from chainlead.chains.generator import generate_into_db
from chainlead.registry.generator import write_csv


class Command(BaseCommand):
    help = (
        "Generate N synthetic firms (marked synthetic) with indicators and memberships in the "
        "existing chains, or write them as an import-format CSV with --csv."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enterprises", type=int, required=True, metavar="N")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--csv", type=Path, help="Write an import file instead of the database."
        )
        parser.add_argument(
            "--chinese-headers", action="store_true", help="Use the Chinese headers in --csv."
        )
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        n: int = options["enterprises"]
        bar = tqdm(
            total=n, unit=" firms", disable=options["no_progress"] or None, file=self.stderr._out
        )
        try:
            if options["csv"]:
                with options["csv"].open("w", encoding="utf-8", newline="") as out:
                    written = write_csv(
                        out,
                        n,
                        seed=options["seed"],
                        chinese_headers=options["chinese_headers"],
                        progress=bar.update,
                    )
                self.stdout.write(f"Wrote {written} synthetic firms to {options['csv']}.")
            else:
                counts = generate_into_db(n, seed=options["seed"], progress=bar.update)
                self.stdout.write(
                    f"Generated {counts['enterprises']} synthetic firms, {counts['indicators']} "
                    f"yearly indicators and {counts['memberships']} segment memberships."
                )
        finally:
            bar.close()
