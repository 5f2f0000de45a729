"""Training of grassroots staff (业务培训): a session and who attended it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs

from govservice.model import _checks

__all__ = ["Attendance", "TrainingSession"]


def _hours(instance: TrainingSession, attribute: attrs.Attribute, value: Decimal) -> None:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise ValueError("TrainingSession.hours: the hours are a Decimal or an int, not a float")
    if not Decimal(value).is_finite() or value <= 0 or value > 24:
        raise ValueError(f"TrainingSession.hours: {value} is not 0 < hours <= 24")


def _as_hours(value: object) -> object:
    return Decimal(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _no_one_twice(
    instance: TrainingSession, attribute: attrs.Attribute, value: tuple[Attendance, ...]
) -> None:
    seen: set[tuple[str, str]] = set()
    for attendance in value:
        key = (attendance.station_code, attendance.name)
        if key in seen:
            raise ValueError(
                f"TrainingSession.attendance: {attendance.name} of station "
                f"{attendance.station_code} is listed twice"
            )
        seen.add(key)


@attrs.frozen(kw_only=True)
class Attendance:
    """One person at a session (one person-time, 人次), with the station they work at."""

    name: str = attrs.field(validator=_checks.non_empty)
    station_code: str = attrs.field(validator=_checks.matches(_checks.CODE, "GR-DAWANG-01"))
    staff_number: str | None = attrs.field(
        default=None, validator=_checks.matches(_checks.CODE, "DY-0317")
    )


@attrs.frozen(kw_only=True)
class TrainingSession:
    """A training session: when, on what, how long, by whom and where; and who came."""

    id: str = attrs.field(validator=_checks.matches(_checks.CODE, "PX2015-001"))
    on: dt.date
    topic: str = attrs.field(validator=_checks.non_empty)
    hours: Decimal = attrs.field(converter=_as_hours, validator=_hours)
    """Hours of the session (``Decimal``, e.g. ``Decimal("3.5")``); each attendant is
    credited with them."""
    trainer: str = attrs.field(validator=_checks.non_empty)
    place: str = attrs.field(validator=_checks.non_empty)
    attendance: tuple[Attendance, ...] = attrs.field(
        default=(), converter=_checks.as_tuple, validator=_no_one_twice
    )

    @property
    def person_times(self) -> int:
        """人次: one per attendance."""
        return len(self.attendance)
