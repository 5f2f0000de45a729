"""A station's standing (达标情况) on a day, derived from its evaluations and its record.

For each standard that applies to the station, the evaluation that counts on a day is the
latest one on or before it. A point the inspector decides takes that evaluation's finding
(no evaluation yet: not met, 未评估). A point the record decides (the ISO 9001
certificate) is met when the record says so on that very day — a certificate valid through
its expiry day passes then and fails the day after — and, if the evaluation lists it, the
inspector found it so as well. A station passes when it meets every standard that applies
to it (a station to which none applies never passes).

The standing changes only on the days something happens: an evaluation, a certificate
issued, the day after a certificate expires. :func:`first_passed` looks at those days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import attrs

from govservice.model import Station, StationEvaluation, StationLevel
from govservice.standards import Standard


@attrs.frozen(kw_only=True)
class PointStanding:
    """One point of a standard on the day: met or not, and on what evidence."""

    point: str
    text: str
    passed: bool
    decided_by: str
    """``record`` (the station's record, e.g. its certificate), ``evaluation`` (the
    inspector's finding) or ``none`` (never evaluated)."""
    note: str | None = None
    photo_name: str | None = None
    photo_sha256: str | None = None


@attrs.frozen(kw_only=True)
class StandardStanding:
    """How the station stands against one standard on the day."""

    standard: str
    name: str
    points: tuple[PointStanding, ...]
    evaluation_id: str | None = None
    evaluated_on: dt.date | None = None
    inspector: str | None = None

    @property
    def passed(self) -> bool:
        return all(point.passed for point in self.points)

    @property
    def failed(self) -> tuple[str, ...]:
        """The codes of the points not met."""
        return tuple(point.point for point in self.points if not point.passed)


@attrs.frozen(kw_only=True)
class Standing:
    """A station's standing on a day against every standard that applies to it."""

    station_code: str
    station_name: str
    level: StationLevel
    on: dt.date
    standards: tuple[StandardStanding, ...]

    @property
    def passed(self) -> bool:
        return bool(self.standards) and all(s.passed for s in self.standards)

    def of(self, standard: str) -> StandardStanding | None:
        """The standing against ``standard`` (its id), or None."""
        return next((s for s in self.standards if s.standard == standard), None)


def _latest(
    evaluations: Sequence[StationEvaluation], standard: str, on: dt.date
) -> StationEvaluation | None:
    found = None
    for evaluation in evaluations:  # (in the order they were made: the last of a day wins)
        if (
            evaluation.standard == standard
            and evaluation.on <= on
            and (found is None or evaluation.on >= found.on)
        ):
            found = evaluation
    return found


def standard_standing(
    station: Station, standard: Standard, evaluations: Sequence[StationEvaluation], on: dt.date
) -> StandardStanding:
    """How ``station`` stands against ``standard`` on ``on`` (``evaluations``: the
    station's, in the order they were stored)."""
    latest = _latest(evaluations, standard.id, on)
    points = []
    for criterion in standard.criteria:
        found = latest.result(criterion.code) if latest is not None else None
        evidence = {}
        if found is not None:
            evidence = {
                "note": found.note,
                "photo_name": found.photo_name,
                "photo_sha256": found.photo_sha256,
            }
        if criterion.check is not None:
            passed = criterion.check(station, on) and (found is None or found.passed)
            note = criterion.explain(station, on) if criterion.explain is not None else None
            if found is not None and found.note and not found.passed:
                note = f"{note}；{found.note}" if note else found.note
            points.append(
                PointStanding(
                    point=criterion.code,
                    text=criterion.text,
                    passed=passed,
                    decided_by="record",
                    **{**evidence, "note": note},
                )
            )
        elif found is None:
            points.append(
                PointStanding(
                    point=criterion.code,
                    text=criterion.text,
                    passed=False,
                    decided_by="none",
                    note="未评估",
                )
            )
        else:
            points.append(
                PointStanding(
                    point=criterion.code,
                    text=criterion.text,
                    passed=found.passed,
                    decided_by="evaluation",
                    **evidence,
                )
            )
    return StandardStanding(
        standard=standard.id,
        name=standard.name,
        points=tuple(points),
        evaluation_id=None if latest is None else latest.id,
        evaluated_on=None if latest is None else latest.on,
        inspector=None if latest is None else latest.inspector,
    )


def standing_on(
    station: Station,
    standards: Sequence[Standard],
    evaluations: Sequence[StationEvaluation],
    on: dt.date,
) -> Standing:
    """The standing of ``station`` on ``on`` against ``standards`` (those that apply)."""
    return Standing(
        station_code=station.code,
        station_name=station.name,
        level=station.level,
        on=on,
        standards=tuple(standard_standing(station, s, evaluations, on) for s in standards),
    )


def change_days(station: Station, evaluations: Iterable[StationEvaluation]) -> list[dt.date]:
    """The days on which the standing may change, in order: evaluations, certificates
    issued, the days after certificates expire, and the registry's built and certified days."""
    days = {evaluation.on for evaluation in evaluations}
    for cert in station.certifications:
        if cert.issued_on is not None:
            days.add(cert.issued_on)
        if cert.expires_on is not None and cert.expires_on < dt.date.max:
            days.add(cert.expires_on + dt.timedelta(days=1))
    for day in (station.built_on, station.certified_on):
        if day is not None:
            days.add(day)
    return sorted(days)


def first_passed(
    station: Station, standards: Sequence[Standard], evaluations: Sequence[StationEvaluation]
) -> dt.date | None:
    """The first day ``station`` passed every standard that applies to it, or None."""
    if not standards:
        return None
    for day in change_days(station, evaluations):
        if standing_on(station, standards, evaluations, day).passed:
            return day
    return None
