"""`chainlead generate-requests --requests N --seed S`: synthetic requests (see generator.py)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from chainlead.requests.generator import generate_requests


class Command(BaseCommand):
    help = "Insert N synthetic requests for the firms and chains in the database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--requests", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--open-share", type=float, default=0.7, help="share still open (0-1); default 0.7"
        )
        parser.add_argument("--days", type=int, default=120, help="raised over the last N days")

    def handle(self, *args: Any, **options: Any) -> None:
        n = generate_requests(
            options["requests"],
            seed=options["seed"],
            open_share=options["open_share"],
            days=options["days"],
        )
        self.stdout.write(f"{n} requests generated")
