"""The injected clock: services ask it for "now", never the system directly."""

from __future__ import annotations

import datetime as dt
from typing import Protocol
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


class Clock(Protocol):
    """Anything that tells the current time, aware, in the service's time zone."""

    def now(self) -> dt.datetime: ...


class SystemClock:
    """The real clock, in Asia/Shanghai unless told otherwise."""

    def __init__(self, zone: dt.tzinfo = SHANGHAI) -> None:
        self.zone = zone

    def now(self) -> dt.datetime:
        return dt.datetime.now(self.zone)


class FixedClock:
    """A clock that tells the time it is set to; tests move it with :meth:`advance`."""

    def __init__(self, moment: dt.datetime) -> None:
        if moment.utcoffset() is None:
            raise ValueError("FixedClock needs an aware datetime (e.g. tzinfo=SHANGHAI)")
        self.moment = moment

    def now(self) -> dt.datetime:
        return self.moment

    def advance(self, **delta: float) -> dt.datetime:
        """Move the clock forward by ``datetime.timedelta(**delta)``; returns the new time."""
        self.moment += dt.timedelta(**delta)
        return self.moment
