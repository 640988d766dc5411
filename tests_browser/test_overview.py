"""Officials log in and land on the city overview, in Chinese and English, on a phone too."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from chainlead.accounts.choices import Role
from chainlead.accounts.services import role_grant, user_create
from chainlead.chains.services import chain_create_from_template, membership_set
from chainlead.chains.templates_data import template_get
from chainlead.registry.services import enterprise_create
from tests_browser.conftest import RecordedPage

PASSWORD = "Overview-2026-ok"
# The overview's own strings await their Chinese in the .po files (the lead translates all
# organs at the end, docs/adding-an-organ.md §6). Until then the Chinese page may show exactly
# these English words and no others; empty the set once the catalogue has them.
PENDING_TRANSLATION = {
    "at",
    "a",
    "glance",
    "Requests",
    "from",
    "to",
    "chains",
    "and",
    "five",
    "ones",
    "as",
    "of",
    "today",
    "Demonstration",
    "activity",
    "is",
    "synthetic",
    "with",
    "every",
    "segment",
    "present",
    "all",
    "open",
    "requests",
    "overdue",
    "satisfaction",
    "rating",
    "ratings",
    "recruitment",
    "targets",
    "by",
    "department",
    "firm",
    "firms",
    "on",
    "the",
    "city's",
    "have",
    "has",
    "no",
    "recorded",
    "district",
    "they",
    "may",
    "be",
    "in",
    "your",
    "so",
    "segments",
    "without",
    "known",
    "are",
    "shown",
    "unknown",
    "not",
    "missing",
    "weak",
    "Recruitment",
    "funnel",
    "Support",
    "fund",
    "appropriated",
    "committed",
    "paid",
    "available",
    "Amounts",
    "CNY",
    "this",
    "fiscal",
    "year",
    "Overview",
    "it",
    "complete",
    "sets",
    "aside",
    "its",
    "expenditure",
    "for",
    "industry",
    "support",
    "below",
    "minimum",
    "Industrial",
    "one",
    "yet",
    "been",
    "routed",
    "No",
}
ALLOWED = {
    "chainlead",
    "English",
    "Commissioners",
    "Programs",
    "Applications",
    "Awards",
    "Proof",
    "concept",
}  # names and other apps' menu items


@pytest.fixture
def officials(transactional_db: Any, districts: Any) -> dict[str, Any]:
    from chainlead.accounts.models import User
    from chainlead.requests.services import request_raise

    admin = User.objects.create_superuser("cityadmin", password=PASSWORD)
    chain = chain_create_from_template(actor=admin, template=template_get("ai"))
    in_district = enterprise_create(
        actor=admin,
        name="杭州宇树科技股份有限公司",
        district=districts["滨江区"],
        city=settings.CHAINLEAD_CITY_NAME,
    )
    unknown = enterprise_create(
        actor=admin, name="某上市公司（区县未知）", city=settings.CHAINLEAD_CITY_NAME
    )
    for firm, slug in ((in_district, "industry-applications"), (unknown, "chips")):
        membership_set(actor=admin, enterprise=firm, segment=chain.segments.get(slug=slug))
    request_raise(
        actor=admin,
        enterprise=in_district,
        chain=chain,
        category="land_space",
        title="研发楼装修审批",
        description="d",
        now=timezone.now() - dt.timedelta(days=40),
    )
    users = {"city_admin": admin}
    for role, username, scope in (
        (Role.CHAIN_LEADER, "lianzhang", {"chain": chain}),
        (Role.DISTRICT_OFFICIAL, "binjiang", {"district": districts["滨江区"]}),
    ):
        user = user_create(actor=admin, username=username, password=PASSWORD)
        role_grant(actor=admin, user=user, role=role, **scope)
        users[str(role)] = user
    return users


def _english_words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z][A-Za-z']+", text)) - ALLOWED


@pytest.mark.browser
@pytest.mark.parametrize("role", ["city_admin", "chain_leader", "district_official"])
def test_official_lands_on_the_overview(
    recorded_page: RecordedPage, live_server: Any, officials: dict[str, Any], role: str
) -> None:
    page = recorded_page.page
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", officials[role].username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].btn")
    page.wait_for_url(re.compile(r"/overview/$"))
    # Chinese first (the default): the chain, its overdue request, a linked figure.
    assert page.locator('tr[data-chain="ai"]').count() == 1
    overdue = page.locator('#kpis a[data-figure="overdue"] .stat').inner_text()
    assert overdue == "1"
    main = page.locator("main").inner_text()
    assert _english_words(main) <= PENDING_TRANSLATION, _english_words(main) - PENDING_TRANSLATION
    if role == "district_official":
        assert page.locator("#unknown-districts").count() == 1
        assert page.locator('[data-unknown="1"]').count() == 1
    # The overdue figure opens the filtered problem list.
    page.locator('#kpis a[data-figure="overdue"]').click()
    page.wait_for_url(re.compile(r"/requests/\?state=overdue"))
    assert "研发楼装修审批" in page.locator("main").inner_text()
    # English, then a 390-px phone: the page never scrolls sideways.
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": base}])
    page.goto(f"{base}/overview/")
    assert "at a glance" in page.locator("h1").inner_text()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/overview/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    recorded_page.screenshot(f"overview-{role}-phone", full_page=True)
    assert recorded_page.outside_requests() == []
    assert recorded_page.script_errors == []
