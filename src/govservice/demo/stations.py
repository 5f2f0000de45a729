"""The stations of Dongying in 2015 and their window staff.

The city centre (东营市政务服务中心) and the five county and district centres, the township
and street centres (乡镇(街道)便民服务中心) under each, with the real township names of
2015, and the network built in 2015 below them (:data:`COMMUNITIES`): 41 rural-community
centres (农村社区便民服务中心) certified ISO 9001, with their certificates' numbers and
expiry (one lapses in the year and is renewed), and 50 village stations (村级便民服务站)
built to the "five ones" (五个一) under them. What they are inspected on, offer and are
trained in is :mod:`~govservice.demo.grassroots`.

Staff are :class:`~govservice.model.StaffMember` records in each station's list, which is
what the built-in registry of staff (``govservice.staff``) answers from: at every centre,
each department's window has clerks (more at the busy windows), a reviewer and an
approver (首席代表); the centre has
a manager and supervisors (电子监察), and agents (代办员) who take the whole set of
approvals of a key project (全程代办). A township centre has clerks, a reviewer and an
approver at its comprehensive window (综合受理窗口); a community centre a clerk and an
agent; a village station one agent (村级代办员) who also keeps the window. :class:`Desk` says who acts for which department at a station.

Names are generated, unique across the data set, and do not depend on the seed: the staff
of a centre are the same whatever year is simulated on them.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Iterator, Mapping

import attrs

from govservice.demo.catalog import (
    CITY,
    COUNTY_NAMES,
    Department,
    agency_credit_code,
    all_items,
    city_departments,
    county_departments,
    demand_of,
)
from govservice.model import (
    Certification,
    Contact,
    OpeningHours,
    StaffMember,
    StaffRole,
    Station,
    StationLevel,
    Window,
)

CENTRE_CODES: Mapping[str, str] = {
    CITY: "DY-ZWZX",
    "370502": "DYQ-ZWZX",
    "370503": "HK-ZWZX",
    "370505": "KL-ZWZX",
    "370522": "LJ-ZWZX",
    "370523": "GR-ZWZX",
}
"""The code of each region's centre (the station a case naming no station goes to)."""

_PREFIX = {CITY: "DY", "370502": "DYQ", "370503": "HK", "370505": "KL", "370522": "LJ",
           "370523": "GR"}  # fmt: skip

CENTRE_ADDRESSES: Mapping[str, str] = {
    CITY: "东营市东营区府前大街55号",
    "370502": "东营市东营区西四路620号",
    "370503": "东营市河口区河口街道海宁路",
    "370505": "东营市垦利区行政办公中心",
    "370522": "利津县利一路",
    "370523": "广饶县乐安大街",
}

TOWNSHIPS: Mapping[str, tuple[tuple[str, str], ...]] = {
    "370502": (
        ("WENHUI", "文汇街道"), ("HUANGHELU", "黄河路街道"), ("DONGCHENG", "东城街道"),
        ("XINDIAN", "辛店街道"), ("SHENGLI", "胜利街道"), ("SHENGYUAN", "胜园街道"),
        ("NIUZHUANG", "牛庄镇"), ("LIUHU", "六户镇"), ("SHIKOU", "史口镇"), ("LONGJU", "龙居镇"),
    ),
    "370503": (
        ("HEKOU", "河口街道"), ("LIUHE", "六合街道"), ("YIHE", "义和镇"), ("XIANHE", "仙河镇"),
        ("GUDAO", "孤岛镇"), ("XINHU", "新户镇"), ("TAIPING", "太平乡"),
    ),
    "370505": (
        ("KENLI", "垦利街道"), ("XINGLONG", "兴隆街道"), ("SHENGTUO", "胜坨镇"),
        ("HAOJIA", "郝家镇"), ("YONGAN", "永安镇"), ("HUANGHEKOU", "黄河口镇"), ("DONGJI", "董集镇"),
    ),
    "370522": (
        ("LIJIN", "利津街道"), ("BEISONG", "北宋镇"), ("YANWO", "盐窝镇"), ("CHENZHUANG", "陈庄镇"),
        ("TINGLUO", "汀罗镇"), ("MINGJI", "明集乡"), ("DIAOKOU", "刁口乡"),
    ),
    "370523": (
        ("GUANGRAO", "广饶街道"), ("DAWANG", "大王镇"), ("DAOZHUANG", "稻庄镇"),
        ("DINGZHUANG", "丁庄镇"), ("LIQUE", "李鹊镇"), ("DAMATOU", "大码头镇"),
        ("HUAGUAN", "花官镇"), ("CHENGUAN", "陈官镇"),
    ),
}  # fmt: skip
"""The townships and streets (乡镇、街道) of each county or district in 2015: code part, name."""

