"""The catalog of the Dongying centres in 2015: departments and their service items.

The city centre (东营市政务服务中心, 370500) hosts the windows of the city departments
under their 2015 names; each county and district centre (东营区 370502, 河口区 370503,
垦利区 370505, 利津县 370522, 广饶县 370523) publishes a smaller catalog of its own. Items
are written here as compact specifications (:class:`Spec`) and made into
:class:`~govservice.model.Item` records by :func:`city_items` and :func:`county_items`:
codes follow GB/T 39554.1-2020 (``{department credit code}-{type letters}-{serial}``),
departments carry unified social credit codes whose organisation code and final check
characters are both valid (GB 11714, GB 32100-2015).

Kenli became a district (垦利区, 370505) in 2016; in 2015 it was 垦利县 (370521). Both codes
are in python-stdnum's GB/T 2260 table and the configuration accepts either; the demo uses
370505 for the centre, as the county's current code, and :data:`COUNTY_NAMES` names it
垦利区. Identity numbers issued there before 2016 keep 370521 (:mod:`.parties`).

The two county plugins shipped in ``plugins/`` have rules for items of this catalog:
Lijin's river permit (every item of 利津县水务局 and 利津黄河河务局 asks for the permit's
number in ``case.attributes["river_permit_number"]``, :func:`river_permit_number`) and
Guangrao's construction material and fee waiver (licensing items of 广饶县住房和城乡建设
管理局 ask for an extra pledge; persons of 70 and over pay no fee, e.g. on 房屋所有权转移
登记).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal

import attrs
from stdnum.cn import uscc

from govservice.model import (
    Channel,
    Fee,
    FeeApplicability,
    HandlingLevel,
    HandlingType,
    Item,
    ItemStatus,
    ItemType,
    Material,
    StationLevel,
    TimeLimit,
    TimeUnit,
)

CITY = "370500"
"""The region of the city centre: 东营市."""

COUNTY_NAMES: Mapping[str, str] = {
    "370502": "东营区",
    "370503": "河口区",
    "370505": "垦利区",
    "370522": "利津县",
    "370523": "广饶县",
}
"""The county and district centres' regions (GB/T 2260) and names, in code order."""

REGION_NAMES: Mapping[str, str] = {CITY: "东营市", **COUNTY_NAMES}
"""Every region of the demo and its name."""

LIJIN, GUANGRAO = "370522", "370523"

MANDATE = "授权委托书及受托人身份证明?委托他人代为办理的提供"
"""The conditional material every item lists: the mandate of an agent (委托书)."""

LIJIN_PERMIT_FORMAT = "利河许{year}第{serial:03d}号"
"""Lijin's river permit numbers (the plugin's default pattern), e.g. 利河许2015第012号."""


def river_permit_number(serial: int, year: int = 2015) -> str:
    """A river permit number (河道许可文号) of Lijin as its plugin accepts it."""
    return LIJIN_PERMIT_FORMAT.format(year=year, serial=serial % 1000)


# --- departments ---------------------------------------------------------------------------

_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def organisation_code(body: str) -> str:
    """The 9-character organisation code (组织机构代码, GB 11714) of an 8-digit body."""
    total = sum(int(c) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def agency_credit_code(region: str, serial: int) -> str:
    """The unified social credit code of a government agency (机关, category 11) of
    ``region``: its organisation code starts with the region's last four digits and is
    unique for ``serial``."""
    body = f"{region[2:]}{serial:04d}"  # 8 digits: the city or county, a serial
    code = "11" + region + organisation_code(body)
    return code + uscc.calc_check_digit(code)


@attrs.frozen(kw_only=True)
class Department:
    """A department stationed in a centre (进驻部门)."""

    key: str
    """The department's kind across regions: ``住建``, ``民政`` … (the short name)."""
    name: str
    """Its full name as the catalog prints it: 东营市住房和城乡建设管理局."""
    code: str
    """Its unified social credit code (统一社会信用代码), valid check characters."""
    region: str
    window: str
    """The name of its window in the hall: 住房和城乡建设窗口."""


_CITY_DEPARTMENTS: tuple[tuple[str, str, str], ...] = (
    # key, name in 2015, window
    ("发改", "东营市发展和改革委员会", "发展改革窗口"),
    ("经信", "东营市经济和信息化委员会", "经济和信息化窗口"),
    ("住建", "东营市住房和城乡建设管理局", "住房和城乡建设窗口"),
    ("规划", "东营市规划局", "规划窗口"),
    ("国土", "东营市国土资源局", "国土资源窗口"),
    ("环保", "东营市环境保护局", "环境保护窗口"),
    ("交通", "东营市交通运输局", "交通运输窗口"),
    ("卫计", "东营市卫生和计划生育委员会", "卫生计生窗口"),
    ("公安", "东营市公安局", "公安窗口"),
    ("消防", "东营市公安消防支队", "公安消防窗口"),
    ("人社", "东营市人力资源和社会保障局", "人力资源社会保障窗口"),
    ("民政", "东营市民政局", "民政窗口"),
    ("水利", "东营市水利局", "水利窗口"),
    ("农业", "东营市农业局", "农业窗口"),
    ("海渔", "东营市海洋与渔业局", "海洋与渔业窗口"),
    ("教育", "东营市教育局", "教育窗口"),
    ("文广", "东营市文化广电新闻出版局", "文化广电新闻出版窗口"),
    ("市场", "东营市市场监督管理局", "市场监管窗口"),
    ("安监", "东营市安全生产监督管理局", "安全生产监管窗口"),
    ("商务", "东营市商务局", "商务窗口"),
    ("气象", "东营市气象局", "气象窗口"),
    ("城管", "东营市城市管理局", "城市管理窗口"),
)

_COUNTY_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("住建", "住房和城乡建设管理局"),
    ("国土", "国土资源局"),
    ("环保", "环境保护局"),
    ("交通", "交通运输局"),
    ("卫计", "卫生和计划生育局"),
    ("公安", "公安局"),
    ("人社", "人力资源和社会保障局"),
    ("民政", "民政局"),
    ("发改", "发展和改革局"),
    ("水务", "水务局"),
    ("农业", "农业局"),
    ("教育", "教育局"),
    ("文广", "文化广电新闻出版局"),
    ("市场", "市场监督管理局"),
)


def city_departments() -> tuple[Department, ...]:
    """The departments stationed in the city centre, in the order of its windows."""
    return tuple(
        Department(
            key=key, name=name, code=agency_credit_code(CITY, 101 + i), region=CITY, window=window
        )
        for i, (key, name, window) in enumerate(_CITY_DEPARTMENTS)
    )


def county_departments(region: str) -> tuple[Department, ...]:
    """The departments of a county or district centre (Lijin adds its Yellow River
    bureau, 利津黄河河务局, which has a window in the county hall)."""
    county = COUNTY_NAMES[region]
    found = [
        Department(
            key=key,
            name=county + suffix,
            code=agency_credit_code(region, 201 + i),
            region=region,
            window=suffix.removesuffix("局").removesuffix("管理") + "窗口",
        )
        for i, (key, suffix) in enumerate(_COUNTY_SUFFIXES)
    ]
    if region == LIJIN:
        found.append(
            Department(
                key="河务",
                name="利津黄河河务局",
                code=agency_credit_code(region, 299),
                region=region,
                window="黄河河务窗口",
            )
        )
    return tuple(found)


# --- item specifications -------------------------------------------------------------------


def _id_card_fees() -> tuple[F, ...]:
    """居民身份证工本费 (发改价格〔2003〕2322号): 20 yuan a card for a first application or a
    renewal, 40 for a replacement of a lost or damaged one; one of them is charged, chosen by
    the kind of document applied for (``Case.document_kind``) or by the clerk."""
    basis = (
        "《国家发展改革委 财政部关于居民身份证收费标准及有关问题的通知》(发改价格〔2003〕2322号)"
    )
    tiers = (
        ("首次申领", "20.00"),
        ("到期换领", "20.00"),
        ("丢失补领", "40.00"),
        ("损坏换领", "40.00"),
    )
    return tuple(
        F(
            "居民身份证工本费",
            amount,
            basis,
            group="居民身份证工本费",
            option=option,
            per_unit="每证",
            exemptions=("城乡最低生活保障对象免收",),
        )
        for option, amount in tiers
    )


