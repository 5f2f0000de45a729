"""Evaluations of a station against a standard (达标评估), with the evidence of each point."""

from __future__ import annotations

import datetime as dt

import attrs

from govservice.model import _checks

__all__ = ["PointResult", "StationEvaluation"]

SHA256 = r"[0-9a-f]{64}"
"""The form of a photo's digest: SHA-256 in lower-case hex."""


@attrs.frozen(kw_only=True)
class PointResult:
    """The inspector's finding on one point of a standard's checklist: passed or failed,
    with the evidence (a note, and the file name and SHA-256 of a photo)."""

    point: str = attrs.field(validator=_checks.non_empty)
    """The code of the point (a :class:`~govservice.standards.Criterion` code)."""
    passed: bool = attrs.field(validator=attrs.validators.instance_of(bool))
    note: str | None = attrs.field(default=None, validator=_checks.paragraph)
    photo_name: str | None = attrs.field(default=None, validator=_checks.one_line)
    photo_sha256: str | None = attrs.field(
        default=None, validator=_checks.matches(SHA256, "64 lower-case hex digits")
    )

    def __attrs_post_init__(self) -> None:
        if (self.photo_name is None) != (self.photo_sha256 is None):
            raise ValueError(
                "PointResult.photo_sha256: a photo is named together with its SHA-256"
            )


def _distinct_points(
    instance: StationEvaluation, attribute: attrs.Attribute, value: tuple[PointResult, ...]
) -> None:
    points = [result.point for result in value]
    repeated = sorted({point for point in points if points.count(point) > 1})
    if repeated:
        raise ValueError(f"StationEvaluation.points: point {repeated[0]} is given twice")


@attrs.frozen(kw_only=True)
class StationEvaluation:
    """One inspection of a station against one standard on one day (stored as history:
    a later evaluation does not replace an earlier one, it follows it).

    A point of the standard that the station's record decides (an ISO 9001 certificate
    in force) need not be listed: the record decides it on the day of the standing.
    """

    station_code: str = attrs.field(validator=_checks.matches(_checks.CODE, "GR-DAWANG-01"))
    standard: str = attrs.field(validator=_checks.non_empty)
    inspector: str = attrs.field(validator=_checks.non_empty)
    on: dt.date
    points: tuple[PointResult, ...] = attrs.field(
        converter=_checks.as_tuple, validator=_distinct_points
    )
    id: str | None = attrs.field(
        default=None, validator=_checks.matches(_checks.CODE, "EV-370523-0001")
    )
    """The stored evaluation's identity, given by the store when it is added."""

    def result(self, point: str) -> PointResult | None:
        """The finding on ``point``, or None when the evaluation does not list it."""
        return next((result for result in self.points if result.point == point), None)

    @property
    def failed(self) -> tuple[str, ...]:
        """The codes of the points found failed."""
        return tuple(result.point for result in self.points if not result.passed)
