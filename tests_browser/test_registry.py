"""A firm's own user finds their firm, records a year of figures, edits it, and meets a
colleague's concurrent edit; an admin exports the list and switches the language."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from chainlead.accounts.models import User
from chainlead.accounts.services import role_grant, user_create
from chainlead.registry.models import Enterprise, Industry
from chainlead.registry.reference_data import industries_load
from chainlead.registry.services import enterprise_create
from tests_browser.conftest import SCREENSHOTS, RecordedPage

PASSWORD = "Qiye-User-2026-ok"


@pytest.fixture
def firm_user(live_server: Any, districts: Any) -> Enterprise:
    # A live-server test empties the database afterwards, migration-loaded data included.
    industries_load()
    admin = User.objects.create_superuser("registry_admin", password=PASSWORD)
    firm = enterprise_create(
        actor=admin,
        name="杭州海康威视数字技术股份有限公司",
        short_name="海康威视",
        stock_code="002415",
        district=districts["滨江区"],
        industry=Industry.objects.get(code="3919"),
        size_class="large",
        employees=58000,
        provenance="public",
        source_note="上市公司年报",
    )
    enterprise_create(actor=admin, name="杭州强脑科技有限公司", district=districts["余杭区"])
    for name in ("hik_a", "hik_b"):
        user = user_create(actor=admin, username=name, password=PASSWORD, display_name=name)
        role_grant(actor=admin, user=user, role="enterprise", enterprise=firm)
    return firm


def log_in(rp: RecordedPage, base: str, username: str) -> None:
    page = rp.page
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].btn")
    page.wait_for_load_state("networkidle")


@pytest.mark.browser
def test_a_firm_user_records_figures_edits_and_meets_a_concurrent_edit(
    recorded_page: RecordedPage, browser: Any, live_server: Any, firm_user: Enterprise
) -> None:
    page = recorded_page.page
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    base = live_server.url
    log_in(recorded_page, base, "hik_a")

    # The list shows their firm only, in Chinese by default.
    page.goto(f"{base}/registry/")
    assert page.locator("h1").inner_text() == "企业"
    names = page.locator("table.data tbody td:first-child a").all_inner_texts()
    assert names == ["杭州海康威视数字技术股份有限公司"]
    recorded_page.screenshot("registry-01-list", full_page=True)

    # The firm page: no yearly figures yet, said honestly; add three years.
    page.locator("table.data tbody a").first.click()
    page.wait_for_url(re.compile(r"/registry/\d+/$"))
    assert "该企业尚无年度数据" in page.inner_text("#indicators")
    for year, revenue in ((2022, "8316600"), (2023, "8931000"), (2024, "9249600")):
        page.fill("#id_year", str(year))
        page.fill("#id_revenue", revenue)
        page.fill("#id_rd_spend", str(int(revenue) // 8))
        page.fill("#id_employees", "58000")
        page.click("#indicators button[type=submit]")
        page.wait_for_load_state("networkidle")
    page.wait_for_selector("#indicator-chart canvas")
    rows = page.locator("#indicators tbody tr").all_inner_texts()
    assert [r.split()[0] for r in rows] == ["2022", "2023", "2024"]
    recorded_page.screenshot("registry-02-firm", full_page=True)

    # Two colleagues open the edit form; the first to save wins, the second is told and
    # nothing of theirs is written.
    other_context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    other = other_context.new_page()
    other.goto(f"{base}/accounts/login/")
    other.fill("#id_username", "hik_b")
    other.fill("#id_password", PASSWORD)
    other.click("button[type=submit].btn")
    other.wait_for_load_state("networkidle")
    edit_url = page.url + "edit/"
    page.goto(edit_url)
    other.goto(edit_url)
    page.fill("#id_address", "杭州市滨江区阡陌路555号")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/registry/\d+/$"))
    assert "企业信息已保存" in page.inner_text(".messages")
    other.fill("#id_address", "杭州市滨江区东流路700号")
    other.click("main form button[type=submit]")
    other.wait_for_load_state("networkidle")
    assert "其他人已保存" in other.inner_text("main")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    other.screenshot(path=str(SCREENSHOTS / "registry-03-conflict.png"), full_page=True)
    other_context.close()
    firm_user.refresh_from_db()
    assert firm_user.address == "杭州市滨江区阡陌路555号"

    # The change history names who changed what.
    history = page.inner_text("#history")
    assert "hik_a" in history and "阡陌路555号" in history

    # Switch to English: the same page in English.
    page.click("button[name=language][value=en]")
    page.wait_for_load_state("networkidle")
    assert "Yearly figures" in page.inner_text("#indicators")
    assert not recorded_page.outside_requests()
    assert not errors, errors


@pytest.mark.browser
def test_an_admin_filters_the_list_in_place_and_exports_it(
    recorded_page: RecordedPage, live_server: Any, firm_user: Enterprise
) -> None:
    page = recorded_page.page
    base = live_server.url
    log_in(recorded_page, base, "registry_admin")
    page.goto(f"{base}/registry/")
    rows = page.locator("#list-results tbody tr")
    assert rows.count() == 2
    page.select_option("#id_size_class", "large")
    page.wait_for_url(re.compile(r"size_class=large"))
    rows.first.wait_for()
    page.wait_for_function("document.querySelectorAll('#list-results tbody tr').length === 1")
    assert "海康威视" in rows.first.inner_text()
    with page.expect_download() as download:
        page.click("#list-results a:has-text('CSV')")
    content = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "海康威视" in content and "强脑" not in content
    recorded_page.screenshot("registry-04-filtered", full_page=True)
    assert not recorded_page.outside_requests()