XK, QR, JF, ZS, QT, GG, CJ, JL = (
    ItemType.LICENSING,
    ItemType.CONFIRMATION,
    ItemType.PAYMENT,
    ItemType.LEVY,
    ItemType.OTHER_POWER,
    ItemType.PUBLIC_SERVICE,
    ItemType.ADJUDICATION,
    ItemType.REWARD,
)


@attrs.frozen
class F:
    """A fee of a specification: name, amount in yuan (text; None for a waived fee that
    states none), basis, waived, collector (a third party), and when it applies: ``when``
    a condition in words (conditional), ``group`` and ``option`` one of alternatives;
    ``per_unit`` the unit of the amount, ``exemptions`` published policies."""

    name: str
    amount: str | None
    basis: str | None = None
    waived: bool = False
    collected_by: str | None = None
    when: str | None = None
    group: str | None = None
    option: str | None = None
    per_unit: str | None = None
    exemptions: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class Spec:
    """One item as written in this module, before it gets its department and code.

    ``legal`` and ``promised`` are limits: an int counts working days, ``"60d"`` calendar
    days, ``"4h"`` hours. ``materials`` is ``|``-separated; each is ``name``, optionally
    ``:原`` (1 original, the default), ``:复`` (1 copy), ``:原复`` (both), ``:原3`` (3
    originals), ``:电`` (electronic), and ``?condition`` for a conditional one.
    """

    name: str
    type: ItemType
    legal: int | str
    promised: int | str
    basis: str
    materials: str
    fees: tuple[F, ...] = ()
    conditions: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    handling: HandlingType | None = None
    online: bool = False
    levels: tuple[StationLevel, ...] = ()
    status: tuple[ItemStatus, str] | None = None
    """A status other than in service, and since when (ISO date)."""


def S(
    name: str,
    type_: ItemType,
    legal: int | str,
    promised: int | str,
    basis: str,
    materials: str,
    *fees: F,
    **options: object,
) -> Spec:
    """A :class:`Spec`, positionally (the tables below stay one entry a few lines)."""
    return Spec(
        name=name,
        type=type_,
        legal=legal,
        promised=promised,
        basis=basis,
        materials=materials,
        fees=fees,
        **options,  # type: ignore[arg-type]
    )


T = StationLevel.TOWNSHIP_CENTRE
V = StationLevel.VILLAGE_STATION
IMM = HandlingType.IMMEDIATE
JOINT = HandlingType.JOINT
UP = HandlingType.ESCALATED
DELEGATED = (ItemStatus.DELEGATED, "2015-03-01")
"""省级下放承接: taken over from the province (the yearbook: 21 items in 2015)."""
# 取消, 停办: the yearbook's 18 items cancelled in 2015 are in service when the year begins
# and cancelled by the adjustments of :mod:`.adjustments` (two of them are written here:
# 房地产开发企业资质年检 and 道路运输车辆年度审验, cancelled on 15 May).

_LICENCE = "营业执照副本:复"
_LEGAL_REP = "法定代表人身份证明:原复"
_ID = "申请人居民身份证:原复"
_HOUSEHOLD = "居民户口簿:原复"

