"""Pages and API: a researcher sees only their projects, a reviewer only their reviews."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from chainlead.poc import services
from chainlead.poc.tests.conftest import TODAY, scored_gate

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def others_project(other_researcher: Any, chain: Any) -> Any:
    return services.project_submit(
        actor=other_researcher,
        title="他人的项目",
        institution="浙江工业大学",
        started_on=dt.date(2024, 3, 1),
    )


def test_a_researcher_sees_only_their_projects(
    researcher: Any, project: Any, others_project: Any
) -> None:
    client = _client(researcher)
    listing = client.get(reverse("poc:project_list")).content.decode()
    assert project.title in listing and others_project.title not in listing
    assert client.get(reverse("poc:project_detail", args=[project.pk])).status_code == 200
    assert client.get(reverse("poc:project_detail", args=[others_project.pk])).status_code == 404
    api = client.get("/api/v1/poc/projects").json()
    assert [p["id"] for p in api["items"]] == [project.pk]
    assert client.get(f"/api/v1/poc/projects/{others_project.pk}").status_code == 404
    post = client.post(
        reverse("poc:milestone_add", args=[others_project.pk]),
        {"title": "x", "due_on": "2025-01-01"},
    )
    assert post.status_code == 404


def test_a_reviewer_sees_only_assigned_reviews_and_the_file_after_declaring(
    admin: Any, project: Any, reviewers: list[Any]
) -> None:
    gate = services.gate_open(
        actor=admin,
        project=project,
        reviewers=reviewers[:2],
        today=TODAY,
        due_on=TODAY + dt.timedelta(days=10),
    )
    mine, theirs = gate.assignments.order_by("id")
    client = _client(reviewers[0])
    assert client.get(reverse("poc:review_detail", args=[theirs.pk])).status_code == 404
    assert client.get(f"/api/v1/poc/reviews/{theirs.pk}").status_code == 404
    assert [r["id"] for r in client.get("/api/v1/poc/reviews").json()] == [mine.pk]
    closed = client.get(reverse("poc:review_detail", args=[mine.pk])).content.decode()
    assert project.title not in closed
    assert client.get(reverse("poc:project_detail", args=[project.pk])).status_code == 403
    client.post(
        reverse("poc:review_declare", args=[mine.pk]),
        {"institution": "西湖大学", "no_conflict": "on"},
    )
    opened = client.get(reverse("poc:review_detail", args=[mine.pk])).content.decode()
    assert project.title in opened and 'id="score-form"' in opened


def test_the_survival_page_explains_the_figures(admin: Any, project: Any, reviewers: Any) -> None:
    gate = scored_gate(admin, project, reviewers)
    services.gate_decide(
        actor=admin, gate_review=gate, decision="stop", reasons="市场太小", today=TODAY
    )
    services.project_submit(
        actor=admin, title="另一项目", institution="x", started_on=dt.date(2024, 6, 1)
    )
    with time_machine.travel(dt.datetime(2025, 7, 1, 12, tzinfo=dt.UTC), tick=False):
        page = _client(admin).get(reverse("poc:survival")).content.decode()
        api = _client(admin).get("/api/v1/poc/survival").json()
    assert 'id="km-chart"' in page and "km-data" in page
    assert api["projects"] == 2 and api["stopped"] == 1
    # The stopped project lasted 2024-01-15 → 2025-06-02 = 504 days; the other is censored.
    assert api["median_days"] == 504.0
    assert [r["share"] for r in api["stage_reach"]] == [1.0, 0.0, 0.0, 0.0, 0.0]


def test_the_dashboard_shows_stages_flows_and_stalled_projects(
    admin: Any, project: Any, reviewers: Any
) -> None:
    gate = scored_gate(admin, project, reviewers)
    services.gate_decide(
        actor=admin, gate_review=gate, decision="advance", reasons="好", today=TODAY
    )
    with time_machine.travel(dt.datetime(2026, 1, 5, 12, tzinfo=dt.UTC), tick=False):
        response = _client(admin).get(reverse("poc:dashboard"), {"stalled_days": "90"})
    assert response.status_code == 200
    links = response.context["sankey"]["links"]
    assert [link["value"] for link in links] == [1]  # one move, stage 1 → 2
    assert len(response.context["sankey"]["nodes"]) == 2
    # In stage 2 since 2025-06-02 with no milestone met: stalled after 90 days.
    assert response.context["stalled_count"] == 1
    assert 'id="sankey"' in response.content.decode()
