"""Typed shapes of the registry API (pydantic, via django-ninja); rules live in services."""

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from chainlead.core.validators import FREE_TEXT_MAX_LENGTH, FreeText, Name, Text
from chainlead.registry.choices import DataProvenance, IndustryLevel, Origin, SizeClass


class DistrictOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    kind: str


class IndustryOut(Schema):
    code: str
    name: str
    level: IndustryLevel
    parent: str | None = Field(None, alias="parent_id")


class IndustryFilters(Schema):
    level: IndustryLevel | None = None
    parent: Text | None = Field(None, description="Children of this code.")
    q: Text | None = Field(None, description="Part of the code or the name.")


class EnterpriseOut(Schema):
    id: int
    credit_code: str | None
    stock_code: str | None
    name: str
    short_name: str
    name_en: str
    district: int | None = Field(None, alias="district_id")
    district_name: str | None = Field(None, alias="district.name")
    province: str
    city: str
    address: str
    founded: dt.date | None
    industry: str | None = Field(None, alias="industry_id")
    industry_name: str | None = Field(None, alias="industry.name")
    size_class: SizeClass | None = None
    above_designated_size: bool | None
    employees: int | None
    revenue: Decimal | None = Field(None, description="10,000 CNY (万元)")
    rd_spend: Decimal | None = Field(None, description="10,000 CNY (万元)")
    registered_capital: Decimal | None = Field(None, description="10,000 CNY (万元)")
    business_scope: str
    main_business: str
    listed: bool
    origin: Origin
    origin_place: str
    landed_on: dt.date | None
    recruitment_effort: str
    provenance: DataProvenance
    version: int = Field(description="Send it back with an update: a stale version is a 409.")
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_size_class(obj: object) -> str | None:
        return getattr(obj, "size_class", "") or None


class EnterpriseFilters(Schema):
    """The query parameters of the enterprise list (the registry's EnterpriseFilterSet)."""

    q: str | None = Field(
        None,
        description=(
            "Search: Chinese, short or English name, stock or credit code, words of the "
            "business; Traditional or Simplified; typo-tolerant; best matches first."
        ),
    )
    district: int | None = Field(None, description="District id.")
    industry: str | None = Field(None, description="GB/T 4754-2017 code at any level.")
    size_class: SizeClass | None = None
    origin: Origin | None = None
    listed: bool | None = None
    provenance: DataProvenance | None = None


class EnterpriseIn(Schema):
    """A new firm (city admins only)."""

    name: Name = Field(max_length=200)
    credit_code: Text | None = None
    stock_code: Text | None = None
    short_name: Name = Field("", max_length=100)
    name_en: Name = Field("", max_length=200)
    district: int | None = Field(None, description="District id.")
    address: Text = Field("", max_length=300)
    founded: dt.date | None = None
    industry: str | None = Field(None, description="GB/T 4754-2017 code.")
    size_class: SizeClass | None = None
    above_designated_size: bool | None = None
    employees: int | None = Field(None, ge=0)
    revenue: Decimal | None = Field(None, ge=0)
    rd_spend: Decimal | None = Field(None, ge=0)
    registered_capital: Decimal | None = None
    business_scope: FreeText = ""
    main_business: FreeText = ""
    listed: bool = False
    origin: Origin = Origin.LOCAL
    origin_place: Text = Field("", max_length=100)
    landed_on: dt.date | None = None
    recruitment_effort: Text = Field("", max_length=200)


class EnterprisePatch(Schema):
    """Changes to a firm: only the fields sent are changed. `version` is the one you read.

    Text fields take a text (`""` clears one), never `null`: the firm's columns hold no null
    (issue 9 item 8). `credit_code`, `stock_code`, dates, figures and references may be null.
    """

    # A default of None means "not sent" (pydantic leaves defaults unvalidated) while a sent
    # null is still refused; the type says what may be sent, hence the `unsent` ignores.
    version: int
    name: Name = Field(None, max_length=200)  # type: ignore[assignment]  # unsent
    credit_code: Text | None = None
    stock_code: Text | None = None
    short_name: Name = Field(None, max_length=100)  # type: ignore[assignment]  # unsent
    name_en: Name = Field(None, max_length=200)  # type: ignore[assignment]  # unsent
    district: int | None = None
    address: Text = Field(None, max_length=300)  # type: ignore[assignment]  # unsent
    founded: dt.date | None = None
    industry: str | None = None
    size_class: SizeClass | None = None
    above_designated_size: bool | None = None
    employees: int | None = Field(None, ge=0)
    revenue: Decimal | None = Field(None, ge=0)
    rd_spend: Decimal | None = Field(None, ge=0)
    registered_capital: Decimal | None = None
    business_scope: FreeText = Field(None, max_length=FREE_TEXT_MAX_LENGTH)  # type: ignore[assignment]  # unsent
    main_business: FreeText = Field(None, max_length=FREE_TEXT_MAX_LENGTH)  # type: ignore[assignment]  # unsent
    listed: bool = Field(None)  # type: ignore[assignment]  # unsent
    origin: Origin = Field(None)  # type: ignore[assignment]  # unsent
    origin_place: Text = Field(None, max_length=100)  # type: ignore[assignment]  # unsent
    landed_on: dt.date | None = None
    recruitment_effort: Text = Field(None, max_length=200)  # type: ignore[assignment]  # unsent


class IndicatorOut(Schema):
    year: int
    revenue: Decimal | None
    rd_spend: Decimal | None
    employees: int | None
    patents: int | None
    tax: Decimal | None


class IndicatorIn(Schema):
    revenue: Decimal | None = None
    rd_spend: Decimal | None = None
    employees: int | None = Field(None, ge=0)
    patents: int | None = Field(None, ge=0)
    tax: Decimal | None = None
