"""The pages: the bell counts and refreshes itself, a followed notice is read, settings save."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chainlead.accounts.models import User
from chainlead.notifications import services
from chainlead.notifications.models import Notification, NotificationPreference

pytestmark = pytest.mark.django_db
AT = timezone.make_aware(dt.datetime(2026, 5, 4, 9, 0))


def client_for(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_bell_list_and_follow():
    me = User.objects.create_user(username="me", password="x", email="me@example.org")
    other = User.objects.create_user(username="other", password="x")
    services.notify(users=[me, other], kind="x", subject="许可证", at=AT)
    notice = Notification.objects.get(user=me)
    notice.url = "/somewhere/"
    notice.save()
    client = client_for(me)
    bell = client.get(reverse("notifications:bell"), HTTP_HX_REQUEST="true")
    assert b'data-unread="1"' in bell.content
    assert b'hx-trigger="every 60s"' in bell.content
    page = client.get(reverse("notifications:list"))
    assert [n.pk for n in page.context["page"]] == [notice.pk]  # never another's
    followed = client.post(reverse("notifications:read"), {"id": notice.pk, "next": "/somewhere/"})
    assert followed["Location"] == "/somewhere/"
    assert Notification.objects.get(pk=notice.pk).read_at is not None
    assert Notification.objects.get(user=other).read_at is None
    evil = client.post(reverse("notifications:read"), {"next": "//evil.example/"})
    assert evil["Location"] == reverse("notifications:list")


def test_preferences_page_saves_and_refuses_without_address():
    me = User.objects.create_user(username="me", password="x", email="me@example.org")
    client = client_for(me)
    response = client.post(reverse("notifications:preferences"), {"email": "on", "language": "en"})
    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=me).email is True
    nomail = User.objects.create_user(username="nomail", password="x")
    refused = client_for(nomail).post(reverse("notifications:preferences"), {"email": "on"})
    assert refused.status_code == 200
    assert "email" in refused.context["form"].errors
    assert not NotificationPreference.objects.filter(user=nomail, email=True).exists()


def test_api_lists_own_notices_and_marks_them_read():
    me = User.objects.create_user(username="me", password="x")
    services.notify(users=[me], kind="x", subject="许可证", at=AT)
    client = client_for(me)
    listed = client.get("/api/v1/notifications/").json()
    assert [n["subject"] for n in listed["items"]] == ["许可证"]
    marked = client.post("/api/v1/notifications/read", {}, content_type="application/json")
    assert marked.json() == {"unread": 0}
