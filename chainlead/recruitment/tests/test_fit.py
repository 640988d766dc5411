"""Candidates fit a segment by their work, not merely their division (issue 15, item 8)."""

import pytest
from django.utils import translation

from chainlead.chains.models import Chain, Segment
from chainlead.recruitment.analysis import ranking_run_create
from chainlead.recruitment.explain import term_reason
from chainlead.recruitment.fit import segment_fits
from chainlead.recruitment.models import ExternalFirm


@pytest.fixture
def ai(db):
    chain = Chain.objects.create(slug="ai-fit", name="人工智能")
    centres = Segment.objects.create(
        chain=chain,
        slug="computing-centres",
        name="算力中心",
        order=5,
        industry_codes=["6450", "6550"],
        keywords=["数据中心", "算力中心", "IDC", "算力服务"],
    )
    storage = Segment.objects.create(
        chain=chain,
        slug="storage",
        name="存储",
        order=2,
        industry_codes=["3913"],
        keywords=["存储器", "存储芯片", "闪存", "固态硬盘"],
    )
    return chain, centres, storage


def _firm(name, division, business, employees=None):
    return ExternalFirm.objects.create(
        name=name,
        province="上海",
        industry_id=division,
        main_business=business,
        employees=employees,
    )


@pytest.fixture
def pool(db, industries):
    return {
        "outsourcing": _firm("外包软件", "65", "IT外包服务,企业管理软件的研发和实施", 3000),
        "idc": _firm("光环数据", "65", "主营业务为IDC及其增值服务,数据中心运营", 800),
        "display": _firm("显示科技", "39", "液晶显示面板和显示模组的研发生产", 9000),
        "flash": _firm("闪存芯片", "39", "闪存主控芯片设计,固态硬盘产品的研发和销售", 400),
    }


@pytest.fixture
def industries(db):
    from chainlead.registry.models import Industry

    for code, name in [("65", "软件和信息技术服务业"), ("39", "计算机、通信和其他电子设备制造业")]:
        Industry.objects.get_or_create(code=code, defaults={"name": name, "level": "division"})


def test_a_division_without_the_segments_work_is_no_fit(ai, pool):
    _, centres, storage = ai
    centre_fits = segment_fits(ExternalFirm.objects.all(), centres)
    assert set(centre_fits) == {pool["idc"].pk}
    storage_fits = segment_fits(ExternalFirm.objects.all(), storage)
    assert set(storage_fits) == {pool["flash"].pk}
    fit = storage_fits[pool["flash"].pk]
    assert fit.reason == "text" and fit.args["agrees"] is True
    assert set(fit.args["keywords"]) == {"闪存", "固态硬盘"}


def test_the_run_ranks_only_fitting_firms_and_explains_in_the_readers_language(ai, pool):
    chain, centres, _ = ai
    run = ranking_run_create(actor=None, chain=chain, segment=centres)
    assert [r["name"] for r in run.results["ranked"]] == ["光环数据"]
    assert run.snapshot["fitting"] == 1
    fit = run.results["ranked"][0]["terms"][0]
    assert fit["name"] == "fit" and fit["reason"] == "text"
    with translation.override("en"):
        english = term_reason(fit)
    with translation.override("zh-hans"):
        chinese = term_reason(fit)
    assert "IDC" in english and "division 65 agrees" in english
    assert "、" in chinese and "division" not in chinese


def test_runs_stored_before_reason_codes_keep_their_text():
    assert term_reason({"name": "fit", "why": "keywords: 芯片"}) == "keywords: 芯片"


def test_lists_are_written_as_each_language_writes_them():
    from chainlead.core.text import join_list

    with translation.override("zh-hans"):
        assert join_list(["芯片", "存储"]) == "芯片、存储"
    with translation.override("en"):
        assert join_list(["chips", "storage"]) == "chips, storage"


def test_the_page_states_the_weights_once_and_each_candidate_its_own_terms(client, ai, pool):
    from django.urls import reverse

    from chainlead.accounts.models import User

    chain, _, storage = ai
    ranking_run_create(actor=None, chain=chain, segment=storage)
    client.force_login(User.objects.create_superuser("root", password=None))
    with translation.override("en"):
        page = client.get(
            reverse("recruitment:rank", args=[chain.slug, storage.slug]),
            HTTP_ACCEPT_LANGUAGE="en",
        ).content.decode()
    explained = page.split('id="ranking-explained"')[1].split("</section>")[0]
    table = page.split('id="ranking"')[1]
    # No firm has a growth figure or a density: fit 0.4 and size 0.2 scaled to 2/3 and 1/3.
    assert "segment fit</strong> × 0.67" in explained
    assert "×" not in table  # rows show their own terms, not the weights again
    assert "闪存芯片" in table and "显示科技" not in table
