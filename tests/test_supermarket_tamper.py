"""Tampering with the supermarket's records behind the library's back is found by
``audit verify`` (the API and ``govservice audit verify``), on SQLite and PostgreSQL.

A centre stores one record of each chained kind (an agency, a listed service, a need, a
selection, an engagement, an agency's quarter) through the store, each write a link of the
trail. Then someone with a database client changes a field of a document, an indexed
column, deletes a record, inserts one with no link, or edits the side table of offers that
selection reads: each is reported, naming the record (``kind/key``), and a later write of a
record changed that way is refused rather than chained over the change.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs
import pytest

import test_audit
from govservice import codec
from govservice.audit import verify_store
from govservice.cli import main
from govservice.errors import TrailBrokenError
from govservice.kinds import KINDS
from govservice.store.columns import TABLES
from govservice.store.ledger import canonical
from test_audit import Database

live_database = test_audit.live_database
"""SQLite and PostgreSQL stores keeping the server's clock (as ``test_audit``'s)."""

EXAMPLES = Path(__file__).parent / "examples"

# kind: (example, a field of its document that no column is taken from, a new value,
#        the key field and another key for a record inserted with no link)
CHAINED = {
    "intermediary": (
        "listed-services-with-history",
        "name",
        "东营市某某检测公司",
        "credit_code",
        "91370500MA3D2P9W4P",
    ),
    "intermediary-service": (
        "construction-drawing-review-fixed",
        "basis",
        "无依据",
        "code",
        "ZJ-370500-099",
    ),
    "need": ("key-project-drawing-review", "budget", "1.00", "id", "XQ-2015-0099"),
    "selection": ("random-draw", "seed", "00" * 32, "id", "XQ-2015-0099-1"),
    "engagement": ("delivered-on-time", "agreed_fee", "80000.00", "id", "HT-2015-0099"),
    "agency-quarter": ("excellent", "score", "99.99", "year", 2016),
}


def _record(kind: str) -> Any:
    name = CHAINED[kind][0]
    text = (EXAMPLES / kind / "valid" / f"{name}.json").read_text(encoding="utf-8")
    return codec.from_document(KINDS[kind].model, json.loads(text))


@pytest.fixture
def centre(live_database: Database) -> Database:
    for kind in CHAINED:
        live_database.store.add(_record(kind))
    report = verify_store(live_database.store)
    assert report.ok, report.first_break
    assert report.records_checked == len(CHAINED)
    return live_database


def _where(kind: str) -> tuple[str, str, Any]:
    table, key_column, _, _ = TABLES[kind]
    return table, key_column, KINDS[kind].key(_record(kind))


def _doc(db: Database, kind: str) -> dict:
    table, key_column, key = _where(kind)
    return json.loads(db.sql(f"SELECT doc FROM {table} WHERE {key_column} = ?", key)[0][0])


def _broken(db: Database) -> Any:
    report = verify_store(db.store)
    assert not report.ok
    return report.first_break


@pytest.mark.parametrize("kind", list(CHAINED))
def test_a_document_changed_without_a_write_is_found(centre: Database, kind: str) -> None:
    table, key_column, key = _where(kind)
    document = _doc(centre, kind)
    _, field, value, _, _ = CHAINED[kind]
    assert document[field] != value
    document[field] = value
    centre.sql(f"UPDATE {table} SET doc = ? WHERE {key_column} = ?", canonical(document), key)
    broken = _broken(centre)
    assert broken.case_id == f"{kind}/{key}"
    assert "is not the one its last write chained" in broken.problem
    # nothing is chained over the change: the next write of the record, by a process that
    # remembers nothing of what it wrote, is refused
    store = _reopened(centre)
    try:
        stored = store.get(kind, key)
        head = store.ledger_head()
        with pytest.raises(TrailBrokenError, match="not the one the trail last chained"):
            store.update(stored.record, stored.version, change={"action": "laundered"})
        assert store.ledger_head() == head
        assert store.get(kind, key) == stored
    finally:
        store.close()


def _reopened(db: Database) -> Any:
    if db.backend == "sqlite":
        from govservice.store.sqlite import SqliteStore

        return SqliteStore(db.settings["path"])
    from govservice_postgres import PostgresStore

    return PostgresStore(db.settings["conninfo"], schema=db.settings["schema"])


@pytest.mark.parametrize("kind", list(CHAINED))
def test_a_column_changed_without_a_write_is_found(centre: Database, kind: str) -> None:
    table, key_column, key = _where(kind)
    centre.sql(f"UPDATE {table} SET region = ? WHERE {key_column} = ?", "370599", key)
    broken = _broken(centre)
    assert broken.case_id == f"{kind}/{key}"
    assert "column region says '370599'" in broken.problem


@pytest.mark.parametrize("kind", list(CHAINED))
def test_a_deleted_record_is_found(centre: Database, kind: str) -> None:
    table, key_column, key = _where(kind)
    if kind == "intermediary":
        centre.sql("DELETE FROM intermediary_offers WHERE credit_code = ?", key)
    centre.sql(f"DELETE FROM {table} WHERE {key_column} = ?", key)
    broken = _broken(centre)
    assert broken.case_id == f"{kind}/{key}"
    assert "gone" in broken.problem


@pytest.mark.parametrize("kind", list(CHAINED))
def test_a_record_added_without_a_link_is_found(centre: Database, kind: str) -> None:
    table, _, columns, row_of = TABLES[kind]
    _, _, _, key_field, other = CHAINED[kind]
    added = attrs.evolve(_record(kind), **{key_field: other})
    document = codec.to_document(added)
    marks = ", ".join("?" * (columns.count(",") + 2))
    centre.sql(
        f"INSERT INTO {table} ({columns}, doc) VALUES ({marks})",
        *row_of(document),
        canonical(document),
    )
    broken = _broken(centre)
    assert broken.case_id == f"{kind}/{KINDS[kind].key(added)}"
    assert "has no link in the trail" in broken.problem


def test_the_side_table_of_offers_is_checked_against_the_agencies(centre: Database) -> None:
    agency = _record("intermediary")
    centre.sql(
        "INSERT INTO intermediary_offers (service_code, credit_code) VALUES (?, ?)",
        "ZJ-370500-001",
        agency.credit_code,
    )
    broken = _broken(centre)
    assert broken.case_id == f"intermediary/{agency.credit_code}"
    assert "offers ZJ-370500-001; its record does not" in broken.problem
    centre.sql("DELETE FROM intermediary_offers")
    broken = _broken(centre)
    assert "leaves it out, so selection would not see it" in broken.problem
    assert centre.store.agencies_offering("ZJ-370500-002") == []


def test_the_command_line_names_the_record(
    centre: Database, tmp_path: Path, capsys, monkeypatch
) -> None:
    if centre.backend == "postgresql":
        monkeypatch.setenv("GOVSERVICE_PLUGINS", "postgresql")  # the CLI's store
    settings = json.dumps(centre.settings, ensure_ascii=False)
    config = tmp_path / "centre.yaml"
    config.write_text(
        f"name: 测试中心\nregion: '370500'\nstorage:\n  backend: {centre.backend}\n"
        f"  settings: {settings}\n",
        encoding="utf-8",
    )
    assert main(["--config", str(config), "audit", "verify"]) == 0
    out = capsys.readouterr().out
    assert (
        "6 record(s) of the intermediary supermarket and the blacklists agree with their last "
        "link" in out
    )
    table, key_column, key = _where("selection")
    document = _doc(centre, "selection")
    document["seed"] = "ff" * 32
    centre.sql(f"UPDATE {table} SET doc = ? WHERE {key_column} = ?", canonical(document), key)
    assert main(["--config", str(config), "audit", "verify"]) == 1
    out = capsys.readouterr().out
    assert f"(record selection/{key})" in out
    assert "trail BROKEN" in out


def test_agencies_stored_before_schema_9_are_counted_then_attested_once(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    import sqlite3

    import govservice.store.sqlite as sqlite_module
    from govservice.audit import attest_legacy_records
    from govservice.store.migrations import migrations

    path = tmp_path / "old.db"
    everything = migrations
    monkeypatch.setattr(sqlite_module, "migrations", lambda dialect: everything(dialect)[:8])
    sqlite_module.SqliteStore(path).close()  # a centre's database at schema 8
    old = attrs.evolve(_record("intermediary"), history=())
    document = codec.to_document(old)
    with sqlite3.connect(path) as db:  # the agency as a govservice before schema 9 stored it
        db.execute(
            "INSERT INTO intermediaries (credit_code, region, status, doc) VALUES (?, ?, ?, ?)",
            (old.credit_code, old.region, old.status.value, canonical(document)),
        )
    db.close()
    monkeypatch.undo()

    store = sqlite_module.SqliteStore(path)  # migrated to schema 9
    try:
        assert store.schema_version() == len(migrations("sqlite"))
        report = verify_store(store)
        assert report.ok, report.first_break
        assert (report.unchained_records, report.records_checked) == (1, 0)
        assert [d["credit_code"] for d, _ in store.agencies_offering("ZJ-370500-002")] == [
            old.credit_code
        ]
        store.add(_record("need"))  # written since: chained, checked
        assert attest_legacy_records(store) == 1
        assert attest_legacy_records(store) == 0  # once
        (link,) = [
            json.loads(e.text) for e in store.case_ledger(f"intermediary/{old.credit_code}")
        ]
        assert link["change"]["action"] == "attested"
        report = verify_store(store)
        assert report.ok, report.first_break
        assert (report.unchained_records, report.records_checked) == (0, 2)
        with sqlite3.connect(path) as db:  # attested, it is checked as every other
            db.execute("UPDATE intermediaries SET doc = replace(doc, ?, ?)", (old.name, "改名"))
        db.close()
        broken = verify_store(store).first_break
        assert broken.case_id == f"intermediary/{old.credit_code}"
        assert "not the one its last write chained" in broken.problem
    finally:
        store.close()
