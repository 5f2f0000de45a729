"""The demo's grassroots year (基层便民服务): what the stations below the townships offer,
how they were inspected, who was trained, and the quarterly assessment's records.

- :func:`required_items` and :func:`offered_items`: each county's guiding catalog
  (便民服务事项指导性目录, :func:`guiding_versions`, in force from 1 March 2015) asks a
  township centre for the county's items handled at township level, and a community
  centre and a village station for those handled at village level (the demo catalog's
  ``station_levels``); a station offers them all but a few (every fifth township, every
  fourth village station misses one: the coverage report's gaps, 应进必进), and some
  community centres offer one township item besides (outside the catalog).
- :func:`evaluations`: each village station is inspected against the five ones
  (五个一) two weeks after it was built, every point with its note and photo; a few fail
  the flow chart (办事流程图) first and pass three weeks later. Each community centre's
  ISO 9001 certificate is checked after it was issued; the one that lapses
  (:data:`~govservice.demo.stations.LAPSED_COMMUNITY`) fails in October and passes again
  after its renewal.
- :func:`training_sessions`: the year's sessions (业务培训), 280 person-times in all
  (:data:`PERSON_TIMES`, the yearbook's figure).
- :func:`staff_records` and :func:`discipline_records`: the attendance and discipline
  records of the city centre's window staff, quarter by quarter, for the quarterly
  assessment (进驻人员季度考核) that the year report runs on the year's cases.

:func:`load_grassroots` stores all of it through ``service.stations``. Everything follows
from the seed (who is present, who is a party member, who is trained at the year's last
session) and from the stations (the same whatever the seed).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from govservice.model import (
    Attendance,
    DisciplineRecord,
    GuidingCatalogVersion,
    GuidingEntry,
    Item,
    PointResult,
    StaffRecord,
    StaffRole,
    Station,
    StationEvaluation,
    StationLevel,
    TrainingSession,
)

L = StationLevel
YEAR = 2015
PERSON_TIMES = 280
"""Person-times of training in 2015 (培训基层工作人员280人次)."""
GUIDING_EFFECTIVE = dt.date(2015, 3, 1)
CITY_CENTRE = "DY-ZWZX"
TRAINING_ROOM = "东营市政务服务中心三楼培训室"

_ASKED: dict[StationLevel, StationLevel] = {
    L.TOWNSHIP_CENTRE: L.TOWNSHIP_CENTRE,
    L.COMMUNITY_CENTRE: L.VILLAGE_STATION,
    L.VILLAGE_STATION: L.VILLAGE_STATION,
}
"""The level of the catalog's ``station_levels`` each level of station is asked for."""


# --- the guiding catalog and what each station offers ------------------------------------


def required_items(items: Iterable[Item], region: str, level: StationLevel) -> list[str]:
    """The codes of the items of ``region`` a station of ``level`` must offer (none for a
    centre of the city or a county), in the order of the catalog."""
    asked = _ASKED.get(level)
    if asked is None:
        return []
    return [item.code for item in items if item.region == region and asked in item.station_levels]


def offered_items(station: Station, serial: int, items: Sequence[Item]) -> tuple[str, ...]:
    """What ``station`` (the ``serial``-th of its level in the data set, from 0) offers:
    what its level must, less one for every fifth township and every fourth village
    station, and one township item more for every third community centre."""
    required = required_items(items, station.region, station.level)
    if not required:
        return ()
    offered = list(required)
    if (station.level is L.TOWNSHIP_CENTRE and serial % 5 == 4) or (
        station.level is L.VILLAGE_STATION and serial % 4 == 3
    ):
        offered.pop(serial % len(offered))
    elif station.level is L.COMMUNITY_CENTRE and serial % 3 == 2:
        township = required_items(items, station.region, L.TOWNSHIP_CENTRE)
        extra = next((code for code in township if code not in offered), None)
        if extra is not None:
            offered.append(extra)
    return tuple(offered)


