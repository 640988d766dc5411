"""Chinese working days: weekends, public holidays and the official make-up workdays (调休).

The State Council publishes each December the next year's holidays and the weekend days that
become workdays (e.g. 国办发明电〔2024〕12号 for 2025, 国办发明电〔2025〕7号 for 2026). The
`chinesecalendar` package carries those notices for the years it knows; `CalendarOverride` rows
entered by an admin take precedence over it (corrections, or a year the package does not know
yet). A year the package does not know counts as known once an admin marks it complete
(`CalendarYear`, with the notice it was entered from): one override alone corrects one day and
says nothing of the rest of its year. A date in a year neither knows is judged by the weekend
(and any overrides) alone, and whatever is computed from it is flagged as estimated.

Counting convention (as in 行政许可法 art. 82 and most 首问负责/限时办结 rules): the day a
request is raised does not count; the deadline is the N-th working day after it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

import chinese_calendar


@dataclass
class WorkCalendar:
    """Working-day arithmetic with the overrides loaded once (pass one around in loops)."""

    overrides: dict[dt.date, bool] = field(default_factory=dict)
    completed_years: frozenset[int] = frozenset()

    @classmethod
    def load(cls) -> WorkCalendar:
        from chainlead.requests.models import CalendarOverride, CalendarYear

        return cls(
            overrides=dict(CalendarOverride.objects.values_list("date", "is_workday")),
            completed_years=frozenset(CalendarYear.objects.values_list("year", flat=True)),
        )

    def knows_year(self, year: int) -> bool:
        """Whether the holidays of `year` are loaded: the package carries its notice, or an admin
        marked the year complete."""
        return year in self.completed_years or package_knows_year(year)

    def is_workday(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            return day.weekday() < 5

    def add_working_days(self, start: dt.date, days: int) -> Deadline:
        """The `days`-th working day after `start` (0 → `start` itself)."""
        day = start
        years: set[int] = set()
        remaining = days
        while remaining > 0:
            day += dt.timedelta(days=1)
            if not self.knows_year(day.year):
                years.add(day.year)
            if self.is_workday(day):
                remaining -= 1
        return Deadline(day, tuple(sorted(years)))

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days d with start < d ≤ end (0 when end ≤ start)."""
        count = 0
        day = start
        while day < end:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                count += 1
        return count

    def unknown_years(self, days: Iterable[dt.date]) -> tuple[int, ...]:
        return tuple(sorted({d.year for d in days if not self.knows_year(d.year)}))


@dataclass(frozen=True)
class Deadline:
    """A computed date, with the years whose holidays were not known (then it is estimated)."""

    date: dt.date
    unknown_years: tuple[int, ...] = ()

    @property
    def estimated(self) -> bool:
        return bool(self.unknown_years)

    @property
    def flag(self) -> str:
        """The warning shown beside an estimated deadline (empty when exact)."""
        if not self.unknown_years:
            return ""
        years = ", ".join(str(y) for y in self.unknown_years)
        return f"deadline estimated: holiday calendar for {years} not loaded"


def package_knows_year(year: int) -> bool:
    """Whether the calendar package carries the State Council's notice for `year`."""
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def add_working_days(start: dt.date, days: int) -> Deadline:
    return WorkCalendar.load().add_working_days(start, days)


def working_days_between(start: dt.date, end: dt.date) -> int:
    return WorkCalendar.load().working_days_between(start, end)
