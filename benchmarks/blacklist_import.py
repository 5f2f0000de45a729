"""Benchmark: importing a partner city's signed exchange file of 100,000 blacklist entries
into SQLite, against plain ``executemany`` of the same rows in the same run.

Run: ``python benchmarks/blacklist_import.py`` (``--quick``: 10,000 entries; ``--runs``:
how many imports, 3 by default). The last line printed is one JSON object::

    {"entries": 100000, "file_mib": ..., "runs": 3, "import_s": ..., "import_per_s": ...,
     "import_per_s_by_run": [...], "import_per_s_median": ..., "raw_sqlite_per_s": ...,
     "raw_sqlite_per_s_by_run": [...], "import_vs_raw": ..., "import_per_cpu_s": ...,
     "raw_sqlite_per_cpu_s": ...}

- The file: Dezhou's (371400) full list, 100,000 enterprises (a valid credit code each,
  periods of two years, one in ten revoked), signed with an Ed25519 key the benchmark
  makes, written in canonical form as :meth:`~govservice.blacklists.exchange.Exchange.export`
  writes it (made before the clock starts).
- ``import_per_s``: :meth:`~govservice.blacklists.exchange.Exchange.import_file` into a new
  SQLite store: the file read, its signature verified, the header and every entry checked
  against the schemas (check digits, dates, cross-field checks), the sequence checked, each
  entry stored as received (its id derived, its provenance) with its link of the trail, in
  one transaction. The best of ``--runs`` imports, each into a new database (as
  ``catalog.py`` takes the best of its rounds: on a shared machine a slower run is one
  that other work slowed, and the fastest is the nearest to what the code costs);
  ``import_per_s_by_run`` gives every run and ``import_per_s_median`` their median.
- ``import_per_cpu_s`` and ``raw_sqlite_per_cpu_s``: the same per second of the process's
  CPU time (``time.process_time``) in the best run, which a machine shared with other work
  slows less than the time on the wall (shown, no bound).
- ``raw_sqlite_per_s``: the baseline, plain :mod:`sqlite3` ``executemany`` of the very rows
  the import stored (columns, version, JSON text) into a table of the same definition and
  indexes in a new file, one transaction: what writing them costs with nothing checked,
  nothing signed and no trail; the best of as many runs, taken between the imports.

The issue's target: ``import_per_s`` ≥ 20,000; ``import_vs_raw`` is shown for comparison.
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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from govservice.blacklists.exchange import make_file
from govservice.blacklists.signing import Ed25519Scheme
from govservice.clock import SHANGHAI, FixedClock
from govservice.config import Config
from govservice.samples import credit_code
from govservice.service import GovService
from govservice.store.columns import TABLES

DEZHOU = "371400"


def entries(count: int) -> list[tuple[str, dict]]:
    """Dezhou's own list of ``count`` enterprises, one in ten revoked."""
    made = []
    for number in range(count):
        year = 2013 + number % 3
        entry = {
            "id": f"DZ-{year}-{number:06d}",
            "subject": {
                "kind": "enterprise",
                "name": f"德州市第{number}建筑工程有限公司",
                "identifier": {"kind": "uscc", "number": credit_code(number, DEZHOU)},
            },
            "reason": "在招标投标活动中串通投标",
            "authority": "德州市公共资源交易监督管理办公室",
            "source": {"kind": "own", "region": DEZHOU, "record_id": f"DZ-{year}-{number:06d}"},
            "listed_on": f"{year}-03-01",
            "penalty_from": f"{year}-03-01",
            "penalty_until": f"{year + 2}-02-28",
        }
        op = "add"
        if number % 10 == 9:
            entry["revocation"] = {"on": f"{year + 1}-03-01", "reason": "信用修复"}
            op = "revoke"
        made.append((op, entry))
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10,000 entries")
    parser.add_argument("--entries", type=int, help="how many (default 100,000)")
    parser.add_argument("--runs", type=int, default=3, help="imports made (default 3)")
    options = parser.parse_args()
    count = options.entries or (10_000 if options.quick else 100_000)
    scheme = Ed25519Scheme()
    key = Ed25519PrivateKey.generate()
    partner = {
        "region": DEZHOU,
        "name": "德州市",
        "keys": [
            {
                "id": scheme.key_id(key),
                "public_key": scheme.public_text(key),
                "valid_from": "2013-01-01",
            }
        ],
    }
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "dezhou-0001.json"
        file.write_bytes(
            make_file(
                region=DEZHOU,
                sequence=1,
                entries=entries(count),
                exported_at=dt.datetime(2015, 6, 1, 9, 0, tzinfo=SHANGHAI),
                key_id=scheme.key_id(key),
                scheme=scheme,
                private_key=key,
                issuer="德州市公共资源交易中心",
            )
        )
        imports, raws = [], []
        for _ in range(max(1, options.runs)):
            stored, raw = Path(folder) / "centre.db", Path(folder) / "raw.db"
            imports.append(time_import(stored, file, partner, count))
            raws.append(time_raw(stored, raw))
            for path in Path(folder).glob("*.db*"):  # the next run starts as this one did
                path.unlink()
        import_s, import_cpu_s = min(imports)
        raw_s, raw_cpu_s = min(raws)
        figures = {
            "entries": count,
            "file_mib": round(file.stat().st_size / 2**20, 1),
            "runs": len(imports),
            "import_s": round(import_s, 3),
            "import_per_s": round(count / import_s),
            "import_per_s_by_run": [round(count / seconds) for seconds, _ in imports],
            "import_per_s_median": round(count / statistics.median(s for s, _ in imports)),
            "raw_sqlite_per_s": round(count / raw_s),
            "raw_sqlite_per_s_by_run": [round(count / seconds) for seconds, _ in raws],
            "import_vs_raw": round(raw_s / import_s, 3),
            "import_per_cpu_s": round(count / import_cpu_s),
            "raw_sqlite_per_cpu_s": round(count / raw_cpu_s),
        }
    print(json.dumps(figures))


