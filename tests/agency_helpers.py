"""What the tests of engagements and of the agencies' assessment share: a centre on a
real store with a clock the test moves, a listed service, agencies and selections."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from stdnum.cn import uscc

from govservice import GovService
from govservice.clock import SHANGHAI, FixedClock
from govservice.config import Config
from govservice.model import (
    Intermediary,
    IntermediaryService,
    ListStatusChange,
    Qualification,
    Selection,
    ServiceFee,
    ServiceOffer,
    StatusChange,
)
from govservice.store.chained import changes

SERVICE = "ZJ-370500-001"
NAMES = ("华信", "鲁东", "黄河口", "胜利", "广饶", "利津", "垦利", "河口")


def credit_code(n: int) -> str:
    """A valid unified social credit code of a Dongying agency, the ``n``-th."""
    body = f"91370500MA3C{n:04d}X"
    return body + uscc.calc_check_digit(body)


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


@contextlib.contextmanager
def centre(
    tmp_path: Any,
    *,
    today: dt.date,
    backend: str = "sqlite",
    intermediaries: dict | None = None,
    plugins: list | None = None,
) -> Iterator[GovService]:
    """The Dongying city centre on a SQLite file (or the memory store), its clock at 09:00
    of ``today`` (move it with ``move(service, day)``)."""
    settings = {"path": str(tmp_path / "centre.db")} if backend == "sqlite" else {}
    config = Config(
        name="东营市政务服务中心",
        region="370500",
        storage_backend=backend,
        storage_settings=settings,
        intermediaries=intermediaries or {},
    )
    service = GovService(config, clock=FixedClock(at(today)), strict=True, plugins=plugins or [])
    try:
        yield service
    finally:
        service.store.close()


def move(service: GovService, day: dt.date) -> None:
    """Set the centre's clock to 09:00 of ``day``."""
    service.clock.moment = at(day)


def listed_service(**changes: Any) -> IntermediaryService:
    """防雷装置检测, a range of 2000 to 5000 yuan, listed since 2015-01-01."""
    fields: dict[str, Any] = {
        "code": SERVICE,
        "name": "防雷装置检测",
        "department": "东营市气象局",
        "region": "370500",
        "basis": "《气象灾害防御条例》第二十三条",
        "fee": ServiceFee(regime="range", amount=Decimal(2000), amount_to=Decimal(5000)),
        "history": (ListStatusChange(status="retained", on=dt.date(2015, 1, 1)),),
    }
    return IntermediaryService(**{**fields, **changes})


def agency(n: int, **changes: Any) -> Intermediary:
    """The ``n``-th agency: offers 防雷装置检测 at 3000 to 4500 yuan, qualified to 2017,
    registered (and active) from 2015-01-05."""
    fields: dict[str, Any] = {
        "credit_code": credit_code(n),
        "name": f"东营{NAMES[n % len(NAMES)]}防雷检测有限公司",
        "region": "370500",
        "presence": "physical" if n % 2 else "virtual",
        "qualifications": (
            Qualification(
                name="防雷装置检测资质",
                level="乙级",
                expires_on=dt.date(2017, 12, 31),
                services=(SERVICE,),
            ),
        ),
        "services": (
            ServiceOffer(
                name="防雷装置检测",
                service_code=SERVICE,
                fee_from=Decimal(3000),
                fee_to=Decimal(4500),
            ),
        ),
        "registered_on": dt.date(2015, 1, 5),
        "history": (StatusChange(status="active", on=dt.date(2015, 1, 5), reason="登记进驻"),),
    }
    return Intermediary(**{**fields, **changes})


def stored_selection(service: GovService, number: int, result: str, on: dt.date) -> Selection:
    """Store the selection of need ``XQ-<year>-<number>`` that chose ``result`` on ``on``
    (as the draw stores it: the engagements start from a stored selection)."""
    selection = Selection(
        id=f"XQ-{on.year}-{number:04d}-1",
        need_id=f"XQ-{on.year}-{number:04d}",
        service_code=SERVICE,
        region="370500",
        strategy="random-draw",
        on=on,
        at=at(on),
        candidates=(result,),
        candidates_sha256="0" * 64,
        algorithm="sha256-counter",
        result=result,
    )
    service.store.add(selection)
    return selection


def trail_changes(service: GovService, subject: str) -> list[dict[str, Any]]:
    """The ``change`` of each link of the trail of ``subject`` (``kind/key``), oldest first."""
    kind, _, key = subject.partition("/")
    return [link.change for link in changes(service.store, kind, key)]
