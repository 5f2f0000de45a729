"""Station standards: checklists a station is evaluated against (五个一, ISO 9001 ...)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

import attrs

from govservice.model import Station, StationLevel
from govservice.model._checks import non_empty


@attrs.frozen(kw_only=True)
class Criterion:
    """One line of a checklist.

    ``check`` decides it from the station record itself (a certificate in force, say);
    without one, the inspector's answer in ``facts`` decides it.
    """

    code: str = attrs.field(validator=non_empty)
    text: str = attrs.field(validator=non_empty)
    check: Callable[[Station, dt.date], bool] | None = attrs.field(default=None, eq=False)


@attrs.frozen(kw_only=True)
class StandardResult:
    """How a station fared against one standard on one day."""

    standard: str
    station: str
    on: dt.date
    missing: tuple[Criterion, ...]

    @property
    def met(self) -> bool:
        return not self.missing


@attrs.frozen(kw_only=True)
class Standard:
    """A named checklist for some levels of station."""

    id: str = attrs.field(validator=non_empty)
    name: str = attrs.field(validator=non_empty)
    levels: frozenset[StationLevel] = attrs.field(converter=frozenset)
    criteria: tuple[Criterion, ...] = attrs.field(converter=tuple)

    def applies_to(self, station: Station) -> bool:
        return station.level in self.levels

    def evaluate(self, station: Station, facts: Mapping[str, bool], on: dt.date) -> StandardResult:
        """Check every criterion; a criterion without a check and without a fact is missing."""
        missing = tuple(
            criterion
            for criterion in self.criteria
            if not (
                criterion.check(station, on)
                if criterion.check is not None
                else facts.get(criterion.code, False) is True
            )
        )
        return StandardResult(standard=self.id, station=station.code, on=on, missing=missing)


def holds_certificate(prefix: str) -> Callable[[Station, dt.date], bool]:
    """A check: the station holds a certificate whose name starts with ``prefix``, in force."""

    def check(station: Station, on: dt.date) -> bool:
        return any(
            cert.name.replace(" ", "").upper().startswith(prefix.replace(" ", "").upper())
            and (cert.expires_on is None or cert.expires_on >= on)
            and (cert.issued_on is None or cert.issued_on <= on)
            for cert in station.certifications
        )

    return check
