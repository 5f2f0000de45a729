"""Sample records with valid identifiers, for tests, examples and ``config check``.

Each factory makes a valid record and takes keyword arguments to change any field.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from stdnum.cn import ric, uscc

from govservice.clock import SHANGHAI
from govservice.config import Config, PluginConfig
from govservice.model import (
    BlacklistEntry,
    Case,
    Fee,
    Identifier,
    Intermediary,
    Item,
    ListingSource,
    Material,
    Party,
    Project,
    ServiceOffer,
    StaffMember,
    Station,
    TimeLimit,
)
from govservice.model.regions import level_of

START = dt.datetime(2015, 3, 2, 9, 0, tzinfo=SHANGHAI)
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_serial = itertools.count(1)


def credit_code(seed: int, region: str = "370500") -> str:
    """A valid unified social credit code, different for each ``seed``."""
    body = "91" + region
    value = seed
    for _ in range(9):
        value, digit = divmod(value, len(_USCC_ALPHABET))
        body += _USCC_ALPHABET[digit]
    return body + uscc.calc_check_digit(body)


def identity_number(seed: int, region: str = "370502", born: dt.date | None = None) -> str:
    """A valid resident identity number for someone born in ``region`` on ``born``."""
    born = born or dt.date(1985, 1, 1) + dt.timedelta(days=seed % 7000)
    body = f"{region}{born:%Y%m%d}{seed % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def person(
    seed: int | None = None,
    *,
    born: dt.date | None = None,
    region: str = "370502",
    name: str = "张伟",
) -> Party:
    """A natural person with a valid identity number issued in ``region``."""
    seed = next(_serial) if seed is None else seed
    number = identity_number(seed, region=region, born=born)
    return Party(kind="person", name=name, identifier=Identifier(kind="ric", number=number))


def enterprise(seed: int | None = None, *, name: str = "东营市黄河建设有限公司") -> Party:
    """An enterprise with a valid unified social credit code."""
    seed = next(_serial) if seed is None else seed
    number = credit_code(seed)
    return Party(kind="enterprise", name=name, identifier=Identifier(kind="uscc", number=number))


def make_item(**changes: Any) -> Item:
    """A licensing item of the Dongying city centre: 20 legal, 5 promised working days.

    It publishes everything: handling type (承诺件), channels (the window), materials and
    fees. Given another ``region`` and no ``level``, its level is the region's (a county's
    code makes a county item)."""
    region = changes.get("region", "370500")
    fields: dict[str, Any] = {
        "code": "11370500004275432Y-XK-0001",
        "name": "建设工程规划许可证核发",
        "type": "licensing",
        "department": "东营市自然资源和规划局",
        "region": "370500",
        "level": level_of(region),
        "handling_type": "promised",
        "channels": ("window",),
        "legal_basis": ("《中华人民共和国城乡规划法》第四十条",),
        "materials": (
            Material(name="建设工程规划许可申请表", originals=1, copies=0),
            Material(name="建设工程设计方案", originals=1, copies=2),
        ),
        "legal_limit": TimeLimit(amount=20),
        "promised_limit": TimeLimit(amount=5),
        "fees": (Fee(name="执照工本费", amount=Decimal("10.00")),),
    }
    return Item(**(fields | changes))


def make_case(item: Item | None = None, **changes: Any) -> Case:
    """A case just applied for, of ``item`` (a :func:`make_item` by default)."""
    item = item or make_item()
    number = next(_serial)
    fields: dict[str, Any] = {
        "id": f"CASE-{number:06d}",
        "item_code": item.code,
        "item_version": item.version,
        "region": item.region,
        "department": item.department,
        "applicant": enterprise(number),
        "received_at": START,
    }
    return Case(**(fields | changes))


def make_project(**changes: Any) -> Project:
    """A key construction project (重点建设项目) of Dongying, open, on the green channel
    with a dedicated handler; give its id to :func:`make_case` as ``project_id``."""
    number = next(_serial)
    fields: dict[str, Any] = {
        "id": f"XM-{number:06d}",
        "name": "东营港经济开发区化工物流仓储项目",
        "region": "370500",
        "owner": enterprise(number),
        "created_at": START,
        "key_project": True,
        "green_channel": True,
        "handler": "刘洋",
    }
    return Project(**(fields | changes))


def make_station(**changes: Any) -> Station:
    """A village station under a township centre of Guangrao."""
    number = next(_serial)
    fields: dict[str, Any] = {
        "code": f"ST-{number:05d}",
        "name": "广饶县大王镇北柳村便民服务站",
        "level": "village_station",
        "parent_code": "GR-DAWANG",
        "region": "370523",
        "standards": ("five-ones",),
    }
    return Station(**(fields | changes))


SAMPLE_STAFF: tuple[tuple[str, str], ...] = (
    ("王晓燕", "window_clerk"),
    ("李娜", "window_clerk"),
    ("王窗口", "window_clerk"),
    ("王敏", "window_clerk"),
    ("李建国", "reviewer"),
    ("马晓燕", "reviewer"),
    ("李审查", "reviewer"),
    ("李强", "reviewer"),
    ("赵文华", "approver"),
    ("王强", "approver"),
    ("赵审批", "approver"),
    ("赵静", "approver"),
    ("周明", "supervisor"),
    ("周监察", "supervisor"),
    ("赵敏", "supervisor"),
    ("孙代办", "agent"),
)
"""The staff of every sample centre (:func:`make_centre`): name and role; staff numbers
are ``S001``, ``S002`` ... in this order."""

SAMPLE_REGIONS = ("370500", "370502", "370522", "370523")
"""The regions :func:`register_staff` registers a centre for by default: the city of
Dongying, Dongying District, Lijin and Guangrao."""


def staff_number(name: str) -> str:
    """The staff number (工号) of a member of :data:`SAMPLE_STAFF`."""
    names = [member for member, _ in SAMPLE_STAFF]
    return f"S{names.index(name) + 1:03d}"


def make_centre(region: str = "370500", **changes: Any) -> Station:
    """The government service centre of ``region`` (the city centre of 370500, else a
    county centre), code ``REGION-ZWZX``, staffed by :data:`SAMPLE_STAFF`: the station
    whose staff act on the region's cases that name no station."""
    fields: dict[str, Any] = {
        "code": f"{region}-ZWZX",
        "name": "东营市政务服务中心" if region == "370500" else f"{region}政务服务中心",
        "level": "city_centre" if region == "370500" else "county_centre",
        "region": region,
        "staff": tuple(
            StaffMember(name=name, role=role, staff_number=staff_number(name))
            for name, role in SAMPLE_STAFF
        ),
    }
    return Station(**(fields | changes))


