"""The tamper-evident trail (步步留痕): tampering with plain SQL is found by ``verify``.

Each test records a few cases' events through the workflow, then changes the database
behind the library's back, the way someone with a database client would: edit an event,
delete one, insert one, swap two, cut events off the end, or rewrite the whole chain with
fresh hashes. ``govservice.audit.verify_store`` (and ``govservice audit verify``) must
report the first broken link. Runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from govservice import GovService
from govservice.audit import attest_imports, verify_store
from govservice.cli import main
from govservice.clock import SHANGHAI, FixedClock
from govservice.codec import to_document
from govservice.config import Config
from govservice.errors import ClockClaimError, StoreError, TrailBrokenError
from govservice.model import CaseEvent, SubmittedMaterial
from govservice.samples import make_case, make_item, register_staff
from govservice.store.ledger import (
    GENESIS,
    canonical,
    chain,
    link_hash,
    record_digest,
    verify,
)
from govservice.store.simulation import is_simulation, make_simulation
from govservice.workflow import Actor, Workflow
from workflow_helpers import APPLICANT_PARTY

START = dt.datetime(2015, 3, 2, 9, 0, tzinfo=SHANGHAI)
CLERK = Actor("李娜", "window_clerk")
REVIEWER = Actor("马晓燕", "reviewer")
APPROVER = Actor("王强", "approver")
APPLICANT = Actor("张伟", "applicant", id=APPLICANT_PARTY.identifier.number)


# --- a store with a trail, on each backend ---------------------------------------------------


class Database:
    """A store and a plain connection to the same database, with ``?`` marks either way."""

    def __init__(
        self,
        store: Any,
        execute: Callable[[str, tuple], list],
        backend: str,
        settings: dict[str, str] | None = None,
    ) -> None:
        self.store = store
        self._execute = execute
        self.backend = backend
        self.settings = settings or {}
        """The ``storage.settings`` a configuration names this database with."""

    def sql(self, statement: str, *parameters: Any) -> list:
        return self._execute(statement, parameters)

    def row(self, seq: int) -> tuple:
        return self.sql(
            "SELECT seq, case_id, doc, prev_hash, hash FROM case_events WHERE seq = ?", seq
        )[0]


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A simulation store (the tests act at the times they give)."""
    yield from _database(request.param, tmp_path, simulation=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def live_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A centre's real store (it keeps the server's clock)."""
    yield from _database(request.param, tmp_path, simulation=False)


def _database(backend: str, tmp_path: Path, *, simulation: bool) -> Iterator[Database]:
    if backend == "sqlite":
        import sqlite3

        from govservice.store.sqlite import SqliteStore

        path = tmp_path / "trail.db"
        store = SqliteStore(path)
        plain = sqlite3.connect(path, isolation_level=None)

        def execute(statement: str, parameters: tuple) -> list:
            return plain.execute(statement, parameters).fetchall()

        if simulation:
            make_simulation(store)
        yield Database(store, execute, "sqlite", {"path": str(path)})
        plain.close()
        store.close()
        return
    try:
        import psycopg
        from govservice_postgres import PostgresStore
        from govservice_postgres.testing import fresh_schema, postgres_dsn_or_skip
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail("govservice-postgres is not installed, and CI=true requires it")
        pytest.skip("govservice-postgres is not installed")
    dsn = postgres_dsn_or_skip()
    with fresh_schema(dsn) as schema:
        store = PostgresStore(dsn, schema=schema)
        plain = psycopg.connect(dsn, autocommit=True, options=f"-c search_path={schema}")

        def execute(statement: str, parameters: tuple) -> list:
            cursor = plain.execute(statement.replace("?", "%s"), parameters)
            return cursor.fetchall() if cursor.description else []

        if simulation:
            make_simulation(store)
        try:
            yield Database(store, execute, "postgresql", {"conninfo": dsn, "schema": schema})
        finally:
            plain.close()
            store.close()


@pytest.fixture
def trail(database: Database) -> Database:
    """Three cases through the workflow: 5 + 5 + 3 = 13 events, chained in the order taken,
    after the link that makes the store a simulation (link 1)."""
    workflow = Workflow(service(), database.store)
    register_staff(database.store, ["370500"])
    item = make_item()
    database.store.add_item(item)
    materials = [SubmittedMaterial(name=m.name, originals=1) for m in item.materials]
    stored = [
        workflow.apply(
            make_case(item, id=f"TRAIL-{n}", materials=materials, applicant=APPLICANT_PARTY),
            APPLICANT,
        )
        for n in range(1, 4)
    ]
    stored = [workflow.accept(s, CLERK) for s in stored]
    stored = [workflow.review(s, REVIEWER) for s in stored]
    for s in stored[:2]:
        workflow.complete(workflow.decide(s, APPROVER, "grant"), CLERK)
    report = verify_store(database.store)
    assert report.ok
    assert report.checked == 14
    assert report.head_seq == 14
    return database


def service() -> GovService:
    return GovService(Config(name="测试中心", region="370500"), clock=FixedClock(START))


def broken_at(database: Database) -> tuple[int, str]:
    report = verify_store(database.store)
    assert not report.ok, "the tampering was not found"
    return report.first_break.seq, report.first_break.problem


# --- tampering -----------------------------------------------------------------------------------


def test_an_untouched_trail_verifies(trail):
    report = verify_store(trail.store)
    assert report.ok
    assert (report.head_seq, report.head_hash) == trail.store.ledger_head()
    assert report.head_hash == trail.row(14)[4]


def test_each_event_is_linked_to_the_one_before(trail):
    previous = GENESIS
    for seq in range(1, 15):
        _, _case_id, text, prev_hash, digest = trail.row(seq)
        assert prev_hash == previous
        assert digest == hashlib.sha256((previous + text).encode()).hexdigest()
        assert json.loads(text)["seq"] == seq
        previous = digest


def test_an_edited_event_is_found(trail):
    _, _, text, _, _ = trail.row(5)
    trail.sql("UPDATE case_events SET doc = ? WHERE seq = 5", text.replace("李娜", "李四"))
    assert broken_at(trail) == (5, "the event was changed after it was recorded")


def test_an_edited_event_with_its_own_hash_recomputed_breaks_the_next_link(trail):
    _, _, text, prev_hash, _ = trail.row(5)
    forged = text.replace("李娜", "李四")
    trail.sql(
        "UPDATE case_events SET doc = ?, hash = ? WHERE seq = 5",
        forged,
        link_hash(prev_hash, forged),
    )
    seq, problem = broken_at(trail)
    assert seq == 6
    assert "does not link" in problem


def test_a_deleted_event_is_found(trail):
    trail.sql("DELETE FROM case_events WHERE seq = 7")
    seq, problem = broken_at(trail)
    assert seq == 8
    assert "expected event 7" in problem


def test_events_cut_off_the_end_are_found(trail):
    trail.sql("DELETE FROM case_events WHERE seq >= 12")
    seq, problem = broken_at(trail)
    assert seq == 12
    assert "cut off the end" in problem


def test_an_inserted_event_is_found(trail):
    # Make room after event 4 and insert a forged event, chained to event 4 correctly.
    for seq in range(14, 4, -1):
        trail.sql("UPDATE case_events SET seq = ? WHERE seq = ?", seq + 1, seq)
    _, case_id, text, _, digest = trail.row(4)
    event = json.loads(text)["event"]
    event["note"] = "补录"
    forged = canonical({"seq": 5, "case_id": case_id, "event": event})
    trail.sql(
        "INSERT INTO case_events (seq, case_id, doc, prev_hash, hash) VALUES (?, ?, ?, ?, ?)",
        5,
        case_id,
        forged,
        digest,
        link_hash(digest, forged),
    )
    seq, _problem = broken_at(trail)
    assert seq == 6  # event 5 of the chain, now at 6, no longer follows what precedes it


def test_two_swapped_events_are_found(trail):
    first, second = trail.row(3), trail.row(9)
    for seq, (_, case_id, text, prev_hash, digest) in ((3, second), (9, first)):
        trail.sql(
            "UPDATE case_events SET case_id = ?, doc = ?, prev_hash = ?, hash = ? WHERE seq = ?",
            case_id,
            text,
            prev_hash,
            digest,
            seq,
        )
    seq, problem = broken_at(trail)
    assert seq == 3
    assert "does not link" in problem


def test_two_events_swapped_by_their_numbers_are_found(trail):
    trail.sql("UPDATE case_events SET seq = 100 WHERE seq = 3")
    trail.sql("UPDATE case_events SET seq = 3 WHERE seq = 4")
    trail.sql("UPDATE case_events SET seq = 4 WHERE seq = 100")
    seq, problem = broken_at(trail)
    assert seq == 3
    assert "does not link" in problem


def test_an_event_moved_to_another_case_is_found(trail):
    trail.sql("UPDATE case_events SET case_id = 'TRAIL-9' WHERE seq = 2")
    assert broken_at(trail) == (2, "the event belongs to another case")


def test_a_changed_head_is_found(trail):
    trail.sql("UPDATE ledger_head SET seq = 12, hash = ? WHERE id = 1", trail.row(12)[4])
    seq, problem = broken_at(trail)
    assert seq == 13
    assert "head" in problem


def rehash_chain(database: Database, start: int, edit: Callable[[str], str] = str) -> None:
    """What a forger with the database to himself does: rewrite every link from ``start`` on
    (its text through ``edit``) with fresh, self-consistent hashes, the latest record of
    each case made the digest of its stored document, and the head moved to match."""
    digests = {
        case_id: record_digest(canonical(json.loads(doc)))
        for case_id, doc in database.sql("SELECT id, doc FROM cases")
    }
    rows = database.sql("SELECT seq, case_id, doc FROM case_events ORDER BY seq")
    latest = {case_id: seq for seq, case_id, doc in rows if "record" in json.loads(doc)}
    previous = GENESIS if start == 1 else database.row(start - 1)[4]
    for seq, case_id, text in rows[start - 1 :]:
        inside = json.loads(edit(text))
        if latest.get(case_id) == seq and case_id in digests:
            inside["record"] = digests[case_id]
        forged = canonical(inside)
        digest = link_hash(previous, forged)
        database.sql(
            "UPDATE case_events SET doc = ?, prev_hash = ?, hash = ? WHERE seq = ?",
            forged,
            previous,
            digest,
            seq,
        )
        previous = digest
    database.sql("UPDATE ledger_head SET seq = ?, hash = ? WHERE id = 1", len(rows), previous)


def forge_link(database: Database, case_id: str, holding: dict) -> None:
    """Chain one link of the forger's own after the head, correctly, and move the head."""
    seq, previous = database.store.ledger_head()
    text = canonical({"seq": seq + 1, "case_id": case_id, **holding})
    digest = link_hash(previous, text)
    database.sql(
        "INSERT INTO case_events (seq, case_id, doc, prev_hash, hash) VALUES (?, ?, ?, ?, ?)",
        seq + 1,
        case_id,
        text,
        previous,
        digest,
    )
    database.sql("UPDATE ledger_head SET seq = ?, hash = ? WHERE id = 1", seq + 1, digest)


