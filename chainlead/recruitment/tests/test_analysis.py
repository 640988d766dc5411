import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chainlead import analytics
from chainlead.chains.models import Chain, Membership, Segment
from chainlead.recruitment.analysis import (
    COLUMNS,
    complexity_run_create,
    ranking_run_create,
    region_industry_table,
    segment_opportunities,
)
from chainlead.recruitment.models import AnalysisRun, ExternalFirm
from chainlead.registry.models import Enterprise


@pytest.fixture
def economy(db, districts, settings):
    """The city (杭州市, in 浙江) and two other cities, by employees in three divisions."""
    settings.CHAINLEAD_CITY_NAME = "杭州市"
    settings.CHAINLEAD_PROVINCE_NAME = "浙江"
    Enterprise.objects.create(
        name="A", industry_id="39", employees=300, district=districts["滨江区"]
    )
    Enterprise.objects.create(
        name="B", industry_id="65", employees=100, district=districts["西湖区"]
    )
    Enterprise.objects.create(name="S", industry_id="65", employees=999, provenance="synthetic")
    Enterprise.objects.create(name="C", industry_id="C", employees=50)  # a section: left out
    ExternalFirm.objects.create(
        name="X", province="江苏", city="苏州市", industry_id="39", employees=500
    )
    ExternalFirm.objects.create(
        name="Y", province="江苏", city="南京市", industry_id="26", employees=400
    )
    ExternalFirm.objects.create(
        name="Z", province="上海", city="上海市", industry_id="65", employees=200
    )
    ExternalFirm.objects.create(
        name="W", province="上海", city="上海市", industry_id="26", employees=100
    )


def test_region_industry_table_by_level(economy):
    frame, left_out = region_industry_table(level="city")
    cells = {(r.region, r.industry): r.value for r in frame.itertuples()}
    assert cells == {
        ("杭州市", "39"): 300.0,
        ("杭州市", "65"): 100.0,  # the synthetic firm is left out
        ("苏州市", "39"): 500.0,
        ("南京市", "26"): 400.0,
        ("上海市", "65"): 200.0,
        ("上海市", "26"): 100.0,
    }
    assert left_out["no_industry"] == 1
    districts, _ = region_industry_table(level="district")
    assert set(districts["region"]) == {"滨江区", "西湖区"}
    provinces, _ = region_industry_table(level="province", include_synthetic=True)
    shanghai = provinces[provinces["region"] == "上海"].set_index("industry")["value"].to_dict()
    assert shanghai == {"26": 100.0, "65": 200.0}
    zhejiang = provinces[provinces["region"] == "浙江"].set_index("industry")["value"].to_dict()
    assert zhejiang == {"39": 300.0, "65": 1099.0}


def test_complexity_run_agrees_with_the_package_and_records_its_snapshot(economy):
    run = complexity_run_create(actor=None, level="city")
    frame, _ = region_industry_table(level="city")
    direct = analytics.complexity(frame, COLUMNS, verbose=False)
    hz = direct[direct["region"] == "杭州市"].set_index("industry")
    for industry, cell in run.results["cells"]["杭州市"].items():
        assert cell["rca"] == pytest.approx(hz.loc[industry, "rca"])
        assert cell["density"] == pytest.approx(hz.loc[industry, "density"])
    # RCA of 杭州 in 39 by hand: (300/400) / (800/1600) = 1.5.
    assert run.results["cells"]["杭州市"]["39"]["rca"] == pytest.approx(1.5)
    assert run.snapshot["rows"] == 6
    assert len(run.snapshot["sha256"]) == 64
    again = complexity_run_create(actor=None, level="city")
    assert again.snapshot["sha256"] == run.snapshot["sha256"]  # same data, same fingerprint


def test_opportunities_rank_the_gaps(economy, django_user_model):
    chain = Chain.objects.create(slug="t", name="T")
    have = Segment.objects.create(
        chain=chain, slug="have", name="有", order=1, industry_codes=["39"]
    )
    Segment.objects.create(chain=chain, slug="gap", name="缺", order=2, industry_codes=["2611"])
    firm = Enterprise.objects.get(name="A")
    other = Enterprise.objects.get(name="B")
    Membership.objects.create(enterprise=firm, segment=have)
    Membership.objects.create(enterprise=other, segment=have)
    admin = django_user_model.objects.create_superuser("root", password="Chainlead-2026!")
    run = complexity_run_create(actor=admin, level="city")
    opportunities = segment_opportunities(user=admin, run=run, region="杭州市", chains=[chain])
    # The gap is missing; "have" holds two firms, one dominant by head count: a weak link, also
    # an opportunity (concentration falls back to employees where revenue is unknown).
    statuses = {o.segment.slug: o.status for o in opportunities}
    assert statuses["gap"] == "missing" and statuses.get("have", "weak") == "weak"
    gap = next(o for o in opportunities if o.segment.slug == "gap")
    assert gap.industries == ["26"]
    expected = run.results["cells"]["杭州市"]["26"]["density"]
    assert gap.density == pytest.approx(expected)


def test_ranking_run_and_cli(economy):
    chain = Chain.objects.create(slug="ai", name="人工智能")
    Segment.objects.create(
        chain=chain, slug="chips", name="芯片", order=1, industry_codes=["3973"], keywords=["芯片"]
    )
    ExternalFirm.objects.filter(name="X").update(main_business="芯片设计", revenue=Decimal(10))
    out = StringIO()
    call_command("rank_targets", "ai", "chips", "--format", "json", stdout=out)
    report = json.loads(out.getvalue())
    assert [r["name"] for r in report["ranked"]] == ["X"]
    names = {t["name"] for t in report["ranked"][0]["terms"]}
    # Terms no fitting firm has a figure for are left out, and the run says which.
    assert names | set(report["params"]["dropped"]) == {"fit", "relatedness", "size", "growth"}
    assert "fit" in names
    run = AnalysisRun.objects.get(pk=report["run"])
    assert run.snapshot["complexity_sha256"]
    with pytest.raises(CommandError, match="Known chains: ai"):
        call_command("rank_targets", "nope", "chips")
    with pytest.raises(CommandError, match="Segments: chips"):
        call_command("rank_targets", "ai", "nope")
    assert ranking_run_create(actor=None, chain=chain, segment=chain.segments.get()).pk


def test_complexity_cli_outputs(economy):
    out = StringIO()
    call_command("complexity", "--level", "city", "--format", "csv", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert lines[0].startswith("region,industry,value,rca")
    assert any(line.startswith("杭州市,39,300.0,1.5") for line in lines)
    out = StringIO()
    call_command("complexity", "--level", "district", "--format", "json", stdout=out)
    report = json.loads(out.getvalue())
    assert set(report["regions"]) == {"滨江区", "西湖区"}
