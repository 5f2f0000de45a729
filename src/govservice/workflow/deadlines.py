"""Due dates of a case: the item's limits counted on the region's working calendar.

- Working days (行政许可法第八十二条): the day the clock starts is not counted; day 1 is
  the next working day. A limit of 0 working days (即办件) is due the same day, or the
  next working day when the clock starts on a day off.
- Calendar days (自然日): counted on the calendar; a period ending on a day off ends on
  the next working day instead (期间届满的最后一日是节假日的，以节假日后的第一日为期间届满的日期).
- Hours are working hours on the same calendar, 8 to a working day, and run from the
  moment of acceptance, taken as the opening of the day of acceptance (or of the first
  working day after it): up to 8 hours is due that day, 16 hours the next working day,
  and so on (rounded up to whole days). The model compares limits by the same reading
  (:mod:`govservice.model._spans`), so a promise it accepts beside the legal limit is
  never due after it.
- A limit that differs by the kind of document applied for (``TimeLimit.variants``) is
  counted for the case's kind (``Case.document_kind``).
- Special procedures (特别程序, 第四十五条) push both due dates back by the working days
  they lasted: from the day after the suspension to the day of resumption.
- An application neither accepted nor sent back for a supplement within
  :data:`ACCEPTANCE_DAYS` working days of receipt counts as accepted on receipt
  (第三十二条): its clock starts on the day of receipt.

A due date counted through a year whose official schedule is not loaded is marked
provisional (:class:`~govservice.workdays.Deadline`), never passed off as certain.
"""

from __future__ import annotations

import datetime as dt
import math

import attrs

from govservice.model import Item, TimeLimit, TimeUnit
from govservice.model._spans import WORKING_HOURS_PER_DAY
from govservice.workdays import Deadline, WorkingCalendar

HOURS_PER_DAY = WORKING_HOURS_PER_DAY
"""Working hours in a working day: an hour limit is counted in working days of these."""

ACCEPTANCE_DAYS = 5
"""Working days after receipt (the day of receipt not counted) within which an application
is accepted, refused, or sent back with one notice of every material to supplement
(行政许可法第三十二条). One left unanswered longer counts as accepted on receipt."""


@attrs.frozen
class DueDates:
    """The promised and legal due dates of a case."""

    promised: Deadline
    legal: Deadline

    @property
    def provisional(self) -> bool:
        return self.promised.provisional or self.legal.provisional


def next_working_day(calendar: WorkingCalendar, day: dt.date) -> Deadline:
    """``day`` if it is a working day, else the first working day after it."""
    provisional = not calendar.knows(day.year)
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
        provisional = provisional or not calendar.knows(day.year)
    return Deadline(day, provisional)


def limit_due(calendar: WorkingCalendar, limit: TimeLimit, start: dt.date) -> Deadline:
    """The day a period of ``limit`` that starts on ``start`` ends."""
    if limit.unit is TimeUnit.HOURS:
        first = next_working_day(calendar, start)
        extra = max(math.ceil(limit.amount / HOURS_PER_DAY) - 1, 0)
        if not extra:
            return first
        later = calendar.add_working_days(first.due, extra)
        return Deadline(later.due, first.provisional or later.provisional)
    if limit.unit is TimeUnit.CALENDAR_DAYS:
        end = next_working_day(calendar, start + dt.timedelta(days=limit.amount))
        known = all(calendar.knows(year) for year in range(start.year, end.due.year + 1))
        return Deadline(end.due, end.provisional or not known)
    if limit.amount == 0:
        return next_working_day(calendar, start)
    return calendar.add_working_days(start, limit.amount)


def due_dates(
    calendar: WorkingCalendar, item: Item, start: dt.date, document_kind: str | None = None
) -> DueDates:
    """Both due dates of a case of ``item`` whose clock starts on ``start``, for a case
    applying for a document of ``document_kind`` (the item's limits for that kind, when
    they differ); the promised one never after the legal one."""
    legal = limit_due(calendar, item.legal_limit.for_document(document_kind), start)
    promised = limit_due(calendar, item.promised_limit.for_document(document_kind), start)
    if promised.due > legal.due:  # a promise in other units cannot exceed the law
        promised = legal
    return DueDates(promised, legal)


def acceptance_due(calendar: WorkingCalendar, received: dt.date) -> Deadline:
    """The last day to accept, refuse or send back an application received on ``received``
    (:data:`ACCEPTANCE_DAYS` working days later)."""
    return calendar.add_working_days(received, ACCEPTANCE_DAYS)


def extended(calendar: WorkingCalendar, due: dt.date, days: int) -> Deadline:
    """``due`` pushed back by ``days`` working days (the length of a special procedure)."""
    return calendar.add_working_days(due, days) if days else Deadline(due, False)


def excluded_days(calendar: WorkingCalendar, suspended_on: dt.date, resumed_on: dt.date) -> int:
    """Working days a special procedure took: after the day it began, up to and including
    the day the case resumed (0 when it resumed the same day)."""
    return calendar.working_days_between(suspended_on, resumed_on)