COMMUNITIES: Mapping[str, tuple[tuple[str, str, tuple[str, ...]], ...]] = {
    "370502": (
        ("SHIKOU", "油郭社区", ("西史口村", "北里村")),
        ("SHIKOU", "史口社区", ("东史口村",)),
        ("NIUZHUANG", "牛庄社区", ("牛庄村",)),
        ("NIUZHUANG", "刘集社区", ("刘集村",)),
        ("LIUHU", "六户社区", ("六户村", "二十八村")),
        ("LONGJU", "龙居社区", ("龙居村",)),
        ("LONGJU", "王营社区", ("王营村",)),
        ("XINDIAN", "新立社区", ("新立村",)),
    ),
    "370503": (
        ("YIHE", "义和社区", ("义和村", "东孙家村")),
        ("YIHE", "西河社区", ("西河村",)),
        ("XINHU", "新户社区", ("新户村", "五号桩村")),
        ("XINHU", "东马场社区", ("东马场村",)),
        ("XIANHE", "仙河社区", ("仙河村",)),
        ("GUDAO", "孤岛社区", ("孤岛村",)),
        ("TAIPING", "太平乡社区", ("太平村",)),
        ("LIUHE", "六合社区", ("六合村",)),
    ),
    "370505": (
        ("SHENGTUO", "胜利社区", ("胜利村", "宁海村")),
        ("SHENGTUO", "佛头寺社区", ("佛头寺村",)),
        ("HAOJIA", "郝家社区", ("郝家村", "毕家村")),
        ("YONGAN", "永安社区", ("永安村",)),
        ("YONGAN", "镇前社区", ("镇前村",)),
        ("HUANGHEKOU", "黄河口社区", ("友林村",)),
        ("DONGJI", "董集社区", ("董集村",)),
        ("XINGLONG", "兴隆社区", ("兴隆村",)),
    ),
    "370522": (
        ("BEISONG", "北宋社区", ("北宋村", "佀家村")),
        ("BEISONG", "高家社区", ("高家村",)),
        ("YANWO", "盐窝社区", ("盐窝村", "南岭村")),
        ("CHENZHUANG", "陈庄社区", ("陈庄村",)),
        ("CHENZHUANG", "西韩社区", ("西韩村",)),
        ("TINGLUO", "汀罗社区", ("汀罗村",)),
        ("MINGJI", "明集社区", ("明集村",)),
        ("DIAOKOU", "刁口社区", ("刁口村",)),
    ),
    "370523": (
        ("DAWANG", "北柳社区", ("北柳村", "刘集村")),
        ("DAWANG", "大王社区", ("大王村",)),
        ("DAOZHUANG", "西水社区", ("西水村",)),
        ("DAOZHUANG", "大营社区", ("大营村",)),
        ("LIQUE", "李鹊社区", ("李鹊村", "东韩村")),
        ("HUAGUAN", "花官社区", ("花官村",)),
        ("HUAGUAN", "王道社区", ("王道村",)),
        ("DINGZHUANG", "丁庄社区", ("丁庄村",)),
        ("CHENGUAN", "陈官社区", ()),
    ),
}  # fmt: skip
"""The rural-community centres (农村社区便民服务中心) built in 2015 under the townships of
each county (township code part, community, its village stations 村级便民服务站): 41
centres and 50 village stations, the yearbook's figures."""

