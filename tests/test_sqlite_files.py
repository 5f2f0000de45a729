"""The SQLite store and its file: a new file is set up right; a file that is not a
govservice database (damaged, another application's, from a newer govservice, missing) is
refused with a clear error naming it, and is left exactly as it was."""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import attrs
import pytest

from govservice.errors import DatabaseVersionError, ForeignDatabaseError, StoreError
from govservice.samples import make_case
from govservice.store.base import CaseQuery
from govservice.store.migrations import migrations
from govservice.store.sqlite import APPLICATION_ID, SqliteStore

LATEST = len(migrations("sqlite"))


def fingerprint(path: Path) -> tuple:
    """Everything opening must not change: the file's bytes and times, and the folder's
    listing (no journal, WAL or shared-memory file left behind)."""
    folder = sorted(p.name for p in path.parent.iterdir()) if path.parent.exists() else None
    if not path.exists():
        return (None, folder)
    stat = path.stat()
    return (path.read_bytes(), stat.st_mtime_ns, stat.st_size, folder)


@pytest.fixture
def real_db(tmp_path) -> Path:
    """A govservice database of a few hundred pages, checkpointed and closed."""
    path = tmp_path / "real.db"
    store = SqliteStore(path)
    with store.transaction():
        for n in range(300):
            store.add(make_case(id=f"DY2015-{n:08d}", attributes={"memo": "办件备注" * 60}))
    store.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["real.db"]
    return path


def _page_size(data: bytes) -> int:
    size = int.from_bytes(data[16:18], "big")
    return 65536 if size == 1 else size


