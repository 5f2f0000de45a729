"""Training of grassroots staff (业务培训): sessions, their attendance, and a year's summary.

A session (:class:`~govservice.model.TrainingSession`) records its date, topic, hours,
trainer and place, and who attended from which station: each attendance is one
person-time (人次) and credits its station with the session's hours (学时). The summary
of a year (:meth:`Training.summary`) reads the year's sessions once and gives, for every
station (stored, and built by the end of the year), its person-times, hours and the
distinct people trained; the same by county; and the stations whose staff had no
training that year.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

import attrs
import jsonschema

from govservice import schemas
from govservice.codec import from_document
from govservice.errors import InvalidRecordError
from govservice.model import Station, TrainingSession
from govservice.model.regions import region_name
from govservice.stations.people import all_stations, check_stations

SCHEMA_FILE = "training-session.schema.json"


@attrs.frozen(kw_only=True)
class StationTraining:
    """A station's training of the year."""

    code: str
    name: str
    level: str
    """The level's Chinese label (村级便民服务站 ...)."""
    county: str
    county_name: str
    person_times: int
    hours: Decimal
    """The hours of the sessions its staff attended, one count per attendance (学时)."""
    people: int
    """Distinct people of the station trained."""


@attrs.frozen(kw_only=True)
class CountyTraining:
    """A county's training of the year: its stations' sums."""

    county: str
    name: str
    stations: int
    person_times: int
    hours: Decimal
    untrained: int
    """Stations of the county whose staff had no training."""


@attrs.frozen(kw_only=True)
class TrainingSummary:
    """The training of a year (see the module's docstring)."""

    year: int
    sessions: int
    session_hours: Decimal
    """The hours of the sessions themselves (each once)."""
    person_times: int
    hours: Decimal
    """Hours credited to the attendants (each attendance once)."""
    by_station: tuple[StationTraining, ...]
    """Every station, by county and code."""
    by_county: tuple[CountyTraining, ...]
    untrained: tuple[StationTraining, ...]
    """The stations whose staff had no training that year, by county and code."""


class Training:
    """The training records of a centre (``centre.stations.training``)."""

    def __init__(self, service: Any) -> None:
        self.service = service

    def add(self, session: TrainingSession) -> TrainingSession:
        """Store ``session`` with its attendance.

        :raises UnknownStaffStationError: an attendance names a station not stored
            (named with the person); nothing is stored.
        :raises DuplicateRecordError: a session with its id is stored already.
        """
        store = self.service.store
        check_stations(
            store,
            [(a.station_code, a.name) for a in session.attendance],
            f"training session {session.id}",
        )
        store.add_training_session(session)
        return session

    def add_document(self, document: Any, *, where: str | None = None) -> TrainingSession:
        """Check ``document`` against ``training-session.schema.json``, then :meth:`add` it.

        :raises InvalidRecordError: every problem of the document (a session without
            hours, say), with its JSON pointer; nothing is stored.
        """
        return self.add(read_session(document, where=where))

    def sessions(self, year: int) -> list[TrainingSession]:
        """The sessions held in ``year``, by date and id."""
        return self.service.store.training_sessions(
            since=dt.date(year, 1, 1), until=dt.date(year, 12, 31)
        )

    def summary(self, year: int, *, region: str | None = None) -> TrainingSummary:
        """The training of ``year`` (see the module's docstring); ``region``: only the
        stations of that county (or, a city code, of its counties)."""
        stations = [s for s in all_stations(self.service.store) if _counted(s, year, region)]
        known = {station.code for station in stations}
        times: dict[str, int] = defaultdict(int)
        hours: dict[str, Decimal] = defaultdict(Decimal)
        people: dict[str, set[str]] = defaultdict(set)
        held = self.sessions(year)
        session_hours = Decimal(0)
        for session in held:
            counted = False
            for attendance in session.attendance:
                code = attendance.station_code
                if code not in known:
                    continue  # a station of another region (or built later)
                counted = True
                times[code] += 1
                hours[code] += session.hours
                people[code].add(attendance.staff_number or attendance.name)
            session_hours += session.hours if counted or region is None else 0
        rows = sorted(
            (
                StationTraining(
                    code=s.code,
                    name=s.name,
                    level=s.level.label,
                    county=s.region,
                    county_name=region_name(s.region),
                    person_times=times[s.code],
                    hours=hours[s.code],
                    people=len(people[s.code]),
                )
                for s in stations
            ),
            key=lambda row: (row.county, row.code),
        )
        counties = []
        for county in sorted({row.county for row in rows}):
            mine = [row for row in rows if row.county == county]
            counties.append(
                CountyTraining(
                    county=county,
                    name=region_name(county),
                    stations=len(mine),
                    person_times=sum(row.person_times for row in mine),
                    hours=sum((row.hours for row in mine), Decimal(0)),
                    untrained=sum(row.person_times == 0 for row in mine),
                )
            )
        return TrainingSummary(
            year=year,
            sessions=sum(
                1
                for s in held
                if region is None or any(a.station_code in known for a in s.attendance)
            ),
            session_hours=session_hours,
            person_times=sum(row.person_times for row in rows),
            hours=sum((row.hours for row in rows), Decimal(0)),
            by_station=tuple(rows),
            by_county=tuple(counties),
            untrained=tuple(row for row in rows if row.person_times == 0),
        )


def read_session(document: Any, *, where: str | None = None) -> TrainingSession:
    """A training-session document as a :class:`~govservice.model.TrainingSession`.

    :raises InvalidRecordError: every problem the schema finds, or the model's."""
    validator = jsonschema.Draft202012Validator(
        schemas.schema_for(schemas.SCHEMA_BASE + SCHEMA_FILE),
        registry=schemas.registry(),
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )
    problems = [
        ("".join(f"/{part}" for part in error.absolute_path), error.message)
        for error in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    ]
    if problems:
        summary = "; ".join(f"{pointer or '(root)'}: {message}" for pointer, message in problems)
        raise InvalidRecordError(
            f"not a valid training session: {summary}", where=where, problems=tuple(problems)
        )
    return from_document(TrainingSession, document, where=where)


def _counted(station: Station, year: int, region: str | None) -> bool:
    built = getattr(station, "built_on", None)  # stations record when they were built
    if built is not None and built.year > year:
        return False
    if region is None:
        return True
    if region.endswith("00"):  # a city: its counties
        return station.region.startswith(region[:4])
    return station.region == region
