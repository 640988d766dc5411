"""`chainlead chain-map SLUG [--format json|table]`: the chain map's figures, upstream first.

The command is the system: it computes the map for the whole city (no user scope) straight from
`compute_chain_map`, without the per-user cache. Real users always go through `chain_map`.
"""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from chainlead.chains.models import Chain
from chainlead.chains.selectors import MapFilters, compute_chain_map
from chainlead.core.text import pad, text_width
from chainlead.registry.models import District

COLUMNS = (
    "order",
    "name",
    "firms",
    "local",
    "attracted",
    "revenue",
    "rd_spend",
    "hhi",
    "status",
    "top_firms",
)


def _cell(segment: dict[str, Any], column: str) -> str:
    value = segment[column]
    if column == "hhi":
        return "—" if value is None else f"{value:.3f}"
    if column in ("revenue", "rd_spend"):
        return f"{value:,.0f}"
    if column == "top_firms":
        return "、".join(value)
    return str(value)


def render_table(report: dict[str, Any]) -> str:
    headers = {
        "order": "#",
        "name": _("segment"),
        "firms": _("firms"),
        "local": _("local"),
        "attracted": _("attracted"),
        "revenue": _("revenue (10,000 CNY)"),
        "rd_spend": _("R&D (10,000 CNY)"),
        "hhi": "HHI",
        "status": _("status"),
        "top_firms": _("top firms"),
    }
    rows = [[_cell(s, c) for c in COLUMNS] for s in report["segments"]]
    widths = [
        max([text_width(headers[c])] + [text_width(r[i]) for r in rows])
        for i, c in enumerate(COLUMNS)
    ]
    numeric = {"order", "firms", "local", "attracted", "revenue", "rd_spend", "hhi"}
    lines = [f"{report['name']} ({report['chain']})"]
    lines.append(
        "  ".join(
            pad(headers[c], w, right=c in numeric) for c, w in zip(COLUMNS, widths, strict=True)
        ).rstrip()
    )
    for r in rows:
        lines.append(
            "  ".join(
                pad(v, w, right=c in numeric) for v, c, w in zip(r, COLUMNS, widths, strict=True)
            ).rstrip()
        )
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Print the figures of a chain map, segments from upstream to downstream."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="The chain's slug, e.g. ai.")
        parser.add_argument("--format", choices=("json", "table"), default="table")
        parser.add_argument("--district", help="Limit to one district (name or division code).")
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "--include-synthetic",
            dest="include_synthetic",
            action="store_true",
            default=True,
            help="Count synthetic firms too (the default).",
        )
        group.add_argument(
            "--real-only",
            dest="include_synthetic",
            action="store_false",
            help="Count only real (entered or public) firms.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        chain = Chain.objects.filter(slug=options["slug"]).first()
        if chain is None:
            known = ", ".join(
                Chain.objects.order_by("order", "slug").values_list("slug", flat=True)
            )
            raise CommandError(
                _("Unknown chain %(slug)r. Known chains: %(known)s")
                % {"slug": options["slug"], "known": known or _("none (run load-chains)")}
            )
        district_ids = None
        if options["district"]:
            wanted = options["district"].strip()
            district = District.objects.filter(name=wanted).first() or (
                District.objects.filter(code=wanted).first()
            )
            if district is None:
                raise CommandError(_("Unknown district %(d)r.") % {"d": wanted})
            district_ids = (district.pk,)
        filters = MapFilters(
            district_ids=district_ids, include_synthetic=options["include_synthetic"]
        )
        report = compute_chain_map(chain=chain, filters=filters).as_report()
        if options["format"] == "json":
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(render_table(report))