def guiding_versions(
    items: Sequence[Item], counties: Iterable[str]
) -> list[GuidingCatalogVersion]:
    """Each county's guiding catalog of 2015 (version 1, in force from 1 March)."""
    from govservice.demo.catalog import COUNTY_NAMES

    versions = []
    for county in counties:
        entries = [
            GuidingEntry(level=level, code=code)
            for level in (L.TOWNSHIP_CENTRE, L.COMMUNITY_CENTRE, L.VILLAGE_STATION)
            for code in required_items(items, county, level)
        ]
        name = COUNTY_NAMES[county]
        versions.append(
            GuidingCatalogVersion(
                region=county,
                number=1,
                effective=GUIDING_EFFECTIVE,
                entries=entries,
                title=f"{name}便民服务事项指导性目录",
                decided_by=f"{name}人民政府办公室",
                decision_number=f"{name[:2]}政办发〔2015〕{3 + len(versions)}号",
            )
        )
    return versions


# --- evaluations ---------------------------------------------------------------------------

FIVE_ONES = (
    ("service-room", "便民服务室整洁，标识醒目"),
    ("open-counter", "开放式服务台已设置"),
    ("office-equipment", "电脑、打印机、电话等办公设备齐全"),
    ("flow-chart", "办事流程图已上墙公示"),
    ("service-register", "便民服务登记台账记录完整"),
)
FLOW_CHART_MISSING = "未张贴办事流程图"


def _photo(code: str, point: str, day: dt.date) -> dict[str, str]:
    name = f"{code}-{point}-{day:%Y%m%d}.jpg"
    return {"photo_name": name, "photo_sha256": hashlib.sha256(name.encode()).hexdigest()}


def _five_ones(station: Station, inspector: str, day: dt.date, *, flow_chart: bool) -> Any:
    points = []
    for point, note in FIVE_ONES:
        passed = flow_chart or point != "flow-chart"
        points.append(
            PointResult(
                point=point,
                passed=passed,
                note=note if passed else FLOW_CHART_MISSING,
                **_photo(station.code, point, day),
            )
        )
    return StationEvaluation(
        station_code=station.code, standard="five-ones", inspector=inspector, on=day,
        points=points,
    )  # fmt: skip


def _iso(station: Station, inspector: str, day: dt.date, *, passed: bool) -> Any:
    valid = [c for c in station.certifications if c.issued_on and c.issued_on <= day]
    cert = valid[-1]
    note = (
        f"证书编号{cert.number}，有效期至{cert.expires_on:%Y年%m月%d日}"
        if passed
        else f"证书{cert.number}已于{cert.expires_on:%Y年%m月%d日}到期，监督审核未按期开展"
    )
    return StationEvaluation(
        station_code=station.code,
        standard="iso-9001",
        inspector=inspector,
        on=day,
        points=[
            PointResult(
                point="iso-9001-certificate", passed=passed, note=note,
                **_photo(station.code, "iso-9001-certificate", day),
            )
        ],
    )  # fmt: skip


def evaluations(stations: Sequence[Station], inspectors: dict[str, str]) -> list[Any]:
    """The year's inspections of the community centres and village stations, in order of
    the stations (``inspectors``: the inspector of each county)."""
    from govservice.demo.stations import LAPSED_ON, RENEWED_ON

    found = []
    villages = 0
    for station in stations:
        inspector = inspectors[station.region]
        if station.level is L.VILLAGE_STATION and station.built_on is not None:
            first = station.built_on + dt.timedelta(days=14)
            fails = villages % 9 == 4
            found.append(_five_ones(station, inspector, first, flow_chart=not fails))
            if fails:
                again = first + dt.timedelta(days=21)
                found.append(_five_ones(station, inspector, again, flow_chart=True))
            villages += 1
        elif station.level is L.COMMUNITY_CENTRE and station.certified_on is not None:
            day = station.certified_on + dt.timedelta(days=10)
            found.append(_iso(station, inspector, day, passed=True))
            if len(station.certifications) > 1:  # the one that lapsed, then renewed
                found.append(
                    _iso(station, inspector, LAPSED_ON + dt.timedelta(days=15), passed=False)
                )
                found.append(
                    _iso(station, inspector, RENEWED_ON + dt.timedelta(days=4), passed=True)
                )
    return found