def test_a_chain_rewritten_from_scratch_is_found_against_a_published_head(trail):
    published = verify_store(trail.store)
    # Rewrite every link from the third on with fresh, self-consistent hashes.
    trail.sql("UPDATE cases SET doc = replace(doc, '李娜', '李四')")
    rehash_chain(trail, 3, lambda text: text.replace("李娜", "李四"))
    assert verify_store(trail.store).ok  # consistent in itself ...
    report = verify_store(trail.store, (published.head_seq, published.head_hash))
    assert not report.ok  # ... but not the chain that was published
    assert report.first_break.seq == published.head_seq
    assert "published head" in report.first_break.problem


# --- tampering with the case records, which every screen reads ---------------------------------


def case_doc(trail: Database, case_id: str) -> dict:
    return json.loads(trail.sql("SELECT doc FROM cases WHERE id = ?", case_id)[0][0])


def set_case_doc(trail: Database, case_id: str, document: dict) -> None:
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    trail.sql("UPDATE cases SET doc = ? WHERE id = ?", text, case_id)


def test_an_edited_event_in_a_case_record_is_found(trail):
    document = case_doc(trail, "TRAIL-1")
    document["events"][3]["actor"] = "李四"  # who decided
    set_case_doc(trail, "TRAIL-1", document)
    report = verify_store(trail.store)
    assert report.first_break.case_id == "TRAIL-1"
    assert report.first_break.problem == "the case record's events differ from the chain"


