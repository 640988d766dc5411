"""A payment run: prepared by one finance officer, approved by another, balances updated."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from tests_browser.conftest import SCREENSHOTS, RecordedPage

PASSWORD = "Caiwu-Kuaiji-2026"


@pytest.fixture
def run_ready(transactional_db: Any, districts: Any) -> dict[str, Any]:
    from chainlead.accounts.models import User
    from chainlead.accounts.services import role_grant, user_create
    from chainlead.funds import services
    from chainlead.registry.services import enterprise_create

    admin = User.objects.create_superuser("cityadmin", password=None)
    officers = []
    for username, name in (("caiwu1", "张会计"), ("caiwu2", "李出纳")):
        user = user_create(actor=admin, username=username, password=PASSWORD, display_name=name)
        role_grant(actor=admin, user=user, role="finance")
        officers.append(user)
    today = timezone.localdate()
    fund = services.fund_create(
        actor=admin,
        name="滨江区产业扶持资金",
        district=districts["滨江区"],
        fiscal_year=today.year,
        appropriation="2000000.00",
        provenance="synthetic",
        today=today,
    )
    line = services.budget_line_create(
        actor=admin, fund=fund, name="“5050计划”创业启动资助", amount="1500000.00", today=today
    )
    firm = enterprise_create(actor=admin, name="杭州示例科技有限公司", district=districts["滨江区"])
    commitment = services.commitment_create(
        actor=officers[0],
        line=line,
        recipient_enterprise=firm,
        amount="600000.00",
        reference="demo",
        today=today,
    )
    tranche = services.tranche_create(
        actor=officers[0], commitment=commitment, amount="250000.00", due_on=today
    )
    services.tranche_approve(actor=officers[1], tranche=tranche)
    return {"fund": fund, "tranche": tranche}


def _log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].btn")
    page.wait_for_url(lambda url: "/accounts/login" not in url)


@pytest.mark.browser
def test_a_run_prepared_by_one_officer_is_approved_by_another(
    run_ready: dict[str, Any], recorded_page: RecordedPage, browser: Any, live_server: Any
) -> None:
    base = live_server.url
    page = recorded_page.page
    _log_in(page, base, "caiwu1")
    page.goto(f"{base}/funds/runs/")
    page.check(f"input[name=tranches][value='{run_ready['tranche'].pk}']")
    page.click("form[action$='/runs/prepare/'] button[type=submit]")
    page.wait_for_url("**/funds/runs/*/")
    run_url = page.url
    assert page.locator("#approve-run").count() == 0  # the preparer cannot approve
    recorded_page.screenshot("funds-run-prepared", full_page=True)

    second = browser.new_context(locale="en-US", viewport={"width": 390, "height": 844})
    other = second.new_page()
    try:
        _log_in(other, base, "caiwu2")
        other.goto(run_url)
        other.locator("#approve-run").click()
        other.wait_for_load_state()
        assert other.locator("#run-status").inner_text().strip() != ""
        other.screenshot(path=str(SCREENSHOTS / "funds-run-approved-en-390.png"), full_page=True)
        other.goto(f"{base}/funds/fund/{run_ready['fund'].pk}/")
        paid = other.locator("[data-figure=paid]").inner_text()
        available = other.locator("[data-figure=available]").inner_text()
        assert Decimal(paid.replace(",", "")) == Decimal("250000.00")
        assert Decimal(available.replace(",", "")) == Decimal("1400000.00")
        other.screenshot(path=str(SCREENSHOTS / "funds-position-en-390.png"), full_page=True)
    finally:
        second.close()
    page.goto(f"{base}/funds/fund/{run_ready['fund'].pk}/")
    recorded_page.screenshot("funds-position-zh", full_page=True)
    assert recorded_page.outside_requests() == []
    assert recorded_page.script_errors == []
