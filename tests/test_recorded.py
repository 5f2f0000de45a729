"""The stations' records on the trail (govservice.store.recorded): every station
evaluation, training session, staff record and discipline record written is a link, so one changed, deleted
or slipped in behind the library's back is reported by ``audit verify`` — on memory,
SQLite and PostgreSQL (under ``.ci/with-postgres``); the records of a store written before
schema 12 (13 for discipline records) are chained by the migration."""

from __future__ import annotations

import json
from collections.abc import Iterator

import attrs
import pytest

from govservice.audit import verify_store
from govservice.codec import to_document
from govservice.errors import DuplicateRecordError
from govservice.service import GovService
from govservice.store.ledger import canonical, record_digest
from govservice.store.recorded import RECORDED, recorded_subject
from schema_helpers import reopened as reopen
from schema_helpers import stop_at_schema
from stations_fixture import evaluations, install
from test_blacklist_exchange import BACKENDS, centre
from test_staff_assessment import DISCIPLINE, STAFF
from test_training import SESSIONS

SQL_BACKENDS = [backend for backend in BACKENDS if backend != "memory"]


def fill(service: GovService) -> None:
    install(service)  # the stations and their evaluations
    for session in SESSIONS:
        service.store.add_training_session(session)
    service.store.add_staff_records(STAFF)
    service.store.add_discipline_records(DISCIPLINE)


@pytest.fixture(params=BACKENDS)
def filled(request: pytest.FixtureRequest, tmp_path) -> Iterator[GovService]:
    with centre(request.param, tmp_path) as service:
        fill(service)
        yield service


@pytest.fixture(params=SQL_BACKENDS)
def filled_sql(request: pytest.FixtureRequest, tmp_path) -> Iterator[GovService]:
    with centre(request.param, tmp_path) as service:
        fill(service)
        yield service


def behind_the_back(service: GovService, statement: str, parameters: tuple = ()) -> None:
    """One SQL statement, as someone with the database's password runs it."""
    store = service.store
    with store.transaction():
        store._execute(statement.replace("?", store.mark), parameters)


def test_every_record_is_a_link_holding_its_digest_and_the_audit_passes(filled):
    store = filled.store
    rows = list(store.recorded_rows())
    kinds = [kind for kind, *_ in rows]
    assert kinds.count("station-evaluation") == len(evaluations())
    assert kinds.count("training-session") == len(SESSIONS)
    assert kinds.count("staff-record") == len(STAFF)
    assert [key for kind, key, *_ in rows if kind == "discipline-record"] == ["1", "2"]
    for kind, key, text, _columns in rows:
        (link,) = store.case_ledger(recorded_subject(kind, key))
        held = json.loads(link.text)[RECORDED]
        assert held == {
            "kind": kind,
            "key": key,
            "sha256": record_digest(canonical(json.loads(text))),
        }
    assert "staff-record/2015-Q2/DY-NZ-WY/刘海燕" in {
        recorded_subject(kind, key) for kind, key, *_ in rows
    }
    report = verify_store(store)
    assert report.ok, report.first_break
    assert report.station_records_checked == len(rows)


def test_a_refused_write_leaves_no_link(filled):
    store = filled.store
    head = store.ledger_head()
    with pytest.raises(Exception, match="already stored"):
        store.add_staff_records([attrs.evolve(STAFF[0], days_present=1)])
    with pytest.raises(Exception, match="already stored"):
        store.add_training_session(SESSIONS[0])
    assert store.ledger_head() == head
    assert verify_store(store).ok


def _first_evaluation_id(service: GovService) -> str:
    return next(
        key for kind, key, *_ in service.store.recorded_rows() if kind == "station-evaluation"
    )


def test_an_evaluation_changed_in_the_database_is_found(filled_sql):
    key = _first_evaluation_id(filled_sql)
    (text,) = [
        t
        for kind, k, t, _ in filled_sql.store.recorded_rows()
        if (kind, k) == ("station-evaluation", key)
    ]
    document = json.loads(text)
    document["points"][0]["passed"] = not document["points"][0]["passed"]
    behind_the_back(
        filled_sql,
        "UPDATE station_evaluations SET doc = ? WHERE id = ?",
        (json.dumps(document), key),
    )
    report = verify_store(filled_sql.store)
    assert not report.ok
    assert report.first_break.case_id == f"station-evaluation/{key}"
    assert "changed after it was chained" in report.first_break.problem