# fmt: off
SPECS: Mapping[str, tuple[Spec, ...]] = {
    "发改": (
        S("企业投资项目核准", XK, 20, 8,
          "《国务院关于投资体制改革的决定》(国发〔2004〕20号)|《政府核准的投资项目目录(2014年本)》(国发〔2014〕53号)",
          f"项目申请报告:原3|城乡规划行政主管部门出具的选址意见书|国土资源行政主管部门出具的用地预审意见|环境影响评价审批文件:复|节能审查意见?年综合能源消费量1000吨标准煤以上的项目提供|{_LICENCE}",
          conditions=("属于《政府核准的投资项目目录》中由市级核准的项目", "符合国家产业政策和行业准入标准"),
          excluded=("委托咨询评估", "专家评议"), online=True),
        S("企业投资项目备案", QT, 5, 2, "《山东省企业投资项目核准和备案办法》(鲁政发〔2014〕20号)第二十五条",
          f"企业投资项目备案登记表|项目情况说明|{_LICENCE}", online=True),
        S("固定资产投资项目节能审查", XK, 20, 10,
          "《中华人民共和国节约能源法》第十五条|《固定资产投资项目节能评估和审查暂行办法》(国家发展改革委令第6号)第十二条",
          "节能审查申请报告|固定资产投资项目节能评估报告书:原3|项目核准或备案文件:复",
          excluded=("专家评审",)),
        S("政府投资项目可行性研究报告审批", XK, 20, 10, "《国务院关于投资体制改革的决定》(国发〔2004〕20号)",
          "可行性研究报告审批请示|项目可行性研究报告:原3|选址意见书:复|用地预审意见:复|环境影响评价审批文件:复",
          excluded=("委托咨询评估",)),
        S("政府投资项目初步设计审批", XK, 20, 10, "《山东省政府投资管理办法》(省政府令第190号)第十七条",
          "初步设计审批请示|初步设计文件及概算:原3|可行性研究报告批复文件:复", excluded=("专家评审",)),
        S("重点建设项目认定", QR, 20, 10, "《山东省重点建设项目管理办法》第七条",
          "重点建设项目申报表|项目核准或备案文件:复|项目建设资金落实证明:复"),
    ),
    "经信": (
        S("工业企业技术改造投资项目备案", QT, 5, 2, "《山东省企业投资项目核准和备案办法》(鲁政发〔2014〕20号)第二十五条",
          f"技术改造项目备案申请表|项目可行性研究报告|{_LICENCE}", online=True),
        S("新建电力设施保护区内作业许可", XK, 20, 10, "《电力设施保护条例》第十七条",
          f"作业许可申请书|施工方案及安全措施|{_LICENCE}"),
        S("散装水泥和预拌混凝土生产企业备案", QT, 10, 5, "《山东省散装水泥促进条例》第十一条",
          f"备案申请表|生产设备及环保设施说明|{_LICENCE}"),
    ),
    "住建": (
        S("建筑工程施工许可证核发", XK, 15, 3,
          "《中华人民共和国建筑法》第七条|《建筑工程施工许可管理办法》(住房和城乡建设部令第18号)第四条",
          "建筑工程施工许可证申请表|建设工程规划许可证:复|中标通知书及施工合同:复|施工图设计文件审查合格书|建设资金已经落实承诺书|施工现场安全生产措施备案表?建筑面积3000平方米以上的工程提供",
          F("施工图设计文件审查费", "3200.00", "《山东省施工图设计文件审查收费标准》", collected_by="东营市建设工程施工图审查中心"),
          online=True),
        S("建设工程竣工验收备案", QT, "15d", 5, "《建设工程质量管理条例》第四十九条",
          "建设工程竣工验收备案表:原2|工程竣工验收报告|规划、消防、环保等部门出具的认可文件:复|施工单位签署的工程质量保修书:复"),
        S("房地产开发企业资质核定(三级及以下)", XK, 20, 10,
          "《城市房地产开发经营管理条例》第九条|《房地产开发企业资质管理规定》(建设部令第77号)第八条",
          f"房地产开发企业资质申报表:原2|{_LICENCE}|企业资产负债表和验资报告:复|专业管理人员职称证书及劳动合同:复"),
        S("商品房预售许可", XK, 10, 5,
          "《中华人民共和国城市房地产管理法》第四十五条|《城市商品房预售管理办法》(建设部令第131号)第七条",
          "商品房预售许可申请表|国有土地使用证:复|建设工程规划许可证:复|建筑工程施工许可证:复|投入开发建设资金达到总投资25%以上的证明|商品房预售方案",
          conditions=("已交付全部土地使用权出让金，取得土地使用权证书",)),
        S("建筑业企业资质认定(三级)", XK, 20, 10, "《中华人民共和国建筑法》第十三条|《建筑业企业资质管理规定》(住房和城乡建设部令第22号)第九条",
          f"建筑业企业资质申请表:原2|{_LICENCE}|企业章程:复|技术负责人和主要人员的身份证明、职称证书:复", online=True),
        S("物业服务企业资质核定(三级)", XK, 20, 10, "《物业服务企业资质管理办法》(建设部令第164号)第十一条",
          f"物业服务企业资质等级申报表|{_LICENCE}|企业章程|管理和技术人员的职称证书和劳动合同:复"),
        S("燃气经营许可", XK, 20, 10, "《城镇燃气管理条例》第十五条",
          f"燃气经营许可申请书|{_LICENCE}|燃气设施竣工验收文件:复|企业安全管理制度|主要负责人、安全管理人员经专业培训考核合格证明:复"),
        S("房屋所有权转移登记", QR, 30, 5, "《中华人民共和国物权法》第十四条|《房屋登记办法》(建设部令第168号)第三十二条",
          f"房屋登记申请书|{_ID}|房屋所有权证书|房屋买卖合同:原复|契税完税凭证:复|共有人同意出售的书面意见?房屋为共有的提供",
          F("房屋登记费(住房)", "80.00", "《国家发展改革委 财政部关于规范房屋登记费计费方式和收费标准等有关问题的通知》(发改价格〔2008〕924号)"),
          F("房屋所有权证工本费", "10.00", "发改价格〔2008〕924号")),
        S("房地产开发企业资质年检", QT, 20, 10, "《房地产开发企业资质管理规定》(建设部令第77号)第十九条",
          f"房地产开发企业资质年检报告书|{_LICENCE}|年度财务报表"),
        S("城镇廉租住房和公共租赁住房资格审核", QR, 30, 20, "《公共租赁住房管理办法》(住房和城乡建设部令第11号)第八条",
          f"住房保障申请审批表|{_ID}|{_HOUSEHOLD}|家庭收入证明|现住房情况证明", levels=(T,)),
    ),
    "规划": (
        S("建设项目选址意见书核发", XK, 20, 7, "《中华人民共和国城乡规划法》第三十六条",
          f"建设项目选址申请表|项目建议书批复或核准、备案文件:复|建设项目选址论证报告?位于城市规划区外的项目提供|{_LICENCE}",
          online=True),
        S("建设用地规划许可证核发", XK, 20, 7, "《中华人民共和国城乡规划法》第三十七条|《中华人民共和国城乡规划法》第三十八条",
          "建设用地规划许可申请表|项目核准或备案文件:复|选址意见书或规划条件:复|国有土地使用权出让合同:复|1:500地形图:电"),
        S("建设工程规划许可证核发", XK, 20, 7, "《中华人民共和国城乡规划法》第四十条",
          "建设工程规划许可申请表|建设工程设计方案:原3|国有土地使用证:复|建设用地规划许可证:复|修建性详细规划?需要编制修建性详细规划的项目提供",
          F("执照工本费", "10.00", "《山东省物价局 山东省财政厅关于规划管理收费的通知》")),
        S("临时建设工程规划许可", XK, 20, 5, "《中华人民共和国城乡规划法》第四十四条",
          "临时建设申请表|临时建设设计方案|土地使用权属证明:复|限期拆除承诺书"),
        S("建设工程规划条件核实", QR, 15, 7, "《中华人民共和国城乡规划法》第四十五条",
          "规划条件核实申请表|建设工程规划许可证:复|竣工测量成果报告", excluded=("现场勘查",)),
    ),
    "国土": (
        S("建设项目用地预审", XK, 20, 10, "《中华人民共和国土地管理法实施条例》第二十二条|《建设项目用地预审管理办法》(国土资源部令第42号)第六条",
          "建设项目用地预审申请表|建设项目用地预审申请报告|项目建议书批复或备案文件:复|标注项目用地范围的土地利用总体规划图:原复"),
        S("国有建设用地使用权划拨批准", XK, 20, 10, "《中华人民共和国土地管理法》第五十四条|《中华人民共和国城市房地产管理法》第二十四条",
          "划拨用地申请书|建设项目批准文件:复|建设用地规划许可证:复|勘测定界报告"),
        S("临时用地审批", XK, 20, 10, "《中华人民共和国土地管理法》第五十七条",
          "临时用地申请书|临时使用土地合同|土地复垦方案|勘测定界图"),
        S("国有建设用地使用权首次登记", QR, 20, 7, "《土地登记办法》(国土资源部令第40号)第二十七条",
          f"土地登记申请书|{_LICENCE}|国有建设用地使用权出让合同:复|土地出让价款缴纳凭证:复|地籍调查表及宗地图",
          F("土地登记费", "100.00", "《国家计委 财政部关于土地登记收费及其管理办法》(计价格〔1995〕497号)")),
        S("地质灾害危险性评估报告备案", QT, 10, 5, "《地质灾害防治条例》第二十一条",
          "地质灾害危险性评估报告备案登记表|地质灾害危险性评估报告:原2"),
        S("采矿权新立登记(砖瓦用黏土)", XK, "40d", 20, "《中华人民共和国矿产资源法》第三条|《矿产资源开采登记管理办法》第五条",
          f"采矿权申请登记书|{_LICENCE}|矿产资源开发利用方案|矿山地质环境保护与治理恢复方案",
          F("采矿登记费", "500.00", "《矿产资源开采登记管理办法》第十五条"), status=DELEGATED),
    ),
    "环保": (
        S("建设项目环境影响报告书审批", XK, "60d", 20,
          "《中华人民共和国环境影响评价法》第二十二条|《建设项目环境保护管理条例》第九条",
          f"建设项目环境影响评价文件审批申请|环境影响报告书:原3|公众参与说明|{_LICENCE}",
          excluded=("技术评估", "公示"), online=True),
        S("建设项目环境影响报告表审批", XK, "30d", 10, "《中华人民共和国环境影响评价法》第二十二条",
          f"建设项目环境影响评价文件审批申请|环境影响报告表:原3|{_LICENCE}", excluded=("技术评估",)),
        S("建设项目环境影响登记表备案", QT, "15d", 0, "《中华人民共和国环境影响评价法》第十六条",
          "建设项目环境影响登记表:原2", handling=IMM, online=True),
        S("排污许可证核发", XK, 20, 10, "《中华人民共和国水污染防治法》第二十条|《山东省环境保护条例》第二十一条",
          f"排污许可证申请表|{_LICENCE}|环境影响评价审批文件及验收文件:复|污染物排放监测报告"),
        S("建设项目竣工环境保护验收", XK, "30d", 15, "《建设项目环境保护管理条例》第二十条|《建设项目竣工环境保护验收管理办法》(国家环境保护总局令第13号)",
          "建设项目竣工环境保护验收申请|验收监测报告或调查报告:原2|环境影响评价审批文件:复", excluded=("现场检查",)),
        S("危险废物收集经营许可", XK, 20, 15, "《中华人民共和国固体废物污染环境防治法》第五十七条|《危险废物经营许可证管理办法》第七条",
          f"危险废物收集经营许可申请书|{_LICENCE}|收集设施、贮存场所的说明及照片|危险废物事故应急预案", status=DELEGATED),
    ),
    "交通": (
        S("道路旅客运输经营许可", XK, 20, 10, "《中华人民共和国道路运输条例》第十条",
          f"道路旅客运输经营申请表|{_LICENCE}|拟投入车辆承诺书|驾驶人员从业资格证:复|安全生产管理制度文本"),
        S("道路货物运输经营许可", XK, 20, 5, "《中华人民共和国道路运输条例》第二十四条",
          f"道路货物运输经营申请表|{_ID}|机动车辆行驶证:复|驾驶人员从业资格证:复|安全生产管理制度文本", online=True),
        S("道路运输从业人员从业资格证核发", XK, 10, 5, "《中华人民共和国道路运输条例》第九条|《道路运输从业人员管理规定》第十二条",
          f"从业资格考试申请表|{_ID}|机动车驾驶证:复|近期一寸免冠照片:原2",
          F("从业资格证工本费", "10.00", "鲁价费发〔2007〕122号")),
        S("机动车维修经营许可", XK, 15, 7, "《中华人民共和国道路运输条例》第三十九条",
          f"机动车维修经营申请表|{_LICENCE}|维修设备设施清单|技术人员从业资格证:复"),
        S("出租汽车经营许可", XK, 20, 10, "《山东省道路运输条例》第三十二条",
          f"出租汽车经营申请表|{_LICENCE}|经营场所和停车场地证明|安全生产管理制度"),
        S("公路超限运输许可", XK, 5, "24h", "《中华人民共和国公路法》第五十条|《超限运输车辆行驶公路管理规定》第十一条",
          f"超限运输车辆通行申请表|车辆行驶证:复|货物说明及运输方案|{_ID}"),
        S("涉路施工许可", XK, 20, 7, "《中华人民共和国公路法》第四十四条|《公路安全保护条例》第二十七条",
          "涉路施工许可申请书|施工方案及安全保障措施|设计图纸|技术评价报告?需要进行技术评价的提供"),
        S("道路运输车辆年度审验", QT, 5, 1, "《道路运输车辆技术管理规定》第二十五条",
          "道路运输证|车辆综合性能检测报告"),
        S("港口经营许可", XK, "30d", 15, "《中华人民共和国港口法》第二十二条|《港口经营管理规定》第十条",
          f"港口经营许可申请书|{_LICENCE}|码头、堆场等设施的使用证明:复|安全生产管理制度和应急预案", status=DELEGATED),
    ),
    "卫计": (
        S("医疗机构设置审批", XK, "30d", 15, "《医疗机构管理条例》第九条|《医疗机构管理条例实施细则》第十四条",
          "设置医疗机构申请书|设置可行性研究报告|选址报告和建筑设计平面图|法定代表人资信证明:复"),
        S("医疗机构执业登记", XK, "45d", 15, "《医疗机构管理条例》第十五条|《医疗机构管理条例实施细则》第二十五条",
          "医疗机构申请执业登记注册书|设置医疗机构批准书:复|医疗机构用房产权证明或使用证明:复|医务人员执业证书:复|规章制度",
          F("医疗机构执业许可证工本费", "10.00", "鲁价费发〔2006〕136号"), excluded=("现场审查",)),
        S("医师执业注册", XK, 20, 5, "《中华人民共和国执业医师法》第十三条",
          f"医师执业注册申请审核表|{_ID}|医师资格证书:原复|健康体检证明|拟聘用机构聘用证明", online=True),
        S("护士执业注册", XK, 20, 5, "《护士条例》第七条|《护士执业注册管理办法》第六条",
          f"护士执业注册申请审核表|{_ID}|学历证书及专业学习中的临床实习证明:原复|护士执业资格考试成绩合格证明|健康体检证明"),
        S("公共场所卫生许可", XK, 20, 7, "《公共场所卫生管理条例》第八条",
          f"公共场所卫生许可申请书|{_LICENCE}|从业人员健康合格证明:复|卫生检测报告",
          F("卫生许可证工本费", None, "鲁财综〔2015〕5号，自2015年起免收", waived=True),
          excluded=("现场审查",), levels=(T,)),
        S("生活饮用水供水单位卫生许可", XK, 20, 10, "《中华人民共和国传染病防治法》第二十九条|《生活饮用水卫生监督管理办法》第十六条",
          f"卫生许可申请书|{_LICENCE}|供水设施平面图|水质检测报告|从业人员健康合格证明:复"),
        S("放射诊疗许可", XK, 20, 10, "《放射诊疗管理规定》第十一条",
          "放射诊疗许可申请表|医疗机构执业许可证:复|放射诊疗设备清单|放射防护评价报告"),
        S("再生育审批", XK, "30d", 10, "《山东省人口与计划生育条例》第二十条",
          f"再生育申请审批表|夫妻双方{_ID}|{_HOUSEHOLD}|结婚证:原复|子女情况证明", levels=(T,)),
        S("第一个子女生育服务登记", QR, 1, 0, "《山东省人口与计划生育条例》第十七条",
          f"生育服务登记表|夫妻双方{_ID}|结婚证:原复", handling=IMM, levels=(T, V)),
        S("母婴保健技术服务执业许可", XK, 20, 10, "《中华人民共和国母婴保健法》第三十二条|《母婴保健专项技术服务许可及人员资格管理办法》第四条",
          "母婴保健技术服务执业许可申请登记书|医疗机构执业许可证:复|卫生技术人员资格证书:复"),
    ),
    "公安": (
        S("居民身份证申领、换领、补领", QT, "60d", "30d", "《中华人民共和国居民身份证法》第八条|《中华人民共和国居民身份证法》第十一条",
          f"居民身份证申领登记表|{_HOUSEHOLD}|原居民身份证?换领的交回",
          *_id_card_fees(),
          levels=(T,)),
        S("临时居民身份证核发", QT, 3, "2h", "《中华人民共和国居民身份证法》第十二条|《临时居民身份证管理办法》第五条",
          f"{_HOUSEHOLD}|近期免冠照片:原1", F("临时居民身份证工本费", "10.00", "发改价格〔2003〕2322号", per_unit="每证")),
        S("户口迁移(市内)", QR, 5, 0, "《中华人民共和国户口登记条例》第十条",
          f"{_HOUSEHOLD}|{_ID}|迁入地房屋产权证明:复|准予迁入证明", handling=IMM),
        S("普通护照签发", XK, 15, 10, "《中华人民共和国护照法》第五条|《中华人民共和国护照法》第六条",
          f"中国公民因私出国(境)申请表|{_ID}|{_HOUSEHOLD}|近期免冠彩色照片",
          F("普通护照工本费", "200.00", "《国家发展改革委 财政部关于调整因私护照收费标准的通知》(发改价格〔2013〕1494号)"),
          online=True),
        S("往来港澳通行证及签注签发", XK, 15, 7, "《中国公民因私事往来香港地区或者澳门地区的暂行管理办法》第三条",
          f"中国公民出入境证件申请表|{_ID}|{_HOUSEHOLD}",
          F("往来港澳通行证工本费", "80.00", "发改价格〔2005〕77号"),
          F("签注费", "15.00", "发改价格〔2005〕77号")),
        S("机动车驾驶证换证", QT, 1, 0, "《中华人民共和国道路交通安全法》第十九条|《机动车驾驶证申领和使用规定》第五十条",
          f"机动车驾驶证申请表|{_ID}|机动车驾驶证|身体条件证明",
          F("驾驶证工本费", "10.00", "《山东省物价局 山东省财政厅关于公安交通管理收费标准的通知》"), handling=IMM),
        S("机动车注册登记", QT, 2, 0, "《中华人民共和国道路交通安全法》第八条|《机动车登记规定》第五条",
          f"机动车注册、转移、注销登记/转入申请表|{_ID}|机动车来历证明|机动车整车出厂合格证明|车辆购置税完税证明|机动车交通事故责任强制保险凭证:复",
          F("机动车号牌工本费(汽车)", "100.00", "《国家发展改革委 财政部关于机动车号牌和行驶证等收费标准的通知》"),
          F("机动车行驶证工本费", "10.00", "同上"), handling=IMM),
        # published as "48小时" of the clock; hours are working hours (8 to a working day),
        # and 48 of them outlast the 3-day law: the promise is the law's 3 working days
        S("剧毒化学品购买许可", XK, 3, 3, "《危险化学品安全管理条例》第三十九条",
          f"剧毒化学品购买许可申请表|{_LICENCE}|购买剧毒化学品用途说明|经办人身份证明:原复"),
        S("烟花爆竹道路运输许可", XK, 3, "24h", "《烟花爆竹安全管理条例》第二十二条",
          "烟花爆竹道路运输许可申请表|承运人从事危险货物运输的资质证明:复|驾驶员、押运员从业资格证:复|烟花爆竹购销合同:复"),
        S("旅馆业特种行业许可证核发", XK, 20, 10, "《旅馆业治安管理办法》第四条",
          f"特种行业许可证申请登记表|{_LICENCE}|消防安全检查合格证明:复|治安保卫制度"),
        S("公章刻制业特种行业许可", XK, 20, 10, "《国务院对确需保留的行政审批项目设定行政许可的决定》第37项",
          f"特种行业许可证申请登记表|{_LICENCE}|刻制设备情况说明|从业人员名单及身份证明:复"),
    ),
    "消防": (
        S("建设工程消防设计审核", XK, 20, 15, "《中华人民共和国消防法》第十一条|《建设工程消防监督管理规定》(公安部令第119号)第十五条",
          "建设工程消防设计审核申报表|消防设计文件:原2|建设工程规划许可证:复|设计单位资质证明:复",
          excluded=("专家评审",)),
        S("建设工程消防验收", XK, 20, 15, "《中华人民共和国消防法》第十三条|《建设工程消防监督管理规定》(公安部令第119号)第二十一条",
          "建设工程消防验收申报表|工程竣工验收报告|消防产品质量合格证明:复|消防设施检测合格证明", excluded=("现场检查",)),
        S("公众聚集场所投入使用、营业前消防安全检查", XK, 10, 7, "《中华人民共和国消防法》第十五条",
          f"公众聚集场所投入使用、营业前消防安全检查申报表|{_LICENCE}|消防验收合格意见书:复|消防安全制度"),
    ),
    "人社": (
        S("社会保险登记", QR, "30d", 0, "《中华人民共和国社会保险法》第五十七条", f"社会保险登记表|{_LICENCE}|{_LEGAL_REP}",
          handling=IMM, online=True),
        S("失业保险金申领", JF, 20, 5, "《中华人民共和国社会保险法》第四十五条|《失业保险条例》第十四条",
          f"失业保险金申领登记表|{_ID}|解除或者终止劳动合同的证明|失业登记证明", levels=(T,)),
        S("就业失业登记", QR, 5, 0, "《中华人民共和国就业促进法》第五十条|《就业服务与就业管理规定》第六十一条",
          f"就业失业登记申请表|{_ID}|近期免冠照片", handling=IMM, levels=(T, V)),
        S("劳务派遣经营许可", XK, 20, 10, "《中华人民共和国劳动合同法》第五十七条|《劳务派遣行政许可实施办法》第六条",
          f"劳务派遣经营许可申请书|{_LICENCE}|公司章程及协议文本|注册资本验资报告:复|经营场所使用证明:复"),
        S("人力资源服务许可", XK, 20, 10, "《中华人民共和国就业促进法》第四十条|《人才市场管理规定》第七条",
          f"人力资源服务许可申请表|{_LICENCE}|工作人员名册及资格证明:复|服务场所证明:复"),
        S("企业实行不定时工作制和综合计算工时工作制审批", XK, 20, 7,
          "《中华人民共和国劳动法》第三十九条|《关于企业实行不定时工作制和综合计算工时工作制的审批办法》第七条",
          f"特殊工时工作制申请表|{_LICENCE}|职工代表大会或工会意见"),
        S("工伤认定", QR, "60d", 30, "《工伤保险条例》第十七条|《工伤保险条例》第二十条",
          "工伤认定申请表|劳动关系证明|医疗诊断证明书|事故调查报告?因交通事故等受伤的提供", excluded=("劳动关系确认",)),
        S("劳动能力鉴定", QR, "60d", 40, "《工伤保险条例》第二十五条",
          "劳动能力鉴定申请表|工伤认定决定书:复|诊断证明书及病历:复", excluded=("专家诊断",)),
        S("社会保障卡补换", GG, 5, "1h", "《中华人民共和国社会保险法》第五十八条",
          f"社会保障卡补换申请表|{_ID}", F("社会保障卡补卡工本费", "20.00", "鲁价费发〔2012〕84号")),
    ),
    "民政": (
        S("社会团体成立登记", XK, "60d", 20, "《社会团体登记管理条例》第九条|《社会团体登记管理条例》第十二条",
          "社会团体成立登记申请书|业务主管单位批准文件|验资报告:复|章程草案|负责人身份证明:复", online=True),
        S("民办非企业单位成立登记", XK, "60d", 20, "《民办非企业单位登记管理暂行条例》第八条",
          "民办非企业单位登记申请书|业务主管单位审查同意文件|场所使用权证明:复|验资报告|章程草案"),
        S("养老机构设立许可", XK, 20, 10, "《中华人民共和国老年人权益保障法》第四十四条|《养老机构设立许可办法》(民政部令第48号)第十条",
          "养老机构设立许可申请书|章程草案|服务场所的所有权或使用权证明:复|消防安全检查合格证明:复|管理人员及工作人员名单"),
        S("收养登记", QR, "30d", 20, "《中华人民共和国收养法》第十五条|《中国公民收养子女登记办法》第五条",
          f"收养登记申请书|收养人{_ID}|{_HOUSEHOLD}|县级以上医疗机构出具的体检证明|被收养人的出生证明:复"),
        S("内地居民婚姻登记(涉外、涉港澳台)", QR, 1, 0, "《婚姻登记条例》第四条|《婚姻登记条例》第五条",
          "本人护照或港澳台居民身份证件:原复|经公证的本人无配偶声明|内地居民身份证和户口簿:原复",
          F("婚姻登记费", "9.00", "《国家计委 财政部关于婚姻登记收费标准的通知》"), handling=IMM),
        S("慈善组织公开募捐资格审批", XK, 20, 10, "《山东省慈善事业促进条例》第十四条",
          "公开募捐资格申请书|登记证书:复|募捐方案"),
    ),
    "水利": (
        S("取水许可", XK, "45d", 20, "《中华人民共和国水法》第四十八条|《取水许可和水资源费征收管理条例》第二十一条",
          f"取水许可申请书|建设项目水资源论证报告书:原2|取水工程设计文件|{_LICENCE}", excluded=("专家评审",)),
        S("水资源费征收", ZS, 5, 2, "《中华人民共和国水法》第四十八条|《取水许可和水资源费征收管理条例》第二十八条",
          "取水许可证:复|取水量核定表"),
        S("河道管理范围内建设项目工程建设方案审批", XK, 20, 10, "《中华人民共和国河道管理条例》第十一条|《中华人民共和国防洪法》第二十七条",
          "河道管理范围内建设项目申请书|建设项目所依据的文件:复|建设项目防洪评价报告:原2|建设项目设计方案"),
        S("生产建设项目水土保持方案审批", XK, 20, 10, "《中华人民共和国水土保持法》第二十五条",
          "水土保持方案审批申请|水土保持方案报告书:原3|项目立项文件:复", excluded=("技术评审",)),
        S("水工程建设规划同意书审核", XK, 20, 10, "《中华人民共和国水法》第十九条|《水工程建设规划同意书制度管理办法(试行)》第七条",
          "水工程建设规划同意书申请表|水工程建设规划同意书论证报告|项目建议书或可行性研究报告:复"),
    ),
    "农业": (
        S("农作物种子生产经营许可", XK, 20, 10, "《中华人民共和国种子法》第二十六条|《农作物种子生产经营许可管理办法》第十二条",
          f"种子生产经营许可证申请表|{_LICENCE}|种子检验、贮藏设施证明|种子检验人员资格证明:复"),
        S("兽药经营许可证核发", XK, 30, 15, "《兽药管理条例》第二十二条",
          f"兽药经营许可证申请表|{_LICENCE}|营业场所、仓库的证明:复|质量管理人员资格证明:复"),
        S("动物防疫条件合格证核发", XK, 20, 10, "《中华人民共和国动物防疫法》第二十条|《动物防疫条件审查办法》第三十条",
          "动物防疫条件审查申请表|场所地理位置图和平面布局图|设施设备清单|防疫制度", excluded=("现场核查",)),
        S("动物诊疗许可证核发", XK, 20, 10, "《中华人民共和国动物防疫法》第五十一条|《动物诊疗机构管理办法》第九条",
          "动物诊疗许可证申请表|场所使用权证明:复|执业兽医资格证书:复|诊疗设备清单"),
    ),
    "海渔": (
        S("渔业捕捞许可证核发", XK, 20, 10, "《中华人民共和国渔业法》第二十三条|《渔业捕捞许可管理规定》第二十一条",
          f"渔业捕捞许可证申请书|渔船所有权证书:复|渔业船舶检验证书:复|{_ID}"),
        S("水产苗种生产许可", XK, 20, 10, "《中华人民共和国渔业法》第十六条|《水产苗种管理办法》第十一条",
          "水产苗种生产申请表|水域使用证明:复|育苗设施说明|技术人员资格证明"),
    ),
    "教育": (
        S("民办学校设立审批(普通高中、中等职业学校)", XK, "90d", 30, "《中华人民共和国民办教育促进法》第十二条|《中华人民共和国民办教育促进法》第十七条",
          "申办报告|举办者资格证明:复|拟聘校长和教师资格证明:复|办学资金和校舍证明:复|学校章程"),
        S("教师资格认定", QR, "30d", 15, "《中华人民共和国教师法》第十三条|《教师资格条例》第十三条",
          f"教师资格认定申请表:原2|{_ID}|学历证书:原复|普通话水平测试等级证书:复|体检表",
          F("教师资格认定体检费", "80.00", "按医院收费标准", collected_by="东营市人民医院"), online=True),
        S("校车使用许可", XK, 20, 5, "《校车安全管理条例》第十四条",
          "校车使用许可申请表|机动车行驶证:复|校车驾驶人资格证明:复|校车运行方案"),
    ),
    "文广": (
        S("营业性演出许可", XK, 20, 5, "《营业性演出管理条例》第十三条",
          f"营业性演出申请表|{_LICENCE}|演出节目内容说明|演员名单及身份证明:复"),
        S("娱乐场所设立审批", XK, 20, 10, "《娱乐场所管理条例》第九条",
          f"娱乐场所设立申请表|{_LEGAL_REP}|经营场所使用权证明:复|消防安全检查合格证明:复", excluded=("听证",)),
        S("互联网上网服务营业场所设立审批", XK, 20, 10, "《互联网上网服务营业场所管理条例》第十条",
          f"申请书|{_LICENCE}|营业场所使用权证明:复|网络安全审核意见:复"),
        S("出版物零售单位设立许可", XK, 20, 10, "《出版管理条例》第三十七条",
          f"出版物零售单位设立申请表|{_LICENCE}|经营场所证明:复|负责人资格证明:复", levels=(T,)),
        S("印刷经营许可", XK, "60d", 20, "《印刷业管理条例》第十一条",
          f"印刷经营许可申请书|{_LICENCE}|印刷设备清单|经营场所证明:复"),
    ),
    "市场": (
        S("内资有限责任公司设立登记", XK, 15, 3, "《中华人民共和国公司登记管理条例》第二十条|《中华人民共和国公司法》第二十九条",
          "公司登记(备案)申请书|公司章程|股东的主体资格证明或自然人身份证明:复|董事、监事、经理任职文件|住所使用证明:复|企业名称预先核准通知书",
          online=True),
        S("企业变更登记", XK, 15, 3, "《中华人民共和国公司登记管理条例》第二十六条",
          f"公司变更登记申请书|{_LICENCE}|变更决议或决定|章程修正案?涉及章程变更的提供", online=True),
        S("企业注销登记", XK, 15, 5, "《中华人民共和国公司登记管理条例》第四十四条",
          "公司注销登记申请书|清算报告|税务部门出具的清税证明:复|营业执照正、副本"),
        S("个体工商户设立登记", XK, 15, 0, "《个体工商户条例》第八条|《个体工商户登记管理办法》第十四条",
          f"个体工商户开业登记申请书|{_ID}|经营场所使用证明:复",
          F("个体工商户注册登记费", "0.00", "《财政部 国家发展改革委关于免征小型微型企业部分行政事业性收费的通知》(财综〔2011〕104号)", waived=True),
          handling=IMM, levels=(T,)),
        S("食品经营许可", XK, 20, 10, "《中华人民共和国食品安全法》第三十五条|《食品经营许可管理办法》(国家食品药品监督管理总局令第17号)第十条",
          f"食品经营许可申请书|{_LICENCE}|与食品经营相适应的主要设备设施布局、操作流程等文件|食品安全管理制度|食品安全管理人员健康证明:复",
          excluded=("现场核查",), levels=(T,)),
        S("食品生产许可", XK, 20, 15, "《中华人民共和国食品安全法》第三十五条|《食品生产许可管理办法》第十三条",
          f"食品生产许可申请书|{_LICENCE}|生产设备、设施清单|食品安全管理制度|工艺流程图", excluded=("现场核查",)),
        S("药品零售企业许可", XK, "30d", 15, "《中华人民共和国药品管理法》第十四条|《药品经营许可证管理办法》第八条",
          f"药品经营许可证申请表|{_LICENCE}|执业药师资格证书:复|营业场所、仓库平面布置图|质量管理文件", excluded=("现场验收",)),
        S("第三类医疗器械经营许可", XK, "30d", 20, "《医疗器械监督管理条例》第三十一条",
          f"医疗器械经营许可申请表|{_LICENCE}|质量管理人员身份证明、学历或职称证明:复|经营场所和库房的产权证明:复"),
        S("特种设备使用登记", QR, "30d", 5, "《中华人民共和国特种设备安全法》第三十三条",
          "特种设备使用登记表:原2|产品合格证|监督检验证明:复|安全管理人员和作业人员资格证:复"),
        S("股权出质设立登记", QR, 1, 0, "《中华人民共和国物权法》第二百二十六条|《工商行政管理机关股权出质登记办法》第三条",
          "股权出质设立登记申请书|质押合同:复|出质人、质权人的主体资格证明:复", handling=IMM),
        S("工业产品生产许可证核发(省级下放)", XK, "60d", 30, "《中华人民共和国工业产品生产许可证管理条例》第五条",
          f"工业产品生产许可证申请书|{_LICENCE}|产品检验报告", excluded=("实地核查", "产品检验"), status=DELEGATED),
    ),
    "安监": (
        S("危险化学品建设项目安全条件审查", XK, "45d", 20, "《危险化学品安全管理条例》第十二条|《危险化学品建设项目安全监督管理办法》第十条",
          "建设项目安全条件审查申请书|安全评价报告:原2|项目核准或备案文件:复|选址意见书:复",
          excluded=("专家评审",)),
        S("危险化学品经营许可", XK, "30d", 20, "《危险化学品安全管理条例》第三十三条|《危险化学品经营许可证管理办法》第十三条",
          f"危险化学品经营许可证申请表|{_LICENCE}|安全生产管理制度和岗位操作规程|主要负责人、安全管理人员安全资格证:复|事故应急预案"),
        S("非药品类易制毒化学品经营备案", QT, 3, 0, "《易制毒化学品管理条例》第十三条|《非药品类易制毒化学品生产、经营许可办法》第十九条",
          f"非药品类易制毒化学品经营备案申请表|{_LICENCE}|产品包装说明和使用说明书", handling=IMM),
    ),
    "商务": (
        S("对外贸易经营者备案登记", QT, 5, 0, "《中华人民共和国对外贸易法》第九条|《对外贸易经营者备案登记办法》第五条",
          f"对外贸易经营者备案登记表|{_LICENCE}", handling=IMM, online=True),
        S("外商投资企业设立审批", XK, "90d", 10, "《中华人民共和国中外合资经营企业法》第三条|《中华人民共和国外资企业法》第六条",
          "设立申请书|合同、章程:原3|投资者的合法开业证明:复|资信证明:复", online=True),
        S("成品油零售经营资格审核(转报省商务厅)", QT, 20, 10, "《成品油市场管理办法》(商务部令2006年第23号)第九条",
          f"成品油零售经营资格申请|{_LICENCE}|加油站规划确认文件:复|土地使用证明:复", handling=UP),
    ),
    "气象": (
        S("防雷装置设计审核", XK, 20, 10, "《气象灾害防御条例》第二十三条|《防雷减灾管理办法》第十六条",
          "防雷装置设计审核申请书|防雷装置设计图纸及说明|设计单位资质证明:复",
          F("防雷装置检测费", "1500.00", "鲁价费发〔2010〕99号", collected_by="东营市防雷中心")),
        S("防雷装置竣工验收", XK, 20, 5, "《气象灾害防御条例》第二十三条|《防雷减灾管理办法》第十七条",
          "防雷装置竣工验收申请书|防雷装置竣工图纸|防雷装置检测报告"),
        S("施放气球活动许可", XK, 5, "24h", "《通用航空飞行管制条例》第三十五条|《施放气球管理办法》第十四条",
          "施放气球活动申请表|施放气球资质证:复|施放方案"),
    ),
    "城管": (
        S("城市道路挖掘许可", XK, 20, 5, "《城市道路管理条例》第三十三条",
          "城市道路挖掘申请表|施工方案及图纸|规划部门批准文件:复",
          F("城市道路挖掘修复费", "450.00", "鲁价费发〔2006〕172号", per_unit="每平方米")),
        S("户外广告设施设置审批", XK, 20, 7, "《山东省户外广告管理办法》第十一条|《城市市容和环境卫生管理条例》第十一条",
          f"户外广告设施设置申请表|{_LICENCE}|设置效果图及结构安全证明|场地使用证明:复"),
        S("城市建筑垃圾处置核准", XK, 20, 5, "《城市建筑垃圾管理规定》(建设部令第139号)第七条",
          f"建筑垃圾处置核准申请表|{_LICENCE}|运输车辆行驶证:复|消纳场地证明:复"),
    ),
}
"""The city departments' items, by department key."""

