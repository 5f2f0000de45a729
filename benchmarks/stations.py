"""Benchmark: the coverage report (应进必进) of 10,000 stations against a 200-item guiding
catalog, against a plain SQL set-difference query over the same tables.

Run: ``python benchmarks/stations.py`` (``--quick`` for a smoke run, 1,000 stations). The
last line printed is one JSON object::

    {"stations": 10000, "items": 200, "coverage_s": ..., "raw_sql_s": ...,
     "coverage_vs_raw_sql": ...}

The store is a new SQLite file: ten counties of stations (county centres, township and
rural-community centres, village stations; 1 : 20 : 80 : 899 a county), each offering
what its level is asked less about one item in twenty, and now and then an item the
guiding catalog does not name. The guiding catalog of the city (one version) asks 200
items of township and county centres, the first 150 of community centres and the first
100 of village stations.

- ``coverage_s``: :meth:`govservice.stations.Stations.coverage` on a day, the whole report
  (every station's gaps and extras, named; rates by station, township and county).
  Best of three.
- ``raw_sql_s``: one plain SQL query over the same tables, the required pairs (stations ×
  the version's entries of their level) ``EXCEPT`` the offered pairs (``json_each`` of
  each station's items), every row fetched. Best of three.

The issue's target: ``coverage_s`` ≤ 2 × ``raw_sql_s``, in the same run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from govservice.clock import SHANGHAI, FixedClock
from govservice.config import Config
from govservice.model import GuidingCatalogVersion, GuidingEntry, Station
from govservice.samples import make_item
from govservice.service import GovService

CITY = "370500"
COUNTIES = ("370502", "370503", "370521", "370522", "370523")
ON = dt.date(2015, 12, 31)
ITEMS = 200
EXTRA_ITEMS = 20
ASKED = {
    "county_centre": ITEMS,
    "township_centre": ITEMS,
    "community_centre": 150,
    "village_station": 100,
}
RAW_SQL = """
SELECT s.code, e.code FROM stations AS s
JOIN guiding_entries AS e ON e.region = ? AND e.number = 1 AND e.level = s.level
EXCEPT
SELECT s.code, j.value FROM stations AS s, json_each(s.doc, '$.items') AS j
"""


def code(number: int) -> str:
    return f"BM-{number:04d}"


def stations(total: int, rng: random.Random) -> list[Station]:
    """``total`` stations over the counties, each after its parent, with their offers."""
    found: list[Station] = []
    per_county = total // len(COUNTIES)

    def offers(level: str) -> tuple[str, ...]:
        asked = [code(n) for n in range(ASKED[level]) if rng.random() >= 0.05]
        extra = [code(ITEMS + rng.randrange(EXTRA_ITEMS))] if rng.random() < 0.1 else []
        return tuple(dict.fromkeys(asked + extra))

    for county in COUNTIES:
        made = 0
        centre = f"{county}-ZWZX"
        found.append(
            Station(
                code=centre,
                name=f"{county}政务服务中心",
                level="county_centre",
                region=county,
                items=offers("county_centre"),
            )
        )
        made += 1
        township = community = None
        index = 0
        while made < per_county:
            index += 1
            if index % 50 == 1:
                township = f"{county}-T{index:05d}"
                level, parent = "township_centre", centre
                this = township
            elif index % 12 == 2:
                community = f"{county}-C{index:05d}"
                level, parent = "community_centre", township
                this = community
            else:
                level, parent = "village_station", community or township
                this = f"{county}-V{index:05d}"
            found.append(
                Station(
                    code=this,
                    name=f"站点{this}",
                    level=level,
                    parent_code=parent,
                    region=county,
                    items=offers(level),
                )
            )
            made += 1
    return found


def best_of(runs: int, call) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 stations")
    parser.add_argument("--stations", type=int, default=None)
    args = parser.parse_args(argv)
    total = args.stations or (1_000 if args.quick else 10_000)
    rng = random.Random(13)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "stations.db"
        config = Config(
            name="东营市政务服务中心",
            region=CITY,
            storage_backend="sqlite",
            storage_settings={"path": str(path)},
        )
        service = GovService(
            config,
            clock=FixedClock(dt.datetime(2016, 1, 8, 9, 0, tzinfo=SHANGHAI)),
            environ={"GOVSERVICE_PLUGINS": ""},
        )
        store = service.store
        made = stations(total, rng)
        with store.transaction():
            for number in range(ITEMS + EXTRA_ITEMS):
                store.add_item(make_item(code=code(number), name=f"便民服务事项{number:03d}"))
            for station in made:
                store.add(station)
        service.stations.guiding.add(
            GuidingCatalogVersion(
                region=CITY,
                number=1,
                effective=dt.date(2015, 1, 1),
                entries=[
                    GuidingEntry(level=level, code=code(n))
                    for level, asked in ASKED.items()
                    for n in range(asked)
                ],
                title="东营市便民服务事项指导性目录",
            )
        )
        report = service.stations.coverage(on=ON)
        coverage_s = best_of(3, lambda: service.stations.coverage(on=ON))
        store.close()

        connection = sqlite3.connect(path)
        rows = connection.execute(RAW_SQL, (CITY,)).fetchall()
        raw_sql_s = best_of(3, lambda: connection.execute(RAW_SQL, (CITY,)).fetchall())
        connection.close()
        if len(rows) != report.total.gaps:
            print(
                f"the report counts {report.total.gaps} gaps, the SQL query {len(rows)}",
                file=sys.stderr,
            )
            return 1
        print(
            f"{len(made)} stations, {report.total.gaps} gaps, {report.total.extras} extras, "
            f"rate {report.total.rate}",
            file=sys.stderr,
        )
    print(
        json.dumps(
            {
                "stations": len(made),
                "items": ITEMS,
                "coverage_s": round(coverage_s, 4),
                "raw_sql_s": round(raw_sql_s, 4),
                "coverage_vs_raw_sql": round(coverage_s / raw_sql_s, 3),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
