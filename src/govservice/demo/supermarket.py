"""The demo's intermediary supermarket (中介超市) of 2015: the list of intermediary services,
17 agencies in the hall (有形进驻) and 267 online (虚拟进驻), the needs of the key projects
and of other owners, the selections made for them, the engagements that followed, the
quarterly assessments and the agency they suspended.

- :func:`intermediary_services`: the city's list (中介服务事项清单), 16 services, each
  linked to the city items it serves (by name in the demo catalog), with the six fee
  regimes (a fixed amount, a range, 市场调节价, a cited price document, 政府承担, each
  agency's tariff) and the list's changes in the year (:data:`STATUS_CHANGES`: one
  adjusted 清理调整, one cancelled 取消 by the State Council's decision of October 2015).
- :func:`agencies`: 284 agencies, the same whatever the seed (as the stations are), each
  with qualifications tied to the services it offers (a few expiring within the year),
  practitioners (identity numbers valid by GB 11643), a contact and offers at fees that
  keep to each service's regime. One agency of the hall (:data:`LAPSED_AGENCY_INDEX`)
  lets its qualification lapse in September; :data:`POOR_AGENCY_INDEX`, a drawing-review agency of the hall, delivers late and
  poorly in the first half-year and is suspended by the assessment rules after its
  second 不合格 quarter.
- :func:`load_supermarket` plays the year through ``service.intermediaries``: the list,
  the registrations on their days, each key project's needs for the services its
  approvals require (:func:`project_needs`) and a steady run of other owners' needs
  (:func:`other_needs`), each committed to before its draw with the witnesses'
  contributions, selected (the random draw; lowest price, best score and one direct
  choice with its reason), engaged, delivered and rated, a few complained of; the four
  quarters assessed (the fourth on the first working days of 2016, as the rules have it).

Every choice the demo makes itself (who is late, the ratings, the witnesses' numbers)
follows from SHA-256 over the seed and the record's id, never from ``random.Random``:
the same seed gives the same year, and the draws are the library's own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import heapq
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs
from stdnum.cn import ric, uscc

from govservice.clock import SHANGHAI
from govservice.demo.catalog import CITY, organisation_code
from govservice.model import (
    Contact,
    FeeRegime,
    Intermediary,
    IntermediaryService,
    Item,
    ListStatus,
    ListStatusChange,
    Practitioner,
    Presence,
    Qualification,
    ServiceFee,
    ServiceOffer,
    ServiceRequirement,
    Witness,
)

YEAR = 2015
PHYSICAL = 17
"""Agencies in the hall (有形进驻), the yearbook's figure."""
ONLINE = 267
"""Agencies online (虚拟进驻)."""
LIST_DOCUMENT = "东政办字〔2015〕3号"
"""The city's decision that published the list (市级行政审批中介服务事项清单)."""
LISTED_ON = dt.date(2015, 1, 1)


def _digest(*parts: object) -> int:
    """A number from SHA-256 over ``parts``: the demo's own choices (never random.Random)."""
    text = "\x1f".join(map(str, parts)).encode("utf-8")
    return int.from_bytes(hashlib.sha256(text).digest()[:8], "big")


def _pick(options: Sequence[Any], *parts: object) -> Any:
    return options[_digest(*parts) % len(options)]


# --- the list of services ------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class _Row:
    code: str
    name: str
    department: str
    items: tuple[str, ...]
    """Names of the city items it serves."""
    category: str
    """Which agencies offer it (测绘, 环评 …)."""
    basis: str
    fee: ServiceFee
    requirement: ServiceRequirement = ServiceRequirement.REQUIRED
    condition: str | None = None
    counts_in_limit: bool = False
    payer: str = "申请人"
    status: ListStatus = ListStatus.RETAINED
    days: int = 15
    """Working days an agency usually promises."""


def _fee(regime: str, amount: str | None = None, amount_to: str | None = None, **more: Any):
    return ServiceFee(
        regime=FeeRegime(regime),
        amount=None if amount is None else Decimal(amount),
        amount_to=None if amount_to is None else Decimal(amount_to),
        **more,
    )


