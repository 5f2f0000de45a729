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
    explain: Callable[[Station, dt.date], str] | None = attrs.field(default=None, eq=False)
    """For a point the record decides: what the record shows on the day, in Chinese (the
    certificate's number and expiry, say), for the standing of the station."""


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

    def criterion(self, code: str) -> Criterion | None:
        """The point of the checklist called ``code``, or None."""
        return next((c for c in self.criteria if c.code == code), None)

    @property
    def inspected(self) -> tuple[Criterion, ...]:
        """The points an inspector decides (those the station's record does not)."""
        return tuple(c for c in self.criteria if c.check is None)

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


def _named(name: str, prefix: str) -> bool:
    return name.replace(" ", "").upper().startswith(prefix.replace(" ", "").upper())


def certificates_named(station: Station, prefix: str) -> list:
    """The station's certificates whose name starts with ``prefix`` (spaces and case aside)."""
    return [cert for cert in station.certifications if _named(cert.name, prefix)]


def certificate_in_force(station: Station, prefix: str, on: dt.date):
    """The certificate named ``prefix`` that is in force on ``on`` (issued by then, not
    expired: valid through its expiry day), or None."""
    return next(
        (
            cert
            for cert in certificates_named(station, prefix)
            if (cert.expires_on is None or cert.expires_on >= on)
            and (cert.issued_on is None or cert.issued_on <= on)
        ),
        None,
    )


def describe_certificate(prefix: str) -> Callable[[Station, dt.date], str]:
    """An explanation: the certificate in force with its number and expiry, or why none is."""

    def explain(station: Station, on: dt.date) -> str:
        cert = certificate_in_force(station, prefix, on)
        if cert is not None:
            until = f"，有效期至 {cert.expires_on.isoformat()}" if cert.expires_on else ""
            return f"证书 {cert.number or '（无编号）'}{until}"
        held = certificates_named(station, prefix)
        if not held:
            return f"未持有 {prefix} 证书"
        expired = [c for c in held if c.expires_on is not None and c.expires_on < on]
        if expired:
            last = max(expired, key=lambda c: c.expires_on)
            return f"证书 {last.number or '（无编号）'} 已于 {last.expires_on.isoformat()} 到期"
        first = min(held, key=lambda c: c.issued_on or on)
        return f"证书 {first.number or '（无编号）'} 尚未生效"

    return explain


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
