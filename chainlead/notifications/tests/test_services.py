"""Notices: made once per key, rendered in the reader's language, e-mailed only to who opts in."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from chainlead.accounts.models import User
from chainlead.notifications import kinds, selectors, services
from chainlead.notifications.models import Notification

pytestmark = pytest.mark.django_db

AT = timezone.make_aware(dt.datetime(2026, 5, 4, 9, 0))
# A wording already translated, so the test needs no catalogue of its own.
TEST_KIND = kinds.register_kind(kinds.Kind("tests.hello", _("request resolved")))
TEST_DEADLINE = kinds.register_kind(kinds.deadline_kind("tests.deadline", _("request")))


def user(name: str, email: str = "") -> User:
    return User.objects.create_user(username=name, password="x", email=email)


def test_notify_makes_one_notice_per_user_and_counts_unread():
    a, b = user("a"), user("b")
    assert services.notify(users=[a, b.pk, a.pk], kind="tests.hello", subject="证照", at=AT) == 2
    assert selectors.unread_count(user=a) == 1
    services.notifications_mark_read(actor=a, now=AT)
    assert (selectors.unread_count(user=a), selectors.unread_count(user=b)) == (0, 1)


def test_a_keyed_notice_is_made_once():
    a = user("a")
    for _i in range(3):
        services.notify(users=[a], kind="tests.hello", subject="x", at=AT, key="k1")
    assert Notification.objects.filter(user=a).count() == 1


def test_the_text_is_rendered_in_the_readers_language():
    a = user("a")
    services.notify(users=[a], kind="tests.hello", subject="食堂许可证", at=AT)
    notice = Notification.objects.get(user=a)
    with translation.override("en"):
        assert notice.text == "request resolved"
    with translation.override("zh-hans"):
        assert notice.text == "诉求已办结"


def test_an_unknown_kind_shows_its_subject():
    a = user("a")
    services.notify(users=[a], kind="gone.kind", subject="旧通知", at=AT)
    assert Notification.objects.get(user=a).text == "旧通知"


def test_email_only_to_who_opted_in_in_their_language(django_capture_on_commit_callbacks):
    keen = user("keen", "keen@example.org")
    quiet = user("quiet", "quiet@example.org")
    services.notify(
        users=[keen], kind="tests.hello", subject="before opting in", at=AT - dt.timedelta(hours=1)
    )
    services.preference_set(actor=keen, email=True, language="en", now=AT)
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            users=[keen, quiet], kind="tests.hello", subject="许可证", at=AT + dt.timedelta(1)
        )
    assert [m.to for m in mail.outbox] == [["keen@example.org"]]
    assert "- request resolved" in mail.outbox[0].body
    assert "notifications" in mail.outbox[0].subject
    assert mail.outbox[0].body.count("request resolved") == 1  # not the one from before
    # Sent once: a second pass finds nothing new.
    assert services.notifications_email_pending(now=AT + dt.timedelta(2)) == 0


def test_email_preference_needs_an_address():
    with pytest.raises(ValidationError) as exc:
        services.preference_set(actor=user("nomail"), email=True)
    assert "email" in exc.value.message_dict


def test_deadline_reminders_once_per_threshold():
    a = user("a")
    due = dt.date(2026, 5, 7)

    class Thing:
        pk = 7
        _meta = User._meta

        def get_absolute_url(self) -> str:
            return "/thing/7/"

    def source(today, until):
        if today <= due <= until:
            yield kinds.Deadline("tests.deadline", [a.pk], a, due, "许可证")

    kinds.register_deadline_source(source)
    try:
        day = lambda d: timezone.make_aware(dt.datetime(2026, 5, d, 8))  # noqa: E731
        assert services.deadlines_notify(now=day(3)) == 0  # four days ahead: not yet
        assert services.deadlines_notify(now=day(4)) == 1  # three days
        assert services.deadlines_notify(now=day(4)) == 0  # idempotent
        assert services.deadlines_notify(now=day(5)) == 0  # two days: no new threshold
        assert services.deadlines_notify(now=day(6)) == 1  # one day
        assert services.deadlines_notify(now=day(7)) == 1  # today
        assert services.deadlines_notify(now=day(8)) == 0  # past: escalation's business
        texts = []
        with translation.override("en"):
            texts = [n.text for n in Notification.objects.order_by("created_at")]
        assert texts == [
            "Due in 3 days: request: 许可证",
            "Due in 1 day: request: 许可证",
            "Due today: request: 许可证",
        ]
    finally:
        kinds._deadline_sources.remove(source)
