"""`chainlead classify [--chain ai]`: place the city's firms on chain segments by rule."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from chainlead.audit.context import acting_as
from chainlead.chains.classification import classify_enterprises
from chainlead.chains.models import Chain
from chainlead.registry.models import Enterprise


class Command(BaseCommand):
    help = "Record industry-code and text-rule memberships for the city's firms (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--chain", action="append", default=[], help="A chain slug (repeat).")

    def handle(self, *args: Any, **options: Any) -> None:
        chains = None
        if options["chain"]:
            chains = list(Chain.objects.filter(slug__in=options["chain"]))
            if len(chains) != len(set(options["chain"])):
                known = ", ".join(Chain.objects.values_list("slug", flat=True))
                raise CommandError(_("Unknown chain. Known chains: %(k)s") % {"k": known})
        # The city's firms only: firms recorded with another city are not on the city's chains.
        # Memberships set by hand or decided by an official are left alone (membership_set).
        firms = Enterprise.objects.filter(city__in=["", settings.CHAINLEAD_CITY_NAME]).order_by(
            "pk"
        )
        with acting_as(None, source="cli"):
            report = classify_enterprises(actor=None, enterprises=firms, chains=chains)
        self.stdout.write(
            _("%(f)d firms: %(c)d memberships created, %(u)d updated, %(s)d unchanged")
            % {"f": report.firms, "c": report.created, "u": report.updated, "s": report.unchanged}
        )
