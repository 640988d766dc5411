"""Deadline arithmetic in Chinese working days, checked by hand against the State Council's
holiday notices (国务院办公厅关于部分节假日安排的通知):

2025 (国办发明电〔2024〕12号)
  Spring Festival: Jan 28 (Tue) – Feb 4 (Tue) off, 8 days; Jan 26 (Sun) and Feb 8 (Sat) are
  make-up workdays.
  National Day + Mid-Autumn: Oct 1 (Wed) – Oct 8 (Wed) off, 8 days; Sep 28 (Sun) and Oct 11
  (Sat) are make-up workdays.
2026 (国办发明电〔2025〕7号)
  Spring Festival: Feb 15 (Sun) – Feb 23 (Mon) off, 9 days; Feb 14 (Sat) and Feb 28 (Sat) are
  make-up workdays.
  Mid-Autumn: Sep 25 (Fri) – Sep 27 (Sun) off. National Day: Oct 1 (Thu) – Oct 7 (Wed) off;
  Sep 20 (Sun) and Oct 10 (Sat) are make-up workdays.
chinesecalendar 1.11.0 carries the same dates (printed and compared day by day on 2026-11-25).

The day a request is raised does not count; the deadline is the N-th working day after it.
"""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from chainlead.requests.calendar import WorkCalendar
from chainlead.requests.models import CalendarOverride, CalendarYear

D = dt.date


@pytest.mark.parametrize(
    ("start", "days", "expected", "why"),
    [
        # 2025 National Day
        (D(2025, 9, 26), 1, D(2025, 9, 28), "Sat 27 off, Sun 28 is a make-up workday"),
        (D(2025, 9, 26), 5, D(2025, 10, 10), "28, 29, 30 Sep; Oct 1-8 off; 9, 10 Oct"),
        (D(2025, 9, 30), 1, D(2025, 10, 9), "the eight days off are skipped"),
        (D(2025, 9, 30), 3, D(2025, 10, 11), "Sat Oct 11 is a make-up workday"),
        (D(2025, 9, 30), 4, D(2025, 10, 13), "Sun Oct 12 is off again"),
        # 2025 Spring Festival
        (D(2025, 1, 24), 1, D(2025, 1, 26), "Sun Jan 26 is a make-up workday"),
        (D(2025, 1, 24), 3, D(2025, 2, 5), "26, 27 Jan; Jan 28 - Feb 4 off; Feb 5"),
        (D(2025, 2, 7), 1, D(2025, 2, 8), "Sat Feb 8 is a make-up workday"),
        # 2026 Spring Festival
        (D(2026, 2, 13), 1, D(2026, 2, 14), "Sat Feb 14 is a make-up workday"),
        (D(2026, 2, 13), 2, D(2026, 2, 24), "Feb 15-23 off"),
        (D(2026, 2, 27), 1, D(2026, 2, 28), "Sat Feb 28 is a make-up workday"),
        (D(2026, 2, 27), 2, D(2026, 3, 2), "Sun Mar 1 off"),
        # 2026 Mid-Autumn and National Day
        (D(2026, 9, 18), 1, D(2026, 9, 20), "Sun Sep 20 is a make-up workday"),
        (D(2026, 9, 24), 1, D(2026, 9, 28), "Sep 25-27 Mid-Autumn off"),
        (D(2026, 9, 30), 1, D(2026, 10, 8), "Oct 1-7 off"),
        (D(2026, 9, 30), 3, D(2026, 10, 10), "Sat Oct 10 is a make-up workday"),
        (D(2026, 9, 30), 4, D(2026, 10, 12), "Sun Oct 11 off"),
        # zero days: the start day itself
        (D(2026, 10, 3), 0, D(2026, 10, 3), "no working days to add"),
    ],
)
def test_add_working_days_across_holidays(start, days, expected, why):
    deadline = WorkCalendar().add_working_days(start, days)
    assert deadline.date == expected, why
    assert not deadline.estimated


def test_working_days_between_counts_make_up_days():
    cal = WorkCalendar()
    assert cal.working_days_between(D(2025, 9, 30), D(2025, 10, 11)) == 3  # Oct 9, 10, 11
    assert cal.working_days_between(D(2026, 2, 13), D(2026, 2, 28)) == 6  # 14, 24-27, 28
    assert cal.working_days_between(D(2026, 2, 28), D(2026, 2, 13)) == 0


def test_unknown_year_is_computed_on_weekends_and_flagged(db):
    cal = WorkCalendar.load()
    deadline = cal.add_working_days(D(2026, 12, 30), 5)
    # Dec 31 (Thu); 2027: Jan 1 (Fri, New Year unknown to the package, so a workday), 4, 5, 6.
    assert deadline.date == D(2027, 1, 6)
    assert deadline.estimated
    assert deadline.flag == "deadline estimated: holiday calendar for 2027 not loaded"


def test_overrides_win_and_a_year_marked_complete_is_known(db):
    CalendarOverride.objects.create(date=D(2027, 1, 1), is_workday=False, note="元旦")
    CalendarOverride.objects.create(date=D(2026, 10, 8), is_workday=False, note="test")
    cal = WorkCalendar.load()
    deadline = cal.add_working_days(D(2026, 12, 30), 5)
    assert deadline.date == D(2027, 1, 7)  # Jan 1 now off
    # One day entered says nothing of the rest of 2027: still estimated.
    assert deadline.estimated
    assert deadline.unknown_years == (2027,)
    assert cal.add_working_days(D(2026, 9, 30), 1).date == D(2026, 10, 9)

    CalendarYear.objects.create(year=2027, notice="国办发明电〔2026〕1号")
    deadline = WorkCalendar.load().add_working_days(D(2026, 12, 30), 5)
    assert deadline.date == D(2027, 1, 7)
    assert not deadline.estimated  # the admin marked 2027 complete


def test_deadline_command_prints_date_and_flag(db):
    out = StringIO()
    call_command("deadline", "--from", "2025-09-30", "--working-days", "3", stdout=out)
    assert out.getvalue().strip() == "2025-10-11"
    out = StringIO()
    call_command("deadline", "--from", "2026-12-30", "--working-days", "5", stdout=out)
    assert out.getvalue().splitlines() == [
        "2027-01-06",
        "deadline estimated: holiday calendar for 2027 not loaded",
    ]