def test_an_evaluation_moved_to_another_station_is_found(filled_sql):
    key = _first_evaluation_id(filled_sql)
    behind_the_back(
        filled_sql,
        "UPDATE station_evaluations SET station_code = ? WHERE id = ?",
        ("DY-NZ-WY-02", key),
    )
    report = verify_store(filled_sql.store)
    assert report.first_break.case_id == f"station-evaluation/{key}"
    assert "station_code says 'DY-NZ-WY-02'" in report.first_break.problem


def test_an_attendance_row_slipped_in_is_found(filled_sql):
    behind_the_back(
        filled_sql,
        "INSERT INTO training_attendance (session_id, station_code, name) VALUES (?, ?, ?)",
        ("PX2015-001", "DY-NZ-WY", "冒名者"),
    )
    report = verify_store(filled_sql.store)
    assert report.first_break.case_id == "training-session/PX2015-001"
    assert "attendance says" in report.first_break.problem


def test_a_staff_record_deleted_or_added_is_found(filled_sql, tmp_path):
    behind_the_back(
        filled_sql,
        "DELETE FROM staff_records WHERE station_code = ? AND name = ?",
        ("DY-NZ-WY", "王建军"),
    )
    report = verify_store(filled_sql.store)
    assert report.first_break.case_id == "staff-record/2015-Q2/DY-NZ-WY/王建军"
    assert "gone (deleted)" in report.first_break.problem


def test_a_staff_record_written_without_a_link_is_found(filled_sql):
    forged = attrs.evolve(STAFF[0], quarter=3)
    behind_the_back(
        filled_sql,
        "INSERT INTO staff_records (year, quarter, station_code, name, doc) VALUES (?, ?, ?, ?, ?)",
        (2015, 3, forged.station_code, forged.name, canonical(to_document(forged))),
    )
    report = verify_store(filled_sql.store)
    assert (
        report.first_break.case_id == f"staff-record/2015-Q3/{forged.station_code}/{forged.name}"
    )
    assert "has no link" in report.first_break.problem


def test_a_session_deleted_is_found_and_so_is_its_attendance_left_behind(filled_sql):
    store = filled_sql.store
    if store.dialect == "sqlite":  # the foreign key keeps the rows together: turned off
        store._db.execute("PRAGMA foreign_keys = OFF")
        behind_the_back(filled_sql, "DELETE FROM training_sessions WHERE id = ?", ("PX2015-002",))
        report = verify_store(store)
        assert report.first_break.case_id == "training-session/PX2015-002"
        assert "rows of it are left" in report.first_break.problem
    behind_the_back(
        filled_sql, "DELETE FROM training_attendance WHERE session_id = ?", ("PX2015-002",)
    )
    behind_the_back(filled_sql, "DELETE FROM training_sessions WHERE id = ?", ("PX2015-002",))
    report = verify_store(store)
    assert report.first_break.case_id == "training-session/PX2015-002"
    assert "gone (deleted)" in report.first_break.problem