_ROWS: tuple[_Row, ...] = (
    _Row(
        code="ZJ-370500-001",
        name="施工图设计文件审查",
        department="东营市住房和城乡建设管理局",
        items=("建筑工程施工许可证核发",),
        category="审图",
        condition="房屋建筑和市政基础设施工程",
        basis="《建设工程质量管理条例》第十一条；《房屋建筑和市政基础设施工程施工图设计文件审查管理办法》（住房和城乡建设部令第13号）",
        fee=_fee("price_document", document="鲁价费发〔2012〕53号"),
        days=10,
    ),
    _Row(
        code="ZJ-370500-002",
        name="防雷装置设计技术评价",
        department="东营市气象局",
        items=("防雷装置设计审核",),
        category="防雷",
        condition="新建、改建、扩建建（构）筑物的防雷装置",
        basis="《气象灾害防御条例》第二十四条；《防雷装置设计审核和竣工验收规定》（中国气象局令第21号）",
        fee=_fee("range", "1000", "30000", note="按建筑面积分档计收"),
        days=7,
    ),
    _Row(
        code="ZJ-370500-003",
        name="防雷装置检测",
        department="东营市气象局",
        items=("防雷装置竣工验收",),
        category="防雷",
        basis="《气象灾害防御条例》第二十三条",
        fee=_fee("price_document", document="鲁价费发〔2013〕93号"),
        days=5,
    ),
    _Row(
        code="ZJ-370500-004",
        name="地震安全性评价",
        department="东营市地震局",
        items=("企业投资项目核准", "政府投资项目可行性研究报告审批"),
        category="地震",
        condition="重大建设工程和可能发生严重次生灾害的建设工程",
        basis="《中华人民共和国防震减灾法》第三十五条；《地震安全性评价管理条例》",
        fee=_fee("negotiated"),
        days=30,
    ),
    _Row(
        code="ZJ-370500-005",
        name="环境影响报告书编制",
        department="东营市环境保护局",
        items=("建设项目环境影响报告书审批", "建设项目环境影响报告书审批(省级下放部分)"),
        category="环评",
        condition="可能造成重大环境影响的建设项目",
        basis="《中华人民共和国环境影响评价法》第十六条、第十九条",
        fee=_fee("negotiated", note="国家发展改革委放开收费标准，实行市场调节价"),
        days=40,
    ),
    _Row(
        code="ZJ-370500-006",
        name="环境影响报告表编制",
        department="东营市环境保护局",
        items=("建设项目环境影响报告表审批",),
        category="环评",
        condition="可能造成轻度环境影响的建设项目",
        basis="《中华人民共和国环境影响评价法》第十六条",
        fee=_fee("negotiated"),
        days=20,
    ),
    _Row(
        code="ZJ-370500-007",
        name="建设工程规划放线测量",
        department="东营市规划局",
        items=("建设工程规划许可证核发", "建设项目规划放线验线"),
        category="测绘",
        basis="《中华人民共和国城乡规划法》第四十条；《山东省城乡规划条例》",
        fee=_fee("range", "1500", "6000"),
        counts_in_limit=True,
        days=3,
    ),
    _Row(
        code="ZJ-370500-008",
        name="建设工程竣工规划核实测量",
        department="东营市规划局",
        items=("建设工程规划条件核实",),
        category="测绘",
        basis="《中华人民共和国城乡规划法》第四十五条",
        fee=_fee("tariff"),
        days=5,
    ),
    _Row(
        code="ZJ-370500-009",
        name="建设项目用地勘测定界",
        department="东营市国土资源局",
        items=("建设项目用地预审",),
        category="测绘",
        basis="《建设项目用地预审管理办法》（国土资源部令第42号）",
        fee=_fee("government"),
        payer="东营市国土资源局",
        status=ListStatus.IN_APPROVAL,
        days=10,
    ),
    _Row(
        code="ZJ-370500-010",
        name="危险化学品建设项目安全评价",
        department="东营市安全生产监督管理局",
        items=("危险化学品建设项目安全条件审查",),
        category="安评",
        condition="新建、改建、扩建危险化学品生产、储存装置和设施",
        basis="《危险化学品安全管理条例》第十二条；《危险化学品建设项目安全监督管理办法》",
        fee=_fee("negotiated"),
        days=25,
    ),
    _Row(
        code="ZJ-370500-011",
        name="水土保持方案编制",
        department="东营市水利局",
        items=("生产建设项目水土保持方案审批",),
        category="水保",
        basis="《中华人民共和国水土保持法》第二十五条",
        fee=_fee("negotiated"),
        days=20,
    ),
    _Row(
        code="ZJ-370500-012",
        name="固定资产投资项目节能评估文件编制",
        department="东营市发展和改革委员会",
        items=("固定资产投资项目节能审查", "固定资产投资项目节能审查(省级下放部分)"),
        category="节能",
        requirement=ServiceRequirement.SELF,
        condition="年综合能源消费量1000吨标准煤以上的项目",
        basis="《固定资产投资项目节能评估和审查暂行办法》（国家发展改革委令第6号）",
        fee=_fee("negotiated"),
        days=15,
    ),
    _Row(
        code="ZJ-370500-013",
        name="企业投资项目申请报告编制",
        department="东营市发展和改革委员会",
        items=("企业投资项目核准", "企业投资项目核准(省级下放部分)"),
        category="咨询",
        requirement=ServiceRequirement.SELF,
        basis="《企业投资项目核准暂行办法》（国家发展改革委令第19号）",
        fee=_fee("negotiated"),
        days=15,
    ),
    _Row(
        code="ZJ-370500-014",
        name="政府投资项目可行性研究报告编制",
        department="东营市发展和改革委员会",
        items=("政府投资项目可行性研究报告审批", "政府投资项目初步设计审批"),
        category="咨询",
        requirement=ServiceRequirement.OPTIONAL,
        basis="《国务院关于投资体制改革的决定》（国发〔2004〕20号）",
        fee=_fee("negotiated"),
        days=20,
    ),
    _Row(
        code="ZJ-370500-015",
        name="建设工程消防设施检测",
        department="东营市公安消防支队",
        items=("建设工程消防验收", "建设工程消防设计审核"),
        category="消防",
        condition="设有自动消防设施的建设工程",
        basis="《中华人民共和国消防法》第十三条；《建设工程消防监督管理规定》（公安部令第119号）",
        fee=_fee("fixed", "3000", note="每项工程"),
        days=5,
    ),
    _Row(
        code="ZJ-370500-016",
        name="建设项目水资源论证报告书编制",
        department="东营市水利局",
        items=("取水许可", "河道管理范围内建设项目工程建设方案审批"),
        category="水保",
        condition="直接从江河、湖泊或者地下取水并需申请取水许可证的建设项目",
        basis="《取水许可和水资源费征收管理条例》第十一条；《建设项目水资源论证管理办法》",
        fee=_fee("negotiated"),
        days=20,
    ),
)

