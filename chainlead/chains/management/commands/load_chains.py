"""`chainlead load-chains [--only ai,...]`: create or update chains from the shipped templates."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from chainlead.audit.context import acting_as
from chainlead.chains.services import chain_create_from_template
from chainlead.chains.templates_data import template_list


class Command(BaseCommand):
    help = "Create or update the chains of the shipped templates (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--only", default="", help="Comma-separated chain slugs.")

    def handle(self, *args: Any, **options: Any) -> None:
        templates = {t.slug: t for t in template_list()}
        wanted = [s.strip() for s in options["only"].split(",") if s.strip()] or list(templates)
        unknown = [s for s in wanted if s not in templates]
        if unknown:
            raise CommandError(
                _("Unknown chain template(s): %(u)s. Known: %(k)s")
                % {"u": ", ".join(unknown), "k": ", ".join(templates)}
            )
        with acting_as(None, source="cli"):
            for slug in wanted:
                chain = chain_create_from_template(actor=None, template=templates[slug])
                self.stdout.write(
                    _("%(slug)s: %(name)s, %(n)d segments")
                    % {"slug": chain.slug, "name": chain.name, "n": chain.segments.count()}
                )
