"""The three adjustments (调整) of the Dongying city catalog in 2015.

The yearbook: the catalog of the city centre was adjusted three times in 2015; 18 items
were cancelled (停办), 21 were taken over from the province (承接省级下放), and 355 city
items were retained. The city's catalog begins the year with 373 items (the 355 retained
and the 18 to be cancelled, :func:`first_catalog`); :func:`adjustments_2015` are the three
decisions, applied through ``centre.catalog.adjust`` on their dates during the simulated
year (:mod:`.simulation`), so that a case of a cancelled item is refused from its day on
and a taken-over item takes cases only from its own.

The counties' catalogs are imported as they stand and not adjusted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from govservice.demo.catalog import CITY, REGION_NAMES
from govservice.model import Item, ItemStatus
from govservice.model.catalog import Adjustment, Change, ChangeAction

YEAR_START = dt.date(2015, 1, 1)
"""The day the year's first catalog of every region takes effect."""

CITY_GOVERNMENT = "东营市人民政府"

FIRST_CATALOG = {
    "decided_by": CITY_GOVERNMENT,
    "decision_number": "东政发〔2014〕27号",
    "title": "东营市人民政府关于公布市级行政审批事项目录的通知",
}
"""What the city's first catalog of the year says of itself."""

_CANCELLED: tuple[tuple[str, ...], ...] = (
    (  # 1 March
        "城市房屋拆迁单位资格认定",
        "重大项目稽察报告备案",
        "成品油价格执行情况登记",
        "中小企业信用担保机构备案",
        "建设工程招标代理机构资格(暂定级)认定",
        "测绘作业证核发",
    ),
    (  # 15 May
        "房地产开发企业资质年检",
        "道路运输车辆年度审验",
        "排放污染物申报登记",
        "民办幼儿园年检",
        "电气防火检测报告备案",
        "印刷业经营者变更备案",
        "旧机动车交易市场备案",
    ),
    (  # 1 September
        "军粮供应站设立审核",
        "墙体材料专项基金返退审核",
        "散装水泥专项资金返退审核",
        "气象信息服务单位备案",
        "城市建筑垃圾消纳场设置审批",
    ),
)
"""The items each adjustment cancels, by name (18 in all)."""

_DECISIONS: tuple[Mapping[str, object], ...] = (
    {
        "id": "dy-2015-01",
        "effective": dt.date(2015, 3, 1),
        "decision_number": "东政发〔2015〕4号",
        "title": "东营市人民政府关于取消和调整一批市级行政审批事项的决定",
        "reason": "国务院和省政府决定取消",
    },
    {
        "id": "dy-2015-02",
        "effective": dt.date(2015, 5, 15),
        "decision_number": "东政发〔2015〕9号",
        "title": "东营市人民政府关于承接落实省政府下放行政审批事项的通知",
        "reason": "年检、备案事项取消，改为事中事后监管",
    },
    {
        "id": "dy-2015-03",
        "effective": dt.date(2015, 9, 1),
        "decision_number": "东政字〔2015〕67号",
        "title": "东营市人民政府关于公布保留的市级行政审批事项目录的通知",
        "reason": "清理规范，不再保留",
    },
)


def first_catalog(items: Iterable[Item], region: str) -> list[Item]:
    """The items of ``region``'s catalog on 1 January 2015: all but those the province
    delegates during the year (they come in by :func:`adjustments_2015`)."""
    return [item for item in items if item.region == region and not _taken_over(item)]


def decided_by(region: str) -> str:
    """Who decides a region's catalog: its people's government."""
    return CITY_GOVERNMENT if region == CITY else f"{REGION_NAMES[region]}人民政府"


def adjustments_2015(items: Sequence[Item]) -> tuple[Adjustment, ...]:
    """The three adjustments of the city's catalog in 2015, in order, for the city
    ``items`` of the data set (their first versions)."""
    city = [item for item in items if item.region == CITY]
    by_name = {item.name: item for item in city}
    cancelled_all = {by_name[name].code for names in _CANCELLED for name in names}
    made = []
    for number, decision in enumerate(_DECISIONS):
        effective = decision["effective"]
        changes = [
            Change(
                action=ChangeAction.TAKE_OVER,
                item_code=item.code,
                item=item,
                reason="省政府下放，市级承接",
            )
            for item in city
            if _taken_over(item) and item.status_since == effective
        ]
        changes += [
            Change(
                action=ChangeAction.CANCEL,
                item_code=by_name[name].code,
                reason=str(decision["reason"]),
            )
            for name in _CANCELLED[number]
        ]
        if number == len(_DECISIONS) - 1:  # the list of what is retained, published whole
            changes += [
                Change(action=ChangeAction.RETAIN, item_code=item.code)
                for item in city
                if not _taken_over(item) and item.code not in cancelled_all
            ]
        made.append(
            Adjustment(
                id=str(decision["id"]),
                region=CITY,
                effective=effective,  # type: ignore[arg-type]
                decided_by=CITY_GOVERNMENT,
                decision_number=str(decision["decision_number"]),
                title=str(decision["title"]),
                changes=tuple(changes),
            )
        )
    return tuple(made)


def in_service_on(
    items: Sequence[Item], adjustments: Sequence[Adjustment], day: dt.date
) -> list[Item]:
    """The items that take cases on ``day`` once ``adjustments`` in force then are applied
    (what ``centre.catalog.as_of`` gives, worked out from the data set alone)."""
    done = [a for a in adjustments if a.effective <= day]
    taken = {c.item_code for a in done for c in a.changes if c.action is ChangeAction.TAKE_OVER}
    cancelled = {c.item_code for a in done for c in a.changes if c.action is ChangeAction.CANCEL}
    later = {
        c.item_code
        for a in adjustments
        if a.effective > day
        for c in a.changes
        if c.action is ChangeAction.TAKE_OVER
    }
    return [
        item
        for item in items
        if item.code not in cancelled
        and item.code not in later
        and (item.code in taken or item.accepts_cases)
    ]


def _taken_over(item: Item) -> bool:
    return item.status is ItemStatus.DELEGATED
