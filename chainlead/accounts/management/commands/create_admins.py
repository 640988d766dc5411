"""`chainlead create-admins`: the system, security and audit administrators (三员分立)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from chainlead.accounts.services import administrators_create
from chainlead.audit.context import acting_as


class Command(BaseCommand):
    help = (
        "Create the three administrators (system, security, audit), one role each, and print "
        "their one-time passwords. The superuser is then not used in operation."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with acting_as(None, source="cli"):
                created = administrators_create()
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        for user, password in created:
            self.stdout.write(f"{user.username} {password}")
        self.stderr.write("Give each password to its holder once; change it at the first log-in.")
