"""Figures on a small known set, and who sees which requests."""

import datetime as dt
import random
from collections import Counter
from statistics import median

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chainlead.requests import services
from chainlead.requests.choices import CLOSED_STATUSES, Category, Transition
from chainlead.requests.generator import generate_requests
from chainlead.requests.selectors import (
    allowed_transitions,
    histogram_median,
    histogram_nearest_rank,
    nearest_rank,
    overdue_list,
    recurring_problems,
    request_figures,
    request_figures_by,
    request_list,
)
from chainlead.requests.tests.factories import ChainFactory, EnterpriseFactory, at, grant
from chainlead.requests.tests.helpers import firms_seen_by, raise_request, step


def _closed_after(world, resolve_day, rating=None):
    request = raise_request(world, now=at(2026, 3, 2))
    step(world, request, Transition.ACCEPT)
    step(world, request, Transition.START)
    request = step(world, request, Transition.RESOLVE, now=at(2026, 3, resolve_day))
    if rating:
        request = services.request_confirm(
            actor=world.firm_user, enterprise_request=request, rating=rating, now=at(2026, 3, 20)
        )
    return request


@pytest.fixture
def known_set(world):
    # Raised Mon 2026-03-02; working days to close by hand: Mar 4 → 2, Mar 5 → 3, Mar 9 → 5
    # (6th Fri, weekend), Mar 12 → 8, Mar 19 → 13.
    closed = [
        _closed_after(world, 4, rating=5),
        _closed_after(world, 5, rating=4),
        _closed_after(world, 9, rating=3),
        _closed_after(world, 12),
        _closed_after(world, 19),
    ]
    assert [r.days_to_close for r in closed] == [2, 3, 5, 8, 13]
    overdue = raise_request(world, now=at(2026, 3, 2))  # deadline Mar 16
    fresh = raise_request(world, now=at(2026, 3, 30))  # deadline Apr 14 (Apr 4-6 Qingming)
    child = raise_request(world, now=at(2026, 3, 3), category=Category.FINANCE)
    services.request_link(actor=world.admin, enterprise_request=child, parent=overdue)
    outside = raise_request(world, now=at(2026, 2, 2), chain=world.other_chain)
    return {"closed": closed, "overdue": overdue, "fresh": fresh, "outside": outside}


def test_figures_on_a_known_set(world, known_set):
    figures = request_figures(
        user=world.admin,
        chain=world.chain,
        period_start=dt.date(2026, 3, 1),
        period_end=dt.date(2026, 3, 31),
        today=dt.date(2026, 4, 1),
    )
    assert figures.opened == 7  # 5 closed + overdue + fresh; the linked child is not counted
    assert figures.closed == 5
    assert figures.open == 2
    assert figures.overdue == 1
    assert figures.closing_rate == pytest.approx(5 / 7)
    assert figures.median_days == 5.0  # 2, 3, [5], 8, 13
    assert figures.p90_days == 13  # nearest rank ⌈0.9·5⌉ = 5th
    assert figures.satisfaction_avg == pytest.approx(4.0)  # (5 + 4 + 3) / 3
    assert figures.ratings == 3


def test_figures_count_a_problem_once_and_every_firms_rating(world):
    parent = raise_request(world, now=at(2026, 3, 2))
    child = raise_request(
        world, actor=world.other_firm_user, enterprise=world.other_firm, now=at(2026, 3, 2)
    )
    services.request_link(actor=world.officer, enterprise_request=child, parent=parent)
    for transition in (Transition.ACCEPT, Transition.START):
        parent = step(world, parent, transition)
    parent = step(world, parent, Transition.RESOLVE, now=at(2026, 3, 5))
    child.refresh_from_db()
    services.request_confirm(
        actor=world.firm_user, enterprise_request=parent, rating=5, now=at(2026, 3, 6)
    )
    services.request_confirm(
        actor=world.other_firm_user, enterprise_request=child, rating=2, now=at(2026, 3, 6)
    )
    request_figures(user=world.admin, chain=world.chain)  # reads the admin's roles once
    with CaptureQueriesContext(connection) as ctx:
        figures = request_figures(user=world.admin, chain=world.chain, today=dt.date(2026, 4, 1))
    assert len(ctx.captured_queries) == 2  # the counts and rating, then the days histogram
    assert (figures.opened, figures.closed, figures.open) == (1, 1, 0)
    assert figures.median_days == figures.p90_days == 3
    assert figures.ratings == 2
    assert figures.satisfaction_avg == pytest.approx(3.5)


def test_figures_by_chain_and_department(world, known_set):
    by_chain = dict(request_figures_by(user=world.admin, group="chain", today=dt.date(2026, 4, 1)))
    assert by_chain[world.chain].opened == 7
    assert by_chain[world.other_chain].opened == 1
    assert by_chain[world.other_chain].overdue == 1
    by_dept = dict(request_figures_by(user=world.officer, group="department"))
    assert list(by_dept) == [world.permits]


def test_figures_are_restricted_to_the_user(world, known_set):
    assert request_figures(user=world.other_task_force).opened == 1
    assert request_figures(user=world.stranger).opened == 0
    assert request_figures(user=world.other_firm_user).opened == 0


def test_nearest_rank():
    assert nearest_rank([], 0.9) is None
    assert nearest_rank([7], 0.9) == 7
    assert nearest_rank(list(range(1, 11)), 0.9) == 9
    assert nearest_rank(list(range(1, 12)), 0.9) == 10


def _histogram(values):
    return sorted(Counter(values).items())


