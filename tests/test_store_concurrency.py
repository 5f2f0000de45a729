"""Separate processes on one database: versions let exactly one of two writers win, and
read-update-retry loops lose no update.

Runs on SQLite (processes share one file) and on PostgreSQL (processes share one schema,
when ``govservice-postgres`` is installed and ``GOVSERVICE_TEST_POSTGRES_DSN`` is set).
The workers are real processes started with the ``spawn`` method, each opening its own
store; a barrier makes sure every one has read before any writes.
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import multiprocessing
import os
import queue
import traceback
from collections.abc import Callable, Iterator
from typing import Any

import attrs
import pytest

from govservice.codec import to_document
from govservice.errors import ConflictError
from govservice.model import CaseEvent
from govservice.samples import START, make_case
from govservice.store.sqlite import SqliteStore

SPAWN = multiprocessing.get_context("spawn")
TIMEOUT = 60  # seconds; a hung worker fails the test instead of hanging the run

# Backend bugs shown by this module, as (test function, backend): (reason, strict). Races
# are not deterministic, so a race bug is marked non-strict.
KNOWN_BUGS: dict[tuple[str, str], tuple[str, bool]] = {}


# --- where the processes meet ----------------------------------------------------------------


@attrs.frozen
class Target:
    """A database every process can open: picklable, so it crosses to spawned workers."""

    backend: str
    location: str  # the SQLite file, or the PostgreSQL DSN
    schema: str | None = None

    def open(self) -> Any:
        if self.backend == "sqlite":
            return SqliteStore(self.location)
        import govservice_postgres

        return govservice_postgres.PostgresStore(self.location, schema=self.schema)


def _postgres_module() -> Any:
    try:
        import govservice_postgres
        import govservice_postgres.testing
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail("govservice-postgres is not installed, and CI=true requires it")
        pytest.skip("govservice-postgres is not installed")
    return govservice_postgres


@pytest.fixture(params=["sqlite", "postgresql"])
def new_target(request: pytest.FixtureRequest, tmp_path) -> Iterator[Callable[[], Target]]:
    """Makes a fresh, not yet opened database on the backend each time it is called."""
    backend = request.param
    known = KNOWN_BUGS.get((request.function.__name__, backend))
    if known is not None:
        reason, strict = known
        request.applymarker(pytest.mark.xfail(reason=f"backend bug: {reason}", strict=strict))
    numbers = itertools.count(1)
    if backend == "sqlite":
        yield lambda: Target("sqlite", str(tmp_path / f"shared-{next(numbers)}.db"))
        return
    postgres = _postgres_module()
    dsn = postgres.testing.postgres_dsn_or_skip()
    with contextlib.ExitStack() as schemas:
        yield lambda: Target(
            "postgresql", dsn, schemas.enter_context(postgres.testing.fresh_schema(dsn))
        )


def _report(results: Any, name: str, work: Callable[..., Any], args: tuple) -> None:
    try:
        results.put((name, "ok", work(*args)))
    except BaseException:
        results.put((name, "error", traceback.format_exc()))


def run_processes(work: Callable[..., Any], args_by_name: dict[str, tuple]) -> dict[str, Any]:
    """Run ``work(*args)`` in one spawned process per name; their results by name."""
    results = SPAWN.Queue()
    processes = [
        SPAWN.Process(target=_report, args=(results, name, work, args), name=name)
        for name, args in args_by_name.items()
    ]
    for process in processes:
        process.start()
    try:
        reports = {}
        for _ in processes:
            try:
                name, status, value = results.get(timeout=TIMEOUT)
            except queue.Empty:
                pytest.fail(f"a worker gave no result within {TIMEOUT} s")
            if status != "ok":
                pytest.fail(f"worker {name} failed:\n{value}")
            reports[name] = value
        for process in processes:
            process.join(TIMEOUT)
            assert process.exitcode == 0, f"{process.name} exited with {process.exitcode}"
        return reports
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
                process.join()


def _event(actor: str, note: str) -> CaseEvent:
    return CaseEvent(
        at=START, actor=actor, role="reviewer", action="审查", to_state="in_review", note=note
    )


def _doc(record: Any) -> dict[str, Any]:
    return to_document(record)


# --- two writers, one version ----------------------------------------------------------------


def _race(target: Target, case_id: str, name: str, barrier: Any) -> dict[str, Any]:
    """Read the case, wait for the other, update; on a conflict read again and redo."""
    store = target.open()
    try:
        seen = store.get("case", case_id)
        barrier.wait(TIMEOUT)
        record = seen.record
        mine = attrs.evolve(record, handler=name, events=(*record.events, _event(name, "先")))
        try:
            won = store.update(mine, seen.version)
        except ConflictError as conflict:
            again = store.get("case", case_id)
            redone = attrs.evolve(again.record, events=(*again.record.events, _event(name, "后")))
            final = store.update(redone, again.version)
            return {
                "outcome": "conflict",
                "read": seen.version,
                "message": str(conflict),
                "reread": (_doc(again.record), again.version),
                "final": final.version,
            }
        return {"outcome": "won", "read": seen.version, "wrote": (_doc(mine), won.version)}
    finally:
        store.close()


@pytest.mark.parametrize("round_", range(3))
def test_two_processes_update_one_case_exactly_one_wins(new_target, round_):
    target = new_target()
    store = target.open()
    try:
        case = make_case(id=f"RACE-{round_}", events=(_event("窗口王芳", "收件"),))
        store.add(case)
        barrier = SPAWN.Barrier(2)
        reports = run_processes(
            _race, {name: (target, case.id, name, barrier) for name in ("王芳", "李娜")}
        )
        assert sorted(r["outcome"] for r in reports.values()) == ["conflict", "won"]
        winner = next(n for n, r in reports.items() if r["outcome"] == "won")
        loser = next(n for n, r in reports.items() if r["outcome"] == "conflict")
        assert reports[winner]["read"] == reports[loser]["read"] == 1
        winners_doc, winners_version = reports[winner]["wrote"]
        assert winners_version == 2
        assert case.id in reports[loser]["message"]
        # what the loser read after its conflict: the winner's change, at version 2
        assert reports[loser]["reread"] == (winners_doc, 2)
        assert winners_doc["handler"] == winner
        # nothing is lost: the loser's redone change sits on top of the winner's
        assert reports[loser]["final"] == 3
        stored = store.get("case", case.id)
        assert stored.version == 3
        assert stored.record.handler == winner
        assert [(e.actor, e.note) for e in stored.record.events] == [
            ("窗口王芳", "收件"),
            (winner, "先"),
            (loser, "后"),
        ]
        assert _doc(stored.record) | {"events": None} == _doc(case) | {
            "handler": winner,
            "events": None,
        }
    finally:
        store.close()


# --- many writers, one counter ---------------------------------------------------------------

WORKERS, INCREMENTS = 4, 20


def _increment(target: Target, case_id: str, name: str, times: int, barrier: Any) -> int:
    """Add one to the case's counter ``times`` times, retrying on conflict; returns how many
    conflicts it met."""
    store = target.open()
    conflicts = 0
    try:
        barrier.wait(TIMEOUT)
        for _ in range(times):
            while True:
                seen = store.get("case", case_id)
                record = seen.record
                count = int(record.attributes["counter"]) + 1
                try:
                    store.update(
                        attrs.evolve(
                            record,
                            attributes={**record.attributes, "counter": str(count)},
                            events=(*record.events, _event(name, str(count))),
                        ),
                        seen.version,
                    )
                except ConflictError:
                    conflicts += 1
                    continue
                break
        return conflicts
    finally:
        store.close()


def test_concurrent_read_update_retry_loses_no_update(new_target):
    target = new_target()
    store = target.open()
    try:
        case = make_case(id="COUNTER", attributes={"counter": "0", "note": "计数"})
        store.add(case)
        barrier = SPAWN.Barrier(WORKERS)
        names = [f"worker-{n}" for n in range(WORKERS)]
        reports = run_processes(
            _increment, {name: (target, case.id, name, INCREMENTS, barrier) for name in names}
        )
        total = WORKERS * INCREMENTS
        stored = store.get("case", case.id)
        assert stored.record.attributes == {"counter": str(total), "note": "计数"}
        assert stored.version == total + 1
        # every increment left one event, in the order they were stored: 1, 2, ... total
        assert [e.note for e in stored.record.events] == [str(n) for n in range(1, total + 1)]
        by_worker = collections.Counter(e.actor for e in stored.record.events)
        assert by_worker == dict.fromkeys(names, INCREMENTS)
        assert all(isinstance(count, int) for count in reports.values())
    finally:
        store.close()


# --- opening a new database at once ----------------------------------------------------------


def _open_new(target: Target, barrier: Any) -> int:
    barrier.wait(TIMEOUT)
    store = target.open()
    try:
        return store.schema_version()
    finally:
        store.close()


def test_processes_opening_a_new_database_at_once_all_succeed(new_target):
    for _ in range(4):  # the race is not certain to show in one round
        target = new_target()
        barrier = SPAWN.Barrier(3)
        reports = run_processes(_open_new, {f"opener-{n}": (target, barrier) for n in range(3)})
        store = target.open()
        try:
            assert set(reports.values()) == {store.schema_version()}
            assert store.schema_version() >= 1
        finally:
            store.close()


# --- the remembered document and the event chain, across store objects ----------------------


def test_a_store_that_remembers_an_old_version_still_sees_a_conflict(new_target):
    target = new_target()
    first, second = target.open(), target.open()
    try:
        case = make_case(id="MEM-1")
        first.add(case)  # `first` remembers the document it wrote at version 1
        second.update(attrs.evolve(case, handler="王敏"), 1)
        with pytest.raises(ConflictError):
            first.update(attrs.evolve(case, handler="李娜"), 1)
        current = first.get("case", "MEM-1")
        assert current.version == 2
        assert current.record.handler == "王敏"
        first.update(attrs.evolve(current.record, handler="李娜"), 2)
        assert second.get("case", "MEM-1").record.handler == "李娜"
    finally:
        first.close()
        second.close()


def _chain_events(target: Target, case_ids: list[str], rounds: int) -> int:
    """Append ``rounds`` events to each case, re-reading it each time (a worker)."""
    store = target.open()
    appended = 0
    try:
        for number in range(rounds):
            for case_id in case_ids:
                while True:
                    stored = store.get("case", case_id)
                    event = CaseEvent(
                        at=START,
                        actor=f"worker {number}",
                        role="reviewer",
                        action="note",
                        to_state=stored.record.state,
                    )
                    changed = attrs.evolve(stored.record, events=(*stored.record.events, event))
                    try:
                        store.update(changed, stored.version)
                    except ConflictError:
                        continue
                    appended += 1
                    break
    finally:
        store.close()
    return appended


def test_processes_appending_events_keep_one_unbroken_chain(new_target):
    from govservice.audit import verify_store

    target = new_target()
    store = target.open()
    for case_id in ("CHAIN-1", "CHAIN-2"):
        store.add(make_case(id=case_id))
    store.close()
    results = run_processes(
        _chain_events,
        {name: (target, ["CHAIN-1", "CHAIN-2"], 10) for name in ("one", "two", "three")},
    )
    assert sum(results.values()) == 60
    store = target.open()
    try:
        report = verify_store(store)
        assert report.ok, report.first_break
        assert report.events == 60  # and a record-only link for each case added bare
        assert report.checked == 62
        assert sum(len(store.get("case", c).record.events) for c in ("CHAIN-1", "CHAIN-2")) == 60
    finally:
        store.close()
