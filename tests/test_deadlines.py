"""Due dates (:mod:`govservice.workflow.deadlines`) on the official calendar, counted by hand.

The 2015 schedule (国办发明电〔2014〕28号): New Year 1-3 January with Sunday 4 January
worked; Spring Festival 18-24 February with Sunday 15 and Saturday 28 February worked;
the Victory Day holiday 3-5 September with Sunday 6 September worked; National Day 1-7
October with Saturday 10 October worked. 2016: New Year 1-3 January, no day swapped.
The day a period starts is not counted (行政许可法第八十二条).
"""

from __future__ import annotations

import datetime as dt

import pytest

from govservice.model import TimeLimit
from govservice.samples import make_item
from govservice.workdays import (
    Deadline,
    WorkingCalendar,
    load_schedule_file,
    official_schedules,
)
from govservice.workflow import deadlines

D = dt.date


@pytest.fixture(scope="module")
def official() -> WorkingCalendar:
    return WorkingCalendar({schedule.year: schedule for schedule in official_schedules()})


@pytest.fixture
def with_2027(official, tmp_path) -> WorkingCalendar:
    """The official calendar with a 2027 schedule read from a year file (New Year 1-3
    January off, no weekend worked)."""
    year_file = tmp_path / "2027.yaml"
    year_file.write_text(
        "year: 2027\nholidays: ['2027-01-01', '2027-01-02', '2027-01-03']\n",
        encoding="utf-8",
    )
    return official.with_schedules([load_schedule_file(year_file)])


def working(amount: int) -> TimeLimit:
    return TimeLimit(amount=amount)


def calendar_days(amount: int) -> TimeLimit:
    return TimeLimit(amount=amount, unit="calendar_days")


def hours(amount: int) -> TimeLimit:
    return TimeLimit(amount=amount, unit="hours")


# --- working days ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "amount", "due"),
    [
        # the last working day before the Spring Festival: 25, 26, 27, 28 (Sat) Feb, 2 Mar
        (D(2015, 2, 17), 5, D(2015, 3, 2)),
        (D(2015, 2, 17), 4, D(2015, 2, 28)),
        # ... then 3-6, 9-13, 16-20, 23 March
        (D(2015, 2, 17), 20, D(2015, 3, 23)),
        # Friday 13 Feb: the worked Sunday 15 Feb is day 1
        (D(2015, 2, 13), 1, D(2015, 2, 15)),
        # New Year's Eve 2014: 1-3 Jan off, Sunday 4 Jan worked
        (D(2014, 12, 31), 1, D(2015, 1, 4)),
        # Victory Day: 3-5 Sep off, Sunday 6 Sep worked
        (D(2015, 9, 2), 1, D(2015, 9, 6)),
        # National Day: 8, 9, 10 (Sat, worked), 12 Oct
        (D(2015, 9, 30), 1, D(2015, 10, 8)),
        (D(2015, 9, 30), 3, D(2015, 10, 10)),
        (D(2015, 9, 30), 4, D(2015, 10, 12)),
    ],
)
def test_working_days_skip_holidays_and_count_swapped_weekends(official, start, amount, due):
    assert deadlines.limit_due(official, working(amount), start) == Deadline(due, False)


@pytest.mark.parametrize(
    ("start", "due"),
    [
        (D(2015, 2, 17), D(2015, 2, 17)),  # a working day: the same day
        (D(2015, 2, 14), D(2015, 2, 15)),  # Saturday off: the worked Sunday after it
        (D(2015, 10, 3), D(2015, 10, 8)),  # in the National Day holiday
        (D(2015, 10, 10), D(2015, 10, 10)),  # the worked Saturday itself
    ],
)
def test_zero_working_days_is_the_same_working_day(official, start, due):
    assert deadlines.limit_due(official, working(0), start) == Deadline(due, False)
    assert deadlines.next_working_day(official, start) == Deadline(due, False)


