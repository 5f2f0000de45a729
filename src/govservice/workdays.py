"""Working days (工作日) on the official calendar, with swapped weekends and local closures.

Periods of a licence are counted in working days, statutory holidays excluded (行政许可法
第八十二条); the State Council publishes each year's holidays and the weekends worked in
exchange (调休). A :class:`WorkingCalendar` knows the years it has a schedule for; a
date in any other year is counted on weekdays alone and the result is marked provisional,
never passed off as certain.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path

import attrs
import yaml

from govservice.errors import ConfigError


@attrs.frozen
class YearSchedule:
    """One year's official schedule: days off (holidays) and weekend days worked."""

    year: int
    holidays: frozenset[dt.date] = attrs.field(converter=frozenset)
    working_weekends: frozenset[dt.date] = attrs.field(converter=frozenset)

    def __attrs_post_init__(self) -> None:
        for day in self.holidays | self.working_weekends:
            if day.year != self.year:
                raise ValueError(f"YearSchedule {self.year}: {day} is not in that year")


@attrs.frozen
class Deadline:
    """A computed due date; ``provisional`` when a day counted lies in an unknown year."""

    due: dt.date
    provisional: bool = False


@attrs.frozen
class WorkingCalendar:
    """Which days are working days in a region: official schedule plus local closures."""

    schedules: Mapping[int, YearSchedule] = attrs.field(converter=dict)
    closures: frozenset[dt.date] = attrs.field(default=frozenset(), converter=frozenset)
    _counted: dict[tuple[dt.date, int], Deadline] = attrs.field(
        factory=dict, init=False, eq=False, repr=False
    )
    """Results of :meth:`add_working_days` (a calendar never changes once made)."""

    def knows(self, year: int) -> bool:
        """Whether the official schedule of ``year`` is loaded."""
        return year in self.schedules

    def is_working_day(self, day: dt.date) -> bool:
        """Whether ``day`` is a working day (weekdays only, for a year not known)."""
        if day in self.closures:
            return False
        schedule = self.schedules.get(day.year)
        if schedule is not None:
            if day in schedule.holidays:
                return False
            if day in schedule.working_weekends:
                return True
        return day.weekday() < 5

    def add_working_days(self, start: dt.date, days: int) -> Deadline:
        """The day ``days`` working days after ``start`` (the start day itself not counted).

        ``days == 0`` gives ``start`` (an immediate item is done the same day).
        """
        if days < 0:
            raise ValueError("a number of working days is not negative")
        found = self._counted.get((start, days))
        if found is None:
            day, counted, provisional = start, 0, not self.knows(start.year)
            while counted < days:
                day += dt.timedelta(days=1)
                provisional = provisional or not self.knows(day.year)
                if self.is_working_day(day):
                    counted += 1
            found = self._counted[(start, days)] = Deadline(day, provisional)
        return found

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            count += self.is_working_day(day)
        return count

    def with_closures(self, days: Iterable[dt.date]) -> WorkingCalendar:
        """A copy of this calendar with ``days`` closed as well."""
        return attrs.evolve(self, closures=self.closures | frozenset(days))

    def with_schedules(self, schedules: Iterable[YearSchedule]) -> WorkingCalendar:
        """A copy with these years' schedules added (replacing a year already known)."""
        return attrs.evolve(self, schedules={**self.schedules, **{s.year: s for s in schedules}})


def official_schedules() -> list[YearSchedule]:
    """Every year the ``chinese-calendar`` package knows, as schedules."""
    import chinese_calendar

    years: dict[int, tuple[set, set]] = {}
    for day in chinese_calendar.holidays:
        years.setdefault(day.year, (set(), set()))[0].add(day)
    for day in chinese_calendar.workdays:
        if day.weekday() >= 5:
            years.setdefault(day.year, (set(), set()))[1].add(day)
    return [YearSchedule(year, off, on) for year, (off, on) in sorted(years.items())]


def load_schedule_file(path: str | Path) -> YearSchedule:
    """Read a year's schedule from a small YAML file::

        year: 2027
        holidays: ["2027-01-01", "2027-02-05", ...]
        working_weekends: ["2027-02-14", ...]

    :raises ConfigError: naming the file and what is wrong with it.
    """
    where = str(path)
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(
            f"cannot read the calendar file: {error.strerror}", where=where
        ) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise ConfigError(
            f"not valid YAML: {problem}", where=f"{where}:{mark.line + 1}" if mark else where
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("year"), int):
        raise ConfigError("a calendar file has a 'year' and lists of dates", where=where)
    unknown = set(data) - {"year", "holidays", "working_weekends"}
    if unknown:
        raise ConfigError(f"unknown key(s): {', '.join(sorted(map(str, unknown)))}", where=where)
    try:
        return YearSchedule(
            data["year"],
            _dates(data.get("holidays", [])),
            _dates(data.get("working_weekends", [])),
        )
    except (TypeError, ValueError) as error:
        raise ConfigError(
            f"not a list of YYYY-MM-DD dates of that year: {error}", where=where
        ) from None


def _dates(values: object) -> list[dt.date]:
    if not isinstance(values, list):
        raise ValueError("holidays and working_weekends are lists of dates")
    return [v if isinstance(v, dt.date) else dt.date.fromisoformat(str(v)) for v in values]
