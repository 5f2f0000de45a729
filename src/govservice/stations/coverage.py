"""The coverage report (应进必进): for every station, the items the guiding catalog says it
must offer and it does not (gaps), and the items it offers that the guiding catalog does
not name (extras), with rates by station, township and county.

What a station must offer is :meth:`~govservice.stations.guiding.GuidingCatalog.required`
for its county and level on the day asked; what it offers is its ``items``. The report
reads every station with its items in one query (:meth:`Store.station_offers`) and works
out each station's gaps and extras by set differences against the (few) required sets of
its county and level, so ten thousand stations cost one query and ten thousand set
operations, not a query per station or per item.

A station's township is the township or street centre above it (a village station's
community centre's parent); a station with none above it that is not above that level
either (a community centre stored without one) is its own. Stations above the township
level (county and city centres) count in their county's rate, not in a township's. The
rate is the share of the required items offered: ``covered / required``, four places.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import attrs

from govservice.errors import GuidingCatalogError
from govservice.model import StationLevel
from govservice.stations.guiding import issuers_of, within
from govservice.stations.hierarchy import region_name
from govservice.store.base import StationOffer

_TOWNSHIP_LEVELS = (StationLevel.TOWNSHIP_CENTRE, StationLevel.COMMUNITY_CENTRE)
_ABOVE_TOWNSHIP = (StationLevel.CITY_CENTRE, StationLevel.COUNTY_CENTRE)
_PLACES = Decimal("0.0001")


def rate_of(covered: int, required: int) -> Decimal | None:
    """``covered / required`` to four places (None when nothing is required)."""
    if not required:
        return None
    return (Decimal(covered) / Decimal(required)).quantize(_PLACES, rounding=ROUND_HALF_UP)


def percent(rate: Decimal | None) -> str:
    """A rate as a clerk reads it: ``95.5%`` (``—`` when nothing is required)."""
    return "—" if rate is None else f"{(rate * 100).quantize(Decimal('0.1'))}%"


@attrs.frozen
class ItemRef:
    """An item as the report names it: its code and its name (the code when the store
    holds no item of that code)."""

    code: str
    name: str


@attrs.frozen(kw_only=True)
class StationCoverage:
    """One station's line: what it must offer and does not, what it offers beyond."""

    code: str
    name: str
    level: StationLevel
    region: str
    township_code: str | None
    """The township (or street) centre it belongs to; None above the township level."""
    required: int
    """How many items the guiding catalog (with the county's additions) asks of it."""
    covered: int
    """How many of those it offers."""
    gaps: tuple[ItemRef, ...]
    """The items it must offer and does not, by code."""
    extras: tuple[ItemRef, ...]
    """The items it offers that the guiding catalog does not name for its level, by code
    (none for a station whose level is asked nothing: a county or city centre, say)."""

    @property
    def rate(self) -> Decimal | None:
        return rate_of(self.covered, self.required)


@attrs.frozen(kw_only=True)
class CoverageRate:
    """The rate of a group of stations: a township, a county, or all of them."""

    code: str
    """The township centre's code, the county's region code, or ``""`` for the total."""
    name: str
    stations: int
    required: int
    covered: int
    gaps: int
    extras: int
    full: int
    """Stations that offer every item asked of them (none missing)."""

    @property
    def rate(self) -> Decimal | None:
        return rate_of(self.covered, self.required)


@attrs.frozen(kw_only=True)
class GuidingInForce:
    """Which version of the guiding catalog the stations of a county followed."""

    region: str
    region_name: str
    issuer: str | None
    number: int | None
    label: str
    """第2版（2015-07-01起施行）, or 未发布 when none was in force."""


@attrs.frozen(kw_only=True)
class CoverageReport:
    """The coverage report on ``on`` (of ``region``, or of every station)."""

    on: dt.date
    region: str | None
    stations: tuple[StationCoverage, ...]
    """Every station, by county, township and code."""
    townships: tuple[CoverageRate, ...]
    counties: tuple[CoverageRate, ...]
    total: CoverageRate
    versions: tuple[GuidingInForce, ...]
    """The version each county's stations followed."""
    township_names: Mapping[str, str] = attrs.field(factory=dict, eq=False, repr=False)
    """Code → name of each township centre of :attr:`townships`."""

    def township_name(self, code: str | None) -> str:
        """The name of a township centre of the report (``—`` for None)."""
        if code is None:
            return "—"
        return self.township_names.get(code, code)


def coverage_report(service: Any, *, on: dt.date, region: str | None = None) -> CoverageReport:
    """The coverage report of every station (of ``region``: a county, or a city's every
    county) on ``on``: the guiding catalog in force then, with the county's additions.

    :raises GuidingCatalogError: a county's additions name an item the store does not hold.
    """
    guiding = service.stations.guiding
    regions = [region] if region is not None and not region.endswith("00") else None
    offers = service.store.station_offers(regions)
    if region is not None and regions is None:
        offers = [offer for offer in offers if within(offer.region, region)]
    versions = _versions(guiding, sorted({offer.region for offer in offers}), on)
    required: dict[tuple[str, str], frozenset[str]] = {}
    added: dict[tuple[str, str], frozenset[str]] = {}
    for key in sorted({(offer.region, offer.level) for offer in offers}):
        version = versions[key[0]]
        found = version.items_of(key[1]) if version is not None else frozenset()
        added[key] = guiding.additions(*key)
        required[key] = found | added[key]
    return assemble(service.store, on, region, offers, required, added, versions)


