"""What the tests of needs, selections and the draw share: a centre on the memory store
or a SQLite file, a listed service, agencies in every state eligibility tells apart."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from govservice import GovService
from govservice.clock import SHANGHAI, FixedClock
from govservice.config import Config
from govservice.model import (
    BlacklistEntry,
    Identifier,
    Intermediary,
    IntermediaryService,
    ListingSource,
    ListStatusChange,
    Party,
    Qualification,
    Revocation,
    ServiceFee,
    ServiceOffer,
    StatusChange,
    Witness,
)
from govservice.samples import credit_code

SERVICE = "ZJ-370500-002"
OTHER = "ZJ-370500-003"
DAY = dt.date(2015, 9, 1)
WITNESSES = (
    Witness(name="项目业主", contribution="40721"),
    Witness(name="市中介超市监督员", contribution="19356"),
)

TROUBLES = (
    None,
    "expired",  # its qualification for the service expired before the day
    "unqualified",  # its qualification names another service only
    "suspended",  # suspended over the day
    "suspension-over",  # suspended until before the day: active again (eligible)
    "withdrawn",
    "late",  # registered after the day
    "blacklisted",
    "blacklist-revoked",  # listed, the listing revoked before the day (eligible)
    "blacklist-expired",  # listed until before the day (eligible)
)
ELIGIBLE = frozenset({None, "suspension-over", "blacklist-revoked", "blacklist-expired"})


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


@contextlib.contextmanager
def centre(
    tmp_path: Any = None, *, backend: str = "memory", today: dt.date = DAY
) -> Iterator[GovService]:
    """The Dongying city centre, its clock at 09:00 of ``today``."""
    with contextlib.ExitStack() as stack:
        settings: dict[str, str] = {}
        if backend == "sqlite":
            settings = {"path": str(tmp_path / "centre.db")}
        elif backend == "postgresql":  # a fresh schema of the server .ci/with-postgres gives
            import govservice_postgres.testing as testing

            dsn = testing.postgres_dsn_or_skip()
            settings = {"conninfo": dsn, "schema": stack.enter_context(testing.fresh_schema(dsn))}
        config = Config(
            name="东营市政务服务中心",
            region="370500",
            storage_backend=backend,
            storage_settings=settings,
        )
        allow = "postgresql" if backend == "postgresql" else ""
        service = GovService(
            config, clock=FixedClock(at(today)), strict=True, environ={"GOVSERVICE_PLUGINS": allow}
        )
        try:
            yield service
        finally:
            service.store.close()


def listed_service(code: str = SERVICE, **changes: Any) -> IntermediaryService:
    """防雷装置检测, a range of 2800 to 30000 yuan, retained since 2015-03-01."""
    fields: dict[str, Any] = {
        "code": code,
        "name": "防雷装置检测",
        "department": "东营市气象局",
        "region": "370500",
        "basis": "《中华人民共和国气象法》第三十一条",
        "fee": ServiceFee(regime="range", amount=Decimal(2800), amount_to=Decimal(30000)),
        "history": (ListStatusChange(status="retained", on=dt.date(2015, 3, 1)),),
    }
    return IntermediaryService(**{**fields, **changes})


def agency(number: int, trouble: str | None = None, *, fee: int | None = None) -> Intermediary:
    """The ``number``-th agency offering SERVICE (at ``fee`` yuan, or 3000 + 100 ×
    number), in the state ``trouble`` names on DAY (see TROUBLES)."""
    registered = dt.date(2015, 10, 8) if trouble == "late" else dt.date(2015, 3, 5)
    history = [StatusChange(status="active", on=registered, reason="登记进驻")]
    if trouble in ("suspended", "suspension-over"):
        until = dt.date(2015, 12, 31) if trouble == "suspended" else dt.date(2015, 8, 31)
        history.append(
            StatusChange(
                status="suspended", on=dt.date(2015, 4, 1), until=until, reason="考核不合格"
            )
        )
    if trouble == "withdrawn":
        history.append(StatusChange(status="withdrawn", on=dt.date(2015, 6, 1), reason="退出"))
    expires = dt.date(2015, 8, 31) if trouble == "expired" else dt.date(2017, 12, 31)
    covers = (OTHER,) if trouble == "unqualified" else (SERVICE,)
    amount = Decimal(fee if fee is not None else 3000 + 100 * number)
    return Intermediary(
        credit_code=credit_code(number),
        name=f"东营市第{number}防雷检测有限公司",
        region="370500",
        presence="physical" if number % 2 else "virtual",
        qualifications=(
            Qualification(
                name="防雷装置检测资质", level="乙级", expires_on=expires, services=covers
            ),
        ),
        services=(ServiceOffer(name="防雷装置检测", service_code=SERVICE, fee_from=amount),),
        registered_on=registered,
        history=tuple(history),
    )


def listing(number: int, trouble: str | None) -> BlacklistEntry | None:
    """The blacklist entry of the ``number``-th agency that ``trouble`` asks for, if any."""
    if trouble not in ("blacklisted", "blacklist-revoked", "blacklist-expired"):
        return None
    return BlacklistEntry(
        id=f"BL-2015-{number:04d}",
        subject=Party(
            kind="enterprise",
            name=f"东营市第{number}防雷检测有限公司",
            identifier=Identifier(kind="uscc", number=credit_code(number)),
        ),
        reason="出具虚假检测报告",
        authority="东营市公共资源交易监督管理办公室",
        source=ListingSource(kind="own", region="370500"),
        listed_on=dt.date(2015, 3, 1),
        penalty_from=dt.date(2015, 3, 1),
        penalty_until=dt.date(2015, 8, 1) if trouble == "blacklist-expired" else None,
        revocation=Revocation(on=dt.date(2015, 7, 1), reason="信用修复")
        if trouble == "blacklist-revoked"
        else None,
    )


def stock(service: GovService, troubles: list[str | None]) -> dict[str, str | None]:
    """Store the listed service and one agency per entry of ``troubles`` (with its
    blacklist entry); returns credit code -> trouble."""
    store = service.store
    store.add(listed_service())
    found = {}
    for number, trouble in enumerate(troubles):
        store.add(agency(number, trouble))
        entry = listing(number, trouble)
        if entry is not None:
            store.add(entry)
        found[credit_code(number)] = trouble
    return found


def committed_need(service: GovService, witnesses=WITNESSES, **changes: Any):
    """A need for SERVICE posted today, its commitment published."""
    selections = service.intermediaries.selections
    fields = {
        "service_code": SERVICE,
        "owner": "东营市黄河建设有限公司",
        "deadline": dt.date(2015, 12, 31),
    }
    need = selections.post_need(**{**fields, **changes})
    return selections.commit(need.id, witnesses)