def register_staff(store: Any, regions: Iterable[str] = SAMPLE_REGIONS) -> None:
    """Store the centre of each of ``regions`` (:func:`make_centre`) unless a station of
    its code is stored already, so that the sample staff may act on their cases."""
    for region in regions:
        centre = make_centre(region)
        if store.get("station", centre.code) is None:
            store.add(centre)


def make_intermediary(**changes: Any) -> Intermediary:
    """A surveying agency present in the hall, offering one service at a published fee."""
    number = next(_serial)
    fields: dict[str, Any] = {
        "credit_code": credit_code(number),
        "name": "东营市正元测绘有限公司",
        "region": "370500",
        "presence": "physical",
        "services": (
            ServiceOffer(name="地形测绘", fee_from=Decimal("3000.00"), fee_to=Decimal("8000.00")),
        ),
    }
    return Intermediary(**(fields | changes))


def make_blacklist_entry(**changes: Any) -> BlacklistEntry:
    """An enterprise listed by the centre itself for two years from 2015-03-01."""
    number = next(_serial)
    fields: dict[str, Any] = {
        "id": f"BL-{number:06d}",
        "subject": enterprise(number, name="东营市某建筑工程有限公司"),
        "reason": "在招标投标活动中串通投标",
        "authority": "东营市公共资源交易监督管理办公室",
        "source": ListingSource(kind="own", region="370500"),
        "listed_on": dt.date(2015, 3, 1),
        "penalty_from": dt.date(2015, 3, 1),
        "penalty_until": dt.date(2017, 2, 28),
    }
    return BlacklistEntry(**(fields | changes))


def config_with(
    *plugins: PluginConfig | Mapping[str, Any], region: str = "370500", **changes: Any
) -> Config:
    """A configuration on in-memory storage with the given plugin entries, e.g.
    ``config_with({"name": "guangrao", "regions": ["370523"]})``."""
    entries: Iterable[PluginConfig] = (
        p if isinstance(p, PluginConfig) else PluginConfig(index=i, **p)
        for i, p in enumerate(plugins)
    )
    return Config(name="测试中心", region=region, plugins=tuple(entries), **changes)
