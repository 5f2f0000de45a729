"""The PostgreSQL store: :class:`PostgresStore`, one schema of one database.

It keeps the promises of :class:`~govservice.store.sqlite.SqliteStore` (the reference SQL
backend) with the same tables, columns, orders, versions, errors and messages; see the
package docstring for the settings and for what differs in how it gets there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import psycopg
from psycopg import sql

from govservice.codec import to_document
from govservice.errors import (
    DatabaseUnavailableError,
    DatabaseVersionError,
    DuplicateRecordError,
    ForeignDatabaseError,
    StoreError,
)
from govservice.kinds import CHAINED_KINDS, kind_of
from govservice.model import Item
from govservice.store.base import (
    CaseQuery,
    NestedTransactions,
    Stored,
)
from govservice.store.bulk import Packer, pack_rows, unpack_rows
from govservice.store.catalog_sql import SqlCatalog
from govservice.store.chained import ADDED, change_link
from govservice.store.columns import ITEM_COLUMNS, TABLES, item_row
from govservice.store.guiding_sql import SqlGuiding
from govservice.store.ledger import record_digest
from govservice.store.migrations import migrations
from govservice.store.migrations.steps import after_migration
from govservice.store.sql import SqlQueries, dumps, same_item, written_form
from govservice.store.stations_sql import SqlStations
from govservice_postgres.connect import connect, describe, parse
from govservice_postgres.copytext import copy_lines, with_texts
from govservice_postgres.text import decode, encode

MIGRATIONS_PACKAGE = "govservice_postgres.migrations"
LOCK_CLASS = 0x47535643  # "GSVC": advisory locks of govservice, beside the schema's hash
_TABLE_KINDS = ("r", "p", "v", "m", "f")  # tables, partitioned tables, views, foreign tables


class PostgresStore(SqlCatalog, SqlGuiding, SqlStations, SqlQueries, NestedTransactions):
    """A govservice database in one schema of a PostgreSQL database
    (see :class:`~govservice.store.base.Store`)."""

    dialect = "postgresql"

    def __init__(
        self, conninfo: str, *, schema: str = "public", create: bool = True, migrate: bool = True
    ) -> None:
        parameters = parse(conninfo)
        self.where = describe(parameters)
        self.schema = schema
        if not schema or len(schema.encode()) > 63:
            raise StoreError(
                f"schema {schema!r}: a PostgreSQL name has 1 to 63 bytes", where=self.where
            )
        self._conn = connect(conninfo, parameters, self.where)
        try:
            self._open(create)
            if migrate:
                self.migrate()
        except BaseException:
            self._conn.close()
            raise

    def __repr__(self) -> str:
        return f"PostgresStore({self.where!r}, schema={self.schema!r})"

    # --- opening and migrating ------------------------------------------------------------

    def _open(self, create: bool) -> None:
        """Refuse what is not ours before writing anything; then create the schema."""
        schema = self.schema
        # One read-only snapshot: another process may be creating or migrating the schema.
        self._run("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        try:
            exists = self._run(
                "SELECT EXISTS (SELECT FROM pg_namespace WHERE nspname = %s)", (schema,)
            ).fetchone()[0]
            tables = [
                name
                for (name,) in self._run(
                    "SELECT c.relname FROM pg_class AS c JOIN pg_namespace AS n "
                    "ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind = ANY(%s) "
                    'ORDER BY c.relname COLLATE "C"',
                    (schema, list(_TABLE_KINDS)),
                )
            ]
            version = self.schema_version()
        finally:
            self._run("COMMIT")
        if not tables and not create:
            raise StoreError(
                f"no govservice database in schema {schema}; create it with `govservice db init`",
                where=self.where,
            )
        if tables and "govservice_migrations" not in tables:
            shown = ", ".join(tables[:5]) + (", ..." if len(tables) > 5 else "")
            raise ForeignDatabaseError(
                f"schema {schema} holds tables of another application ({shown}), not a "
                "govservice database; name another schema in storage.settings.schema",
                where=self.where,
            )
        latest = self.latest_schema_version()
        if version > latest:
            raise DatabaseVersionError(
                f"schema {schema} is at govservice schema {version}, newer than this "
                f"govservice-postgres (schema {latest}); upgrade it to open the database",
                where=self.where,
            )
        if not exists:
            with self.transaction():
                self._lock()
                self._run(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
        self._run(sql.SQL("SET search_path TO {}, pg_temp").format(sql.Identifier(schema)))

    def _lock(self) -> None:
        """Serialize schema changes of this schema across processes, until the transaction ends."""
        self._run("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (LOCK_CLASS, self.schema))

    def schema_version(self) -> int:
        # Read pg_class, not to_regclass(): a name lookup may use a catalog cache that does
        # not yet see the table another process has just created.
        found = self._run(
            "SELECT EXISTS (SELECT FROM pg_class AS c JOIN pg_namespace AS n "
            "ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relname = %s)",
            (self.schema, "govservice_migrations"),
        ).fetchone()[0]
        if not found:
            return 0
        table = sql.Identifier(self.schema, "govservice_migrations")
        return self._run(sql.SQL("SELECT max(number) FROM {}").format(table)).fetchone()[0] or 0

    def latest_schema_version(self) -> int:
        return len(migrations(self.dialect, package=MIGRATIONS_PACKAGE))

    def migrate(self) -> list[int]:
        """Apply every pending migration, each in its own transaction; returns the numbers
        applied. Concurrent openers wait for each other; each migration is applied once."""
        applied = []
        for migration in migrations(self.dialect, package=MIGRATIONS_PACKAGE):
            if migration.number <= self.schema_version():
                continue
            with self.transaction():
                self._lock()
                if migration.number <= self.schema_version():
                    continue  # another process applied it while we waited
                if migration.number == 1:
                    self._run(
                        "CREATE TABLE govservice_migrations (number integer PRIMARY KEY, "
                        "name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
                    )
                self._run(migration.sql)
                after_migration(self, migration.number)  # its data step, if it has one
                self._run(
                    "INSERT INTO govservice_migrations (number, name) VALUES (%s, %s)",
                    (migration.number, migration.name),
                )
            applied.append(migration.number)
        return applied

    def count(self, kind: str) -> int:
        table = "items" if kind == "item" else TABLES[kind][0]
        return self._run(f"SELECT count(*) FROM {table}").fetchone()[0]

    def close(self) -> None:
        self._conn.close()

    mark = "%s"
    lock_row = "FOR UPDATE"
    is_open = "open"
    received_before = "received_at < %s"

    def _rows(self, sql: str, parameters: tuple | list = ()) -> list[tuple]:
        return self._run(sql, parameters).fetchall()

    def _execute(self, sql: str, parameters: tuple | list = ()) -> int:
        return self._run(sql, parameters).rowcount

    def _execute_many(self, sql: str, rows: list[tuple]) -> None:
        try:
            self._conn.cursor().executemany(sql, [encode(row) for row in rows])
        except psycopg.Error as error:
            failure = self._translated(error)
        else:
            return
        raise failure

    def _date(self, day: dt.date) -> Any:
        return day

    def _moment(self, moment: dt.datetime) -> Any:
        return moment

    def _text(self, value: Any) -> Any:
        return decode(value)

    def _states(self, query: CaseQuery) -> tuple[str, list]:
        return "state = ANY(%s)", [[state.value for state in query.states]]

    def _begin(self) -> None:
        self._run("BEGIN")

    def _before_commit(self) -> None:
        if self._conn.info.transaction_status == psycopg.pq.TransactionStatus.INERROR:
            # A statement failed and the caller went on: the head cannot be moved (the
            # transaction is rolled back by the caller of this method).
            raise StoreError(
                "a statement of this transaction failed earlier; nothing of it was stored",
                where=self.where,
            )
        super()._before_commit()

    def _commit(self, token: Any) -> None:
        if self._conn.info.transaction_status == psycopg.pq.TransactionStatus.INERROR:
            # A statement failed and the caller went on: COMMIT would quietly roll back.
            self._run("ROLLBACK")
            raise StoreError(
                "a statement of this transaction failed earlier; nothing of it was stored",
                where=self.where,
            )
        self._run("COMMIT")

    def _rollback(self, token: Any) -> None:
        if not self._conn.broken:
            self._run("ROLLBACK")

    def _run(self, query: Any, parameters: Any = None) -> psycopg.Cursor[Any]:
        try:
            return self._conn.execute(query, encode(parameters))
        except psycopg.Error as error:
            failure = self._translated(error)
        raise failure  # outside the handler: the driver's exception is not chained

    def _translated(self, error: psycopg.Error) -> StoreError:
        """The driver's error as govservice's: a lost connection is
        :class:`DatabaseUnavailableError`, anything else the server refuses a
        :class:`StoreError` (as in the SQLite store)."""
        if self._conn.broken:
            return DatabaseUnavailableError(
                f"lost the connection to PostgreSQL: {_first_line(error)}", where=self.where
            )
        return StoreError(f"the database refused: {_first_line(error)}", where=self.where)

    # --- the catalog -----------------------------------------------------------------------

    def add_item(self, item: Item) -> None:
        document = to_document(item)
        text = dumps(document)
        with self.transaction():
            inserted = self._run(
                f"INSERT INTO items ({ITEM_COLUMNS}, doc) VALUES (%s, %s, %s, %s, %s, %s) "
                "ON CONFLICT DO NOTHING",
                (*item_row(document), text),
            ).rowcount
            if inserted:
                return
            row = self._run(
                "SELECT doc FROM items WHERE code = %s AND version = %s",
                (item.code, item.version),
            ).fetchone()
            if not same_item(row[0], text, item):
                raise DuplicateRecordError(
                    f"item {item.code} version {item.version} is already in the catalog "
                    "with other content; add a new version instead"
                )

    # --- mutable records -------------------------------------------------------------------

    def add(self, record: Any, *, version: int = 1, change: dict | None = None) -> Stored[Any]:
        kind = kind_of(record)
        table, _, columns, _ = TABLES[kind.name]
        chained = kind.name in CHAINED_KINDS
        link = change_link(change, ADDED) if chained else None
        row, text, texts = written_form(kind.name, record)  # text: what dumps() gives
        marks = ", ".join(["%s"] * (columns.count(",") + 3))
        with self.transaction():
            if kind.name == "case" or chained:
                self._lock_ledger()
            inserted = self._run(
                f"INSERT INTO {table} ({columns}, version, doc) VALUES ({marks}) "
                "ON CONFLICT DO NOTHING",
                (*row, version, text),
            ).rowcount
            if not inserted:
                raise DuplicateRecordError(f"{kind.name} {kind.key(record)} is already stored")
            if kind.name == "case":  # its events (their texts), and the record it is stored as
                self._append_ledger(record.id, texts, record=record_digest(text), texts=texts)
            elif link is not None:
                self._chain_record(kind.name, kind.key(record), text, link, record)
            self._remember(kind.name, kind.key(record), version, row, texts)
        return Stored(record, version)

    # --- bulk ------------------------------------------------------------------------------

    def import_rows(self, kind: str, rows: Iterable[tuple]) -> int:
        rows = list(rows)
        if kind in CHAINED_KINDS:  # each record with its link: no COPY
            return self._import_chained(kind, rows)
        return self._import_copy(kind, copy_lines(rows), len(rows))

    def import_packer(self, kind: str) -> Packer:
        return pack_rows if kind in CHAINED_KINDS else copy_lines

    def import_packed(self, kind: str, packed: bytes, texts: Sequence[bytes]) -> int:
        if kind in CHAINED_KINDS:
            rows = unpack_rows(packed)
            return self.import_rows(
                kind, [(*row, text.decode()) for row, text in zip(rows, texts, strict=True)]
            )
        return self._import_copy(kind, with_texts(packed, texts), len(texts))

    def _import_copy(self, kind: str, data: bytes, count: int) -> int:
        """Insert the ``count`` rows of the COPY text ``data`` whose identity is not stored
        yet, in one transaction.

        The common case, a batch of new records, is COPYed straight into the table; when
        some identity is already stored (an import run again) or repeated in the batch,
        the rows go through a temporary table and ``ON CONFLICT DO NOTHING`` instead (the
        first of equal identities in the batch wins). The straight COPY is tried as a
        statement of its own (the connection commits it, or nothing of it), or, inside a
        caller's transaction, under a savepoint.
        """
        if not count:
            return 0
        if kind == "item":
            table, columns = "items", ITEM_COLUMNS
        else:
            table, _, columns, _ = TABLES[kind]
        try:
            if self._conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE:
                try:  # one COPY on an autocommit connection is a transaction of its own:
                    return self._copy_straight(table, columns, data, count)  # no BEGIN
                except psycopg.errors.UniqueViolation:
                    pass  # nothing of it was stored
                with self.transaction():
                    return self._copy_in(table, columns, data)
            with self.transaction():
                try:
                    with self._conn.transaction():  # a savepoint inside ours
                        return self._copy_straight(table, columns, data, count)
                except psycopg.errors.UniqueViolation:
                    return self._copy_in(table, columns, data)
        except psycopg.Error as error:
            failure = self._translated(error)
        raise failure

    def _copy_straight(self, table: str, columns: str, data: bytes, count: int) -> int:
        cursor = self._conn.cursor()
        with cursor.copy(f"COPY {table} ({columns}, doc) FROM STDIN") as copy:
            copy.write(data)
        return count

    def _copy_in(self, table: str, columns: str, data: bytes) -> int:
        cursor = self._conn.cursor()
        cursor.execute(
            "CREATE TEMPORARY TABLE govservice_import ON COMMIT DROP AS "
            f"SELECT {columns}, doc FROM {table} WITH NO DATA"
        )
        # numbered as COPY reads them, so that the first of equal identities wins
        cursor.execute(
            "ALTER TABLE govservice_import ADD COLUMN ordinal bigint GENERATED ALWAYS AS IDENTITY"
        )
        with cursor.copy(f"COPY govservice_import ({columns}, doc) FROM STDIN") as copy:
            copy.write(data)
        cursor.execute(
            f"INSERT INTO {table} ({columns}, doc) SELECT {columns}, doc "
            "FROM govservice_import ORDER BY ordinal ON CONFLICT DO NOTHING"
        )
        inserted = cursor.rowcount
        cursor.execute("DROP TABLE govservice_import")
        return inserted


def _first_line(error: psycopg.Error) -> str:
    lines = (error.diag.message_primary or str(error)).strip().splitlines()
    return lines[0] if lines else type(error).__name__
