"""The stations of a centre (``service.stations``): the hierarchy, evaluations against the
standards, standing, subsidies — and, delegated, the guiding catalog and coverage, training
and the staff assessment.

Every write checks first and stores after, in one transaction: a station one level too
deep, outside its parent's county or closing a circle of parents, and an evaluation of a
point not in its standard, are refused with nothing stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import attrs

from govservice.errors import DuplicateRecordError, RecordNotFoundError, StationLevelError
from govservice.model import Station, StationEvaluation, StationLevel
from govservice.standards import Standard
from govservice.stations.assessment import StaffAssessment
from govservice.stations.evaluation import check_evaluation, evaluation_id
from govservice.stations.guiding import GuidingCatalog
from govservice.stations.hierarchy import (
    LEVELS,
    NewStations,
    StationTree,
    build_tree,
    check_no_cycle,
    check_placement,
    label,
    new_in,
    parents_first,
    region_name,
)
from govservice.stations.standing import Standing, first_passed, standing_on
from govservice.stations.subsidies import SubsidyLine, SubsidyReport, amounts_of
from govservice.stations.training import Training
from govservice.workdays import WorkingCalendar


class Stations:
    """The stations of ``service``, on its store."""

    def __init__(self, service: Any) -> None:
        self.service = service
        self.guiding = GuidingCatalog(service)
        """The guiding catalog (:class:`~govservice.stations.guiding.GuidingCatalog`)."""
        self.training = Training(service)
        """Training records (:class:`~govservice.stations.training.Training`)."""
        self.assessment = StaffAssessment(service)
        """The quarterly staff assessment
        (:class:`~govservice.stations.assessment.StaffAssessment`)."""

    @property
    def store(self) -> Any:
        return self.service.store

    # --- the hierarchy -------------------------------------------------------------------

    def get(self, code: str) -> Station:
        """The stored station ``code``.

        :raises RecordNotFoundError: no station has that code."""
        stored = self.store.get("station", code)
        if stored is None:
            raise RecordNotFoundError(f"no station has the code {code!r}")
        return stored.record

    def all(self, region: str | None = None) -> Iterator[Station]:
        """Every stored station (of ``region``), by code, a page at a time."""
        after = None
        while True:
            page = self.store.list("station", region=region, limit=1000, after=after)
            for stored in page.records:
                yield stored.record
            if page.next_after is None:
                return
            after = page.next_after

    def _parent_of(
        self, station: Station, within: dict[str, Station] | None = None
    ) -> Station | None:
        return parent_of(self.store, station, within)

    def _stored_parents(self, start: str | None) -> dict[str, str | None]:
        return stored_parents(self.store, start)

    def add(self, station: Station) -> Station:
        """Store a new station under its stored parent, once the level rules hold.

        :raises StationLevelError: not exactly one level below its parent, or the parent
            not stored.
        :raises StationRegionError: its region is not within its parent's county.
        :raises StationCycleError: its parents would run in a circle.
        :raises DuplicateRecordError: a station of its code is stored already.
        """
        with self.store.transaction():
            check_no_cycle(station, self._stored_parents(station.parent_code))
            check_placement(station, self._parent_of(station))
            self.store.add(station)
        return station

    def add_all(self, stations: Iterable[Station]) -> list[Station]:
        """Store several new stations at once (in any order: each is placed after its
        parent among them); one refused, none is stored.

        :raises StationCycleError: their parents run in a circle. Otherwise as :meth:`add`.
        """
        with self.store.transaction():
            ordered = placed(self.store, stations)
            for station in ordered:
                self.store.add(station)
        return ordered

    def update(self, station: Station) -> Station:
        """Change a stored station (its parent, windows, staff, hours, closures ...), once
        the level rules hold for it and for the stations right below it.

        :raises RecordNotFoundError: the station is not stored. Otherwise as :meth:`add`.
        """
        with self.store.transaction():
            stored = self.store.get("station", station.code)
            if stored is None:
                raise RecordNotFoundError(f"no station has the code {station.code!r}")
            parents = self._stored_parents(station.parent_code)
            parents[station.code] = station.parent_code
            check_no_cycle(station, parents)
            check_placement(station, self._parent_of(station))
            for child in self.all():  # (a child may carry another region: the city's)
                if child.parent_code == station.code:
                    check_placement(child, station)
            self.store.update(station, stored.version)
        return station

    def tree(self, region: str | None = None) -> StationTree:
        """The hierarchy of every station, or of ``region`` (a county's stations; a city's
        code: the city and its counties), with the count of stations of each level."""
        if region is None:
            chosen = list(self.all())
        elif region.endswith("00"):
            chosen = [s for s in self.all() if s.region[:4] == region[:4]]
        else:
            chosen = list(self.all(region))
        return build_tree(chosen, region)

    def new_in(self, year: int, region: str | None = None) -> NewStations:
        """The stations (of ``region``, a county) built and those certified in ``year``."""
        return new_in(self.all(region), year)

    def calendar(self, code: str) -> WorkingCalendar:
        """The working-day calendar of the cases of station ``code``: its county's (with
        the county's closure days) and the station's own closure days on top."""
        station = self.get(code)
        return station_calendar(self.service, station)

    # --- standards and evaluations ---------------------------------------------------------

    def standards(self, station: Station) -> list[Standard]:
        """The standards ``station`` is evaluated against (built-in and the county's), by
        id (whatever order the plugins registered them in)."""
        return sorted(self.service.standards_for(station), key=lambda standard: standard.id)

    def evaluate(self, evaluation: StationEvaluation) -> StationEvaluation:
        """Store an evaluation, once its standard applies to the station and its points are
        the standard's; returns it with its id (the same evaluation twice is refused).

        :raises EvaluationPointError: naming the station, the standard and the point.
        :raises RecordNotFoundError: the station is not stored.
        :raises DuplicateRecordError: the very same evaluation is stored already.
        """
        station = self.get(evaluation.station_code)
        check_evaluation(evaluation, station, self.standards(station))
        if evaluation.id is None:
            evaluation = _with_id(evaluation)
        self.store.add_station_evaluation(evaluation)
        return evaluation

    def evaluations(self, code: str) -> list[StationEvaluation]:
        """The evaluations of station ``code``, in the order they were made."""
        return self.store.station_evaluations(code)

    def standing(self, code: str, on: dt.date) -> Standing:
        """The standing of station ``code`` on ``on``, from its evaluations and record."""
        station = self.get(code)
        return standing_on(station, self.standards(station), self.evaluations(code), on)

    def first_passed(self, code: str) -> dt.date | None:
        """The first day station ``code`` passed every standard that applies to it."""
        station = self.get(code)
        return first_passed(station, self.standards(station), self.evaluations(code))

    # --- subsidies -----------------------------------------------------------------------

    def subsidies(self, year: int) -> SubsidyReport:
        """The subsidies (以奖代补) of ``year``: each station that first passed its
        standards that year earns its level's amount, once.

        :raises SubsidyAmountsError: the configuration sets no amounts for ``year``.
        """
        amounts = amounts_of(self.service.config, year)
        stations = {station.code: station for station in self.all()}
        evaluations: dict[str, list[StationEvaluation]] = {}
        for evaluation in self.store.station_evaluations():
            evaluations.setdefault(evaluation.station_code, []).append(evaluation)
        standards: dict[tuple[StationLevel, str], list[Standard]] = {}
        lines = []
        for station in stations.values():
            amount = amounts.get(station.level)
            if amount is None:
                continue
            key = (station.level, station.region)
            if key not in standards:
                standards[key] = self.standards(station)
            passed = first_passed(station, standards[key], evaluations.get(station.code, []))
            if passed is None or passed.year != year:
                continue
            parent = stations.get(station.parent_code or "")
            lines.append(
                SubsidyLine(
                    station_code=station.code,
                    station_name=station.name,
                    level=station.level,
                    county=station.region,
                    county_name=region_name(station.region),
                    parent_name=None if parent is None else parent.name,
                    passed_on=passed,
                    standards=tuple(s.name for s in standards[key]),
                    amount=amount,
                    credit_code=station.credit_code,
                )
            )
        lines.sort(key=lambda line: (line.county, LEVELS.index(line.level), line.station_code))
        return SubsidyReport(year=year, amounts=amounts, lines=tuple(lines))

    # --- coverage (S2) -------------------------------------------------------------------

    def coverage(self, *, on: dt.date, region: str | None = None) -> Any:
        """The coverage report (应进必进) on ``on``: see
        :func:`govservice.stations.coverage.coverage_report`."""
        from govservice.stations.coverage import coverage_report

        return coverage_report(self.service, on=on, region=region)


def _with_id(evaluation: StationEvaluation) -> StationEvaluation:
    return attrs.evolve(evaluation, id=evaluation_id(evaluation))


def station_calendar(service: Any, station: Station) -> WorkingCalendar:
    """The calendar of ``station``'s cases: its county's, and its own closure days."""
    calendar = service.calendar(station.region)
    return calendar.with_closures(station.closure_days) if station.closure_days else calendar


def parent_of(
    store: Any, station: Station, within: Mapping[str, Station] | None = None
) -> Station | None:
    """The parent of ``station``: among ``within`` (stations being added with it), else
    as stored.

    :raises StationLevelError: the parent is neither among them nor stored."""
    if station.parent_code is None:
        return None
    if within is not None and station.parent_code in within:
        return within[station.parent_code]
    stored = store.get("station", station.parent_code)
    if stored is None:
        raise StationLevelError(
            f"station {label(station)}: its parent {station.parent_code} is not stored; "
            "a station is added after its parent"
        )
    return stored.record


def stored_parents(store: Any, start: str | None) -> dict[str, str | None]:
    """The parents up from ``start`` as stored: code → parent code."""
    found: dict[str, str | None] = {}
    current = start
    while current is not None and current not in found:
        stored = store.get("station", current)
        if stored is None:
            break
        found[current] = stored.record.parent_code
        current = stored.record.parent_code
    return found


def placed(store: Any, stations: Iterable[Station]) -> list[Station]:
    """``stations`` (new ones, or ones stored already as they are) in an order that
    stores each after its parent, once the level rules hold for every one of them, against
    each other and against ``store``; nothing is written. ``govservice import station``
    checks each batch this way too.

    :raises StationCycleError: their parents run in a circle.
    :raises StationLevelError: one is not exactly one level below its parent, or its
        parent is neither among them nor stored.
    :raises StationRegionError: one's region is not within its parent's county."""
    stations = list(stations)
    given = {station.code: station for station in stations}
    if len(given) < len(stations):
        twice = next(s for s in stations if sum(t.code == s.code for t in stations) > 1)
        raise DuplicateRecordError(
            f"station {label(twice)}: the code {twice.code} is given more than once; "
            "each station once"
        )
    stored: dict[str, str | None] = {}
    for station in stations:
        if station.parent_code not in given:
            stored.update(stored_parents(store, station.parent_code))
    ordered = parents_first(stations, stored)
    for station in ordered:
        check_placement(station, parent_of(store, station, given))
    return ordered
