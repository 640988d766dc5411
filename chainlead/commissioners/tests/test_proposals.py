import datetime as dt

import numpy as np
import pytest

from chainlead.commissioners.constants import MATCH_TERMS
from chainlead.commissioners.proposals import build_proposal, match_weights

from .conftest import TODAY


def test_proposal_matches_expertise_and_is_certified(hardware_expert, software_expert, firms):
    proposal = build_proposal(as_of=TODAY)
    pairs = {(c, f): (score, terms) for c, f, score, terms in proposal.pairs()}
    assert proposal.certificate_ok
    assert proposal.gap == pytest.approx(0.0, abs=1e-6)
    # The hardware expert's group 391 contains both computer classes; the software team's class
    # is the app studio's own.
    assert (software_expert.pk, firms["software"].pk) in pairs
    hardware = {f for c, f in pairs if c == hardware_expert.pk}
    assert hardware == {firms["computers"].pk, firms["parts"].pk}
    score, terms = pairs[(hardware_expert.pk, firms["computers"].pk)]
    assert terms["industry"] == pytest.approx(0.8)  # group level
    assert terms["district"] == 1.0
    assert pairs[(hardware_expert.pk, firms["parts"].pk)][1]["district"] == 0.0
    weights = match_weights()
    assert score == pytest.approx(sum(weights[t] * terms[t] for t in MATCH_TERMS), abs=1e-4)


def test_capacity_is_what_is_left(station, hardware_expert, firms):
    proposal = build_proposal(as_of=TODAY)
    chosen = [(c, f) for c, f, _s, _t in proposal.pairs()]
    # Stationed with one firm, capacity 2: one more; the stationed firm is not proposed again.
    assert chosen == [(hardware_expert.pk, firms["parts"].pk)]


def test_weights_come_from_the_setting_at_call_time(settings, hardware_expert, firms):
    settings.CHAINLEAD_MATCH_WEIGHTS = {"industry": 10.0}
    assert match_weights()["industry"] == 10.0
    assert match_weights()["segment"] == 2.0
    proposal = build_proposal(as_of=TODAY)
    _c, _f, score, terms = next(iter(proposal.pairs()))
    assert score >= 10.0 * terms["industry"]


def test_a_firm_without_shared_expertise_gets_district_candidates(
    admin, districts, hardware_expert
):
    from chainlead.registry.models import Enterprise

    lonely = Enterprise.objects.create(name="Canteen", district=districts["binjiang"])
    proposal = build_proposal(as_of=TODAY)
    pairs = {(c, f): terms for c, f, _s, terms in proposal.pairs()}
    assert pairs[(hardware_expert.pk, lonely.pk)]["industry"] == 0.0
    assert pairs[(hardware_expert.pk, lonely.pk)]["district"] == 1.0


def test_keywords_in_open_requests_make_candidates(admin, districts, industries):
    from chainlead.commissioners.services import commissioner_create
    from chainlead.registry.models import Enterprise
    from chainlead.requests.models import EnterpriseRequest

    expert = commissioner_create(
        actor=admin, kind="individual", name="Server expert", keywords=["服务器", "散热"]
    )
    firm = Enterprise.objects.create(name="Cloud firm", industry=industries["6513"])
    EnterpriseRequest.objects.create(
        enterprise=firm,
        category="other",
        title="服务器散热问题",
        description="机房",
        status="raised",
        raised_at=dt.datetime(2025, 6, 1, tzinfo=dt.UTC),
        working_days_limit=10,
        deadline=dt.date(2025, 6, 20),
    )
    proposal = build_proposal(as_of=TODAY)
    pairs = {(c, f): terms for c, f, _s, terms in proposal.pairs()}
    assert pairs[(expert.pk, firm.pk)]["keyword"] == 1.0


def test_optimum_beats_greedy_where_greedy_blocks(admin, industries, districts):
    """Greedy gives the best pair to the flexible firm; the optimum serves both firms."""
    from chainlead.commissioners.services import commissioner_create
    from chainlead.registry.models import Enterprise

    a = commissioner_create(
        actor=admin,
        kind="individual",
        name="A",
        industries=[industries["391"]],
        capacity=1,
        district=districts["binjiang"],
    )
    commissioner_create(
        actor=admin, kind="individual", name="B", industries=[industries["C"]], capacity=1
    )
    Enterprise.objects.create(name="X", industry=industries["3911"], district=districts["binjiang"])
    Enterprise.objects.create(name="Y", industry=industries["3912"], district=districts["yuhang"])
    proposal = build_proposal(as_of=TODAY)
    assert len(list(proposal.pairs())) == 2
    assert proposal.objective >= proposal.greedy_objective - 1e-9
    assert a.pk in proposal.commissioner_ids
    assert np.isfinite(proposal.result.bound)


def test_chunks_of_one_firm_give_the_same_proposal(monkeypatch, hardware_expert, firms):
    """The candidates of each chunk land in the arrays allocated once, at the right firms'
    offsets: a chunk per firm proposes exactly what one chunk for all of them does."""
    from chainlead.commissioners import proposals

    whole = build_proposal(as_of=TODAY)
    monkeypatch.setattr(proposals, "FIRM_CHUNK", 1)
    chunked = build_proposal(as_of=TODAY)
    assert whole.candidate_pairs == chunked.candidate_pairs > 0
    assert list(chunked.pairs()) == list(whole.pairs())
    assert chunked.objective == whole.objective
