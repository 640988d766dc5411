"""`chainlead load-demo`: every app's demo step, in order, then one log-in per role.

The steps are declared by the apps (`PlatformAppConfig.demo_steps`); this command names none."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from chainlead.accounts.demo import DEMO_PASSWORD, users_table
from chainlead.audit.context import acting_as
from chainlead.core.plugins import DemoContext, run_demo
from chainlead.core.text import pad, text_width


class Command(BaseCommand):
    help = (
        "Load the demo: districts, the six chain templates, the city's real listed firms, the "
        "article's four firms, rule memberships, policies, analyses and demo users. Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--include-province",
            action="store_true",
            help=(
                "Also load the province's listed firms outside the city, marked with their own "
                "city and never put on the city's chains."
            ),
        )
        parser.add_argument(
            "--skip-analytics",
            action="store_true",
            help="Do not load the firms outside the city nor compute economic complexity.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        context = DemoContext(log=self.stdout.write, options={**options, "stdout": self.stdout})
        try:
            # One transaction: all or nothing, and one commit instead of hundreds.
            with acting_as(None, source="cli"), transaction.atomic():
                run_demo(context)
        except FileNotFoundError as exc:  # the shared data folder lacks a file
            raise CommandError(str(exc)) from exc
        self.stdout.write("")
        self.stdout.write(
            _("Demo users (local demo only: every user has the password %(p)s)")
            % {"p": DEMO_PASSWORD}
        )
        rows = [(_("username"), _("password"), _("role"), _("sees")), *users_table()]
        widths = [max(text_width(str(r[i])) for r in rows) for i in range(3)]
        for row in rows:
            cells = [pad(str(c), w) for c, w in zip(row[:3], widths, strict=True)]
            self.stdout.write("  ".join([*cells, str(row[3])]))
        users = context.results.get("users")
        if users is not None and users.created:
            self.stdout.write(_("%(n)d demo users created.") % {"n": users.created})
