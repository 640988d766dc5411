"""Proof of concept in `chainlead load-demo`: the real centres as their source states them,
then a generated, synthetic history of projects for the survival page and dashboard."""

from __future__ import annotations

import csv
import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chainlead.accounts.models import User
from chainlead.audit import context as audit_context
from chainlead.core.plugins import DemoContext
from chainlead.funds import services as fund_services
from chainlead.funds.choices import Provenance as FundProvenance
from chainlead.funds.models import Fund
from chainlead.poc import services
from chainlead.poc.choices import ProjectStatus, Provenance, SupportKind
from chainlead.poc.generator import history_generate
from chainlead.poc.models import Centre, Project, StageSupport
from chainlead.registry.models import District, Enterprise

CENTRES_FILE = "hangzhou/poc_centres.csv"
DEMO_PROJECTS = 10_000
# The generated history ends on a fixed day, so the demo is the same whenever it is loaded.
DEMO_AS_OF = dt.date(2025, 12, 31)
# The demo's stage-2 line of the city fund and the one stage it funds: synthetic amounts.
DEMO_STAGE = 2
DEMO_LINE_AMOUNT = Decimal("5000000.00")
DEMO_FUNDING = Decimal("800000.00")


def _data_dir() -> Path:
    return Path(settings.SHARED_DATA_DIR)


@transaction.atomic
def centres_load(path: Path | None = None) -> int:
    """Create or update the centres of the file, with only what it states (blank = unstated)."""
    path = path or _data_dir() / CENTRES_FILE
    districts = {d.name: d for d in District.objects.all()}
    count = 0
    with path.open(encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            year = row["year_recognised_or_listed"].strip()
            district_name = row["district"].strip()
            Centre.objects.update_or_create(
                name=row["name"].strip(),
                defaults={
                    "host_institution": row["host_institution"].strip(),
                    "district_name": district_name,
                    "district": districts.get(district_name),
                    "fields": row["field"].strip(),
                    "year_recognised": int(year) if re.fullmatch(r"\d{4}", year) else None,
                    "status_stated": row["status_stated"].strip()[:300],
                    "source_url": row["source_url"].strip()[:500],
                    "provenance": Provenance.PUBLIC,
                },
            )
            count += 1
    return count


def demo_step(context: DemoContext) -> None:
    path = _data_dir() / CENTRES_FILE
    if path.exists():
        context.log(_("Proof-of-concept centres (public data): %(n)d") % {"n": centres_load(path)})
    else:
        context.log(_("Proof-of-concept centres: %(p)s not found, none loaded") % {"p": path})
    if Project.objects.filter(provenance=Provenance.SYNTHETIC).exists():
        return
    n = int(context.options.get("poc_projects") or DEMO_PROJECTS)
    made = history_generate(n_projects=n, as_of=DEMO_AS_OF, seed=13)
    context.log(
        _("Proof-of-concept history (synthetic): %(p)d projects, %(c)d stage changes")
        % {"p": made.projects, "c": made.stage_changes}
    )


def demo_funding_step(context: DemoContext) -> None:
    """After the support fund's demo (950): fund stage 2 of one synthetic project from a
    synthetic "poc.stage:2" line of the city fund, so a project page shows its commitment."""
    admin = User.objects.filter(username="admin").first()
    today = timezone.localdate()
    fund = Fund.objects.filter(district=None, fiscal_year=today.year).order_by("pk").first()
    if admin is None or fund is None:
        context.log(_("Proof-of-concept funding: no demo fund or admin, skipped"))
        return
    if StageSupport.objects.filter(kind=SupportKind.FUNDING).exclude(fund_reference="").exists():
        context.log(_("Proof-of-concept funding: already loaded"))
        return
    project = (
        Project.objects.filter(
            provenance=Provenance.SYNTHETIC, status=ProjectStatus.ACTIVE, stage__gte=DEMO_STAGE
        )
        .order_by("pk")
        .first()
    )
    host_firm = Enterprise.objects.order_by("pk").first()
    if project is None or host_firm is None:
        context.log(_("Proof-of-concept funding: no project or firm to fund, skipped"))
        return
    with audit_context.acting_as(admin, source="demo"):
        support = stage_funding_demo(
            admin=admin, fund=fund, project=project, host_firm=host_firm, today=today
        )
    context.log(
        _("Proof-of-concept funding (synthetic): %(project)s stage %(stage)d, %(ref)s")
        % {"project": project, "stage": DEMO_STAGE, "ref": support.fund_reference}
    )


@transaction.atomic
def stage_funding_demo(
    *, admin: User, fund: Fund, project: Project, host_firm: Enterprise, today: dt.date
) -> StageSupport:
    reference = f"{services.FUND_LINE_PREFIX}{DEMO_STAGE}"
    if (
        fund_services.budget_line_for(
            reference=reference, fiscal_year=fund.fiscal_year, district=fund.district
        )
        is None
    ):
        fund_services.budget_line_create(
            actor=admin,
            fund=fund,
            name=f"科技概念验证 · 第{DEMO_STAGE}阶段 (synthetic)",
            amount=DEMO_LINE_AMOUNT,
            reference=reference,
            policy_source="synthetic: a demo line for proof-of-concept stage funding",
            provenance=FundProvenance.SYNTHETIC,
            today=today,
        )
    return services.support_grant(
        actor=admin,
        project=project,
        stage=DEMO_STAGE,
        kind=SupportKind.FUNDING,
        given_by=fund.name,
        granted_on=today,
        amount_granted=DEMO_FUNDING,
        host_firm=None if project.spin_off_id else host_firm,
        description="synthetic",
    )
