"""`chainlead briefing CHAIN --month YYYY-MM --out DIR`: the monthly briefing as PDF and Excel."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from chainlead.accounts.models import User
from chainlead.audit.context import acting_as
from chainlead.chains.models import Chain
from chainlead.governance import briefing
from chainlead.governance.models import ChainLeader


class Command(BaseCommand):
    help = "Write the monthly briefing of a chain (PDF and Excel) into a directory."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("chain", help="the chain's slug, e.g. ai")
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--out", required=True, type=Path, help="output directory")
        parser.add_argument(
            "--as-user",
            default=None,
            help="write it as this user sees it (default: the chain leader, else the first "
            "active superuser)",
        )
        parser.add_argument("--language", default="zh-hans", help="zh-hans (default) or en")

    def handle(self, *args: Any, **options: Any) -> None:
        month = options["month"]
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
            raise CommandError("--month must be YYYY-MM.")
        try:
            chain = Chain.objects.get(slug=options["chain"])
        except Chain.DoesNotExist as exc:
            raise CommandError(f"No chain {options['chain']!r}.") from exc
        user = _briefing_user(options["as_user"], chain)
        out: Path = options["out"]
        out.mkdir(parents=True, exist_ok=True)
        with translation.override(options["language"]), acting_as(user, source="cli"):
            data = briefing.briefing_data(user=user, chain=chain, month=month)
            pdf = out / f"briefing-{chain.slug}-{month}.pdf"
            xlsx = out / f"briefing-{chain.slug}-{month}.xlsx"
            pdf.write_bytes(briefing.render_pdf(data))
            xlsx.write_bytes(briefing.render_xlsx(data))
        self.stdout.write(f"{pdf}\n{xlsx}")


def _briefing_user(username: str | None, chain: Chain) -> Any:
    """The reader whose view the briefing shows: it is written for the chain leader."""
    if username:
        try:
            return User.objects.get(username=username, is_active=True)
        except User.DoesNotExist as exc:
            raise CommandError(f"No active user {username!r}.") from exc
    leader = ChainLeader.objects.filter(chain=chain).select_related("user").first()
    if leader is not None and leader.user.is_active:
        return leader.user
    admin = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if admin is None:
        raise CommandError("The chain has no leader and there is no superuser: use --as-user.")
    return admin