# --- training ------------------------------------------------------------------------------


def _attend(station: Station, roles: Iterable[StaffRole] | None = None) -> list[Attendance]:
    seen: set[str] = set()
    found = []
    for member in station.staff:
        if member.name in seen or (roles is not None and member.role not in roles):
            continue
        seen.add(member.name)
        found.append(
            Attendance(
                name=member.name, station_code=station.code, staff_number=member.staff_number
            )
        )
    return found


def training_sessions(
    stations: Sequence[Station], trainers: dict[str, str], seed: int
) -> list[TrainingSession]:
    """The sessions of 2015: the township clerks in March, each county's community and
    village staff built by then in May, the guiding catalog in July, the village agents
    in September, and at the year's last session staff of the community centres and
    village stations drawn by ``seed`` until the year makes :data:`PERSON_TIMES`."""
    from govservice.demo.catalog import COUNTY_NAMES

    townships = [s for s in stations if s.level is L.TOWNSHIP_CENTRE]
    grassroots = [s for s in stations if s.level in (L.COMMUNITY_CENTRE, L.VILLAGE_STATION)]
    sessions = [
        TrainingSession(
            id="PX2015-001",
            on=dt.date(2015, 3, 18),
            topic="便民服务事项受理规范",
            hours=Decimal(4),
            trainer=trainers["370500"],
            place=TRAINING_ROOM,
            attendance=[_attend(s, (StaffRole.WINDOW_CLERK,))[0] for s in townships],
        )
    ]
    may = dt.date(2015, 5, 20)
    for number, county in enumerate(COUNTY_NAMES, start=2):
        built = [s for s in grassroots if s.region == county and s.built_on and s.built_on <= may]
        sessions.append(
            TrainingSession(
                id=f"PX2015-{number:03d}",
                on=may + dt.timedelta(days=number - 2),
                topic="五个一标准化建设与便民服务登记台账",
                hours=Decimal(3),
                trainer=trainers[county],
                place=f"{COUNTY_NAMES[county]}政务服务中心培训室",
                attendance=[a for s in built for a in _attend(s)],
            )
        )
    july = [_attend(s, (StaffRole.REVIEWER,))[0] for s in townships]
    july += [
        _attend(s, (StaffRole.AGENT,))[0]
        for s in grassroots
        if s.level is L.COMMUNITY_CENTRE and s.built_on and s.built_on <= dt.date(2015, 7, 15)
    ]
    sessions.append(
        TrainingSession(
            id="PX2015-007",
            on=dt.date(2015, 7, 15),
            topic="便民服务事项指导性目录解读（应进必进）",
            hours=Decimal("3.5"),
            trainer=trainers["370500"],
            place=TRAINING_ROOM,
            attendance=july,
        )
    )
    september = dt.date(2015, 9, 16)
    sessions.append(
        TrainingSession(
            id="PX2015-008",
            on=september,
            topic="村级代办员全程代办业务",
            hours=Decimal(3),
            trainer=trainers["370500"],
            place=TRAINING_ROOM,
            attendance=[
                _attend(s, (StaffRole.AGENT,))[0]
                for s in grassroots
                if s.level is L.VILLAGE_STATION and s.built_on and s.built_on <= september
            ],
        )
    )
    left = PERSON_TIMES - sum(session.person_times for session in sessions)
    candidates = [
        a for s in grassroots for a in _attend(s) if s.built_on and s.built_on.month <= 11
    ]
    if not 0 < left <= len(candidates):
        raise ValueError(f"the demo's training cannot make {PERSON_TIMES} person-times")
    drawn = random.Random(f"training-{seed}").sample(candidates, left)
    sessions.append(
        TrainingSession(
            id="PX2015-009",
            on=dt.date(2015, 12, 3),
            topic="好差评与群众诉求办理",
            hours=Decimal(2),
            trainer=trainers["370500"],
            place=TRAINING_ROOM,
            attendance=sorted(drawn, key=lambda a: (a.station_code, a.name)),
        )
    )
    return sessions


