"""`chainlead load-demo`: districts, chain templates, real public firms and one user per role."""

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from chainlead.chains.management.commands.chain_map import pad, text_width
from chainlead.registry.demo import DEMO_PASSWORD, SharedDataMissingError, demo_load, users_table


class Command(BaseCommand):
    help = (
        "Load the demo: districts, the six chain templates, the city's real listed firms, the "
        "article's four firms, rule memberships and demo users. Idempotent."
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
        try:
            result = demo_load(include_province=options["include_province"], log=self.stdout.write)
            # Chain governance: the real policy documents, attached to chains, and the demo's
            # chain leader and task force recorded as the AI chain's "five ones".
            call_command("load_policies", attach=True, sync_grants=True, stdout=self.stdout)
            if not options["skip_analytics"]:
                self._analytics()
        except SharedDataMissingError as exc:
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
        users = result["users"]
        if users.created:
            self.stdout.write(_("%(n)d demo users created.") % {"n": users.created})

    def _analytics(self) -> None:
        """The recruitment pool and the complexity runs the opportunities page shows."""
        from chainlead.analytics import AnalyticsError
        from chainlead.audit.context import acting_as
        from chainlead.recruitment.analysis import complexity_run_create
        from chainlead.recruitment.candidates import candidates_load_listed

        with acting_as(None, source="cli"):
            try:
                pool = candidates_load_listed()
            except FileNotFoundError as exc:
                raise SharedDataMissingError(str(exc)) from exc
            self.stdout.write(
                _("Firms outside the city: %(c)d created, %(u)d updated, %(n)d unchanged")
                % {"c": pool.created, "u": pool.updated, "n": pool.unchanged}
            )
            # Provinces × divisions from the listed companies, weighted by employees (issue 4).
            for level in ("province", "city", "district"):
                try:
                    run = complexity_run_create(actor=None, level=level, reuse=True)
                except AnalyticsError as exc:  # the public data name few districts
                    self.stdout.write(
                        _("Complexity (%(l)s): not computed: %(e)s") % {"l": level, "e": exc}
                    )
                    continue
                self.stdout.write(
                    _("Complexity (%(l)s): %(r)d regions × %(i)d industries, run %(id)d")
                    % {
                        "l": level,
                        "r": run.snapshot["regions"],
                        "i": run.snapshot["industries"],
                        "id": run.pk,
                    }
                )
            self._rank_ai_gaps()

    def _rank_ai_gaps(self) -> None:
        """Candidates for each gap of the AI chain, from the real listed firms outside the city."""
        from chainlead.chains.models import Chain
        from chainlead.chains.selectors import MapFilters, compute_chain_map
        from chainlead.recruitment.analysis import ranking_run_create
        from chainlead.recruitment.models import AnalysisRun

        chain = Chain.objects.filter(slug="ai").first()
        if chain is None:
            return
        figures = compute_chain_map(chain=chain, filters=MapFilters())
        ranked = 0
        for fig in figures.segments:
            if (
                fig.status == "ok"
                or AnalysisRun.objects.filter(
                    kind=AnalysisRun.Kind.RANKING, params__chain="ai", params__segment=fig.slug
                ).exists()
            ):
                continue
            segment = chain.segments.get(pk=fig.segment_id)
            ranking_run_create(actor=None, chain=chain, segment=segment)
            ranked += 1
        self.stdout.write(_("AI chain gaps ranked: %(n)d") % {"n": ranked})
