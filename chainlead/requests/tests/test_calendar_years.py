"""A year the calendar package does not know becomes known only when an administrator marks it
complete, with the State Council's notice it was entered from: one day entered (a correction)
says nothing of the rest of its year, so its deadlines stay estimated until then."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from chainlead.accounts.choices import Role
from chainlead.audit.models import AuditEntry
from chainlead.core.exceptions import PermissionDenied
from chainlead.requests import calendar, services
from chainlead.requests.models import CalendarOverride, CalendarYear
from chainlead.requests.tests.factories import UserFactory, grant

D = dt.date
PAGE = "requests:calendar"
API = "/api/v1/requests/calendar/years"
NOTICE = "国办发明电〔2026〕1号"


@pytest.fixture
def sysadmin(db):
    return grant(UserFactory(username="sysadmin"), Role.SYSTEM_ADMIN)


@pytest.fixture
def new_year_entered(db):
    """2027 (unknown to the package) with New Year's Day entered."""
    return CalendarOverride.objects.create(date=D(2027, 1, 1), is_workday=False, note="元旦")


def _client(user, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def _year_entries(action: str) -> int:
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(CalendarYear), action=action
    ).count()


def test_marking_a_year_complete_makes_its_deadlines_exact(sysadmin, new_year_entered):
    assert calendar.add_working_days(D(2026, 12, 30), 5).unknown_years == (2027,)
    completed = services.calendar_year_complete(actor=sysadmin, year=2027, notice=f" {NOTICE} ")
    assert completed.notice == NOTICE
    assert _year_entries("create") == 1
    deadline = calendar.add_working_days(D(2026, 12, 30), 5)
    assert deadline.date == D(2027, 1, 7)
    assert not deadline.estimated

    services.calendar_year_reopen(actor=sysadmin, completed=completed)
    assert _year_entries("delete") == 1
    assert calendar.add_working_days(D(2026, 12, 30), 5).estimated


@pytest.mark.parametrize(
    ("year", "notice", "field", "reason"),
    [
        (2026, NOTICE, "year", "already knows 2026"),
        (2028, NOTICE, "year", "Enter 2028's holidays"),
        (2101, NOTICE, "year", "between 1990 and 2100"),
        (2027, "  ", "notice", "Name the notice"),
    ],
)
def test_a_refused_year_names_its_field_and_changes_nothing(
    sysadmin, new_year_entered, year, notice, field, reason
):
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.calendar_year_complete(actor=sysadmin, year=year, notice=notice)
    assert list(refused.value.message_dict) == [field]
    assert reason in refused.value.message_dict[field][0]
    assert not CalendarYear.objects.exists()
    assert AuditEntry.objects.count() == before


def test_a_year_is_marked_once(sysadmin, new_year_entered):
    services.calendar_year_complete(actor=sysadmin, year=2027, notice=NOTICE)
    with pytest.raises(ValidationError) as refused:
        services.calendar_year_complete(actor=sysadmin, year=2027, notice="again")
    assert refused.value.message_dict["year"] == ["2027 is already marked complete."]
    assert list(CalendarYear.objects.values_list("notice", flat=True)) == [NOTICE]


def test_only_calendar_editors_mark_or_reopen_a_year(world, new_year_entered):
    completed = CalendarYear.objects.create(year=2027, notice=NOTICE)
    for user in (world.auditor, world.task_force, world.firm_user):
        with pytest.raises(PermissionDenied):
            services.calendar_year_complete(actor=user, year=2027, notice=NOTICE)
        with pytest.raises(PermissionDenied):
            services.calendar_year_reopen(actor=user, completed=completed)
    assert CalendarYear.objects.get().pk == completed.pk


def test_the_page_marks_a_year_complete_and_reopens_it(sysadmin, new_year_entered):
    client = _client(sysadmin)
    page = client.get(reverse(PAGE), {"year": 2027}).content.decode()
    assert 'data-testid="calendar-package-unknown"' in page
    assert 'data-testid="calendar-year-complete-submit"' in page

    refused = client.post(reverse("requests:calendar_year_complete", args=[2027]), {"notice": ""})
    assert refused.status_code == 200
    assert "notice" in refused.context["year_form"].errors
    assert not CalendarYear.objects.exists()

    marked = client.post(
        reverse("requests:calendar_year_complete", args=[2027]), {"notice": NOTICE}
    )
    assert marked.status_code == 302
    assert marked["Location"].endswith("?year=2027")
    completed = CalendarYear.objects.get(year=2027)
    assert AuditEntry.objects.filter(
        object_id=str(completed.pk), action="create", actor=sysadmin, source="web"
    ).exists()
    page = client.get(reverse(PAGE), {"year": 2027}).content.decode()
    assert 'data-testid="calendar-year-complete"' in page
    assert NOTICE in page
    assert 'data-testid="calendar-year-complete-submit"' not in page

    reopened = client.post(reverse("requests:calendar_year_reopen", args=[completed.pk]))
    assert reopened.status_code == 302
    assert not CalendarYear.objects.exists()


def test_the_page_refuses_a_year_without_entries_on_its_field(sysadmin):
    answer = _client(sysadmin).post(
        reverse("requests:calendar_year_complete", args=[2028]), {"notice": NOTICE}
    )
    assert answer.status_code == 200
    assert answer.context["year_form"].non_field_errors() == [
        "Enter 2028's holidays and make-up workdays first."
    ]
    assert 'data-testid="calendar-year-complete-submit"' in answer.content.decode()


def test_the_page_reads_in_chinese(sysadmin, new_year_entered):
    CalendarYear.objects.create(year=2027, notice=NOTICE)
    page = _client(sysadmin, "zh-hans").get(reverse(PAGE), {"year": 2027}).content.decode()
    assert "2027 年已标记为完整" in page


def test_the_api_marks_lists_and_reopens(sysadmin, new_year_entered):
    client = _client(sysadmin)
    made = client.post(API, {"year": 2027, "notice": NOTICE}, content_type="application/json")
    assert made.status_code == 201, made.content
    assert made.json()["year"] == 2027
    assert [row["year"] for row in client.get(API).json()] == [2027]
    refused = client.post(API, {"year": 2026, "notice": NOTICE}, content_type="application/json")
    assert refused.status_code == 422
    assert [e["loc"][-1] for e in refused.json()["detail"]] == ["year"]
    assert client.delete(f"{API}/{made.json()['id']}").status_code == 204
    assert client.get(API).json() == []


def test_the_api_is_refused_to_others(world, new_year_entered):
    client = _client(world.auditor)
    assert client.get(API).status_code == 403
    made = client.post(API, {"year": 2027, "notice": NOTICE}, content_type="application/json")
    assert made.status_code == 403
    assert not CalendarYear.objects.exists()


def test_upgrading_keeps_the_years_already_entered_known(db):
    """Before completed years existed any override made its year known: the migration marks
    the years already entered that the package does not know, so no deadline changes."""
    CalendarOverride.objects.create(date=D(2027, 1, 1), is_workday=False)
    CalendarOverride.objects.create(date=D(2026, 10, 8), is_workday=False)  # the package knows
    migration = importlib.import_module("chainlead.requests.migrations.0006_calendar_years")
    migration.keep_entered_years_known(apps, None)
    assert list(CalendarYear.objects.values_list("year", flat=True)) == [2027]
