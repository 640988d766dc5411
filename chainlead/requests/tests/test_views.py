"""The pages: raise, move, rate through the forms; lists, figures, exports, imports, bell."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from chainlead.notifications.models import Notification
from chainlead.requests import escalation, services
from chainlead.requests.choices import Status
from chainlead.requests.models import EnterpriseRequest
from chainlead.requests.tests.factories import at
from chainlead.requests.tests.helpers import raise_request


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_life_cycle_through_the_pages(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    firm = client_for(world.firm_user)
    page = firm.get(reverse("requests:request_create"))
    assert page.status_code == 200
    assert "credit_code" not in page.context["form"].fields  # a firm user picks their firm
    response = firm.post(
        reverse("requests:request_create"),
        {
            "enterprise": world.firm.pk,
            "chain": world.chain.pk,
            "category": "permits",
            "title": "食堂许可证",
            "description": "搬迁后需要新的食品经营许可证。",
            "attachment": SimpleUploadedFile("平面图.pdf", b"%PDF-1.4", "application/pdf"),
        },
    )
    request = EnterpriseRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("requests:request_detail", args=[request.pk])
    assert request.department == world.permits
    assert request.attachments.count() == 1
    officer = client_for(world.officer)
    for name, data in [("accept", {}), ("start", {}), ("resolve", {"resolution": "已发证"})]:
        url = reverse("requests:request_transition", args=[request.pk, name])
        assert officer.post(url, data).status_code == 302
    request.refresh_from_db()
    assert request.status == Status.RESOLVED
    # The firm rejects, the officer resolves again, the firm rates.
    firm.post(
        reverse("requests:request_transition", args=[request.pk, "reopen"]), {"note": "还没收到"}
    )
    officer.post(
        reverse("requests:request_transition", args=[request.pk, "resolve"]),
        {"resolution": "已寄出"},
    )
    firm.post(
        reverse("requests:request_transition", args=[request.pk, "confirm"]),
        {"rating": "4", "comment": "谢谢"},
    )
    request.refresh_from_db()
    assert (request.status, request.rating, request.reopen_count) == (Status.CONFIRMED, 4, 1)
    detail = firm.get(reverse("requests:request_detail", args=[request.pk]))
    content = detail.content.decode()
    assert "还没收到" in content and "已寄出" in content
    assert detail.context["transitions"] == []
    download = firm.get(
        reverse("requests:attachment_download", args=[request.pk, request.attachments.get().pk])
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4"


def test_forbidden_move_is_403_and_wrong_state_is_a_message(world):
    request = raise_request(world)
    firm = client_for(world.firm_user)
    url = reverse("requests:request_transition", args=[request.pk, "accept"])
    assert firm.post(url).status_code == 403
    officer = client_for(world.officer)
    response = officer.post(
        reverse("requests:request_transition", args=[request.pk, "resolve"]), follow=True
    )
    assert "cannot be moved" in response.content.decode()
    request.refresh_from_db()
    assert request.status == Status.RAISED
    assert client_for(world.other_firm_user).get(request.get_absolute_url()).status_code == 404


def test_list_filters_and_export(world, time_machine):
    time_machine.move_to(at(2026, 11, 23), tick=False)  # the second is not due yet
    raise_request(world, title="逾期的")
    raise_request(world, title="新的", now=at(2026, 11, 20))
    admin = client_for(world.admin)
    page = admin.get(reverse("requests:request_list"), {"state": "overdue"})
    assert page.status_code == 200
    assert [r.title for r in page.context["table"].data] == ["逾期的"]
    csv = admin.get(reverse("requests:request_list"), {"export": "csv"})
    text = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("number,title,firm")
    assert "逾期的" in text and "新的" in text


def test_an_empty_list_says_so_and_how_requests_arrive(world):
    html = client_for(world.admin).get(reverse("requests:request_list")).content.decode()
    assert "No request matches these filters." in html
    assert "12345 records are imported" in html


def test_list_query_count_does_not_grow(world, django_assert_max_num_queries):
    for n in range(12):
        raise_request(world, title=f"诉求{n}")
    admin = client_for(world.admin)
    admin.get(reverse("requests:request_list"))  # warm the session and caches
    cache.clear()  # measure the rendering path, not the cached page
    with django_assert_max_num_queries(14):
        response = admin.get(reverse("requests:request_list"))
    assert len(response.context["table"].page.object_list) == 12
    with django_assert_max_num_queries(7):  # the cached page: session, user, versions only
        cached = admin.get(reverse("requests:request_list"))
    assert cached.context["cached_table"]


def test_figures_page_and_export(world):
    request = raise_request(world, now=at(2026, 3, 2))
    for name in ("accept", "start"):
        services.request_transition(
            actor=world.officer, enterprise_request=request, transition=name
        )
    services.request_transition(
        actor=world.officer,
        enterprise_request=request,
        transition="resolve",
        resolution="ok",
        now=at(2026, 3, 5),
    )
    page = client_for(world.leader).get(reverse("requests:figures"))
    assert page.context["total"].closed == 1
    assert [str(k) for k, _ in page.context["by_chain"]] == ["人工智能"]
    xlsx = client_for(world.leader).get(
        reverse("requests:figures"), {"export": "xlsx", "group": "chain"}
    )
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(b"".join(xlsx.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:3] == ("人工智能", 1, 1)
    assert rows[1][6] == 3  # Mar 2 → Mar 5: 3 working days


def test_hotline_import_page(world):
    world.firm.credit_code = "91330100MA2AAAAA0X"
    world.firm.save(update_fields=["credit_code"])
    body = (
        "工单编号,受理时间,统一社会信用代码,诉求类别,标题,诉求内容\n"
        "HZ-1,2026-03-02,91330100MA2AAAAA0X,其他,标题,内容\n"
    ).encode()
    admin = client_for(world.admin)
    response = admin.post(
        reverse("requests:hotline_import"), {"file": SimpleUploadedFile("h.csv", body)}
    )
    assert response.status_code == 302
    assert EnterpriseRequest.objects.get().hotline_ticket == "HZ-1"
    bad = admin.post(
        reverse("requests:hotline_import"),
        {"file": SimpleUploadedFile("h.csv", body.replace(b"2026-03-02", b"x"))},
    )
    assert bad.status_code == 200
    assert "row 2, field received_at" in bad.content.decode()


def test_bell_counts_unread_and_mark_read(world):
    raise_request(world)  # routed: the officer is notified
    officer = client_for(world.officer)
    bell = officer.get(reverse("notifications:bell"), HTTP_HX_REQUEST="true")
    assert bell.context["unread"] == 1
    officer.post(reverse("notifications:read"))
    assert Notification.objects.filter(user=world.officer, read_at__isnull=True).count() == 0


@pytest.mark.parametrize("who", ["leader", "task_force"])
def test_escalated_request_reaches_the_chain(world, who):
    request = raise_request(world, now=at(2026, 3, 2))
    escalation.requests_escalate(now=at(2026, 3, 17))
    escalation.requests_escalate(now=at(2026, 3, 25))
    page = client_for(getattr(world, who)).get(reverse("notifications:list"))
    assert request.title in page.content.decode()
    listed = client_for(getattr(world, who)).get(
        reverse("requests:request_list"), {"escalated": "yes"}
    )
    assert [r.pk for r in listed.context["table"].data] == [request.pk]
    assert dt.date(2026, 3, 16) == request.deadline


def test_readers_of_all_requests_share_the_cached_problem_list(world):
    raise_request(world, title="专班可见的诉求")  # the AI chain
    raise_request(
        world,
        actor=world.other_firm_user,
        enterprise=world.other_firm,
        chain=world.other_chain,
        title="另一条链的诉求",
    )
    url = reverse("requests:request_list")
    first = client_for(world.admin).get(url)
    assert "cached_table" not in first.context  # rendered for the city admin
    shared = client_for(world.auditor).get(url)
    assert shared.context["cached_table"]  # the auditor reads all requests too: served cached
    assert "另一条链的诉求" in shared.content.decode()
    own = client_for(world.task_force).get(url)
    assert "cached_table" not in own.context  # a narrower scope is rendered for itself
    assert "专班可见的诉求" in own.content.decode()
    assert "另一条链的诉求" not in own.content.decode()


def test_cached_problem_list_follows_writes(world):
    """The rendered list is cached, but a request written since is never missing from it."""
    client = client_for(world.admin)
    before = client.get(reverse("requests:request_list")).content.decode()
    assert "缓存之后的新诉求" not in before
    again = client.get(reverse("requests:request_list"))
    assert again.context["cached_table"]  # served from the cache, not re-rendered
    assert again.content.decode().count("<table") == before.count("<table")
    raise_request(world, title="缓存之后的新诉求")
    after = client.get(reverse("requests:request_list"))
    assert "cached_table" not in after.context  # a write: rendered afresh
    assert "缓存之后的新诉求" in after.content.decode()