STATUS_CHANGES: tuple[tuple[str, ListStatus, dt.date, str], ...] = (
    ("ZJ-370500-001", ListStatus.ADJUSTED, dt.date(2015, 9, 1), "东政办字〔2015〕41号"),
    ("ZJ-370500-013", ListStatus.CANCELLED, dt.date(2015, 11, 1), "国发〔2015〕58号"),
)
"""The list's changes in the year: 施工图审查 adjusted (清理调整: small works exempted), the
project application report cancelled (取消: the State Council's decision of 2015, 国发
〔2015〕58号)."""


def intermediary_services(items: Sequence[Item]) -> tuple[IntermediaryService, ...]:
    """The city's list of intermediary services as published on 1 January 2015, each
    linked to the codes of the city items (of ``items``) it serves."""
    by_name = {item.name: item.code for item in items if item.region == CITY}
    found = []
    for row in _ROWS:
        found.append(
            IntermediaryService(
                code=row.code,
                name=row.name,
                department=row.department,
                region=CITY,
                items=tuple(by_name[name] for name in row.items),
                requirement=row.requirement,
                condition=row.condition,
                basis=row.basis,
                fee=row.fee,
                payer=row.payer,
                counts_in_limit=row.counts_in_limit,
                history=(
                    ListStatusChange(status=row.status, on=LISTED_ON, document=LIST_DOCUMENT),
                ),
            )
        )
    return tuple(found)


def _row(code: str) -> _Row:
    return next(row for row in _ROWS if row.code == code)


# --- the agencies --------------------------------------------------------------------------

_CATEGORIES: Mapping[str, tuple[int, int, str, tuple[tuple[str, ...], ...], tuple[str, ...]]] = {
    # category: (in the hall, online, trade of the name, qualification (name, levels),
    #            the services offered)
    "测绘": (4, 30, "测绘", (("测绘资质证书", "甲级", "乙级", "丙级"),), ("ZJ-370500-007", "ZJ-370500-008")),
    "环评": (2, 45, "环境科技", (("建设项目环境影响评价资质证书", "甲级", "乙级"),), ("ZJ-370500-005", "ZJ-370500-006")),
    "防雷": (2, 20, "防雷技术", (("防雷装置检测资质证", "乙级", "丙级"),), ("ZJ-370500-002", "ZJ-370500-003")),
    "审图": (2, 8, "施工图审查", (("施工图审查机构认定书", "一类", "二类"),), ("ZJ-370500-001",)),
    "地震": (1, 12, "地震工程", (("地震安全性评价资质证书", "甲级", "乙级"),), ("ZJ-370500-004",)),
    "安评": (1, 30, "安全技术", (("安全评价机构资质证书", "甲级", "乙级"),), ("ZJ-370500-010",)),
    "水保": (1, 25, "水利工程咨询", (("水土保持方案编制资格证书", "甲级", "乙级"),), ("ZJ-370500-011", "ZJ-370500-016")),
    "节能": (1, 20, "节能技术", (("工程咨询单位资格证书", "甲级", "乙级", "丙级"),), ("ZJ-370500-012",)),
    "咨询": (2, 57, "工程咨询", (("工程咨询单位资格证书", "甲级", "乙级", "丙级"),), ("ZJ-370500-013", "ZJ-370500-014")),
    "消防": (1, 20, "消防技术", (("建筑消防设施检测资质", "一级", "二级"),), ("ZJ-370500-015",)),
}  # fmt: skip
"""How many agencies of each trade are in the hall and online, and what they offer
(17 and 267 in all)."""

_TRADE = (
    "恒信华宇鲁源黄河蓝海正元金石中联天成宏达瑞丰博远汇通永安泰和联创信达华正东方润泽"
    "海诚胜华广信明德诚和同济建科宏图致远远景中勘齐鲁泰山华鲁鼎盛德润晨阳嘉诚和信安泰"
    "金诺正大国信中正星辰新天兴业亿达惠民长城北辰宏业华夏天元众合大成卓越同创盛世新元"
    "京鲁海岳中天方圆启航万通"
)
_TRADE_NAMES = tuple(_TRADE[i : i + 2] for i in range(0, len(_TRADE), 2))
"""The trade names (字号) of the agencies, two characters each."""

_HOMES: tuple[tuple[str, str, str, str], ...] = (
    # region code, place in names, address, phone area code
    ("370100", "济南", "济南市历下区经十路", "0531"),
    ("370200", "青岛", "青岛市市南区香港中路", "0532"),
    ("370300", "淄博", "淄博市张店区人民西路", "0533"),
    ("370600", "烟台", "烟台市莱山区港城东大街", "0535"),
    ("370700", "潍坊", "潍坊市奎文区东风东街", "0536"),
    ("370800", "济宁", "济宁市任城区太白湖路", "0537"),
    ("371600", "滨州", "滨州市滨城区黄河五路", "0543"),
    ("110108", "北京", "北京市海淀区西三环北路", "010"),
    ("120104", "天津", "天津市南开区卫津路", "022"),
    ("320106", "江苏", "南京市鼓楼区中山北路", "025"),
)
"""Where the online agencies are from (the hall's are all of Dongying)."""

_HALL_ADDRESS = "东营市东营区府前大街55号东营市政务服务中心四楼中介超市"

