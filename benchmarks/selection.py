"""Benchmark: selecting an agency for a need among 300 candidates of 10,000 agencies
(eligibility, blacklist screening and the SHA-256 draw), and re-running the draw from its
record, against a plain SQL read of the same agencies' documents.

Run: ``python benchmarks/selection.py`` (``--quick`` for a smoke run: 1,000 agencies, 100
candidates). The last line printed is one JSON object::

    {"agencies": 10000, "candidates": 300, "select_ms_median": ..., "verify_ms_median": ...,
     "raw_read_ms_median": ..., "select_vs_raw_read": ..., "stored_select_ms_median": ...,
     "best_score_ms_median": ...}

The store is a new SQLite file: 10,000 agencies of the Dongying supermarket, each offering
one or two of 40 listed services with a qualification for them; the service of the need
is offered by 330 of them, 30 of which are not eligible on the day (6 with an expired
qualification, 6 suspended, 6 withdrawn, 6 registered later, 6 blacklisted), so 300 are
candidates; 2,000 blacklist entries of other enterprises are stored beside.

- ``select_ms_median``: :meth:`govservice.intermediaries.selection.Selections.draft`, a
  random draw for a committed need: the need read, the offering agencies read (through
  the store's side table of offers), eligibility judged, the candidates screened against
  the stored blacklist entries, the seed made and the draw drawn, the record built and
  re-run once (what :meth:`~Selections.select` does but for storing it). Median of 200.
- ``verify_ms_median``: :func:`govservice.intermediaries.draw.verify` of that record (300
  candidates). Median of 200.
- ``raw_read_ms_median``: the baseline, one plain SQL query of the same 330 agencies'
  documents through the same side table, every document decoded with ``json.loads``.
  Median of 200.
- ``stored_select_ms_median``: :meth:`~Selections.select`, the record stored too (one
  chained write, its own transaction, on the file). Median of 50; shown, no bound.
- ``best_score_ms_median``: the draft by ``best-score``, each candidate's latest quarter
  read (every agency has two graded quarters of 2015). Median of 50; shown, no bound.

The issue's targets: ``select_ms_median`` ≤ 5 and ``verify_ms_median`` ≤ 5;
``select_vs_raw_read`` is shown for comparison.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from govservice.clock import SHANGHAI, FixedClock
from govservice.config import Config
from govservice.intermediaries import draw
from govservice.model import (
    AgencyQuarter,
    BlacklistEntry,
    Identifier,
    Intermediary,
    IntermediaryService,
    ListingSource,
    ListStatusChange,
    Party,
    Qualification,
    ServiceFee,
    ServiceOffer,
    StatusChange,
    Witness,
)
from govservice.samples import credit_code
from govservice.service import GovService

CITY = "370500"
ON = dt.date(2015, 9, 1)
SERVICES = 40
WANTED = "ZJ-370500-001"
WITNESSES = (
    Witness(name="项目业主", contribution="40721"),
    Witness(name="市中介超市监督员", contribution="19356"),
)
RAW_SQL = (
    "SELECT i.doc FROM intermediary_offers o JOIN intermediaries i "
    "ON i.credit_code = o.credit_code WHERE o.service_code = ? ORDER BY o.credit_code"
)


def service_code(number: int) -> str:
    return f"ZJ-370500-{number + 1:03d}"


def listed(number: int) -> IntermediaryService:
    return IntermediaryService(
        code=service_code(number),
        name=f"中介服务事项{number + 1:03d}",
        department="东营市住房和城乡建设管理局",
        region=CITY,
        basis="《建设工程质量管理条例》",
        fee=ServiceFee(regime="range", amount=Decimal(1000), amount_to=Decimal(9000)),
        history=(ListStatusChange(status="retained", on=dt.date(2015, 1, 1)),),
    )


def agency(number: int, codes: tuple[str, ...], trouble: str | None) -> Intermediary:
    """The ``number``-th agency offering ``codes``; ``trouble`` makes it ineligible on ON."""
    registered = dt.date(2015, 10, 1) if trouble == "late" else dt.date(2015, 1, 5)
    history = [StatusChange(status="active", on=registered, reason="登记进驻")]
    if trouble == "suspended":
        history.append(
            StatusChange(
                status="suspended",
                on=dt.date(2015, 7, 1),
                until=dt.date(2015, 12, 31),
                reason="连续两个季度考核不合格",
            )
        )
    if trouble == "withdrawn":
        history.append(StatusChange(status="withdrawn", on=dt.date(2015, 6, 1), reason="退出"))
    expires = dt.date(2015, 6, 30) if trouble == "expired" else dt.date(2017, 12, 31)
    return Intermediary(
        credit_code=credit_code(number),
        name=f"东营市第{number}号中介服务有限公司",
        region=CITY,
        presence="physical" if number % 16 == 0 else "virtual",
        qualifications=(
            Qualification(name="乙级资质", level="乙级", expires_on=expires, services=codes),
        ),
        services=tuple(
            ServiceOffer(
                name=f"服务{code}",
                service_code=code,
                fee_from=Decimal(2000 + number % 50 * 100),
                fee_to=Decimal(8000),
            )
            for code in codes
        ),
        registered_on=registered,
        history=tuple(history),
    )


def listing(number: int, subject: str) -> BlacklistEntry:
    return BlacklistEntry(
        id=f"BL-2015-{number:05d}",
        subject=Party(
            kind="enterprise",
            name="东营市某工程咨询有限公司",
            identifier=Identifier(kind="uscc", number=subject),
        ),
        reason="出具虚假报告",
        authority="东营市公共资源交易监督管理办公室",
        source=ListingSource(kind="own", region=CITY),
        listed_on=dt.date(2015, 3, 1),
        penalty_from=dt.date(2015, 3, 1),
        penalty_until=dt.date(2017, 2, 28),
    )


def graded(number: int, quarter: int) -> AgencyQuarter:
    """The ``number``-th agency's grade of 2015's ``quarter``."""
    return AgencyQuarter(
        credit_code=credit_code(number),
        region=CITY,
        year=2015,
        quarter=quarter,
        score=Decimal(60 + number % 40),
        grade="pass",
    )


def median_ms(runs: int, call) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 agencies, 100 candidates")
    args = parser.parse_args(argv)
    total, candidates = (1_000, 100) if args.quick else (10_000, 300)
    troubles = ("expired", "suspended", "withdrawn", "late", "blacklisted")
    excluded = 6 * len(troubles)
    offering = candidates + excluded
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "supermarket.db"
        config = Config(
            name="东营市政务服务中心",
            region=CITY,
            storage_backend="sqlite",
            storage_settings={"path": str(path)},
        )
        service = GovService(
            config,
            clock=FixedClock(dt.datetime(2015, 9, 1, 9, 0, tzinfo=SHANGHAI)),
            environ={"GOVSERVICE_PLUGINS": ""},
        )
        store = service.store
        step = total // offering
        wanted_by = {
            n * step: troubles[n % len(troubles)] if n < excluded else None
            for n in range(offering)
        }
        blacklisted = []
        with store.transaction():
            for number in range(SERVICES):
                store.add(listed(number))
            for number in range(total):
                other = service_code(1 + number % (SERVICES - 1))
                if number in wanted_by:
                    trouble = wanted_by[number]
                    codes = (WANTED, other) if number % 3 else (WANTED,)
                    if trouble == "blacklisted":
                        blacklisted.append(credit_code(number))
                else:
                    trouble, codes = None, (other,)
                store.add(agency(number, codes, trouble))
            for number, subject in enumerate(blacklisted):
                store.add(listing(number, subject))
            for number in range(2_000):
                store.add(listing(len(blacklisted) + number, credit_code(total + number)))
            for number in range(total):
                for quarter in (1, 2):
                    store.add(graded(number, quarter))
        selections = service.intermediaries.selections
        need = selections.post_need(
            service_code=WANTED, owner="东营市黄河建设有限公司", deadline=dt.date(2015, 12, 31)
        )
        selections.commit(need.id, WITNESSES)

        record = selections.draft(need.id, witnesses=WITNESSES)
        if len(record.candidates) != candidates or len(record.excluded) != excluded:
            print(
                f"{len(record.candidates)} candidates and {len(record.excluded)} excluded, "
                f"not {candidates} and {excluded}",
                file=sys.stderr,
            )
            return 1
        if not draw.verify(record).ok:
            print("the draft does not verify", file=sys.stderr)
            return 1
        select_ms = median_ms(200, lambda: selections.draft(need.id, witnesses=WITNESSES))
        verify_ms = median_ms(200, lambda: draw.verify(record))
        best_ms = median_ms(
            50, lambda: selections.draft(need.id, strategy="best-score", witnesses=WITNESSES)
        )
        stored_ms = median_ms(50, lambda: selections.select(need.id, witnesses=WITNESSES))
        store.close()

        connection = sqlite3.connect(path)
        rows = connection.execute(RAW_SQL, (WANTED,)).fetchall()
        raw_ms = median_ms(
            200,
            lambda: [json.loads(doc) for (doc,) in connection.execute(RAW_SQL, (WANTED,))],
        )
        connection.close()
        if len(rows) != offering:
            print(f"the SQL query reads {len(rows)} agencies, not {offering}", file=sys.stderr)
            return 1
        print(
            f"{total} agencies, {offering} offering {WANTED}, {candidates} candidates; "
            f"drawn {record.result}",
            file=sys.stderr,
        )
    print(
        json.dumps(
            {
                "agencies": total,
                "candidates": candidates,
                "select_ms_median": round(select_ms, 3),
                "verify_ms_median": round(verify_ms, 3),
                "raw_read_ms_median": round(raw_ms, 3),
                "select_vs_raw_read": round(select_ms / raw_ms, 3),
                "stored_select_ms_median": round(stored_ms, 3),
                "best_score_ms_median": round(best_ms, 3),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