ISO_BODY = "中国质量认证中心"
"""Who certified the community centres (ISO 9001 质量管理体系认证)."""

LAPSED_COMMUNITY = ("370502", "油郭社区")
"""The community centre whose first certificate lapsed in the year (the yearbook's model,
certified first; its surveillance audit missed, 监督审核未按期开展): valid through 30
September, renewed on 16 November."""
LAPSED_ON = dt.date(2015, 9, 30)
RENEWED_ON = dt.date(2015, 11, 16)

SUPERVISION_OFFICE = "电子监察室"
"""The pseudo-department of the supervisors (not a department of the catalog)."""


@attrs.frozen(kw_only=True)
class Desk:
    """Who acts for one department at one station: its window clerks, reviewer and
    approver (at a township centre, the comprehensive window's, for every department)."""

    station_code: str
    department: str | None
    """The department's name; None for a township centre's comprehensive window."""
    clerks: tuple[StaffMember, ...]
    reviewer: StaffMember
    approver: StaffMember


@attrs.frozen(kw_only=True)
class StationSet:
    """Every station of the demo and who works where."""

    stations: tuple[Station, ...]
    desks: Mapping[tuple[str, str | None], Desk]
    """By (station code, department name or None)."""
    agents: Mapping[str, tuple[StaffMember, ...]]
    """The centre's agents (代办员) by station code."""
    supervisors: Mapping[str, tuple[StaffMember, ...]]
    """The supervisors (监察人员) by station code (the centres only)."""


_SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏"
    "卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯"
    "邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文牛"
)
_GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力兰鹏飞海燕晓东亮宁"
    "新宇志彬斌瑞凯浩然欣怡梅琳莉倩雪婷慧颖佳振国庆春雷岩峰毅晨阳光荣昊博健帅雯蕾丹"
)


class NameSource:
    """Chinese names, never one twice (the registry of staff finds people by name when no
    staff number is given)."""

    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)
        self._used: set[str] = set()

    def __next__(self) -> str:
        while True:
            surname = self._random.choice(_SURNAMES)
            given = self._random.choice(_GIVEN)
            if self._random.random() < 0.6:
                given += self._random.choice(_GIVEN)
            name = surname + given
            if name not in self._used:
                self._used.add(name)
                return name

    def __iter__(self) -> Iterator[str]:
        return self


class _Numbers:
    def __init__(self, prefix: str) -> None:
        self.prefix, self.count = prefix, 0

    def __next__(self) -> str:
        self.count += 1
        return f"{self.prefix}-{self.count:04d}"


def _member(names: NameSource, numbers: _Numbers, role: StaffRole) -> StaffMember:
    return StaffMember(name=next(names), role=role, staff_number=next(numbers))