POOR_AGENCY_INDEX = ("审图", 0)
"""The hall's first drawing-review agency: late and poor in the first half-year."""
LAPSED_AGENCY_INDEX = ("测绘", 3)
"""The hall's fourth surveying agency: its qualification lapses on 30 September."""
LAPSED_ON = dt.date(2015, 9, 30)

_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力兰鹏飞海燕晓东亮宁新宇志彬斌瑞凯浩然欣怡梅琳莉倩雪婷慧颖佳振国庆春雷岩峰毅晨阳光荣昊博健帅雯蕾丹"

_CERTIFICATES: Mapping[str, str] = {
    "测绘": "注册测绘师",
    "环评": "环境影响评价工程师",
    "防雷": "防雷检测专业技术人员",
    "审图": "一级注册结构工程师",
    "地震": "地震安全性评价上岗证",
    "安评": "安全评价师",
    "水保": "水土保持方案编制上岗证",
    "节能": "注册咨询工程师（投资）",
    "咨询": "注册咨询工程师（投资）",
    "消防": "注册消防工程师",
}


def _credit_code(region: str, serial: int) -> str:
    """An enterprise's unified social credit code (91…) registered in ``region``."""
    digits = f"{1000 + _digest('organisation', region) % 9000:04d}{serial:04d}"
    code = "91" + region + organisation_code(digits)
    return code + uscc.calc_check_digit(code)


def _person(used: set[str], *parts: object) -> str:
    for attempt in range(1000):
        surname = _pick(_SURNAMES, "surname", attempt, *parts)
        given = _pick(_GIVEN, "given", attempt, *parts)
        if _digest("double", attempt, *parts) % 10 < 6:
            given += _pick(_GIVEN, "given2", attempt, *parts)
        name = surname + given
        if name not in used:
            used.add(name)
            return name
    raise AssertionError("names ran out")  # (there are ~300,000 of them)


def _identity(region: str, *parts: object) -> str:
    """A resident identity number of ``region`` (its city's 01 district) with a valid
    check digit, born 1962–1990."""
    born = dt.date(1962, 1, 1) + dt.timedelta(days=_digest("born", *parts) % 10_500)
    area = region[:4] + ("02" if region.startswith("3705") else "01")
    body = f"{area}{born:%Y%m%d}{_digest('sequence', *parts) % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


@attrs.frozen(kw_only=True)
class AgencyPlan:
    """An agency of the demo, with what the demo's year makes of it."""

    agency: Intermediary
    category: str
    poor: bool = False
    """Delivers late and poorly in the first half-year (suspended after Q2)."""


def agencies(services: Sequence[IntermediaryService]) -> tuple[AgencyPlan, ...]:
    """The 17 agencies of the hall, then the 267 online, each offering its trade's
    services of ``services`` (the list); the same whatever the seed."""
    listed = {service.code: service for service in services}
    used_names: set[str] = set()
    used_people: set[str] = set()
    plans: list[AgencyPlan] = []
    serial = 0
    for physical in (True, False):
        for category, (hall, online, trade, qualifications, codes) in _CATEGORIES.items():
            for index in range(hall if physical else online):
                serial += 1
                if physical:
                    region, place, address, area = CITY, "东营市", _HALL_ADDRESS, "0546"
                else:
                    region, place, address, area = _pick(_HOMES, "home", serial)
                name = ""
                for attempt in range(len(_TRADE_NAMES)):
                    trade_name = _pick(_TRADE_NAMES, "trade", serial, attempt)
                    name = f"{place}{trade_name}{trade}有限公司"
                    if name not in used_names:
                        break
                used_names.add(name)
                plans.append(
                    _agency_plan(
                        serial=serial,
                        name=name,
                        physical=physical,
                        category=category,
                        index=index,
                        region=region,
                        address=address,
                        area=area,
                        qualification=qualifications[0],
                        codes=codes,
                        listed=listed,
                        people=used_people,
                    )
                )
    return tuple(plans)


def _agency_plan(
    *,
    serial: int,
    name: str,
    physical: bool,
    category: str,
    index: int,
    region: str,
    address: str,
    area: str,
    qualification: tuple[str, ...],
    codes: tuple[str, ...],
    listed: Mapping[str, IntermediaryService],
    people: set[str],
) -> AgencyPlan:
    credit_code = _credit_code(region, serial)
    poor = physical and (category, index) == POOR_AGENCY_INDEX
    lapsed = physical and (category, index) == LAPSED_AGENCY_INDEX
    offered = tuple(code for code in codes if listed[code].status is not ListStatus.IN_APPROVAL)
    level = _pick(qualification[1:], "level", serial) if not physical else qualification[1]
    expires = LAPSED_ON if lapsed else dt.date(2016 + _digest("expiry", serial) % 4, 12, 31)
    practitioners = tuple(
        Practitioner(
            name=_person(people, "practitioner", serial, n),
            certificate=_CERTIFICATES[category],
            identity_number=_identity(region, "practitioner", serial, n),
        )
        for n in range(2 + _digest("staff", serial) % 3)
    )
    contact_name = practitioners[0].name
    if physical:
        registered = dt.date(2015, 1, 5)  # the hall opened with the year
        phone = f"0546-{8_300_000 + serial * 17:07d}"
        window = f"{serial:02d}号服务窗口"
        contact_address = f"{address}{window}"
    else:  # the online supermarket took agencies from mid-January to June
        registered = dt.date(2015, 1, 12) + dt.timedelta(days=_digest("registered", serial) % 160)
        local = _digest("phone", serial) % 3_000_000 + (
            60_000_000 if len(area) == 3 else 6_000_000
        )
        phone = f"{area}-{local}"
        contact_address = f"{address}{10 + _digest('number', serial) % 290}号"
    return AgencyPlan(
        agency=Intermediary(
            credit_code=credit_code,
            name=name,
            region=CITY,  # registered with Dongying's supermarket, wherever it is from
            presence=Presence.PHYSICAL if physical else Presence.VIRTUAL,
            qualifications=(
                Qualification(
                    name=qualification[0],
                    level=level,
                    number=f"{qualification[0][:2]}{region[:2]}{serial:05d}",
                    expires_on=expires,
                    services=offered,
                ),
            ),
            services=tuple(_offer(listed[code], serial) for code in offered),
            practitioners=practitioners,
            contact=Contact(
                name=contact_name,
                phone=phone,
                address=contact_address,
                email=f"zjcs{serial:03d}@{'dy' if physical else 'net'}-agency.example.cn",
            ),
            registered_on=registered,
        ),
        category=category,
        poor=poor,
    )


