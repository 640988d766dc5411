import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from chainlead.chains.models import Membership
from chainlead.governance import briefing, services
from chainlead.governance.models import PolicyItem
from chainlead.registry.models import Enterprise

JUNE = dt.datetime(2026, 6, 10, 9, tzinfo=dt.UTC)


@pytest.fixture
def month_of_work(admin, chain, leader, member, plan):
    firm = Enterprise.objects.create(
        name="杭州深度求索人工智能基础技术研究有限公司",
        above_designated_size=True,
        revenue=Decimal(400_000),
        rd_spend=Decimal(80_000),
    )
    Membership.objects.create(enterprise=firm, segment=chain.segments.get(slug="models"))
    services.actual_enter(
        actor=member,
        target=plan.targets.get(indicator="fixed_asset_investment"),
        value=Decimal("31.5"),
        as_of=dt.date(2026, 5, 31),
        source="市统计局",
    )
    policy = PolicyItem.objects.create(title="支持人工智能全产业链高质量发展的若干措施")
    services.package_item_add(actor=member, chain=chain, policy=policy)
    june = services.meeting_create(actor=member, chain=chain, title="六月专班例会", held_at=JUNE)
    services.decision_create(actor=member, meeting=june, text="推动算力券扩大到中小企业")
    may = services.meeting_create(
        actor=member, chain=chain, title="五月例会", held_at=JUNE - dt.timedelta(days=30)
    )
    services.decision_create(actor=member, meeting=may, text="五月的决定")
    services.action_item_create(
        actor=member,
        chain=chain,
        meeting=june,
        title="梳理算力需求清单",
        owner=member,
        deadline=dt.date(2026, 6, 20),
    )
    from chainlead.requests.services import request_raise

    request_raise(
        actor=admin,
        enterprise=firm,
        category="land_space",
        title="算力中心用地指标",
        description="新建算力中心需要用地指标。",
        chain=chain,
        now=JUNE - dt.timedelta(days=5),
    )
    request_raise(
        actor=admin,
        enterprise=firm,
        category="talent_housing",
        title="人才公寓申请",
        description="两名博士需要人才公寓。",
        chain=chain,
        now=JUNE - dt.timedelta(days=70),  # in April: overdue by the end of June
    )
    return chain


def test_briefing_pdf_has_the_chinese_text_and_the_month(month_of_work, leader):
    data = briefing.briefing_data(user=leader, chain=month_of_work, month="2026-06")
    pdf = briefing.render_pdf(data)
    reader = PdfReader(io.BytesIO(pdf))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "人工智能" in text
    assert "推动算力券扩大到中小企业" in text
    assert "五月的决定" not in text  # another month
    assert "梳理算力需求清单" in text
    assert "人才公寓申请" in text  # overdue by the end of June
    assert "100%" in text  # the SVG chart's target line
    fonts = [f.get_object()["/BaseFont"] for f in reader.pages[0]["/Resources"]["/Font"].values()]
    assert any("WenQuanYi" in name for name in fonts), fonts


def test_briefing_excel_reads_back(month_of_work, leader):
    data = briefing.briefing_data(user=leader, chain=month_of_work, month="2026-06")
    wb = load_workbook(io.BytesIO(briefing.render_xlsx(data)))
    assert wb.sheetnames == ["Targets", "Requests", "Decisions", "Action items"]
    rows = {r[0]: r for r in wb["Targets"].iter_rows(min_row=3, values_only=True)}
    assert rows["output value"][2:5] == (100.0, 40.0, 40.0)  # 400,000 万元 = 40 亿元
    assert rows["fixed-asset investment"][3] == 31.5
    assert rows["firms above designated size"][3] == 1
    decisions = [r[2] for r in wb["Decisions"].iter_rows(min_row=2, values_only=True)]
    assert decisions == ["推动算力券扩大到中小企业"]
    figures = dict(wb["Requests"].iter_rows(min_row=2, values_only=True))
    assert figures["Opened in the month"] == 1
    assert figures["Closed in the month"] == 0


def test_briefing_command_writes_both_files(month_of_work, tmp_path):
    call_command("briefing", month_of_work.slug, "--month", "2026-06", "--out", str(tmp_path))
    pdf = tmp_path / "briefing-ai-2026-06.pdf"
    xlsx = tmp_path / "briefing-ai-2026-06.xlsx"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert load_workbook(xlsx).worksheets[0]["A1"].value.startswith("人工智能")


def test_briefing_download_from_the_dashboard(client, month_of_work, leader, outsider):
    client.force_login(leader)
    url = f"/governance/chains/{month_of_work.slug}/briefing/?month=2026-06&format=xlsx"
    response = client.get(url)
    assert response.status_code == 200
    assert "briefing-ai-2026-06.xlsx" in response["Content-Disposition"]
    load_workbook(io.BytesIO(response.content))
    response = client.get(url.replace("xlsx", "pdf"))
    assert response.content.startswith(b"%PDF")
    client.force_login(outsider)
    assert client.get(url).status_code == 403
