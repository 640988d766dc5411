"""The bell: a firm's new request reaches the chain's office, which follows the notice to it."""

from __future__ import annotations

import re
from typing import Any

import pytest

from chainlead.requests.choices import Category
from chainlead.requests.services import request_raise
from tests_browser.conftest import RecordedPage
from tests_browser.test_requests import log_in, people  # noqa: F401 (a fixture)

pytestmark = pytest.mark.browser


def test_bell_counts_and_the_notice_opens_the_request(
    recorded_page: RecordedPage,
    live_server: Any,
    people: dict[str, Any],  # noqa: F811
) -> None:
    request = request_raise(
        actor=people["firm_user"],
        enterprise=people["firm"],
        category=Category.PERMITS,
        title="食堂经营许可证",
        description="搬迁后需要新的食品经营许可证。",
        chain=people["chain"],
    )
    page = recorded_page.page
    log_in(recorded_page, live_server.url, "zhuanban")  # the chain's task force
    bell = page.locator("#notification-bell [data-unread]")
    bell.wait_for()
    assert bell.inner_text() == "1"
    page.click("#notification-bell")
    page.wait_for_url(re.compile(r"/notifications/$"))
    row = page.locator("table.notifications tr[data-kind='requests.raised']")
    assert "食堂经营许可证" in row.inner_text()
    row.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/requests/{request.pk}/$"))
    page.goto(f"{live_server.url}/notifications/")
    assert page.locator("table.notifications tr[data-unread]").count() == 0
    assert recorded_page.outside_requests() == []