_COUNTY_SPECS: Mapping[str, tuple[Spec, ...]] = {
    "住建": (
        S("乡村建设规划许可证核发", XK, 20, 10, "《中华人民共和国城乡规划法》第四十一条",
          f"乡村建设规划许可申请表|{_ID}|宅基地或集体土地使用证明:复|建设工程设计方案|村民委员会意见",
          levels=(T,)),
        S("农村危房改造补助资格审核", JF, 30, 15, "《山东省农村危房改造实施办法》",
          f"农村危房改造申请表|{_ID}|{_HOUSEHOLD}|房屋危险等级鉴定书", levels=(T, V)),
    ),
    "国土": (
        S("农村村民宅基地审批", XK, 20, 10, "《中华人民共和国土地管理法》第六十二条|《山东省实施〈中华人民共和国土地管理法〉办法》第四十条",
          f"农村宅基地用地申请表|{_ID}|{_HOUSEHOLD}|村民会议或村民代表会议讨论意见", levels=(T,)),
    ),
    "民政": (
        S("最低生活保障审批", JF, 30, 20, "《城市居民最低生活保障条例》第七条|《社会救助暂行办法》第十一条",
          f"最低生活保障申请书|{_ID}|{_HOUSEHOLD}|家庭收入和财产状况证明|家庭成员就业、患病、残疾证明?有的提供",
          excluded=("入户调查", "民主评议", "公示"), levels=(T, V)),
        S("内地居民结婚登记", QR, 1, 0, "《婚姻登记条例》第四条|《婚姻登记条例》第五条",
          f"双方{_ID}|双方{_HOUSEHOLD}|双方近期半身免冠合影照片:原3",
          F("婚姻登记费", "9.00", "《国家计委 财政部关于婚姻登记收费标准的通知》"), handling=IMM),
        S("内地居民离婚登记", QR, 1, 0, "《婚姻登记条例》第十条|《婚姻登记条例》第十一条",
          f"双方{_ID}|双方{_HOUSEHOLD}|结婚证|离婚协议书:原3",
          F("婚姻登记费", "9.00", "《国家计委 财政部关于婚姻登记收费标准的通知》"), handling=IMM),
        S("临时救助审批", JF, 15, 7, "《社会救助暂行办法》第四十八条", f"临时救助申请书|{_ID}|困难情况证明",
          levels=(T, V)),
        S("80周岁以上老年人高龄津贴申领", JF, 20, 10, "《山东省老年人权益保障条例》第二十六条",
          f"高龄津贴申请表|{_ID}|{_HOUSEHOLD}|本人银行账户信息:复", levels=(T, V)),
        S("农村五保供养审批", JF, 30, 20, "《农村五保供养工作条例》第七条", f"五保供养申请书|{_ID}|{_HOUSEHOLD}|村民委员会评议意见",
          levels=(T,)),
    ),
    "水务": (
        S("河道管理范围内建设项目许可", XK, 20, 10,
          "《中华人民共和国水法》第三十八条|《中华人民共和国河道管理条例》第十一条|《山东省实施〈中华人民共和国河道管理条例〉办法》第十二条",
          "河道管理范围内建设项目申请书|建设项目防洪评价报告:原2|建设项目设计方案|项目立项文件:复",
          excluded=("专家评审",)),
        S("取水许可", XK, "45d", 20, "《中华人民共和国水法》第四十八条|《取水许可和水资源费征收管理条例》第二十一条",
          "取水许可申请书|建设项目水资源论证报告表|取水工程设计文件|申请人身份或营业执照证明:复"),
        S("农村饮水安全工程接水审批", GG, 10, 3, "《山东省农村供水管理办法》", f"接水申请表|{_ID}|{_HOUSEHOLD}", levels=(T, V)),
    ),
    "河务": (
        S("黄河河道管理范围内建设项目工程建设方案审查", XK, 20, 15,
          "《中华人民共和国水法》第三十八条|《中华人民共和国防洪法》第二十七条|《黄河下游河道管理范围内建设项目管理办法》",
          "建设项目工程建设方案审查申请书|防洪评价报告:原2|工程建设方案及图纸|项目立项文件:复",
          excluded=("专家评审", "现场查勘")),
        S("黄河滩区采砂许可", XK, 20, 10, "《中华人民共和国水法》第三十九条|《黄河河道采砂管理办法》",
          f"河道采砂申请书|{_LICENCE}|采砂作业方案|采砂船只或机具说明"),
    ),
}
"""Items only counties publish (and their Lijin river bureau's), by department key."""