def test_an_event_dropped_from_a_case_record_is_found(trail):
    document = case_doc(trail, "TRAIL-2")
    del document["events"][1]  # the acceptance
    set_case_doc(trail, "TRAIL-2", document)
    assert verify_store(trail.store).first_break.case_id == "TRAIL-2"


def test_a_state_changed_in_a_case_record_is_found(trail):
    document = case_doc(trail, "TRAIL-3")
    document["state"] = "granted"  # reviewed, never decided
    set_case_doc(trail, "TRAIL-3", document)
    report = verify_store(trail.store)
    assert report.first_break.case_id == "TRAIL-3"
    assert report.first_break.problem == "the case record's state is not where its events led"


def test_a_deleted_case_record_is_found(trail):
    trail.sql("DELETE FROM cases WHERE id = 'TRAIL-2'")
    report = verify_store(trail.store)
    assert report.first_break.case_id == "TRAIL-2"
    assert "its record is gone" in report.first_break.problem


def test_imported_history_is_counted_not_chained(trail):
    imported = make_case(
        id="OLD-1",
        events=[
            CaseEvent(
                at=START, actor="张伟", role="applicant", action="提交申请", to_state="submitted"
            )
        ],
    )
    document = to_document(imported)
    trail.store.import_batch(
        "case", [(document, json.dumps(document, ensure_ascii=False, separators=(",", ":")))]
    )
    report = verify_store(trail.store)
    assert report.ok
    assert report.cases_checked == 4
    assert report.unchained_cases == 1


