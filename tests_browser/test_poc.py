"""A researcher submits a project, two reviewers score its gate review, the task force advances
it, and the survival page draws its curve."""

from __future__ import annotations

import re
from typing import Any

import pytest

from chainlead.accounts.services import role_grant, user_create
from chainlead.chains.services import chain_create_from_template
from chainlead.chains.templates_data import template_get
from chainlead.poc import services
from chainlead.poc.models import Project
from tests_browser.conftest import RecordedPage

PASSWORD = "Gainian-2026-ok"


@pytest.fixture
def people(transactional_db: Any, districts: Any) -> dict[str, Any]:
    from chainlead.accounts.models import User

    admin = User.objects.create_superuser("cityadmin", password=None)
    chain = chain_create_from_template(actor=admin, template=template_get("ai"))
    centre = services.centre_create(
        actor=admin,
        name="合成概念验证中心 C01",
        district=districts["西湖区"],
        district_name="西湖区",
        provenance="synthetic",
    )

    def person(username: str, role: str, name: str, department: str, **scope: Any) -> Any:
        user = user_create(
            actor=admin,
            username=username,
            password=PASSWORD,
            display_name=name,
            department=department,
        )
        role_grant(actor=admin, user=user, role=role, **scope)
        return user

    return {
        "chain": chain,
        "centre": centre,
        "researcher": person("zhang_pi", "researcher", "张研究员", "浙江大学"),
        "reviewers": [
            person("wang_rev", "reviewer", "王评审", "西湖大学"),
            person("zhao_rev", "reviewer", "赵评审", "之江实验室"),
        ],
        "task_force": person("li_tf", "task_force", "李专班", "市科技局", chain=chain),
    }


def _login(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].btn")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.mark.browser
def test_submit_review_advance_and_see_survival(
    recorded_page: RecordedPage, live_server: Any, people: dict[str, Any]
) -> None:
    page = recorded_page.page
    base = live_server.url
    segment = people["chain"].segments.get(slug="chips")

    # 1. The researcher submits a project.
    _login(page, base, "zhang_pi")
    page.goto(f"{base}/poc/projects/new/")
    page.fill("#id_title", "存算一体芯片原型")
    assert page.input_value("#id_institution") == "浙江大学"
    page.fill("#id_team", "张研究员团队")
    page.fill("#id_industry", "3973")
    page.select_option("#id_segment", str(segment.pk))
    page.select_option("#id_centre", str(people["centre"].pk))
    page.select_option("#id_stage", "1")
    page.fill("#id_trl", "2")
    page.fill("#id_started_on", "2024-01-15")
    page.click("#project-form button[type=submit]")
    page.wait_for_url(re.compile(r"/poc/projects/\d+/$"))
    assert page.locator("#stage-line").get_attribute("data-stage") == "1"
    project = Project.objects.get(title="存算一体芯片原型")
    assert project.pi == people["researcher"]
    recorded_page.screenshot("poc-project-submitted", full_page=True)

    # 2. The task force opens the gate review with two reviewers.
    _login(page, base, "li_tf")
    page.goto(f"{base}/poc/projects/{project.pk}/")
    for reviewer in people["reviewers"]:
        page.check(f"#gate-open-form input[value='{reviewer.pk}']")
    page.fill("#gate-open-form input[name=due_on]", "2099-01-01")
    page.click("#gate-open-form button[type=submit]")
    page.wait_for_selector("#open-gate-link")

    # 3. Each reviewer declares no conflict, then scores.
    for reviewer, technology in zip(people["reviewers"], ("4", "5"), strict=True):
        _login(page, base, reviewer.username)
        page.goto(f"{base}/poc/reviews/")
        assert page.locator("#my-reviews tbody tr").count() == 1
        page.click("#my-reviews a")
        assert "存算一体芯片原型" not in page.content()  # the file is closed before declaring
        page.check("#declare-form input[name=no_conflict]")
        page.click("#declare-form button[type=submit]")
        page.wait_for_selector("#score-form")
        for criterion, value in (
            ("technology", technology),
            ("market", "3"),
            ("ip", "4"),
            ("team", "4"),
            ("plan", "3"),
        ):
            page.fill(f"#score-form input[name={criterion}]", value)
        page.select_option("#score-form select[name=recommendation]", "advance")
        page.click("#score-form button[type=submit]")
        page.wait_for_selector("#review-status[data-status=scored]")

    # 4. The task force advances the project on the panel's scores.
    _login(page, base, "li_tf")
    page.goto(f"{base}/poc/projects/{project.pk}/")
    page.click("#open-gate-link")
    assert page.locator("#mean-score").inner_text() == "3.75"  # (3.60 + 3.90) / 2
    page.select_option("#decide-form select[name=decision]", "advance")
    page.fill("#decide-form textarea[name=reasons]", "原理验证充分，进入概念验证阶段")
    page.click("#decide-form button[type=submit]")
    page.wait_for_selector("#decision")
    project.refresh_from_db()
    assert project.stage == 2
    recorded_page.screenshot("poc-gate-decided", full_page=True)

    # 5. The survival page draws its Kaplan-Meier curve from local files.
    page.goto(f"{base}/poc/survival/")
    page.wait_for_selector("#km-chart canvas")
    assert "1" in page.locator("#headline").inner_text()
    recorded_page.screenshot("poc-survival-zh", full_page=True)
    page.click("form.langswitch button")
    page.wait_for_selector("#km-chart canvas")
    recorded_page.screenshot("poc-survival-en", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.wait_for_selector("#km-chart canvas")
    recorded_page.screenshot("poc-survival-390", full_page=True)
    assert recorded_page.outside_requests() == []
    assert recorded_page.script_errors == []