def time_import(path: Path, file: Path, partner: dict, count: int) -> tuple[float, float]:
    """Seconds on the wall and of CPU to import ``file`` into a new database at ``path``."""
    config = Config(
        name="东营市政务服务中心",
        region="370500",
        storage_backend="sqlite",
        storage_settings={"path": str(path)},
        blacklists={"partners": [partner]},
    )
    service = GovService(
        config,
        clock=FixedClock(dt.datetime(2015, 6, 2, 9, 0, tzinfo=SHANGHAI)),
        environ={"GOVSERVICE_PLUGINS": ""},
    )
    service.store  # noqa: B018 (the database made before the clock starts)
    started, cpu = time.perf_counter(), time.process_time()
    result = service.blacklists.exchange.import_file(file, partner=DEZHOU)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    assert result.added == count, result
    service.store.close()
    return seconds, cpu_seconds


def time_raw(stored: Path, path: Path) -> tuple[float, float]:
    """Seconds on the wall and of CPU to write the rows of the entries stored in the
    database ``stored`` with plain ``executemany`` into a new one at ``path``, its table
    and indexes defined the same."""
    db = sqlite3.connect(stored)
    names = [*TABLES["blacklist-entry"][2].split(", "), "version", "doc"]
    rows = db.execute(f"SELECT {', '.join(names)} FROM blacklist_entries ORDER BY id").fetchall()
    ddl = [
        sql
        for (sql,) in db.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name = 'blacklist_entries' "
            "AND sql IS NOT NULL ORDER BY type DESC"
        )
    ]
    db.close()
    raw = sqlite3.connect(path)
    for sql in ddl:
        raw.execute(sql)
    raw.commit()
    started, cpu = time.perf_counter(), time.process_time()
    with raw:
        raw.executemany(
            f"INSERT INTO blacklist_entries ({', '.join(names)}) "
            f"VALUES ({', '.join('?' * len(names))})",
            rows,
        )
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    raw.close()
    return seconds, cpu_seconds


if __name__ == "__main__":
    main()