def _versions(guiding: Any, regions: list[str], on: dt.date) -> dict[str, Any]:
    """The version in force for each county (read once per issuing region)."""
    read: dict[str, Any] = {}
    found: dict[str, Any] = {}
    for county in regions:
        found[county] = None
        for issuer in issuers_of(county):
            if issuer not in read:
                read[issuer] = [v for v in guiding.versions(issuer) if v.effective <= on]
            if read[issuer]:
                found[county] = read[issuer][-1]
                break
    return found


def assemble(
    store: Any,
    on: dt.date,
    region: str | None,
    offers: list[StationOffer],
    required: Mapping[tuple[str, str], frozenset[str]],
    added: Mapping[tuple[str, str], frozenset[str]],
    versions: Mapping[str, Any],
) -> CoverageReport:
    """The report from the stations read and the required set of each (county, level)."""
    everything_added = set().union(*added.values()) if added else set()
    differences = []
    wanted: set[str] = set()
    for offer in offers:
        asked = required[(offer.region, offer.level)]
        gaps = asked - offer.items
        extras = offer.items - asked if asked else frozenset()
        differences.append((offer, len(asked), gaps, extras))
        wanted |= gaps
        wanted |= extras
    names = store.item_names(wanted | everything_added)
    unknown = sorted(everything_added - set(names))
    if unknown:
        raise GuidingCatalogError(
            "the county's additions to the guiding catalog (stations.guiding_items, "
            f"govservice_guiding_items) name items the store does not hold: {', '.join(unknown)}"
        )
    refs: dict[str, ItemRef] = {}

    def ref(code: str) -> ItemRef:
        found = refs.get(code)
        if found is None:
            found = refs[code] = ItemRef(code, names.get(code, code))
        return found

    townships = _townships(offers)
    lines = [
        StationCoverage(
            code=offer.code,
            name=offer.name,
            level=StationLevel(offer.level),
            region=offer.region,
            township_code=townships[offer.code],
            required=asked,
            covered=asked - len(gaps),
            gaps=tuple(ref(code) for code in sorted(gaps)),
            extras=tuple(ref(code) for code in sorted(extras)),
        )
        for offer, asked, gaps, extras in differences
    ]
    lines.sort(key=lambda line: (line.region, line.township_code or "", line.code))
    names_of = {offer.code: offer.name for offer in offers}
    by_township = _groups(
        [line for line in lines if line.township_code is not None],
        lambda line: line.township_code,
        lambda code: names_of.get(code, code),
    )
    by_county = _groups(lines, lambda line: line.region, region_name)
    return CoverageReport(
        on=on,
        region=region,
        stations=tuple(lines),
        townships=tuple(by_township),
        counties=tuple(by_county),
        total=_rate("", "合计", lines),
        versions=tuple(
            GuidingInForce(
                region=county,
                region_name=region_name(county),
                issuer=version.region if version is not None else None,
                number=version.number if version is not None else None,
                label=f"{region_name(version.region)}{version.label}"
                if version is not None
                else "未发布",
            )
            for county, version in sorted(versions.items())
        ),
        township_names={rate.code: rate.name for rate in by_township},
    )


def _townships(offers: Iterable[StationOffer]) -> dict[str, str | None]:
    """Each station's township centre: the nearest township or street centre at or above
    it; else the topmost community centre at or above it; None above the township level."""
    by_code = {offer.code: offer for offer in offers}
    found: dict[str, str | None] = {}
    for offer in by_code.values():
        if StationLevel(offer.level) in _ABOVE_TOWNSHIP:
            found[offer.code] = None
            continue
        chosen, current, seen = None, offer, set()
        while current is not None and current.code not in seen:
            seen.add(current.code)
            level = StationLevel(current.level)
            if level is StationLevel.TOWNSHIP_CENTRE:
                chosen = current.code
                break
            if level is StationLevel.COMMUNITY_CENTRE:
                chosen = current.code  # the topmost so far
            if level in _ABOVE_TOWNSHIP:
                break
            current = by_code.get(current.parent_code) if current.parent_code else None
        found[offer.code] = chosen if chosen is not None else offer.code
    return found


def _groups(lines: list[StationCoverage], key: Any, name: Any) -> list[CoverageRate]:
    groups: dict[str, list[StationCoverage]] = {}
    for line in lines:
        groups.setdefault(key(line), []).append(line)
    return [_rate(code, name(code), members) for code, members in sorted(groups.items())]


def _rate(code: str, name: str, lines: list[StationCoverage]) -> CoverageRate:
    return CoverageRate(
        code=code,
        name=name,
        stations=len(lines),
        required=sum(line.required for line in lines),
        covered=sum(line.covered for line in lines),
        gaps=sum(len(line.gaps) for line in lines),
        extras=sum(len(line.extras) for line in lines),
        full=sum(1 for line in lines if line.required and not line.gaps),
    )