def _import_old_case(store: Any, case_id: str = "OLD-1", events: int = 2) -> dict:
    """A case brought in by bulk import with ``events`` events of its earlier life."""
    history = [
        CaseEvent(
            at=START, actor="张伟", role="applicant", action="提交申请", to_state="submitted"
        ),
        CaseEvent(
            at=START + dt.timedelta(hours=1),
            actor="王晓燕",
            role="window_clerk",
            action="受理",
            from_state="submitted",
            to_state="accepted",
        ),
    ][:events]
    document = to_document(
        make_case(id=case_id, state=history[-1].to_state, events=history, materials=[])
    )
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    assert store.import_batch("case", [(document, text)]) == 1
    return document


def test_imported_history_is_attested_then_checked(trail):
    _import_old_case(trail.store)
    before = verify_store(trail.store)
    assert (before.ok, before.unchained_cases, before.attested_cases) == (True, 1, 0)

    assert attest_imports(trail.store) == (1, 2)
    after = verify_store(trail.store)
    assert (after.ok, after.unchained_cases, after.attested_cases) == (True, 0, 1)
    assert (after.checked, after.head_seq) == (15, 15)
    (link,) = trail.store.case_ledger("OLD-1")
    assert json.loads(link.text)["imported"]["events"] == 2
    assert attest_imports(trail.store) == (0, 0)  # once
    assert trail.store.ledger_head() == (after.head_seq, after.head_hash)

    # the chain goes on after the attested history
    workflow = Workflow(service(), trail.store)
    workflow.review(workflow.case("OLD-1"), REVIEWER, at=START + dt.timedelta(days=1))
    assert verify_store(trail.store).ok

    document = case_doc(trail, "OLD-1")  # an attested event edited in the record
    document["events"][1]["actor"] = "赵六"
    set_case_doc(trail, "OLD-1", document)
    assert broken_at(trail) == (15, "the history the case was imported with was changed")


def test_attested_history_cut_short_or_of_a_deleted_case_is_found(trail):
    _import_old_case(trail.store)
    _import_old_case(trail.store, "OLD-2")
    assert attest_imports(trail.store) == (2, 4)
    document = case_doc(trail, "OLD-1")
    document["events"] = document["events"][1:]
    set_case_doc(trail, "OLD-1", document)
    assert broken_at(trail) == (15, "the history the case was imported with was changed")
    set_case_doc(trail, "OLD-1", {**document, "events": case_doc(trail, "OLD-2")["events"]})
    trail.sql("DELETE FROM cases WHERE id = ?", "OLD-2")
    assert broken_at(trail) == (16, "the case's events are chained, its record is gone")


