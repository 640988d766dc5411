"""Synthetic commissioners and firms for benchmarks and load tests, made with bulk_create.

Every row is marked synthetic (firms: provenance "synthetic"; commissioners: provenance
"synthetic"), so generated data is never mistaken for real. Deterministic in the seed. Shapes:
firms in ~400 GB/T classes of manufacturing and technology services, spread over the city's
districts, 30 % of them in one of 40 chain segments; commissioners with two classes (one in five
with a whole group instead), half of them with one segment, three keywords of a 500-word
vocabulary, capacity 5-15.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import transaction

from chainlead.chains.models import Chain, Membership, Segment
from chainlead.commissioners.choices import CommissionerKind, Provenance
from chainlead.commissioners.models import Commissioner
from chainlead.registry.choices import DataProvenance
from chainlead.registry.models import District, Enterprise, Industry

BATCH = 5000
CLASSES = 400
SEGMENTS = 40
SOURCE = "synthetic (commissioners generator)"


@dataclass(frozen=True)
class Generated:
    commissioners: int
    firms: int
    memberships: int


@transaction.atomic
def generate(*, commissioners: int, firms: int, seed: int = 1) -> Generated:
    rng = np.random.default_rng(seed)
    districts = list(District.objects.values_list("pk", flat=True))
    if not districts:
        districts = [District.objects.create(code="999999", name="synthetic district").pk]
    classes = list(
        Industry.objects.filter(level="class")
        .filter(code__regex=r"^(1[3-9]|2\d|3\d|4[0-3]|6[3-5]|7[3-5])")
        .order_by("code")
        .values_list("code", "parent_id")[:CLASSES]
    )
    class_codes = np.asarray([c for c, _p in classes])
    group_of = dict(classes)
    chain, _new = Chain.objects.get_or_create(
        slug="synthetic-bench", defaults={"name": "synthetic chain (generator)"}
    )
    segments = [
        Segment.objects.get_or_create(
            chain=chain, slug=f"s{n}", defaults={"name": f"synthetic segment {n}", "order": n}
        )[0].pk
        for n in range(SEGMENTS)
    ]
    start = (Enterprise.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    firm_class = rng.choice(class_codes, size=firms)
    firm_district = rng.choice(districts, size=firms)
    for offset in range(0, firms, BATCH):
        stop = min(firms, offset + BATCH)
        Enterprise.objects.bulk_create(
            [
                Enterprise(
                    name=f"合成企业 {start + i:06d}",
                    search_text=f"合成企业 {start + i:06d}",
                    district_id=int(firm_district[i]),
                    industry_id=str(firm_class[i]),
                    provenance=DataProvenance.SYNTHETIC,
                    source_note=SOURCE,
                )
                for i in range(offset, stop)
            ],
            batch_size=BATCH,
        )
    firm_ids = np.asarray(
        Enterprise.objects.filter(source_note=SOURCE).order_by("pk").values_list("pk", flat=True)
    )[-firms:]
    in_segment = rng.random(firms) < 0.3
    memberships = [
        Membership(enterprise_id=int(f), segment_id=int(s))
        for f, s in zip(
            firm_ids[in_segment],
            rng.choice(segments, size=int(in_segment.sum())),
            strict=True,
        )
    ]
    Membership.objects.bulk_create(memberships, batch_size=BATCH)
    vocabulary = np.asarray([f"技术{n:03d}" for n in range(500)])
    made = Commissioner.objects.bulk_create(
        [
            Commissioner(
                kind=CommissionerKind.INDIVIDUAL,
                name=f"合成特派员 {n:05d}",
                district_id=int(rng.choice(districts)),
                keywords=list(rng.choice(vocabulary, size=3, replace=False)),
                capacity=int(rng.integers(5, 16)),
                provenance=Provenance.SYNTHETIC,
                source_note=SOURCE,
            )
            for n in range(commissioners)
        ],
        batch_size=BATCH,
    )
    industries = Commissioner.industries.through
    segment_links = Commissioner.segments.through
    industry_rows: list[Any] = []
    segment_rows: list[Any] = []
    for commissioner in made:
        codes = {str(c) for c in rng.choice(class_codes, size=2, replace=False)}
        if rng.random() < 0.2:
            codes = {group_of[next(iter(codes))]}
        industry_rows.extend(
            industries(commissioner_id=commissioner.pk, industry_id=code) for code in codes
        )
        if rng.random() < 0.5:
            segment_rows.append(
                segment_links(commissioner_id=commissioner.pk, segment_id=int(rng.choice(segments)))
            )
    industries.objects.bulk_create(industry_rows, batch_size=BATCH)
    segment_links.objects.bulk_create(segment_rows, batch_size=BATCH)
    return Generated(commissioners=len(made), firms=firms, memberships=len(memberships))
