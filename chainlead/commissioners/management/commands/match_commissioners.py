"""`chainlead match-commissioners [--district D] [--dry-run] [--as-of YYYY-MM-DD] [--top N]`:
propose the optimal assignment of commissioners to firms and print it with its objective, the
optimality certificate and the gain over the greedy assignment. Without --dry-run the proposal is
stored as a matching run, for officials to accept on its page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from chainlead.commissioners import services
from chainlead.commissioners.constants import MATCH_TERMS
from chainlead.commissioners.models import Commissioner
from chainlead.commissioners.proposals import build_proposal
from chainlead.registry.models import District, Enterprise


class Command(BaseCommand):
    help = "Propose the optimal commissioner ↔ firm assignment and explain it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--district", help="district name or division code (firms there)")
        parser.add_argument("--dry-run", action="store_true", help="print only, store nothing")
        parser.add_argument("--as-of", help="date of the proposal (default: today)")
        parser.add_argument("--top", type=int, default=20, help="pairs to print (default 20)")

    def handle(self, *args: Any, **options: Any) -> None:
        district = None
        if options["district"]:
            name = options["district"]
            district = (
                District.objects.filter(name=name).first()
                or District.objects.filter(code=name).first()
            )
            if district is None:
                raise CommandError(f"Unknown district: {name}")
        as_of = (
            dt.date.fromisoformat(options["as_of"]) if options["as_of"] else timezone.localdate()
        )
        if options["dry_run"]:
            proposal = build_proposal(as_of=as_of, district_id=district.pk if district else None)
            pairs = list(proposal.pairs())
            objective, bound = proposal.objective, proposal.result.bound
            greedy, ok = proposal.greedy_objective, proposal.certificate_ok
            counts = (proposal.commissioner_ids.size, proposal.firm_ids.size)
            candidates = proposal.candidate_pairs
        else:
            run = services.matching_run_create(
                actor=None, as_of=as_of, district=district, start=False
            )
            run = services.matching_run_execute(run)
            pairs = [
                (p.commissioner_id, p.enterprise_id, p.score, p.terms) for p in run.pairs.all()
            ]
            objective, bound = run.objective or 0.0, run.bound or 0.0
            greedy, ok = run.greedy_objective or 0.0, bool(run.certificate_ok)
            counts = (run.commissioners, run.firms)
            candidates = run.candidate_pairs
            self.stdout.write(f"Stored as matching run #{run.pk}.")
        names = dict(
            Commissioner.objects.filter(pk__in=[p[0] for p in pairs[: options["top"]]]).values_list(
                "pk", "name"
            )
        )
        firms = dict(
            Enterprise.objects.filter(pk__in=[p[1] for p in pairs[: options["top"]]]).values_list(
                "pk", "name"
            )
        )
        self.stdout.write(
            f"{counts[0]} commissioners with free capacity, {counts[1]} firms, "
            f"{candidates} candidate pairs, {len(pairs)} pairs proposed."
        )
        for commissioner_id, firm_id, score, terms in sorted(pairs, key=lambda p: -p[2])[
            : options["top"]
        ]:
            explained = ", ".join(f"{t} {terms.get(t, 0):.2f}" for t in MATCH_TERMS if terms.get(t))
            self.stdout.write(
                f"  {names.get(commissioner_id, commissioner_id)} → "
                f"{firms.get(firm_id, firm_id)}: {score:.3f} ({explained})"
            )
        gain = objective - greedy
        relative = gain / greedy if greedy > 0 else 0.0
        self.stdout.write(f"Objective: {objective:.4f}")
        self.stdout.write(
            f"Certificate: {'verified' if ok else 'NOT verified'}; upper bound {bound:.4f}, "
            f"gap {bound - objective:.2e}"
        )
        self.stdout.write(f"Greedy: {greedy:.4f}; gain over greedy {gain:.4f} ({relative:.2%})")