def test_a_second_record_claiming_a_case_is_found(trail):
    # the record under the case's key replaced by an altered copy, the original kept under
    # a key sorting before it: the chain still finds its events in the original
    _import_old_case(trail.store)
    assert attest_imports(trail.store) == (1, 2)
    altered = case_doc(trail, "OLD-1")
    altered["events"][1]["actor"] = "赵六"
    trail.sql("UPDATE cases SET id = ?, tracking_code = NULL WHERE id = ?", "0OLD-1", "OLD-1")
    columns = "state, open, region, department, item_code, item_version, green_channel, "
    columns += "received_at, queue_key"
    trail.sql(
        f"INSERT INTO cases (id, version, {columns}, doc) SELECT ?, version, {columns}, ? "
        "FROM cases WHERE id = ?",
        "OLD-1",
        json.dumps(altered, ensure_ascii=False),
        "0OLD-1",
    )
    assert trail.store.get("case", "OLD-1").record.events[1].actor == "赵六"
    # the copy kept under another key is found first: its key column is not its document's
    assert broken_at(trail)[1] == "the case record's column id says '0OLD-1', its document 'OLD-1'"


def test_a_case_attested_twice_is_found(trail):
    _import_old_case(trail.store)
    assert attest_imports(trail.store) == (1, 2)
    with pytest.raises(StoreError, match="has links in the chain already"):
        trail.store.attest_import("OLD-1", {"events": 99, "sha256": "0" * 64})
    forge_link(trail, "OLD-1", {"imported": {"events": 99, "sha256": "0" * 64}})
    assert broken_at(trail) == (16, "attested twice")


def test_nothing_is_attested_on_a_broken_trail(trail):
    _import_old_case(trail.store)
    trail.sql("DELETE FROM case_events WHERE seq = 2")
    head = trail.store.ledger_head()
    with pytest.raises(TrailBrokenError, match="broken at event 3: expected event 2"):
        attest_imports(trail.store)
    assert trail.store.ledger_head() == head
    assert trail.store.case_ledger("OLD-1") == []


def test_appending_after_tampering_does_not_hide_it(trail):
    trail.sql("DELETE FROM case_events WHERE seq = 2")
    workflow = Workflow(service(), trail.store)
    stored = workflow.case("TRAIL-3")
    workflow.decide(stored, APPROVER, "grant")
    assert trail.store.ledger_head()[0] == 15
    seq, _ = broken_at(trail)
    assert seq == 3


# --- the command line ----------------------------------------------------------------------------


@pytest.fixture
def sqlite_config(tmp_path: Path) -> Path:
    config = tmp_path / "govservice.yaml"
    config.write_text(
        "name: 测试中心\nregion: '370500'\nstorage:\n  backend: sqlite\n"
        "  settings: {path: trail.db}\n",
        encoding="utf-8",
    )
    return config


def test_audit_verify_reports_an_intact_trail_and_its_head(sqlite_config, tmp_path, capsys):
    from govservice.store.sqlite import SqliteStore

    store = SqliteStore(tmp_path / "trail.db")
    item = make_item()
    store.add_item(item)
    case = make_case(item, id="CLI-1", applicant=APPLICANT_PARTY)
    Workflow(service(), store).apply(case, APPLICANT)
    head = store.ledger_head()
    store.close()

    assert main(["--config", str(sqlite_config), "audit", "verify"]) == 0
    out = capsys.readouterr().out
    assert f"trail intact: 1 events, 1 case records agree; head 1:{head[1]}" in out
    assert (
        main(["--config", str(sqlite_config), "audit", "verify", "--expect-head", f"1:{head[1]}"])
        == 0
    )


def test_audit_verify_exits_1_at_a_broken_link(sqlite_config, tmp_path, capsys):
    import sqlite3

    from govservice.store.sqlite import SqliteStore

    store = SqliteStore(tmp_path / "trail.db")
    item = make_item()
    store.add_item(item)
    workflow = Workflow(service(), store)
    case = make_case(item, id="CLI-2", applicant=APPLICANT_PARTY)
    workflow.withdraw(workflow.apply(case, APPLICANT), APPLICANT)
    store.close()
    with sqlite3.connect(tmp_path / "trail.db") as plain:
        plain.execute("UPDATE case_events SET doc = replace(doc, '张伟', '李四') WHERE seq = 1")

    assert main(["--config", str(sqlite_config), "audit", "verify"]) == 1
    out = capsys.readouterr().out
    assert "trail BROKEN at event 1 (case CLI-2): the event was changed" in out


