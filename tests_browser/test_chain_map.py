"""An official logs in, opens the AI chain, clicks a segment, sees its firms and opens one."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest

from chainlead.accounts.services import role_grant, user_create
from chainlead.chains.choices import MembershipRole
from chainlead.chains.services import chain_create_from_template, membership_set
from chainlead.chains.templates_data import template_list
from chainlead.chains.tests.test_views import Registry, build_registry, credit_code
from chainlead.registry.services import enterprise_create
from tests_browser.conftest import RecordedPage

PASSWORD = "Lianzhang-2026-ok"


def fill_more_segments(reg: Registry) -> None:
    """A few more firms so that the map shows every status, as a real city's would."""
    extra = [
        ("cloud-software", "杭州云栖软件", 4200, "西湖区", "local"),
        ("cloud-software", "钱塘云计算", 2600, "滨江区", "local"),
        ("cloud-software", "之江基础软件", 900, "余杭区", "attracted"),
        ("industry-applications", "杭州智医科技", 1200, "滨江区", "local"),
        ("industry-applications", "游戏科学（杭州）", 3100, "西湖区", "local"),
        ("computing-centres", "余杭算力中心", 5000, "余杭区", "local"),
    ]
    for n, (segment, name, revenue, district, origin) in enumerate(extra, start=50):
        firm = enterprise_create(
            actor=reg.admin,
            name=name,
            credit_code=credit_code(n),
            district=reg.districts[district],
            revenue=Decimal(revenue),
            rd_spend=Decimal(revenue) / 8,
            size_class="medium",
            origin=origin,
            origin_place="上海" if origin == "attracted" else "",
        )
        membership_set(
            actor=reg.admin,
            enterprise=firm,
            segment=reg.segments[segment],
            role=MembershipRole.MEMBER,
        )


@pytest.fixture
def official(live_server: Any, districts: Any) -> Registry:
    reg = build_registry(districts)
    fill_more_segments(reg)
    for template in template_list():  # the other five chains, still empty
        chain_create_from_template(actor=reg.admin, template=template)
    user = user_create(
        actor=reg.admin, username="zhuanban", password=PASSWORD, display_name="王专班"
    )
    role_grant(actor=reg.admin, user=user, role="task_force", chain=reg.chain)
    return reg


def log_in(rp: RecordedPage, base: str) -> None:
    page = rp.page
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "zhuanban")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].btn")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)  # landed on its home page


def click_node(rp: RecordedPage, name: str) -> None:
    """Click the graph node labelled `name` where ECharts drew it on the canvas."""
    page = rp.page
    x, y = page.evaluate(
        """(name) => {
            const el = document.getElementById('chain-graph');
            const chart = echarts.getInstanceByDom(el);
            const node = chart.getOption().series[0].data.find(d => d.name === name);
            return chart.convertToPixel({seriesIndex: 0}, [node.x, node.y]);
        }""",
        name,
    )
    graph = page.locator("#chain-graph")
    graph.scroll_into_view_if_needed()
    box = graph.bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)


