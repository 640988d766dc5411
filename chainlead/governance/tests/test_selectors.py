import datetime as dt
from decimal import Decimal

import pytest

from chainlead.chains.models import Membership
from chainlead.governance import selectors, services
from chainlead.governance.models import PolicyItem
from chainlead.governance.tests.factories import ChainFactory
from chainlead.registry.models import Enterprise, EnterpriseIndicator


def test_five_ones_of_an_empty_chain(chain):
    five = selectors.five_ones(chain, year=2026)
    assert five.chain  # it has segments
    assert not five.leader and not five.task_force and not five.work_plan
    assert not five.policy_package
    assert not five.complete
    assert five.present_count == 1


def test_five_ones_complete(admin, chain, leader, member, plan):
    assert not selectors.five_ones(chain, year=2026).complete
    policy = PolicyItem.objects.create(title="支持人工智能全产业链高质量发展的若干措施")
    services.package_item_add(actor=member, chain=chain, policy=policy)
    five = selectors.five_ones(chain, year=2026)
    assert five.complete, five.missing
    assert five.leader_name == "王链长"
    assert five.task_force_size == 1
    # The plan is for 2026: 2027 lacks one.
    assert selectors.five_ones(chain, year=2027).missing == ["work plan"]
    # A chain without segments has no map.
    bare = ChainFactory(slug="bare")
    assert "chain map" in selectors.five_ones(bare, year=2026).missing


