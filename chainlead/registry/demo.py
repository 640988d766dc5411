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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from chainlead.accounts.choices import Role
from chainlead.accounts.models import RoleGrant, User
from chainlead.audit.context import acting_as
from chainlead.core.models import DataVersion
from chainlead.registry.choices import DataProvenance, Origin
from chainlead.registry.models import District, Enterprise, Industry
from chainlead.registry.services import REGISTRY_DATA

LISTED_FILE = Path("companies") / "listed_profiles.csv"
ARTICLE_FILE = Path("hangzhou") / "article_firms.csv"
# A local demo: one documented password for every demo user. It satisfies the password policy
# (AUTH_PASSWORD_VALIDATORS: ≥ 10 characters, three character classes). Never use it elsewhere.
DEMO_PASSWORD = "Chainlead-Demo-2026"  # noqa: S105
# The firm whose enterprise user the demo creates (海康威视, a Hangzhou listed company).
DEMO_ENTERPRISE_STOCK_CODE = "002415"
DEMO_DISTRICT = "滨江区"
DEMO_CHAIN = "ai"
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


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: Role
    display_name: str  # as the (Chinese by default) UI shows the user
    sees: str  # what the user sees, for the printed table and docs/demo-data.md


DEMO_USERS = (
    DemoUser("admin", Role.CITY_ADMIN, "市级管理员", "everything; Django admin"),
    DemoUser("chainleader", Role.CHAIN_LEADER, "人工智能产业链链长", "all of the AI chain"),
    DemoUser("taskforce", Role.TASK_FORCE, "人工智能产业链专班", "AI chain edits; review queue"),
    DemoUser("binjiang", Role.DISTRICT_OFFICIAL, "滨江区工作人员", "firms and maps of 滨江区"),
    DemoUser("hikvision", Role.ENTERPRISE, "海康威视企业用户", "only 海康威视 (002415)"),
    DemoUser("auditor", Role.AUDITOR, "审计人员", "reads everything incl. audit log"),
    DemoUser("finance", Role.FINANCE, "资金管理人员", "budget lines, disbursements"),
    DemoUser("researcher", Role.RESEARCHER, "科研人员", "own proof-of-concept projects"),
    DemoUser("reviewer", Role.REVIEWER, "评审专家", "assigned reviews only"),
    DemoUser("commissioner", Role.COMMISSIONER, "科技特派员", "assigned firms only"),
)


def _scope(role: Role) -> dict[str, Any]:
    from chainlead.accounts.choices import ROLE_SCOPE
    from chainlead.chains.models import Chain

    needed = ROLE_SCOPE[role]
    if needed == "chain":
        return {"chain": Chain.objects.get(slug=DEMO_CHAIN)}
    if needed == "district":
        return {"district": District.objects.get(name=DEMO_DISTRICT)}
    if needed == "enterprise":
        return {"enterprise": Enterprise.objects.get(stock_code=DEMO_ENTERPRISE_STOCK_CODE)}
    return {}


@transaction.atomic
def demo_users_load(*, password: str = DEMO_PASSWORD) -> LoadReport:
    """One user per role with the documented demo password; existing users keep theirs."""
    report = LoadReport()
    for spec in DEMO_USERS:
        user = User.objects.filter(username=spec.username).first()
        outcome = "unchanged"
        if user is None:
            user = User(username=spec.username, display_name=spec.display_name)
            validate_password(password, user)
            user.set_password(password)
            if spec.role == Role.CITY_ADMIN:
                user.is_staff = user.is_superuser = True
            user.full_clean()
            user.save()
            outcome = "created"
        scope = _scope(spec.role)
        if not RoleGrant.objects.filter(user=user, role=spec.role, **scope).exists():
            grant = RoleGrant(user=user, role=spec.role, **scope)
            grant.full_clean()
            grant.save()
            outcome = "updated" if outcome == "unchanged" else outcome
        report.count(outcome)
    return report


def users_table(password: str = DEMO_PASSWORD) -> list[tuple[str, str, str, str]]:
    return [(u.username, password, str(u.role.label), u.sees) for u in DEMO_USERS]


def demo_load(
    *, include_province: bool = False, log: Callable[[str], None] = lambda _: None
) -> dict[str, Any]:
    """Everything `chainlead load-demo` does, as the system (audited as source "cli")."""
    from chainlead.chains.classification import classify_enterprises
    from chainlead.chains.models import Chain, Segment
    from chainlead.chains.services import chain_create_from_template, membership_set
    from chainlead.chains.templates_data import template_list
    from chainlead.registry.reference_data import districts_load, industries_load

    shared_file(LISTED_FILE), shared_file(ARTICLE_FILE)  # fail before writing anything
    # One transaction: all or nothing, and one commit instead of hundreds.
    with acting_as(None, source="cli"), transaction.atomic():
        industries_load()
        log(str(_("Districts: %(n)d") % {"n": districts_load()}))
        for template in template_list():
            chain_create_from_template(actor=None, template=template)
        log(str(_("Chain templates: %(n)d") % {"n": len(template_list())}))
        listed = listed_firms_load(include_province=include_province)
        article, placed = article_firms_load()
        log(
            str(
                _("Listed firms: %(c)d created, %(u)d updated, %(s)d unchanged")
                % {"c": listed.created, "u": listed.updated, "s": listed.unchanged}
            )
        )
        ai = Chain.objects.get(slug=DEMO_CHAIN)
        for enterprise, slug in placed:
            membership_set(
                actor=None,
                enterprise=enterprise,
                segment=Segment.objects.get(chain=ai, slug=slug),
                evidence=f"{ARTICLE_FILE.as_posix()}: ai_chain_segment (our mapping)",
            )
        city_firms = (
            Enterprise.objects.real()
            .filter(city=settings.CHAINLEAD_CITY_NAME)
            .exclude(pk__in=[e.pk for e, _ in placed])
            .order_by("pk")
        )
        classified = classify_enterprises(actor=None, enterprises=city_firms)
        log(
            str(
                _("Rule memberships: %(c)d new, %(u)d updated, %(s)d unchanged")
                % {"c": classified.created, "u": classified.updated, "s": classified.unchanged}
            )
        )
        users = demo_users_load()
    return {
        "listed": listed,
        "article": article,
        "classified": classified,
        "users": users,
    }
