"""`chainlead rank-targets CHAIN SEGMENT --format json|table`."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from chainlead.audit.context import acting_as
from chainlead.chains.models import Chain, Segment
from chainlead.recruitment.analysis import ranking_run_create


class Command(BaseCommand):
    help = "Rank firms outside the city for a chain segment, each score explained term by term."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("chain")
        parser.add_argument("segment")
        parser.add_argument("--format", choices=["json", "table"], default="table")
        parser.add_argument("--limit", type=int, default=20)

    def handle(self, *args: Any, **options: Any) -> None:
        chain = Chain.objects.filter(slug=options["chain"]).first()
        if chain is None:
            known = ", ".join(Chain.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"Unknown chain {options['chain']!r}. Known chains: {known}.")
        segment = Segment.objects.filter(chain=chain, slug=options["segment"]).first()
        if segment is None:
            known = ", ".join(chain.segments.values_list("slug", flat=True))
            raise CommandError(
                f"Unknown segment {options['segment']!r} of {chain.slug}. Segments: {known}."
            )
        with acting_as(None, source="cli"):
            run = ranking_run_create(
                actor=None, chain=chain, segment=segment, limit=options["limit"]
            )
        ranked = run.results["ranked"]
        if options["format"] == "json":
            self.stdout.write(
                json.dumps(
                    {
                        "run": run.pk,
                        "chain": chain.slug,
                        "segment": segment.slug,
                        "params": run.params,
                        "snapshot": run.snapshot,
                        "ranked": ranked,
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        self.stdout.write(f"{chain.name} · {segment.name}: {len(ranked)} candidates (run {run.pk})")
        for i, r in enumerate(ranked, start=1):
            terms = "  ".join(f"{t['name']} {t['value']:.2f}×{t['weight']:.2f}" for t in r["terms"])
            self.stdout.write(f"{i:>3}. {r['score']:.3f}  {r['name']} ({r['location']})  {terms}")
