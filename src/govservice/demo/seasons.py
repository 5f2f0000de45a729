"""When applications arrive: the seasons of a real hall over a year of working days.

A city hall is not equally busy every day. Across the Spring Festival it is nearly empty:
the week before the holiday people stop starting things and the week after they come back
slowly; around the short holidays (清明, 五一, 端午, 中秋 and 国庆) the day before and the day
after are lighter, and a working weekend (调休上班) lighter still; Mondays are the busiest
days of a week, Fridays lighter; the summer is a little slower, March picks up after the
festival, and the last weeks of the year are the busiest of all (budgets and permits
before year end).

The days come from the centre's working calendar (:class:`~govservice.workdays.WorkingCalendar`,
the official schedule of ``chinese-calendar`` with the county's closures): only working
days take applications, and holidays are found in it, not written here. Everything random
comes from the ``random.Random`` passed in: the same seed, the same year.
"""

from __future__ import annotations

import datetime as dt
import random

import attrs

from govservice.clock import SHANGHAI
from govservice.workdays import WorkingCalendar

HALL_HOURS = ((dt.time(9, 0), dt.time(12, 0)), (dt.time(13, 30), dt.time(17, 0)))
"""When the hall's windows are open (上午 9:00–12:00, 下午 13:30–17:00)."""

MORNING_SHARE = 0.62
"""The share of applications handed in in the morning (the queue is longest before noon)."""


@attrs.frozen
class ArrivalDay:
    """One working day of the year and how many applications arrive on it."""

    day: dt.date
    weight: float
    """How busy the day is against an ordinary working day (1.0)."""
    count: int


def holidays(calendar: WorkingCalendar, year: int) -> list[tuple[dt.date, dt.date]]:
    """The runs of three or more days off in ``year`` (weekends joined to the holidays
    they touch): the Spring Festival, 清明, 五一, 端午, 中秋, 国庆 ... as the calendar has
    them."""
    runs, start = [], None
    day = dt.date(year, 1, 1)
    end = dt.date(year, 12, 31)
    while day <= end + dt.timedelta(days=1):
        off = day <= end and not calendar.is_working_day(day)
        if off and start is None:
            start = day
        elif not off and start is not None:
            if (day - start).days >= 3:
                runs.append((start, day - dt.timedelta(days=1)))
            start = None
        day += dt.timedelta(days=1)
    return runs


def spring_festival(calendar: WorkingCalendar, year: int) -> tuple[dt.date, dt.date] | None:
    """The Spring Festival holiday of ``year``: the longest run of days off between
    January 15 and March 5 (2015: 18–24 February)."""
    return _festival(holidays(calendar, year), year)


def _festival(runs: list[tuple[dt.date, dt.date]], year: int) -> tuple[dt.date, dt.date] | None:
    early = [run for run in runs if dt.date(year, 1, 15) <= run[0] <= dt.date(year, 3, 5)]
    return max(early, key=lambda run: (run[1] - run[0]).days, default=None)


def day_weight(
    calendar: WorkingCalendar,
    day: dt.date,
    runs: list[tuple[dt.date, dt.date]] | None = None,
) -> float:
    """How busy working day ``day`` is against an ordinary working day (1.0), by the
    seasons described in this module; 0 for a day off. ``runs`` are the year's
    :func:`holidays`, found when not given."""
    if runs is None:
        runs = holidays(calendar, day.year)
    if not calendar.is_working_day(day):
        return 0.0
    weight = _WEEKDAY[day.weekday()]
    if day.weekday() >= 5:  # a working weekend (调休上班): people do not expect it
        weight = 0.45
    weight *= _MONTH[day.month]
    if day.month == 12 or (day.month == 11 and day.day >= 16):  # before year end
        weight *= 1.15 + 0.35 * min(1.0, ((day - dt.date(day.year, 11, 16)).days) / 40)
    festival = _festival(runs, day.year)
    if festival is not None:
        before = (festival[0] - day).days
        after = (day - festival[1]).days
        if 0 < before <= 7:  # the week before: nobody starts anything
            weight *= 0.35 + 0.04 * before
        elif 0 < after <= 10:  # the return, slow at first
            weight *= 0.4 + 0.05 * after
        elif 7 < before <= 21:
            weight *= 0.85
    for first, last in runs:
        if festival is not None and first == festival[0]:
            continue
        if (
            _working_days_apart(calendar, day, first) == 1
            or _working_days_apart(calendar, last, day) == 1
        ):
            weight *= 0.75
    return weight


def arrivals(
    calendar: WorkingCalendar, year: int, total: int, rng: random.Random
) -> list[ArrivalDay]:
    """``total`` applications spread over the working days of ``year`` by their weight
    (:func:`day_weight`) with some day-to-day noise; the counts add up to ``total``."""
    if total < 0:
        raise ValueError("a number of applications is not negative")
    days, weights = [], []
    runs = holidays(calendar, year)
    day = dt.date(year, 1, 1)
    while day.year == year:
        weight = day_weight(calendar, day, runs)
        if weight > 0:
            days.append(day)
            weights.append(weight * max(0.6, rng.gauss(1.0, 0.08)))
        day += dt.timedelta(days=1)
    whole = sum(weights)
    shares = [total * weight / whole for weight in weights]
    counts = [int(share) for share in shares]
    left = total - sum(counts)
    # the largest remainders take the applications left over, ties broken by the date
    order = sorted(range(len(days)), key=lambda i: (counts[i] - shares[i], i))
    for index in order[:left]:
        counts[index] += 1
    return [
        ArrivalDay(day=d, weight=round(w, 3), count=c)
        for d, w, c in zip(days, weights, counts, strict=True)
    ]


def arrival_time(day: dt.date, rng: random.Random) -> dt.datetime:
    """A moment the hall is open on ``day`` (Asia/Shanghai), more often in the morning,
    to the minute."""
    opens, closes = HALL_HOURS[0] if rng.random() < MORNING_SHARE else HALL_HOURS[1]
    start = opens.hour * 60 + opens.minute
    span = closes.hour * 60 + closes.minute - start - 15  # the last quarter hour: no queue
    minute = start + int(rng.triangular(0, span, span * 0.3))
    return dt.datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=SHANGHAI)


_WEEKDAY = (1.18, 1.05, 1.0, 0.97, 0.86, 1.0, 1.0)
_MONTH = {
    1: 0.95,
    2: 0.9,
    3: 1.1,
    4: 1.02,
    5: 1.0,
    6: 1.0,
    7: 0.93,
    8: 0.92,
    9: 1.02,
    10: 0.98,
    11: 1.02,
    12: 1.0,
}


def _working_days_apart(calendar: WorkingCalendar, earlier: dt.date, later: dt.date) -> int:
    """Working days after ``earlier`` up to ``later`` (``later`` counted when it is one),
    or 0 when ``later`` is not after ``earlier``."""
    if later <= earlier or (later - earlier).days > 14:
        return 0
    return calendar.working_days_between(earlier, later) + (
        0 if calendar.is_working_day(later) else 1
    )
