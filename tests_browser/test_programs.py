"""A firm applies to a competition, two reviewers declare (one has a conflict and never sees
the application), the program ranks it, finance awards it, and the award is a commitment of
the program's budget line in the fund."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone

from chainlead.accounts.services import role_grant, user_create
from chainlead.funds import services as funds
from chainlead.programs import services
from chainlead.programs.models import Application, Assignment
from chainlead.registry.models import Enterprise
from tests_browser.conftest import RecordedPage

PASSWORD = "Chuangye-2026-ok"


@pytest.fixture
def world(transactional_db: Any, districts: Any) -> dict[str, Any]:
    from chainlead.accounts.models import User

    admin = User.objects.create_superuser("cityadmin", password=PASSWORD)
    today = timezone.localdate()

    def person(username: str, role: str, name: str, department: str = "", **scope: Any) -> Any:
        user = user_create(
            actor=admin, username=username, password=PASSWORD, display_name=name,
            department=department,
        )  # fmt: skip
        role_grant(actor=admin, user=user, role=role, **scope)
        return user

    firm = Enterprise.objects.create(
        name="杭州合成机器人有限公司",
        city="杭州",
        district=districts["滨江区"],
        founded=dt.date(2022, 4, 1),
        provenance="synthetic",
    )
    program = services.program_create(
        actor=admin,
        slug="college-startup",
        name="大学生创业大赛",
        kind="competition",
        award_cap="1000000",
        form_schema=[
            {"name": "summary", "label": "项目简介", "type": "long_text", "required": True}
        ],
        rubric=[
            {"name": "technology", "label": "技术", "max": 10, "weight": 0.5},
            {"name": "market", "label": "市场", "max": 10, "weight": 0.5},
        ],
        reviewers_per_application=2,
        rules_list=[
            {
                "kind": "registered_in",
                "label": "注册在杭州",
                "logic": {"==": [{"var": "city"}, "杭州"]},
                "reason_template": "注册地 {city}",
            }
        ],
    )
    services.tier_create(actor=admin, program=program, name="一等奖", cap="500000")
    round_ = services.round_create(
        actor=admin,
        program=program,
        name="本届",
        opens_on=today - dt.timedelta(days=5),
        closes_on=today + dt.timedelta(days=30),
        fiscal_year=today.year,
    )
    fund = funds.fund_create(
        actor=admin, name="合成资金", district=None, fiscal_year=today.year,
        appropriation="5000000.00", provenance="synthetic", today=today,
    )  # fmt: skip
    line = services.program_budget_line_create(
        actor=admin, program=program, fund=fund, amount="2000000.00", today=today
    )
    reviewers = [
        person("wang_rev", "reviewer", "王评审", "西湖大学"),
        person("zhao_rev", "reviewer", "赵评审", "之江实验室"),
    ]
    services.panel_create(actor=admin, round_=round_, name="评审组", reviewers=reviewers)
    return {
        "round": round_,
        "line": line,
        "reviewers": reviewers,
        "firm": firm,
        "firm_user": person("robot_firm", "enterprise", "企业用户", enterprise=firm),
        "finance": person("fin", "finance", "资金管理"),
    }


def _login(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].btn")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.mark.browser
def test_apply_review_rank_award_and_see_the_commitment(
    recorded_page: RecordedPage, live_server: Any, world: dict[str, Any]
) -> None:
    page = recorded_page.page
    base = live_server.url
    round_ = world["round"]

    # 1. The firm applies and submits; eligibility is checked with reasons.
    _login(page, base, "robot_firm")
    page.goto(f"{base}/programs/rounds/{round_.pk}/")
    page.click("#apply")
    page.fill("#id_title", "四足机器人巡检")
    page.fill("#id_institution", "浙江大学")
    page.fill("#id_answer_summary", "合成的项目简介")
    page.click("#application-form button[type=submit]")
    page.wait_for_url(re.compile(r"/programs/applications/\d+/$"))
    page.click("#submit-application")
    page.wait_for_selector("#application-status[data-status=submitted]")
    assert "注册地 杭州" in page.locator("#eligibility").inner_text()
    recorded_page.screenshot("programs-application-submitted", full_page=True)
    application = Application.objects.get(title="四足机器人巡检")

    # 2. Two reviewers declare: Wang has no conflict, Zhao names a relation.
    wang, zhao = world["reviewers"]
    for reviewer, relation in ((wang, ""), (zhao, "申报人的前同事")):
        _login(page, base, reviewer.username)
        page.goto(f"{base}/programs/reviews/")
        page.click("main a[href*='/programs/panels/']")
        assert "合成的项目简介" not in page.content()  # only title and firm before declaring
        page.fill(".declare-form input[name=relation]", relation)
        if relation:
            page.check(".declare-form input[name=conflict]")
        page.click(".declare-form button[type=submit]")
        page.wait_for_selector("[data-conflict]")
    assert page.locator("[data-conflict]").get_attribute("data-conflict") == "1"

    # 3. The city admin assigns the reviews: only Wang is assigned.
    _login(page, base, "cityadmin")
    page.goto(f"{base}/programs/rounds/{round_.pk}/")
    page.click("#panels button[id^=assign-]")
    page.wait_for_selector(".messages, [role=status], .alert, body")
    [assignment] = Assignment.objects.filter(application=application)
    assert assignment.reviewer == wang

    # 4. Zhao never sees the application; Wang scores it.
    _login(page, base, "zhao_rev")
    page.goto(f"{base}/programs/reviews/")
    assert page.locator("#my-assignments a").count() == 0
    response = page.goto(f"{base}/programs/reviews/{assignment.pk}/")
    assert response is not None and response.status == 404
    _login(page, base, "wang_rev")
    page.goto(f"{base}/programs/reviews/")
    page.click("#my-assignments a")
    assert "合成的项目简介" in page.content()
    page.fill("#id_score_technology", "8")
    page.fill("#id_score_market", "7")
    page.click("#score-form button[type=submit]")
    page.wait_for_selector("#assignment-status")
    assignment.refresh_from_db()
    assert assignment.status == "scored"

    # 5. The city admin ranks the round.
    _login(page, base, "cityadmin")
    page.goto(f"{base}/programs/rounds/{round_.pk}/")
    page.click("#rank")
    page.wait_for_selector("#applications")
    assert page.locator("#applications tbody tr td").first.inner_text() == "1"
    recorded_page.screenshot("programs-round-ranked", full_page=True)

    # 6. Finance awards the first prize; the award is a commitment of the program's line.
    _login(page, base, "fin")
    page.goto(f"{base}/programs/applications/{application.pk}/")
    page.fill("#award-form input[name=amount]", "500000")
    page.select_option("#award-form select[name=tier]", label="一等奖 (≤ 500000.00 CNY)")
    page.click("#award-form button[type=submit]")
    page.wait_for_url(re.compile(r"/programs/awards/\d+/$"))
    assert "500000.00" in page.locator("#commitment").inner_text()  # 元 or CNY by language
    recorded_page.screenshot("programs-award", full_page=True)
    page.goto(f"{base}/funds/account/{world['line'].pk}/")
    assert "杭州合成机器人有限公司" in page.content()
    recorded_page.screenshot("programs-fund-line", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/programs/applications/{application.pk}/")
    recorded_page.screenshot("programs-application-390", full_page=True)
    assert recorded_page.outside_requests() == []
