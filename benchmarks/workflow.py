"""Benchmark: cases through the whole workflow on SQLite, with both county plugins loaded.

Run: ``python benchmarks/workflow.py`` (``--cases N``; ``--quick`` for a smoke run). The
plugins ``plugins/govservice-guangrao`` and ``plugins/govservice-lijin`` must be installed.
The last line printed is one JSON object:

    {"cases": 100000, "cases_per_s": ..., "raw_sqlite_rows_per_s": ..., ...}

- ``cases_per_s``: cases taken through apply -> accept -> review -> decide -> complete by
  :class:`govservice.workflow.Workflow` on a new SQLite store, in batches of 200 cases a
  transaction (:meth:`Workflow.batch`: each case is written once, in its final state, when
  the batch ends; every event of every action is chained). A third of the cases are Dongying city cases,
  a third Lijin river-works cases (the plugin's permit rule runs at application and
  acceptance), a third Guangrao construction cases (the plugin adds a material and
  waives fees for the elderly). Every action checks the role, asks the local rules,
  computes deadlines on the region's calendar, appends the event and chains it into the
  tamper-evident trail; the trail is verified at the end.
- ``raw_sqlite_rows_per_s``: plain ``sqlite3`` ``executemany`` of the same number of
  event rows (5 a case: the case id, the event's JSON text of the same size as ours, a
  hash) into a plain table of the same kind of file, 1,000 rows a transaction.
- ``unbatched_cases_per_s``: for comparison, 2,000 cases with one transaction and one
  write per action (as separate requests at the window are taken).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sqlite3
import tempfile
import time
from pathlib import Path

import attrs

from govservice import GovService
from govservice.audit import verify_store
from govservice.clock import SHANGHAI, FixedClock
from govservice.config import Config, PluginConfig
from govservice.model import Case, Item, Material, SubmittedMaterial, TimeLimit
from govservice.samples import enterprise, make_item, person, register_staff
from govservice.workflow import Actor

BATCH = 200
START = dt.datetime(2015, 3, 2, 9, 0, tzinfo=SHANGHAI)
CLERK = Actor("王敏", "window_clerk")
REVIEWER = Actor("李强", "reviewer")
APPROVER = Actor("赵静", "approver")
"""The staff, found by name in the registry of staff: the centres of the three regions
(:func:`govservice.samples.register_staff`); each applicant acts under its identifier."""


def catalog() -> list[Item]:
    """One item of each region: the city's, Lijin's river works, Guangrao's construction."""
    city = make_item()
    lijin = make_item(
        code="11370522MB2850437N-XK-0012",
        name="河道管理范围内建设项目工程建设方案审批",
        department="利津县水务局",
        region="370522",
        level="county",
        materials=(Material(name="河道管理范围内建设项目申请书", originals=1, copies=0),),
        legal_limit=TimeLimit(amount=20),
        promised_limit=TimeLimit(amount=10),
    )
    guangrao = make_item(
        code="11370523004395821A-XK-0003",
        name="建筑工程施工许可证核发",
        department="广饶县住房和城乡建设局",
        region="370523",
        level="county",
        legal_limit=TimeLimit(amount=15),
        promised_limit=TimeLimit(amount=3),
    )
    return [city, lijin, guangrao]


def make_cases(count: int, items: list[Item], service: GovService) -> list[Case]:
    cases = []
    for number in range(count):
        item = items[number % 3]
        applicant = enterprise(number) if number % 2 else person(number, region="370523")
        draft = Case(
            id=f"WF{number:08d}",
            item_code=item.code,
            region=item.region,
            department=item.department,
            applicant=applicant,
            received_at=START,
            attributes={"river_permit_number": "利河许2015第012号"}
            if item.region == "370522"
            else {},
        )
        materials = tuple(
            SubmittedMaterial(name=material.name, originals=1)
            for material in service.required_materials(item, draft)
        )
        cases.append(attrs.evolve(draft, materials=materials))
    return cases


def service_at(path: Path) -> GovService:
    config = Config(
        name="东营市政务服务中心",
        region="370500",
        storage_backend="sqlite",
        storage_settings={"path": str(path)},
        plugins=(PluginConfig(name="guangrao"), PluginConfig(name="lijin", index=1)),
        strict=True,
    )
    service = GovService(config, clock=FixedClock(START))
    register_staff(service.store, ("370500", "370522", "370523"))
    return service


def through(service: GovService, cases: list[Case], batch: int | None) -> float:
    workflow = service.workflow

    def one(case: Case) -> None:
        applicant = Actor("申请人", "applicant", id=case.applicant.identifier.number)
        stored = workflow.apply(case, applicant)
        stored = workflow.accept(stored, CLERK)
        stored = workflow.review(stored, REVIEWER)
        stored = workflow.decide(stored, APPROVER, "grant")
        workflow.complete(stored, CLERK)

    started = time.perf_counter()
    if batch is None:
        for case in cases:
            one(case)
    else:
        for first in range(0, len(cases), batch):
            with workflow.batch():
                for case in cases[first : first + batch]:
                    one(case)
    return len(cases) / (time.perf_counter() - started)


def raw_rows(path: Path, count: int, event_text: str) -> float:
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")
    connection.execute(
        "CREATE TABLE events (seq INTEGER PRIMARY KEY, case_id TEXT NOT NULL, "
        "doc TEXT NOT NULL, hash TEXT NOT NULL)"
    )
    digest = hashlib.sha256(event_text.encode()).hexdigest()
    rows = [(seq, f"WF{seq // 5:08d}", event_text, digest) for seq in range(1, count + 1)]
    started = time.perf_counter()
    for first in range(0, len(rows), 1000):
        connection.execute("BEGIN")
        connection.executemany(
            "INSERT INTO events VALUES (?, ?, ?, ?)", rows[first : first + 1000]
        )
        connection.execute("COMMIT")
    rate = count / (time.perf_counter() - started)
    connection.close()
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="2,000 cases, a smoke run")
    args = parser.parse_args()
    count = 2_000 if args.quick else args.cases
    items = catalog()
    with tempfile.TemporaryDirectory() as folder:
        service = service_at(Path(folder) / "workflow.db")
        names = sorted(service.plugins.loaded)
        assert {"guangrao", "lijin"} <= set(names), f"county plugins not installed: {names}"
        for item in items:
            service.store.add_item(item)
        cases = make_cases(count, items, service)
        rate = through(service, cases, BATCH)
        audit = verify_store(service.store)
        assert audit.ok, audit
        assert audit.checked == 5 * count, audit
        sample = service.store.ledger(0, 1)[0].text
        unbatched_service = service_at(Path(folder) / "unbatched.db")
        for item in items:
            unbatched_service.store.add_item(item)
        few = make_cases(min(count, 2_000), items, unbatched_service)
        unbatched = through(unbatched_service, few, None)
        raw = raw_rows(Path(folder) / "raw.db", 5 * count, sample)
        print(f"{count} cases, {audit.checked} events chained and verified", flush=True)
    print(
        json.dumps(
            {
                "cases": count,
                "cases_per_s": round(rate),
                "raw_sqlite_rows_per_s": round(raw),
                "unbatched_cases_per_s": round(unbatched),
                "events_per_s": round(5 * rate),
                "events_vs_raw_rows": round(5 * rate / raw, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
