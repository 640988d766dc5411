"""Commissioners in `chainlead load-demo`.

Step 300: the real proof-of-concept centres of `shared/data/hangzhou/poc_centres.csv` located in
Hangzhou (or with no location stated) become legal-entity commissioners, as the file states them
(name, host institution, district, fields; provenance "public data", with the source address);
centres the file places outside Hangzhou are left out. Individual commissioners are generated,
seeded, and marked synthetic. A matching is proposed over the demo's firms.

Step 930 (after the accounts step creates the demo users at 900): the demo user `commissioner`
acts for one synthetic commissioner of the demo district, stationed with a few of its firms.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import re
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from chainlead.chains.models import Segment
from chainlead.commissioners import services
from chainlead.commissioners.choices import CommissionerKind, Provenance
from chainlead.commissioners.models import Assignment, Commissioner
from chainlead.core.plugins import DemoContext
from chainlead.registry.models import District, Enterprise, Industry

POC_FILE = ("hangzhou", "poc_centres.csv")
SYNTHETIC_COMMISSIONERS = 40
SEED = 12
DEMO_USERNAME = "commissioner"
DEMO_STATIONS = 3
# A legal-entity commissioner's capacity is not in the file: the demo sets it.
INSTITUTION_CAPACITY = 5


def _poc_path() -> Path:
    return Path(settings.SHARED_DATA_DIR).joinpath(*POC_FILE)


def poc_centres_load() -> tuple[int, int]:
    """The Hangzhou PoC centres as legal-entity commissioners; (created, skipped)."""
    hangzhou = {d.name: d for d in District.objects.all()}
    created = skipped = 0
    with _poc_path().open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            place = (row.get("district") or "").strip()
            district = next((d for name, d in hangzhou.items() if name and name in place), None)
            if place and district is None:
                skipped += 1  # the file places it outside Hangzhou
                continue
            fields = [f for f in re.split(r"[;；、]", row.get("field") or "") if f.strip()]
            note = f"{row['status_stated']} — {row['source_url']}"[:500]
            existing = Commissioner.objects.filter(name=row["name"]).first()
            if existing is not None:
                continue
            services.commissioner_create(
                actor=None,
                kind=CommissionerKind.INSTITUTION,
                name=row["name"],
                home_institution=row["host_institution"][:200],
                district=district,
                keywords=fields,
                capacity=INSTITUTION_CAPACITY,
                provenance=Provenance.PUBLIC,
                source_note=note,
            )
            created += 1
    return created, skipped


def synthetic_commissioners_load(*, seed: int = SEED, count: int = SYNTHETIC_COMMISSIONERS) -> int:
    """Generated individual commissioners whose expertise follows the demo firms' industries."""
    if Commissioner.objects.filter(provenance=Provenance.SYNTHETIC).exists():
        return 0
    rng = random.Random(seed)  # noqa: S311 - seeded demo data, not secrets
    firms = Enterprise.objects.filter(district__isnull=False, industry__isnull=False)
    groups = Counter(
        code[:3] for code in firms.values_list("industry_id", flat=True) if code[:1].isdigit()
    )
    codes = [code for code, _n in groups.most_common(30)]
    industries = {i.code: i for i in Industry.objects.filter(code__in=codes)}
    districts = list(District.objects.filter(enterprises__isnull=False).distinct())
    segments = list(Segment.objects.all()[:40])
    keywords = ["芯片", "算力", "大模型", "机器人", "传感器", "新材料", "储能", "生物医药", "软件"]
    made = 0
    for n in range(1, count + 1):
        chosen = rng.sample(codes, k=min(2, len(codes))) if codes else []
        services.commissioner_create(
            actor=None,
            kind=CommissionerKind.INDIVIDUAL,
            name=_("Synthetic commissioner %(n)02d") % {"n": n},
            home_institution=_("(synthetic)"),
            district=rng.choice(districts) if districts else None,
            industries=[industries[c] for c in chosen if c in industries],
            segments=rng.sample(segments, k=min(1, len(segments))),
            keywords=rng.sample(keywords, k=2),
            capacity=rng.randint(2, 6),
            service_start=dt.date(2025, 1, 1),
            provenance=Provenance.SYNTHETIC,
            source_note=_("generated for the demo (seed %(s)d)") % {"s": seed},
        )
        made += 1
    return made


def demo_step(context: DemoContext) -> None:
    created, skipped = poc_centres_load()
    context.log(
        _("Commissioners: %(c)d PoC centres (public data), %(s)d outside Hangzhou left out")
        % {"c": created, "s": skipped}
    )
    made = synthetic_commissioners_load()
    context.log(_("Commissioners: %(n)d synthetic individuals") % {"n": made})
    # One proposal for the demo: a second load-demo keeps it (the demo is idempotent).
    from chainlead.commissioners.models import MatchingRun

    existing = MatchingRun.objects.order_by("pk").first()
    if existing is not None:
        context.results["commissioner_matching"] = existing
        return
    run = services.matching_run_create(actor=None, start=False)
    run = services.matching_run_execute(run)
    context.results["commissioner_matching"] = run
    context.log(
        _("Matching #%(id)d: %(p)d pairs, objective %(o).2f, gain over greedy %(g).2f")
        % {
            "id": run.pk,
            "p": run.pairs.count(),
            "o": run.objective or 0.0,
            "g": run.greedy_gain or 0.0,
        }
    )


def demo_user_step(context: DemoContext) -> None:
    """Link the demo user `commissioner` to a synthetic commissioner with a few stations."""
    from chainlead.accounts.models import User

    user = User.objects.filter(username=DEMO_USERNAME).first()
    if user is None:
        return
    if Commissioner.objects.filter(user=user).exists():
        return
    district = context.scopes.get("district")
    candidates = Commissioner.objects.filter(provenance=Provenance.SYNTHETIC).order_by("id")
    commissioner = candidates.filter(district=district).first() or candidates.first()
    if commissioner is None:
        return
    services.commissioner_link_user(actor=None, commissioner=commissioner, user=user)
    if commissioner.capacity < DEMO_STATIONS:
        services.commissioner_update(actor=None, commissioner=commissioner, capacity=DEMO_STATIONS)
    today = timezone.localdate()
    busy = Assignment.objects.filter(ends_on__gte=today).values("enterprise_id")
    firms = Enterprise.objects.filter(district=commissioner.district).exclude(pk__in=busy)
    stationed = 0
    for firm in firms.order_by("-revenue", "id")[:DEMO_STATIONS]:
        services.assignment_create(
            actor=None,
            commissioner=commissioner,
            enterprise=firm,
            starts_on=today - dt.timedelta(days=30),
            ends_on=today + dt.timedelta(days=335),
            reason=_("Demo station of the demo user 'commissioner' (synthetic commissioner)."),
        )
        stationed += 1
    context.log(
        _("Demo user 'commissioner' acts for %(c)s, stationed with %(n)d firms")
        % {"c": commissioner.name, "n": stationed}
    )
