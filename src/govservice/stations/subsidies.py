"""Subsidies by results (以奖代补): the award a station earns the year it first passes.

The configuration sets the amount per level of station for each year
(``stations.subsidies``, 2015: 150,000 yuan a rural-community centre, 10,000 yuan a village
station). A station earns its level's amount of year Y when the first day it passed its
standards (:func:`~govservice.stations.standing.first_passed`) falls in Y: once, whatever
happens after (a certificate that lapses is not paid back; passing again is not paid
again). A level the year sets no amount for earns nothing. The report lists each station
with its amount — the line a finance office pays from, published (阳光兑现) — and totals
by county and level.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Mapping
from decimal import Decimal

import attrs

from govservice.config import Config
from govservice.errors import SubsidyAmountsError
from govservice.model import StationLevel
from govservice.spreadsheet import cell
from govservice.stations.hierarchy import LEVELS, region_name


def amounts_of(config: Config, year: int) -> dict[StationLevel, Decimal]:
    """The award per level of ``year`` in the configuration.

    :raises SubsidyAmountsError: the configuration sets none for ``year``.
    """
    entries = [e for e in config.stations.get("subsidies", ()) if e.get("year") == year]
    if len(entries) > 1:
        raise SubsidyAmountsError(
            f"stations.subsidies gives the amounts of {year} {len(entries)} times: once a year",
            where=config.where("stations", "subsidies") if config.path else None,
        )
    for entry in entries:
        amounts = {
            StationLevel(level): Decimal(str(amount))
            for level, amount in entry.items()
            if level != "year"
        }
        if amounts:
            return amounts
        raise SubsidyAmountsError(
            f"stations.subsidies names the year {year} without an amount for any level: "
            "give the amount of each level that earns (community_centre, village_station ...)",
            where=config.where("stations", "subsidies") if config.path else None,
        )
    known = sorted(entry.get("year") for entry in config.stations.get("subsidies", ()))
    given = ", ".join(str(y) for y in known) or "none"
    raise SubsidyAmountsError(
        f"no subsidy amounts (以奖代补) are configured for {year}: stations.subsidies sets "
        f"the years {given}; add an entry with year: {year} and the amount of each level",
        where=config.where("stations", "subsidies") if config.path else None,
    )


@attrs.frozen(kw_only=True)
class SubsidyLine:
    """What one station earned in the year: the line a finance office pays from."""

    station_code: str
    station_name: str
    level: StationLevel
    county: str
    county_name: str
    parent_name: str | None
    passed_on: dt.date
    standards: tuple[str, ...]
    """The names of the standards the station passed."""
    amount: Decimal
    credit_code: str | None = None
    """The unified social credit code of the institution that runs the station (the payee)."""


@attrs.frozen(kw_only=True)
class SubsidyTotal:
    """The stations of one county (None: every county) and level that earned, and how much."""

    county: str | None
    county_name: str
    level: StationLevel | None
    stations: int
    amount: Decimal


@attrs.frozen(kw_only=True)
class SubsidyReport:
    """The year's subsidies: a line per station that earned, totals by county and level."""

    year: int
    amounts: Mapping[StationLevel, Decimal]
    lines: tuple[SubsidyLine, ...]

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))

    def by_level(self) -> tuple[SubsidyTotal, ...]:
        """A total for each level that has an amount this year, from the top."""
        return tuple(
            _total(None, "合计", level, [line for line in self.lines if line.level is level])
            for level in LEVELS
            if level in self.amounts
        )

    def by_county(self) -> tuple[SubsidyTotal, ...]:
        """A total for each county and level with stations that earned, then each county's
        total (level None), counties in the order of their codes."""
        found: list[SubsidyTotal] = []
        for county in sorted({line.county for line in self.lines}):
            mine = [line for line in self.lines if line.county == county]
            name = mine[0].county_name
            for level in LEVELS:
                of_level = [line for line in mine if line.level is level]
                if of_level:
                    found.append(_total(county, name, level, of_level))
            found.append(_total(county, name, None, mine))
        return tuple(found)

    def county_total(self, county: str, level: StationLevel | None = None) -> Decimal:
        """What the stations of ``county`` (of ``level``) earned."""
        return sum(
            (
                line.amount
                for line in self.lines
                if line.county == county and (level is None or line.level is level)
            ),
            Decimal(0),
        )

    def to_csv(self) -> str:
        """The per-station lines as CSV (UTF-8 with BOM for spreadsheets, headers in
        Chinese), ending with the total: what a finance office pays from and publishes."""
        out = io.StringIO()
        out.write("\ufeff")
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(
            [
                "序号",
                "年度",
                "县区",
                "上级站点",
                "站点编码",
                "站点名称",
                "站点层级",
                "统一社会信用代码",
                "达标日期",
                "达标标准",
                "奖补金额（元）",
            ]
        )
        for number, line in enumerate(self.lines, 1):
            writer.writerow(
                [
                    number,
                    self.year,
                    cell(line.county_name),
                    cell(line.parent_name or ""),
                    line.station_code,
                    cell(line.station_name),
                    line.level.label,
                    line.credit_code or "",
                    line.passed_on.isoformat(),
                    cell("；".join(line.standards)),
                    _yuan(line.amount),
                ]
            )
        writer.writerow(
            [
                "合计",
                self.year,
                "",
                "",
                "",
                f"{len(self.lines)} 个站点",
                "",
                "",
                "",
                "",
                _yuan(self.total),
            ]
        )
        return out.getvalue()


def _yuan(amount: Decimal) -> str:
    return format(amount.quantize(Decimal("0.01")), "f")


def _total(
    county: str | None, name: str, level: StationLevel | None, lines: Iterable[SubsidyLine]
) -> SubsidyTotal:
    lines = list(lines)
    return SubsidyTotal(
        county=county,
        county_name=name,
        level=level,
        stations=len(lines),
        amount=sum((line.amount for line in lines), Decimal(0)),
    )


def county_name(county: str) -> str:
    """The county's name for the report (广饶县)."""
    return region_name(county)