@pytest.mark.browser
def test_official_walks_from_the_chain_map_to_a_firm(
    recorded_page: RecordedPage, live_server: Any, official: Registry
) -> None:
    page = recorded_page.page
    base = live_server.url
    log_in(recorded_page, base)

    # The chain list: coverage of the AI chain at a glance.
    page.goto(f"{base}/chains/")
    card = page.locator('article.chain-card[data-chain="ai"]')
    assert card.get_attribute("data-present") == "6"
    assert card.get_attribute("data-missing") == "2"
    recorded_page.screenshot("01-chain-list", full_page=True)

    # The chain map: the graph is drawn, the table shows every segment's status.
    card.locator("h2 a").click()
    page.wait_for_selector("#chain-graph[data-ready='1'] canvas")
    statuses = page.eval_on_selector_all(
        "tr.segment-row", "rows => rows.map(r => [r.dataset.segment, r.dataset.status])"
    )
    assert dict(statuses)["boards-servers"] == "missing"
    assert dict(statuses)["chips"] == "ok"
    recorded_page.screenshot("02-chain-map", full_page=True)

    # Click the chips node: its firms appear in the panel, without leaving the page.
    click_node(recorded_page, "芯片")
    panel = page.locator("#segment-panel .segment-firms[data-segment='chips']")
    panel.wait_for()
    assert page.url.endswith("/chains/ai/")
    names = panel.locator("a.firm-link").all_inner_texts()
    assert names == ["芯原微电子（杭州）", "杭州晶芯科技", "波士顿强脑芯片"]
    assert panel.locator(".badge-attracted").count() == 1
    page.mouse.move(5, 5)  # no tooltip over the screenshot
    page.wait_for_timeout(400)  # the smooth scroll to the panel
    recorded_page.screenshot("03-segment-panel", full_page=True)

    # A row of the table loads its segment too; synthetic and public firms are marked.
    page.locator("tr.segment-row[data-segment='foundation-models'] td.firms").click()
    models = page.locator("#segment-panel .segment-firms[data-segment='foundation-models']")
    models.wait_for()
    assert models.locator("[data-synthetic]").count() == 1
    assert "信用代码未公开" in models.inner_text() or "credit code not public" in (
        models.inner_text()
    )
    recorded_page.screenshot("04-segment-models", full_page=True)

    # Back to chips via the graph, then open a firm's page.
    click_node(recorded_page, "芯片")
    panel.wait_for()
    panel.locator("a.firm-link", has_text="波士顿强脑芯片").click()
    page.wait_for_url(re.compile(r"/registry/\d+/$"))
    assert "波士顿强脑芯片" in page.locator("h1").inner_text()
    recorded_page.screenshot("05-firm", full_page=True)

    # The segment as a full page (the shareable URL of the panel).
    page.goto(f"{base}/chains/ai/segments/chips/?origin=attracted")
    assert page.locator("a.firm-link").all_inner_texts() == ["波士顿强脑芯片"]
    recorded_page.screenshot("06-segment-page", full_page=True)

    # The review queue: accept the text rule's guess in place (htmx swaps the row).
    page.goto(f"{base}/chains/review/")
    row = page.locator(f"tr#review-{official.pending.pk}")
    assert "经营范围: 网络设备" in row.inner_text()
    recorded_page.screenshot("08-review-queue", full_page=True)
    row.locator("button[data-decision=accept]").click()
    page.wait_for_selector(f"tr#review-{official.pending.pk}[data-review=accepted]")
    page.goto(f"{base}/chains/ai/")
    networks = page.locator("tr.segment-row[data-segment='networks']")
    assert networks.get_attribute("data-firms") == "1"

    # Editing a segment (task force of this chain).
    page.goto(f"{base}/chains/ai/segments/chips/edit/")
    assert page.locator("#id_keywords").input_value().startswith("芯片")
    recorded_page.screenshot("09-segment-edit", full_page=True)

    # The same map in English, switched with the button in the top bar.
    page.goto(f"{base}/chains/ai/")
    page.click("form.langswitch button[value=en]")
    page.wait_for_selector("html[lang=en]")
    page.wait_for_selector("#chain-graph[data-ready='1'] canvas")
    assert "Artificial intelligence" in page.locator("h1").inner_text()
    page.mouse.move(5, 5)
    recorded_page.screenshot("07-chain-map-en", full_page=True)
    page.goto(f"{base}/chains/")
    recorded_page.screenshot("10-chain-list-en", full_page=True)

    assert recorded_page.script_errors == []
    outside = recorded_page.outside_requests()
    assert outside == [], outside
    assert len(recorded_page.requests) > 10  # the recorder did see the pages' requests


@pytest.mark.browser
def test_the_map_stacks_on_a_phone_and_no_nodes_overlap(
    browser: Any, live_server: Any, official: Registry
) -> None:
    """At 390 px the segments stack top to bottom; at desktop width they stand side by side;
    in both, no two segment nodes overlap (issue 15, item 10)."""
    for width, layout in ((390, "stacked"), (1366, "columns")):
        context = browser.new_context(
            locale="zh-CN", viewport={"width": width, "height": 844}, device_scale_factor=1
        )
        context.set_default_timeout(30_000)
        page = context.new_page()
        rp = RecordedPage(page)
        log_in(rp, live_server.url)
        page.goto(f"{live_server.url}/chains/ai/")
        page.wait_for_selector("#chain-graph[data-ready='1'] canvas")
        assert page.get_attribute("#chain-graph", "data-layout") == layout
        boxes = page.evaluate(
            """() => {
                const chart = echarts.getInstanceByDom(document.getElementById('chain-graph'));
                const series = chart.getOption().series[0];
                const [w, h] = series.symbolSize;
                return series.data.filter(d => d.raw).map(d => {
                    const [x, y] = chart.convertToPixel({seriesIndex: 0}, [d.x, d.y]);
                    return [x - w / 2, y - h / 2, x + w / 2, y + h / 2];
                });
            }"""
        )
        assert len(boxes) == 8
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
                assert apart, f"nodes overlap at {width} px: {a} and {b}"
        graph = page.locator("#chain-graph").bounding_box()
        assert all(box[0] >= 0 and box[2] <= graph["width"] for box in boxes)  # inside the card
        if width == 390:
            # Nothing wider than the phone: the page does not scroll sideways.
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            rp.screenshot("11-chain-map-phone", full_page=True)
            # Lists, the board and a firm's file: wide tables scroll within themselves.
            firm = official.segments["chips"].memberships.first().enterprise
            for path in ("/requests/", "/recruitment/board/", f"/registry/{firm.pk}/"):
                page.goto(f"{live_server.url}{path}")
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= 390, f"{path} is {width} px wide on a phone"
        assert rp.script_errors == []
        context.close()