def test_audit_attest_chains_imported_history_once(sqlite_config, tmp_path, capsys):
    import sqlite3

    from govservice.store.sqlite import SqliteStore

    store = SqliteStore(tmp_path / "trail.db")
    store.add_item(make_item())
    _import_old_case(store)
    store.close()
    assert main(["--config", str(sqlite_config), "audit", "verify"]) == 0
    assert "1 case record(s) came from another system" in capsys.readouterr().out

    assert main(["--config", str(sqlite_config), "audit", "attest"]) == 0
    assert "attested 1 imported case(s) holding 2 event(s) from before; head 1:" in (
        capsys.readouterr().out
    )
    assert main(["--config", str(sqlite_config), "audit", "attest"]) == 0
    assert "attested 0 imported case(s)" in capsys.readouterr().out
    assert main(["--config", str(sqlite_config), "audit", "verify"]) == 0
    out = capsys.readouterr().out
    assert "trail intact: 1 links (0 events, 1 attested), 1 case records agree" in out
    assert "came from another system" not in out

    with sqlite3.connect(tmp_path / "trail.db") as plain:
        plain.execute("UPDATE case_events SET doc = replace(doc, '2', '3') WHERE seq = 1")
    assert main(["--config", str(sqlite_config), "audit", "attest"]) == 2
    assert "error[GS707]" in capsys.readouterr().err