def _offer(service: IntermediaryService, serial: int) -> ServiceOffer:
    """The agency's offer of ``service`` at a fee its regime allows."""
    fee = service.fee
    days = _row(service.code).days
    promised = max(1, days - _digest("days", service.code, serial) % (days // 3 + 1))
    common = {"name": service.name, "service_code": service.code, "promised_days": promised}
    if fee.regime is FeeRegime.FIXED:
        return ServiceOffer(**common, fee_from=fee.amount)
    if fee.regime is FeeRegime.RANGE:
        low, high = fee.amount, fee.amount_to
        step = (high - low) / 10  # type: ignore[operator]
        start = low + step * (_digest("from", service.code, serial) % 6)  # type: ignore[operator]
        return ServiceOffer(**common, fee_from=start.quantize(Decimal(1)), fee_to=high)
    if fee.regime is FeeRegime.TARIFF:  # its own tariff: a minimum and a maximum
        per_m2 = Decimal("0.80") + Decimal(_digest("tariff", serial) % 9) / 10
        low = Decimal(2000 + 500 * (_digest("minimum", serial) % 4))
        return ServiceOffer(
            **common, fee_from=low, fee_to=low * 10, fee_basis=f"按建筑面积每平方米{per_m2}元计收"
        )
    if fee.regime is FeeRegime.NEGOTIATED and _digest("reference", service.code, serial) % 4 == 0:
        return ServiceOffer(**common, fee_basis="按项目规模及工作量协商确定")
    return ServiceOffer(**common)


# --- the year's needs ----------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class NeedPlan:
    """A need the demo posts: for a key project, or another owner's."""

    id: str
    service_code: str
    owner: str
    owner_credit_code: str | None
    project_id: str | None
    posted_at: dt.datetime
    deadline: dt.date
    budget: Decimal | None
    strategy: str = "random-draw"
    reason: str | None = None
    description: str | None = None


def project_needs(
    projects: Sequence[Any], services: Sequence[IntermediaryService]
) -> list[NeedPlan]:
    """The needs of the key projects: for each, a need for every open, required or
    optional service its approvals require (a service once a project), posted on the
    working morning two days after the project was opened (its agent posts them).

    Most are drawn; a project's range-priced surveys go to the lowest offer, the
    environmental reports of projects opened from July to the best assessed agency, and
    one earthquake safety evaluation is chosen directly, with its reason."""
    by_item: dict[str, list[IntermediaryService]] = {}
    for service in services:
        for code in service.items:
            by_item.setdefault(code, []).append(service)
    found: list[NeedPlan] = []
    direct_done = False
    for project in projects:
        posted = project.created_at + dt.timedelta(days=2)
        wanted: list[IntermediaryService] = []
        for code in project.item_codes:
            for service in by_item.get(code, ()):
                if service not in wanted and service.requirement is not ServiceRequirement.SELF:
                    wanted.append(service)
        for service in wanted:
            if not service.open_on(posted.date()):
                continue
            strategy, reason = "random-draw", None
            if service.fee.regime is FeeRegime.RANGE:
                strategy = "lowest-price"
            elif service.code in ("ZJ-370500-005", "ZJ-370500-006") and posted.month >= 7:
                strategy = "best-score"
            elif service.code == "ZJ-370500-004" and not direct_done:
                strategy, direct_done = "direct", True
                reason = (
                    "项目列入省重点建设项目，工期紧迫，经市政府专题会议研究同意，"
                    "直接选取承担过同类工程评价的机构（会议纪要〔2015〕12号）"
                )
            found.append(
                NeedPlan(
                    id=f"XQ-{project.id.removeprefix('XM')}-{service.code[-3:]}",
                    service_code=service.code,
                    owner=project.owner.name,
                    owner_credit_code=project.owner.identifier.number,
                    project_id=project.id,
                    posted_at=posted,
                    deadline=posted.date() + dt.timedelta(days=60),
                    budget=_budget(service, project.id),
                    strategy=strategy,
                    reason=reason,
                    description=f"{project.name}：{service.name}",
                )
            )
    return found


_OTHER_OWNERS = (
    ("东营市金地房地产开发有限公司", "东营市金地·黄河湾住宅小区"),
    ("东营市华元置业有限公司", "华元商务中心"),
    ("东营经济技术开发区建设投资有限公司", "开发区标准化厂房"),
    ("东营市第一中学", "东营市第一中学学生公寓楼"),
    ("东营市胜利教育管理中心", "胜利第六中学教学楼改造"),
    ("东营区城市建设综合开发有限公司", "东营区城中村改造安置楼"),
    ("东营市东城建筑安装工程有限公司", "东城商业综合楼"),
    ("东营市康居置业有限公司", "康居·新天地住宅小区"),
)

_STEADY = ("ZJ-370500-001", "ZJ-370500-001", "ZJ-370500-015", "ZJ-370500-003", "ZJ-370500-006")
"""The services other owners need through the year, one a week in turn: drawing review
twice as often as the rest."""


def other_needs(first: dt.date = dt.date(2015, 1, 13), last: dt.date = dt.date(2015, 12, 15)):
    """Other owners' needs through the year: two a week (Tuesdays and Thursdays at ten),
    each for one of :data:`_STEADY` in turn."""
    found: list[NeedPlan] = []
    day = first
    serial = 0
    while day <= last:
        if day.weekday() in (1, 3):
            serial += 1
            code = _STEADY[serial % len(_STEADY)]
            owner, project = _OTHER_OWNERS[serial % len(_OTHER_OWNERS)]
            service = next(row for row in _ROWS if row.code == code)
            found.append(
                NeedPlan(
                    id=f"XQ-2015-{serial:04d}",
                    service_code=code,
                    owner=owner,
                    owner_credit_code=None,
                    project_id=None,
                    posted_at=dt.datetime.combine(day, dt.time(10, 0), SHANGHAI),
                    deadline=day + dt.timedelta(days=45),
                    budget=None,
                    description=f"{project}：{service.name}",
                )
            )
        day += dt.timedelta(days=1)
    return found


def _budget(service: IntermediaryService, key: str) -> Decimal | None:
    fee = service.fee
    if fee.regime is FeeRegime.RANGE:
        return fee.amount_to
    if fee.regime is FeeRegime.FIXED:
        return fee.amount
    if fee.regime is FeeRegime.GOVERNMENT:
        return None
    return Decimal(20_000 + 10_000 * (_digest("budget", key, service.code) % 12))


def witnesses(need_id: str, seed: int) -> list[tuple[str, str]]:
    """The witnesses of a draw and their contributions, published before it: the owner's
    representative, the centre's supervisor (电子监察室) and a notary (公证员), each a
    six-digit number they chose (from the seed and the need's id)."""
    return [
        (who, f"{_digest('witness', seed, need_id, who) % 1_000_000:06d}")
        for who in ("建设单位代表", "东营市政务服务中心电子监察室", "东营市公证处公证员")
    ]


def iter_plans(*groups: Sequence[NeedPlan]) -> Iterator[NeedPlan]:
    """The needs of ``groups`` in the order they are posted."""
    yield from sorted((p for g in groups for p in g), key=lambda p: (p.posted_at, p.id))


# --- the year ------------------------------------------------------------------------------

ASSESSED_ON: Mapping[int, dt.datetime] = {
    1: dt.datetime(2015, 4, 8, 15, 0, tzinfo=SHANGHAI),
    2: dt.datetime(2015, 7, 8, 15, 0, tzinfo=SHANGHAI),
    3: dt.datetime(2015, 10, 14, 15, 0, tzinfo=SHANGHAI),
    4: dt.datetime(2016, 1, 6, 15, 0, tzinfo=SHANGHAI),
}
"""When each quarter of 2015 was assessed (考核): the second week after it ended (the
fourth, on the first working days of 2016)."""

CHECKED_ON: Mapping[int, dt.date] = {1: dt.date(2015, 3, 2), 2: dt.date(2015, 6, 1)}
"""When the demo makes sure :data:`POOR_AGENCY_INDEX` has work due in the quarter: if no
draw has chosen it yet, more owners' needs for its service are drawn, half an hour
apart, until one does (the story of the year needs its two poor quarters)."""
CHASED = 200
"""At most so many needs a quarter for :data:`CHECKED_ON` (ten agencies offer the service:
200 draws all missing it happen once in a billion years)."""

FEE_BREACH_NEED = "lowest-price"
"""The strategy of the need whose agreed fee breaks its range (the year's one fee finding:
the first lowest-price selection of the third quarter)."""


@attrs.frozen(kw_only=True)
class SupermarketSummary:
    """What :func:`load_supermarket` did."""

    services: int
    agencies: int
    physical: int
    online: int
    needs: int
    selections: int
    by_strategy: Mapping[str, int]
    engagements: int
    late: int
    complaints: int
    suspended: tuple[str, ...]
    """Credit codes of the agencies the assessment suspended."""
    poor_agency: str
    """The credit code of :data:`POOR_AGENCY_INDEX`."""


class _Year:
    """The supermarket's year on ``service``: a timeline of actions, each done with the
    centre's clock at its moment."""

    def __init__(self, service: Any, seed: int, plans: Sequence[AgencyPlan]) -> None:
        self.service = service
        self.clock = service.clock
        self.market = service.intermediaries
        self.seed = seed
        self.calendar = service.calendar(CITY)
        self.plans = {plan.agency.credit_code: plan for plan in plans}
        self.poor = next(plan.agency.credit_code for plan in plans if plan.poor)
        self.timeline: list[tuple[dt.datetime, int, Any, tuple]] = []
        self.serial = 0
        self.extra = 0
        self.needs = 0
        self.selections: list[Any] = []
        self.engagements = 0
        self.late = 0
        self.complaints = 0
        self.suspended: list[str] = []
        self.poor_due: set[int] = set()
        """The quarters in which the poor agency has work due."""
        self.fee_breach_done = False
        self.chasing: dict[str, int] = {}
        """The needs :meth:`make_sure` posted, and for which quarter."""
        self.chased: list[Any] = []

    # --- the timeline -----------------------------------------------------------------------

    def at(self, moment: dt.datetime, action: Any, *arguments: Any) -> None:
        self.serial += 1
        heapq.heappush(self.timeline, (moment, self.serial, action, arguments))

    def run(self) -> None:
        while self.timeline:
            moment, _, action, arguments = heapq.heappop(self.timeline)
            self.clock.moment = moment
            action(*arguments)

    def working_day(self, day: dt.date, after: int = 1) -> dt.date:
        return self.calendar.add_working_days(day, after).due

    # --- needs, draws, engagements --------------------------------------------------------

    def post(self, plan: NeedPlan) -> None:
        """Post the need and publish its commitment now; the draw the next working day."""
        given = self.posted(plan)
        draw_day = self.working_day(plan.posted_at.date())
        self.at(_morning(draw_day, 9, 30), self.select, plan, given)

    def posted(self, plan: NeedPlan) -> list[Witness]:
        selections = self.market.selections
        selections.post_need(
            id=plan.id,
            service_code=plan.service_code,
            owner=plan.owner,
            owner_credit_code=plan.owner_credit_code,
            project_id=plan.project_id,
            deadline=plan.deadline,
            budget=plan.budget,
            strategy=plan.strategy,
            description=plan.description,
        )
        self.needs += 1
        given = [Witness(name=n, contribution=c) for n, c in witnesses(plan.id, self.seed)]
        if plan.strategy != "direct":
            selections.commit(plan.id, given)  # published on the day it is posted
        return given

    def select(self, plan: NeedPlan, given: Sequence[Any]) -> Any:
        selections = self.market.selections
        named = None
        if plan.strategy == "direct":
            found = selections.eligible(plan.service_code).codes
            physical = [c for c in found if self.plans[c].agency.presence is Presence.PHYSICAL]
            named = (physical or list(found))[0]
        selection = selections.select(
            plan.id,
            witnesses=() if plan.strategy == "direct" else given,
            named=named,
            reason=plan.reason,
        )
        self.selections.append(selection)
        quarter = self.chasing.pop(plan.id, None)
        if quarter is not None:  # a need of make_sure: the next, if this draw missed
            self.chased.append(selection)
            self.at(self.later(self.clock.moment), self.make_sure, quarter)
        signed = self.working_day(selection.on)
        self.at(_morning(signed, 14), self.engage, plan, selection)
        return selection

    def engage(self, plan: NeedPlan, selection: Any) -> None:
        agency = self.plans[selection.result].agency
        listed = self.market.services.get(selection.service_code)
        offer = agency.offer(selection.service_code)
        days = offer.promised_days if offer and offer.promised_days else _row(listed.code).days
        signed = self.clock.moment.date()
        due = self.working_day(signed, days)
        fee = self.agreed_fee(plan, listed, offer, selection)
        engagement = self.market.engagements.engage(
            selection.id, agreed_fee=fee, signed_on=signed, due_on=due
        )
        self.engagements += 1
        quarter = (due.month - 1) // 3 + 1
        poor = selection.result == self.poor and due.year == YEAR and quarter <= 2
        if poor:
            self.poor_due.add(quarter)
        key = (self.seed, engagement.id)
        if poor:
            late, quality = 6 + _digest("late", *key) % 6, 52 + _digest("quality", *key) % 6
        else:
            late = 1 + _digest("late", *key) % 3 if _digest("is-late", *key) % 12 == 0 else 0
            quality = 78 + _digest("quality", *key) % 21
        delivered = (
            self.working_day(due, late)
            if late
            else _back(self.calendar, due, _digest("early", *key) % 3)
        )
        delivered = max(delivered, signed)
        self.late += bool(late)
        self.at(_morning(delivered, 16), self.deliver, engagement.id, delivered, quality)
        if poor or _digest("complaint", *key) % 25 == 0:
            upheld = poor or _digest("upheld", *key) % 3 == 0
            complained = self.working_day(delivered, 2)
            self.at(_morning(complained, 10), self.complain, engagement.id, complained, upheld)

    def agreed_fee(
        self, plan: NeedPlan, listed: IntermediaryService, offer: Any, selection: Any
    ) -> Decimal | None:
        fee = listed.fee
        key = (self.seed, plan.id)
        if fee.regime is FeeRegime.FIXED:
            return fee.amount
        if fee.regime is FeeRegime.GOVERNMENT:
            return None
        if fee.regime is FeeRegime.RANGE:
            quarter3 = selection.on >= dt.date(YEAR, 7, 1)
            if plan.strategy == FEE_BREACH_NEED and quarter3 and not self.fee_breach_done:
                self.fee_breach_done = True  # agreed above the published range: a finding
                return fee.amount_to + Decimal(800)  # type: ignore[operator]
            return offer.fee_from if offer and offer.fee_from is not None else fee.amount
        if fee.regime is FeeRegime.TARIFF and offer and offer.fee_from is not None:
            return offer.fee_from * (2 + _digest("size", *key) % 4)
        budget = plan.budget or Decimal(30_000)
        share = Decimal(60 + _digest("share", *key) % 36) / 100
        return (budget * share).quantize(Decimal(100))

    def deliver(self, engagement_id: str, on: dt.date, quality: int) -> None:
        self.market.engagements.deliver(engagement_id, on=on, quality=quality)

    def complain(self, engagement_id: str, on: dt.date, upheld: bool) -> None:
        engagements = self.market.engagements
        engagements.complain(engagement_id, on=on, text=_COMPLAINT[upheld])
        self.complaints += 1
        decided = self.working_day(on, 5)
        self.at(_morning(decided, 11), self.resolve, engagement_id, upheld)

    def resolve(self, engagement_id: str, upheld: bool) -> None:
        self.market.engagements.resolve(engagement_id, 1, upheld=upheld, outcome=_OUTCOME[upheld])

    # --- the story's checks, the list's changes, the assessment ---------------------------

    def make_sure(self, quarter: int) -> None:
        """If no draw has chosen the poor agency for work due in ``quarter`` yet, another
        owner's need for its service is posted and drawn half an hour later; after each
        draw that did not choose it, the next half an hour after (within working hours;
        at most :data:`CHASED` a quarter, then the year goes on as it is)."""
        if quarter in self.poor_due or any(s.result == self.poor for s in self.chased):
            self.chased = []
            return
        if len(self.chased) >= CHASED:
            return
        service_code = self.plans[self.poor].agency.services[0].service_code
        now = self.clock.moment
        self.extra += 1
        owner, project = _OTHER_OWNERS[self.extra % len(_OTHER_OWNERS)]
        plan = NeedPlan(
            id=f"XQ-2015-B{self.extra:03d}",
            service_code=service_code,
            owner=owner,
            owner_credit_code=None,
            project_id=None,
            posted_at=now,
            deadline=now.date() + dt.timedelta(days=45),
            budget=None,
            description=f"{project}：{_row(service_code).name}",
        )
        given = self.posted(plan)
        self.chasing[plan.id] = quarter
        self.at(self.later(now), self.select, plan, given)

    def later(self, moment: dt.datetime) -> dt.datetime:
        """Half an hour after ``moment`` within working hours (9:00 to 17:00), else 9:00
        of the next working day."""
        after = moment + dt.timedelta(minutes=30)
        if after.hour < 17 and self.calendar.is_working_day(after.date()):
            return after
        return _morning(self.working_day(moment.date()), 9)

    def change_status(self, code: str, status: ListStatus, on: dt.date, document: str) -> None:
        self.market.services.change_status(code, status, on, document)

    def assess(self, quarter: int) -> None:
        outcome = self.market.assessment.assess_quarter(YEAR, quarter)
        self.suspended.extend(q.credit_code for q in outcome.suspended)


_COMPLAINT = {
    True: "建设单位反映：成果报告逾期交付，且审查意见存在明显错漏，需多次返工",
    False: "建设单位反映：服务人员沟通不及时",
}
_OUTCOME = {
    True: "经核实投诉属实，责令限期整改，计入季度考核",
    False: "经核实，机构已按合同约定履行，投诉不属实，已向建设单位说明",
}


def _morning(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def _back(calendar: Any, day: dt.date, days: int) -> dt.date:
    """The working day ``days`` working days before ``day``."""
    while days:
        day -= dt.timedelta(days=1)
        days -= calendar.is_working_day(day)
    return day


def load_supermarket(service: Any, dataset: Any, seed: int) -> SupermarketSummary:
    """Play the supermarket's year on ``service`` (after the data set's catalog and
    stations are stored): see the module's docstring. The centre's clock (a
    :class:`~govservice.clock.FixedClock`) is moved to each action's moment and left at
    the last (the fourth quarter's assessment, January 2016)."""
    services = intermediary_services(dataset.items)
    plans = agencies(services)
    year = _Year(service, seed, plans)
    market = service.intermediaries
    year.at(_morning(LISTED_ON, 8), market.services.add_all, services)
    for code, status, on, document in STATUS_CHANGES:
        year.at(_morning(on, 8, 30), year.change_status, code, status, on, document)
    by_day: dict[dt.date, list[Intermediary]] = {}
    for plan in plans:
        by_day.setdefault(plan.agency.registered_on, []).append(plan.agency)  # type: ignore[arg-type]
    for day, registered in sorted(by_day.items()):
        year.at(_morning(day, 8, 45), market.agencies.register_all, registered)
    for need in iter_plans(project_needs(dataset.projects, services), other_needs()):
        year.at(need.posted_at, year.post, need)
    for quarter, day in CHECKED_ON.items():
        year.at(_morning(day, 11), year.make_sure, quarter)
    for quarter, moment in ASSESSED_ON.items():
        year.at(moment, year.assess, quarter)
    year.run()
    by_strategy: dict[str, int] = {}
    for selection in year.selections:
        by_strategy[selection.strategy] = by_strategy.get(selection.strategy, 0) + 1
    return SupermarketSummary(
        services=len(services),
        agencies=len(plans),
        physical=sum(p.agency.presence is Presence.PHYSICAL for p in plans),
        online=sum(p.agency.presence is Presence.VIRTUAL for p in plans),
        needs=year.needs,
        selections=len(year.selections),
        by_strategy=by_strategy,
        engagements=year.engagements,
        late=year.late,
        complaints=year.complaints,
        suspended=tuple(year.suspended),
        poor_agency=year.poor,
    )
