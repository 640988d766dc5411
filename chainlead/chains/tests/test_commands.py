"""The chain commands: load-chains, chain-map and classify."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from chainlead.chains.choices import MembershipSource, ReviewStatus
from chainlead.chains.management.commands.chain_map import Command as ChainMapCommand
from chainlead.chains.management.commands.chain_map import pad, text_width
from chainlead.chains.models import Chain, Membership
from chainlead.chains.tests.factories import MembershipFactory
from chainlead.registry.choices import DataProvenance, Origin
from chainlead.registry.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # Messages are asserted in English whatever the installation's default language is.
    with translation.override("en"):
        yield


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def ai(districts):
    run("load_chains", "--only", "ai")
    chain = Chain.objects.get(slug="ai")
    seg = {s.slug: s for s in chain.segments.all()}
    bj = districts["滨江区"]
    big = EnterpriseFactory(name="甲芯片", revenue=Decimal(300), district=bj)
    small = EnterpriseFactory(
        name="乙芯片", revenue=Decimal(100), district=districts["余杭区"], origin=Origin.ATTRACTED
    )
    real = EnterpriseFactory(name="丙网络", provenance=DataProvenance.PUBLIC, district=bj)
    MembershipFactory(enterprise=big, segment=seg["chips"])
    MembershipFactory(enterprise=small, segment=seg["chips"])
    MembershipFactory(enterprise=real, segment=seg["networks"])
    return chain


def test_load_chains_only_and_idempotent():
    out = run("load_chains", "--only", "ai,biomedicine")
    assert "ai" in out and "8" in out
    assert sorted(Chain.objects.values_list("slug", flat=True)) == ["ai", "biomedicine"]
    run("load_chains")
    run("load_chains")
    assert Chain.objects.count() == 6


def test_load_chains_unknown_slug_lists_the_known_ones():
    with pytest.raises(CommandError, match="Known: ai, smart-iot"):
        run("load_chains", "--only", "ai,space")
    assert not Chain.objects.exists()


def test_chain_map_json(ai):
    report = json.loads(run("chain_map", "ai", "--format", "json"))
    assert (report["chain"], report["name"]) == ("ai", "人工智能")
    segments = report["segments"]
    assert [s["order"] for s in segments] == list(range(1, 9))  # upstream → downstream
    assert segments[0]["slug"] == "chips" and segments[-1]["slug"] == "industry-applications"
    chips = segments[0]
    # 300 and 100: shares .75/.25 → HHI .5625 + .0625 = .625 → weak
    assert (chips["firms"], chips["local"], chips["attracted"]) == (2, 1, 1)
    assert (chips["revenue"], chips["hhi"], chips["status"]) == (400.0, 0.625, "weak")
    assert chips["top_firms"] == ["甲芯片", "乙芯片"]
    # No firm in networks reports revenue: HHI unknown, not zero.
    networks = segments[3]
    assert (networks["firms"], networks["hhi"], networks["status"]) == (1, None, "weak")
    assert segments[1]["status"] == "missing"


def test_chain_map_filters(ai):
    bj = json.loads(run("chain_map", "ai", "--format", "json", "--district", "滨江区"))
    assert [s["firms"] for s in bj["segments"][:4]] == [1, 0, 0, 1]
    by_code = json.loads(run("chain_map", "ai", "--format", "json", "--district", "330110"))
    assert by_code["segments"][0]["top_firms"] == ["乙芯片"]
    real = json.loads(run("chain_map", "ai", "--format", "json", "--real-only"))
    assert [s["firms"] for s in real["segments"][:4]] == [0, 0, 0, 1]
    with pytest.raises(CommandError, match="Unknown district"):
        run("chain_map", "ai", "--district", "朝阳区")


def test_chain_map_table_is_aligned(ai):
    lines = run("chain_map", "ai").splitlines()
    assert lines[0] == "人工智能 (ai)"
    rows = lines[2:]
    assert len(rows) == 8 and "芯片" in rows[0] and "甲芯片、乙芯片" in rows[0]
    # Columns line up on screen: the status column starts at the same display column.
    # 芯片 (2 characters), 板卡和服务器 (6) and 云服务和基础软件 (8) rows.
    checks = [(rows[0], "weak"), (rows[2], "missing"), (rows[5], "missing")]
    starts = {text_width(r[: r.index(status)]) for r, status in checks}
    assert len(starts) == 1


def test_chain_map_unknown_slug_is_an_error(ai):
    with pytest.raises(CommandError, match=r"Unknown chain 'space'.*Known chains: ai"):
        run("chain_map", "space")


def test_chain_map_unknown_slug_exits_non_zero(ai, capsys):
    command = ChainMapCommand()
    with pytest.raises(SystemExit) as exc:
        command.run_from_argv(["chainlead", "chain_map", "no-such-chain"])
    assert exc.value.code != 0
    assert "no-such-chain" in capsys.readouterr().err


def test_pad_counts_chinese_as_two_columns():
    assert text_width("芯片ab") == 6
    assert pad("芯片", 6) == "芯片  " and pad("7", 3, right=True) == "  7"


def test_classify_command(ai):
    firm = EnterpriseFactory(name="丁公司", main_business="光模块与交换机", industry_id="39")
    out = run("classify", "--chain", "ai")
    m = Membership.objects.get(enterprise=firm)
    assert (m.segment.slug, m.source) == ("networks", MembershipSource.TEXT_RULE)
    assert m.review_status in {ReviewStatus.ACCEPTED, ReviewStatus.PENDING}
    assert "created" in out or "1" in out
    with pytest.raises(CommandError):
        run("classify", "--chain", "space")


def test_classify_leaves_firms_of_other_cities_alone(ai):
    EnterpriseFactory(name="宁波芯片", city="宁波市", main_business="芯片与集成电路设计")
    local = EnterpriseFactory(name="杭州芯片", city="杭州市", main_business="芯片与集成电路设计")
    run("classify")
    assert list(
        Membership.objects.filter(source=MembershipSource.TEXT_RULE).values_list(
            "enterprise__name", flat=True
        )
    ) == [local.name]


def test_classify_command_reads_divisions_with_a_model_file(ai, tmp_path):
    """A firm without a known division, naming 加速卡 only in its name: the text rule alone
    leaves it for review; with a model that reads its text as division 39 (boards and servers'
    division) it is accepted, and the evidence says why."""
    from chainlead.analytics.classify import ClassLexicon, train_classifier
    from chainlead.chains.tests.test_classification import _base_rows

    model_path = tmp_path / "model.joblib"
    train_classifier(_base_rows(), lexicon=ClassLexicon(), small=True).save(model_path)
    firm = EnterpriseFactory(
        name="电子元器件加速卡有限公司", main_business="", business_scope="", industry_id=None
    )
    firm.main_business = ""
    firm.save()
    run("classify", "--chain", "ai")
    before = Membership.objects.get(enterprise=firm, segment__slug="boards-servers")
    assert before.review_status == ReviewStatus.PENDING
    Membership.objects.filter(pk=before.pk).delete()
    run("classify", "--chain", "ai", "--model", str(model_path))
    after = Membership.objects.get(enterprise=firm, segment__slug="boards-servers")
    assert after.review_status == ReviewStatus.ACCEPTED
    assert "text reads as division 39" in after.evidence
