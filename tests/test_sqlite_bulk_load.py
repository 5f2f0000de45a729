"""Many new records written at once into SQLite (a partner's exchange file): the table's
indexes are dropped and made again inside the transaction, and nothing is ever left
without them, whether the writing succeeds or fails."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from govservice.audit import verify_store
from govservice.codec import to_document
from govservice.errors import StoreError
from govservice.model import BlacklistEntry, Identifier, ListingSource, Party
from govservice.samples import credit_code
from govservice.store.sqlite import SqliteStore

KIND = "blacklist-entry"


def documents(count: int, start: int = 0) -> list[tuple[dict, None]]:
    return [
        (
            to_document(
                BlacklistEntry(
                    id=f"BL-{number:06d}",
                    subject=Party(
                        kind="enterprise",
                        name=f"东营市第{number}建筑工程有限公司",
                        identifier=Identifier(kind="uscc", number=credit_code(number)),
                    ),
                    reason="在招标投标活动中串通投标",
                    authority="东营市公共资源交易监督管理办公室",
                    source=ListingSource(kind="own", region="370500"),
                    listed_on=dt.date(2015, 3, 1),
                    penalty_from=dt.date(2015, 3, 1),
                    penalty_until=dt.date(2017, 2, 28),
                )
            ),
            None,
        )
        for number in range(start, start + count)
    ]


def indexes(path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as db:
        return db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
            "AND tbl_name = 'blacklist_entries' ORDER BY name"
        ).fetchall()


@pytest.fixture
def store(tmp_path):
    store = SqliteStore(tmp_path / "centre.db")
    store.BULK_LOAD = 50  # a bulk load from 50 new rows on, to keep the test small
    yield store
    store.close()


def test_a_bulk_load_leaves_every_index_as_it_was_and_used(store):
    before = indexes(store.path)
    assert len(before) >= 6
    dropped: list[str] = []
    store._db.set_trace_callback(lambda sql: dropped.append(sql) if "DROP INDEX" in sql else 0)
    assert store.add_documents(KIND, documents(200)) == 200
    store._db.set_trace_callback(None)
    assert dropped  # the indexes were made anew, not written one key at a time
    assert indexes(store.path) == before
    number = credit_code(123)
    plan = store._db.execute(
        "EXPLAIN QUERY PLAN SELECT id FROM blacklist_entries WHERE subject_number = ?",
        (number,),
    ).fetchall()
    assert "blacklist_subject" in str(plan)
    found = store.records_where(KIND, subject_number=number)
    assert [stored.record.id for stored in found] == ["BL-000123"]
    assert verify_store(store).ok  # every entry with its link of the trail


def test_few_rows_or_a_fuller_table_are_written_key_by_key(store):
    store.add_documents(KIND, documents(200))
    statements: list[str] = []
    store._db.set_trace_callback(statements.append)
    store.add_documents(KIND, documents(40, start=200))  # under BULK_LOAD
    store.add_documents(KIND, documents(100, start=300))  # the table holds more already
    store._db.set_trace_callback(None)
    assert not [sql for sql in statements if "DROP INDEX" in sql]


@pytest.mark.parametrize("caught", [False, True])
def test_a_failure_while_writing_leaves_the_indexes(store, monkeypatch, caught):
    before = indexes(store.path)
    calls = []
    real = store._execute_many

    def failing(sql, rows):
        calls.append(sql)
        if len(calls) == 2:
            raise StoreError("the disk is full", where=str(store.path))
        real(sql, rows)

    monkeypatch.setattr(store, "_execute_many", failing)
    if caught:  # a caller that swallows the failure and commits what else it wrote
        with store.transaction():
            with pytest.raises(StoreError):
                store.add_documents(KIND, documents(200))
            store.set_setting("after", "the failure")
    else:
        with pytest.raises(StoreError, match="the disk is full"):
            store.add_documents(KIND, documents(200))
    assert indexes(store.path) == before
    with sqlite3.connect(store.path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_the_page_cache_is_a_setting_of_the_store(tmp_path):
    from govservice.config import Config
    from govservice.errors import ConfigError
    from govservice.service import GovService

    def centre(**settings):
        config = Config(
            name="东营市政务服务中心",
            region="370500",
            storage_backend="sqlite",
            storage_settings={"path": str(tmp_path / "centre.db"), **settings},
        )
        return GovService(config, environ={"GOVSERVICE_PLUGINS": ""})

    default = centre().store
    assert default._db.execute("PRAGMA cache_size").fetchone() == (-64 * 1024,)
    default.close()
    small = centre(cache_mib=16).store
    assert small._db.execute("PRAGMA cache_size").fetchone() == (-16 * 1024,)
    small.close()
    for bad in (0, "64", 1.5, True):
        with pytest.raises(ConfigError, match="cache_mib"):
            centre(cache_mib=bad).store  # noqa: B018
