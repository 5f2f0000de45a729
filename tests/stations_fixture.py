"""A small fixture of Dongying's stations for the tests of issue 13 (stations).

Three counties of Dongying — 东营区 370502, 利津县 370522, 广饶县 370523 — each with its
county centre, township centres, two rural-community centres (农村社区便民服务中心) under
the township centres, and village stations (村级便民服务站) under the community centres:
6 community centres and 10 village stations in all, under the city centre.

Plain functions returning model objects, so that every slice's tests build the same
stations; :func:`install` stores them (and the evaluations) through ``service.stations``.

The figures the tests compute by hand from it (subsidies of 2015 at 150,000 yuan per
community centre and 10,000 yuan per village station):

======================  =====================================  ==========================
station                  standard history                      earns in
======================  =====================================  ==========================
DY-NZ-WY (东营区)        ISO 9001 from 2015-03-10               2015
DY-NZ-DC (东营区)        ISO 9001 from 2014-06-01               2014
LJ-CZ-CZ (利津县)        ISO 9001 from 2015-05-20               2015
LJ-BS-BS (利津县)        no certificate                          never
GR-DW-BL (广饶县)        ISO 9001 2015-04-01 .. 2015-09-30      2015 (then lapses)
GR-DW-YZ (广饶县)        ISO 9001 from 2015-08-15               2015
DY-NZ-WY-01              five ones 2015-04-10                   2015
DY-NZ-WY-02              flow chart fails 2015-04-10, passes    2015 (once)
                         2015-06-15
DY-NZ-DC-01              passes 2014-11-05 and 2015-10-08       2014
DY-NZ-DC-02              register fails 2015-05-12, passes      2016
                         2016-03-01
LJ-CZ-CZ-01              passes 2015-07-01                      2015
LJ-CZ-CZ-02              passes 2015-03-02, fails 2015-09-01,   2015 (once)
                         passes 2015-11-20
LJ-BS-BS-01              never evaluated                         never
GR-DW-BL-01              passes 2015-06-20                      2015
GR-DW-YZ-01              passes 2015-10-10                      2015
GR-DW-YZ-02              passes 2015-12-31                      2015
======================  =====================================  ==========================

2015: 4 centres (600,000) and 7 stations (70,000), 670,000 yuan; by county 东营区
170,000, 利津县 170,000, 广饶县 330,000.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import Any

from govservice.model import (
    Certification,
    OpeningHours,
    PointResult,
    StaffMember,
    Station,
    StationEvaluation,
    Window,
)

COUNTIES = {"370502": "东营区", "370522": "利津县", "370523": "广饶县"}
"""The fixture's counties: code and name."""

CITY = "370500"

FIVE_ONES_POINTS = (
    "service-room",
    "open-counter",
    "office-equipment",
    "flow-chart",
    "service-register",
)
"""The points of the built-in five ones (五个一), in the standard's order."""

SUBSIDY_AMOUNTS: dict[int, dict[str, Decimal]] = {
    2014: {"community_centre": Decimal("150000"), "village_station": Decimal("10000")},
    2015: {"community_centre": Decimal("150000"), "village_station": Decimal("10000")},
    2016: {"community_centre": Decimal("160000"), "village_station": Decimal("12000")},
}
"""The config's ``stations.subsidies`` for the fixture: 2015 as Dongying paid it."""

WEEKDAY_HOURS = (
    OpeningHours(weekdays=(1, 2, 3, 4, 5), opens="08:30", closes="12:00"),
    OpeningHours(weekdays=(1, 2, 3, 4, 5), opens="13:30", closes="17:30"),
)
"""Opening hours of every fixture station: weekday mornings and afternoons."""


def _staff(*names: str) -> tuple[StaffMember, ...]:
    return tuple(StaffMember(name=name, role="window_clerk") for name in names)


def city_centre() -> Station:
    """东营市政务服务中心, the root."""
    return Station(
        code="370500-ZWZX",
        name="东营市政务服务中心",
        level="city_centre",
        region=CITY,
        windows=(Window(number="01", name="综合受理窗口"),),
        opening_hours=WEEKDAY_HOURS,
        built_on=dt.date(2010, 9, 1),
    )


def county_centres() -> list[Station]:
    """The government service centre of each county (``REGION-ZWZX``, as the samples)."""
    return [
        Station(
            code=f"{region}-ZWZX",
            name=f"{name}政务服务中心",
            level="county_centre",
            parent_code="370500-ZWZX",
            region=region,
            windows=(Window(number="01", name="综合受理窗口"),),
            opening_hours=WEEKDAY_HOURS,
            built_on=dt.date(2011, 6, 1),
        )
        for region, name in COUNTIES.items()
    ]


_TOWNSHIPS = (
    # code, name, county
    ("DY-NZ", "东营区牛庄镇便民服务中心", "370502"),
    ("LJ-CZ", "利津县陈庄镇便民服务中心", "370522"),
    ("LJ-BS", "利津县北宋镇便民服务中心", "370522"),
    ("GR-DW", "广饶县大王镇便民服务中心", "370523"),
)


