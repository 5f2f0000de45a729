"""The SQLite store: the embedded default, one file, nothing to install.

Records are JSON documents beside real, indexed columns for what queries filter on. The
file is opened in WAL mode with foreign keys on; migrations are applied on open, each in
its own transaction. A file that is not a govservice database, is damaged, or was written
by a newer govservice is refused before anything is written to it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import sqlite3
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from govservice.codec import to_document
from govservice.errors import (
    DatabaseVersionError,
    DuplicateRecordError,
    ForeignDatabaseError,
    StoreError,
)
from govservice.kinds import CHAINED_KINDS, kind_of
from govservice.model import Item
from govservice.store.base import ItemHead, NestedTransactions, Stored
from govservice.store.bulk import PackedImport
from govservice.store.catalog_sql import SqlCatalog
from govservice.store.chained import ADDED, change_link
from govservice.store.columns import ITEM_COLUMNS, TABLES, item_row
from govservice.store.guiding_sql import SqlGuiding
from govservice.store.ledger import chain_rows, record_digest
from govservice.store.migrations import migrations
from govservice.store.migrations.steps import after_migration
from govservice.store.sql import SqlQueries, dumps, same_item, written_form
from govservice.store.stations_sql import SqlStations

APPLICATION_ID = 0x47535643  # "GSVC": marks the file as a govservice database
_SQLITE_MAGIC = b"SQLite format 3\x00"


def _translated(method):
    """Turn the driver's errors into govservice's: a damaged file, a locked database."""

    @functools.wraps(method)
    def call(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except sqlite3.IntegrityError:
            raise
        except sqlite3.OperationalError as error:
            raise StoreError(f"the database refused: {error}", where=str(self.path)) from None
        except sqlite3.DatabaseError as error:
            raise ForeignDatabaseError(
                f"the database is damaged: {error}", where=str(self.path)
            ) from None

    return call


def _translate_errors(cls):
    for name, member in list(vars(cls).items()):
        if callable(member) and not name.startswith("_") and name != "transaction":
            setattr(cls, name, _translated(member))
    return cls


@_translate_errors
class SqliteStore(
    PackedImport, SqlCatalog, SqlGuiding, SqlStations, SqlQueries, NestedTransactions
):
    """A govservice database in one SQLite file (see :class:`~govservice.store.base.Store`);
    the reading queries come from :class:`~govservice.store.sql.SqlQueries`."""

    dialect = "sqlite"

    CACHE_MIB = 64
    """The page cache of a connection, at most (SQLite's own default is 2 MiB): a large
    transaction (a partner's exchange file, a batch of cases) keeps the pages of its
    indexes in memory instead of spilling them to the file and reading them back."""

    def __init__(
        self,
        path: str | Path,
        *,
        create: bool = True,
        migrate: bool = True,
        cache_mib: int = CACHE_MIB,
    ) -> None:
        self.path = Path(path)
        where = str(self.path)
        fresh = not self.path.exists() or self.path.stat().st_size == 0
        if fresh and not create:
            raise StoreError("no database here; create it with `govservice db init`", where=where)
        if not fresh:
            _check_header(self.path)
        try:
            self._db = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=30
            )
        except sqlite3.Error as error:
            raise StoreError(f"cannot open the database: {error}", where=where) from None
        try:
            self._check_identity(fresh)
            self._db.execute("PRAGMA foreign_keys = ON")
            self._use_wal()
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.execute(f"PRAGMA cache_size = {-int(cache_mib) * 1024}")
            if migrate:
                self.migrate()
        except Exception:
            self._db.close()
            raise

    # --- opening and migrating ------------------------------------------------------------

    def _use_wal(self) -> None:
        """Switch a new file to WAL. SQLite does not wait for a lock to change the journal
        mode, so when several processes open a new file at once, retry for a while."""
        deadline = time.monotonic() + 30
        while self._db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            try:
                self._db.execute("PRAGMA journal_mode = WAL")
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    def _check_identity(self, fresh: bool) -> None:
        where = str(self.path)
        try:
            self._db.execute("BEGIN")  # one snapshot: another process may be creating it
            try:
                application_id = self._db.execute("PRAGMA application_id").fetchone()[0]
                tables = {row[0] for row in self._db.execute("SELECT name FROM sqlite_master")}
                version = self.schema_version() if "govservice_migrations" in tables else 0
            finally:
                self._db.execute("COMMIT")
        except sqlite3.DatabaseError as error:
            raise ForeignDatabaseError(f"the database is damaged: {error}", where=where) from None
        if application_id != APPLICATION_ID and tables:
            raise ForeignDatabaseError(
                "an SQLite database of another application, not a govservice database",
                where=where,
            )
        latest = len(migrations(self.dialect))
        if version > latest:
            raise DatabaseVersionError(
                f"the database is at schema {version}, newer than this govservice "
                f"(schema {latest}); upgrade govservice to open it",
                where=where,
            )

    def schema_version(self) -> int:
        exists = self._db.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'govservice_migrations'"
        ).fetchone()
        if not exists:
            return 0
        return self._db.execute("SELECT max(number) FROM govservice_migrations").fetchone()[0] or 0

    def latest_schema_version(self) -> int:
        return len(migrations(self.dialect))

    def count(self, kind: str) -> int:
        table = "items" if kind == "item" else TABLES[kind][0]
        return self._db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    def migrate(self) -> list[int]:
        """Apply every pending migration; returns the numbers applied."""
        applied = []
        for migration in migrations(self.dialect):
            if migration.number <= self.schema_version():
                continue
            with self.transaction():  # BEGIN IMMEDIATE: one process migrates at a time
                if migration.number <= self.schema_version():
                    continue  # another process applied it while this one waited
                if migration.number == 1:
                    self._db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                    self._db.execute(
                        "CREATE TABLE govservice_migrations (number INTEGER PRIMARY KEY, "
                        "name TEXT NOT NULL, applied_at TEXT NOT NULL)"
                    )
                for statement in _statements(migration.sql):
                    self._db.execute(statement)
                after_migration(self, migration.number)  # its data step, if it has one
                self._db.execute(
                    "INSERT INTO govservice_migrations VALUES (?, ?, ?)",
                    (migration.number, migration.name, dt.datetime.now(dt.UTC).isoformat()),
                )
            applied.append(migration.number)
        return applied

    def close(self) -> None:
        self._db.close()

    @_translated  # the shared queries of SqlQueries go through these two
    def _rows(self, sql: str, parameters: tuple | list = ()) -> list[tuple]:
        return self._db.execute(sql, parameters).fetchall()

    @_translated
    def _execute(self, sql: str, parameters: tuple | list = ()) -> int:
        return self._db.execute(sql, parameters).rowcount

    @_translated
    def _execute_many(self, sql: str, rows: list[tuple]) -> None:
        try:
            self._db.executemany(sql, rows)
        except sqlite3.IntegrityError as error:  # only the trail is written this way
            raise StoreError(
                f"the trail's head and its events disagree ({error}); nothing was written. "
                "Run `govservice audit verify`",
                where=str(self.path),
            ) from None

    BULK_LOAD = 10_000
    """New rows from which :meth:`add_documents` builds a table's indexes anew after
    writing them, when the table held no more rows before."""

    @contextlib.contextmanager
    def _bulk_load(self, table: str, adding: int) -> Iterator[None]:
        """Write many new rows into a table holding fewer: drop its indexes (but those
        that are unique) in the transaction, and make them again from their definitions
        once the rows are in. Sorting every key once costs SQLite less than putting the
        keys one by one into half a dozen B-trees (the writes of a 100,000-entry exchange
        file take half the time). The transaction holds it all: another connection sees
        the indexes as they were until it commits, and a rollback restores them."""
        if adding < self.BULK_LOAD:
            yield
            return
        (held,) = self._db.execute(f"SELECT count(*) FROM {table}").fetchone()
        if held > adding:
            yield
            return
        indexes = self._db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
            "AND sql IS NOT NULL AND upper(sql) NOT LIKE 'CREATE UNIQUE%'",
            (table,),
        ).fetchall()
        for name, _ in indexes:
            self._db.execute(f'DROP INDEX "{name}"')
        try:
            yield
        finally:
            for _, sql in indexes:  # even on the way out of a failure: nothing is left
                self._db.execute(sql)  # without its indexes, whoever commits

    @_translated  # another process holding the database past the timeout: a StoreError
    def _begin(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    @_translated  # a full disk, an I/O error: a StoreError, and nothing is stored
    def _commit(self, token: Any) -> None:
        try:
            self._db.execute("COMMIT")
        except sqlite3.Error:
            if self._db.in_transaction:  # a failed COMMIT may leave it open: ended here
                self._db.execute("ROLLBACK")
            raise

    def _rollback(self, token: Any) -> None:
        self._db.execute("ROLLBACK")

    # --- the catalog (reading: SqlQueries) --------------------------------------------------

    _heads: dict[str, ItemHead | None] | None = None
    """The status of items read in this transaction: under ``BEGIN IMMEDIATE`` no other
    connection writes until it ends, so the catalog changes only through this store's
    :meth:`add_item` and :meth:`import_rows` (which forget it) while it lasts."""

    def item_status(self, code: str) -> ItemHead | None:
        heads = self._heads
        if heads is not None and code in heads:
            return heads[code]
        head = SqlQueries.item_status(self, code)
        if self._depth:  # inside a transaction: kept until it ends
            if heads is None:
                heads = self._heads = {}
            heads[code] = head
        return head

    def _ended(self, committed: bool) -> None:
        self._heads = None
        super()._ended(committed)

    def add_item(self, item: Item) -> None:
        document = to_document(item)
        text = dumps(document)
        self._heads = None
        with self.transaction():
            row = self._db.execute(
                "SELECT doc FROM items WHERE code = ? AND version = ?", (item.code, item.version)
            ).fetchone()
            if row is not None:
                if not same_item(row[0], text, item):
                    raise DuplicateRecordError(
                        f"item {item.code} version {item.version} is already in the catalog "
                        "with other content; add a new version instead"
                    )
                return
            self._db.execute(
                f"INSERT INTO items ({ITEM_COLUMNS}, doc) VALUES (?, ?, ?, ?, ?, ?)",
                (*item_row(document), text),
            )

    # --- mutable records -------------------------------------------------------------------

    def add(self, record: Any, *, version: int = 1, change: dict | None = None) -> Stored[Any]:
        kind = kind_of(record)
        table, _, columns, _ = TABLES[kind.name]
        chained = kind.name in CHAINED_KINDS
        link = change_link(change, ADDED) if chained else None
        row, text, texts = written_form(kind.name, record)  # text: what dumps() gives
        marks = ", ".join("?" * (columns.count(",") + 3))
        with self.transaction():
            if kind.name == "case" or chained:
                self._lock_ledger()
            try:
                self._db.execute(
                    f"INSERT INTO {table} ({columns}, version, doc) VALUES ({marks})",
                    (*row, version, text),
                )
            except sqlite3.IntegrityError:
                raise DuplicateRecordError(
                    f"{kind.name} {kind.key(record)} is already stored"
                ) from None
            if kind.name == "case":  # its events (their texts), and the record it is stored as
                self._append_ledger(record.id, texts, record=record_digest(text), texts=texts)
            elif link is not None:
                self._chain_record(kind.name, kind.key(record), text, link, record)
            self._remember(kind.name, kind.key(record), version, row, texts)
        return Stored(record, version)

    def add_all(self, records: Sequence[tuple[Any, int]]) -> list[Stored[Any]]:
        """:meth:`add` of each ``(record, version)`` of ``records`` (new records of one
        kind, in order), in one transaction, with one statement for the records and one
        for their links: what :meth:`add` of each in turn would store and chain.

        :raises DuplicateRecordError: one is already stored (naming the first); nothing is
            written when the caller's transaction rolls back (the work of a batch).
        """
        if not records:
            return []
        kind = kind_of(records[0][0])
        if kind.name in CHAINED_KINDS or any(kind_of(record) is not kind for record, _ in records):
            return [self.add(record, version=version) for record, version in records]
        table, _, columns, _ = TABLES[kind.name]
        marks = ", ".join("?" * (columns.count(",") + 3))
        rows, links, written = [], [], []
        with self.transaction():
            head = self._lock_ledger() if kind.name == "case" else None
            for record, version in records:
                row, text, texts = written_form(kind.name, record)  # text: what dumps() gives
                rows.append((*row, version, text))
                written.append((kind.key(record), version, row, texts))
                if kind.name == "case":  # its events (their texts), and the record stored
                    chained = chain_rows(
                        head, record.id, texts, record=record_digest(text), texts=texts
                    )
                    links += chained
                    head = (chained[-1][0], chained[-1][4])
            before = self._db.total_changes
            try:
                self._db.executemany(
                    f"INSERT INTO {table} ({columns}, version, doc) VALUES ({marks})", rows
                )
            except sqlite3.IntegrityError:
                first = records[self._db.total_changes - before][0]  # the row refused
                raise DuplicateRecordError(
                    f"{kind.name} {kind.key(first)} is already stored"
                ) from None
            if links:
                self._execute_many(
                    "INSERT INTO case_events (seq, case_id, doc, prev_hash, hash) "
                    "VALUES (?, ?, ?, ?, ?)",
                    links,
                )
                self._ledger_tail = head
                self._head_moved = True
            for key, version, row, texts in written:
                self._remember(kind.name, key, version, row, texts)
        return [Stored(record, version) for record, version in records]

    # --- bulk ------------------------------------------------------------------------------

    def import_rows(self, kind: str, rows: list[tuple]) -> int:
        if kind in CHAINED_KINDS:
            return self._import_chained(kind, rows)
        if kind == "item":
            self._heads = None
            table, columns = "items", ITEM_COLUMNS
        else:
            table, _, columns, _ = TABLES[kind]
        marks = ", ".join("?" * (columns.count(",") + 2))
        with self.transaction():
            before = self._db.total_changes
            self._db.executemany(
                f"INSERT INTO {table} ({columns}, doc) VALUES ({marks}) ON CONFLICT DO NOTHING",
                rows,
            )
            return self._db.total_changes - before


def _check_header(path: Path) -> None:
    try:
        with path.open("rb") as stream:
            header = stream.read(len(_SQLITE_MAGIC))
    except OSError as error:
        raise StoreError(f"cannot read the database: {error.strerror}", where=str(path)) from None
    if header != _SQLITE_MAGIC:
        raise ForeignDatabaseError(
            "not an SQLite database (a damaged file, or another kind of file)", where=str(path)
        )


def _statements(script: str) -> list[str]:
    """The statements of a migration script (``;`` ends one; ``--`` comments are dropped)."""
    lines = [line for line in script.splitlines() if not line.strip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