@pytest.mark.parametrize("backend", SQL_BACKENDS)
def test_records_written_before_schema_12_are_chained_by_the_migration(
    backend, tmp_path, monkeypatch
) -> None:
    stop_at_schema(monkeypatch, backend, 11)
    with centre(backend, tmp_path) as service:
        store = service.store
        assert store.schema_version() == 11
        install(service, with_evaluations=False)
        # what schema 11 wrote: the rows alone, no links
        for number, evaluation in enumerate(evaluations()[:3], start=1):
            document = to_document(attrs.evolve(evaluation, id=f"PJ-{number}"))
            behind_the_back(
                service,
                "INSERT INTO station_evaluations (id, station_code, standard, on_date, doc) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    document["id"],
                    evaluation.station_code,
                    evaluation.standard,
                    store._date(evaluation.on),
                    json.dumps(document, ensure_ascii=False, sort_keys=True),
                ),
            )
        session = SESSIONS[0]
        behind_the_back(
            service,
            "INSERT INTO training_sessions (id, held_on, doc) VALUES (?, ?, ?)",
            (session.id, store._date(session.on), canonical(to_document(session))),
        )
        for present in session.attendance:
            behind_the_back(
                service,
                "INSERT INTO training_attendance (session_id, station_code, name) "
                "VALUES (?, ?, ?)",
                (session.id, present.station_code, present.name),
            )
        record = STAFF[0]
        behind_the_back(
            service,
            "INSERT INTO staff_records (year, quarter, station_code, name, doc) "
            "VALUES (?, ?, ?, ?, ?)",
            (2015, 2, record.station_code, record.name, canonical(to_document(record))),
        )
        assert not verify_store(store).ok  # unlinked, as schema 12 sees them
        reopened = reopen(service, monkeypatch)
        try:
            store = reopened.store
            assert store.schema_version() == store.latest_schema_version()
            rows = list(store.recorded_rows())
            assert len(rows) == 5
            for kind, key, *_ in rows:
                assert len(store.case_ledger(recorded_subject(kind, key))) == 1
            report = verify_store(store)
            assert report.ok, report.first_break
        finally:
            reopened.store.close()


def test_discipline_records_are_numbered_by_the_store_and_a_refused_batch_leaves_nothing(filled):
    store = filled.store
    more = [attrs.evolve(DISCIPLINE[0], reason="未着装上岗"), DISCIPLINE[0]]
    store.add_discipline_records(more)  # the same breach twice is two records
    keys = [key for kind, key, *_ in store.recorded_rows() if kind == "discipline-record"]
    assert keys == ["1", "2", "3", "4"]
    assert store.case_ledger("discipline-record/4")
    assert verify_store(store).ok
    head = store.ledger_head()
    with pytest.raises(Exception):  # noqa: B017,PT011 (a backend's own error for a bad row)
        store.add_discipline_records([DISCIPLINE[1], object()])
    assert store.ledger_head() == head
    assert [k for kind, k, *_ in store.recorded_rows() if kind == "discipline-record"] == keys


def test_a_discipline_record_changed_moved_deleted_or_slipped_in_is_found(filled_sql):
    service = filled_sql
    (text,) = [t for kind, key, t, _ in service.store.recorded_rows() if key == "1"]
    lighter = json.loads(text)
    lighter["points"] = "0"
    behind_the_back(
        service, "UPDATE discipline_records SET doc = ? WHERE id = 1", (canonical(lighter),)
    )
    report = verify_store(service.store)
    assert report.first_break.case_id == "discipline-record/1"
    assert "changed after it was chained" in report.first_break.problem
    behind_the_back(service, "UPDATE discipline_records SET doc = ? WHERE id = 1", (text,))
    assert verify_store(service.store).ok

    # moved out of the quarter it counts in, by its column
    behind_the_back(
        service,
        "UPDATE discipline_records SET recorded_on = ? WHERE id = 2",
        (service.store._date(DISCIPLINE[1].on.replace(year=2014)),),
    )
    report = verify_store(service.store)
    assert report.first_break.case_id == "discipline-record/2"
    assert "recorded_on says" in report.first_break.problem

    behind_the_back(service, "DELETE FROM discipline_records WHERE id = 2")
    report = verify_store(service.store)
    assert report.first_break.case_id == "discipline-record/2"
    assert "gone (deleted)" in report.first_break.problem

    forged = DISCIPLINE[0]
    behind_the_back(
        service,
        "INSERT INTO discipline_records (id, station_code, name, recorded_on, doc) "
        "VALUES (2, ?, ?, ?, ?)",
        (forged.station_code, forged.name, service.store._date(forged.on), text),
    )
    report = verify_store(service.store)
    assert report.first_break.case_id == "discipline-record/2"
    assert "changed after it was chained" in report.first_break.problem


