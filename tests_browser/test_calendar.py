"""The system administrator enters a year the calendar package does not know and marks it
complete with its notice; the page says so in either language and fits a phone's screen."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from chainlead.accounts.choices import Role
from chainlead.accounts.services import role_grant, user_create
from chainlead.requests.models import CalendarOverride, CalendarYear
from tests_browser.conftest import REPORT_CSP_VIOLATIONS, RecordedPage

NOTICE = "国办发明电〔2026〕1号"


def _open(browser: Any, live_server: Any, user: Any, language: str, width: int) -> Any:
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.set_default_timeout(30_000)
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            },
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url},
        ]
    )
    return RecordedPage(context.new_page())


@pytest.mark.browser
def test_a_new_year_is_entered_and_marked_complete(browser: Any, live_server: Any) -> None:
    from chainlead.accounts.models import User

    root = User.objects.create_superuser("browser_root", password=None)
    sysadmin = user_create(actor=root, username="xitong", password=None, display_name="系统管理员")
    role_grant(actor=root, user=sysadmin, role=Role.SYSTEM_ADMIN)

    zh = _open(browser, live_server, sysadmin, "zh-hans", 1366)
    page = zh.page
    page.goto(f"{live_server.url}/requests/calendar/?year=2027")
    assert page.locator("[data-testid=calendar-package-unknown]").is_visible()
    page.fill("#id_date", "2027-01-01")
    page.select_option("#id_kind", "holiday")
    page.fill("#id_note", "元旦")
    with page.expect_navigation():
        page.click("[data-testid=calendar-add]")
    assert CalendarOverride.objects.filter(date=dt.date(2027, 1, 1), is_workday=False).exists()
    zh.screenshot("calendar-01-entered-zh", full_page=True)

    page.fill("#id_notice", NOTICE)
    with page.expect_navigation():
        page.click("[data-testid=calendar-year-complete-submit]")
    assert CalendarYear.objects.get().year == 2027
    complete = page.locator("[data-testid=calendar-year-complete]")
    assert "2027 年已标记为完整" in complete.inner_text()
    assert NOTICE in complete.inner_text()
    zh.screenshot("calendar-02-complete-zh", full_page=True)

    en = _open(browser, live_server, sysadmin, "en", 1366)
    en.page.goto(f"{live_server.url}/requests/calendar/?year=2027")
    assert (
        "2027 is marked complete"
        in en.page.locator("[data-testid=calendar-year-complete]").inner_text()
    )
    en.screenshot("calendar-03-complete-en", full_page=True)

    phone = _open(browser, live_server, sysadmin, "zh-hans", 390)
    phone.page.goto(f"{live_server.url}/requests/calendar/?year=2027")
    width = phone.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px screen"
    phone.screenshot("calendar-04-phone", full_page=True)

    with phone.page.expect_navigation():
        phone.page.click("[data-testid=calendar-year-reopen]")
    assert not CalendarYear.objects.exists()
    assert phone.page.locator("[data-testid=calendar-package-unknown]").is_visible()
    for recorded in (zh, en, phone):
        assert recorded.script_errors == []
        assert recorded.csp_violations == []
        assert recorded.outside_requests() == []
