"""An in-memory store, for tests, examples and plugin authors' fixtures.

It keeps the same promises as the database backends (versions, conflicts, append-only
events, transactions that roll back, the same orders) and is held to the same contract
suite. Like them it keeps each record as its JSON document, so what is stored shares
nothing with the caller's objects. Its queries scan, as a dictionary must: it is not
meant for a county's data.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import attrs

from govservice.codec import from_document, to_document
from govservice.errors import (
    ConflictError,
    DuplicateRecordError,
    RecordNotFoundError,
)
from govservice.formats import parse_date_time
from govservice.kinds import CHAINED_KINDS, KINDS, kind_named, kind_of
from govservice.model import Case, CaseState, Item
from govservice.store.base import (
    CASE_FILTERS,
    CASE_GROUPS,
    CaseQuery,
    CompletionCount,
    DueCount,
    ItemHead,
    NestedTransactions,
    Notice,
    NoticeWrites,
    Page,
    Stored,
    TrailLinks,
    check_events_appended,
    new_events,
)
from govservice.store.bulk import PackedImport
from govservice.store.catalog_memory import MemoryCatalog
from govservice.store.chained import ADDED, CHANGE, UPDATED, change_link, subject
from govservice.store.chained import IMPORTED as IMPORTED_CHANGE
from govservice.store.columns import CASE_COLUMNS, TABLES, case_row, queue_key
from govservice.store.guiding_memory import MemoryGuiding
from govservice.store.ledger import (
    GENESIS,
    IMPORTED,
    LedgerEntry,
    canonical,
    chain,
    check_attestable,
    record_digest,
)
from govservice.store.recorded import (
    DISCIPLINE,
    EVALUATION,
    SESSION,
    STAFF,
    append_recorded,
    columns_of,
    key_of,
)
from govservice.store.sql import where_columns
from govservice.store.states import refuse_chained, state_subject
from govservice.store.stations_memory import MemoryStations

_CLOSED = frozenset(state.value for state in CaseState if state.is_closed)


class MemoryStore(
    PackedImport,
    MemoryCatalog,
    MemoryGuiding,
    MemoryStations,
    TrailLinks,
    NoticeWrites,
    NestedTransactions,
):
    """Records as documents in dictionaries (see :class:`~govservice.store.base.Store`)."""

    dialect = "memory"

    def __init__(self) -> None:
        self._items: dict[tuple[str, int], dict] = {}
        self._records: dict[str, dict[str, tuple[dict, int]]] = {
            kind: {} for kind in KINDS if kind != "item"
        }
        self._ledger: list[LedgerEntry] = []
        self._outbox: dict[int, Notice] = {}
        self._delivered: dict[int, dt.datetime] = {}  # notices of the outbox delivered, when
        self._catalog = {}  # the versions of each region's catalog (MemoryCatalog)
        self._guiding = {}  # the guiding catalog's versions of each region (MemoryGuiding)
        self._evaluations = []  # station evaluations, in order (MemoryStations; replaced, not changed)
        self._offering: dict[str, list[str]] | None = None  # service code: agencies offering

    def schema_version(self) -> int:
        return 1

    def latest_schema_version(self) -> int:
        return 1

    def migrate(self) -> list[int]:
        return []

    def count(self, kind: str) -> int:
        return len(self._items) if kind == "item" else len(self._records[kind])

    def close(self) -> None:
        pass

    def _begin(self) -> Any:
        return (
            dict(self._items),
            {kind: dict(records) for kind, records in self._records.items()},
            list(self._ledger),
            dict(self._outbox),
            dict(self._delivered),
            self._catalog,  # never changed in place: a new version makes a new dict
            self._guiding,  # the same (MemoryGuiding)
            self._evaluations,  # the same (MemoryStations)
            self._settings,  # the same: a setting set makes a new dict
            {name: type(held)(held) for name, held in self._people().items()},
        )

    def _commit(self, token: Any) -> None:
        pass

    def _rollback(self, token: Any) -> None:
        self._offering = None
        (
            self._items,
            self._records,
            self._ledger,
            self._outbox,
            self._delivered,
            self._catalog,
            self._guiding,
            self._evaluations,
            self._settings,
            self.__dict__["_people_records"],
        ) = token

    def add_item(self, item: Item) -> None:
        document = to_document(item)
        existing = self._items.get((item.code, item.version))
        if existing is not None:
            if (
                existing != document
                and to_document(from_document(Item, existing, check=False)) != document
            ):
                raise DuplicateRecordError(
                    f"item {item.code} version {item.version} is already in the catalog "
                    "with other content; add a new version instead"
                )
            return
        self._items[(item.code, item.version)] = document

    def item(self, code: str, version: int | None = None) -> Item | None:
        if version is None:
            versions = [v for c, v in self._items if c == code]
            if not versions:
                return None
            version = max(versions)
        document = self._items.get((code, version))
        return (
            None if document is None else from_document(Item, copy.deepcopy(document), check=False)
        )

    def item_status(self, code: str) -> ItemHead | None:
        latest = self.item(code)
        if latest is None:
            return None
        return ItemHead(latest.version, latest.status, latest.status_since)

    def item_versions(self, code: str) -> list[Item]:
        return [
            from_document(Item, copy.deepcopy(self._items[(code, version)]), check=False)
            for version in sorted(v for c, v in self._items if c == code)
        ]

    def items(self, *, region: str | None = None) -> Iterator[Item]:
        for code in sorted({code for code, _ in self._items}):
            latest = self.item(code)
            if latest is not None and (region is None or latest.region == region):
                yield latest

    # --- mutable records -------------------------------------------------------------------

    def _stored(self, kind: str, document: dict, version: int) -> Stored[Any]:
        return Stored(
            from_document(kind_named(kind).model, copy.deepcopy(document), check=False), version
        )

    def add(self, record: Any, *, version: int = 1, change: dict | None = None) -> Stored[Any]:
        kind = kind_of(record)
        key = kind.key(record)
        records = self._records[kind.name]
        if key in records:
            raise DuplicateRecordError(f"{kind.name} {key} is already stored")
        link = change_link(change, ADDED) if kind.name in CHAINED_KINDS else None
        document = to_document(record)
        with self.transaction():
            records[key] = (document, version)
            if kind.name == "case":
                self._append_ledger(key, document.get("events", []), record=_digest(document))
            elif link is not None:
                self._chain_record(kind.name, key, document, link)
        return Stored(record, version)

    def add_documents(self, kind: str, writes: Sequence[tuple[dict, dict | None]]) -> int:
        """New records of ``kind`` from valid documents, each with its link's change, at
        version 1, all or none (see :meth:`govservice.store.sql.SqlQueries.add_documents`)."""
        model = KINDS[kind].model
        made = []
        for document, change in writes:
            record = from_document(model, copy.deepcopy(document), check=False)
            made.append((KINDS[kind].key(record), to_document(record), change))
        records = self._records[kind]
        seen: set = set()
        for key, _, _ in made:
            if key in records or key in seen:
                raise DuplicateRecordError(f"{kind} {key} is already stored or given twice")
            seen.add(key)
        with self.transaction():
            for key, document, change in made:
                records[key] = (document, 1)
                if kind in CHAINED_KINDS:
                    self._chain_record(kind, key, document, change_link(change, ADDED))
        return len(made)

    def _chain_record(self, kind: str, key: Any, document: dict, link: dict) -> None:
        """The link of a write of a record of a chained kind (:mod:`govservice.store.chained`)."""
        self._append_ledger(subject(kind, key), [link], key=CHANGE, record=_digest(document))
        if kind == "intermediary":
            self._offering = None  # made again when next asked for

    def get(self, kind: str, key: str) -> Stored[Any] | None:
        found = self._records[kind].get(key)
        return None if found is None else self._stored(kind, *found)

    def lock(self, kind: str, key: str) -> None:
        """One process, one thread at a time: nothing else can change the record."""

    def update(
        self,
        record: Any,
        expected_version: int,
        *,
        steps: int = 1,
        change: dict | None = None,
    ) -> Stored[Any]:
        kind = kind_of(record)
        key = kind.key(record)
        current = self._records[kind.name].get(key)
        if current is None:
            raise RecordNotFoundError(f"no {kind.name} {key} is stored")
        stored, version = current
        if version != expected_version:
            raise ConflictError(
                f"{kind.name} {key} changed since it was read (version {expected_version}, "
                f"now {version}); read it again and redo the change"
            )
        link = change_link(change, UPDATED) if kind.name in CHAINED_KINDS else None
        document = to_document(record)
        with self.transaction():
            if kind.name == "case":
                check_events_appended(key, stored, document)
                added = new_events(stored, document)
                self._append_ledger(key, added, record=_digest(document))
            elif link is not None:
                self._chain_record(kind.name, key, document, link)
            self._records[kind.name][key] = (document, expected_version + steps)
        return Stored(record, expected_version + steps)

    # --- the trail ---------------------------------------------------------------------------

    def attest_import(self, case_id: str, attestation: dict) -> None:
        found = self._records["case"].get(case_id)
        if found is None:
            raise RecordNotFoundError(f"no case {case_id} is stored")
        check_attestable(case_id, self.case_ledger(case_id))
        with self.transaction():
            self._append_ledger(case_id, [attestation], key=IMPORTED, record=_digest(found[0]))

    def _append_ledger(
        self, case_id: str, events: list[dict], *, key: str = "event", record: str | None = None
    ) -> None:
        events = copy.deepcopy(events)
        self._ledger.extend(chain(self.ledger_head(), case_id, events, key=key, record=record))

    def ledger(self, after: int = 0, limit: int = 1000) -> list[LedgerEntry]:
        return [entry for entry in self._ledger if entry.seq > after][:limit]

    def case_ledger(self, case_id: str) -> list[LedgerEntry]:
        return [entry for entry in self._ledger if entry.case_id == case_id]

    def ledger_head(self) -> tuple[int, str]:
        return (self._ledger[-1].seq, self._ledger[-1].hash) if self._ledger else (0, GENESIS)

    def raw_rows(self, kind: str, *, after: str | None = None, limit: int = 500) -> list[tuple]:
        row_of = TABLES[kind][3]
        keys = sorted(key for key in self._records[kind] if after is None or key > after)
        return [
            (*row_of(document), version, canonical(document))
            for document, version in (self._records[kind][key] for key in keys[:limit])
        ]

    def list(
        self, kind: str, *, region: str | None = None, limit: int = 100, after: str | None = None
    ) -> Page[Any]:
        chosen = sorted(
            (key, self._stored(kind, document, version))
            for key, (document, version) in self._records[kind].items()
            if (region is None or _region(kind, document) == region)
            and (after is None or key > after)
        )
        return _page(chosen, limit)

    # --- the supermarket's reads -----------------------------------------------------------

    def records_where(self, kind: str, **columns: Any) -> list[Stored[Any]]:
        """The records of ``kind`` whose indexed columns equal the values given, in the
        order of their keys (see :meth:`govservice.store.sql.SqlQueries.records_where`)."""
        names = where_columns(kind, columns)
        known = [name.strip() for name in TABLES[kind][2].split(",")]
        places = [(known.index(name), columns[name]) for name in names]
        row_of = TABLES[kind][3]
        found = []
        for key in sorted(self._records[kind]):
            document, version = self._records[kind][key]
            row = row_of(document)
            if all(row[index] == value for index, value in places):
                found.append(self._stored(kind, document, version))
        return found

    def agencies_offering(self, service_code: str) -> list[tuple[dict, int]]:
        """The documents and versions of the agencies whose offers name ``service_code``,
        in the order of their credit codes (copies: they share nothing with the store)."""
        if self._offering is None:
            offering: dict[str, list[str]] = {}
            for key in sorted(self._records["intermediary"]):
                document = self._records["intermediary"][key][0]
                codes = {o.get("service_code") for o in document.get("services", [])}
                for code in sorted(code for code in codes if code):
                    offering.setdefault(code, []).append(key)
            self._offering = offering
        records = self._records["intermediary"]
        return [
            (json.loads(canonical(records[key][0])), records[key][1])
            for key in self._offering.get(service_code, ())
        ]

    def blacklist_entries_of(self, numbers: Iterable[str]) -> list[Any]:
        """The blacklist entries whose subject's identifier number is one of ``numbers``,
        whatever their validity, in the order of their ids."""
        wanted = set(numbers)
        return [
            self._stored("blacklist-entry", document, version).record
            for key, (document, version) in sorted(self._records["blacklist-entry"].items())
            if document["subject"]["identifier"]["number"] in wanted
        ]

    # --- cases -------------------------------------------------------------------------------

    def _matching(self, query: CaseQuery) -> list[tuple[str, dict, int]]:
        states = {state.value for state in query.states}
        found = []
        for document, version in self._records["case"].values():
            if states and document.get("state", "submitted") not in states:
                continue
            if any(
                getattr(query, field) is not None and getattr(query, field) != document.get(field)
                for field in CASE_FILTERS
            ):
                continue
            if query.rectification_due_to is not None:
                rectification = document.get("rectification")
                if (
                    rectification is None
                    or "closed_at" in rectification
                    or rectification["due"] > query.rectification_due_to.isoformat()
                ):
                    continue
            if query.received_before is not None:
                received = parse_date_time(document["received_at"])
                if received >= query.received_before:
                    continue
            due = document.get("promised_due")
            if query.due_from is not None and (due is None or due < query.due_from.isoformat()):
                continue
            if query.due_to is not None and (due is None or due > query.due_to.isoformat()):
                continue
            found.append((queue_key(document), document, version))
        return sorted(found, key=lambda found: found[0])

    def find_cases(
        self, query: CaseQuery, *, limit: int = 100, after: str | None = None
    ) -> Page[Case]:
        chosen = [
            (key, self._stored("case", document, version))
            for key, document, version in self._matching(query)
            if after is None or key > after
        ]
        return _page(chosen, limit)

    def count_cases(self, query: CaseQuery) -> int:
        return len(self._matching(query))

    def due_counts(
        self, today: dt.date, near_until: dt.date, by: str, *, states: tuple = ()
    ) -> list[DueCount]:
        index = _group_index(by)
        wanted = {CaseState(state).value for state in states}
        counts: dict[str | None, list[int]] = {}
        for document, _ in self._records["case"].values():
            due = document.get("promised_due")
            state = document.get("state", "submitted")
            if state in _CLOSED or due is None or (wanted and state not in wanted):
                continue
            if due > near_until.isoformat():
                continue
            tally = counts.setdefault(case_row(document)[index], [0, 0])
            tally[0 if due < today.isoformat() else 1] += 1
        return [DueCount(group, *counts[group]) for group in _groups(counts)]

    def completion_counts(self, since: dt.date, until: dt.date, by: str) -> list[CompletionCount]:
        index = _group_index(by)
        counts: dict[str | None, list[int]] = {}
        for document, _ in self._records["case"].values():
            row = case_row(document)
            completed_on = row[_COMPLETED_ON]
            if completed_on is None or not since.isoformat() <= completed_on <= until.isoformat():
                continue
            due = document.get("promised_due")
            tally = counts.setdefault(row[index], [0, 0])
            tally[0] += 1
            tally[1] += due is None or completed_on <= due
        return [CompletionCount(group, *counts[group]) for group in _groups(counts)]

    # --- the outbox of notifications (see govservice.workflow.outbox) -----------------------

    _last_notice = 0

    def add_notices(
        self,
        case_id: str,
        docs: Sequence[dict[str, Any]],
        *,
        created_at: dt.datetime,
        claimed_by: str | None = None,
        lease_until: dt.datetime | None = None,
    ) -> list[int]:
        texts = self._notice_texts(case_id, docs)
        held = claimed_by is not None and lease_until is not None
        ids = []
        with self.transaction():
            for text in texts:
                self._last_notice += 1
                self._outbox[self._last_notice] = Notice(
                    id=self._last_notice,
                    case_id=case_id,
                    doc=json.loads(text),
                    created_at=created_at,
                    attempts=0,
                    last_error=None,
                    next_attempt_at=lease_until if held else created_at,
                    claimed_by=claimed_by,
                    waiting_for=None,
                )
                ids.append(self._last_notice)
        return ids

    def undelivered_notices(
        self,
        *,
        due: dt.datetime | None = None,
        claimed_by: str | None = None,
        after: int = 0,
        limit: int = 100,
    ) -> list[Notice]:
        found = [
            attrs.evolve(notice, doc=copy.deepcopy(notice.doc))
            for nid, notice in sorted(self._outbox.items())
            if nid > after
            and nid not in self._delivered
            and (due is None or _due(notice, due))
            and (claimed_by is None or notice.claimed_by == claimed_by)
        ]
        return found[:limit]

    def claim_notice(
        self,
        notice_id: int,
        owner: str,
        *,
        now: dt.datetime,
        until: dt.datetime,
        force: bool = False,
    ) -> bool:
        notice = self._outbox.get(notice_id)
        if notice is None or notice_id in self._delivered:
            return False
        if not (_due(notice, now) or (force and notice.claimed_by is None)):
            return False
        with self.transaction():
            self._outbox[notice_id] = attrs.evolve(notice, claimed_by=owner, next_attempt_at=until)
        return True

    def mark_notices_delivered(self, notice_ids: Sequence[int], at: dt.datetime) -> None:
        with self.transaction():
            for notice_id in notice_ids:
                notice = self._outbox.get(notice_id)
                if notice is None:
                    continue
                self._outbox[notice_id] = attrs.evolve(
                    notice, attempts=notice.attempts + 1, next_attempt_at=None, claimed_by=None
                )
                self._delivered[notice_id] = at

    def mark_notice_failed(
        self,
        notice_id: int,
        error: str,
        *,
        retry_at: dt.datetime | None,
        waiting_for: Sequence[str] | None,
    ) -> None:
        notice = self._outbox.get(notice_id)
        if notice is None:
            return
        with self.transaction():
            self._outbox[notice_id] = attrs.evolve(
                notice,
                attempts=notice.attempts + 1,
                last_error=error,
                next_attempt_at=retry_at,
                claimed_by=None,
                waiting_for=None if waiting_for is None else tuple(waiting_for),
            )

    # --- settings --------------------------------------------------------------------------

    _settings: dict[str, str] | None = None

    def setting(self, name: str) -> str | None:
        return (self._settings or {}).get(name)

    def set_setting(self, name: str, value: str) -> None:
        refuse_chained(name)
        self._put_setting(name, value)

    def _put_setting(self, name: str, value: str) -> None:
        self._settings = {**(self._settings or {}), name: value}

    def settings(self) -> dict[str, str]:
        return dict(sorted((self._settings or {}).items()))

    def setting_with_link(self, name: str) -> tuple[str | None, LedgerEntry | None]:
        links = self.case_ledger(state_subject(name))
        return self.setting(name), links[-1] if links else None

    def lock_trail(self) -> None:
        pass  # one process, one thread: nothing writes meanwhile

    # --- training and the staff assessment (issue 13, slice S3) --------------------------
    # Kept apart from the snapshot of a transaction: every write checks all it is given
    # before it stores any of it, so a refused write leaves nothing behind.

    def _people(self) -> dict[str, dict]:
        found = self.__dict__.get("_people_records")
        if found is None:
            found = self.__dict__["_people_records"] = {
                "sessions": {},
                "staff": {},
                "discipline": [],
            }
        return found

    def add_training_session(self, session: Any) -> None:
        sessions = self._people()["sessions"]
        if session.id in sessions:
            raise DuplicateRecordError(f"training session {session.id} is already stored")
        document = to_document(session)
        with self.transaction():
            append_recorded(self, SESSION, [document])
            sessions[session.id] = document

    def training_sessions(
        self, *, since: dt.date | None = None, until: dt.date | None = None
    ) -> list[Any]:
        from govservice.model.training import TrainingSession

        low, high = (since or dt.date.min).isoformat(), (until or dt.date.max).isoformat()
        documents = sorted(
            (d for d in self._people()["sessions"].values() if low <= d["on"] <= high),
            key=lambda d: (d["on"], d["id"]),
        )
        return [from_document(TrainingSession, copy.deepcopy(d), check=False) for d in documents]

    def add_staff_records(self, records: Sequence[Any]) -> None:
        staff = self._people()["staff"]
        keys = [(r.year, r.quarter, r.station_code, r.name) for r in records]
        for record, key in zip(records, keys, strict=True):
            if key in staff or keys.count(key) > 1:
                raise DuplicateRecordError(
                    f"the record of {record.name} of station {record.station_code} for "
                    f"quarter {record.quarter} of {record.year} is already stored"
                )
        documents = [to_document(record) for record in records]
        with self.transaction():  # all or none, with their links
            append_recorded(self, STAFF, documents)
            for key, document in zip(keys, documents, strict=True):
                staff[key] = document

    def recorded_rows(self) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        people = self._people()
        for kind, documents in (
            (EVALUATION, [document for _, _, document in self._evaluations]),
            (SESSION, [people["sessions"][key] for key in sorted(people["sessions"])]),
            (STAFF, [people["staff"][key] for key in sorted(people["staff"])]),
        ):
            for document in documents:
                key = key_of(kind, document)
                yield kind, key, canonical(document), columns_of(kind, document)
        for number, document in enumerate(people["discipline"], start=1):
            yield DISCIPLINE, str(number), canonical(document), columns_of(DISCIPLINE, document)

    def staff_records(self, year: int, quarter: int) -> list[Any]:
        from govservice.model.assessment import StaffRecord

        staff = self._people()["staff"]
        return [
            from_document(StaffRecord, copy.deepcopy(staff[key]), check=False)
            for key in sorted(k for k in staff if k[:2] == (year, quarter))
        ]

    def add_discipline_records(self, records: Sequence[Any]) -> None:
        held = self._people()["discipline"]
        documents = [to_document(record) for record in records]
        keys = [str(len(held) + number) for number in range(1, len(documents) + 1)]
        with self.transaction():  # the records and links written before a failure undone
            append_recorded(self, DISCIPLINE, documents, keys)  # numbered as a SQL store's
            held.extend(documents)

    def discipline_records(self, since: dt.date, until: dt.date) -> list[Any]:
        from govservice.model.assessment import DisciplineRecord

        low, high = since.isoformat(), until.isoformat()
        found = [d for d in self._people()["discipline"] if low <= d["on"] <= high]
        return [
            from_document(DisciplineRecord, copy.deepcopy(d), check=False)
            for d in sorted(found, key=lambda d: d["on"])
        ]

    # --- bulk ------------------------------------------------------------------------------

    def import_rows(self, kind: str, rows: list[tuple]) -> int:
        return self.import_batch(kind, [(json.loads(row[-1]), row[-1]) for row in rows])

    def import_batch(self, kind: str, documents: Iterable[tuple[Any, str]]) -> int:
        model = KINDS[kind].model
        inserted = 0
        with self.transaction():
            for document, _ in documents:
                record = from_document(model, copy.deepcopy(document), check=False)
                canonical = to_document(record)
                if kind == "item":
                    if (record.code, record.version) not in self._items:
                        self._items[(record.code, record.version)] = canonical
                        inserted += 1
                elif KINDS[kind].key(record) not in self._records[kind]:
                    key = KINDS[kind].key(record)
                    self._records[kind][key] = (canonical, 1)
                    if kind in CHAINED_KINDS:
                        self._chain_record(kind, key, canonical, dict(IMPORTED_CHANGE))
                    inserted += 1
        return inserted


_CASE_COLUMNS = [column.strip() for column in CASE_COLUMNS.split(",")]
_COMPLETED_ON = _CASE_COLUMNS.index("completed_on")


def _due(notice: Notice, moment: dt.datetime) -> bool:
    """Whether a notice may be tried at ``moment`` (its next attempt come, a lease over)."""
    return notice.next_attempt_at is not None and notice.next_attempt_at <= moment


def _digest(document: dict) -> str:
    """The :func:`~govservice.store.ledger.record_digest` of a case document as stored."""
    return record_digest(canonical(document))


def _group_index(by: str) -> int:
    if by not in CASE_GROUPS:
        raise ValueError(f"cases are grouped by one of {', '.join(CASE_GROUPS)}, not {by!r}")
    return _CASE_COLUMNS.index(by)


def _groups(counts: dict) -> list:
    """Groups in order, None (no station) last, as the SQL backends order them."""
    return sorted(counts, key=lambda group: (group is None, group or ""))


def _region(kind: str, document: dict) -> str:
    return document["source"]["region"] if kind == "blacklist-entry" else document["region"]


def _page(chosen: list[tuple[str, Stored[Any]]], limit: int) -> Page[Any]:
    records = tuple(stored for _, stored in chosen[:limit])
    return Page(records, chosen[limit - 1][0] if len(chosen) > limit else None)
