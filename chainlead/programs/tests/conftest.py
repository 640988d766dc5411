"""Fixtures of the programs' tests: officials, a firm and its user, reviewers, a fund line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from chainlead.accounts.models import User
from chainlead.accounts.services import role_grant, user_create
from chainlead.funds import services as funds
from chainlead.programs import services
from chainlead.registry.models import District, Enterprise, EnterpriseIndicator

TODAY = dt.date(2026, 3, 2)
NOW = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)


def person(admin: User, username: str, role: str, department: str = "", **scope: Any) -> User:
    user = user_create(actor=admin, username=username, password=None, department=department)
    role_grant(actor=admin, user=user, role=role, **scope)
    return user


@pytest.fixture
def admin(db: Any) -> User:
    return User.objects.create_superuser("prog_admin", password=None)


@pytest.fixture
def finance(admin: User) -> User:
    return person(admin, "prog_fin", "finance")


@pytest.fixture
def binjiang(db: Any) -> District:
    return District.objects.get_or_create(code="330108", defaults={"name": "滨江区"})[0]


@pytest.fixture
def firm(binjiang: District) -> Enterprise:
    firm = Enterprise.objects.create(
        name="杭州测试科技有限公司",
        city="杭州",
        district=binjiang,
        founded=dt.date(2021, 5, 1),
        size_class="small",
        revenue=Decimal("1200.00"),
        rd_spend=Decimal("150.00"),
    )
    EnterpriseIndicator.objects.create(
        enterprise=firm, year=2025, revenue=Decimal("1500.00"), rd_spend=Decimal("180.00")
    )
    return firm


@pytest.fixture
def firm_user(admin: User, firm: Enterprise) -> User:
    return person(admin, "prog_firm", "enterprise", enterprise=firm)


@pytest.fixture
def reviewers(admin: User) -> list[User]:
    return [
        person(admin, f"prog_rev{n}", "reviewer", department=dept)
        for n, dept in enumerate(["西湖大学", "之江实验室", "浙江大学", "杭州测试科技有限公司"])
    ]


@pytest.fixture
def fund(finance: User) -> Any:
    return funds.fund_create(
        actor=finance,
        name="测试资金",
        district=None,
        fiscal_year=2026,
        appropriation="20000000.00",
        provenance="synthetic",
        today=TODAY,
    )


FORM = [
    {"name": "summary", "label": "Summary", "type": "long_text", "required": True},
    {"name": "funding", "label": "Funding sought", "type": "number", "required": False},
]
RUBRIC = [
    {"name": "tech", "label": "Technology", "max": 10, "weight": 0.6},
    {"name": "market", "label": "Market", "max": 10, "weight": 0.4},
]
RULES = [
    {
        "kind": "registered_in",
        "label": "Registered in Hangzhou",
        "logic": {"==": [{"var": "city"}, "杭州"]},
        "reason_template": "registered in {city}, must be 杭州",
    },
    {
        "kind": "founded",
        "label": "Founded from 2020",
        "logic": {">=": [{"var": "founded"}, "2020-01-01"]},
        "reason_template": "founded {founded}, must be on or after 2020-01-01",
    },
]


@pytest.fixture
def competition(admin: User) -> Any:
    program = services.program_create(
        actor=admin,
        slug="startup",
        name="大学生创业大赛",
        kind="competition",
        award_cap="1000000.00",
        form_schema=FORM,
        rubric=RUBRIC,
        reviewers_per_application=2,
        rules_list=RULES,
    )
    services.tier_create(actor=admin, program=program, name="first prize", cap="500000", order=1)
    services.tier_create(actor=admin, program=program, name="second prize", cap="300000", order=2)
    return program


@pytest.fixture
def competition_round(admin: User, competition: Any) -> Any:
    return services.round_create(
        actor=admin,
        program=competition,
        name="2026",
        opens_on=dt.date(2026, 1, 1),
        closes_on=dt.date(2026, 4, 30),
        fiscal_year=2026,
    )


@pytest.fixture
def competition_line(finance: User, competition: Any, fund: Any) -> Any:
    return services.program_budget_line_create(
        actor=finance, program=competition, fund=fund, amount="2000000.00", today=TODAY
    )


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    # The services' messages and the CLI's reasons are asserted in their English source wording;
    # the UI default is Chinese, whose catalogue translates them.
    from django.utils import translation

    with translation.override("en"):
        yield