_COUNTY_FROM_CITY: tuple[tuple[str, str], ...] = (
    ("住建", "建筑工程施工许可证核发"),
    ("住建", "商品房预售许可"),
    ("住建", "房屋所有权转移登记"),
    ("国土", "临时用地审批"),
    ("环保", "建设项目环境影响报告表审批"),
    ("环保", "建设项目环境影响登记表备案"),
    ("交通", "道路货物运输经营许可"),
    ("卫计", "医疗机构执业登记"),
    ("卫计", "公共场所卫生许可"),
    ("卫计", "第一个子女生育服务登记"),
    ("公安", "居民身份证申领、换领、补领"),
    ("公安", "户口迁移(市内)"),
    ("人社", "社会保险登记"),
    ("人社", "失业保险金申领"),
    ("人社", "就业失业登记"),
    ("发改", "企业投资项目备案"),
    ("农业", "动物防疫条件合格证核发"),
    ("教育", "教师资格认定"),
    ("文广", "出版物零售单位设立许可"),
    ("市场", "个体工商户设立登记"),
    ("市场", "食品经营许可"),
    ("市场", "企业变更登记"),
)
"""City items the counties publish too (with their own departments, codes and limits)."""

_COUNTY_SKIPS: Mapping[str, frozenset[str]] = {
    "370503": frozenset({"商品房预售许可", "出版物零售单位设立许可"}),
    "370505": frozenset({"教师资格认定"}),
    "370522": frozenset({"商品房预售许可", "企业变更登记"}),
    "370523": frozenset(),
    "370502": frozenset({"农村五保供养审批", "农村饮水安全工程接水审批"}),
}
# fmt: on
"""What a county does not publish (a district without villages to supply, …)."""