def test_audit_verify_refuses_a_malformed_head(sqlite_config, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--config", str(sqlite_config), "audit", "verify", "--expect-head", "12:abc"])
    assert exit_.value.code == 2
    assert "is not SEQ:HASH" in capsys.readouterr().err


# --- the chain itself --------------------------------------------------------------------------------


def test_verify_of_an_empty_ledger_is_ok():
    report = verify([], None)
    assert report.ok
    assert report.checked == 0
    assert report.head_hash == GENESIS


def test_chain_continues_from_a_head():
    first = chain(None, "A", [{"action": "apply"}])
    more = chain((first[-1].seq, first[-1].hash), "B", [{"action": "apply"}, {"action": "x"}])
    assert [e.seq for e in first + more] == [1, 2, 3]
    assert more[0].prev_hash == first[0].hash
    assert verify(first + more, (3, more[-1].hash)).ok


def test_canonical_text_does_not_depend_on_key_order():
    assert (
        canonical({"b": 1, "a": "东营"})
        == canonical({"a": "东营", "b": 1})
        == ('{"a":"东营","b":1}')
    )


def test_events_forged_before_an_application_are_found(trail):
    document = case_doc(trail, "TRAIL-1")
    forged = dict(document["events"][-1], note="补录的决定")
    document["events"].insert(0, forged)
    set_case_doc(trail, "TRAIL-1", document)
    report = verify_store(trail.store)
    assert report.first_break.case_id == "TRAIL-1"
    assert report.first_break.problem == "the case record's events differ from the chain"


# --- whole records, refusals, attestations (issue 10) ------------------------------------------


def test_every_write_chains_the_record_it_leaves(trail):
    # the last link of a case's latest write holds the SHA-256 of its stored document
    for case_id in ("TRAIL-1", "TRAIL-2", "TRAIL-3"):
        last = json.loads(trail.store.case_ledger(case_id)[-1].text)
        stored = trail.sql("SELECT doc FROM cases WHERE id = ?", case_id)[0][0]
        assert stored == canonical(json.loads(stored))  # the text written is canonical
        assert last["record"] == hashlib.sha256(stored.encode()).hexdigest()


def test_a_write_without_an_event_chains_a_record_only_link(trail):
    import attrs

    stored = trail.store.get("case", "TRAIL-3")
    trail.store.update(attrs.evolve(stored.record, handler="马晓燕"), stored.version)
    link = trail.store.case_ledger("TRAIL-3")[-1]
    assert sorted(json.loads(link.text)) == ["case_id", "record", "seq"]
    assert verify_store(trail.store).ok


def test_a_refusal_without_a_case_record_is_chained_and_verifies(trail):
    trail.store.record_refusal("APPLY-1", {"reason": "不予受理", "actor": "李娜"})
    (link,) = trail.store.case_ledger("APPLY-1")
    assert json.loads(link.text) == {
        "seq": 15,
        "case_id": "APPLY-1",
        "refused": {"reason": "不予受理", "actor": "李娜"},
    }
    report = verify_store(trail.store)
    assert report.ok
    assert (report.checked, report.events, report.refusals) == (15, 13, 1)


def test_a_case_with_links_is_never_attested(trail):
    assert attest_imports(trail.store) == (0, 0)
    with pytest.raises(StoreError, match="has links in the chain already"):
        trail.store.attest_import("TRAIL-1", {"events": 5, "sha256": "0" * 64})
    # an attestation chained after the case's events, by hand, is found
    forge_link(trail, "TRAIL-1", {"imported": {"events": 5, "sha256": "0" * 64}})
    assert broken_at(trail) == (15, "attested as imported after links of the case were chained")


def test_an_imported_case_without_history_is_attested_over_its_record(trail):
    document = to_document(make_case(id="OLD-0", events=[], materials=[]))
    text = json.dumps(document, ensure_ascii=False)
    assert trail.store.import_batch("case", [(document, text)]) == 1
    assert attest_imports(trail.store) == (1, 0)
    held = json.loads(trail.store.case_ledger("OLD-0")[0].text)
    assert held["imported"]["events"] == 0
    assert held["record"] == record_digest(canonical(document))
    document["applicant"]["name"] = "赵六"  # in no column: only the record digest sees it
    set_case_doc(trail, "OLD-0", document)
    assert broken_at(trail)[1].startswith("the case record is not the one its last write chained")


def test_a_case_written_here_with_its_links_gone_is_found_without_checkpoints(trail):
    trail.sql("DELETE FROM case_events")
    trail.sql("UPDATE ledger_head SET seq = 0, hash = ? WHERE id = 1", GENESIS)
    _, problem = broken_at(trail)
    assert "none of its links is in the chain" in problem


def test_a_case_last_written_before_records_were_chained_is_counted(trail):
    # as a database of an earlier govservice holds it: event links without a record
    event = to_document(
        CaseEvent(
            at=START, actor="张伟", role="applicant", action="提交申请", to_state="submitted"
        )
    )
    document = to_document(make_case(id="EARLIER-1", events=[], materials=[]))
    document["events"] = [event]
    trail.store.import_batch("case", [(document, json.dumps(document, ensure_ascii=False))])
    with trail.store.transaction():
        trail.store._append_ledger("EARLIER-1", [event])
    report = verify_store(trail.store)
    assert report.ok
    assert (report.unsealed_cases, report.unchained_cases) == (1, 0)


def test_the_memory_store_chains_records_and_refusals():
    from govservice.store.memory import MemoryStore

    store = MemoryStore()
    make_simulation(store)
    register_staff(store, ["370500"])
    item = make_item()
    store.add_item(item)
    workflow = Workflow(service(), store)
    case = make_case(item, id="MEM-1", applicant=APPLICANT_PARTY)
    workflow.withdraw(workflow.apply(case, APPLICANT), APPLICANT)
    store.record_refusal("MEM-2", {"reason": "x"})
    report = verify_store(store)
    assert report.ok
    assert (report.cases_checked, report.refusals) == (1, 1)
    rows = store.raw_rows("case")
    assert rows[0][0] == "MEM-1"
    assert json.loads(store.case_ledger("MEM-1")[-1].text)["record"] == record_digest(rows[0][-1])


def test_raw_rows_come_a_page_at_a_time_as_stored(trail):
    from govservice.store.columns import CASE_COLUMNS

    first = trail.store.raw_rows("case", limit=2)
    assert [row[0] for row in first] == ["TRAIL-1", "TRAIL-2"]
    assert len(first[0]) == len(CASE_COLUMNS.split(",")) + 2  # the columns, version, doc
    (last,) = trail.store.raw_rows("case", after="TRAIL-2", limit=2)
    assert last[0] == "TRAIL-3"
    assert last[-1] == trail.sql("SELECT doc FROM cases WHERE id = 'TRAIL-3'")[0][0]
    assert last[-2] == trail.store.get("case", "TRAIL-3").version
    (station,) = trail.store.raw_rows("station")
    assert station[0] == "370500-ZWZX"


def test_links_made_from_event_texts_are_the_canonical_ones():
    events = [{"action": "受理", "at": "2015-03-02T09:00:00+08:00"}, {"action": "x", "n": 1}]
    head = (7, "a" * 64)
    for record in (None, "b" * 64):
        plain = chain(head, "C-1", events, record=record)
        made = chain(head, "C-1", events, record=record, texts=[canonical(e) for e in events])
        assert made == plain
        assert all(json.loads(entry.text) is not None for entry in made)
        assert [canonical(json.loads(entry.text)) for entry in made] == [e.text for e in plain]


class _ReadEarlier:
    """A store whose head is first read as it was before the last writes (as when cases
    are written while verify runs)."""

    def __init__(self, store: Any, head: tuple[int, str]) -> None:
        self._store, self._head = store, head

    def ledger_head(self) -> tuple[int, str]:
        head, self._head = self._head, None
        return head or self._store.ledger_head()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


def test_cases_written_while_verify_runs_are_no_break(trail):
    head = trail.store.ledger_head()
    workflow = Workflow(service(), trail.store)
    item = trail.store.item(make_item().code)
    with workflow.batch():  # one write: the case is stored at version 2
        materials = [SubmittedMaterial(name=m.name, originals=1) for m in item.materials]
        case = make_case(item, id="NEW-1", materials=materials, applicant=APPLICANT_PARTY)
        applied = workflow.apply(case, APPLICANT)
        workflow.accept(applied, CLERK)
    assert trail.store.get("case", "NEW-1").version == 2
    stored = trail.store.get("case", "TRAIL-3")
    workflow.decide(stored, APPROVER, "grant")
    report = verify_store(_ReadEarlier(trail.store, head))
    assert report.ok, report.first_break
    assert report.head_seq == 14


# --- the simulation setting: on the trail too ------------------------------------------------


def test_a_simulation_store_begins_with_the_link_marking_it(database):
    (first,) = database.store.ledger(0, 1)
    assert json.loads(first.text) == {"seq": 1, "case_id": "", "simulation": {"back_dated": True}}
    assert is_simulation(database.store)
    report = verify_store(database.store)
    assert report.ok
    assert (report.checked, report.events, report.simulation) == (1, 0, True)


def test_a_simulation_setting_added_with_sql_makes_no_simulation_and_is_found(live_database):
    store = live_database.store
    register_staff(store, ["370500"])
    item = make_item()
    store.add_item(item)
    materials = [SubmittedMaterial(name=m.name, originals=1) for m in item.materials]
    case = make_case(item, id="LIVE-1", materials=materials, applicant=APPLICANT_PARTY)
    stored = Workflow(service(), store).apply(case, APPLICANT)
    assert verify_store(store).ok
    live_database.sql("INSERT INTO govservice_settings VALUES ('simulation', 'true')")
    assert store.setting("simulation") == "true"
    assert not is_simulation(store)  # the chain does not begin as a simulation's
    with pytest.raises(ClockClaimError):  # so no back-dated action is taken
        Workflow(service(), store).accept(stored, CLERK, at=START + dt.timedelta(days=1))
    report = verify_store(store)
    assert report.first_break.seq == 1
    assert "govservice_settings" in report.first_break.problem
    assert "does not begin with the link marking a simulation store" in report.first_break.problem


def test_a_simulation_store_with_its_setting_removed_is_found(trail):
    trail.sql("DELETE FROM govservice_settings WHERE name = 'simulation'")
    seq, problem = broken_at(trail)
    assert seq == 1
    assert "begins with the link marking a simulation store" in problem


def test_a_simulation_link_anywhere_but_first_is_found():
    from govservice.store.memory import MemoryStore

    store = MemoryStore()
    store.record_refusal("APPLY-1", {"reason": "不予受理"})
    store.set_setting("simulation", "true")
    store.mark_simulation()  # behind make_simulation's back: link 2, not link 1
    assert not is_simulation(store)
    report = verify_store(store)
    assert (report.first_break.seq, report.first_break.problem) == (
        2,
        "a link marking the store a simulation, not its first link",
    )


def test_a_store_made_a_simulation_is_one_for_every_store_object(tmp_path):
    from govservice.store.sqlite import SqliteStore

    path = tmp_path / "sim.db"
    store = SqliteStore(path)
    try:
        make_simulation(store)
        make_simulation(store)  # nothing happens: still one link
        assert store.ledger_head()[0] == 1
    finally:
        store.close()
    again = SqliteStore(path)
    try:
        assert is_simulation(again)
        assert verify_store(again).ok
    finally:
        again.close()
