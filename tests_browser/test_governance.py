"""The chain leader opens their dashboard: the five ones, targets, and an overdue request."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from chainlead.accounts.services import user_create
from chainlead.chains.services import chain_create_from_template, membership_set
from chainlead.chains.templates_data import template_get
from chainlead.governance import services as governance
from chainlead.governance.models import PolicyItem
from chainlead.registry.services import enterprise_create
from tests_browser.conftest import RecordedPage

PASSWORD = "Lianzhang-2026-ok"


@pytest.fixture
def leader(transactional_db: Any, districts: Any) -> Any:
    from chainlead.accounts.models import User
    from chainlead.requests.services import request_raise

    admin = User.objects.create_superuser("cityadmin", password=None)
    chain = chain_create_from_template(actor=admin, template=template_get("ai"))
    firm = enterprise_create(
        actor=admin,
        name="杭州深度求索人工智能基础技术研究有限公司",
        district=districts["余杭区"],
        above_designated_size=True,
        revenue=Decimal(400_000),
        rd_spend=Decimal(60_000),
    )
    membership_set(
        actor=admin, enterprise=firm, segment=chain.segments.get(slug="foundation-models")
    )
    user = user_create(actor=admin, username="lianzhang", password=PASSWORD, display_name="王链长")
    member = user_create(actor=admin, username="zhuanban", password=None, display_name="李专班")
    governance.leader_appoint(actor=admin, chain=chain, user=user, title="副市长")
    governance.task_force_member_add(actor=admin, chain=chain, user=member, role="head")
    year = timezone.localdate().year
    plan = governance.plan_create(
        actor=member, chain=chain, year=year, title=f"{year}年人工智能产业链工作计划"
    )
    governance.target_set(actor=member, plan=plan, indicator="output_value", value=Decimal(80))
    governance.target_set(actor=member, plan=plan, indicator="above_size_firms", value=Decimal(2))
    policy = PolicyItem.objects.create(
        title="支持人工智能全产业链高质量发展的若干措施", issuing_body="杭州市人民政府办公厅"
    )
    governance.package_item_add(actor=member, chain=chain, policy=policy)
    # A request raised 40 days ago: far past any category's time limit in working days.
    request_raise(
        actor=admin,
        enterprise=firm,
        category="land_space",
        title="算力中心用地指标",
        description="新建算力中心需要用地指标。",
        chain=chain,
        now=timezone.now() - dt.timedelta(days=40),
    )
    return user


@pytest.mark.browser
def test_leader_sees_five_ones_and_an_overdue_request(
    recorded_page: RecordedPage, live_server: Any, leader: Any
) -> None:
    page = recorded_page.page
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "lianzhang")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].btn")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)  # landed on its home page

    page.goto(f"{base}/governance/chains/ai/")
    five = page.locator("#five-ones .five-ones")
    assert five.get_attribute("data-complete") == "true"
    assert page.locator("#five-ones .five-ones-list li").count() == 5
    assert "王链长" in page.locator("#five-ones").inner_text()

    overdue = page.locator("#requests table.overdue-requests")
    assert "算力中心用地指标" in overdue.inner_text()
    assert int(page.locator("#requests .stat").nth(1).inner_text()) >= 1

    # Targets vs actuals: the chart is drawn (ECharts renders into a canvas) from local files.
    page.wait_for_selector("#progress-chart canvas")
    targets = page.locator("#targets").inner_text()
    assert "50%" in targets, targets  # 40 亿元 of 80
    recorded_page.screenshot("governance-dashboard", full_page=True)
    assert recorded_page.outside_requests() == []
    assert recorded_page.script_errors == []

    # The briefing button gives a PDF.
    with page.expect_download() as download:
        page.click("#briefing button[value=pdf]")
    assert download.value.suggested_filename.endswith(".pdf")
