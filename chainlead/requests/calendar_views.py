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
from chainlead.requests.calendar import WorkCalendar
from chainlead.requests.constants import CALENDAR_FIRST_YEAR, CALENDAR_LAST_YEAR
from chainlead.requests.forms import CalendarOverrideForm
from chainlead.requests.models import CalendarOverride
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
    return render(
        request,
        "requests/calendar.html",
        {
            "year": year,
            "years": years,
            "overrides": selectors.calendar_overrides(user=request.user, year=year),
            # Whether the calendar package carries this year's notice (else every holiday and
            # make-up workday of the year must be entered here, or deadlines are estimated).
            "package_knows_year": WorkCalendar().knows_year(year),
            "form": form,
        },
    )


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
