"""Fixtures of the proof-of-concept tests: a chain with linked segments, a centre, people."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from chainlead.accounts.models import User
from chainlead.accounts.services import role_grant, user_create
from chainlead.chains.models import Chain, Segment, SegmentLink

TODAY = dt.date(2025, 6, 2)


@pytest.fixture
def admin(db: Any) -> Any:
    return User.objects.create_superuser("poc_admin", password=None)


def _person(admin: Any, username: str, role: str, department: str = "", **scope: Any) -> Any:
    user = user_create(actor=admin, username=username, password=None, department=department)
    role_grant(actor=admin, user=user, role=role, **scope)
    return user


@pytest.fixture
def researcher(admin: Any) -> Any:
    return _person(admin, "pi_zhang", "researcher", department="浙江大学")


@pytest.fixture
def other_researcher(admin: Any) -> Any:
    return _person(admin, "pi_li", "researcher", department="浙江工业大学")


@pytest.fixture
def reviewers(admin: Any) -> list[Any]:
    return [
        _person(admin, "rev_wang", "reviewer", department="西湖大学"),
        _person(admin, "rev_zhao", "reviewer", department="之江实验室"),
        _person(admin, "rev_same", "reviewer", department="浙江大学"),
    ]


@pytest.fixture
def chain(db: Any) -> Chain:
    chain = Chain.objects.create(slug="poc-ai", name="人工智能")
    chips = Segment.objects.create(chain=chain, slug="chips", name="芯片", order=1)
    models = Segment.objects.create(chain=chain, slug="models", name="大模型", order=2)
    apps = Segment.objects.create(chain=chain, slug="apps", name="行业应用", order=3)
    SegmentLink.objects.create(upstream=chips, downstream=models)
    SegmentLink.objects.create(upstream=models, downstream=apps)
    return chain


@pytest.fixture
def task_force(admin: Any, chain: Chain) -> Any:
    return _person(admin, "tf_poc", "task_force", chain=chain)


@pytest.fixture
def centre(admin: Any, districts: Any) -> Any:
    from chainlead.poc.services import centre_create

    return centre_create(
        actor=admin,
        name="测试概念验证中心",
        host_institution="测试大学",
        district=districts["西湖区"],
        district_name="西湖区",
        provenance="synthetic",
    )


@pytest.fixture
def project(researcher: Any, chain: Chain, centre: Any) -> Any:
    from chainlead.poc.services import project_submit
    from chainlead.registry.models import Industry

    return project_submit(
        actor=researcher,
        title="存算一体芯片原型",
        institution="浙江大学",
        started_on=dt.date(2024, 1, 15),
        stage=1,
        trl=2,
        team="张教授团队",
        industry=Industry.objects.get(pk="3973"),
        segment=chain.segments.get(slug="models"),
        centre=centre,
    )


def scored_gate(admin: Any, project: Any, reviewers: list[Any]) -> Any:
    """A gate review scored by the first two reviewers."""
    from chainlead.poc.services import gate_open, review_declare, review_score

    gate = gate_open(
        actor=admin,
        project=project,
        reviewers=reviewers[:2],
        today=TODAY,
        due_on=TODAY + dt.timedelta(days=14),
    )
    for assignment, reviewer in zip(gate.assignments.order_by("id"), reviewers[:2], strict=True):
        review_declare(
            actor=reviewer,
            assignment=assignment,
            institution=reviewer.department,
            no_conflict=True,
        )
        review_score(
            actor=reviewer,
            assignment=assignment,
            recommendation="advance",
            technology=4,
            market=3,
            ip=4,
            team=5,
            plan=3,
        )
    return gate


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    # The services' messages are asserted in their English source wording; the UI default is
    # Chinese, whose catalogue translates them.
    from django.utils import translation

    with translation.override("en"):
        yield
