"""An official proposes a matching, reads why each pair was proposed and accepts it; the
commissioner then logs a visit at the firm they were stationed with."""

from __future__ import annotations

from typing import Any

import pytest

from chainlead.accounts.services import role_grant, user_create
from chainlead.commissioners.models import Assignment, ServiceLog
from chainlead.commissioners.services import commissioner_create
from chainlead.registry.models import Enterprise, Industry
from tests_browser.conftest import RecordedPage

PASSWORD = "Tepaiyuan-2026-ok"


@pytest.fixture
def people(transactional_db: Any, districts: Any) -> dict[str, Any]:
    from chainlead.accounts.models import User

    admin = User.objects.create_superuser("kjj_admin", password=PASSWORD)
    binjiang = districts["滨江区"]
    Enterprise.objects.create(
        name="杭州示例计算机公司", district=binjiang, industry=Industry.objects.get(pk="3911")
    )
    Enterprise.objects.create(
        name="杭州示例软件公司", district=binjiang, industry=Industry.objects.get(pk="6513")
    )
    user = user_create(actor=admin, username="wang_tpy", password=PASSWORD, display_name="王工")
    role_grant(actor=admin, user=user, role="commissioner")
    commissioner_create(
        actor=admin,
        kind="individual",
        name="王工（计算机）",
        district=binjiang,
        industries=[Industry.objects.get(pk="391")],
        capacity=2,
        user=user,
    )
    commissioner_create(
        actor=admin,
        kind="team",
        name="软件服务团队",
        district=binjiang,
        industries=[Industry.objects.get(pk="6513")],
        capacity=1,
    )
    return {"admin": admin, "commissioner": user}


def _login(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].btn")
    page.wait_for_load_state("networkidle")


@pytest.mark.browser
def test_propose_explain_accept_and_log_a_visit(
    recorded_page: RecordedPage, live_server: Any, people: dict[str, Any]
) -> None:
    page = recorded_page.page
    base = live_server.url

    # 1. The city admin proposes a matching; the page polls the background run.
    _login(page, base, "kjj_admin")
    page.goto(f"{base}/commissioners/matchings/")
    page.click("#matching-start button[type=submit]")
    page.wait_for_selector("#matching-summary", timeout=60_000)
    assert page.locator("#matching-summary .status-ok").count() == 1  # certificate verified

    # 2. Each pair says why: the computer maker is the expert's group (391), same district.
    row = page.locator("#proposal-pairs tr", has_text="杭州示例计算机公司")
    assert "王工（计算机）" in row.inner_text()
    # By the term's key, not its translated name: group level 0.80, same district 1.00.
    assert "0.80" in row.locator(".explanation [data-term=industry]").inner_text()
    assert "1.00" in row.locator(".explanation [data-term=district]").inner_text()
    recorded_page.screenshot("commissioners-proposal-zh", full_page=True)
    page.click("form.langswitch button")
    page.wait_for_selector("#matching-summary")
    recorded_page.screenshot("commissioners-proposal-en", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    recorded_page.screenshot("commissioners-proposal-390", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})

    # 3. The admin accepts the proposal: the pairs become stations.
    page.click("#accept-all")
    page.wait_for_load_state("networkidle")
    assert Assignment.objects.count() == 2

    # 4. The commissioner logs a visit at the firm stationed with them.
    _login(page, base, "wang_tpy")
    page.goto(f"{base}/commissioners/stations/")
    page.click("#active-stations a", timeout=10_000)
    page.wait_for_selector("#log-form")
    page.select_option("#log-form select[name=mode]", "visit")
    page.fill("#log-form input[name=hours]", "3.5")
    page.fill("#log-form textarea[name=work_done]", "走访企业，梳理服务器散热问题")
    page.click("#log-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.locator("#service-logs tbody tr", has_text="3.5").wait_for()
    assert ServiceLog.objects.get().hours == 3.5
    recorded_page.screenshot("commissioners-log-zh", full_page=True)
    assert recorded_page.outside_requests() == []
    assert recorded_page.script_errors == []