def _centre(
    region: str,
    departments: Iterable[Department],
    names: NameSource,
    agents: int,
    desks: dict[tuple[str, str | None], Desk],
    agent_lists: dict[str, tuple[StaffMember, ...]],
    supervisor_lists: dict[str, tuple[StaffMember, ...]],
    demand: Mapping[str, float],
) -> Station:
    code = CENTRE_CODES[region]
    numbers = _Numbers(_PREFIX[region])
    staff: list[StaffMember] = [_member(names, numbers, StaffRole.MANAGER)]
    windows = []
    for index, department in enumerate(departments, start=1):
        clerks = tuple(
            _member(names, numbers, StaffRole.WINDOW_CLERK)
            for _ in range(2 + min(4, int(demand.get(department.name, 0.0) // 20)))
        )
        reviewer = _member(names, numbers, StaffRole.REVIEWER)
        approver = _member(names, numbers, StaffRole.APPROVER)
        staff += [*clerks, reviewer, approver]
        desks[(code, department.name)] = Desk(
            station_code=code,
            department=department.name,
            clerks=clerks,
            reviewer=reviewer,
            approver=approver,
        )
        windows.append(
            Window(number=f"{index:02d}", name=department.window, departments=(department.name,))
        )
    supervisors = tuple(
        _member(names, numbers, StaffRole.SUPERVISOR) for _ in range(2 if region == CITY else 1)
    )
    centre_agents = tuple(_member(names, numbers, StaffRole.AGENT) for _ in range(agents))
    staff += [*supervisors, *centre_agents]
    supervisor_lists[code] = supervisors
    agent_lists[code] = centre_agents
    name = "东营市政务服务中心" if region == CITY else f"{COUNTY_NAMES[region]}政务服务中心"
    return Station(
        code=code,
        name=name,
        level=StationLevel.CITY_CENTRE if region == CITY else StationLevel.COUNTY_CENTRE,
        parent_code=None if region == CITY else CENTRE_CODES[CITY],
        region=region,
        credit_code=agency_credit_code(region, 100),
        address=CENTRE_ADDRESSES[region],
        contact=Contact(name=f"{name}管理办公室", phone="0546-12345"),
        windows=tuple(windows),
        staff=tuple(staff),
    )


def _township(
    region: str,
    part: str,
    township: str,
    serial: int,
    names: NameSource,
    desks: dict[tuple[str, str | None], Desk],
) -> Station:
    code = f"{_PREFIX[region]}-{part}"
    numbers = _Numbers(code)
    clerks = (
        _member(names, numbers, StaffRole.WINDOW_CLERK),
        _member(names, numbers, StaffRole.WINDOW_CLERK),
    )
    reviewer = _member(names, numbers, StaffRole.REVIEWER)
    approver = _member(names, numbers, StaffRole.APPROVER)
    desks[(code, None)] = Desk(
        station_code=code, department=None, clerks=clerks, reviewer=reviewer, approver=approver
    )
    county = COUNTY_NAMES[region]
    return Station(
        code=code,
        name=f"{county}{township}便民服务中心",
        level=StationLevel.TOWNSHIP_CENTRE,
        parent_code=CENTRE_CODES[region],
        region=region,
        credit_code=agency_credit_code(region, 300 + serial),
        address=f"{county}{township}政府驻地",
        windows=(Window(number="01", name="综合受理窗口"),),
        staff=(*clerks, reviewer, approver),
    )


def _community(
    region: str, part: str, community: str, index: int, serial: int, names: NameSource
) -> Station:
    """Rural-community centre number ``index`` of the city (0 …), the ``serial``-th of its
    township: built in 2015, ISO 9001 certified 25 days later for three years."""
    parent = f"{_PREFIX[region]}-{part}"
    code = f"{parent}-SQ{serial}"
    numbers = _Numbers(code)
    clerk = _member(names, numbers, StaffRole.WINDOW_CLERK)
    agent = _member(names, numbers, StaffRole.AGENT)
    built = dt.date(2015, 3, 2) + dt.timedelta(days=6 * index)
    issued = built + dt.timedelta(days=25)
    number = f"00115Q2{1870 + index}R0M"
    if (region, community) == LAPSED_COMMUNITY:
        certifications = (
            Certification(name="ISO 9001 质量管理体系认证", number="00115Q21870R0S",
                          issued_on=issued, expires_on=LAPSED_ON),
            Certification(name="ISO 9001 质量管理体系认证", number="00115Q21870R1S",
                          issued_on=RENEWED_ON,
                          expires_on=RENEWED_ON.replace(year=2018) - dt.timedelta(days=1)),
        )  # fmt: skip
    else:
        certifications = (
            Certification(
                name="ISO 9001 质量管理体系认证",
                number=number,
                issued_on=issued,
                expires_on=issued.replace(year=2018) - dt.timedelta(days=1),
            ),
        )
    county = COUNTY_NAMES[region]
    township = dict(TOWNSHIPS[region])[part]
    return Station(
        code=code,
        name=f"{county}{township}{community}便民服务中心",
        level=StationLevel.COMMUNITY_CENTRE,
        parent_code=parent,
        region=region,
        address=f"{county}{township}{community}",
        windows=(Window(number="01", name="综合服务窗口"),),
        staff=(clerk, agent),
        certifications=certifications,
        standards=("iso-9001",),
        opening_hours=_HOURS,
        built_on=built,
        certified_on=issued,
    )


_HOURS = (
    OpeningHours(weekdays=(1, 2, 3, 4, 5), opens="08:30", closes="12:00"),
    OpeningHours(weekdays=(1, 2, 3, 4, 5), opens="13:30", closes="17:30"),
)


def village_built_on(index: int) -> dt.date:
    """When village station number ``index`` of the city (0 …) was built in 2015."""
    return dt.date(2015, 3, 10) + dt.timedelta(days=5 * index)


def _village(
    community: Station, township: str, village: str, index: int, serial: int, names: NameSource
) -> Station:
    code = f"{community.code}-{serial:02d}"
    name = next(names)
    number = f"{code}-01"
    staff = (
        StaffMember(name=name, role=StaffRole.AGENT, staff_number=number),
        StaffMember(name=name, role=StaffRole.WINDOW_CLERK, staff_number=number),
    )
    county = COUNTY_NAMES[community.region]
    return Station(
        code=code,
        name=f"{county}{township}{village}便民服务站",
        level=StationLevel.VILLAGE_STATION,
        parent_code=community.code,
        region=community.region,
        address=f"{community.address}{village}村委会",
        windows=(Window(number="01", name="便民服务窗口"),),
        staff=staff,
        standards=("five-ones",),
        opening_hours=_HOURS,
        built_on=village_built_on(index),
    )


def grassroots_stations(names: NameSource) -> list[Station]:
    """The 41 rural-community centres and the 50 village stations of 2015 (each after its
    parent), in the order of :data:`COMMUNITIES`."""
    found: list[Station] = []
    villages = 0
    for index, (region, part, community, stations) in enumerate(
        (region, *entry) for region, entries in COMMUNITIES.items() for entry in entries
    ):
        serial = 1 + sum(1 for other in found if other.parent_code == f"{_PREFIX[region]}-{part}")
        centre = _community(region, part, community, index, serial, names)
        found.append(centre)
        for number, village in enumerate(stations, start=1):
            township = dict(TOWNSHIPS[region])[part]
            found.append(_village(centre, township, village, villages, number, names))
            villages += 1
    return found


def _with_offers(stations: list[Station]) -> list[Station]:
    """The stations, each township centre, community centre and village station with the
    items it offers (:func:`~govservice.demo.grassroots.offered_items`)."""
    from govservice.demo.grassroots import offered_items

    items = all_items()
    serials: dict[StationLevel, int] = {}
    found = []
    for station in stations:
        serial = serials.get(station.level, 0)
        serials[station.level] = serial + 1
        offered = offered_items(station, serial, items)
        found.append(attrs.evolve(station, items=offered) if offered else station)
    return found


def build_stations(agents_at_city: int = 12) -> StationSet:
    """Every station of the demo: the city centre (with ``agents_at_city`` agents), the
    county and district centres, their township centres and the sample of villages."""
    names = NameSource(2015)
    desks: dict[tuple[str, str | None], Desk] = {}
    agents: dict[str, tuple[StaffMember, ...]] = {}
    supervisors: dict[str, tuple[StaffMember, ...]] = {}
    demand: dict[str, float] = {}
    for item in all_items():  # busier windows have more clerks (公安, 人社, 市场 …)
        demand[item.department] = demand.get(item.department, 0.0) + demand_of(item)
    stations = [
        _centre(
            CITY, city_departments(), names, agents_at_city, desks, agents, supervisors, demand
        )
    ]
    for region in COUNTY_NAMES:
        stations.append(
            _centre(
                region, county_departments(region), names, 2, desks, agents, supervisors, demand
            )
        )
        for serial, (part, township) in enumerate(TOWNSHIPS[region], start=1):
            stations.append(_township(region, part, township, serial, names, desks))
    stations += grassroots_stations(names)
    stations = _with_offers(stations)
    return StationSet(
        stations=tuple(stations), desks=desks, agents=agents, supervisors=supervisors
    )
