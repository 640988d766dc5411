"""The working-day calendar as configuration (三员分立, issue 9 item 15): the system
administrator and city admins enter holidays and make-up workdays over the calendar package, on
a page and through the API; nobody else (the security and audit administrators included).
Every write goes through the services, is audited and refuses bad input by field."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from chainlead.accounts.access import access_for
from chainlead.accounts.choices import Role
from chainlead.audit.models import AuditEntry
from chainlead.core.exceptions import PermissionDenied
from chainlead.requests import calendar, services
from chainlead.requests.choices import Category
from chainlead.requests.models import CalendarOverride
from chainlead.requests.permissions import configures_calendar
from chainlead.requests.tests.factories import UserFactory, at, grant

D = dt.date
PAGE = "requests:calendar"
API = "/api/v1/requests/calendar"
ALLOWED = ("sysadmin", "admin")
REFUSED = ("secadmin", "auditadmin", "auditor", "task_force")


@pytest.fixture
def people(world):
    return {
        "sysadmin": grant(UserFactory(username="sysadmin"), Role.SYSTEM_ADMIN),
        "secadmin": grant(UserFactory(username="secadmin"), Role.SECURITY_ADMIN),
        "auditadmin": grant(UserFactory(username="auditadmin"), Role.AUDIT_ADMIN),
        "admin": world.admin,
        "auditor": world.auditor,
        "task_force": world.task_force,
    }


def _client(user, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def _entries(action: str | None = None) -> int:
    """Audit entries about calendar overrides (of `action`, or all)."""
    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(CalendarOverride)
    )
    return (entries.filter(action=action) if action else entries).count()


# Permission ----------------------------------------------------------------------------------


def test_only_the_system_administrator_and_city_admins_configure_the_calendar(people):
    allowed = {name for name, user in people.items() if configures_calendar(access_for(user))}
    assert allowed == set(ALLOWED)


@pytest.mark.parametrize("name", ALLOWED)
def test_the_page_lists_adds_and_deletes_for_those_allowed(people, name):
    user = people[name]
    client = _client(user)
    page = client.get(reverse(PAGE), {"year": 2027})
    assert page.status_code == 200
    # The account menu links the page (its permission is the view's).
    assert f'href="{reverse(PAGE)}"' in page.content.decode()
    assert 'data-testid="calendar-package-unknown"' in page.content.decode()

    added = client.post(
        f"{reverse(PAGE)}?year=2027",
        {"date": "2027-02-08", "kind": "holiday", "note": "春节"},
    )
    assert added.status_code == 302
    assert added["Location"].endswith("?year=2027")
    override = CalendarOverride.objects.get(date=D(2027, 2, 8))
    assert override.is_workday is False
    assert override.note == "春节"
    created = AuditEntry.objects.get(
        content_type=ContentType.objects.get_for_model(CalendarOverride),
        object_id=str(override.pk),
        action="create",
    )
    assert created.actor == user
    assert created.source == "web"
    assert "2027-02-08" in client.get(reverse(PAGE), {"year": 2027}).content.decode()

    deleted = client.post(reverse("requests:calendar_delete", args=[override.pk]))
    assert deleted.status_code == 302
    assert not CalendarOverride.objects.exists()
    assert AuditEntry.objects.filter(
        object_id=str(override.pk), action="delete", actor=user
    ).exists()


@pytest.mark.parametrize("name", REFUSED)
def test_the_page_is_refused_to_everyone_else(people, name):
    override = CalendarOverride.objects.create(date=D(2027, 1, 1), is_workday=False)
    client = _client(people[name])
    assert client.get(reverse(PAGE)).status_code == 403
    refused = client.post(reverse(PAGE), {"date": "2027-02-08", "kind": "holiday"})
    assert refused.status_code == 403
    assert client.post(reverse("requests:calendar_delete", args=[override.pk])).status_code == 403
    assert list(CalendarOverride.objects.values_list("date", flat=True)) == [D(2027, 1, 1)]


def test_the_account_menu_shows_the_page_only_to_those_allowed(people):
    assert (
        reverse(PAGE)
        not in _client(people["secadmin"]).get(reverse("accounts:lockout_list")).content.decode()
    )
    assert (
        reverse(PAGE)
        in _client(people["sysadmin"]).get(reverse("accounts:user_list")).content.decode()
    )


def test_the_page_shows_a_refused_entry_on_its_field_and_changes_nothing(people):
    CalendarOverride.objects.create(date=D(2027, 2, 8), is_workday=False, note="春节")
    client = _client(people["sysadmin"])
    before = AuditEntry.objects.count()
    page = client.post(reverse(PAGE), {"date": "2027-02-08", "kind": "workday", "note": "x"})
    assert page.status_code == 200
    assert page.context["form"].errors["date"] == [
        "The date 2027-02-08 already has an override; delete it first to change it."
    ]
    page = client.post(reverse(PAGE), {"date": "2101-01-01", "kind": "holiday"})
    assert page.context["form"].errors["date"] == [
        "The date must fall in the years 1990 to 2100 (2101-01-01 does not)."
    ]
    assert list(CalendarOverride.objects.values_list("date", "is_workday", "note")) == [
        (D(2027, 2, 8), False, "春节")
    ]
    assert AuditEntry.objects.count() == before


def test_the_page_and_its_refusals_read_in_chinese(people):
    CalendarOverride.objects.create(date=D(2027, 2, 8), is_workday=False)
    client = _client(people["sysadmin"], "zh-hans")
    assert "<h1>工作日历</h1>" in client.get(reverse(PAGE), {"year": 2027}).content.decode()
    page = client.post(reverse(PAGE), {"date": "2027-02-08", "kind": "workday"})
    assert page.context["form"].errors["date"] == ["日期 2027-02-08 已有设置；如需更改，请先删除。"]


# The API -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALLOWED)
def test_the_api_lists_sets_and_deletes_for_those_allowed(people, name):
    user = people[name]
    client = _client(user)
    CalendarOverride.objects.create(date=D(2026, 12, 31), is_workday=True)
    made = client.post(
        API,
        {"date": "2027-02-08", "is_workday": False, "note": "春节"},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    assert made.json()["date"] == "2027-02-08"
    assert made.json()["is_workday"] is False
    assert [row["date"] for row in client.get(API, {"year": 2027}).json()] == ["2027-02-08"]
    assert len(client.get(API).json()) == 2
    override_id = made.json()["id"]
    assert AuditEntry.objects.filter(
        object_id=str(override_id), action="create", actor=user, source="api"
    ).exists()

    assert client.delete(f"{API}/{override_id}").status_code == 204
    assert not CalendarOverride.objects.filter(pk=override_id).exists()
    assert AuditEntry.objects.filter(
        object_id=str(override_id), action="delete", actor=user
    ).exists()
    assert client.delete(f"{API}/{override_id}").status_code == 404


@pytest.mark.parametrize("name", REFUSED)
def test_the_api_is_refused_to_everyone_else(people, name):
    override = CalendarOverride.objects.create(date=D(2027, 1, 1), is_workday=False)
    client = _client(people[name])
    assert client.get(API).status_code == 403
    made = client.post(
        API, {"date": "2027-02-08", "is_workday": False}, content_type="application/json"
    )
    assert made.status_code == 403
    assert client.delete(f"{API}/{override.pk}").status_code == 403
    assert list(CalendarOverride.objects.values_list("pk", flat=True)) == [override.pk]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (
            {"date": "1989-12-31", "is_workday": False},
            "date",
            "The date must fall in the years 1990 to 2100 (1989-12-31 does not).",
        ),
        (
            {"date": "2027-01-01", "is_workday": True},
            "date",
            "The date 2027-01-01 already has an override; delete it first to change it.",
        ),
        ({"date": "2027-03-01", "is_workday": True, "note": "x" * 201}, "note", None),
        ({"date": "not a date", "is_workday": True}, "date", None),
    ],
)
def test_the_api_refuses_bad_input_by_field_and_changes_nothing(people, body, field, message):
    CalendarOverride.objects.create(date=D(2027, 1, 1), is_workday=False)
    before = _entries()
    answer = _client(people["sysadmin"]).post(API, body, content_type="application/json")
    assert answer.status_code == 422, answer.content
    errors = answer.json()["detail"]
    assert [e["loc"][-1] for e in errors] == [field]
    if message:
        assert errors[0]["msg"] == message
    assert CalendarOverride.objects.count() == 1
    assert _entries() == before


def test_the_api_refuses_an_out_of_range_year_filter(people):
    answer = _client(people["sysadmin"]).get(API, {"year": 9999})
    assert answer.status_code == 422


# The services --------------------------------------------------------------------------------


def test_the_service_writes_and_audits(people):
    override = services.calendar_override_set(
        actor=people["sysadmin"], date=D(2027, 2, 8), is_workday=False, note="春节"
    )
    assert _entries("create") == 1
    services.calendar_override_delete(actor=people["sysadmin"], override=override)
    assert _entries("delete") == 1
    assert not CalendarOverride.objects.exists()


@pytest.mark.parametrize(
    ("day", "field"),
    [(D(1989, 12, 31), "date"), (D(2101, 1, 1), "date"), (D(2027, 1, 1), "date")],
)
def test_the_service_refuses_bad_input_and_changes_nothing(people, day, field):
    CalendarOverride.objects.create(date=D(2027, 1, 1), is_workday=False)
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.calendar_override_set(actor=people["admin"], date=day, is_workday=True)
    assert list(refused.value.message_dict) == [field]
    assert str(day) in refused.value.message_dict[field][0]
    assert CalendarOverride.objects.count() == 1
    assert AuditEntry.objects.count() == before


def test_the_service_refuses_a_long_note(people):
    with pytest.raises(ValidationError) as refused:
        services.calendar_override_set(
            actor=people["admin"], date=D(2027, 5, 3), is_workday=False, note="x" * 201
        )
    assert list(refused.value.message_dict) == ["note"]
    assert not CalendarOverride.objects.exists()


@pytest.mark.parametrize("name", REFUSED)
def test_the_service_refuses_everyone_else(people, name):
    override = CalendarOverride.objects.create(date=D(2027, 1, 1), is_workday=False)
    with pytest.raises(PermissionDenied):
        services.calendar_override_set(actor=people[name], date=D(2027, 2, 8), is_workday=False)
    with pytest.raises(PermissionDenied):
        services.calendar_override_delete(actor=people[name], override=override)
    assert list(CalendarOverride.objects.values_list("pk", flat=True)) == [override.pk]


# Deadlines -----------------------------------------------------------------------------------


def test_a_holiday_entered_moves_the_deadlines_computed_after_it(world, people):
    # 2027 is a year the calendar package does not know: weekends alone, flagged estimated.
    # Fri 2027-02-05 + 10 working days: Feb 8-12, 15-19 → Fri Feb 19.
    raised_at = at(2027, 2, 5)
    before = calendar.add_working_days(raised_at.date(), 10)
    assert before.date == D(2027, 2, 19)
    assert before.estimated
    first = services.request_raise(
        actor=world.admin,
        enterprise=world.firm,
        chain=world.chain,
        category=Category.PERMITS,
        title="Before the holiday is entered",
        description="d",
        now=raised_at,
    )
    assert first.deadline == D(2027, 2, 19)

    services.calendar_override_set(
        actor=people["sysadmin"], date=D(2027, 2, 8), is_workday=False, note="春节 (test)"
    )
    services.calendar_override_set(
        actor=people["sysadmin"], date=D(2027, 2, 20), is_workday=True, note="调休 (test)"
    )
    after = calendar.add_working_days(raised_at.date(), 10)
    # Mon Feb 8 is off, Sat Feb 20 a make-up workday: the tenth working day is Sat Feb 20.
    assert after.date == D(2027, 2, 20)
    second = services.request_raise(
        actor=world.admin,
        enterprise=world.firm,
        chain=world.chain,
        category=Category.PERMITS,
        title="After the holiday is entered",
        description="d",
        now=raised_at,
    )
    assert second.deadline == D(2027, 2, 20)
    first.refresh_from_db()
    assert first.deadline == D(2027, 2, 19)  # a request already raised keeps its deadline
