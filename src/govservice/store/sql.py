"""What the SQL backends share: the reading queries, written once.

A backend says how it runs a statement (:meth:`SqlQueries._rows`,
:meth:`SqlQueries._execute`), how it writes a parameter mark (``?`` or ``%s``), how it
locks a row it is about to update, how it passes a date, and how it turns a text column
read back into the text that was stored (PostgreSQL encodes NUL characters). The versioned
update is shared too; adding, counting and bulk writes differ and stay in each backend.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from govservice.clock import SHANGHAI
from govservice.codec import case_texts, document_and_texts, from_document, to_document
from govservice.errors import (
    ConflictError,
    DuplicateRecordError,
    ForeignDatabaseError,
    LedgerHeadError,
    RecordNotFoundError,
    StoreError,
    TrailBrokenError,
    UsageError,
)
from govservice.kinds import CHAINED_KINDS, KINDS, kind_of
from govservice.model import Case, Item, ItemStatus
from govservice.store.base import (
    CASE_FILTERS,
    CASE_GROUPS,
    CaseQuery,
    CompletionCount,
    DueCount,
    ItemHead,
    Notice,
    NoticeWrites,
    Page,
    Stored,
    TrailLinks,
)
from govservice.store.chained import ADDED, CHANGE, UPDATED, change_link, subject
from govservice.store.chained import IMPORTED as IMPORTED_CHANGE
from govservice.store.columns import TABLES, case_row_of, import_row
from govservice.store.ledger import (
    IMPORTED,
    RECORD,
    LedgerEntry,
    canonical,
    chain_rows,
    check_attestable,
    is_hash,
    record_digest,
)
from govservice.store.recorded import (
    DISCIPLINE,
    EVALUATION,
    SESSION,
    STAFF,
    append_recorded,
    staff_record_key,
)
from govservice.store.states import refuse_chained, state_subject


def written_form(kind: str, record: Any) -> tuple[tuple, str, list[str]]:
    """What a write of ``record`` (of ``kind``) stores: its columns
    (:mod:`govservice.store.columns`), its canonical JSON text (what :func:`dumps` gives
    for its document) and a case's events' texts, of which its links are made
    (:func:`govservice.codec.document_and_texts`). A case's are made without its
    document (:func:`govservice.codec.case_texts`)."""
    if kind == "case":
        text, texts = case_texts(record)
        return case_row_of(record), text, texts
    document, text, texts = document_and_texts(record, events=False)
    return TABLES[kind][3](document), text, texts


def dumps(document: Any) -> str:
    """The JSON text a SQL backend stores: canonical (:func:`govservice.store.ledger.canonical`:
    compact, sorted keys, Chinese kept as it is), so that the SHA-256 of a case document the
    trail chains is the SHA-256 of the text written, encoded once."""
    return canonical(document)


READ_AGAIN = frozenset({"station"})
"""Kinds read again and again (the registry of staff reads the case's station for every
action) whose records hold nothing mutable: a record read from the very text read before is
that record again, not parsed anew. Any change of the text, by any writer, is read."""

NOTICES_A_STATEMENT = 1000
"""Notices one INSERT writes (5 parameters each, well within every driver's limit)."""

NOTICES_MARKED_A_STATEMENT = 500
"""Notices one UPDATE marks delivered (one parameter each: within SQLite's oldest limit of
999 parameters a statement)."""


class SqlQueries(TrailLinks, NoticeWrites):
    """What the SQL backends share of :class:`~govservice.store.base.Store`: the reading
    queries, the versioned update and ``import_batch`` (over the backend's
    ``transaction()`` and ``import_rows``)."""

    mark = "?"
    """How a parameter is written in a statement."""

    lock_row = ""
    """What a ``SELECT`` appends to lock the row it reads for an update (PostgreSQL:
    ``FOR UPDATE``; SQLite's ``BEGIN IMMEDIATE`` has locked the database already)."""

    is_open = "open = 1"
    """The condition on the ``open`` column that the backend's indexes are made for."""

    def _rows(self, sql: str, parameters: tuple | list = ()) -> list[tuple]:
        """Run ``sql`` and return every row."""
        raise NotImplementedError

    def _execute(self, sql: str, parameters: tuple | list = ()) -> int:
        """Run a statement that writes; returns how many rows it changed."""
        raise NotImplementedError

    def _execute_many(self, sql: str, rows: list[tuple]) -> None:
        """Run a statement that writes once for each of ``rows``."""
        for row in rows:
            self._execute(sql, row)

    def _date(self, day: dt.date) -> Any:
        """A date as a parameter."""
        return day.isoformat()

    received_before = "julianday(received_at) < julianday(?)"
    """The condition "received before the parameter": SQLite keeps times as RFC 3339 text
    whose offsets differ, so it compares them as instants."""

    def _moment(self, moment: dt.datetime) -> Any:
        """An aware time as a parameter."""
        return moment.isoformat()

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
        return self._item_of(rows[0][0], code) if rows else None

    def _item_of(self, doc: Any, code: str) -> Item:
        """The item of a stored document (of item ``code``).

        :raises ForeignDatabaseError: the document is not JSON (changed in the database
            by hand).
        :raises InvalidRecordError: it is JSON, but no item's.
        """
        try:
            document = json.loads(self._text(doc))
        except (ValueError, RecursionError):
            raise ForeignDatabaseError(
                f"the stored document of item {code} is not JSON (changed in the database "
                "by hand?): run `govservice audit verify`"
            ) from None
        return from_document(Item, document, check=False)

    def item_status(self, code: str) -> ItemHead | None:
        rows = self._rows(
            f"SELECT version, status, doc FROM items WHERE code = {self.mark} "
            "ORDER BY version DESC LIMIT 1",
            (code,),
        )
        if not rows:
            return None
        version, status, doc = rows[0]
        status = ItemStatus(self._text(status))
        if status is ItemStatus.IN_SERVICE:
            return ItemHead(version, status, None)
        since = json.loads(self._text(doc)).get("status_since")
        return ItemHead(version, status, dt.date.fromisoformat(since) if since else None)

    def item_versions(self, code: str) -> list[Item]:
        rows = self._rows(
            f"SELECT doc FROM items WHERE code = {self.mark} ORDER BY version", (code,)
        )
        return [self._item_of(doc, code) for (doc,) in rows]

    def items(self, *, region: str | None = None) -> Iterator[Item]:
        sql = (
            "SELECT code, doc FROM items AS i WHERE version = "
            "(SELECT max(version) FROM items WHERE code = i.code)"
        )
        parameters: tuple = ()
        if region is not None:
            sql += f" AND region = {self.mark}"
            parameters = (region,)
        for code, doc in self._rows(sql + " ORDER BY code", parameters):
            yield self._item_of(doc, self._text(code))

    # --- mutable records -------------------------------------------------------------------

    def get(self, kind: str, key: str) -> Stored[Any] | None:
        table, key_column, _, _ = TABLES[kind]
        rows = self._rows(
            f"SELECT doc, version FROM {table} WHERE {key_column} = {self.mark}", (key,)
        )
        if not rows:
            return None
        doc, version = rows[0]
        if kind not in READ_AGAIN:
            return Stored(from_document(KINDS[kind].model, json.loads(doc), check=False), version)
        text = self._text(doc)
        if self._read is None:
            self._read = {}
        cached = self._read.get((kind, key))
        if cached is None or cached[0] != text:
            if len(self._read) >= self._READ_SIZE:
                self._read.clear()
            record = from_document(KINDS[kind].model, json.loads(text), check=False)
            cached = self._read[(kind, key)] = (text, record)
        return Stored(cached[1], version)

    _read: dict[tuple[str, Any], tuple[str, Any]] | None = None
    """Records of :data:`READ_AGAIN` kinds read, by the text they were read from."""
    _READ_SIZE = 1024

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

    def update(
        self,
        record: Any,
        expected_version: int,
        *,
        steps: int = 1,
        change: dict | None = None,
    ) -> Stored[Any]:
        kind = kind_of(record)
        table, key_column, columns, row_of = TABLES[kind.name]
        key = kind.key(record)
        chained = kind.name in CHAINED_KINDS
        link = change_link(change, UPDATED) if chained else None
        row, text, texts = written_form(kind.name, record)  # text: what dumps() gives
        m = self.mark
        names = [column.strip() for column in columns.split(",")]
        with self.transaction():
            if kind.name == "case" or chained:
                self._lock_ledger()  # before the record's row: every writer locks in one order
            known = self._written.get((kind.name, key)) if self._written else None
            previous: dict | None = None
            if known is not None and known[0] == expected_version:
                # What this store wrote at that version: the UPDATE below, made on the
                # condition that the version is still that one, confirms it is current.
                _, previous_row, previous_texts = known
            else:
                previous = self._locked_document(kind.name, key, expected_version)
                previous_row = row_of(previous)
                previous_texts = [canonical(event) for event in previous.get("events", [])]
                if kind.name == "case":
                    self._check_sealed(key, previous)
                elif chained:
                    self._check_sealed(subject(kind.name, key), previous)
            added: list[str] = []
            if kind.name == "case":
                added = _appended(key, previous_texts, previous, texts)
            # Set only the columns that change: an index is rewritten for every column set.
            changed = [
                (name, value)
                for name, value, before in zip(names, row, previous_row, strict=True)
                if value != before
            ]
            assignments = "".join(f"{name} = {m}, " for name, _ in changed)
            updated = self._execute(
                f"UPDATE {table} SET {assignments}version = version + {m}, doc = {m} "
                f"WHERE {key_column} = {m} AND version = {m}",
                (*(value for _, value in changed), steps, text, key, expected_version),
            )
            if not updated:  # changed since it was remembered: say how
                self._locked_document(kind.name, key, expected_version)
                raise ConflictError(f"{kind.name} {key} changed while it was being updated")
            if kind.name == "case":  # every write of a case, with the record it leaves
                # the texts stand for the events: each link is made of its event's text
                self._append_ledger(key, added, record=record_digest(text), texts=added)
            elif link is not None:
                self._chain_record(kind.name, key, text, link, record)
            self._remember(kind.name, key, expected_version + steps, row, texts)
        return Stored(record, expected_version + steps)

    def lock(self, kind: str, key: Any) -> None:
        self._lock_ledger()  # the head first, always: one lock order, no deadlock
        table, key_column, _, _ = TABLES[kind]
        self._rows(
            f"SELECT 1 FROM {table} WHERE {key_column} = {self.mark} {self.lock_row}", (key,)
        )

    # --- documents this store wrote ------------------------------------------------------------

    _written: OrderedDict[tuple[str, Any], tuple[int, tuple, Sequence[str]]] | None = None
    _WRITTEN_SIZE = 4096

    def _remember(
        self, kind: str, key: Any, version: int, row: tuple, texts: Sequence[str] = ()
    ) -> None:
        """Keep the columns written at ``version`` of a record, and a case's events as their
        canonical texts (:func:`govservice.codec.document_and_texts`): the next update of
        it compares against them without reading and parsing the document back (the
        version the database holds says whether it is still the one stored). Texts and
        columns only: nothing the garbage collector looks through at every collection."""
        if self._written is None:
            self._written = OrderedDict()
        self._written[(kind, key)] = (version, row, tuple(texts))
        self._written.move_to_end((kind, key))
        if len(self._written) > self._WRITTEN_SIZE:
            self._written.popitem(last=False)

    SEALS_LOOKED_AT = 50
    """The last links of a case searched for the record its last write chained."""

    def _check_sealed(self, key: Any, stored: dict) -> None:
        """Refuse to write over a case record that is not the one the trail last chained
        for it (changed in the database, outside govservice): chaining the next write would
        take the change into the trail. A case whose links hold no record (written before
        the trail held records, or imported and not attested) is not checked here."""
        m = self.mark
        rows = self._rows(
            f"SELECT doc FROM case_events WHERE case_id = {m} ORDER BY seq DESC LIMIT {m}",
            (key, self.SEALS_LOOKED_AT),
        )
        for (text,) in rows:
            sealed = json.loads(self._text(text)).get(RECORD)
            if sealed is None:
                continue
            if sealed != record_digest(canonical(stored)):
                what = key if "/" in str(key) else f"case {key}"  # a chained record's subject
                raise TrailBrokenError(
                    f"{what}: the stored record is not the one the trail last chained "
                    "for it (changed outside govservice?); nothing is written until the "
                    "break is looked into (govservice audit verify)"
                )
            return

    def _locked_document(self, kind: str, key: Any, expected_version: int) -> dict:
        """The stored document of a record, its row locked for the update, after checking
        it is at ``expected_version``.

        :raises RecordNotFoundError: nothing is stored under ``key``.
        :raises ConflictError: the record is at another version.
        """
        table, key_column, _, _ = TABLES[kind]
        rows = self._rows(
            f"SELECT version, doc FROM {table} WHERE {key_column} = {self.mark} {self.lock_row}",
            (key,),
        )
        if not rows:
            raise RecordNotFoundError(f"no {kind} {key} is stored")
        version, doc = rows[0]
        if version != expected_version:
            raise ConflictError(
                f"{kind} {key} changed since it was read (version {expected_version}, "
                f"now {version}); read it again and redo the change"
            )
        return json.loads(self._text(doc))

    # --- the records chained like cases (govservice.store.chained) ---------------------------

    def _chain_record(self, kind: str, key: Any, text: str, link: dict, record: Any) -> None:
        """Chain the link of a write of a record of a chained kind, stored as ``text``, in
        the caller's transaction (the head locked already); an agency's offers go to the
        side table ``intermediary_offers``."""
        self._append_ledger(subject(kind, key), [link], key=CHANGE, record=record_digest(text))
        if kind == "intermediary":
            codes = {offer.service_code for offer in record.services if offer.service_code}
            self._write_offers(key, sorted(codes))

    def _write_offers(self, credit_code: str, codes: Sequence[str]) -> None:
        m = self.mark
        self._execute(f"DELETE FROM intermediary_offers WHERE credit_code = {m}", (credit_code,))
        if codes:
            self._execute_many(
                f"INSERT INTO intermediary_offers (service_code, credit_code) VALUES ({m}, {m})",
                [(code, credit_code) for code in codes],
            )

    def records_where(self, kind: str, **columns: Any) -> list[Stored[Any]]:
        """The records of ``kind`` whose indexed columns equal the values given (one or
        more of the columns of :data:`govservice.store.columns.TABLES`: an engagement's
        ``selection_id``, an agency quarter's ``credit_code`` and ``period`` ...), in the
        order of their keys."""
        table, key_column, _, _ = TABLES[kind]
        names = where_columns(kind, columns)
        m = self.mark
        condition = " AND ".join(f"{name} = {m}" for name in names)
        rows = self._rows(
            f"SELECT {key_column}, doc, version FROM {table} WHERE {condition} "
            f"ORDER BY {key_column}",
            [columns[name] for name in names],
        )
        model = KINDS[kind].model
        return [
            Stored(from_document(model, json.loads(self._text(doc)), check=False), version)
            for _, doc, version in rows
        ]

    def agencies_offering(self, service_code: str) -> list[tuple[dict, int]]:
        """The documents (decoded) and versions of the agencies whose offers name the
        listed service ``service_code``, in the order of their credit codes, read through
        the side table ``intermediary_offers`` (whatever their status: the caller judges
        eligibility from the documents)."""
        rows = self._rows(
            "SELECT i.doc, i.version FROM intermediary_offers o JOIN intermediaries i "
            f"ON i.credit_code = o.credit_code WHERE o.service_code = {self.mark} "
            "ORDER BY o.credit_code",
            (service_code,),
        )
        return [(json.loads(self._text(doc)), version) for doc, version in rows]

    def offer_rows(self) -> list[tuple[str, str]]:
        """Every ``(service_code, credit_code)`` of the side table of offers, in order
        (what ``govservice audit verify`` compares with the agencies' documents)."""
        rows = self._rows(
            "SELECT service_code, credit_code FROM intermediary_offers "
            "ORDER BY service_code, credit_code"
        )
        return [(self._text(code), self._text(credit)) for code, credit in rows]

    def blacklist_entries_of(self, numbers: Iterable[str]) -> list[Any]:
        """The blacklist entries whose subject's identifier number is one of ``numbers``
        (a credit code, an identity number), whatever their validity, in the order of
        their ids: the caller judges ``in_force_on(day)``."""
        from govservice.model import BlacklistEntry

        wanted = sorted(set(numbers))
        found = []
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            found += self._rows(
                "SELECT id, doc FROM blacklist_entries WHERE subject_number IN "
                f"({', '.join([self.mark] * len(chunk))})",
                chunk,
            )
        found.sort(key=lambda row: self._text(row[0]))
        return [
            from_document(BlacklistEntry, json.loads(self._text(doc)), check=False)
            for _, doc in found
        ]

    def legacy_subjects(self) -> set[str]:
        """The subjects (``intermediary/<credit code>``) of the agencies stored before the
        trail covered them (schema 9), as the migration listed them."""
        return {
            self._text(name) for (name,) in self._rows("SELECT subject FROM unchained_before_9")
        }

    def attest_record(self, kind: str, key: Any) -> bool:
        """Chain the record of ``kind`` and ``key`` stored before the trail covered its kind
        (one of :meth:`legacy_subjects`), once: a link ``{"action": "attested"}`` with the
        SHA-256 of the document as stored. Returns False (nothing chained) when it is not
        such a record, is gone, or has a link already."""
        name = subject(kind, key)
        table, key_column, _, _ = TABLES[kind]
        with self.transaction():
            self._lock_ledger()
            found = self._rows(
                f"SELECT doc FROM {table} WHERE {key_column} = {self.mark} {self.lock_row}",
                (key,),
            )
            if not found or name not in self.legacy_subjects() or self.case_ledger(name):
                return False
            text = self._text(found[0][0])
            link = {"action": "attested", "reason": "stored before the trail covered it"}
            self._append_ledger(name, [link], key=CHANGE, record=record_digest(text))
        return True

    def _import_chained(self, kind: str, rows: list[tuple]) -> int:
        """Bulk import of a chained kind: the rows whose key is not stored yet (the first of
        equal keys in the batch) are inserted, each with its link (``{"action":
        "imported"}``), in one transaction. The stored text is the canonical JSON of the
        document as given (the link's digest is that text's)."""
        table, key_column, columns, _ = TABLES[kind]
        m = self.mark
        with self.transaction():
            self._lock_ledger()
            keys = [row[0] for row in rows]
            stored: set = set()
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                found = self._rows(
                    f"SELECT {key_column} FROM {table} WHERE {key_column} IN "
                    f"({', '.join([m] * len(chunk))})",
                    chunk,
                )
                stored.update(self._text(key) for (key,) in found)
            fresh = []
            for row in rows:
                if row[0] not in stored:
                    stored.add(row[0])
                    document = json.loads(row[-1])
                    fresh.append((row[:-1], dumps(document), document))
            if not fresh:
                return 0
            marks = ", ".join([m] * (columns.count(",") + 2))
            self._execute_many(
                f"INSERT INTO {table} ({columns}, doc) VALUES ({marks})",
                [(*columns_row, text) for columns_row, text, _ in fresh],
            )
            for columns_row, text, document in fresh:
                key = columns_row[0]
                self._append_ledger(
                    subject(kind, key),
                    [dict(IMPORTED_CHANGE)],
                    key=CHANGE,
                    record=record_digest(text),
                )
                if kind == "intermediary":
                    codes = {
                        offer["service_code"]
                        for offer in document.get("services", [])
                        if offer.get("service_code")
                    }
                    self._write_offers(key, sorted(codes))
            return len(fresh)

    ADD_DOCUMENTS_CHUNK = 5000
    """Records :meth:`add_documents` writes a statement (their rows and links made just
    before: a few megabytes held at a time, not the whole file's)."""

    def add_documents(self, kind: str, writes: Sequence[tuple[dict, dict | None]]) -> int:
        """Store new records of ``kind`` given as valid documents (checked by the caller
        against the kind's schema), each at version 1 with what its link holds (``change``,
        default ``{"action": "added"}``; a chained kind only), in the caller's transaction
        or one of its own, in the order of their keys, a few statements for thousands of
        records and their links (issue 15, B3: a partner's exchange file). Returns how
        many were stored.

        The rows are made in this thread, chunk by chunk. Making them in another thread
        while this one writes the chunk before was slower on SQLite (about 15 % on a
        100,000-entry exchange file: the driver takes the interpreter's lock back for
        every row it binds, so the two threads hand the lock to and fro instead of
        working side by side) and no faster on PostgreSQL (30,000 entries, 4,100 to 4,500
        a second either way).

        :raises DuplicateRecordError: one is stored already, or two share a key (the first
            named); nothing is written.
        """
        if not writes:
            return 0
        table, key_column, columns, row_of = TABLES[kind]
        chained = kind in CHAINED_KINDS
        m = self.mark

        # in the order of their keys: the B-tree of the key is appended to
        def key_of(write: tuple[dict, Any]) -> Any:
            document = write[0]
            return document[key_column] if key_column in document else row_of(document)[0]

        ordered = sorted(writes, key=key_of)
        keys = [key_of(write) for write in ordered]
        if len(set(keys)) != len(keys):
            seen: set = set()
            for key in keys:
                if key in seen:
                    raise DuplicateRecordError(f"{kind} {key} is given twice")
                seen.add(key)
        insert = f"INSERT INTO {table} ({columns}, version, doc) VALUES ({', '.join([m] * (columns.count(',') + 3))})"
        chain = (
            f"INSERT INTO case_events (seq, case_id, doc, prev_hash, hash) "
            f"VALUES ({m}, {m}, {m}, {m}, {m})"
        )
        with self.transaction():
            head = self._lock_ledger() if chained else (0, "")
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                found = self._rows(
                    f"SELECT {key_column} FROM {table} WHERE {key_column} IN "
                    f"({', '.join([m] * len(chunk))})",
                    chunk,
                )
                if found:
                    raise DuplicateRecordError(
                        f"{kind} {self._text(found[0][0])} is already stored"
                    )
            size = self.ADD_DOCUMENTS_CHUNK
            made = _ChainedRows(kind, row_of, head, chained)
            with self._bulk_load(table, len(keys)):
                for start in range(0, len(ordered), size):
                    rows, links = made.rows_of(ordered[start : start + size])
                    self._execute_many(insert, rows)
                    if links:
                        self._execute_many(chain, links)
            if chained:
                self._ledger_tail = made.head
                self._head_moved = True
        return len(keys)

    def _bulk_load(self, table: str, adding: int) -> contextlib.AbstractContextManager:
        """What the backend does around the writing of ``adding`` new rows of ``table`` by
        :meth:`add_documents`, inside its transaction (nothing, unless it says)."""
        return contextlib.nullcontext()

    # --- the trail -------------------------------------------------------------------------

    def attest_import(self, case_id: str, attestation: dict) -> None:
        with self.transaction():
            self._lock_ledger()
            rows = self._rows(
                f"SELECT doc FROM cases WHERE id = {self.mark} {self.lock_row}", (case_id,)
            )
            if not rows:
                raise RecordNotFoundError(f"no case {case_id} is stored")
            check_attestable(case_id, self.case_ledger(case_id))
            record = record_digest(canonical(json.loads(self._text(rows[0][0]))))
            self._append_ledger(case_id, [attestation], key=IMPORTED, record=record)

    def _append_ledger(
        self,
        case_id: str,
        events: Sequence[Any],
        *,
        key: str = "event",
        record: str | None = None,
        texts: Sequence[str] | None = None,
    ) -> None:
        """Chain ``events`` of ``case_id`` after the head, inside the caller's transaction,
        the last link holding ``record`` (see :func:`govservice.store.ledger.chain`, and
        for ``texts``, the events' canonical texts, of which each link is then made:
        ``events`` may be the texts themselves); the head row is locked first, so
        appends from several processes take turns."""
        m = self.mark
        rows = chain_rows(
            self._lock_ledger(), case_id, events, key=key, record=record, texts=texts
        )
        self._execute_many(
            f"INSERT INTO case_events (seq, case_id, doc, prev_hash, hash) "
            f"VALUES ({m}, {m}, {m}, {m}, {m})",
            rows,
        )
        self._ledger_tail = (rows[-1][0], rows[-1][4])
        self._head_moved = True

    _ledger_tail: tuple[int, str] | None = None
    """The head as this transaction left it; the transaction holds the head's lock (a
    row lock on PostgreSQL, the write lock on SQLite) until it ends."""

    def _lock_ledger(self) -> tuple[int, str]:
        """The head of the chain, locked for this transaction (read once a transaction).
        Every transaction that writes a case takes this lock first, so that writers of
        several cases and of one case always lock in the same order: no deadlock."""
        if self._ledger_tail is None:
            self._ledger_tail = self._head(
                self._rows(f"SELECT seq, hash FROM ledger_head WHERE id = 1 {self.lock_row}")
            )
        return self._ledger_tail

    def _head(self, rows: list[tuple]) -> tuple[int, str]:
        """The head from the rows of ``ledger_head``.

        :raises LedgerHeadError: the row is missing or damaged (nothing can be chained
            after it, and the chain cannot be checked against it).
        """
        if len(rows) != 1:
            raise LedgerHeadError(
                "the trail's head (table ledger_head) is missing: nothing is written to the "
                "trail until it is restored. Run `govservice audit verify`"
            )
        seq, digest = rows[0][0], self._text(rows[0][1])
        if isinstance(seq, bool) or not isinstance(seq, int) or seq < 0 or not is_hash(digest):
            raise LedgerHeadError(
                f"the trail's head (table ledger_head) is damaged ({seq!r}, {digest!r}): "
                "nothing is written to the trail until it is restored. Run "
                "`govservice audit verify`"
            )
        return seq, digest

    _head_moved = False

    def _before_commit(self) -> None:
        if self._head_moved:  # once a transaction, however many events it appended
            self._execute(
                f"UPDATE ledger_head SET seq = {self.mark}, hash = {self.mark} WHERE id = 1",
                self._ledger_tail,
            )

    def _ended(self, committed: bool) -> None:
        self._head_moved = False
        self._ledger_tail = None
        if not committed:
            self._written = None  # what was remembered may not have been stored

    def ledger(self, after: int = 0, limit: int = 1000) -> list[LedgerEntry]:
        rows = self._rows(
            f"SELECT seq, case_id, doc, prev_hash, hash FROM case_events WHERE seq > {self.mark} "
            f"ORDER BY seq LIMIT {self.mark}",
            (after, limit),
        )
        return [self._entry(row) for row in rows]

    def case_ledger(self, case_id: str) -> list[LedgerEntry]:
        rows = self._rows(
            "SELECT seq, case_id, doc, prev_hash, hash FROM case_events "
            f"WHERE case_id = {self.mark} ORDER BY seq",
            (case_id,),
        )
        return [self._entry(row) for row in rows]

    def ledger_head(self) -> tuple[int, str]:
        return self._head(self._rows("SELECT seq, hash FROM ledger_head WHERE id = 1"))

    def raw_rows(self, kind: str, *, after: str | None = None, limit: int = 500) -> list[tuple]:
        table, key_column, columns, _ = TABLES[kind]
        where, parameters = "", [limit]
        if after is not None:
            where, parameters = f"WHERE {key_column} > {self.mark}", [after, limit]
        rows = self._rows(
            f"SELECT {columns}, version, doc FROM {table} {where} "
            f"ORDER BY {key_column} LIMIT {self.mark}",
            parameters,
        )
        return [tuple(self._text(value) for value in row) for row in rows]

    def _entry(self, row: tuple) -> LedgerEntry:
        seq, case_id, text, prev_hash, digest = row
        return LedgerEntry(
            seq, self._text(case_id), self._text(text), self._text(prev_hash), self._text(digest)
        )

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

    def due_counts(
        self, today: dt.date, near_until: dt.date, by: str, *, states: tuple = ()
    ) -> list[DueCount]:
        column = _group(by)
        m = self.mark
        where, parameters = f"{self.is_open} AND promised_due <= {m}", [self._date(near_until)]
        if states:
            clause, values = self._states(CaseQuery(states=states))
            where += f" AND {clause}"
            parameters.extend(values)
        rows = self._rows(
            f"SELECT {column}, sum(CASE WHEN promised_due < {m} THEN 1 ELSE 0 END), "
            f"sum(CASE WHEN promised_due >= {m} THEN 1 ELSE 0 END) FROM cases WHERE {where} "
            f"GROUP BY {column} ORDER BY {column} NULLS LAST",
            (self._date(today), self._date(today), *parameters),
        )
        return [DueCount(self._text(group), overdue, near) for group, overdue, near in rows]

    def completion_counts(self, since: dt.date, until: dt.date, by: str) -> list[CompletionCount]:
        column = _group(by)
        m = self.mark
        rows = self._rows(
            f"SELECT {column}, count(*), sum(CASE WHEN promised_due IS NULL "
            "OR completed_on <= promised_due THEN 1 ELSE 0 END) FROM cases "
            f"WHERE completed_on >= {m} AND completed_on <= {m} "
            f"GROUP BY {column} ORDER BY {column} NULLS LAST",
            (self._date(since), self._date(until)),
        )
        return [CompletionCount(self._text(group), done, on_time) for group, done, on_time in rows]

    def count_cases(self, query: CaseQuery) -> int:
        where, parameters = self._case_filter(query, None)
        return self._rows(f"SELECT count(*) FROM cases {where}", parameters)[0][0]

    def _case_filter(self, query: CaseQuery, after: str | None) -> tuple[str, list[Any]]:
        clauses, parameters = [], []
        if query.states:
            clause, values = self._states(query)
            clauses.append(clause)
            parameters.extend(values)
        for column in CASE_FILTERS:
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
        if query.rectification_due_to is not None:
            # IS NOT NULL lets SQLite use the partial index without statistics.
            clauses.append(f"rectification_due IS NOT NULL AND rectification_due <= {self.mark}")
            parameters.append(self._date(query.rectification_due_to))
        if query.received_before is not None:
            clauses.append(self.received_before)
            parameters.append(self._moment(query.received_before))
        if after is not None:
            clauses.append(f"queue_key > {self.mark}")
            parameters.append(after)
        return (f"WHERE {' AND '.join(clauses)}" if clauses else ""), parameters

    # --- the outbox of notifications (see govservice.workflow.outbox) -----------------------

    _NOTICE = (
        "id, case_id, created_at, doc, attempts, last_error, next_attempt_at, claimed_by, "
        "waiting_for"
    )

    def _utc(self, moment: dt.datetime) -> Any:
        """An outbox time as a parameter: in UTC, so that SQLite's texts compare in order."""
        return self._moment(moment.astimezone(dt.UTC))

    def add_notices(
        self,
        case_id: str,
        docs: Sequence[dict[str, Any]],
        *,
        created_at: dt.datetime,
        claimed_by: str | None = None,
        lease_until: dt.datetime | None = None,
    ) -> list[int]:
        return self.add_notices_of(
            [(case_id, docs)],
            created_at=created_at,
            claimed_by=claimed_by,
            lease_until=lease_until,
        )[0]

    def add_notices_of(
        self,
        writes: Sequence[tuple[str, Sequence[dict[str, Any]]]],
        *,
        created_at: dt.datetime,
        claimed_by: str | None = None,
        lease_until: dt.datetime | None = None,
    ) -> list[list[int]]:
        m = self.mark
        held = claimed_by is not None and lease_until is not None
        created, due = self._utc(created_at), self._utc(lease_until if held else created_at)
        texts = [self._notice_texts(case_id, docs) for case_id, docs in writes]
        notices = [  # (case id, text) of every notice, in order
            (case_id, text)
            for (case_id, _), of_write in zip(writes, texts, strict=True)
            for text in of_write
        ]
        rows: list[tuple] = []
        if notices:
            with self.transaction():
                for first in range(0, len(notices), NOTICES_A_STATEMENT):
                    part = notices[first : first + NOTICES_A_STATEMENT]
                    values = ", ".join([f"({m}, {m}, {m}, {m}, {m})"] * len(part))
                    rows += self._rows(
                        "INSERT INTO outbox (case_id, created_at, doc, next_attempt_at, "
                        f"claimed_by) VALUES {values} RETURNING id, case_id, doc",
                        [
                            value
                            for case_id, text in part
                            for value in (case_id, created, text, due, claimed_by)
                        ],
                    )
        # RETURNING promises no order: each id is matched to its notice by its case and
        # text (the notices of one write are distinct; two writes of a case in one call
        # are not: their ids are handed out in the order inserted, which is the ids' order)
        ids: dict[tuple[str, str], list[int]] = {}
        for notice_id, case_id, doc in sorted(rows):
            ids.setdefault((self._text(case_id), self._text(doc)), []).append(notice_id)
        taken: dict[tuple[str, str], int] = {}
        result = []
        for (case_id, _), of_write in zip(writes, texts, strict=True):
            found = []
            for text in of_write:
                key = (case_id, text)
                place = taken.get(key, 0)
                taken[key] = place + 1
                found.append(ids[key][place])
            result.append(found)
        return result

    def undelivered_notices(
        self,
        *,
        due: dt.datetime | None = None,
        claimed_by: str | None = None,
        after: int = 0,
        limit: int = 100,
    ) -> list[Notice]:
        m = self.mark
        where, parameters = [f"delivered_at IS NULL AND id > {m}"], [after]
        if due is not None:
            where.append(f"next_attempt_at <= {m}")
            parameters.append(self._utc(due))
        if claimed_by is not None:
            where.append(f"claimed_by = {m}")
            parameters.append(claimed_by)
        clauses = " AND ".join(where)
        rows = self._rows(
            f"SELECT {self._NOTICE} FROM outbox WHERE {clauses} ORDER BY id LIMIT {m}",
            (*parameters, limit),
        )
        return [self._notice(row) for row in rows]

    def claim_notice(
        self,
        notice_id: int,
        owner: str,
        *,
        now: dt.datetime,
        until: dt.datetime,
        force: bool = False,
    ) -> bool:
        m = self.mark
        if force:  # anything no one else holds, given up or waiting for its next attempt
            free = f"(claimed_by IS NULL OR next_attempt_at <= {m})"
        else:
            free = f"next_attempt_at <= {m}"
        with self.transaction():
            changed = self._execute(
                f"UPDATE outbox SET claimed_by = {m}, next_attempt_at = {m} "
                f"WHERE id = {m} AND delivered_at IS NULL AND {free}",
                (owner, self._utc(until), notice_id, self._utc(now)),
            )
        return changed == 1

    def mark_notices_delivered(self, notice_ids: Sequence[int], at: dt.datetime) -> None:
        m = self.mark
        delivered = self._utc(at)
        with self.transaction():  # a statement for many (a batch's notices), not one each
            for first in range(0, len(notice_ids), NOTICES_MARKED_A_STATEMENT):
                part = list(notice_ids[first : first + NOTICES_MARKED_A_STATEMENT])
                self._execute(
                    f"UPDATE outbox SET delivered_at = {m}, attempts = attempts + 1, "
                    "next_attempt_at = NULL, claimed_by = NULL "
                    f"WHERE id IN ({', '.join([m] * len(part))})",
                    (delivered, *part),
                )

    def mark_notice_failed(
        self,
        notice_id: int,
        error: str,
        *,
        retry_at: dt.datetime | None,
        waiting_for: Sequence[str] | None,
    ) -> None:
        m = self.mark
        with self.transaction():
            self._execute(
                f"UPDATE outbox SET attempts = attempts + 1, last_error = {m}, "
                f"next_attempt_at = {m}, claimed_by = NULL, waiting_for = {m} WHERE id = {m}",
                (
                    error,
                    None if retry_at is None else self._utc(retry_at),
                    None if waiting_for is None else dumps(list(waiting_for)),
                    notice_id,
                ),
            )

    def _notice(self, row: tuple) -> Notice:
        nid, case_id, created, doc, attempts, error, next_at, claimed_by, waiting = row
        waiting = self._text(waiting)
        return Notice(
            id=nid,
            case_id=self._text(case_id),
            doc=json.loads(self._text(doc)),
            created_at=_instant(created),
            attempts=attempts,
            last_error=self._text(error),
            next_attempt_at=None if next_at is None else _instant(next_at),
            claimed_by=self._text(claimed_by),
            waiting_for=None if waiting is None else tuple(json.loads(waiting)),
        )

    # --- settings --------------------------------------------------------------------------

    def setting(self, name: str) -> str | None:
        rows = self._rows(
            f"SELECT value FROM govservice_settings WHERE name = {self.mark}", (name,)
        )
        return self._text(rows[0][0]) if rows else None

    def set_setting(self, name: str, value: str) -> None:
        refuse_chained(name)
        with self.transaction():
            self._put_setting(name, value)

    def _put_setting(self, name: str, value: str) -> None:
        m = self.mark
        self._execute(
            f"INSERT INTO govservice_settings (name, value) VALUES ({m}, {m}) "
            "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            (name, value),
        )

    def settings(self) -> dict[str, str]:
        rows = self._rows("SELECT name, value FROM govservice_settings ORDER BY name")
        return {self._text(name): self._text(value) for name, value in rows}

    def setting_with_link(self, name: str) -> tuple[str | None, LedgerEntry | None]:
        m = self.mark
        last = f"FROM case_events WHERE case_id = {m} ORDER BY seq DESC LIMIT 1"
        # one statement, so one snapshot: a write committed in between cannot pair the
        # value of one write with the link of another
        ((value, seq, doc),) = self._rows(
            f"SELECT (SELECT value FROM govservice_settings WHERE name = {m}), "
            f"(SELECT seq {last}), (SELECT doc {last})",
            (name, state_subject(name), state_subject(name)),
        )
        value = None if value is None else self._text(value)
        if seq is None:
            return value, None
        return value, LedgerEntry(seq, state_subject(name), self._text(doc), "", "")

    def lock_trail(self) -> None:
        self._lock_ledger()

    # --- training and the staff assessment (issue 13, slice S3; migration 8) -------------

    def add_training_session(self, session: Any) -> None:
        m = self.mark
        with self.transaction():
            if self._rows(f"SELECT 1 FROM training_sessions WHERE id = {m}", (session.id,)):
                raise DuplicateRecordError(f"training session {session.id} is already stored")
            document = to_document(session)
            append_recorded(self, SESSION, [document])
            self._execute(
                f"INSERT INTO training_sessions (id, held_on, doc) VALUES ({m}, {m}, {m})",
                (session.id, self._date(session.on), dumps(document)),
            )
            self._execute_many(
                "INSERT INTO training_attendance (session_id, station_code, name) "
                f"VALUES ({m}, {m}, {m})",
                [(session.id, a.station_code, a.name) for a in session.attendance],
            )

    def training_sessions(
        self, *, since: dt.date | None = None, until: dt.date | None = None
    ) -> list[Any]:
        from govservice.model.training import TrainingSession

        m = self.mark
        rows = self._rows(
            f"SELECT doc FROM training_sessions WHERE held_on >= {m} AND held_on <= {m} "
            "ORDER BY held_on, id",
            (self._date(since or dt.date.min), self._date(until or dt.date.max)),
        )
        return [
            from_document(TrainingSession, json.loads(self._text(doc)), check=False)
            for (doc,) in rows
        ]

    def add_staff_records(self, records: Sequence[Any]) -> None:
        m = self.mark
        with self.transaction():
            self._lock_ledger()  # the trail's lock first, as every writer takes it
            documents = [to_document(record) for record in records]
            for record, document in zip(records, documents, strict=True):
                key = (record.year, record.quarter, record.station_code, record.name)
                if self._rows(
                    f"SELECT 1 FROM staff_records WHERE year = {m} AND quarter = {m} "
                    f"AND station_code = {m} AND name = {m}",
                    key,
                ):
                    raise DuplicateRecordError(
                        f"the record of {record.name} of station {record.station_code} for "
                        f"quarter {record.quarter} of {record.year} is already stored"
                    )
                self._execute(
                    "INSERT INTO staff_records (year, quarter, station_code, name, doc) "
                    f"VALUES ({m}, {m}, {m}, {m}, {m})",
                    (*key, dumps(document)),
                )
            append_recorded(self, STAFF, documents)  # once all are checked and written

    def recorded_rows(self) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        """Every stored station evaluation, training session, staff record and discipline
        record as ``(kind, key, JSON text, columns)``
        (:func:`govservice.store.recorded.columns_of`), for the audit; dates as ISO 8601
        text."""

        def day(value: Any) -> str:
            return value if isinstance(value, str) else value.isoformat()

        for key, code, standard, on, doc in self._rows(
            "SELECT id, station_code, standard, on_date, doc FROM station_evaluations ORDER BY seq"
        ):
            columns = {"station_code": code, "standard": standard, "on_date": day(on)}
            yield EVALUATION, self._text(key), self._text(doc), columns
        attendance: dict[str, list[tuple[str, str]]] = {}
        for session, code, name in self._rows(
            "SELECT session_id, station_code, name FROM training_attendance"
        ):
            attendance.setdefault(self._text(session), []).append(
                (self._text(code), self._text(name))
            )
        for key, held_on, doc in self._rows(
            "SELECT id, held_on, doc FROM training_sessions ORDER BY id"
        ):
            key = self._text(key)
            columns = {"held_on": day(held_on), "attendance": attendance.pop(key, [])}
            yield SESSION, key, self._text(doc), columns
        for session in sorted(attendance):  # attendance of a session not stored
            yield SESSION, session, "", {"held_on": None, "attendance": attendance[session]}
        for year, quarter, code, name, doc in self._rows(
            "SELECT year, quarter, station_code, name, doc FROM staff_records "
            "ORDER BY year, quarter, station_code, name"
        ):
            code, name = self._text(code), self._text(name)
            columns = {"year": year, "quarter": quarter, "station_code": code, "name": name}
            yield STAFF, staff_record_key(year, quarter, code, name), self._text(doc), columns
        for key, code, name, on, doc in self._rows(
            "SELECT id, station_code, name, recorded_on, doc FROM discipline_records ORDER BY id"
        ):
            columns = {"station_code": self._text(code), "name": self._text(name)}
            columns["recorded_on"] = day(on)
            yield DISCIPLINE, str(key), self._text(doc), columns

    def staff_records(self, year: int, quarter: int) -> list[Any]:
        from govservice.model.assessment import StaffRecord

        m = self.mark
        rows = self._rows(
            f"SELECT doc FROM staff_records WHERE year = {m} AND quarter = {m} "
            "ORDER BY station_code, name",
            (year, quarter),
        )
        return [
            from_document(StaffRecord, json.loads(self._text(doc)), check=False) for (doc,) in rows
        ]

    def add_discipline_records(self, records: Sequence[Any]) -> None:
        m = self.mark
        documents = [to_document(record) for record in records]
        with self.transaction():
            self._lock_ledger()  # the numbers taken under the trail's lock: none twice
            first = self._next_discipline_number()
            keys = [str(first + offset) for offset in range(len(documents))]
            self._execute_many(
                "INSERT INTO discipline_records (id, station_code, name, recorded_on, doc) "
                f"VALUES ({m}, {m}, {m}, {m}, {m})",
                [
                    (int(key), r.station_code, r.name, self._date(r.on), dumps(document))
                    for key, r, document in zip(keys, records, documents, strict=True)
                ],
            )
            append_recorded(self, DISCIPLINE, documents, keys)  # keyed by their numbers

    def _next_discipline_number(self) -> int:
        """The number of the next discipline record: after every one stored and every one
        ever chained, so that a record deleted behind the library's back never lends its
        number (and its subject on the trail, whose last link the audit reads) to the
        next one written, which would hide the deletion."""
        m = self.mark
        ((stored,),) = self._rows("SELECT coalesce(max(id), 0) FROM discipline_records")
        prefix = f"{DISCIPLINE}/"
        chained = [
            self._text(case_id)[len(prefix) :]
            for (case_id,) in self._rows(
                f"SELECT DISTINCT case_id FROM case_events WHERE case_id >= {m} AND case_id < {m}",
                (prefix, f"{DISCIPLINE}0"),  # "0" follows "/": the subjects of the kind
            )
        ]
        return max([int(stored), *(int(key) for key in chained if key.isdigit())]) + 1

    def discipline_records(self, since: dt.date, until: dt.date) -> list[Any]:
        from govservice.model.assessment import DisciplineRecord

        m = self.mark
        rows = self._rows(
            f"SELECT doc FROM discipline_records WHERE recorded_on >= {m} AND "
            f"recorded_on <= {m} ORDER BY recorded_on, id",
            (self._date(since), self._date(until)),
        )
        return [
            from_document(DisciplineRecord, json.loads(self._text(doc)), check=False)
            for (doc,) in rows
        ]

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


def where_columns(kind: str, columns: dict[str, Any]) -> list[str]:
    """The names of ``columns`` (keyword arguments of ``records_where``), checked to be indexed
    columns of ``kind``'s table, in order.

    :raises UsageError: none is given, or one is not a column of the kind's table.
    """
    known = [name.strip() for name in TABLES[kind][2].split(",")]
    unknown = sorted(set(columns) - set(known))
    if not columns or unknown:
        raise UsageError(
            f"the records of {kind} are found by one or more of the columns "
            f"{', '.join(known)}; not {', '.join(unknown) or 'none'}"
        )
    return [name for name in known if name in columns]


def _instant(value: Any) -> dt.datetime:
    """A time of the outbox as read back (SQLite: text; PostgreSQL: a datetime)."""
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
    return moment.astimezone(SHANGHAI)


def _group(by: str) -> str:
    if by not in CASE_GROUPS:
        raise ValueError(f"cases are grouped by one of {', '.join(CASE_GROUPS)}, not {by!r}")
    return by


def _appended(
    key: str, stored: Sequence[str], document: dict | None, texts: Sequence[str]
) -> list[str]:
    """The texts of the events an update adds to case ``key`` (``texts``, those of all its
    events), after the ``stored`` ones (the texts of the events stored; ``document``, the
    stored document they were read from, None when they are the texts this store wrote).

    :raises StoreError: the update changes or drops an event. The stored events are
        compared in canonical form (an imported document may write a time another valid
        way), as :func:`govservice.store.base.check_events_appended` does.
    """
    count = len(stored)
    if len(texts) >= count and list(texts[:count]) != list(stored) and document is not None:
        stored = document_and_texts(from_document(Case, document, check=False))[2]
    if len(texts) < count or list(texts[:count]) != list(stored):
        raise StoreError(
            f"case {key}: events are append-only; an update may add events, never change "
            "or remove one"
        )
    return list(texts[count:])


def same_item(stored: str, text: str, item: Any) -> bool:
    """Whether the stored document of an item version (``stored``) is ``item`` (whose
    canonical text is ``text``): the same text, or a document written otherwise (an
    imported file keeps its own spelling of defaults) whose canonical document is the
    same (so ``10.0`` and ``10.00`` still differ: they read back differently)."""
    if json.loads(stored) == json.loads(text):
        return True
    canonical = to_document(from_document(type(item), json.loads(stored), check=False))
    return canonical == json.loads(text)


class _ChainedRows:
    """The rows of :meth:`SqlQueries.add_documents`, chunk after chunk (in one thread, in
    order): each record's columns, version and canonical text, and its link chained after
    the one before (:attr:`head`)."""

    def __init__(self, kind: str, row_of: Any, head: tuple[int, str], chained: bool) -> None:
        self.kind, self.row_of, self.head, self.chained = kind, row_of, head, chained
        self._changes: dict[int, tuple[Any, str]] = {}  # one change is often given for many

    def rows_of(self, writes: Sequence[tuple[dict, dict | None]]) -> tuple[list, list]:
        rows: list[tuple] = []
        links: list[tuple] = []
        seq, previous = self.head
        sha256, encode_text, row_of = hashlib.sha256, json.encoder.encode_basestring, self.row_of
        changes, prefix = self._changes, f"{self.kind}/"
        for document, change in writes:
            text = dumps(document)
            row = (*row_of(document), 1, text)
            rows.append(row)
            if not self.chained:
                continue
            known = changes.get(id(change))
            if known is None or known[0] is not change:
                known = changes[id(change)] = (change, canonical(change_link(change, ADDED)))
            name = f"{prefix}{row[0]}"  # subject(kind, key), its canonical() below
            seq += 1
            # canonical() of {"seq", "case_id", "change", "record"}: its keys in order
            link = (
                f'{{"case_id":{encode_text(name)},"change":{known[1]},'
                f'"record":"{sha256(text.encode()).hexdigest()}","seq":{seq:d}}}'
            )
            digest = sha256((previous + link).encode()).hexdigest()
            links.append((seq, name, link, previous, digest))
            previous = digest
        self.head = (seq, previous)
        return rows, links
