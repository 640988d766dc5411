import csv
import io

import pytest
from django.urls import reverse

from chainlead.accounts.choices import Role
from chainlead.accounts.models import RoleGrant, User
from chainlead.recruitment.choices import Stage
from chainlead.recruitment.models import Target
from chainlead.recruitment.services import target_create
from chainlead.registry.models import Enterprise


@pytest.fixture
def target(task_force, chain):
    return target_create(
        actor=task_force,
        chain_id=chain.pk,
        name="强脑科技",
        location="美国波士顿",
        segment=chain.segments.first(),
    )


def test_task_force_walks_a_target_to_landed(client, task_force, target, districts):
    client.force_login(task_force)
    for stage in ["contacted", "visited", "negotiating", "signed"]:
        response = client.post(
            reverse("recruitment:target_move", args=[target.pk]), {"to_stage": stage}
        )
        assert response.status_code == 302
    response = client.post(
        reverse("recruitment:target_land", args=[target.pk]),
        {"district": districts["余杭区"].pk, "landed_on": "2018-05-01"},
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.stage == Stage.LANDED
    firm = Enterprise.objects.get(name="强脑科技")
    assert firm.origin == "attracted"
    assert (firm.origin_place, firm.district.name) == ("美国波士顿", "余杭区")
    page = client.get(reverse("recruitment:target_detail", args=[target.pk]))
    assert "强脑科技" in page.content.decode()
    assert reverse("registry:enterprise_detail", args=[firm.pk]) in page.content.decode()


def test_a_skipped_stage_is_refused_with_a_message(client, task_force, target):
    client.force_login(task_force)
    response = client.post(
        reverse("recruitment:target_move", args=[target.pk]), {"to_stage": "signed"}, follow=True
    )
    assert response.status_code == 200
    target.refresh_from_db()
    assert target.stage == Stage.IDENTIFIED
    assert "msg-error" in response.content.decode()


def test_board_groups_targets_by_stage(client, task_force, target):
    client.force_login(task_force)
    response = client.get(reverse("recruitment:board"))
    assert response.status_code == 200
    html = response.content.decode()
    identified = html.index('data-stage="identified"')
    contacted = html.index('data-stage="contacted"')
    assert identified < html.index(f'data-target="{target.pk}"') < contacted


def test_auditor_reads_but_cannot_move(client, auditor, target):
    client.force_login(auditor)
    assert client.get(reverse("recruitment:target_detail", args=[target.pk])).status_code == 200
    response = client.post(
        reverse("recruitment:target_move", args=[target.pk]), {"to_stage": "contacted"}
    )
    assert response.status_code == 403
    assert Target.objects.get(pk=target.pk).stage == Stage.IDENTIFIED


def test_other_chains_task_force_cannot_see_the_target(client, other_task_force, target):
    client.force_login(other_task_force)
    assert client.get(reverse("recruitment:target_detail", args=[target.pk])).status_code == 404
    assert "强脑科技" not in client.get(reverse("recruitment:target_list")).content.decode()


def test_enterprise_users_have_no_recruitment_pages(client, db):
    user = User.objects.create_user(username="firm", password="Chainlead-2026!")
    firm = Enterprise.objects.create(name="某公司")
    RoleGrant.objects.create(user=user, role=Role.ENTERPRISE, enterprise=firm)
    client.force_login(user)
    assert client.get(reverse("recruitment:target_list")).status_code == 403
    assert client.get(reverse("recruitment:board")).status_code == 403


def test_list_exports_csv(client, task_force, target):
    client.force_login(task_force)
    response = client.get(reverse("recruitment:target_list") + "?export=csv")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[1][0] == "强脑科技"
    assert len(rows) == 2


def test_create_form_adds_a_target(client, task_force, chain):
    client.force_login(task_force)
    response = client.post(
        reverse("recruitment:target_create"),
        {"chain": chain.pk, "name": "某芯片公司", "location": "上海市"},
    )
    assert response.status_code == 302
    assert Target.objects.get(name="某芯片公司").owner == task_force


def test_opportunities_page_computes_and_lists_gaps(
    client, task_force, chain, districts, django_user_model
):
    from chainlead.recruitment.models import ExternalFirm

    firm = Enterprise.objects.create(name="本地", industry_id="39", employees=10)
    ExternalFirm.objects.create(
        name="外地", province="江苏", city="苏州市", industry_id="26", employees=5
    )
    chain.segments.update(industry_codes=["3973"])
    client.force_login(task_force)
    page = client.get(reverse("recruitment:opportunities"))
    # The task force reads the analysis; only a city admin starts it (issue 9 item 4).
    assert reverse("recruitment:complexity_compute") not in page.content.decode()
    assert "cells-data" not in page.content.decode()  # nothing computed yet
    client.force_login(django_user_model.objects.create_superuser("root", password=None))
    page = client.get(reverse("recruitment:opportunities"))
    assert reverse("recruitment:complexity_compute") in page.content.decode()
    response = client.post(reverse("recruitment:complexity_compute"), {"level": "city"})
    assert response.status_code == 302
    client.force_login(task_force)
    page = client.get(reverse("recruitment:opportunities"))
    html = page.content.decode()
    assert 'data-segment="ai-test/chips"' in html  # the chips segment has no firm: a gap
    assert "cells-data" in html
    assert firm.pk


def test_rank_page_ranks_and_adds_a_target(client, task_force, chain):
    from chainlead.recruitment.models import ExternalFirm

    chain.segments.update(industry_codes=["3973"], keywords=["芯片"])
    ext = ExternalFirm.objects.create(
        name="某芯片公司", province="上海", city="上海市", industry_id="39", employees=50
    )
    Enterprise.objects.create(name="本地", industry_id="39", employees=10)
    client.force_login(task_force)
    url = reverse("recruitment:rank", args=[chain.slug, "chips"])
    assert client.post(url).status_code == 302
    html = client.get(url).content.decode()
    assert "某芯片公司" in html
    add = reverse("recruitment:target_from_candidate", args=[chain.slug, "chips"])
    response = client.post(add, {"external_firm": ext.pk})
    target = Target.objects.get(name="某芯片公司")
    assert response.url == reverse("recruitment:target_detail", args=[target.pk])
    assert target.is_public_data and target.segment.slug == "chips"


def test_board_flags_landed_firms_falling_behind(client, task_force, target, districts):
    import datetime as dt
    from decimal import Decimal

    from chainlead.recruitment.services import promise_set, target_land, target_move
    from chainlead.registry.models import EnterpriseIndicator

    for stage in ["contacted", "visited", "negotiating", "signed"]:
        target = target_move(actor=task_force, target=target, to_stage=stage)
    firm = target_land(
        actor=task_force, target=target, district=districts["余杭区"], landed_on=dt.date(2022, 3, 1)
    )
    promise_set(actor=task_force, target=target, kind="jobs", amount=Decimal(500), due_year=2024)
    EnterpriseIndicator.objects.create(enterprise=firm, year=2024, employees=120)
    client.force_login(task_force)
    html = client.get(reverse("recruitment:board")).content.decode()
    section = html[html.index('id="landed-watch"') :]
    assert 'data-flagged="1"' in section
    assert "强脑科技" in section
