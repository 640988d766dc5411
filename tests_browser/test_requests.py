"""A firm raises a request, the department resolves it, the firm rejects it, it is resolved
again and rated; an overdue one climbs to the chain leader, who sees it in the bell."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from chainlead.accounts.services import role_grant, user_create
from chainlead.chains.models import Chain, Membership, Segment
from chainlead.requests.choices import Category
from chainlead.requests.models import Department, DepartmentMember, EnterpriseRequest, RoutingRule
from chainlead.requests.services import request_raise
from tests_browser.conftest import RecordedPage

PASSWORD = "Suqiu-2026-ok"


@pytest.fixture
def people(live_server: Any, districts: Any) -> dict[str, Any]:
    from chainlead.accounts.models import User
    from chainlead.registry.services import enterprise_create

    admin = User.objects.create_superuser("browser_admin", password=None)
    chain = Chain.objects.create(slug="ai", name="人工智能", name_en="Artificial intelligence")
    firm = enterprise_create(actor=admin, name="杭州强脑科技有限公司", district=districts["余杭区"])
    # A firm raises requests on the chains it is on (issue 9, item 1).
    segment = Segment.objects.create(chain=chain, slug="chips", name="芯片", order=1)
    Membership.objects.create(enterprise=firm, segment=segment)
    department = Department.objects.create(name="杭州市市场监督管理局")
    RoutingRule.objects.create(category=Category.PERMITS, department=department)

    def person(username: str, display: str, role: str | None = None, **scope: Any) -> Any:
        user = user_create(actor=admin, username=username, password=PASSWORD, display_name=display)
        if role:
            role_grant(actor=admin, user=user, role=role, **scope)
        return user

    firm_user = person("qiangnao", "李企业", "enterprise", enterprise=firm)
    officer = person("shijianju", "张科员")
    DepartmentMember.objects.create(user=officer, department=department)
    person("zhuanban", "王专班", "task_force", chain=chain)
    leader = person("lianzhang", "陈链长", "chain_leader", chain=chain)
    return {
        "admin": admin,
        "chain": chain,
        "firm": firm,
        "firm_user": firm_user,
        "officer": officer,
        "leader": leader,
    }


def log_in(rp: RecordedPage, base: str, username: str) -> None:
    page = rp.page
    # Leave the page first: an htmx request still in flight (the notification bell) would
    # otherwise bring back the previous user's session cookie when it renews the session.
    page.goto("about:blank")
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/?next=/requests/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].btn")
    page.wait_for_url(re.compile(r"/requests/$"))


def act(rp: RecordedPage, transition: str, **fields: str) -> None:
    page = rp.page
    form = page.locator(f"form.transition[data-transition={transition}]")
    for name, value in fields.items():
        if name == "rating":
            form.locator("select[name=rating]").select_option(value)
        else:
            form.locator(f"[name={name}]").fill(value)
    with page.expect_navigation():  # the post redirects back to the request page
        form.locator("button[type=submit]").click()


def shot(rp: RecordedPage, name: str) -> None:
    rp.page.wait_for_selector("#notification-bell")  # the bell, swapped in by htmx
    rp.screenshot(name, full_page=True)


def status(rp: RecordedPage) -> str:
    return (
        rp.page.locator("h1 + .actions .request-status, .request-status").first.get_attribute(
            "data-status"
        )
        or ""
    )


@pytest.mark.browser
def test_request_life_cycle_and_escalation(
    recorded_page: RecordedPage, live_server: Any, people: dict[str, Any]
) -> None:
    page = recorded_page.page
    base = live_server.url

    # The firm raises a request from its own page.
    log_in(recorded_page, base, "qiangnao")
    page.click("a.btn[href$='/requests/new/']")
    page.select_option("#id_chain", str(people["chain"].pk))
    page.select_option("#id_category", Category.PERMITS.value)
    page.fill("#id_title", "搬迁后食堂许可证办理")
    page.fill(
        "#id_description", "公司搬到余杭区新址，员工食堂需要新的食品经营许可证，窗口说要等一个月。"
    )
    shot(recorded_page, "requests-01-raise")
    page.click("form.request-form button[type=submit]")
    page.wait_for_url(re.compile(r"/requests/\d+/$"))
    assert status(recorded_page) == "raised"
    request = EnterpriseRequest.objects.get()
    assert request.department.name == "杭州市市场监督管理局"
    url = f"{base}/requests/{request.pk}/"
    shot(recorded_page, "requests-02-raised")

    # The department accepts, works and resolves it.
    log_in(recorded_page, base, "shijianju")
    assert page.locator("#notification-bell [data-unread]").inner_text() == "1"
    page.goto(url)
    act(recorded_page, "accept")
    act(recorded_page, "start")
    act(recorded_page, "resolve", resolution="已通过告知承诺制当场发证。")
    assert status(recorded_page) == "resolved"

    # The firm rejects the resolution: back to in progress.
    log_in(recorded_page, base, "qiangnao")
    page.goto(url)
    act(recorded_page, "reopen", note="许可证还没有寄到，食堂仍不能开。")
    assert status(recorded_page) == "in_progress"
    shot(recorded_page, "requests-03-reopened")

    # Resolved again, then confirmed with a rating.
    log_in(recorded_page, base, "shijianju")
    page.goto(url)
    act(recorded_page, "resolve", resolution="许可证已由专人送达企业。")
    log_in(recorded_page, base, "qiangnao")
    page.goto(url)
    act(recorded_page, "confirm", rating="4", comment="第二次很快，谢谢。")
    assert status(recorded_page) == "confirmed"
    kinds = page.eval_on_selector_all(
        "table.timeline tr[data-kind]", "rows => rows.map(r => r.dataset.kind)"
    )
    assert kinds == [
        "raised",
        "routed",
        "accept",
        "start",
        "resolve",
        "reopen",
        "resolve",
        "confirm",
    ]
    shot(recorded_page, "requests-04-confirmed")

    # An overdue request climbs to the task force, then to the chain leader.
    raised = dt.datetime(2026, 10, 9, 10, tzinfo=timezone.get_current_timezone())
    overdue = request_raise(
        actor=people["firm_user"],
        enterprise=people["firm"],
        chain=people["chain"],
        category=Category.PERMITS,
        title="高新技术企业认定材料退回无说明",
        description="材料被退回两次，没有说明原因。",
        now=raised,
    )
    call_command(
        "escalate", "--today", "2026-10-26"
    )  # deadline Oct 22 (Sat Oct 10 is a make-up day)
    call_command("escalate", "--today", "2026-11-03")  # second limit Nov 2 (5 working days) passed
    call_command("escalate", "--today", "2026-11-03")  # idempotent
    overdue.refresh_from_db()
    assert overdue.escalation_level == 2
    log_in(recorded_page, base, "lianzhang")
    bell = page.locator("#notification-bell [data-unread]")
    assert bell.inner_text() == "1"
    page.click("#notification-bell")
    page.wait_for_url(re.compile(r"/notifications/$"))
    assert "高新技术企业认定材料退回无说明" in page.locator("table.notifications").inner_text()
    shot(recorded_page, "requests-05-leader-notifications")
    page.goto(f"{base}/requests/?state=overdue&escalated=yes")
    assert page.locator("table.data tbody tr").count() == 1
    shot(recorded_page, "requests-06-leader-overdue")
    page.goto(f"{base}/requests/{overdue.pk}/")
    assert page.locator("table.timeline tr[data-kind=escalated_leader]").count() == 1
    shot(recorded_page, "requests-07-escalated")

    assert recorded_page.script_errors == []
    assert recorded_page.outside_requests() == []


@pytest.mark.browser
def test_the_account_menu_opens_under_the_name_and_logs_out(
    recorded_page: RecordedPage, live_server: Any, people: dict[str, Any]
) -> None:
    page = recorded_page.page
    log_in(recorded_page, live_server.url, "zhuanban")
    panel = page.locator(".account-panel")
    assert not panel.is_visible()  # the top bar shows the name only
    top = page.locator(".topbar").bounding_box()
    assert top is not None and top["height"] <= 60  # one row, Chinese labels at 1366 px
    page.click(".account-menu summary")
    assert panel.is_visible()
    recorded_page.screenshot("account-menu")
    assert panel.get_by_role("link", name="修改密码").is_visible()
    panel.get_by_role("button", name="退出登录").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    page.goto(f"{live_server.url}/requests/")
    page.wait_for_url(re.compile(r"/accounts/login/"))  # the session has ended
    assert not recorded_page.outside_requests()
