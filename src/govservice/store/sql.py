"""What the SQL backends share: the reading queries, written once.

A backend says how it runs a statement (:meth:`SqlQueries._rows`,
:meth:`SqlQueries._execute`), how it writes a parameter mark (``?`` or ``%s``), how it
locks a row it is about to update, how it passes a date, and how it turns a text column
read back into the text that was stored (PostgreSQL encodes NUL characters). The versioned
update is shared too; adding, counting and bulk writes differ and stay in each backend.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from typing import Any

from govservice.codec import from_document, to_document
from govservice.errors import ConflictError, RecordNotFoundError
from govservice.kinds import KINDS, kind_of
from govservice.model import Case, Item
from govservice.store.base import CaseQuery, Page, Stored, check_events_appended
from govservice.store.columns import TABLES, import_row


def dumps(document: Any) -> str:
    """The JSON text a SQL backend stores: compact, Chinese kept as it is."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


class SqlQueries:
    """What the SQL backends share of :class:`~govservice.store.base.Store`: the reading
    queries, the versioned update and ``import_batch`` (over the backend's
    ``transaction()`` and ``import_rows``)."""

    mark = "?"
    """How a parameter is written in a statement."""

    lock_row = ""
    """What a ``SELECT`` appends to lock the row it reads for an update (PostgreSQL:
    ``FOR UPDATE``; SQLite's ``BEGIN IMMEDIATE`` has locked the database already)."""

    def _rows(self, sql: str, parameters: tuple | list = ()) -> list[tuple]:
        """Run ``sql`` and return every row."""
        raise NotImplementedError

    def _execute(self, sql: str, parameters: tuple | list = ()) -> None:
        """Run a statement that writes."""
        raise NotImplementedError

    def _date(self, day: dt.date) -> Any:
        """A date as a parameter."""
        return day.isoformat()

    def _text(self, value: Any) -> Any:
        """A text column's value as it was stored."""
        return value

    def _states(self, query: CaseQuery) -> tuple[str, list]:
        """The clause that keeps cases in ``query.states``, and its parameters."""
        marks = ", ".join([self.mark] * len(query.states))
        return f"state IN ({marks})", [state.value for state in query.states]

    # --- the catalog -----------------------------------------------------------------------

    def item(self, code: str, version: int | None = None) -> Item | None:
        m = self.mark
        if version is None:
            rows = self._rows(
                f"SELECT doc FROM items WHERE code = {m} ORDER BY version DESC LIMIT 1", (code,)
            )
        else:
            rows = self._rows(
                f"SELECT doc FROM items WHERE code = {m} AND version = {m}", (code, version)
            )
        return from_document(Item, json.loads(rows[0][0]), check=False) if rows else None

    def item_versions(self, code: str) -> list[Item]:
        rows = self._rows(
            f"SELECT doc FROM items WHERE code = {self.mark} ORDER BY version", (code,)
        )
        return [from_document(Item, json.loads(doc), check=False) for (doc,) in rows]

    def items(self, *, region: str | None = None) -> Iterator[Item]:
        sql = (
            "SELECT doc FROM items AS i WHERE version = "
            "(SELECT max(version) FROM items WHERE code = i.code)"
        )
        parameters: tuple = ()
        if region is not None:
            sql += f" AND region = {self.mark}"
            parameters = (region,)
        for (doc,) in self._rows(sql + " ORDER BY code", parameters):
            yield from_document(Item, json.loads(doc), check=False)

    # --- mutable records -------------------------------------------------------------------

    def get(self, kind: str, key: str) -> Stored[Any] | None:
        table, key_column, _, _ = TABLES[kind]
        rows = self._rows(
            f"SELECT doc, version FROM {table} WHERE {key_column} = {self.mark}", (key,)
        )
        if not rows:
            return None
        doc, version = rows[0]
        return Stored(from_document(KINDS[kind].model, json.loads(doc), check=False), version)

    def list(
        self, kind: str, *, region: str | None = None, limit: int = 100, after: str | None = None
    ) -> Page[Any]:
        table, key_column, _, _ = TABLES[kind]
        clauses, parameters = [], []
        if region is not None:
            clauses.append(f"region = {self.mark}")
            parameters.append(region)
        if after is not None:
            clauses.append(f"{key_column} > {self.mark}")
            parameters.append(after)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self._rows(
            f"SELECT {key_column}, doc, version FROM {table} {where} "
            f"ORDER BY {key_column} LIMIT {self.mark}",
            (*parameters, limit + 1),
        )
        return self._page(kind, rows, limit)

    def update(self, record: Any, expected_version: int) -> Stored[Any]:
        kind = kind_of(record)
        table, key_column, columns, row_of = TABLES[kind.name]
        key = kind.key(record)
        document = to_document(record)
        m = self.mark
        assignments = ", ".join(f"{column.strip()} = {m}" for column in columns.split(","))
        with self.transaction():
            rows = self._rows(
                f"SELECT version, doc FROM {table} WHERE {key_column} = {m} {self.lock_row}",
                (key,),
            )
            if not rows:
                raise RecordNotFoundError(f"no {kind.name} {key} is stored")
            version, stored = rows[0]
            if version != expected_version:
                raise ConflictError(
                    f"{kind.name} {key} changed since it was read (version {expected_version}, "
                    f"now {version}); read it again and redo the change"
                )
            if kind.name == "case":
                check_events_appended(key, json.loads(stored), document)
            self._execute(
                f"UPDATE {table} SET {assignments}, version = version + 1, doc = {m} "
                f"WHERE {key_column} = {m} AND version = {m}",
                (*row_of(document), dumps(document), key, expected_version),
            )
        return Stored(record, expected_version + 1)

    # --- cases -------------------------------------------------------------------------------

    def find_cases(
        self, query: CaseQuery, *, limit: int = 100, after: str | None = None
    ) -> Page[Case]:
        where, parameters = self._case_filter(query, after)
        rows = self._rows(
            f"SELECT queue_key, doc, version FROM cases {where} "
            f"ORDER BY queue_key LIMIT {self.mark}",
            (*parameters, limit + 1),
        )
        return self._page("case", rows, limit)

    def count_cases(self, query: CaseQuery) -> int:
        where, parameters = self._case_filter(query, None)
        return self._rows(f"SELECT count(*) FROM cases {where}", parameters)[0][0]

    def _case_filter(self, query: CaseQuery, after: str | None) -> tuple[str, list[Any]]:
        clauses, parameters = [], []
        if query.states:
            clause, values = self._states(query)
            clauses.append(clause)
            parameters.extend(values)
        for column in ("region", "department", "station_code", "handler", "item_code"):
            value = getattr(query, column)
            if value is not None:
                clauses.append(f"{column} = {self.mark}")
                parameters.append(value)
        if query.due_from is not None:
            clauses.append(f"promised_due >= {self.mark}")
            parameters.append(self._date(query.due_from))
        if query.due_to is not None:
            clauses.append(f"promised_due <= {self.mark}")
            parameters.append(self._date(query.due_to))
        if after is not None:
            clauses.append(f"queue_key > {self.mark}")
            parameters.append(after)
        return (f"WHERE {' AND '.join(clauses)}" if clauses else ""), parameters

    # --- bulk ------------------------------------------------------------------------------

    def import_batch(self, kind: str, documents: Iterable[tuple[Any, str]]) -> int:
        return self.import_rows(kind, [import_row(kind, d, text) for d, text in documents])

    def _page(self, kind: str, rows: list, limit: int) -> Page[Any]:
        model = KINDS[kind].model
        records = tuple(
            Stored(from_document(model, json.loads(doc), check=False), version)
            for _, doc, version in rows[:limit]
        )
        return Page(records, self._text(rows[limit - 1][0]) if len(rows) > limit else None)
