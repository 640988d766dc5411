"""Recruitment in `chainlead load-demo`: the pool of real listed firms outside the city, the
complexity runs the opportunities page shows, and candidates for each gap of the AI chain.
Skipped with `load-demo --skip-analytics`."""

from __future__ import annotations

from django.utils.translation import gettext as _

from chainlead.analytics import AnalyticsError
from chainlead.chains.models import Chain
from chainlead.chains.selectors import MapFilters, compute_chain_map
from chainlead.core.plugins import DemoContext
from chainlead.recruitment.analysis import Level, complexity_run_create, ranking_run_create
from chainlead.recruitment.candidates import candidates_load_listed
from chainlead.recruitment.models import AnalysisRun
from chainlead.registry.demo import SharedDataMissingError

DEMO_CHAIN = "ai"


def demo_step(context: DemoContext) -> None:
    if context.options.get("skip_analytics"):
        return
    try:
        pool = candidates_load_listed()
    except FileNotFoundError as exc:
        raise SharedDataMissingError(str(exc)) from exc
    context.log(
        _("Firms outside the city: %(c)d created, %(u)d updated, %(n)d unchanged")
        % {"c": pool.created, "u": pool.updated, "n": pool.unchanged}
    )
    # Provinces × divisions from the listed companies, weighted by employees (issue 4).
    levels: dict[Level, str] = {
        "province": _("province"),
        "city": _("city"),
        "district": _("district"),
    }
    for level, level_label in levels.items():
        try:
            run = complexity_run_create(actor=None, level=level, reuse=True)
        except AnalyticsError:  # the public data name few districts
            context.log(
                _(
                    "Complexity (%(l)s): not computed: no firm has a region, an industry "
                    "and a value."
                )
                % {"l": level_label}
            )
            continue
        context.log(
            _("Complexity (%(l)s): %(r)d regions × %(i)d industries, run %(id)d")
            % {
                "l": level_label,
                "r": run.snapshot["regions"],
                "i": run.snapshot["industries"],
                "id": run.pk,
            }
        )
    _rank_ai_gaps(context)


def _rank_ai_gaps(context: DemoContext) -> None:
    """Candidates for each gap of the AI chain, from the real listed firms outside the city."""
    chain = Chain.objects.filter(slug=DEMO_CHAIN).first()
    if chain is None:
        return
    figures = compute_chain_map(chain=chain, filters=MapFilters())
    ranked = 0
    for fig in figures.segments:
        if (
            fig.status == "ok"
            or AnalysisRun.objects.filter(
                kind=AnalysisRun.Kind.RANKING, params__chain=DEMO_CHAIN, params__segment=fig.slug
            ).exists()
        ):
            continue
        segment = chain.segments.get(pk=fig.segment_id)
        ranking_run_create(actor=None, chain=chain, segment=segment)
        ranked += 1
    context.log(_("AI chain gaps ranked: %(n)d") % {"n": ranked})