def township_centres() -> list[Station]:
    """Four township centres: 牛庄镇, 陈庄镇, 北宋镇, 大王镇."""
    return [
        Station(
            code=code,
            name=name,
            level="township_centre",
            parent_code=f"{region}-ZWZX",
            region=region,
            windows=(Window(number="1", name="便民服务窗口"),),
            staff=_staff("张玉兰"),
            opening_hours=WEEKDAY_HOURS,
            built_on=dt.date(2013, 5, 1),
        )
        for code, name, region in _TOWNSHIPS
    ]


def _iso(number: str, issued: dt.date, expires: dt.date) -> Certification:
    return Certification(
        name="ISO 9001 质量管理体系认证", number=number, issued_on=issued, expires_on=expires
    )


_COMMUNITIES: tuple[tuple[str, str, str, str, dt.date, Certification | None], ...] = (
    # code, name, parent, county, built, certificate
    (
        "DY-NZ-WY",
        "东营区牛庄镇王营农村社区便民服务中心",
        "DY-NZ",
        "370502",
        dt.date(2015, 1, 20),
        _iso("00115Q21001R0S", dt.date(2015, 3, 10), dt.date(2018, 3, 9)),
    ),
    (
        "DY-NZ-DC",
        "东营区牛庄镇东岭农村社区便民服务中心",
        "DY-NZ",
        "370502",
        dt.date(2014, 3, 1),
        _iso("00114Q20602R0S", dt.date(2014, 6, 1), dt.date(2017, 5, 31)),
    ),
    (
        "LJ-CZ-CZ",
        "利津县陈庄镇陈庄农村社区便民服务中心",
        "LJ-CZ",
        "370522",
        dt.date(2015, 2, 10),
        _iso("00115Q21520R0S", dt.date(2015, 5, 20), dt.date(2018, 5, 19)),
    ),
    (
        "LJ-BS-BS",
        "利津县北宋镇北宋农村社区便民服务中心",
        "LJ-BS",
        "370522",
        dt.date(2015, 9, 1),
        None,
    ),
    (
        "GR-DW-BL",
        "广饶县大王镇北柳农村社区便民服务中心",
        "GR-DW",
        "370523",
        dt.date(2015, 1, 5),
        _iso("00115Q20401R0S", dt.date(2015, 4, 1), dt.date(2015, 9, 30)),
    ),
    (
        "GR-DW-YZ",
        "广饶县大王镇延集农村社区便民服务中心",
        "GR-DW",
        "370523",
        dt.date(2015, 5, 1),
        _iso("00115Q20815R0S", dt.date(2015, 8, 15), dt.date(2018, 8, 14)),
    ),
)


def community_centres() -> list[Station]:
    """The six rural-community centres, two a county, with their ISO 9001 certificates
    (北宋 has none; 北柳's lapses on 2015-09-30)."""
    return [
        Station(
            code=code,
            name=name,
            level="community_centre",
            parent_code=parent,
            region=region,
            windows=(
                Window(number="1", name="综合受理窗口"),
                Window(number="2", name="社会保障窗口", departments=("县人力资源和社会保障局",)),
            ),
            staff=_staff("刘海燕", "王建军"),
            opening_hours=WEEKDAY_HOURS,
            certifications=() if certificate is None else (certificate,),
            standards=("iso-9001",),
            built_on=built,
            certified_on=None if certificate is None else certificate.issued_on,
        )
        for code, name, parent, region, built, certificate in _COMMUNITIES
    ]


_VILLAGES = (
    # code, village, parent community, county, built
    ("DY-NZ-WY-01", "东营区牛庄镇王营村便民服务站", "DY-NZ-WY", "370502", dt.date(2015, 3, 1)),
    ("DY-NZ-WY-02", "东营区牛庄镇小张村便民服务站", "DY-NZ-WY", "370502", dt.date(2015, 3, 1)),
    ("DY-NZ-DC-01", "东营区牛庄镇东岭村便民服务站", "DY-NZ-DC", "370502", dt.date(2014, 9, 1)),
    ("DY-NZ-DC-02", "东营区牛庄镇西岭村便民服务站", "DY-NZ-DC", "370502", dt.date(2015, 4, 1)),
    ("LJ-CZ-CZ-01", "利津县陈庄镇陈庄村便民服务站", "LJ-CZ-CZ", "370522", dt.date(2015, 5, 1)),
    ("LJ-CZ-CZ-02", "利津县陈庄镇罗家村便民服务站", "LJ-CZ-CZ", "370522", dt.date(2015, 2, 1)),
    ("LJ-BS-BS-01", "利津县北宋镇北宋村便民服务站", "LJ-BS-BS", "370522", dt.date(2015, 10, 1)),
    ("GR-DW-BL-01", "广饶县大王镇北柳村便民服务站", "GR-DW-BL", "370523", dt.date(2015, 5, 1)),
    ("GR-DW-YZ-01", "广饶县大王镇延集村便民服务站", "GR-DW-YZ", "370523", dt.date(2015, 8, 1)),
    ("GR-DW-YZ-02", "广饶县大王镇孙家村便民服务站", "GR-DW-YZ", "370523", dt.date(2015, 9, 1)),
)

