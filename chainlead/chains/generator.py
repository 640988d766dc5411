"""Synthetic firms in the database, placed on the chains' segments by their industry codes.

The rows come from the registry's generator (`chainlead.registry.generator`); this module adds
the memberships, which only the chains know. Everything is marked synthetic.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.conf import settings

from chainlead.registry.generator import (
    SOURCE_NOTE,
    district_rows,
    generate_rows,
    industry_pool,
)


def generate_into_db(
    n: int, *, seed: int, progress: Callable[[int], None] | None = None
) -> dict[str, int]:
    """Create `n` synthetic firms with indicators and segment memberships in the database."""
    from django.db import transaction

    from chainlead.chains.choices import MembershipRole, MembershipSource, ReviewStatus
    from chainlead.chains.models import Membership, Segment
    from chainlead.core.db import refresh_planner_statistics
    from chainlead.core.models import DataVersion
    from chainlead.registry.importers import _search_keys
    from chainlead.registry.models import District, Enterprise, EnterpriseIndicator
    from chainlead.registry.reference_data import districts_load

    if not District.objects.exists():
        districts_load()
    district_ids = dict(District.objects.values_list("name", "pk"))
    segments = list(Segment.objects.order_by("chain_id", "order").values("pk", "industry_codes"))
    prefixes = sorted({str(p) for s in segments for p in s["industry_codes"] if p})
    pool = industry_pool(prefixes)
    # Which segments each class belongs to (a segment's code is a prefix of the class).
    class_segments: dict[str, list[int]] = {}
    for code in {*pool.codes, *pool.segment_codes}:
        class_segments[code] = [
            s["pk"]
            for s in segments
            if any(code.startswith(str(p)) for p in s["industry_codes"] if p)
        ]
    start = Enterprise.objects.filter(source_note=SOURCE_NOTE).count()
    counts = {"enterprises": 0, "indicators": 0, "memberships": 0}
    for batch in generate_rows(n, seed=seed, pool=pool, districts=district_rows(), start=start):
        keys = _search_keys([row["name"] for row in batch])
        firms = [
            Enterprise(
                credit_code=row["credit_code"],
                name=row["name"],
                search_text=key,
                district_id=district_ids[row["district"]],
                industry_id=row["industry_code"],
                founded=row["founded"],
                size_class=row["size_class"],
                above_designated_size=row["above_designated_size"],
                employees=row["employees"],
                revenue=row["revenue"],
                rd_spend=row["rd_spend"],
                business_scope=row["business_scope"],
                listed=row["listed"],
                origin=row["origin"],
                origin_place=row["origin_place"],
                landed_on=row["landed_on"],
                province=settings.CHAINLEAD_PROVINCE_NAME,
                city=settings.CHAINLEAD_CITY_NAME,
                provenance="synthetic",
                source_note=SOURCE_NOTE,
            )
            for row, key in zip(batch, keys, strict=True)
        ]
        with transaction.atomic():
            Enterprise.objects.bulk_create(firms)
            indicators = [
                EnterpriseIndicator(enterprise_id=firm.pk, **values)
                for firm, row in zip(firms, batch, strict=True)
                for values in row["indicators"]
            ]
            EnterpriseIndicator.objects.bulk_create(indicators)
            memberships = [
                Membership(
                    enterprise_id=firm.pk,
                    segment_id=segment_id,
                    role=MembershipRole.KEY
                    if firm.size_class == "large"
                    else MembershipRole.MEMBER,
                    source=MembershipSource.INDUSTRY_RULE,
                    confidence=Decimal("1.000"),
                    evidence=f"industry {firm.industry_id}",
                    review_status=ReviewStatus.ACCEPTED,
                )
                for firm in firms
                for segment_id in class_segments.get(firm.industry_id or "", [])
            ]
            Membership.objects.bulk_create(memberships)
        counts["enterprises"] += len(firms)
        counts["indicators"] += len(indicators)
        counts["memberships"] += len(memberships)
        if progress is not None:
            progress(len(batch))
    DataVersion.bump("registry")
    DataVersion.bump("chains")
    refresh_planner_statistics(Enterprise, EnterpriseIndicator, Membership)
    return counts