# --- calendar days (自然日) ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "amount", "due"),
    [
        # 21 Sep + 10 = 1 Oct, in the holiday: the first working day after it
        (D(2015, 9, 21), 10, D(2015, 10, 8)),
        # 13 Feb + 5 = 18 Feb, the first day of the Spring Festival
        (D(2015, 2, 13), 5, D(2015, 2, 25)),
        # 6 Mar + 8 = Saturday 14 Mar: Monday 16 Mar
        (D(2015, 3, 6), 8, D(2015, 3, 16)),
        # 21 Feb + 7 = Saturday 28 Feb, a working day that year: it stays
        (D(2015, 2, 21), 7, D(2015, 2, 28)),
        # "六十日" from 30 Sep: Sunday 29 Nov, so Monday 30 Nov
        (D(2015, 9, 30), 60, D(2015, 11, 30)),
        # ends on Wednesday 1 April, a working day: as it falls
        (D(2015, 3, 2), 30, D(2015, 4, 1)),
    ],
)
def test_calendar_days_ending_on_a_day_off_end_on_the_next_working_day(
    official, start, amount, due
):
    assert deadlines.limit_due(official, calendar_days(amount), start) == Deadline(due, False)


def test_calendar_days_reaching_an_unpublished_year_are_provisional(official, with_2027):
    # 20 Dec 2026 + 30 = Tuesday 19 Jan 2027
    assert deadlines.limit_due(official, calendar_days(30), D(2026, 12, 20)) == Deadline(
        D(2027, 1, 19), True
    )
    assert deadlines.limit_due(with_2027, calendar_days(30), D(2026, 12, 20)) == Deadline(
        D(2027, 1, 19), False
    )
    # 31 Dec 2026 + 2 = Saturday 2 Jan 2027: the next weekday is a guess until 2027 is known
    assert deadlines.limit_due(official, calendar_days(2), D(2026, 12, 31)) == Deadline(
        D(2027, 1, 4), True
    )
    assert deadlines.limit_due(with_2027, calendar_days(2), D(2026, 12, 31)) == Deadline(
        D(2027, 1, 4), False
    )


# --- hours ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "amount", "due"),
    [
        (D(2015, 2, 17), 2, D(2015, 2, 17)),  # "0天2.0小时": the same working day
        (D(2015, 2, 17), 8, D(2015, 2, 17)),  # one working day of hours: still the same day
        (D(2015, 2, 21), 2, D(2015, 2, 25)),  # received in the holiday: the first working day
        (D(2015, 2, 17), 9, D(2015, 2, 25)),  # a second working day begun: 25 Feb
        (D(2015, 2, 17), 16, D(2015, 2, 25)),  # 2 working days of 8 hours: 17 and 25 Feb
        (D(2015, 2, 17), 24, D(2015, 2, 26)),  # 3 working days: 17, 25, 26 Feb
        (D(2015, 2, 21), 16, D(2015, 2, 26)),  # from the holiday: 25 and 26 Feb
    ],
)
def test_hours_are_counted_in_working_days_of_eight_hours(official, start, amount, due):
    assert deadlines.limit_due(official, hours(amount), start) == Deadline(due, False)


def test_hours_in_an_unpublished_year_are_provisional(official, with_2027):
    # Friday 1 Jan 2027 is a weekday; whether it is worked is not known yet
    assert deadlines.limit_due(official, hours(2), D(2027, 1, 1)) == Deadline(D(2027, 1, 1), True)
    assert deadlines.limit_due(with_2027, hours(2), D(2027, 1, 1)) == Deadline(
        D(2027, 1, 4), False
    )


# --- both due dates of a case -----------------------------------------------------------------


def test_the_promised_and_legal_due_dates_of_an_item(official):
    due = deadlines.due_dates(official, make_item(), D(2015, 2, 17))  # 5 and 20 working days
    assert (due.promised, due.legal) == (Deadline(D(2015, 3, 2)), Deadline(D(2015, 3, 23)))
    assert not due.provisional


def test_a_promise_in_calendar_days_never_falls_after_the_legal_limit(official):
    item = make_item(legal_limit=working(10), promised_limit=calendar_days(20))
    due = deadlines.due_dates(official, item, D(2015, 2, 13))
    # legal: 15 (Sun, worked), 16, 17, 25, 26, 27, 28 (Sat, worked) Feb, 2, 3, 4 Mar;
    # promised: 13 Feb + 20 = 5 Mar, later than the law allows
    assert due.legal == Deadline(D(2015, 3, 4))
    assert due.promised == due.legal