def test_five_ones_many_uses_few_queries(chain, other_chain, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        result = selectors.five_ones_many([chain, other_chain], year=2026)
    assert set(result) == {chain.pk, other_chain.pk}


@pytest.fixture
def small_registry(chain, other_chain):
    """Four firms of the AI chain (one pending, so not counted) and one of another chain."""
    chips, models_ = chain.segments.order_by("order")
    firms = {
        "a": Enterprise.objects.create(
            name="甲",
            above_designated_size=True,
            revenue=Decimal(500_000),
            rd_spend=Decimal(50_000),
        ),
        "b": Enterprise.objects.create(
            name="乙",
            above_designated_size=True,
            revenue=Decimal(300_000),
            origin="attracted",
            landed_on=dt.date(2026, 3, 1),
        ),
        "c": Enterprise.objects.create(
            name="丙",
            above_designated_size=False,
            origin="attracted",
            landed_on=dt.date(2025, 5, 1),
        ),
        "d": Enterprise.objects.create(name="丁", origin="attracted"),
        "pending": Enterprise.objects.create(
            name="待审", above_designated_size=True, revenue=Decimal(9_999_999)
        ),
        "bio": Enterprise.objects.create(
            name="药企", above_designated_size=True, revenue=Decimal(1_000_000)
        ),
    }
    Membership.objects.create(enterprise=firms["a"], segment=chips)
    Membership.objects.create(enterprise=firms["a"], segment=models_)  # counted once
    Membership.objects.create(enterprise=firms["b"], segment=chips)
    Membership.objects.create(enterprise=firms["c"], segment=models_)
    Membership.objects.create(enterprise=firms["d"], segment=models_)
    Membership.objects.create(enterprise=firms["pending"], segment=chips, review_status="pending")
    Membership.objects.create(enterprise=firms["bio"], segment=other_chain.segments.get())
    # Firm a reported 2026 figures: they win over its registry fields for a 2026 plan.
    EnterpriseIndicator.objects.create(
        enterprise=firms["a"], year=2026, revenue=Decimal(600_000), rd_spend=Decimal(70_000)
    )
    return firms


def test_actuals_derived_from_a_small_known_registry(small_registry, chain):
    actuals = selectors.registry_actuals(chain, year=2026)
    assert actuals["above_size_firms"].value == 2  # a and b; c is not 规上, d unknown
    assert actuals["above_size_firms"].firms_total == 4
    assert actuals["above_size_firms"].firms_covered == 3
    # 600,000 万元 (a's 2026 indicator) + 300,000 万元 (b's registry revenue) = 90 亿元.
    assert actuals["output_value"].value == Decimal("90.00")
    assert actuals["output_value"].firms_covered == 2
    assert "2 of 4 firms" in actuals["output_value"].coverage
    assert actuals["rd_spend"].value == Decimal("7.00")
    assert actuals["firms_recruited"].value == 1  # b landed in 2026; c in 2025; d undated
    assert "1 of 3 attracted firms have no landing date" in actuals["firms_recruited"].coverage
    # Before b landed, nothing was recruited in 2026.
    early = selectors.registry_actuals(chain, year=2026, as_of=dt.date(2026, 2, 28))
    assert early["firms_recruited"].value == 0


def test_actuals_take_each_figure_from_the_year_else_the_registry(
    small_registry, chain, django_assert_num_queries
):
    # b reported its 2026 R&D spend but not its revenue; c reported for 2025 only.
    EnterpriseIndicator.objects.create(
        enterprise=small_registry["b"], year=2026, rd_spend=Decimal(10_000)
    )
    EnterpriseIndicator.objects.create(
        enterprise=small_registry["c"], year=2025, revenue=Decimal(80_000), rd_spend=Decimal(8_000)
    )
    with django_assert_num_queries(1):
        actuals = selectors.registry_actuals(chain, year=2026)
    # Revenue: a's 600,000 万元 (2026) + b's 300,000 (registry) = 90 亿元.
    assert actuals["output_value"].value == Decimal("90.00")
    assert actuals["output_value"].coverage == (
        "2 of 4 firms report it (1 from 2026 indicators, 1 from their latest registry figure)"
    )
    # R&D: a's 70,000 + b's 10,000, both from 2026 = 8 亿元.
    assert actuals["rd_spend"].value == Decimal("8.00")
    assert actuals["rd_spend"].coverage == (
        "2 of 4 firms report it (2 from 2026 indicators, 0 from their latest registry figure)"
    )
    earlier = selectors.registry_actuals(chain, year=2025)
    # Revenue: c's 80,000 (2025) + a's 500,000 and b's 300,000 (registry) = 88 亿元.
    assert earlier["output_value"].value == Decimal("88.00")
    assert earlier["output_value"].firms_covered == 3
    # R&D: c's 8,000 (2025) + a's 50,000 (registry); b has none = 5.8 亿元.
    assert earlier["rd_spend"].value == Decimal("5.80")
    assert earlier["rd_spend"].coverage == (
        "2 of 4 firms report it (1 from 2025 indicators, 1 from their latest registry figure)"
    )
    assert earlier["above_size_firms"].value == 2
    assert earlier["firms_recruited"].value == 1  # c landed in 2025


def test_plan_progress_against_targets(small_registry, plan, member):
    investment = plan.targets.get(indicator="fixed_asset_investment")
    services.actual_enter(
        actor=member,
        target=investment,
        value=Decimal(20),
        as_of=dt.date(2026, 4, 30),
        source="统计",
    )
    services.actual_enter(
        actor=member,
        target=investment,
        value=Decimal(30),
        as_of=dt.date(2026, 5, 31),
        source="统计",
    )
    rows = {p.indicator: p for p in selectors.plan_progress(plan)}
    assert rows["output_value"].percent == pytest.approx(90.0)
    assert rows["above_size_firms"].percent == pytest.approx(50.0)
    assert rows["fixed_asset_investment"].actual.value == 30
    assert rows["fixed_asset_investment"].percent == pytest.approx(60.0)
    april = {p.indicator: p for p in selectors.plan_progress(plan, as_of=dt.date(2026, 4, 30))}
    assert april["fixed_asset_investment"].actual.value == 20


def test_reads_are_restricted(plan, chain, other_chain, leader, member, auditor, outsider, admin):
    assert list(selectors.plan_list(user=leader)) == [plan]
    assert list(selectors.plan_list(user=auditor)) == [plan]
    assert list(selectors.plan_list(user=outsider)) == []
    assert set(selectors.governed_chains(user=admin)) == {chain, other_chain}
    assert list(selectors.governed_chains(user=member)) == [chain]
    with pytest.raises(selectors.PermissionDenied):
        selectors.governed_chain_get(user=member, slug=other_chain.slug)
