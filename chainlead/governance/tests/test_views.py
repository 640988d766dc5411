import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from chainlead.chains.models import Membership
from chainlead.governance import services
from chainlead.governance.models import PolicyItem, WorkPlan
from chainlead.registry.models import Enterprise


@pytest.fixture
def full_chain(admin, chain, leader, member, plan):
    policy = PolicyItem.objects.create(title="支持人工智能全产业链高质量发展的若干措施")
    services.package_item_add(actor=member, chain=chain, policy=policy)
    meeting = services.meeting_create(
        actor=member,
        chain=chain,
        title="第一次专班会议",
        held_at=timezone.now() - dt.timedelta(days=3),
        attendees=[leader, member],
    )
    services.decision_create(actor=member, meeting=meeting, text="设立算力券")
    services.action_item_create(
        actor=member,
        chain=chain,
        meeting=meeting,
        title="起草算力券细则",
        owner=member,
        deadline=timezone.localdate() - dt.timedelta(days=1),
    )
    return chain


# The plan is for 2026: the dashboard judges the five ones of the current year.
@pytest.mark.time_machine(dt.datetime(2026, 6, 15, 10, tzinfo=dt.UTC), tick=False)
def test_leader_dashboard_shows_the_five_ones_and_actions(client, full_chain, leader):
    client.force_login(leader)
    response = client.get(reverse("governance:dashboard", args=[full_chain.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-complete="true"' in html
    assert "设立算力券" in html
    assert "起草算力券细则" in html
    assert "progress-chart" in html
    assert "vendor/echarts.min.js" in html


def test_dashboard_shows_the_chain_map_gaps_without_ranking_firms(client, admin, chain):
    firm = Enterprise.objects.create(name="芯片公司", revenue=Decimal(100))
    Membership.objects.create(enterprise=firm, segment=chain.segments.get(slug="chips"))
    client.force_login(admin)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("governance:dashboard", args=[chain.slug]))
    html = response.content.decode()
    # The dashboard shows no top firms, so a cold render skips their ranking.
    assert not any("ROW_NUMBER" in q["sql"].upper() for q in ctx.captured_queries)
    assert '<td>芯片</td><td class="num">1</td><td><span class="badge status-weak">' in html
    assert (
        '<td>基础模型和框架</td><td class="num">0</td><td><span class="badge status-missing">'
        in html
    )


def test_readers_of_all_requests_share_the_dashboards_request_figures(
    client, admin, auditor, chain, leader
):
    from chainlead.requests.services import request_raise

    firm = Enterprise.objects.create(name="诉求企业")
    request_raise(
        actor=admin,
        enterprise=firm,
        category="permits",
        title="共享的诉求",
        description="…",
        chain=chain,
    )
    url = reverse("governance:dashboard", args=[chain.slug])

    def render_as(user):
        client.force_login(user)
        with CaptureQueriesContext(connection) as ctx:
            html = client.get(url).content.decode()
        reads = sum("requests_enterpriserequest" in q["sql"] for q in ctx.captured_queries)
        return html, reads

    html, reads = render_as(admin)
    assert "共享的诉求" in html and reads > 0
    html, reads = render_as(auditor)  # reads all requests too: the admin's figures serve
    assert "共享的诉求" in html and reads == 0
    html, reads = render_as(leader)  # the chain leader's own scope
    assert "共享的诉求" in html and reads > 0


def test_dashboard_list_shows_what_is_missing(client, admin, chain, other_chain, leader):
    client.force_login(admin)
    response = client.get(reverse("governance:dashboard_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("five-ones-list") == 2
    assert "王链长" in html
    assert 'data-complete="false"' in html


def test_other_chain_dashboard_is_forbidden(client, leader, other_chain, outsider):
    client.force_login(leader)
    assert client.get(reverse("governance:dashboard", args=[other_chain.slug])).status_code == 403
    client.force_login(outsider)
    assert client.get(reverse("governance:dashboard_list")).status_code == 403


def test_leader_approves_the_plan_through_the_page(client, plan, leader):
    client.force_login(leader)
    response = client.post(reverse("governance:plan_approve", args=[plan.pk]))
    assert response.status_code == 302
    assert WorkPlan.objects.get(pk=plan.pk).status == "approved"


def test_auditor_reads_but_cannot_write(client, plan, auditor):
    client.force_login(auditor)
    assert client.get(reverse("governance:plan_detail", args=[plan.pk])).status_code == 200
    response = client.post(
        reverse("governance:target_set", args=[plan.pk]),
        {"indicator": "rd_spend", "value": "99"},
    )
    assert response.status_code == 403
    assert plan.targets.get(indicator="rd_spend").value == 10


def test_second_plan_is_refused_with_a_message(client, plan, member, chain):
    client.force_login(member)
    response = client.post(
        reverse("governance:plan_create", args=[chain.slug]),
        {"year": 2026, "title": "重复"},
        follow=True,
    )
    assert "already has an active work plan for 2026" in response.content.decode()
    assert WorkPlan.objects.filter(chain=chain).count() == 1


def test_dashboard_list_queries_grow_slowly_with_chains(
    client, admin, chain, other_chain, django_assert_max_num_queries
):
    from chainlead.governance.tests.factories import ChainFactory

    for n in range(4):
        ChainFactory(slug=f"extra-{n}")
    client.force_login(admin)
    client.get(reverse("governance:dashboard_list"))  # warm the session and caches
    # Five grouped queries for the five ones and one for action figures, whatever the number of
    # chains; the requests figures cost a few queries per chain.
    with django_assert_max_num_queries(12 + 4 * 6):
        response = client.get(reverse("governance:dashboard_list"))
    assert response.status_code == 200


@pytest.mark.time_machine(dt.datetime(2026, 6, 15, 10, tzinfo=dt.UTC), tick=False)
def test_cached_dashboard_follows_writes(client, full_chain, leader, member):
    """The dashboard body is cached, but a decision recorded since is never missing from it."""
    from chainlead.governance.models import Meeting

    client.force_login(leader)
    url = reverse("governance:dashboard", args=[full_chain.slug])
    first = client.get(url).content.decode()
    assert "缓存之后的新决定" not in first
    again = client.get(url)
    assert again.context["cached_body"]  # served from the cache
    assert "progress-chart" in again.content.decode()  # with its chart script
    meeting = Meeting.objects.filter(chain=full_chain).first()
    services.decision_create(actor=member, meeting=meeting, text="缓存之后的新决定")
    assert "缓存之后的新决定" in client.get(url).content.decode()