@pytest.mark.parametrize("backend", SQL_BACKENDS)
def test_discipline_records_written_before_schema_13_are_chained_by_the_migration(
    backend, tmp_path, monkeypatch
) -> None:
    stop_at_schema(monkeypatch, backend, 12)
    with centre(backend, tmp_path) as service:
        store = service.store
        assert store.schema_version() == 12
        install(service, with_evaluations=False)
        for record in DISCIPLINE:  # what schema 12 wrote: the rows alone, no links
            behind_the_back(
                service,
                "INSERT INTO discipline_records (station_code, name, recorded_on, doc) "
                "VALUES (?, ?, ?, ?)",
                (
                    record.station_code,
                    record.name,
                    store._date(record.on),
                    canonical(to_document(record)),
                ),
            )
        report = verify_store(store)
        assert report.first_break.case_id == "discipline-record/1"
        assert "has no link" in report.first_break.problem
        reopened = reopen(service, monkeypatch)
        try:
            store = reopened.store
            assert store.schema_version() == store.latest_schema_version() >= 13
            for key in ("1", "2"):
                assert len(store.case_ledger(recorded_subject("discipline-record", key))) == 1
            report = verify_store(store)
            assert report.ok, report.first_break
            assert report.station_records_checked == 2
        finally:
            reopened.store.close()


def test_a_deleted_discipline_record_never_lends_its_number_to_the_next(filled_sql):
    service = filled_sql
    behind_the_back(service, "DELETE FROM discipline_records WHERE id = 2")  # the last one
    service.store.add_discipline_records([attrs.evolve(DISCIPLINE[0], reason="串岗")])
    keys = [key for kind, key, *_ in service.store.recorded_rows() if kind == "discipline-record"]
    assert keys == ["1", "3"]  # not 2 again: its link would hide the deletion
    report = verify_store(service.store)
    assert report.first_break.case_id == "discipline-record/2"
    assert "gone (deleted)" in report.first_break.problem


def test_a_record_deleted_behind_the_back_is_not_written_again_over_its_link(filled_sql):
    service = filled_sql
    deleted = next(r for r in STAFF if (r.station_code, r.name) == ("DY-NZ-WY", "王建军"))
    behind_the_back(
        service,
        "DELETE FROM staff_records WHERE station_code = ? AND name = ?",
        ("DY-NZ-WY", "王建军"),
    )
    head = service.store.ledger_head()
    with pytest.raises(DuplicateRecordError, match="was written before"):
        service.store.add_staff_records([attrs.evolve(deleted, days_present=0)])
    assert service.store.ledger_head() == head
    report = verify_store(service.store)
    assert report.first_break.case_id == "staff-record/2015-Q2/DY-NZ-WY/王建军"
    assert "gone (deleted)" in report.first_break.problem


def test_a_document_nested_too_deeply_is_a_break_not_a_crash(filled_sql):
    behind_the_back(
        filled_sql,
        "UPDATE discipline_records SET doc = ? WHERE id = 1",
        ("[" * 100_000 + "]" * 100_000,),
    )
    report = verify_store(filled_sql.store)
    assert report.first_break.case_id == "discipline-record/1"
    assert "nested too deeply" in report.first_break.problem


def test_the_memory_stores_records_roll_back_with_their_links(tmp_path):
    with centre("memory", tmp_path) as service:
        fill(service)
        store = service.store
        before = list(store.recorded_rows())
        head = store.ledger_head()

        def written_then_failed() -> None:
            with store.transaction():
                store.add_discipline_records([DISCIPLINE[0]])
                store.add_staff_records([attrs.evolve(STAFF[0], quarter=3)])
                raise RuntimeError("the outer transaction fails")

        with pytest.raises(RuntimeError):
            written_then_failed()
        assert list(store.recorded_rows()) == before
        assert store.ledger_head() == head
        store.add_discipline_records([DISCIPLINE[0]])  # numbered as if none had been
        assert [k for kind, k, *_ in store.recorded_rows() if kind == "discipline-record"] == [
            "1",
            "2",
            "3",
        ]
        assert verify_store(store).ok
