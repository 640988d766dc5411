"""Applications, reviews, awards, caps, tranches and no-application batches (issue 11)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from chainlead.core.exceptions import PermissionDenied
from chainlead.funds.choices import TrancheStatus
from chainlead.funds.models import Account, Commitment
from chainlead.programs import selectors, services
from chainlead.programs.choices import ApplicationStatus, ConditionKind, ConditionStatus
from chainlead.programs.models import Award, Condition, Notice
from chainlead.programs.tests.conftest import NOW, TODAY, person
from chainlead.registry.models import Enterprise, EnterpriseIndicator


def submitted(firm_user: Any, firm: Any, round_: Any, title: str = "存算一体") -> Any:
    application = services.application_create(
        actor=firm_user,
        round_=round_,
        enterprise=firm,
        title=title,
        institution="浙江大学",
        data={"summary": "一段介绍"},
    )
    return services.application_submit(actor=firm_user, application=application, now=NOW)


def test_submission_checks_form_deadline_and_eligibility(
    firm_user: Any, firm: Any, competition_round: Any, admin: Any
) -> None:
    draft = services.application_create(
        actor=firm_user, round_=competition_round, enterprise=firm, title="x", data={}
    )
    with pytest.raises(ValidationError, match="Summary is required"):
        services.application_submit(actor=firm_user, application=draft, now=NOW)
    services.application_update(
        actor=firm_user, application=draft, title="x", data={"summary": "s"}
    )
    late = dt.datetime(2026, 5, 2, 10, tzinfo=dt.UTC)
    with pytest.raises(ValidationError, match="open from"):
        services.application_submit(actor=firm_user, application=draft, now=late)
    done = services.application_submit(actor=firm_user, application=draft, now=NOW)
    assert done.status == ApplicationStatus.SUBMITTED
    assert done.rules_version == 1
    assert [r["passed"] for r in done.eligibility] == [True, True]
    assert done.eligibility[1]["reason"] == "founded 2021-05-01, must be on or after 2020-01-01"


def test_an_ineligible_firm_is_told_why_with_the_rules_version(
    firm_user: Any, firm: Any, competition: Any, competition_round: Any, admin: Any
) -> None:
    rules = [
        {
            "kind": "founded",
            "label": "Founded from 2022",
            "logic": {">=": [{"var": "founded"}, "2022-01-01"]},
            "reason_template": "founded {founded}, must be on or after 2022-01-01",
        }
    ]
    services.program_rules_set(actor=admin, program=competition, rules_list=rules, note="tighter")
    done = submitted(firm_user, firm, competition_round)
    assert done.status == ApplicationStatus.INELIGIBLE
    assert done.rules_version == 2
    assert done.eligibility == [
        {
            "rule": "Founded from 2022",
            "kind": "founded",
            "passed": False,
            "reason": "founded 2021-05-01, must be on or after 2022-01-01",
        }
    ]
    assert list(competition.rule_versions.values_list("number", flat=True)) == [2, 1]


def test_a_firm_sees_only_its_own_applications(
    admin: Any, firm_user: Any, firm: Any, competition_round: Any, binjiang: Any
) -> None:
    other = Enterprise.objects.create(name="别家公司", city="杭州", district=binjiang)
    other_user = person(admin, "prog_other", "enterprise", enterprise=other)
    mine = submitted(firm_user, firm, competition_round)
    theirs = submitted(other_user, other, competition_round, title="别的")
    assert list(selectors.application_list(user=firm_user)) == [mine]
    assert list(selectors.application_list(user=other_user)) == [theirs]
    with pytest.raises(PermissionDenied):
        services.application_withdraw(actor=other_user, application=mine)
    withdrawn = services.application_withdraw(actor=firm_user, application=mine)
    assert withdrawn.status == ApplicationStatus.WITHDRAWN


def test_a_conflicted_reviewer_never_sees_the_application(
    admin: Any, firm_user: Any, firm: Any, competition_round: Any, reviewers: list[Any]
) -> None:
    application = submitted(firm_user, firm, competition_round)
    panel = services.panel_create(
        actor=admin, round_=competition_round, name="A", reviewers=reviewers
    )
    # Before any declaration the reviewers see the title and firm only, to declare.
    assert list(selectors.assignment_list(user=reviewers[0])) == []
    services.conflict_declare(
        actor=reviewers[0], panel=panel, application=application, conflict=False, now=NOW
    )
    services.conflict_declare(
        actor=reviewers[1], panel=panel, application=application, conflict=False, now=NOW
    )
    # 浙江大学 is the applicant's institution: a conflict though the box is not ticked.
    same = services.conflict_declare(
        actor=reviewers[2], panel=panel, application=application, conflict=False, now=NOW
    )
    assert same.conflict is True
    named = services.conflict_declare(
        actor=reviewers[3],
        panel=panel,
        application=application,
        conflict=True,
        relation="former employee",
        now=NOW,
    )
    assert named.conflict is True
    made = services.panel_assign(actor=admin, panel=panel)
    assert {a.reviewer for a in made} == {reviewers[0], reviewers[1]}
    for conflicted in reviewers[2:]:
        assert not selectors.assignment_list(user=conflicted).exists()
        assert not selectors.application_list(user=conflicted).exists()
    assert [a.application for a in selectors.assignment_list(user=reviewers[0])] == [application]


def test_assignment_balances_the_load(
    admin: Any, competition_round: Any, reviewers: list[Any], binjiang: Any
) -> None:
    applications = []
    for n in range(6):
        firm = Enterprise.objects.create(
            name=f"公司{n}", city="杭州", district=binjiang, founded=dt.date(2022, 1, 1)
        )
        user = person(admin, f"applicant{n}", "enterprise", enterprise=firm)
        applications.append(submitted(user, firm, competition_round, title=f"p{n}"))
    panel = services.panel_create(
        actor=admin, round_=competition_round, name="A", reviewers=reviewers[:3]
    )
    for reviewer in reviewers[:3]:
        for application in applications:
            services.conflict_declare(
                actor=reviewer,
                panel=panel,
                application=application,
                conflict=False,
                institution="其他单位",
                now=NOW,
            )
    made = services.panel_assign(actor=admin, panel=panel)
    assert len(made) == 12  # 6 applications × 2 reviewers
    loads = sorted(sum(a.reviewer == r for a in made) for r in reviewers[:3])
    assert loads == [4, 4, 4]
    assert services.panel_assign(actor=admin, panel=panel) == []  # nothing left to assign


def test_scores_rank_and_award_within_caps_and_balance(
    admin: Any,
    finance: Any,
    firm_user: Any,
    firm: Any,
    competition: Any,
    competition_round: Any,
    competition_line: Any,
    reviewers: list[Any],
) -> None:
    application = submitted(firm_user, firm, competition_round)
    panel = services.panel_create(
        actor=admin, round_=competition_round, name="A", reviewers=reviewers[:2]
    )
    for reviewer in reviewers[:2]:
        services.conflict_declare(
            actor=reviewer, panel=panel, application=application, conflict=False, now=NOW
        )
    services.panel_assign(actor=admin, panel=panel)
    for n, assignment in enumerate(application.assignments.order_by("pk")):
        with pytest.raises(PermissionDenied):
            services.review_score(actor=admin, assignment=assignment, scores={})
        scored = services.review_score(
            actor=assignment.reviewer, assignment=assignment, scores={"tech": 8, "market": 5 + n}
        )
        assert scored.total == Decimal("6.8") + Decimal("0.4") * n
    ranked = services.round_rank(actor=admin, round_=competition_round)
    assert [r.application for r in ranked] == [application.pk]
    first, second = competition.tiers.order_by("order")
    with pytest.raises(ValidationError, match="above the cap of second prize"):
        services.award_make(
            actor=finance, round_=competition_round, enterprise=firm, amount="300000.01",
            tier=second, application=application, today=TODAY,
        )  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.award_make(
            actor=firm_user, round_=competition_round, enterprise=firm, amount="1", today=TODAY
        )
    award = services.award_make(
        actor=finance,
        round_=competition_round,
        enterprise=firm,
        amount="500000.00",
        tier=first,
        application=application,
        today=TODAY,
    )
    commitment = Commitment.objects.get(pk=award.commitment_id)
    assert commitment.amount == Decimal("500000.00")
    assert commitment.reference == f"programs.Award:{competition_round.pk}:{firm.pk}"
    competition_line.refresh_from_db()
    assert competition_line.balance == Decimal("1500000.00")
    # The same firm again: the first award, not a second.
    again = services.award_make(
        actor=finance, round_=competition_round, enterprise=firm, amount="1", today=TODAY
    )
    assert again.pk == award.pk


def test_the_per_recipient_cap_spans_rounds_and_the_line_balance_is_a_limit(
    admin: Any, finance: Any, firm: Any, competition: Any, competition_round: Any, fund: Any
) -> None:
    services.program_budget_line_create(
        actor=finance, program=competition, fund=fund, amount="1200000.00", today=TODAY
    )
    services.award_make(
        actor=finance, round_=competition_round, enterprise=firm, amount="800000", today=TODAY
    )
    later = services.round_create(
        actor=admin,
        program=competition,
        name="2026 autumn",
        opens_on=dt.date(2026, 9, 1),
        closes_on=dt.date(2026, 10, 1),
        fiscal_year=2026,
    )
    with pytest.raises(ValidationError, match=r"above its cap of 1000000\.00 CNY per recipient"):
        services.award_make(
            actor=finance, round_=later, enterprise=firm, amount="200000.01", today=TODAY
        )
    other = Enterprise.objects.create(name="另一家", city="杭州")
    with pytest.raises(ValidationError, match="above what the budget line has left"):
        services.award_make(
            actor=finance, round_=later, enterprise=other, amount="400000.01", today=TODAY
        )
    assert Award.objects.count() == 1


def test_a_tranche_is_released_only_when_its_condition_holds_and_paid_once(
    admin: Any, finance: Any, firm: Any, competition_round: Any, competition_line: Any
) -> None:
    second = person(admin, "prog_fin2", "finance")
    award = services.award_make(
        actor=finance,
        round_=competition_round,
        enterprise=firm,
        amount="300000.00",
        conditions=[
            services.ConditionSpec(
                ConditionKind.REVENUE_REPORTED, Decimal("100000.00"), dt.date(2027, 6, 30)
            ),
            services.ConditionSpec(
                ConditionKind.REGISTERED_IN_CITY, Decimal("200000.00"), dt.date(2026, 9, 1)
            ),
        ],
        today=TODAY,
    )
    registered, revenue = award.conditions.order_by("kind")
    assert (revenue.kind, registered.kind) == ("revenue_reported", "registered_in_city")
    # The firm is registered in Binjiang: that part is in the ledger already; revenue for
    # 2026 (the round's fiscal year) is not reported yet.
    registered.refresh_from_db()
    revenue.refresh_from_db()
    assert registered.status == ConditionStatus.MET
    assert registered.tranche is not None
    assert "滨江区" in registered.evidence
    assert revenue.status == ConditionStatus.PENDING and revenue.tranche is None
    with pytest.raises(ValidationError, match="does not hold yet"):
        services.condition_pay(actor=second, condition=revenue, today=TODAY)
    # The official who posted the tranche cannot also approve it (four eyes).
    with pytest.raises(ValidationError):
        services.condition_pay(actor=finance, condition=registered, today=TODAY)
    paid = services.condition_pay(actor=second, condition=registered, today=TODAY)
    assert paid.status == ConditionStatus.PAID
    assert paid.tranche.status == TrancheStatus.PAID
    again = services.condition_pay(actor=second, condition=registered, today=TODAY)
    assert again.tranche.disbursements.count() == 1
    commitment = Commitment.objects.get(pk=award.commitment_id)
    assert Account.objects.get(pk=commitment.paid_account_id).balance == Decimal("200000.00")
    EnterpriseIndicator.objects.create(enterprise=firm, year=2026, revenue=Decimal("2000"))
    services.conditions_check(actor=finance, today=dt.date(2027, 1, 10))
    revenue.refresh_from_db()
    assert revenue.status == ConditionStatus.MET
    assert "2026" in revenue.evidence


def test_a_lapsed_condition_returns_its_money_with_a_notice(
    finance: Any, firm: Any, competition_round: Any, competition_line: Any
) -> None:
    award = services.award_make(
        actor=finance,
        round_=competition_round,
        enterprise=firm,
        amount="250000.00",
        conditions=[
            services.ConditionSpec(
                ConditionKind.REVENUE_REPORTED, Decimal("250000.00"), dt.date(2026, 12, 31)
            )
        ],
        today=TODAY,
    )
    competition_line.refresh_from_db()
    assert competition_line.balance == Decimal("1750000.00")
    assert services.conditions_check(actor=finance, today=dt.date(2026, 12, 31)) == {
        "met": 0,
        "lapsed": 0,
    }
    assert services.conditions_check(actor=finance, today=dt.date(2027, 1, 1)) == {
        "met": 0,
        "lapsed": 1,
    }
    condition = Condition.objects.get(award=award)
    assert condition.status == ConditionStatus.LAPSED
    competition_line.refresh_from_db()
    assert competition_line.balance == Decimal("2000000.00")
    assert "was not met by 2026-12-31" in Notice.objects.get(award=award).message


def test_a_no_application_batch_run_twice_awards_once(
    admin: Any, finance: Any, fund: Any, binjiang: Any, firm: Any, firm_user: Any
) -> None:
    grant = services.program_create(
        actor=admin,
        slug="rd-subsidy",
        name="研发补助",
        kind="policy_grant",
        award_cap="500000.00",
        amount_logic={"*": [{"var": "rd_spend"}, 10000, 0.1]},
        rules_list=[
            {
                "kind": "threshold",
                "label": "R&D at least 1M CNY",
                "logic": {">=": [{"var": "rd_spend"}, 100]},
                "reason_template": "R&D {rd_spend} (10,000 CNY), must be at least 100",
            }
        ],
    )
    round_ = services.round_create(
        actor=admin,
        program=grant,
        name="2026",
        opens_on=dt.date(2026, 1, 1),
        closes_on=dt.date(2026, 12, 31),
        fiscal_year=2026,
    )
    services.program_budget_line_create(
        actor=finance, program=grant, fund=fund, amount="1000000.00", today=TODAY
    )
    Enterprise.objects.create(name="小公司", city="杭州", rd_spend=Decimal("50"))
    firms = Enterprise.objects.all()
    batch = services.batch_compute(actor=admin, round_=round_, firms=firms, now=NOW)
    assert batch.firms_considered == 2
    [item] = batch.items.all()
    assert item.enterprise == firm
    assert item.amount == Decimal("180000.00")  # 10% of 180 × 10,000 CNY (2025 indicator)
    assert item.reasons[0]["reason"] == "R&D 180 (10,000 CNY), must be at least 100"
    [award] = services.batch_approve(actor=finance, batch=batch, today=TODAY)
    assert services.batch_approve(actor=finance, batch=batch, today=TODAY) == [award]
    second = services.batch_compute(actor=admin, round_=round_, firms=firms, now=NOW)
    assert second.items.count() == 0  # already awarded in this round
    assert Award.objects.filter(round=round_).count() == 1
    assert Commitment.objects.filter(recipient=firm).count() == 1
    # Paid once the firm confirms its bank account and a second official approves.
    condition = award.conditions.get()
    assert condition.status == ConditionStatus.PENDING
    services.award_bank_confirm(actor=firm_user, award=award, bank_account="6222 0212 3456 7890")
    services.conditions_check(actor=finance, award=award, today=TODAY)
    condition.refresh_from_db()
    assert condition.status == ConditionStatus.MET
    paid = services.condition_pay(actor=admin, condition=condition, today=TODAY)
    assert paid.status == ConditionStatus.PAID
