"""The official mainland calendar, with year files from the configuration."""

from __future__ import annotations

import functools
from pathlib import Path

from govservice.hookspecs import hookimpl
from govservice.workdays import WorkingCalendar, load_schedule_file, official_schedules


@functools.cache
def _official() -> WorkingCalendar:
    return WorkingCalendar({schedule.year: schedule for schedule in official_schedules()})


class OfficialCalendar:
    """The State Council's schedule as the ``chinese-calendar`` package has it, plus
    the years published since, read from the files named in ``calendar.schedules``."""

    def __init__(self, schedules: tuple[Path, ...] = ()) -> None:
        self.calendar = _official().with_schedules(load_schedule_file(p) for p in schedules)

    @hookimpl(trylast=True)
    def govservice_calendar(self, region: str) -> WorkingCalendar:
        return self.calendar