VILLAGE_CLOSURE = dt.date(2015, 6, 23)
"""GR-DW-BL-01 (北柳村) closes on this Tuesday for the village's own reason (its own
closure day, on top of Guangrao's calendar)."""


def village_stations() -> list[Station]:
    """The ten village stations: 4 in 东营区, 3 in 利津县, 3 in 广饶县."""
    return [
        Station(
            code=code,
            name=name,
            level="village_station",
            parent_code=parent,
            region=region,
            windows=(Window(number="1", name="代办窗口"),),
            staff=(StaffMember(name="李村代", role="agent"),),
            opening_hours=WEEKDAY_HOURS,
            closure_days=(VILLAGE_CLOSURE,) if code == "GR-DW-BL-01" else (),
            standards=("five-ones",),
            built_on=built,
        )
        for code, name, parent, region, built in _VILLAGES
    ]


def stations() -> list[Station]:
    """Every fixture station, each after its parent (the order to add them in)."""
    return [
        city_centre(),
        *county_centres(),
        *township_centres(),
        *community_centres(),
        *village_stations(),
    ]


def photo_sha256(name: str) -> str:
    """The SHA-256 of the fixture photo ``name`` (its bytes are its name, UTF-8)."""
    return hashlib.sha256(name.encode("utf-8")).hexdigest()


def five_ones(code: str, on: dt.date, failed: tuple[str, ...] = ()) -> StationEvaluation:
    """An evaluation of the five ones of village station ``code`` on ``on`` by 孙检查,
    every point with a note and photo, the points ``failed`` failing."""
    points = []
    for point in FIVE_ONES_POINTS:
        photo = f"{code}-{on:%Y%m%d}-{point}.jpg"
        points.append(
            PointResult(
                point=point,
                passed=point not in failed,
                note="未见" if point in failed else "符合要求",
                photo_name=photo,
                photo_sha256=photo_sha256(photo),
            )
        )
    return StationEvaluation(
        station_code=code, standard="five-ones", inspector="孙检查", on=on, points=points
    )


def iso_check(code: str, on: dt.date) -> StationEvaluation:
    """An evaluation of a community centre's ISO 9001 standard: the inspector saw the
    certificate (the record decides the point by the certificate's dates)."""
    return StationEvaluation(
        station_code=code,
        standard="iso-9001",
        inspector="孙检查",
        on=on,
        points=(PointResult(point="iso-9001-certificate", passed=True, note="证书在有效期内"),),
    )


def evaluations() -> list[StationEvaluation]:
    """The evaluations of the fixture (see the module's table), in date order."""
    d = dt.date
    found = [
        five_ones("DY-NZ-DC-01", d(2014, 11, 5)),
        iso_check("DY-NZ-DC", d(2014, 6, 10)),
        five_ones("LJ-CZ-CZ-02", d(2015, 3, 2)),
        iso_check("DY-NZ-WY", d(2015, 3, 20)),
        five_ones("DY-NZ-WY-01", d(2015, 4, 10)),
        five_ones("DY-NZ-WY-02", d(2015, 4, 10), failed=("flow-chart",)),
        five_ones("DY-NZ-DC-02", d(2015, 5, 12), failed=("service-register",)),
        five_ones("DY-NZ-WY-02", d(2015, 6, 15)),
        five_ones("GR-DW-BL-01", d(2015, 6, 20)),
        five_ones("LJ-CZ-CZ-01", d(2015, 7, 1)),
        five_ones("LJ-CZ-CZ-02", d(2015, 9, 1), failed=("office-equipment",)),
        five_ones("DY-NZ-DC-01", d(2015, 10, 8)),
        five_ones("GR-DW-YZ-01", d(2015, 10, 10)),
        five_ones("LJ-CZ-CZ-02", d(2015, 11, 20)),
        five_ones("GR-DW-YZ-02", d(2015, 12, 31)),
        five_ones("DY-NZ-DC-02", d(2016, 3, 1)),
    ]
    return sorted(found, key=lambda evaluation: evaluation.on)


def config_settings() -> dict[str, Any]:
    """The ``stations`` section of a config for the fixture (subsidy amounts as text,
    as YAML gives them)."""
    return {
        "subsidies": [
            {"year": year, **{level: str(amount) for level, amount in amounts.items()}}
            for year, amounts in SUBSIDY_AMOUNTS.items()
        ]
    }


def install(service: Any, *, with_evaluations: bool = True) -> None:
    """Add the fixture's stations (and evaluations) to ``service`` through
    ``service.stations``, which checks the hierarchy."""
    for station in stations():
        service.stations.add(station)
    if with_evaluations:
        for evaluation in evaluations():
            service.stations.evaluate(evaluation)
