"""Typed shapes of the chains API (pydantic, via django-ninja)."""

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from chainlead.chains.choices import MembershipRole, MembershipSource, ReviewStatus, SegmentStatus
from chainlead.registry.choices import Origin, SizeClass


class ChainOut(Schema):
    id: int
    slug: str
    name: str
    name_en: str
    description: str
    description_en: str
    order: int
    segment_count: int | None = None


class SegmentOut(Schema):
    id: int
    slug: str
    name: str
    name_en: str
    order: int = Field(description="Upstream segments come first.")
    industry_codes: list[str]
    keywords: list[str]
    description: str
    description_en: str


class SegmentLinkOut(Schema):
    upstream: str
    downstream: str


class ChainDetailOut(ChainOut):
    segments: list[SegmentOut]
    links: list[SegmentLinkOut]


class MapFilters(Schema):
    district: int | None = Field(None, description="District id.")
    size_class: SizeClass | None = None
    origin: Origin | None = None


class SegmentFiguresOut(Schema):
    slug: str
    name: str
    order: int
    firms: int
    local: int
    attracted: int
    revenue: float = Field(description="10,000 CNY (万元)")
    rd_spend: float = Field(description="10,000 CNY (万元)")
    hhi: float | None = Field(description="Herfindahl index (0-1) of `hhi_basis`.")
    hhi_basis: str | None = Field(
        None, description="revenue (every firm reports it), else employees; None: unknown."
    )
    hhi_firms: int = Field(0, description="Firms reporting the measure the HHI uses.")
    status: SegmentStatus = Field(description="ok, weak (弱链) or missing (缺链).")
    top_firms: list[str]


class ChainMapOut(Schema):
    """`ChainMap.as_report()`: the shape of `chainlead chain-map` and of the map page's data."""

    chain: str
    name: str
    segments: list[SegmentFiguresOut]
    present: int
    weak: int
    missing: int
    coverage: float
    full_chain_present: bool


class MembershipOut(Schema):
    id: int
    enterprise: int = Field(alias="enterprise_id")
    enterprise_name: str = Field(alias="enterprise.name")
    chain: str = Field(alias="segment.chain.slug")
    segment: str = Field(alias="segment.slug")
    segment_id: int
    role: MembershipRole
    source: MembershipSource
    confidence: Decimal | None
    evidence: str
    review_status: ReviewStatus
    reviewed_at: dt.datetime | None
    created_at: dt.datetime


class MembershipFilters(Schema):
    chain: str | None = Field(None, description="Chain slug.")
    segment: int | None = Field(None, description="Segment id.")
    enterprise: int | None = Field(None, description="Enterprise id.")
    review_status: ReviewStatus | None = None


class MembershipIn(Schema):
    enterprise: int = Field(description="Enterprise id.")
    segment: int = Field(description="Segment id.")
    role: MembershipRole = MembershipRole.MEMBER


class MembershipReviewIn(Schema):
    accept: bool


class ClassifyReplaceIn(Schema):
    use_model: bool = Field(
        False, description="Let the text classifier's reading of a division vouch for segments."
    )


class ClassifyJobOut(Schema):
    """A classification job (chains.classify_jobs): its progress and, when done, its counts."""

    id: int
    kind: str = Field(description="texts: a file of firms' texts; replace: re-placing firms.")
    status: str = Field(description="pending, running, succeeded or failed.")
    created_by: str | None = Field(None, alias="created_by.username")
    created_at: dt.datetime
    finished_at: dt.datetime | None
    filename: str
    sha256: str
    chain_slugs: list[str]
    use_model: bool
    model_version: str
    training_sha256: str
    total: int | None
    processed: int
    progress_percent: int
    created_count: int
    updated_count: int
    unchanged_count: int
    message: str
    result_url: str | None = Field(
        None, description="The results CSV (texts jobs that succeeded), the CLI's columns."
    )
