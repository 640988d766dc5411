"""`chainlead load-policies`: load the public policy documents of shared/data/hangzhou/policies.csv.

Only what the file states is stored (see its PROVENANCE.md): no document number or date is
invented, a month stays a month, and every source address is kept. `--attach` then puts each
policy in the packages of the chains its topic serves (governance/constants.py says how).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from chainlead.audit.context import acting_as
from chainlead.governance import services


class Command(BaseCommand):
    help = "Load the policy documents of policies.csv (idempotent); --attach adds them to chains."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--file",
            type=Path,
            default=None,
            help="default: SHARED_DATA_DIR/hangzhou/policies.csv",
        )
        parser.add_argument(
            "--attach", action="store_true", help="attach the policies to chains by topic"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"] or Path(settings.SHARED_DATA_DIR) / "hangzhou" / "policies.csv"
        if not path.exists():
            raise CommandError(f"{path} does not exist.")
        with acting_as(None, source="cli"):
            result = services.policies_load(actor=None, path=path)
            self.stdout.write(
                _("Policies: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
                % {
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                }
            )
            if options["attach"]:
                added = services.packages_attach_by_topic(actor=None)
                self.stdout.write(
                    _("Attached to chains by topic: %(n)d package items.") % {"n": added}
                )
