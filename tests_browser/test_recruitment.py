"""A task-force member finds a gap on the opportunities page and lands a firm to fill it."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest

from chainlead.accounts.services import role_grant, user_create
from chainlead.chains.services import chain_create_from_template, membership_set
from chainlead.chains.templates_data import template_get
from chainlead.recruitment.models import ExternalFirm, Target
from chainlead.registry.models import Enterprise, Industry
from chainlead.registry.services import enterprise_create
from tests_browser.conftest import RecordedPage

PASSWORD = "Zhaoshang-2026-ok"


@pytest.fixture
def task_force(transactional_db: Any, districts: Any) -> Any:
    from chainlead.accounts.models import User

    admin = User.objects.create_superuser("cityadmin", password=None)
    chain = chain_create_from_template(actor=admin, template=template_get("ai"))
    segments = {s.slug: s for s in chain.segments.all()}
    local = [
        ("cloud-software", "杭州云栖软件", "6513", 800),
        ("cloud-software", "之江基础软件", "6513", 300),
        ("industry-applications", "杭州智医科技", "6531", 500),
        ("chips", "杭州晶芯科技", "3973", 400),
    ]
    for slug, name, code, employees in local:
        firm = enterprise_create(
            actor=admin,
            name=name,
            industry=Industry.objects.get(pk=code),
            employees=employees,
            district=districts["滨江区"],
            revenue=Decimal(employees * 10),
        )
        membership_set(actor=admin, enterprise=firm, segment=segments[slug])
    # Firms elsewhere (test data): the pool the gaps are filled from.
    elsewhere = [
        ("苏州存储科技", "江苏", "苏州市", "3913", 2000, "存储芯片与固态硬盘"),
        ("深圳服务器公司", "广东", "深圳市", "3912", 1500, "服务器与板卡"),
        ("上海软件公司", "上海", "上海市", "6513", 700, "基础软件"),
        ("北京芯片公司", "北京", "北京市", "3973", 1200, "芯片设计"),
    ]
    for name, province, city, code, employees, business in elsewhere:
        ExternalFirm.objects.create(
            name=name,
            province=province,
            city=city,
            industry=Industry.objects.get(pk=code),
            employees=employees,
            main_business=business,
        )
    user = user_create(actor=admin, username="zhaoshang", password=PASSWORD, display_name="李招商")
    role_grant(actor=admin, user=user, role="task_force", chain=chain)
    # The city's complexity run is the city admin's to start (DOMAIN.md §1); the task force
    # reads it and fills its chain's gaps.
    from chainlead.recruitment.analysis import complexity_run_create

    complexity_run_create(actor=admin, level="city")
    return user


@pytest.mark.browser
def test_task_force_fills_a_gap_from_the_opportunities_page(
    recorded_page: RecordedPage, live_server: Any, task_force: Any
) -> None:
    page = recorded_page.page
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "zhaoshang")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].btn")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)  # landed on its home page

    page.goto(f"{base}/recruitment/opportunities/")
    assert page.locator("form[action$='/opportunities/compute/']").count() == 0  # admin only
    page.wait_for_selector("#opportunities")
    page.wait_for_selector("#scatter canvas, #scatter-empty:not([hidden])")
    gaps = page.eval_on_selector_all(
        "#opportunities tbody tr[data-segment]", "rows => rows.map(r => r.dataset.segment)"
    )
    assert "ai/storage" in gaps
    assert "ai/chips" in gaps  # one firm: weak
    recorded_page.screenshot("20-opportunities", full_page=True)

    page.locator("tr[data-segment='ai/storage'] a").click()
    page.wait_for_url(re.compile(r"/recruitment/rank/ai/storage/$"))
    page.click("main form[method=post]:not([action]) button")
    page.wait_for_selector("#ranking")
    first = page.locator("#ranking tbody tr").first
    assert "苏州存储科技" in first.inner_text()
    recorded_page.screenshot("21-ranking", full_page=True)

    first.locator("form[action$='/add/'] button").click()
    page.wait_for_url(re.compile(r"/recruitment/\d+/$"))
    for _ in range(4):  # contacted → visited → negotiating → signed
        page.click("form[action$='/move/'] button")
        page.wait_for_load_state()
    assert page.locator("h1 .badge").get_attribute("data-stage") == "signed"
    page.select_option("form[action$='/land/'] select[name=district]", label="余杭区")
    page.fill("form[action$='/land/'] input[name=landed_on]", "2026-11-20")
    recorded_page.screenshot("22-target-signed", full_page=True)
    page.click("#land-button")
    page.wait_for_load_state()
    assert page.locator("h1 .badge").get_attribute("data-stage") == "landed"
    recorded_page.screenshot("23-target-landed", full_page=True)

    target = Target.objects.get(name="苏州存储科技")
    firm = Enterprise.objects.get(pk=target.landed_enterprise_id)
    assert (firm.origin, firm.origin_place, firm.district.name) == (
        "attracted",
        "江苏 苏州市",
        "余杭区",
    )
    assert Enterprise.objects.filter(name="苏州存储科技").count() == 1

    page.goto(f"{base}/recruitment/board/")
    assert page.locator("section[data-stage='landed'] .board-card").count() == 1
    recorded_page.screenshot("24-board", full_page=True)
    assert recorded_page.outside_requests() == []
    assert recorded_page.script_errors == []
