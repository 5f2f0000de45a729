"""How long a published time limit can last, in working hours: the one reading of hours.

The law counts the periods of a licence in working days (行政许可法第八十二条) and an hour
limit in working hours: 8 to a working day, on the same working-day calendar. Both
comparisons of limits (:meth:`~govservice.model.TimeLimit.certainly_exceeds`,
:meth:`~govservice.model.TimeLimit.could_exceed`) and the deadline engine
(:mod:`govservice.workflow.deadlines`) follow this reading:

- Positions are working hours from the opening of the first working day of the period
  (the day the clock starts when it is a working day, else the next working day); the
  end of that day's hours is 8, the end of the next working day's 16, and so on.
- A period of N working days starts at the end of the day the clock starts (that day is
  not counted): it ends at 8(N + 1) when the clock starts on a working day, at 8N (8 for
  N = 0) when it starts on a day off.
- A period of H hours runs from the moment of acceptance: on a working day that moment
  lies between the opening (the deadline engine's reading, the earliest end) and the
  close of its hours, so the period ends between H and H + 8; from a day off it ends at H.
- A period of M calendar days ends on the first working day on or after the M-th day,
  which lies anywhere from the next working day to the M-th working day, depending on
  the holidays between.

A comparison is made for both kinds of starting day, and says only what holds for every
calendar: "certainly exceeds" when the one's earliest end is after the other's latest in
both, "could exceed" when the one's latest end is after the other's earliest in either.
Units are the :class:`~govservice.model.TimeUnit` values, so this module needs nothing of
the model.
"""

from __future__ import annotations

WORKING_HOURS_PER_DAY = 8
"""Working hours in a working day: the unit an hour limit is counted in."""

WORKING_DAYS, CALENDAR_DAYS, HOURS = "working_days", "calendar_days", "hours"

Span = tuple[int, int]
"""The earliest and the latest end of a period, as positions in working hours."""


def span(amount: int, unit: str, *, starts_on_working_day: bool) -> Span:
    """The earliest and latest end of a period of ``amount`` ``unit`` (module docstring)."""
    day = WORKING_HOURS_PER_DAY
    if unit == WORKING_DAYS:
        end = day * (amount + 1) if starts_on_working_day else day * max(amount, 1)
        return end, end
    if unit == HOURS:
        return amount, amount + day if starts_on_working_day else amount
    if amount == 0:  # calendar days: due on the day itself, or the next working day
        return day, day
    if starts_on_working_day:
        return 2 * day, day * (amount + 1)
    return day, day * amount


def certainly_exceeds(first: tuple[int, str], second: tuple[int, str]) -> bool:
    """Whether a period of ``first`` (amount, unit) ends after one of ``second`` however
    the calendar falls, both starting at the same time."""
    if first[1] == second[1]:
        return first[0] > second[0]
    return all(
        span(*first, starts_on_working_day=working)[0]
        > span(*second, starts_on_working_day=working)[1]
        for working in (True, False)
    )


def could_exceed(first: tuple[int, str], second: tuple[int, str]) -> bool:
    """Whether a period of ``first`` may end after one of ``second`` on some calendar."""
    if first[1] == second[1]:
        return first[0] > second[0]
    return any(
        span(*first, starts_on_working_day=working)[1]
        > span(*second, starts_on_working_day=working)[0]
        for working in (True, False)
    )
