"""The demo: the city's districts, the six chain templates, REAL firms and one user per role.

Real firms come from the shared public data (settings.SHARED_DATA_DIR, see each PROVENANCE.md):

* `companies/listed_profiles.csv`: the listed companies whose city is the installation's city
  (杭州市: 265). Identified by stock code; the public data carry no credit codes and (in
  Hangzhou) no districts, so both stay NULL. Revenue and R&D are not in the data: NULL too.
* `hangzhou/article_firms.csv`: the four firms named in the 2025 article (DeepSeek, BrainCo,
  Game Science, Unitree), identified by name, placed on the AI chain by hand (the file's
  `ai_chain_segment` column is our mapping of what the article says they do).

Firms of the province outside the city are not the city's: they are only loaded with
`include_province=True`, marked with their own city, and never classified onto the city's chains
(a chain map counts the city's firms).

Nothing is invented: an empty cell stays empty. Synthetic firms are never created here.
Everything is idempotent: a second run changes nothing (no audit entries, no data versions).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from chainlead.core.models import DataVersion
from chainlead.core.plugins import DemoContext
from chainlead.registry.choices import DataProvenance, Origin
from chainlead.registry.models import District, Enterprise, Industry
from chainlead.registry.services import REGISTRY_DATA

LISTED_FILE = Path("companies") / "listed_profiles.csv"
ARTICLE_FILE = Path("hangzhou") / "article_firms.csv"
# The firm whose enterprise user the demo creates (海康威视, a Hangzhou listed company).
DEMO_ENTERPRISE_STOCK_CODE = "002415"
DEMO_DISTRICT = "滨江区"
ARTICLE_TITLE = "玉渊谭天, DeepSeek的故事在杭州，杭州的故事在中国 (2025-02)"
CSRC_CODE = re.compile(r"^[A-T](\d{2})$")

# Segment slugs of the AI chain, by the article file's `ai_chain_segment` wording.
ARTICLE_SEGMENTS = {
    "foundation models & frameworks": "foundation-models",
    "industry applications": "industry-applications",
}


class SharedDataMissingError(FileNotFoundError):
    """The shared public data folder (settings.SHARED_DATA_DIR) lacks a file the demo needs."""


def shared_file(relative: Path) -> Path:
    path = Path(settings.SHARED_DATA_DIR) / relative
    if not path.exists():
        raise SharedDataMissingError(
            f"{path} not found. Point CHAINLEAD_DATA_DIR (settings.SHARED_DATA_DIR) at the "
            "shared data folder (../shared/data)."
        )
    return path


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text) if text.strip() else None
    except InvalidOperation:
        return None


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text.strip() else None
    except ValueError:
        return None


def _int(text: str) -> int | None:
    text = text.strip()
    return int(float(text)) if text else None


def _upsert(
    lookup: dict[str, Any], values: dict[str, Any], *, found: Enterprise | None = None
) -> tuple[Enterprise, str]:
    """Create or update one public firm (`found`: the row, if already read); saves only when a
    value differs."""
    enterprise = found or Enterprise.objects.filter(**lookup).first()
    if enterprise is None:
        enterprise = Enterprise(**lookup, **values)
        enterprise.full_clean()
        enterprise.save()
        return enterprise, "created"
    changed = False
    for name, value in values.items():
        if getattr(enterprise, name) != value:
            setattr(enterprise, name, value)
            changed = True
    if not changed:
        return enterprise, "unchanged"
    enterprise.full_clean()
    enterprise.version += 1
    enterprise.save()
    return enterprise, "updated"


def listed_rows(*, include_province: bool = False) -> Iterator[dict[str, str]]:
    """Rows of listed_profiles.csv for the city (and, if asked, the rest of the province)."""
    city = settings.CHAINLEAD_CITY_NAME
    province = settings.CHAINLEAD_PROVINCE_NAME
    with shared_file(LISTED_FILE).open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["city"] == city or (include_province and row["province"] == province):
                yield row


@transaction.atomic
def listed_firms_load(*, include_province: bool = False) -> LoadReport:
    """The city's listed companies (and the province's, marked outside the city, if asked)."""
    industries = set(Industry.objects.filter(level="division").values_list("code", flat=True))
    districts = {d.name: d for d in District.objects.all()}
    city = settings.CHAINLEAD_CITY_NAME
    report = LoadReport()
    rows = list(listed_rows(include_province=include_province))
    found = Enterprise.objects.in_bulk([r["stock_code"] for r in rows], field_name="stock_code")
    for row in rows:
        match = CSRC_CODE.match(row["csrc_industry_code"])
        division = match.group(1) if match and match.group(1) in industries else None
        in_city = row["city"] == city
        name = row["full_name"] or row["short_name"]
        if not name:
            report.skipped.append(row["stock_code"])
            continue
        values = {
            "name": name,
            "short_name": row["short_name"],
            "province": row["province"],
            "city": row["city"],
            # Only a district the file states and the city knows; public data rarely give one.
            "district": districts.get(row["district"]) if in_city and row["district"] else None,
            "founded": _date(row["founded"]),
            "industry_id": division,
            "employees": _int(row["employees"]),
            "registered_capital": _decimal(row["reg_capital_wan"]),
            "main_business": row["main_business"],
            "business_scope": row["business_scope"],
            "listed": True,
            "provenance": DataProvenance.PUBLIC,
            "source_note": f"{LISTED_FILE.as_posix()} ({row['source_file']})"[:300],
        }
        _, outcome = _upsert(
            {"stock_code": row["stock_code"]}, values, found=found.get(row["stock_code"])
        )
        report.count(outcome)
    if report.created or report.updated:
        DataVersion.bump(REGISTRY_DATA)
    return report


def article_rows() -> list[dict[str, str]]:
    with shared_file(ARTICLE_FILE).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@transaction.atomic
def article_firms_load() -> tuple[LoadReport, list[tuple[Enterprise, str]]]:
    """The article's four firms (by name), and the AI segment slug each one is placed in."""
    districts = {d.name: d for d in District.objects.all()}
    report = LoadReport()
    placed = []
    for row in article_rows():
        attracted = row["origin"] == "attracted"
        values = {
            "name_en": row["name_en"],
            "province": settings.CHAINLEAD_PROVINCE_NAME,
            "city": settings.CHAINLEAD_CITY_NAME,
            "district": districts.get(row["district"]) if row["district"] else None,
            "main_business": row["what_it_does"],
            "origin": Origin.ATTRACTED if attracted else Origin.LOCAL,
            "origin_place": row["origin_place"],
            "provenance": DataProvenance.PUBLIC,
            "source_note": f"{ARTICLE_FILE.as_posix()}: {ARTICLE_TITLE}",
        }
        enterprise, outcome = _upsert(
            {"name": row["name_zh"], "stock_code": None, "credit_code": None}, values
        )
        report.count(outcome)
        segment = ARTICLE_SEGMENTS.get(row["ai_chain_segment"])
        if segment:
            placed.append((enterprise, segment))
    if report.created or report.updated:
        DataVersion.bump(REGISTRY_DATA)
    return report, placed


def demo_step(context: DemoContext) -> None:
    """The registry's part of `chainlead load-demo`: reference tables and the real firms.

    Names the district and the firm the demo's district official and enterprise user are
    granted (`context.scopes`), and the article firms' AI-chain segments for the chains' step
    (`context.results["article_placements"]`)."""
    from chainlead.registry.reference_data import districts_load, industries_load

    shared_file(LISTED_FILE), shared_file(ARTICLE_FILE)  # fail before writing anything
    industries_load()
    context.log(str(_("Districts: %(n)d") % {"n": districts_load()}))
    listed = listed_firms_load(include_province=bool(context.options.get("include_province")))
    article, placed = article_firms_load()
    context.log(
        str(
            _("Listed firms: %(c)d created, %(u)d updated, %(s)d unchanged")
            % {"c": listed.created, "u": listed.updated, "s": listed.unchanged}
        )
    )
    context.results.update(listed=listed, article=article, article_placements=placed)
    context.scopes["district"] = District.objects.get(name=DEMO_DISTRICT)
    context.scopes["enterprise"] = Enterprise.objects.get(stock_code=DEMO_ENTERPRISE_STOCK_CODE)
