"""The demo's support funds: Binjiang's and the city's, for the current fiscal year.

Every ledger write needs an acting official, and the demo's users are created by the accounts
step (900), so the books are written at 950 by the demo admin, with approvals by the demo
`finance` user (four eyes). Budget lines name the real policy items of
/work/shared/data/hangzhou/policies.csv with the caps those documents state; totals,
appropriations, expenditure and awards are synthetic and marked so.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from chainlead.accounts.models import User
from chainlead.audit import context as audit_context
from chainlead.core.plugins import DemoContext
from chainlead.funds import services
from chainlead.funds.choices import Provenance
from chainlead.funds.models import Fund
from chainlead.registry.models import District, Enterprise

POLICIES = "/work/shared/data/hangzhou/policies.csv"
SYNTHETIC = Provenance.SYNTHETIC
STATED = Provenance.STATED

# (name, reference, amount, provenance, policy source as the document states it)
CITY_LINES = (
    (
        "支持人工智能全产业链高质量发展的若干措施 · 算力券",
        "policy:ai-compute-vouchers",
        Decimal("250000000.00"),
        STATED,
        "杭州市人民政府办公厅 2024-07-18: compute vouchers 250M CNY/yr, <=8M CNY per firm per yr",
    ),
    (
        "第七届中国杭州大学生创业大赛 · 落地资助",
        "policy:college-startup-competition",
        Decimal("10000000.00"),
        SYNTHETIC,
        "landing grants: top 400 50k, top 100 80k, third 200k, second 300k, first 500k, "
        "special prize 1M CNY (line total synthetic)",
    ),
    (
        "创客天下·杭州市海外高层次人才创新创业大赛 · 落地资助",
        "policy:overseas-talent-competition",
        Decimal("30000000.00"),
        SYNTHETIC,
        "landing funding 5M/3M/2M/1M CNY (first/second/third/finalist; line total synthetic)",
    ),
)
BINJIANG_LINES = (
    (
        "“5050计划”高层次人才创业启动资助 (杭高新〔2023〕1号)",
        "policy:binjiang-5050",
        Decimal("200000000.00"),
        SYNTHETIC,
        "杭高新〔2023〕1号: start-up acceleration package; funds can be paused or clawed back "
        "(line total synthetic)",
    ),
    (
        "关于推动经济高质量发展的若干政策(2025年版) · 科技投入",
        "policy:binjiang-2025-st",
        Decimal("1000000000.00"),
        SYNTHETIC,
        "S&T budget 1.82B CNY for 2025 as stated; this line's share is synthetic",
    ),
)


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def demo_approvals_step(context: DemoContext) -> None:
    admin = _user("admin")
    finance = _user("finance")
    if admin is None or finance is None:
        context.log(_("Support fund: demo users missing, skipped"))
        return
    today = timezone.localdate()
    year = today.year
    binjiang = District.objects.filter(name="滨江区").first()
    if Fund.objects.filter(fiscal_year=year, district=binjiang).exists():
        context.log(_("Support fund: already loaded"))
        return
    with audit_context.acting_as(admin, source="demo"):
        _load(context, admin=admin, finance=finance, binjiang=binjiang, today=today)


def _load(
    context: DemoContext, *, admin: User, finance: User, binjiang: District | None, today: dt.date
) -> None:
    year = today.year
    note = f"synthetic appropriation; lines from {POLICIES}"
    city = services.fund_create(
        actor=admin,
        name="杭州市产业扶持资金",
        district=None,
        fiscal_year=year,
        appropriation="400000000.00",
        provenance=SYNTHETIC,
        source_note=note,
        today=today,
    )
    district = services.fund_create(
        actor=admin,
        name="滨江区产业扶持资金",
        district=binjiang,
        fiscal_year=year,
        appropriation="2000000000.00",
        provenance=SYNTHETIC,
        source_note=note,
        today=today,
    )
    lines = {}
    for fund, specs in ((city, CITY_LINES), (district, BINJIANG_LINES)):
        for name, reference, amount, provenance, source in specs:
            lines[reference] = services.budget_line_create(
                actor=admin,
                fund=fund,
                name=name,
                amount=amount,
                reference=reference,
                policy_source=source,
                provenance=provenance,
                today=today,
            )
    services.fiscal_expenditure_set(
        actor=admin,
        district=binjiang,
        fiscal_year=year,
        amount="14000000000.00",
        source="synthetic: Binjiang's fiscal expenditure is not in the stored pages",
        provenance=SYNTHETIC,
    )
    firms = list(Enterprise.objects.filter(district=binjiang).order_by("pk")[:4])
    granted = context.scopes.get("enterprise")
    if isinstance(granted, Enterprise) and granted not in firms:
        firms.insert(0, granted)
    tranches = 0
    for n, firm in enumerate(firms):
        line = lines["policy:binjiang-5050"] if n % 2 == 0 else lines["policy:binjiang-2025-st"]
        commitment = services.commitment_create(
            actor=admin,
            line=line,
            recipient_enterprise=firm,
            amount=Decimal(3000000 - 500000 * n),
            reference=f"demo:synthetic-award-{n + 1}",
            idempotency_key=f"demo-{year}-award-{n + 1}",
            today=today,
        )
        first = services.tranche_create(
            actor=admin,
            commitment=commitment,
            amount=commitment.amount / 2,
            due_on=today - dt.timedelta(days=10 + n),
            condition_text="company registered in Binjiang (synthetic)",
        )
        services.tranche_create(
            actor=admin,
            commitment=commitment,
            amount=commitment.amount / 2,
            due_on=today + dt.timedelta(days=180),
            condition_text="milestone review passed (synthetic)",
        )
        services.tranche_approve(actor=finance, tranche=first)
        tranches += 1
        if n == len(firms) - 1:
            # One paid already, so the position shows payments.
            services.tranche_disburse(actor=finance, tranche=first, today=today)
    context.log(
        _(
            "Support fund: 2 funds, %(lines)d lines, %(awards)d synthetic awards, %(tranches)d "
            "tranches approved and due (payable by 'finance')"
        )
        % {"lines": len(lines), "awards": len(firms), "tranches": tranches}
    )