DEMAND: Mapping[str, float] = {
    "居民身份证申领、换领、补领": 40.0,
    "机动车注册登记": 30.0,
    "机动车驾驶证换证": 25.0,
    "普通护照签发": 12.0,
    "往来港澳通行证及签注签发": 10.0,
    "临时居民身份证核发": 8.0,
    "户口迁移(市内)": 10.0,
    "社会保险登记": 18.0,
    "社会保障卡补换": 15.0,
    "就业失业登记": 14.0,
    "失业保险金申领": 8.0,
    "个体工商户设立登记": 25.0,
    "企业变更登记": 16.0,
    "内资有限责任公司设立登记": 12.0,
    "企业注销登记": 4.0,
    "食品经营许可": 12.0,
    "股权出质设立登记": 3.0,
    "房屋所有权转移登记": 22.0,
    "内地居民结婚登记": 16.0,
    "内地居民离婚登记": 5.0,
    "第一个子女生育服务登记": 14.0,
    "再生育审批": 5.0,
    "最低生活保障审批": 6.0,
    "临时救助审批": 4.0,
    "80周岁以上老年人高龄津贴申领": 5.0,
    "医师执业注册": 4.0,
    "护士执业注册": 5.0,
    "公共场所卫生许可": 6.0,
    "道路货物运输经营许可": 8.0,
    "道路运输从业人员从业资格证核发": 9.0,
    "教师资格认定": 5.0,
    "企业投资项目备案": 4.0,
    "建设项目环境影响登记表备案": 4.0,
    "建设项目环境影响报告表审批": 3.0,
    "建筑工程施工许可证核发": 3.0,
    "建设工程规划许可证核发": 2.5,
    "对外贸易经营者备案登记": 3.0,
    "特种设备使用登记": 4.0,
    "乡村建设规划许可证核发": 3.0,
    "农村村民宅基地审批": 3.0,
    "河道管理范围内建设项目许可": 1.5,
}
"""How often an item is applied for, against an item of weight 1 (most licensing of
enterprises and projects): the identity cards, vehicles, social insurance, business
registration and civil affairs that fill a hall. By item name; 1 when not listed."""


