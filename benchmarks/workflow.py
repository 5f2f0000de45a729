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
  event rows (5 a case: the case id, the text of a link of our trail, a hash; the texts
  are those of the links of one of our cases, so each row is the size of ours) into a plain
  table of the same kind of file (WAL, ``synchronous = NORMAL``, as the store's),
  1,000 rows a transaction.
- Both are measured in interleaved rounds (:data:`ROUNDS`): the cases are taken through in
  chunks, and each chunk is paired with a round of raw rows of the same number of events,
  timed just before or just after it (alternately, so that neither always goes first).
  On a shared machine one figure taken at another moment than the other swings with the
  load; paired rounds see the same load. The applications and the raw rows of a round are
  made before its clock starts. The figures printed are the medians over the rounds,
  ``events_vs_raw_rows`` their ratio; every round is printed too.
- ``unbatched_cases_per_s``: for comparison, 2,000 cases with one transaction and one
  write per action (as separate requests at the window are taken).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sqlite3
import statistics
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
ROUNDS = 10
"""Rounds the workflow and the raw rows are measured in, paired (fewer for a small run:
a round has at least :data:`BATCH` cases)."""
EVENTS_A_CASE = 5
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


def make_cases(count: int, items: list[Item], service: GovService, first: int = 0) -> list[Case]:
    """The applications of cases ``first`` to ``first + count - 1``."""
    cases = []
    for number in range(first, first + count):
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


class RawRows:
    """The baseline: plain ``sqlite3`` ``executemany`` of event rows into a plain table of
    a file of the same kind as the store's (WAL, ``synchronous = NORMAL``), 1,000 rows a
    transaction. Rows are numbered on across rounds, into the one table, as the store's
    trail grows across the chunks of cases."""

    def __init__(self, path: Path, links: list[tuple[str, str]]) -> None:
        self.connection = sqlite3.connect(path, isolation_level=None)
        self.connection.execute("PRAGMA journal_mode = WAL")
        self.connection.execute("PRAGMA synchronous = NORMAL")
        self.connection.execute(
            "CREATE TABLE events (seq INTEGER PRIMARY KEY, case_id TEXT NOT NULL, "
            "doc TEXT NOT NULL, hash TEXT NOT NULL)"
        )
        self.links = links  # (text, hash) of the links of one of our cases, in order
        self.written = 0

    def round(self, count: int) -> float:
        """Rows a second for ``count`` more rows (made before the clock starts)."""
        links, first_seq = self.links, self.written + 1
        rows = [
            (seq, f"WF{(seq - 1) // EVENTS_A_CASE:08d}", *links[(seq - 1) % len(links)])
            for seq in range(first_seq, first_seq + count)
        ]
        connection = self.connection
        started = time.perf_counter()
        for first in range(0, len(rows), 1000):
            connection.execute("BEGIN")
            connection.executemany(
                "INSERT INTO events VALUES (?, ?, ?, ?)", rows[first : first + 1000]
            )
            connection.execute("COMMIT")
        rate = count / (time.perf_counter() - started)
        self.written += count
        return rate

    def close(self) -> None:
        self.connection.close()


def rounds_of(count: int) -> list[int]:
    """The chunk sizes of the rounds: :data:`ROUNDS` of them, each a whole number of
    batches, or fewer when there are not enough batches."""
    batches = -(-count // BATCH)
    number = max(1, min(ROUNDS, batches))
    sizes = [(batches // number + (i < batches % number)) * BATCH for i in range(number)]
    sizes[-1] -= sum(sizes) - count
    return [size for size in sizes if size > 0]


def measured(
    service: GovService, count: int, items: list[Item], folder: Path
) -> list[tuple[float, float]]:
    """The rounds: ``count`` cases taken through in chunks, in batches, each chunk paired
    with a round of raw rows of as many events, alternately after and before it.
    (cases/s, rows/s) each. The applications of a chunk are made before its round, not
    timed (as requests arrive: the run does not hold every application at once)."""
    results: list[tuple[float, float]] = []
    raw: RawRows | None = None
    first = 0
    for number, size in enumerate(rounds_of(count)):
        chunk = make_cases(size, items, service, first)
        first += size
        if raw is not None and number % 2:  # odd rounds: the raw rows first
            rows = raw.round(EVENTS_A_CASE * size)
            rate = through(service, chunk, BATCH)
        else:
            rate = through(service, chunk, BATCH)
            if raw is None:  # the texts of the links of the first case, as stored
                links = [(e.text, e.hash) for e in service.store.ledger(0, EVENTS_A_CASE)]
                assert len(links) == EVENTS_A_CASE, links
                raw = RawRows(folder / "raw.db", links)
            rows = raw.round(EVENTS_A_CASE * size)
        print(
            f"round {number + 1}: {size} cases, {rate:.0f} cases/s "
            f"({EVENTS_A_CASE * rate:.0f} events/s); raw {rows:.0f} rows/s; "
            f"ratio {EVENTS_A_CASE * rate / rows:.3f}",
            flush=True,
        )
        results.append((rate, rows))
    if raw is not None:
        raw.close()
    return results


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
        rounds = measured(service, count, items, Path(folder))
        audit = verify_store(service.store)
        assert audit.ok, audit
        assert audit.checked == EVENTS_A_CASE * count, audit
        unbatched_service = service_at(Path(folder) / "unbatched.db")
        for item in items:
            unbatched_service.store.add_item(item)
        few = make_cases(min(count, 2_000), items, unbatched_service)
        unbatched = through(unbatched_service, few, None)
        print(f"{count} cases, {audit.checked} events chained and verified", flush=True)
    rate = statistics.median(cases_per_s for cases_per_s, _ in rounds)
    raw = statistics.median(rows_per_s for _, rows_per_s in rounds)
    print(
        json.dumps(
            {
                "cases": count,
                "rounds": len(rounds),
                "cases_per_s": round(rate),
                "raw_sqlite_rows_per_s": round(raw),
                "unbatched_cases_per_s": round(unbatched),
                "events_per_s": round(EVENTS_A_CASE * rate),
                "events_vs_raw_rows": round(EVENTS_A_CASE * rate / raw, 3),
                "events_vs_raw_rows_by_round": [
                    round(EVENTS_A_CASE * cases_per_s / rows_per_s, 3)
                    for cases_per_s, rows_per_s in rounds
                ],
            }
        )
    )


if __name__ == "__main__":
    main()