def _varied_sets():
    rng = random.Random(7)
    fixed = [[], [7], [3, 3], [1, 2], [2, 1, 9], [0, 0, 0, 5], [4, 8, 15, 16, 23, 42]]
    drawn = [
        [rng.randint(0, rng.choice([3, 15, 60])) for _ in range(rng.randint(1, 80))]
        for _ in range(300)
    ]
    return fixed + drawn


def test_histogram_percentiles_match_the_list_computation():
    sets = _varied_sets()
    assert {len(v) % 2 for v in sets if v} == {0, 1}  # odd and even counts both checked
    for values in sets:
        histogram = _histogram(values)
        expected_median = float(median(values)) if values else None
        assert histogram_median(histogram) == expected_median, values
        for q in (0.1, 0.5, 0.9, 0.95, 1.0):
            assert histogram_nearest_rank(histogram, q) == nearest_rank(values, q), (values, q)


def test_histogram_median_of_an_even_count_is_the_mean_of_the_middle_two():
    assert histogram_median([(2, 1), (5, 1)]) == 3.5
    assert histogram_median([(2, 2), (9, 2)]) == 5.5
    assert histogram_median([]) is None
    assert histogram_nearest_rank([], 0.9) is None


def _listed_days(world, chain, start, end):
    """The days to close as request_figures read them before it counted them in SQL."""
    return list(
        request_list(user=world.admin)
        .filter(
            chain=chain,
            parent__isnull=True,
            status__in=CLOSED_STATUSES,
            resolved_at__gte=at(start.year, start.month, start.day, 0),
            resolved_at__lt=at(end.year, end.month, end.day, 0) + dt.timedelta(days=1),
            days_to_close__isnull=False,
        )
        .values_list("days_to_close", flat=True)
    )


def test_figures_percentiles_match_the_list_computation(world):
    generate_requests(400, seed=5, open_share=0.3, days=90, now=at(2026, 6, 1))
    parities = set()
    for chain in (world.chain, world.other_chain, ChainFactory()):
        for week in range(14):
            start = dt.date(2026, 3, 2) + dt.timedelta(weeks=week)
            end = start + dt.timedelta(days=6 + week % 3 * 7)  # one to three weeks
            days = _listed_days(world, chain, start, end)
            parities.add(len(days) % 2 if days else None)
            figures = request_figures(
                user=world.admin, chain=chain, period_start=start, period_end=end
            )
            assert figures.median_days == (float(median(days)) if days else None)
            assert figures.p90_days == nearest_rank(days, 0.9)
    assert parities == {0, 1, None}  # even, odd and empty sets all occurred


def test_overdue_list(world, known_set):
    assert list(overdue_list(user=world.leader, today=dt.date(2026, 4, 1))) == [
        known_set["overdue"]
    ]


def test_who_sees_what(world):
    mine = raise_request(world)  # permits → permits department, AI chain
    theirs = raise_request(
        world,
        actor=world.other_firm_user,
        enterprise=world.other_firm,
        category=Category.FINANCE,
        chain=world.other_chain,
    )
    stationed = EnterpriseFactory()
    with firms_seen_by(world.commissioner, stationed):
        by_commissioner = raise_request(
            world,
            actor=world.commissioner,
            enterprise=stationed,
            chain=None,
            category=Category.OTHER,  # no routing rule: no department sees it yet
        )
    visible = {
        name: set(request_list(user=getattr(world, name)))
        for name in [
            "firm_user",
            "other_firm_user",
            "officer",
            "other_officer",
            "task_force",
            "other_task_force",
            "leader",
            "admin",
            "auditor",
            "commissioner",
            "stranger",
        ]
    }
    assert visible["firm_user"] == {mine}
    assert visible["other_firm_user"] == {theirs}
    assert visible["officer"] == {mine}
    assert visible["other_officer"] == {theirs}
    assert visible["task_force"] == {mine}
    assert visible["other_task_force"] == {theirs}
    assert visible["leader"] == {mine}
    assert visible["admin"] == visible["auditor"] == {mine, theirs, by_commissioner}
    # Once the station ends, what they raised there is out of their scope (issue 9 item 13).
    assert visible["commissioner"] == set()
    with firms_seen_by(world.commissioner, stationed):
        assert set(request_list(user=world.commissioner)) == {by_commissioner}
    assert visible["stranger"] == set()
    assert allowed_transitions(world.auditor, mine) == []
    assert allowed_transitions(world.officer, mine) == [Transition.ACCEPT]


def test_district_official_sees_their_districts_firms(world, districts):
    district = next(iter(districts.values()))
    firm = EnterpriseFactory(district=district)
    request = raise_request(world, actor=world.admin, enterprise=firm)
    official = grant(world.stranger, "district_official", district=district)
    assert list(request_list(user=official)) == [request]


def test_recurring_problems(world):
    from chainlead.requests.models import Tag

    tag = Tag.objects.create(name="停车难")
    firms = [EnterpriseFactory() for _ in range(3)]
    for firm in firms:
        request = services.request_raise(
            actor=world.admin,
            enterprise=firm,
            category=Category.DAILY_OPERATIONS,
            title="停车",
            description="园区停车位不足",
            tags=[tag],
            now=at(2026, 3, 2),
        )
    assert request.tags.get() == tag
    found = recurring_problems(user=world.admin, since=dt.date(2026, 1, 1), min_firms=3)
    assert [(p.kind, p.label, p.firms) for p in found] == [
        ("category", "daily operations", 3),
        ("tag", "停车难", 3),
    ] or [(p.kind, p.label, p.firms) for p in found] == [
        ("tag", "停车难", 3),
        ("category", "daily operations", 3),
    ]
    assert recurring_problems(user=world.admin, since=dt.date(2026, 1, 1), min_firms=4) == []
