"""Benchmark: the versioned catalog at 10,000 items: import, diff, the guide book.

Run: ``python benchmarks/catalog.py`` (``--quick`` for a smoke run, 1,000 items). The last
line printed is one JSON object::

    {"items": 10000, "diff_ms": ..., "guide_book_s": ..., "raw_jinja_s": ...,
     "import_per_s": ...}

- ``import_per_s``: items a second through ``govservice catalog import``'s path: a whole
  catalog file (JSON, every item checked against the item schema) read and imported into
  a new SQLite store as its first version (the items, the version's entries and its link
  on the trail, in one transaction). Best of three, each into a new store.
- ``diff_ms``: :meth:`govservice.catalog.Catalog.diff` of two 10,000-item versions, the
  second made by an adjustment that cancels, takes over, changes and moves items (one in
  ten of them in all), field by field; both versions read beforehand. Median of 5.
  The issue's target: ≤ 1 s.
- ``guide_book_s`` / ``raw_jinja_s``: :func:`benchmarks.catalog_guides.measure` on the same
  items (the guide book of 400 through govservice, and raw Jinja2 over the same templates
  and dicts, in the same run); null when that module is not there, and said so.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from govservice.catalog.exchange import export_text, read_catalog
from govservice.catalog.versions import CatalogVersion
from govservice.clock import SHANGHAI, FixedClock
from govservice.config import Config
from govservice.model import Fee, Item
from govservice.model.catalog import Adjustment, Change
from govservice.samples import make_item
from govservice.service import GovService

CITY = "370500"
DEPARTMENTS = (
    "东营市发展和改革委员会",
    "东营市住房和城乡建设管理局",
    "东营市国土资源局",
    "东营市环境保护局",
    "东营市交通运输局",
    "东营市卫生和计划生育委员会",
    "东营市公安局",
    "东营市人力资源和社会保障局",
    "东营市民政局",
    "东营市市场监督管理局",
)
VERBS = ("核发", "审批", "登记", "备案", "核准", "认定", "确认", "审核")
SUBJECTS = ("建设工程", "道路运输", "食品经营", "排污", "医疗机构", "社会团体", "取水", "采矿")


def catalog_items(count: int) -> list[Item]:
    """``count`` items of the city, of ten departments, with a fee each."""
    return [
        make_item(
            code=f"11370500004275432Y-XK-{number:05d}",
            name=f"{SUBJECTS[number % 8]}{VERBS[number // 8 % 8]}（第{number}项）",
            department=DEPARTMENTS[number % len(DEPARTMENTS)],
            fees=(Fee(name="证照工本费", amount=Decimal(number % 50 + 5)),),
        )
        for number in range(1, count + 1)
    ]


def _service(folder: Path, name: str) -> GovService:
    config = Config(
        name="东营市政务服务中心",
        region=CITY,
        storage_backend="sqlite",
        storage_settings={"path": str(folder / name)},
    )
    clock = FixedClock(dt.datetime(2015, 1, 5, 9, tzinfo=SHANGHAI))
    return GovService(config, clock=clock, environ={"GOVSERVICE_PLUGINS": ""})


def time_import(folder: Path, items: list[Item], rounds: int = 3) -> tuple[float, GovService]:
    """Items a second of a whole catalog file imported into a new store (best of
    ``rounds``); the last store, for the diff."""
    version = CatalogVersion(
        CITY,
        1,
        dt.date(2015, 1, 1),
        None,
        {i.code: i for i in items},
        {"decided_by": "东营市人民政府"},
    )
    path = folder / "catalog.json"
    path.write_text(export_text(version, "json"), encoding="utf-8")
    best = float("inf")
    service = None
    for round_ in range(rounds):
        if service is not None:
            service.store.close()
        service = _service(folder, f"import-{round_}.db")
        service.store.count("item")  # opened and migrated before the clock starts
        started = time.perf_counter()
        service.catalog.import_file(read_catalog(path))
        best = min(best, time.perf_counter() - started)
    assert service is not None
    return len(items) / best, service


def second_version(items: list[Item]) -> Adjustment:
    """An adjustment touching one item in ten: cancel, take over, change a fee, move."""
    count = len(items)
    tenth = max(4, count // 10)
    quarter = tenth // 4
    changes = [Change(action="cancel", item_code=item.code) for item in items[:quarter]]
    changes += [
        Change(
            action="change",
            item_code=item.code,
            fields={"fees": [{"name": "证照工本费", "amount": "1.00"}]},
        )
        for item in items[quarter : 2 * quarter]
    ]
    changes += [
        Change(action="move", item_code=item.code, department="东营市行政审批服务局")
        for item in items[2 * quarter : 3 * quarter]
    ]
    taken = [
        make_item(code=f"11370500004275432Y-QT-{n:05d}", name=f"省级下放事项（第{n}项）")
        for n in range(1, quarter + 1)
    ]
    changes += [Change(action="take_over", item_code=item.code, item=item) for item in taken]
    return Adjustment(
        id="bench-02",
        region=CITY,
        effective=dt.date(2015, 7, 1),
        decided_by="东营市人民政府",
        changes=tuple(changes),
    )


def time_diff(service: GovService, items: list[Item], rounds: int = 5) -> float:
    """Milliseconds of the diff of the two versions (median of ``rounds``)."""
    service.catalog.adjust(second_version(items))
    old, new = service.catalog.version(CITY, 1), service.catalog.version(CITY, 2)
    taken = []
    for _ in range(rounds):
        started = time.perf_counter()
        found = service.catalog.diff(old, new)
        taken.append(time.perf_counter() - started)
    expected = max(4, len(items) // 10) // 4
    summary = found.summary()
    assert summary["cancelled"] == summary["changed"] == summary["moved"] == expected, summary
    assert summary["taken_over"] == expected, summary
    return statistics.median(taken) * 1000


def guide_figures(items: list[Item]) -> dict[str, float | None]:
    try:
        from benchmarks.catalog_guides import measure
    except ImportError as error:
        print(f"guide book: not measured ({error})", file=sys.stderr)
        return {"guide_book_s": None, "raw_jinja_s": None}
    measured = measure(items)
    return {"guide_book_s": measured["guide_book_s"], "raw_jinja_s": measured["raw_jinja_s"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 items (a smoke run)")
    args = parser.parse_args(argv)
    count = 1_000 if args.quick else 10_000
    items = catalog_items(count)
    with tempfile.TemporaryDirectory() as folder:
        import_per_s, service = time_import(Path(folder), items, rounds=1 if args.quick else 3)
        try:
            diff_ms = time_diff(service, items, rounds=3 if args.quick else 5)
        finally:
            service.store.close()
    print(f"import: {import_per_s:,.0f} items/s; diff of two versions: {diff_ms:.1f} ms")
    figures = {
        "items": count,
        "diff_ms": round(diff_ms, 1),
        **guide_figures(items),
        "import_per_s": round(import_per_s),
    }
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