@contextlib.contextmanager
def _connect(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only look at the file, closed afterwards."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        yield db
    finally:
        db.close()


# --- damaged files ---------------------------------------------------------------------------


def random_bytes(real: bytes) -> bytes:
    return random.Random(2015).randbytes(64 * 1024)


def json_text(real: bytes) -> bytes:
    return '{"id": "DY2015-00000001", "region": "广饶"}\n'.encode()


def truncated(real: bytes) -> bytes:
    return real[: len(real) // 2]


def header_only(real: bytes) -> bytes:
    return real[:100]


def middle_overwritten(real: bytes) -> bytes:
    middle = len(real) // 2
    noise = random.Random(7).randbytes(8192)
    return real[:middle] + noise + real[middle + len(noise) :]


def migrations_page_zeroed(real: bytes, rootpage: int) -> bytes:
    size = _page_size(real)
    start = (rootpage - 1) * size
    return real[:start] + bytes(size) + real[start + size :]


DAMAGE = [
    pytest.param(random_bytes, id="random-bytes"),
    pytest.param(json_text, id="a-json-file"),
    pytest.param(truncated, id="truncated-to-half"),
    pytest.param(header_only, id="header-only"),
]


def _check_refused(
    path: Path, error_class: type[StoreError], *words: str, create: bool = True
) -> StoreError:
    before = fingerprint(path)
    with pytest.raises(StoreError) as raised:
        SqliteStore(path, create=create)
    error = raised.value
    assert type(error) is error_class, f"{type(error).__name__}: {error}"
    assert error.where == str(path)
    assert str(path) in str(error)
    for word in words:
        assert word in error.message
    assert fingerprint(path) == before, "opening changed the file or its folder"
    return error


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_file_is_refused_untouched(real_db, damage: Callable[[bytes], bytes]):
    damaged = real_db.with_name("damaged.db")
    damaged.write_bytes(damage(real_db.read_bytes()))
    _check_refused(damaged, ForeignDatabaseError)


def test_a_file_with_its_migrations_table_damaged_is_refused_untouched(real_db):
    with _connect(real_db) as db:
        (rootpage,) = db.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'govservice_migrations'"
        ).fetchone()
    damaged = real_db.with_name("damaged.db")
    damaged.write_bytes(migrations_page_zeroed(real_db.read_bytes(), rootpage))
    _check_refused(damaged, ForeignDatabaseError)


def test_a_file_damaged_inside_is_refused_where_it_is_read_untouched(real_db):
    """Opening does not read every page (that would take seconds on a county's database):
    damage deep inside is found where a query reads it, and reported as such, never as a
    raw driver error; the database file itself is not written."""
    damaged = real_db.with_name("damaged.db")
    damaged.write_bytes(middle_overwritten(real_db.read_bytes()))
    before = damaged.read_bytes()

    def read_everything() -> None:
        store = SqliteStore(damaged, migrate=False, create=False)
        try:
            page = store.list("case", limit=1000)
            while page.next_after is not None:
                page = store.list("case", limit=1000, after=page.next_after)
            store.find_cases(CaseQuery(), limit=1000)
        finally:
            store.close()

    with pytest.raises(ForeignDatabaseError, match="damaged") as raised:
        read_everything()
    assert raised.value.where == str(damaged)
    assert damaged.read_bytes() == before


def test_a_damaged_file_is_refused_also_without_migrating(real_db):
    damaged = real_db.with_name("damaged.db")
    damaged.write_bytes(truncated(real_db.read_bytes()))
    before = fingerprint(damaged)
    with pytest.raises(ForeignDatabaseError, match="damaged"):
        SqliteStore(damaged, migrate=False, create=False)
    assert fingerprint(damaged) == before


# --- databases that are not ours -------------------------------------------------------------


@pytest.mark.parametrize("journal_mode", ["delete", "wal"])
def test_another_applications_database_is_refused_untouched(tmp_path, journal_mode):
    path = tmp_path / "notes.db"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA journal_mode = {journal_mode}")
    db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
    db.execute("INSERT INTO notes (body) VALUES ('别人的笔记')")
    db.commit()
    db.close()
    _check_refused(path, ForeignDatabaseError, "another application")
    with _connect(path) as db:
        assert db.execute("SELECT body FROM notes").fetchall() == [("别人的笔记",)]
        assert db.execute("PRAGMA application_id").fetchone() == (0,)


def test_another_applications_database_with_its_own_id_is_refused(tmp_path):
    path = tmp_path / "other.db"
    db = sqlite3.connect(path)
    db.execute("PRAGMA application_id = 1234")
    db.execute("CREATE TABLE things (x)")
    db.commit()
    db.close()
    _check_refused(path, ForeignDatabaseError)


def test_a_database_from_a_newer_govservice_is_refused_untouched(real_db):
    db = sqlite3.connect(real_db)
    with db:
        db.execute(
            "INSERT INTO govservice_migrations VALUES (?, ?, ?)",
            (LATEST + 1, f"{LATEST + 1:04d}_from_the_future.sql", "2030-01-01T00:00:00+00:00"),
        )
    db.close()
    error = _check_refused(real_db, DatabaseVersionError, str(LATEST + 1), str(LATEST))
    assert "upgrade" in error.message
    with _connect(real_db) as db:
        assert db.execute("SELECT count(*) FROM cases").fetchone() == (300,)


# --- no file ---------------------------------------------------------------------------------


@pytest.mark.parametrize("exists", [False, True], ids=["missing", "empty"])
def test_no_database_with_create_false_is_refused_and_nothing_made(tmp_path, exists):
    path = tmp_path / "govservice.db"
    if exists:
        path.write_bytes(b"")
    _check_refused(path, StoreError, "govservice db init", create=False)
    assert path.exists() is exists


@pytest.mark.parametrize("create", [False, True])
def test_a_missing_folder_is_refused_and_not_made(tmp_path, create):
    path = tmp_path / "no-such-folder" / "govservice.db"
    _check_refused(path, StoreError, create=create)
    assert not path.parent.exists()


# --- a new database --------------------------------------------------------------------------


@pytest.mark.parametrize("exists", [False, True], ids=["new-file", "empty-file"])
def test_a_new_database_is_set_up(tmp_path, exists):
    path = tmp_path / "govservice.db"
    if exists:
        path.write_bytes(b"")
    before = dt.datetime.now(dt.UTC)
    store = SqliteStore(path)
    try:
        assert store.schema_version() == LATEST
        assert store.migrate() == []  # nothing left to apply
        assert store._db.execute("PRAGMA foreign_keys").fetchone() == (1,)  # per connection
        store.add(make_case(id="DY2015-00000001"))
    finally:
        store.close()

    assert path.read_bytes()[:16] == b"SQLite format 3\x00"
    with _connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert db.execute("PRAGMA application_id").fetchone() == (APPLICATION_ID,)
        rows = db.execute("SELECT number, name, applied_at FROM govservice_migrations").fetchall()
        assert db.execute("PRAGMA quick_check").fetchone() == ("ok",)
    assert [(number, name) for number, name, _ in rows] == [
        (m.number, m.name) for m in migrations("sqlite")
    ]
    for _, _, applied_at in rows:
        applied = dt.datetime.fromisoformat(applied_at)
        assert applied.utcoffset() is not None
        assert before - dt.timedelta(seconds=5) <= applied <= dt.datetime.now(dt.UTC)


def test_reopening_applies_nothing_again(real_db):
    with _connect(real_db) as db:
        rows = db.execute("SELECT * FROM govservice_migrations").fetchall()
    for create in (True, False):
        store = SqliteStore(real_db, create=create)
        try:
            assert store.schema_version() == LATEST
            assert store.migrate() == []
            assert store.count_cases(CaseQuery()) == 300
        finally:
            store.close()
    with _connect(real_db) as db:
        assert db.execute("SELECT * FROM govservice_migrations").fetchall() == rows


# --- stations read again (the registry of staff) --------------------------------------------


def test_a_station_changed_by_another_connection_is_read_anew(tmp_path):
    from govservice.model import StaffMember
    from govservice.samples import make_station

    path = tmp_path / "centre.db"
    reader, writer = SqliteStore(path), SqliteStore(path)
    try:
        clerk = StaffMember(name="李娜", role="window_clerk", staff_number="DY-0101")
        station = make_station(staff=(clerk,))
        reader.add(station)
        code = station.code
        first = reader.get("station", code)
        assert reader.get("station", code) == first  # read again: the same record
        stored = writer.get("station", code)
        replaced = StaffMember(name="王芳", role="window_clerk", staff_number="DY-0102")
        writer.update(attrs.evolve(stored.record, staff=(replaced,)), stored.version)
        again = reader.get("station", code)
        assert [m.name for m in again.record.staff] == ["王芳"]
        assert again.version == first.version + 1
        with sqlite3.connect(path) as db:  # even a change that keeps the version
            db.execute("UPDATE stations SET doc = replace(doc, '王芳', '赵敏')")
        db.close()
        assert [m.name for m in reader.get("station", code).record.staff] == ["赵敏"]
    finally:
        reader.close()
        writer.close()


# --- a record changed outside govservice is not written over ---------------------------------


def test_a_case_changed_in_the_database_is_not_laundered_by_the_next_write(tmp_path):
    from govservice.errors import TrailBrokenError

    path = tmp_path / "centre.db"
    store = SqliteStore(path)
    case = make_case(id="LAUNDER-1")
    store.add(case)
    store.close()
    with sqlite3.connect(path) as db:  # the document and its columns, changed consistently
        db.execute(
            "UPDATE cases SET doc = json_set(doc, '$.green_channel', json('true')), "
            "green_channel = 1 WHERE id = 'LAUNDER-1'"
        )
    db.close()
    store = SqliteStore(path)  # a new process: nothing remembered of what was written
    try:
        stored = store.get("case", "LAUNDER-1")
        assert stored.record.green_channel is True
        head = store.ledger_head()
        with pytest.raises(TrailBrokenError, match="not the one the trail last chained"):
            store.update(attrs.evolve(stored.record, handler="王芳"), stored.version)
        assert store.ledger_head() == head  # nothing chained
        assert store.get("case", "LAUNDER-1") == stored  # nothing written
    finally:
        store.close()


def test_a_case_written_through_govservice_is_updated_from_a_new_connection(tmp_path):
    path = tmp_path / "centre.db"
    store = SqliteStore(path)
    store.add(make_case(id="SEALED-1"))
    store.close()
    store = SqliteStore(path)
    try:
        stored = store.get("case", "SEALED-1")
        updated = store.update(attrs.evolve(stored.record, handler="王芳"), stored.version)
        assert updated.version == stored.version + 1
    finally:
        store.close()
