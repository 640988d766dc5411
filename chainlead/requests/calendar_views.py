"""The working-day calendar page: the holidays and make-up workdays entered over the calendar
package (which knows the State Council's notices only up to the last year it was released
for), by year; add one, delete one. For the system administrator and city admins
(`permissions.configures_calendar`); the services check and audit every write."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from chainlead.core.generic import get_in_scope, show_service_error
from chainlead.core.views import permission_required
from chainlead.requests import selectors, services
from chainlead.requests.calendar import package_knows_year
from chainlead.requests.constants import CALENDAR_FIRST_YEAR, CALENDAR_LAST_YEAR
from chainlead.requests.forms import CalendarOverrideForm, CalendarYearForm
from chainlead.requests.models import CalendarOverride, CalendarYear
from chainlead.requests.permissions import configures_calendar


def _year(request: HttpRequest) -> int:
    """The year asked for (`?year=`), else this year; a year out of range is this year."""
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return this_year
    return year if CALENDAR_FIRST_YEAR <= year <= CALENDAR_LAST_YEAR else this_year


def _year_url(year: int) -> str:
    return f"{reverse('requests:calendar')}?year={year}"


@permission_required(configures_calendar)
@require_http_methods(["GET", "POST"])
def calendar(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    form = CalendarOverrideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.calendar_override_set(
                actor=request.user,
                date=data["date"],
                is_workday=data["kind"] == CalendarOverrideForm.WORKDAY,
                note=data["note"],
            )
        except ValidationError as error:
            show_service_error(request, error, form)
        else:
            messages.success(request, _("%(date)s is entered.") % {"date": saved.date})
            return redirect(_year_url(saved.date.year))
    this_year = timezone.localdate().year
    years = sorted(
        set(selectors.calendar_override_years(user=request.user)) | {this_year, this_year + 1, year}
    )
    return _render_year(request, year, years, form=form)


def _render_year(
    request: HttpRequest,
    year: int,
    years: list[int],
    *,
    form: CalendarOverrideForm | None = None,
    year_form: CalendarYearForm | None = None,
) -> HttpResponse:
    overrides = selectors.calendar_overrides(user=request.user, year=year)
    return render(
        request,
        "requests/calendar.html",
        {
            "year": year,
            "years": years,
            "overrides": overrides,
            # Whether the calendar package carries this year's notice (else every holiday and
            # make-up workday of the year must be entered here and the year marked complete,
            # or its deadlines are estimated).
            "package_knows_year": package_knows_year(year),
            "completed": selectors.calendar_years(user=request.user).filter(year=year).first(),
            "form": form or CalendarOverrideForm(),
            "year_form": year_form or CalendarYearForm(),
        },
    )


@permission_required(configures_calendar)
@require_POST
def calendar_year_complete(request: HttpRequest, year: int) -> HttpResponse:
    form = CalendarYearForm(request.POST)
    if form.is_valid():
        try:
            services.calendar_year_complete(
                actor=request.user, year=year, notice=form.cleaned_data["notice"]
            )
        except ValidationError as error:
            show_service_error(request, error, form)
        else:
            messages.success(
                request,
                _("%(year)d is marked complete: its deadlines are exact from now on.")
                % {"year": year},
            )
            return redirect(_year_url(year))
    years = sorted(set(selectors.calendar_override_years(user=request.user)) | {year})
    return _render_year(request, year, years, year_form=form)


@permission_required(configures_calendar)
@require_POST
def calendar_year_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    completed: CalendarYear = get_in_scope(selectors.calendar_years, request, pk)
    services.calendar_year_reopen(actor=request.user, completed=completed)
    messages.success(
        request,
        _("%(year)d is no longer marked complete: its deadlines are estimated again.")
        % {"year": completed.year},
    )
    return redirect(_year_url(completed.year))


@permission_required(configures_calendar)
@require_POST
def calendar_delete(request: HttpRequest, pk: int) -> HttpResponse:
    override: CalendarOverride = get_in_scope(selectors.calendar_overrides, request, pk)
    services.calendar_override_delete(actor=request.user, override=override)
    messages.success(
        request,
        _("The entry for %(date)s is deleted; the calendar package decides that day again.")
        % {"date": override.date},
    )
    return redirect(_year_url(override.date.year))