def demand_of(item: Item) -> float:
    """The relative number of cases of ``item`` in a year (:data:`DEMAND`); a county's
    item counts a little less than the city's of the same name. The items of
    :mod:`.more_items` are applied for rarely (:data:`~.more_items.LOW_DEMAND`)."""
    from govservice.demo import more_items

    weight = DEMAND.get(item.name)
    if weight is None:
        weight = more_items.LOW_DEMAND if item.name in more_items.names() else 1.0
    return weight if item.region == CITY else weight * 0.6


# --- making items --------------------------------------------------------------------------


def limit(value: int | str, excluded: Iterable[str] = ()) -> TimeLimit:
    """A :class:`TimeLimit` from a specification's notation: 5, ``"60d"``, ``"4h"``."""
    if isinstance(value, int):
        return TimeLimit(amount=value, excluded=tuple(excluded))
    unit = {"d": TimeUnit.CALENDAR_DAYS, "h": TimeUnit.HOURS}[value[-1]]
    return TimeLimit(amount=int(value[:-1]), unit=unit, excluded=tuple(excluded))


def materials(text: str) -> tuple[Material, ...]:
    """The materials of a specification (see :class:`Spec`), the mandate appended."""
    found = []
    for token in [*text.split("|"), MANDATE]:
        token, _, condition = token.partition("?")
        name, _, form = token.partition(":")
        originals, copies = 1, 0
        electronic = form == "电"
        if form.startswith("复"):
            originals, copies = 0, int(form[1:] or 1)
        elif form == "原复":
            originals, copies = 1, 1
        elif form.startswith("原"):
            originals = int(form[1:] or 1)
        found.append(
            Material(
                name=name,
                originals=0 if electronic else originals,
                copies=0 if electronic else copies,
                form="electronic" if electronic else "paper",
                requirement="conditional" if condition else "required",
                condition=condition or None,
            )
        )
    return tuple(found)


