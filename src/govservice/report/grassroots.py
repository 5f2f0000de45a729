"""基层便民服务 in the year report: :func:`grassroots_figures`, from ``service.stations``.

The stations of each level (the tree's counts) and those built in the year
(``stations.new_in``), the year's subsidies (``stations.subsidies``: none counted when the
configuration sets no amounts for the year), the coverage of the guiding catalog on the
report's day (``stations.coverage``), the year's training (``stations.training.summary``)
and the quarterly staff assessment (``stations.assessment.year``: the quarters with
records, and the honours of the last of them).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from govservice.errors import SubsidyAmountsError
from govservice.model import StationLevel
from govservice.report.figures import (
    CountySubsidy,
    GrassrootsFigures,
    HonourFigures,
    LevelCount,
    LevelSubsidy,
)

_BELOW_TOWNSHIPS = (StationLevel.COMMUNITY_CENTRE, StationLevel.VILLAGE_STATION)


def grassroots_figures(service: Any, year: int, as_of: dt.date) -> GrassrootsFigures | None:
    """The grassroots figures of ``year`` (None when the store holds no community centre
    or village station)."""
    stations = service.stations
    tree = stations.tree()
    if not any(tree.counts.get(level) for level in _BELOW_TOWNSHIPS):
        return None
    new = stations.new_in(year).built_by_level()
    configured = True
    try:
        report = stations.subsidies(year)
    except SubsidyAmountsError:
        configured, report = False, None
    by_level: tuple[LevelSubsidy, ...] = ()
    by_county: list[CountySubsidy] = []
    if report is not None:
        by_level = tuple(
            LevelSubsidy(level=t.level.value, label=t.level.label, stations=t.stations,
                         amount=t.amount)
            for t in report.by_level()
            if t.level is not None
        )  # fmt: skip
        for county in sorted({line.county for line in report.lines}):
            mine = [line for line in report.lines if line.county == county]
            community = [line for line in mine if line.level is StationLevel.COMMUNITY_CENTRE]
            village = [line for line in mine if line.level is StationLevel.VILLAGE_STATION]
            by_county.append(
                CountySubsidy(
                    county=county,
                    name=mine[0].county_name,
                    community_centres=len(community),
                    community_amount=sum((line.amount for line in community), Decimal(0)),
                    village_stations=len(village),
                    village_amount=sum((line.amount for line in village), Decimal(0)),
                    total=report.county_total(county),
                )
            )
    coverage = stations.coverage(on=as_of).total if stations.guiding is not None else None
    training = stations.training.summary(year) if stations.training is not None else None
    assessed = _assessed(stations, year)
    last = assessed[-1] if assessed else None
    return GrassrootsFigures(
        stations=tuple(
            LevelCount(level=level.value, label=level.label, count=tree.counts.get(level, 0))
            for level in StationLevel
        ),
        built=tuple(
            LevelCount(level=level.value, label=level.label, count=count)
            for level, count in new.items()
            if count
        ),
        subsidies_configured=configured,
        subsidies=by_level,
        subsidy_total=report.total if report is not None else Decimal(0),
        subsidies_by_county=tuple(by_county),
        coverage_stations=0 if coverage is None else coverage.stations,
        coverage_required=0 if coverage is None else coverage.required,
        coverage_covered=0 if coverage is None else coverage.covered,
        coverage_full=0 if coverage is None else coverage.full,
        training_sessions=0 if training is None else training.sessions,
        training_person_times=0 if training is None else training.person_times,
        training_hours=Decimal(0) if training is None else training.hours,
        untrained=0 if training is None else len(training.untrained),
        assessed_quarters=len(assessed),
        assessed_people=0 if last is None else len(last.people),
        honours=()
        if last is None
        else tuple(
            HonourFigures(quarter=last.quarter, title=h.title, name=h.name, station=h.station_name)
            for h in last.honours
        ),
    )


def _assessed(stations: Any, year: int) -> list[Any]:
    """The quarters of ``year`` with staff records, assessed (one pass over the cases)."""
    if stations.assessment is None:
        return []
    store = stations.store
    quarters = [q for q in (1, 2, 3, 4) if store.staff_records(year, q)]
    if not quarters:
        return []
    return list(stations.assessment.quarters(year, quarters))
