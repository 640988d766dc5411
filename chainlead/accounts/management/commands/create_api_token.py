"""`chainlead create_api_token <username> --name … [--days N]`: print a new API key once."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chainlead.accounts.models import User
from chainlead.accounts.services import API_TOKEN_DEFAULT_DAYS, api_token_create
from chainlead.audit.context import acting_as


class Command(BaseCommand):
    help = "Create an API token for a user and print its key (shown only this once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="What the token is for.")
        parser.add_argument("--days", type=int, default=API_TOKEN_DEFAULT_DAYS)

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {options['username']!r}.")
        # The command runs as the token's owner: whoever has the shell may act as them.
        with acting_as(user, source="cli"):
            token, key = api_token_create(actor=user, name=options["name"], days=options["days"])
        self.stderr.write(f"Created token {token} expiring {token.expires_at:%Y-%m-%d}.")
        self.stdout.write(key)