def _fee(fee: F) -> Fee:
    if fee.group is not None:
        applicability = FeeApplicability.ALTERNATIVE
    elif fee.when is not None:
        applicability = FeeApplicability.CONDITIONAL
    else:
        applicability = FeeApplicability.ALWAYS
    return Fee(
        name=fee.name,
        amount=Decimal(fee.amount) if fee.amount is not None else None,
        legal_basis=fee.basis,
        waived=fee.waived,
        collected_by=fee.collected_by,
        applicability=applicability,
        condition=fee.when,
        group=fee.group,
        option=fee.option,
        per_unit=fee.per_unit,
        exemptions=fee.exemptions,
    )


def make_item(spec: Spec, department: Department, serial: int, level: HandlingLevel) -> Item:
    """The catalog item of ``spec`` handled by ``department``; ``serial`` numbers the
    department's items of the spec's type (the code's last four digits)."""
    promised = limit(spec.promised)
    handling = spec.handling or (
        HandlingType.IMMEDIATE if promised.amount == 0 else HandlingType.PROMISED
    )
    channels = [Channel.WINDOW]
    if spec.online:
        channels.append(Channel.ONLINE)
    if spec.type is XK and level is HandlingLevel.CITY:
        channels.append(Channel.AGENCY)  # 全程代办 for the licensing of projects
    centre = (
        StationLevel.CITY_CENTRE if level is HandlingLevel.CITY else StationLevel.COUNTY_CENTRE
    )
    return Item(
        code=f"{department.code}-{spec.type.letters}-{serial:04d}",
        name=spec.name,
        type=spec.type,
        department=department.name,
        department_code=department.code,
        region=department.region,
        level=level,
        handling_type=handling,
        legal_basis=tuple(spec.basis.split("|")),
        conditions=spec.conditions,
        materials=materials(spec.materials),
        legal_limit=limit(spec.legal, spec.excluded),
        promised_limit=promised,
        fees=tuple(_fee(f) for f in spec.fees),
        channels=tuple(channels),
        station_levels=(centre, *spec.levels),
        status=spec.status[0] if spec.status else ItemStatus.IN_SERVICE,
        status_since=dt.date.fromisoformat(spec.status[1]) if spec.status else None,
    )


def _numbered(pairs: Iterable[tuple[Spec, Department]], level: HandlingLevel) -> tuple[Item, ...]:
    serials: dict[tuple[str, ItemType], int] = {}
    items = []
    for spec, department in pairs:
        key = (department.code, spec.type)
        serials[key] = serials.get(key, 0) + 1
        items.append(make_item(spec, department, serials[key], level))
    return tuple(items)


def city_items() -> tuple[Item, ...]:
    """The catalog of the city centre (市级进驻事项), department by department: the items
    written here, then the rest of the catalog and the province's items taken over in
    2015 (:mod:`.more_items`), each at its first version."""
    from govservice.demo.more_items import MORE_SPECS, PROVINCE_SPECS

    departments = {d.key: d for d in city_departments()}
    return _numbered(
        (
            (spec, departments[key])
            for table in (SPECS, MORE_SPECS, PROVINCE_SPECS)
            for key, specs in table.items()
            for spec in specs
        ),
        HandlingLevel.CITY,
    )


def _spec_named(key: str, name: str) -> Spec:
    for spec in SPECS[key]:
        if spec.name == name:
            return spec
    raise KeyError(f"no city item {name!r} of {key}")  # pragma: no cover - a table error


def county_items(region: str) -> tuple[Item, ...]:
    """The catalog of one county or district centre (县级事项)."""
    departments = {d.key: d for d in county_departments(region)}
    skip = _COUNTY_SKIPS.get(region, frozenset())
    pairs = [
        (_spec_named(key, name), departments[key])
        for key, name in _COUNTY_FROM_CITY
        if name not in skip
    ]
    pairs += [
        (spec, departments[key])
        for key, specs in _COUNTY_SPECS.items()
        if key in departments
        for spec in specs
        if spec.name not in skip
    ]
    return _numbered(pairs, HandlingLevel.COUNTY)


def all_departments() -> tuple[Department, ...]:
    """Every department of the demo: the city's, then each county's."""
    return (*city_departments(), *(d for r in COUNTY_NAMES for d in county_departments(r)))


def all_items() -> tuple[Item, ...]:
    """The whole catalog: the city's items, then each county's."""
    return (*city_items(), *(i for r in COUNTY_NAMES for i in county_items(r)))
