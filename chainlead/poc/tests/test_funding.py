"""A stage's funding is a commitment of the support fund (docs/funds.md, docs/poc.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from chainlead.accounts.models import User
from chainlead.accounts.services import role_grant, user_create
from chainlead.core.exceptions import PermissionDenied
from chainlead.funds import services as fund_services
from chainlead.funds.models import Commitment
from chainlead.funds.services import FundRuleError
from chainlead.poc import services
from chainlead.poc.models import StageSupport
from chainlead.registry.tests.factories import EnterpriseFactory

GRANTED_ON = dt.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """The assertions read the services' English messages (the UI's default is Chinese)."""
    with translation.override("en"):
        yield


@pytest.fixture
def host_firm(db: Any) -> Any:
    return EnterpriseFactory()


@pytest.fixture
def stage_line(admin: Any) -> Any:
    """The city fund of 2026 with a 300,000 CNY line for stage 1."""
    fund = fund_services.fund_create(
        actor=admin,
        name="测试市级资金",
        district=None,
        fiscal_year=2026,
        appropriation="1000000.00",
        provenance="synthetic",
        today=GRANTED_ON,
    )
    return fund_services.budget_line_create(
        actor=admin,
        fund=fund,
        name="概念验证 · 第一阶段",
        amount="300000.00",
        reference="poc.stage:1",
        today=GRANTED_ON,
    )


def grant(actor: Any, project: Any, amount: str, **extra: Any) -> StageSupport:
    return services.support_grant(
        actor=actor,
        project=project,
        stage=1,
        kind="funding",
        given_by="市科技局",
        granted_on=GRANTED_ON,
        amount_granted=Decimal(amount),
        **extra,
    )


def test_funding_commits_once_even_when_pressed_twice(
    admin: Any, project: Any, host_firm: Any, stage_line: Any
) -> None:
    first = grant(admin, project, "200000", host_firm=host_firm)
    second = grant(admin, project, "200000", host_firm=host_firm)

    assert second.pk == first.pk
    commitment = Commitment.objects.get()
    assert first.fund_reference == commitment.ref
    assert (commitment.recipient, commitment.amount, commitment.line) == (
        host_firm,
        Decimal("200000.00"),
        stage_line,
    )
    assert commitment.reference == f"poc.StageSupport:{first.pk}"
    stage_line.refresh_from_db()
    assert stage_line.balance == Decimal("100000.00")
    with pytest.raises(ValidationError, match="already funded"):
        grant(admin, project, "50000", host_firm=host_firm)


def test_a_retry_of_the_commit_returns_the_first_commitment(
    admin: Any, project: Any, host_firm: Any, stage_line: Any
) -> None:
    support = grant(admin, project, "100000", host_firm=host_firm)
    again = services.stage_funding_commit(actor=admin, support=support, host_firm=host_firm)
    assert again.fund_reference == support.fund_reference
    assert Commitment.objects.count() == 1


def test_over_budget_is_refused_with_the_funds_message(
    admin: Any, project: Any, host_firm: Any, stage_line: Any
) -> None:
    with translation.override("en"), pytest.raises(FundRuleError, match="Over budget") as refused:
        grant(admin, project, "300000.01", host_firm=host_firm)
    assert refused.value.code == "over_budget"
    assert not StageSupport.objects.exists()
    assert not Commitment.objects.exists()


def test_a_team_without_a_firm_gets_no_commitment(
    admin: Any, project: Any, stage_line: Any
) -> None:
    with pytest.raises(ValidationError, match="without a firm cannot receive"):
        grant(admin, project, "1000")
    assert not StageSupport.objects.exists()


def test_the_spin_off_is_the_recipient(
    admin: Any, project: Any, districts: Any, stage_line: Any
) -> None:
    outcome = services.outcome_record(
        actor=admin,
        project=project,
        kind="spun_off",
        on=GRANTED_ON,
        counterparty="合成衍生企业",
        district=districts["西湖区"],
    )
    project.refresh_from_db()
    with pytest.raises(ValidationError, match="has a spin-off"):
        grant(admin, project, "1000", host_firm=EnterpriseFactory())
    support = grant(admin, project, "1000")
    commitment = Commitment.objects.get(reference=f"poc.StageSupport:{support.pk}")
    assert (commitment.ref, commitment.recipient) == (support.fund_reference, outcome.enterprise)


def test_a_missing_line_is_named(admin: Any, project: Any, host_firm: Any) -> None:
    with pytest.raises(ValidationError, match=r"No budget line poc\.stage:1 .* for 2026"):
        grant(admin, project, "1000", host_firm=host_firm)


def test_the_task_force_cannot_commit_fund_money(
    task_force: Any, project: Any, host_firm: Any, stage_line: Any
) -> None:
    with pytest.raises(PermissionDenied, match="support fund"):
        grant(task_force, project, "1000", host_firm=host_firm)
    assert not StageSupport.objects.exists()


def test_the_project_page_grants_and_shows_the_commitment(
    client: Any, admin: Any, project: Any, host_firm: Any, stage_line: Any
) -> None:
    client.force_login(admin)
    url = reverse("poc:support_add", args=[project.pk])
    form = {
        "stage": 1,
        "kind": "funding",
        "given_by": "市科技局",
        "amount_granted": "120000.00",
        "host_firm": host_firm.credit_code,
        "granted_on": GRANTED_ON.isoformat(),
    }
    client.post(url, form, HTTP_ACCEPT_LANGUAGE="en")
    client.post(url, form)  # pressed twice
    commitment = Commitment.objects.get()
    page = client.get(project.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert commitment.ref in page
    assert "committed" in page
    assert "paid 0.00 of 120000.00 CNY" in page

    over = client.post(
        url, {**form, "amount_granted": "1.00"}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "already funded" in over.content.decode()

    finance = user_create(actor=admin, username="poc_finance", password=None)
    role_grant(actor=admin, user=finance, role="finance")
    tranche = fund_services.tranche_create(
        actor=admin,
        commitment=commitment,
        amount=commitment.amount,
        due_on=GRANTED_ON,
        condition_text="prototype delivered",
    )
    fund_services.tranche_approve(actor=finance, tranche=tranche)
    fund_services.tranche_disburse(actor=finance, tranche=tranche, today=GRANTED_ON)
    paid = client.get(project.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "paid 120000.00 of 120000.00 CNY" in paid


def test_the_form_says_why_funding_needs_a_firm_or_a_line(
    client: Any, admin: Any, project: Any, host_firm: Any, stage_line: Any
) -> None:
    client.force_login(admin)
    url = reverse("poc:support_add", args=[project.pk])
    form = {
        "stage": 1,
        "kind": "funding",
        "given_by": "市科技局",
        "amount_granted": "400000.00",
        "granted_on": GRANTED_ON.isoformat(),
    }
    no_firm = client.post(url, form, follow=True, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "without a firm cannot receive" in no_firm
    over = client.post(
        url, {**form, "host_firm": host_firm.credit_code}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "Over budget" in over.content.decode()
    assert not Commitment.objects.exists()


def test_the_demo_funds_one_stage_after_the_funds_demo(db: Any, host_firm: Any) -> None:
    from chainlead.core.plugins import DemoContext, demo_steps
    from chainlead.poc.demo import demo_funding_step

    orders = {step.function.rsplit(".", 1)[-1]: step.order for step in demo_steps()}
    assert orders["demo_funding_step"] > orders["demo_approvals_step"]  # the fund's books first

    admin = User.objects.create_superuser("admin", password=None)
    with time_machine.travel(dt.datetime(2026, 5, 4, 10, tzinfo=dt.UTC), tick=False):
        fund_services.fund_create(
            actor=admin,
            name="杭州市产业扶持资金",
            district=None,
            fiscal_year=2026,
            appropriation="10000000.00",
            provenance="synthetic",
        )
        project = services.project_submit(
            actor=admin,
            title="合成项目 #1",
            institution="合成研究机构 01",
            started_on=dt.date(2025, 1, 6),
            stage=2,
            trl=3,
            provenance="synthetic",
        )
        logged: list[str] = []
        demo_funding_step(DemoContext(log=logged.append))
        demo_funding_step(DemoContext(log=logged.append))

    support = StageSupport.objects.get(project=project)
    commitment = Commitment.objects.get()
    assert (support.stage, support.fund_reference) == (2, commitment.ref)
    assert commitment.line.reference == "poc.stage:2"
    assert commitment.line.provenance == "synthetic"
    assert len(logged) == 2
