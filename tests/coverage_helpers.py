"""The fixture of the coverage tests (issue 13, S2): the stations of ``stations_fixture``
with the items each offers, a two-version guiding catalog of the city, and Guangrao's own
addition in its configuration.

The guiding catalog of 东营市 (370500):

- version 1 from 2015-01-01: village stations V1 V2 V3; community centres C1 C2 C3 C4;
  township centres T1 T2;
- version 2 from 2015-07-01: village stations V1 V2 V3 V4 (the rest as before).

Guiding additions: 广饶县 (370523) adds G1 for village stations (its config). X1, X2 are
items no level is asked for. (Codes are written ``BM-V1``.) County and city centres are asked for nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from typing import Any

import attrs

from govservice.clock import SHANGHAI, FixedClock
from govservice.config import Config
from govservice.model import GuidingCatalogVersion, GuidingEntry
from govservice.samples import make_item
from govservice.service import GovService
from people_helpers import _postgres_settings
from stations_fixture import stations

ITEM_NAMES = {
    "BM-V1": "老年人优待证办理",
    "BM-V2": "新型农村合作医疗参保登记",
    "BM-V3": "计划生育服务证明",
    "BM-V4": "残疾人证申领代办",
    "BM-C1": "城乡居民养老保险登记",
    "BM-C2": "低保申请受理",
    "BM-C3": "农机购置补贴申请",
    "BM-C4": "就业失业登记",
    "BM-T1": "个体工商户登记",
    "BM-T2": "农村宅基地审批初审",
    "BM-G1": "广饶县村级土地流转登记",
    "BM-X1": "村级快递代收",
    "BM-X2": "农资信息发布",
}

OFFERS: dict[str, tuple[str, ...]] = {
    "370500-ZWZX": ("BM-X1",),
    "DY-NZ": ("BM-T1", "BM-T2"),
    "LJ-CZ": ("BM-T1",),
    "GR-DW": ("BM-T1", "BM-T2"),
    "DY-NZ-WY": ("BM-C1", "BM-C2", "BM-C3", "BM-C4"),
    "DY-NZ-DC": ("BM-C1", "BM-C2"),
    "LJ-CZ-CZ": ("BM-C1", "BM-C2", "BM-C3"),
    "GR-DW-BL": ("BM-C1", "BM-C2", "BM-C3", "BM-C4", "BM-X2"),
    "GR-DW-YZ": ("BM-C1",),
    "DY-NZ-WY-01": ("BM-V1", "BM-V2", "BM-V3", "BM-V4"),
    "DY-NZ-WY-02": ("BM-V1", "BM-V2"),
    "DY-NZ-DC-01": ("BM-V1", "BM-V2", "BM-V3", "BM-X1"),
    "LJ-CZ-CZ-01": ("BM-V1", "BM-V3"),
    "LJ-CZ-CZ-02": ("BM-V1", "BM-V2", "BM-V3", "BM-V4"),
    "LJ-BS-BS-01": ("BM-V2",),
    "GR-DW-BL-01": ("BM-V1", "BM-V2", "BM-V3", "BM-V4", "BM-G1"),
    "GR-DW-YZ-01": ("BM-V1", "BM-V2", "BM-V3"),
    "GR-DW-YZ-02": ("BM-V1", "BM-G1", "BM-X1"),
}
"""What each station offers (stations not named offer nothing: DY-NZ-DC-02, LJ-BS-BS and
LJ-BS, and the county centres)."""


def _entries(levels: dict[str, tuple[str, ...]]) -> list[GuidingEntry]:
    return [
        GuidingEntry(level=level, code=code) for level, codes in levels.items() for code in codes
    ]


_FIRST = {
    "village_station": ("BM-V1", "BM-V2", "BM-V3"),
    "community_centre": ("BM-C1", "BM-C2", "BM-C3", "BM-C4"),
    "township_centre": ("BM-T1", "BM-T2"),
}

VERSIONS = (
    GuidingCatalogVersion(
        region="370500",
        number=1,
        effective=dt.date(2015, 1, 1),
        entries=_entries(_FIRST),
        title="东营市便民服务事项指导性目录",
        decided_by="东营市人民政府办公室",
        decision_number="东政办发〔2015〕1号",
    ),
    GuidingCatalogVersion(
        region="370500",
        number=2,
        effective=dt.date(2015, 7, 1),
        entries=_entries(_FIRST | {"village_station": ("BM-V1", "BM-V2", "BM-V3", "BM-V4")}),
        title="东营市便民服务事项指导性目录（2015年调整）",
        decided_by="东营市人民政府办公室",
    ),
)

GUANGRAO_ADDITIONS = {"guiding_items": {"village_station": ["BM-G1"]}}


def items() -> list:
    """The items of the fixture, each a city item of its own code and name."""
    return [make_item(code=code, name=name) for code, name in ITEM_NAMES.items()]


def offering_stations() -> list:
    """The fixture's stations, each with the items it offers."""
    return [attrs.evolve(s, items=OFFERS.get(s.code, ())) for s in stations()]


def install(service: GovService, *, versions: bool = True) -> None:
    """Store the items, the stations with their offers, and the guiding catalog."""
    for item in items():
        service.store.add_item(item)
    for station in offering_stations():
        service.stations.add(station)
    if versions:
        for version in VERSIONS:
            service.stations.guiding.add(version)


@contextlib.contextmanager
def centre_on(
    backend: str,
    tmp_path: Any,
    *,
    region: str = "370523",
    stations: dict | None = None,
    plugins: list | None = None,
) -> Iterator[GovService]:
    """A centre on ``backend`` whose configuration is of ``region`` (广饶县 by default,
    with its addition G1), its clock on 2016-01-08 09:00."""
    with contextlib.ExitStack() as stack:
        if backend == "memory":
            settings: dict[str, str] = {}
        elif backend == "sqlite":
            settings = {"path": str(tmp_path / "govservice.db")}
        else:
            settings = _postgres_settings(stack)
        config = Config(
            name="广饶县政务服务中心",
            region=region,
            storage_backend=backend,
            storage_settings=settings,
            stations=GUANGRAO_ADDITIONS if stations is None else stations,
        )
        service = GovService(
            config,
            clock=FixedClock(dt.datetime(2016, 1, 8, 9, 0, tzinfo=SHANGHAI)),
            strict=True,
            environ={"GOVSERVICE_PLUGINS": "postgresql" if backend == "postgresql" else ""},
            plugins=plugins or [],
        )
        try:
            yield service
        finally:
            service.store.close()