# --- the quarterly assessment's records ----------------------------------------------------

_WINDOW_ROLES = (StaffRole.WINDOW_CLERK, StaffRole.REVIEWER, StaffRole.APPROVER)
_BREACHES = ("上班迟到", "工作时间脱岗", "未按规定佩戴工作牌", "窗口服务用语不规范")


def _quarter_days(quarter: int) -> list[dt.date]:
    first = dt.date(YEAR, 3 * quarter - 2, 1)
    last = dt.date(YEAR + 1, 1, 1) if quarter == 4 else dt.date(YEAR, 3 * quarter + 1, 1)
    return [first + dt.timedelta(days=n) for n in range((last - first).days)]


def staff_records(
    centre: Station, desks: Any, calendar: Any, seed: int
) -> tuple[list[StaffRecord], list[DisciplineRecord]]:
    """The attendance records of the window staff of ``centre`` for each quarter of the
    year, and the discipline records (a few a quarter), drawn by ``seed``."""
    rng = random.Random(f"staff-{seed}")
    windows = {w.departments[0]: w.number for w in centre.windows if w.departments}
    people: list[tuple[str, Any]] = []
    for (code, department), desk in sorted(
        desks.items(), key=lambda entry: (entry[0][0], entry[0][1] or "")
    ):
        if code != centre.code or department not in windows:
            continue
        for member in (*desk.clerks, desk.reviewer, desk.approver):
            people.append((windows[department], member))
    people.sort(key=lambda entry: (entry[0], entry[1].staff_number or ""))
    party = {member.name for _, member in people if rng.random() < 0.3}
    records, breaches = [], []
    for quarter in (1, 2, 3, 4):
        days = [day for day in _quarter_days(quarter) if calendar.is_working_day(day)]
        for window, member in people:
            absent = rng.choices((0, 0, 0, 0, 1, 2, 3))[0]
            records.append(
                StaffRecord(
                    station_code=centre.code,
                    name=member.name,
                    staff_number=member.staff_number,
                    window=window,
                    year=YEAR,
                    quarter=quarter,
                    days_due=len(days),
                    days_present=len(days) - absent,
                    party_member=member.name in party,
                )
            )
        for _, member in rng.sample(people, 4):
            breaches.append(
                DisciplineRecord(
                    station_code=centre.code,
                    name=member.name,
                    on=rng.choice(days),
                    points=Decimal(rng.choice((1, 2))),
                    reason=rng.choice(_BREACHES),
                )
            )
    return records, breaches


# --- storing it ------------------------------------------------------------------------------


def load_grassroots(service: Any, dataset: Any, seed: int) -> None:
    """Store the demo's grassroots year in ``service`` (after the data set's catalog and
    stations, :meth:`~govservice.demo.dataset.Dataset.load_into`): the counties' guiding
    catalogs, the inspections, the training sessions and the staff assessment's records."""
    stations = service.stations
    counties = [region for region in dataset.regions if region != dataset.region]
    for version in guiding_versions(dataset.items, counties):
        stations.guiding.add(version)
    managers = {
        station.region: next(m.name for m in station.staff if m.role is StaffRole.MANAGER)
        for station in dataset.stations
        if station.level in (L.CITY_CENTRE, L.COUNTY_CENTRE)
    }
    for evaluation in evaluations(dataset.stations, managers):
        stations.evaluate(evaluation)
    for session in training_sessions(dataset.stations, managers, seed):
        stations.training.add(session)
    centre = dataset.station(dataset.centre_code(dataset.region))
    records, breaches = staff_records(centre, dataset.desks, service.calendar(), seed)
    stations.assessment.record(records)
    stations.assessment.record_discipline(breaches)