def test_a_promise_in_calendar_days_within_the_legal_limit_is_kept(official):
    item = make_item(legal_limit=working(20), promised_limit=calendar_days(15))
    due = deadlines.due_dates(official, item, D(2015, 9, 21))
    # promised: 21 Sep + 15 = 6 Oct, in the holiday: 8 Oct
    # legal: 22-25, 28-30 Sep, 8, 9, 10 (Sat), 12-16, 19-23 Oct
    assert (due.promised.due, due.legal.due) == (D(2015, 10, 8), D(2015, 10, 23))


def test_both_due_dates_are_provisional_when_either_reaches_an_unknown_year(official, with_2027):
    start = D(2026, 12, 1)  # promised 8 Dec 2026; legal 29 Dec 2026
    assert not deadlines.due_dates(official, make_item(), start).provisional
    item = make_item(legal_limit=working(30))
    # legal: 2-4, 7-11, 14-18, 21-25, 28-31 Dec (22), then 1, 4-8, 11, 12 Jan 2027 on
    # weekdays alone
    due = deadlines.due_dates(official, item, start)
    assert (due.promised, due.legal) == (Deadline(D(2026, 12, 8)), Deadline(D(2027, 1, 12), True))
    assert due.provisional
    # 1 Jan 2027 off: one working day later, and certain
    known = deadlines.due_dates(with_2027, item, start)
    assert known.legal == Deadline(D(2027, 1, 13), False)
    assert not known.provisional


# --- special procedures (特别程序) -------------------------------------------------------------


@pytest.mark.parametrize(
    ("suspended", "resumed", "days"),
    [
        (D(2015, 3, 3), D(2015, 3, 3), 0),  # resumed the same day
        (D(2015, 3, 6), D(2015, 3, 9), 1),  # Friday to Monday: Monday
        (D(2015, 9, 25), D(2015, 10, 12), 7),  # 28, 29, 30 Sep, 8, 9, 10 (Sat), 12 Oct
        (D(2015, 2, 13), D(2015, 2, 25), 4),  # 15 (Sun, worked), 16, 17, 25 Feb
        (D(2015, 9, 30), D(2015, 10, 5), 0),  # resumed inside the holiday
        (D(2015, 9, 30), D(2015, 10, 10), 3),  # 8, 9, 10 Oct
    ],
)
def test_a_procedure_excludes_the_working_days_after_it_began_up_to_its_end(
    official, suspended, resumed, days
):
    assert deadlines.excluded_days(official, suspended, resumed) == days


def test_a_due_date_is_pushed_back_by_working_days(official, with_2027):
    # 29 Sep + 7: 30 Sep, 8, 9, 10 (Sat), 12, 13, 14 Oct
    assert deadlines.extended(official, D(2015, 9, 29), 7) == Deadline(D(2015, 10, 14))
    assert deadlines.extended(official, D(2015, 9, 29), 0) == Deadline(D(2015, 9, 29))
    # 30 Dec 2026 + 3: 31 Dec, then 1 and 4 Jan 2027 on weekdays alone
    assert deadlines.extended(official, D(2026, 12, 30), 3) == Deadline(D(2027, 1, 4), True)
    assert deadlines.extended(with_2027, D(2026, 12, 30), 3) == Deadline(D(2027, 1, 5), False)


# --- local closures ------------------------------------------------------------------------------


def test_a_local_closure_day_is_skipped_like_a_holiday(official):
    guangrao = official.with_closures([D(2015, 12, 31)])  # 闭厅日, year-end archive transfer
    start = D(2015, 12, 28)  # Monday
    # 29, 30, 31 Dec, 4, 5 Jan (1-3 Jan 2016 off)
    assert deadlines.limit_due(official, working(5), start) == Deadline(D(2016, 1, 5))
    # 29, 30 Dec, 4, 5, 6 Jan
    assert deadlines.limit_due(guangrao, working(5), start) == Deadline(D(2016, 1, 6))
    # 3 Dec + 28 = 31 Dec, closed: the next working day is 4 Jan 2016
    assert deadlines.limit_due(guangrao, calendar_days(28), D(2015, 12, 3)) == Deadline(
        D(2016, 1, 4)
    )
