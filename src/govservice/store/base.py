"""The store API: everything govservice keeps, and the queries the library needs.

Every backend (``memory``, ``sqlite``, ``postgresql``) implements :class:`Store` and
passes the one contract suite in ``tests/test_store_contract.py``. Queries that filter or
count are executed by the database on indexed columns, never by loading records into
Python.

Mutable records (cases, stations, intermediaries, blacklist entries) carry a version,
returned as :class:`Stored`; :meth:`Store.update` takes the version that was read and
raises :class:`~govservice.errors.ConflictError` when the record has changed since.
Items are never updated: each change is a new version of the item in the catalog.
A case's events are append-only: an update may add events, never change or drop one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, Generic, Protocol, TypeVar

import attrs

from govservice.codec import from_document, to_document
from govservice.errors import StoreError
from govservice.model import Case, CaseState, GuidingCatalogVersion, Item, ItemStatus
from govservice.store.ledger import (
    CATALOG,
    REFUSED,
    SIMULATED,
    SIMULATION_LINK,
    LedgerEntry,
    canonical,
)
from govservice.store.states import (
    STATE,
    checked_setting,
    is_chained_setting,
    state_link,
    state_subject,
)

T = TypeVar("T")

MUTABLE_KINDS = ("case", "station", "intermediary", "blacklist-entry", "project")
OPEN_STATES = tuple(state for state in CaseState if not state.is_closed)


class NestedTransactions:
    """``transaction()`` as every backend has it: the outermost one begins and commits (or
    rolls back on any exception); inner ones join it. A backend says how to begin, commit
    and roll back; ``_begin`` may return what ``_rollback`` needs (a snapshot, say).

    Work that must follow a commit (delivering the notifications of the outbox, writing a
    signed checkpoint of the trail) registers with :meth:`after_commit`: each callback is
    called after every outermost transaction that committed, in the order registered.
    """

    _depth = 0
    _after_commit: tuple[Callable[[], None], ...] = ()

    rollbacks = 0
    """How many outermost transactions have rolled back (or failed to commit): what was
    written while this number stays the same until a commit is stored (the outbox knows
    its notices committed so)."""

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Call ``callback()`` after each outermost transaction that commits. What it raises
        propagates to the caller of the transaction, whose writes are committed all the
        same: a callback that may fail catches and reports its own errors."""
        self._after_commit = (*self._after_commit, callback)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        token = self._begin()
        self._depth = 1
        try:
            yield
            self._before_commit()
        except BaseException:
            self._depth = 0
            self.rollbacks += 1
            self._ended(committed=False)
            self._rollback(token)
            raise
        self._depth = 0
        try:
            self._commit(token)
        except BaseException:
            self.rollbacks += 1
            self._ended(committed=False)  # nothing may be taken as stored
            raise
        self._ended(committed=True)
        for callback in self._after_commit:
            callback()

    def _begin(self) -> Any:
        raise NotImplementedError

    def _before_commit(self) -> None:
        """Write what was kept back until the end of the transaction (its failure rolls
        the transaction back)."""

    def _ended(self, committed: bool) -> None:
        """Forget what was known only for the transaction that is ending (and, when it is
        rolled back, what it wrote)."""

    def _commit(self, token: Any) -> None:
        raise NotImplementedError

    def _rollback(self, token: Any) -> None:
        raise NotImplementedError


class TrailLinks:
    """The links of the trail that every backend chains alike, through its own
    ``_append_ledger(subject_id, documents, key=...)``, in the caller's transaction or one of
    their own: a refusal with no case record, the mark of a simulation store, a version of
    a catalog, a write of a chained setting (:mod:`govservice.store.states`)."""

    def record_refusal(self, subject_id: str, refusal: dict) -> None:
        with self.transaction():  # type: ignore[attr-defined]
            self._append_ledger(subject_id, [refusal], key=REFUSED)  # type: ignore[attr-defined]

    def mark_simulation(self) -> None:
        with self.transaction():  # type: ignore[attr-defined]
            self._append_ledger("", [dict(SIMULATION_LINK)], key=SIMULATED)  # type: ignore[attr-defined]

    def record_catalog_version(self, region: str, link: dict) -> None:
        with self.transaction():  # type: ignore[attr-defined]
            self._append_ledger(catalog_subject(region), [link], key=CATALOG)  # type: ignore[attr-defined]

    def set_chained_setting(self, name: str, value: str, *, link: dict | None = None) -> None:
        if not is_chained_setting(name):
            raise StoreError(f"setting {name} is not one the trail covers (CHAINED_SETTINGS)")
        with self.transaction():  # type: ignore[attr-defined]
            # the link first: it takes the trail head's lock before the setting's row is
            # written, the one lock order of every writer (no deadlock)
            held = state_link(name, value) if link is None else link
            self._append_ledger(state_subject(name), [held], key=STATE)  # type: ignore[attr-defined]
            self._put_setting(name, value)  # type: ignore[attr-defined]

    def chained_setting(self, name: str) -> str | None:
        value, link = self.setting_with_link(name)  # type: ignore[attr-defined]
        return checked_setting(name, value, link)


def every(store: Any, kind: str, *, region: str | None = None, page: int = 500) -> Iterator[Any]:
    """Every stored record of ``kind`` (of ``region``), by key, read ``page`` at a time
    through :meth:`Store.list` (the records, not their versions)."""
    for stored in every_stored(store, kind, region=region, page=page):
        yield stored.record


def every_stored(
    store: Any, kind: str, *, region: str | None = None, page: int = 500
) -> Iterator[Stored[Any]]:
    """As :func:`every`, each record with its version (:class:`Stored`)."""
    after = None
    while True:
        found = store.list(kind, region=region, limit=page, after=after)
        yield from found.records
        if found.next_after is None:
            return
        after = found.next_after


def catalog_subject(region: str) -> str:
    """What the trail names as the subject of a link of ``region``'s catalog (no case has
    such an id: a case id never holds a slash)."""
    return f"catalog/{region}"


class NoticeWrites:
    """What every backend's outbox writes alike: one notice is a write of one
    (``add_notice`` through the backend's ``add_notices``), and the notices of one write are
    told apart by their canonical text."""

    def add_notice(
        self,
        case_id: str,
        doc: dict[str, Any],
        *,
        created_at: dt.datetime,
        claimed_by: str | None = None,
        lease_until: dt.datetime | None = None,
    ) -> int:
        return self.add_notices(  # type: ignore[attr-defined]
            case_id, [doc], created_at=created_at, claimed_by=claimed_by, lease_until=lease_until
        )[0]

    def add_notices_of(
        self,
        writes: Sequence[tuple[str, Sequence[dict[str, Any]]]],
        *,
        created_at: dt.datetime,
        claimed_by: str | None = None,
        lease_until: dt.datetime | None = None,
    ) -> list[list[int]]:
        """:meth:`add_notices` for each ``(case_id, docs)`` of ``writes`` (the writes of a
        batch; each case's docs distinct), in order; the ids of each write's notices. A
        backend may write them all with one statement. Nothing is written when one write
        is refused."""
        for case_id, docs in writes:  # each write's refusal before anything is written
            self._notice_texts(case_id, docs)
        with self.transaction():  # type: ignore[attr-defined]
            return [
                self.add_notices(  # type: ignore[attr-defined]
                    case_id,
                    docs,
                    created_at=created_at,
                    claimed_by=claimed_by,
                    lease_until=lease_until,
                )
                for case_id, docs in writes
            ]

    @staticmethod
    def _notice_texts(case_id: str, docs: Sequence[dict[str, Any]]) -> list[str]:
        """The canonical texts of the notices ``docs`` of one write, which are distinct.

        :raises StoreError: two of them are the same notice."""
        texts = [canonical(doc) for doc in docs]
        if len(set(texts)) != len(texts):
            raise StoreError(f"case {case_id}: the notices of one write are distinct")
        return texts


@attrs.frozen
class ItemHead:
    """Where an item stands in the catalog: its latest version and that version's status."""

    version: int
    status: ItemStatus
    status_since: dt.date | None


@attrs.frozen
class CatalogHead:
    """One stored version of a region's catalog, without its items: its number, the day
    it took effect, the adjustment that made it (its JSON document; None for an import)
    and what an import said of itself (``imported``: who decided it, the decision's number,
    the title; None for an adjustment), and how many items it holds."""

    region: str
    number: int
    effective: dt.date
    adjustment: dict[str, Any] | None
    imported: dict[str, Any] | None
    size: int


@attrs.frozen
class CatalogPlace:
    """Where an item stands in the version of a catalog in force on a day: the version's
    number and date, and the item's version there with its status (``head`` None: the
    item is not in that version of the catalog)."""

    number: int
    effective: dt.date
    head: ItemHead | None


@attrs.frozen(kw_only=True)
class StationOffer:
    """A station as the coverage report reads it (S2, guiding catalog): who it is, where
    it stands, and the codes of the items it offers (its document's ``items``)."""

    code: str
    name: str
    region: str
    level: str
    parent_code: str | None
    items: frozenset[str]


@attrs.frozen
class Stored(Generic[T]):
    """A record as stored, with the version an update must name."""

    record: T
    version: int


@attrs.frozen
class Page(Generic[T]):
    """One page of results in a stable order; pass ``next_after`` to get the next."""

    records: tuple[Stored[T], ...]
    next_after: str | None


@attrs.frozen(kw_only=True)
class CaseQuery:
    """Which cases to find. Every field left at None (or empty) does not filter.

    ``due_from`` / ``due_to`` bound the promised due date (a deadline window, inclusive).
    Results come in the work-queue order: green channel first, then the earliest promised
    due date, then id.
    """

    states: tuple[CaseState, ...] = attrs.field(
        default=(), converter=lambda states: tuple(CaseState(state) for state in states)
    )
    region: str | None = None
    department: str | None = None
    station_code: str | None = None
    handler: str | None = None
    item_code: str | None = None
    project_id: str | None = None
    tracking_code: str | None = None
    due_from: dt.date | None = None
    due_to: dt.date | None = None
    rectification_due_to: dt.date | None = None
    """Cases with an open rectification due on or before this day."""
    received_before: dt.datetime | None = None
    """Cases received before this moment (an aware time)."""


@attrs.frozen
class DueCount:
    """Open cases of one group (a region, a department, a station): overdue, and due soon.
    ``group`` is None for cases of no station."""

    group: str | None
    overdue: int
    near_due: int


@attrs.frozen
class CompletionCount:
    """Cases of one group completed in a period, and how many of them on time (by the
    promised due date, suspensions included)."""

    group: str | None
    completed: int
    on_time: int


@attrs.frozen(kw_only=True)
class Notice:
    """A notice of the outbox not delivered yet: one event of a case the notification
    plugins are to be told of (see :mod:`govservice.workflow.outbox`)."""

    id: int
    case_id: str
    doc: dict[str, Any]
    """What the outbox wrote: which event of the case (``event``, its index), its action,
    time and the case's region."""
    created_at: dt.datetime
    attempts: int
    last_error: str | None
    next_attempt_at: dt.datetime | None
    """When it may next be tried on its own (None: automatic attempts are over; only
    ``govservice notices deliver`` tries it again)."""
    claimed_by: str | None
    """Who is delivering it, until ``next_attempt_at`` (a lease)."""
    waiting_for: tuple[str, ...] | None
    """The plugins still to be told (those that failed last time); None: all."""


CASE_FILTERS = (
    "region",
    "department",
    "station_code",
    "handler",
    "item_code",
    "project_id",
    "tracking_code",
)
"""The fields of :class:`CaseQuery` that keep the cases whose column equals them."""

CASE_GROUPS = ("region", "department", "station_code")
"""What supervision counts are grouped by."""


class Store(Protocol):
    """What every storage backend provides."""

    def transaction(self) -> AbstractContextManager[None]:
        """All writes inside happen together or not at all; transactions may nest (the
        inner one joins the outer)."""

    def close(self) -> None:
        """Release the connection; the store is not used afterwards."""

    def schema_version(self) -> int:
        """The migration the database is at."""

    def latest_schema_version(self) -> int:
        """The migration this version of the backend brings a database to."""

    def migrate(self) -> list[int]:
        """Apply pending migrations, each in its own transaction; returns their numbers."""

    def count(self, kind: str) -> int:
        """How many records of ``kind`` are stored (item versions for ``item``)."""

    # --- the catalog -------------------------------------------------------------------

    def add_item(self, item: Item) -> None:
        """Add a version of an item; adding the same version again with other content
        raises :class:`~govservice.errors.DuplicateRecordError` (same content: no-op)."""

    def item(self, code: str, version: int | None = None) -> Item | None:
        """One version of an item, the latest when ``version`` is None."""

    def item_versions(self, code: str) -> list[Item]:
        """Every version of an item, oldest first."""

    def item_status(self, code: str) -> ItemHead | None:
        """The latest version of an item, its status and since when (None when the item is
        not in the catalog): which version a new case is for, and whether it is taken."""

    def items(self, *, region: str | None = None) -> Iterator[Item]:
        """The latest version of every item (of ``region``), by code."""

    # --- versions of the catalog (per region) --------------------------------------------

    def add_catalog_version(self, head: CatalogHead, entries: Mapping[str, int]) -> None:
        """Store version ``head.number`` of ``head.region``'s catalog, holding ``entries``
        (item code → the item version it holds, each stored with :meth:`add_item`), in the
        caller's transaction or one of its own. Numbers follow each other from 1, and a
        version takes effect no earlier than the one before it.

        :raises DuplicateRecordError: the version is stored already.
        :raises StoreError: the number does not follow the last one, it takes effect before
            the last one, or an entry names an item version that is not stored."""

    def catalog_heads(self, region: str) -> list[CatalogHead]:
        """Every version of ``region``'s catalog, oldest first (without their items)."""

    def catalog_entries(self, region: str, number: int) -> dict[str, int]:
        """The items of version ``number`` of ``region``'s catalog: code → item version,
        by code (empty when there is no such version)."""

    def catalog_regions(self) -> list[str]:
        """The regions that have a catalog, in order."""

    def catalog_place(self, region: str, code: str, day: dt.date) -> CatalogPlace | None:
        """Where item ``code`` stands in the version of ``region``'s catalog in force on
        ``day`` (the last version that took effect on or before it); None when no version
        was in force then (the region has no catalog, or ``day`` is before its first).
        One indexed query: the workflow asks it for every application."""

    def record_catalog_version(self, region: str, link: dict) -> None:
        """Chain one link ``{"seq", "case_id": "catalog/<region>", "catalog": link}``: a new
        version of a region's catalog (its number, date, adjustment, and the SHA-256 of
        its items), on the trail like a case's events, in the caller's transaction or one
        of its own (see :data:`govservice.store.ledger.CATALOG`)."""

    # --- the guiding catalog and what stations offer (issue 13, S2) ----------------------

    def add_guiding_version(self, version: GuidingCatalogVersion) -> None:
        """Store a version of the guiding catalog (便民服务事项指导性目录) of
        ``version.region`` with its entries, in the caller's transaction or one of its
        own. Numbers follow each other from 1; a version takes effect no earlier than the
        one before it.

        :raises DuplicateRecordError: the version is stored already.
        :raises StoreError: the number skips one, or it takes effect before the last one."""

    def guiding_versions(self, region: str) -> list[GuidingCatalogVersion]:
        """Every version of the guiding catalog ``region`` issued, oldest first."""

    def guiding_regions(self) -> list[str]:
        """The regions that issued a guiding catalog, in order."""

    def station_offers(self, regions: Sequence[str] | None = None) -> list[StationOffer]:
        """Every station (of ``regions``, when given) with the items it offers, by code:
        one query, for the coverage report's set operations."""

    def item_names(self, codes: Iterable[str]) -> dict[str, str]:
        """The name of the latest version of each stored item of ``codes`` (codes not
        stored are left out)."""

    # --- evaluations of stations (issue 13, S1) ------------------------------------------

    def add_station_evaluation(self, evaluation: Any) -> None:
        """Store an evaluation of a station (a
        :class:`~govservice.model.StationEvaluation` with its ``id``), in the caller's
        transaction or one of its own. Evaluations are history: never changed.

        :raises RecordNotFoundError: the station is not stored.
        :raises DuplicateRecordError: an evaluation of this id is stored already."""

    def station_evaluations(self, station_code: str | None = None) -> list[Any]:
        """The evaluations of ``station_code`` (of every station when None), in the
        order they were stored."""

    # --- mutable records ---------------------------------------------------------------

    def add(self, record: Any, *, version: int = 1, change: dict | None = None) -> Stored[Any]:
        """Store a new case, station, intermediary, blacklist entry or project (or a record
        of the supermarket: a listed service, a need, a selection, an engagement, an
        agency's quarter) at ``version`` (1, unless one write stands for several changes).

        A record of a chained kind (:data:`govservice.kinds.CHAINED_KINDS`) is chained in
        the same transaction: one link of the trail holding ``change`` (what the write did,
        default ``{"action": "added"}``) and the SHA-256 of the document stored
        (:mod:`govservice.store.chained`). ``change`` is ignored for other kinds.

        :raises DuplicateRecordError: when its identity is already stored.
        """

    def get(self, kind: str, key: str) -> Stored[Any] | None:
        """The record of ``kind`` (``case``, ``station``, ...) whose identity is ``key``."""

    def lock(self, kind: str, key: str) -> None:
        """Inside a transaction: keep the record of ``kind`` and ``key`` from being changed
        by anyone else until the transaction ends (what is decided from it stays true)."""

    def update(
        self,
        record: Any,
        expected_version: int,
        *,
        steps: int = 1,
        change: dict | None = None,
    ) -> Stored[Any]:
        """Replace a record read at ``expected_version``; returns it at the next version
        (``steps`` versions on, when one write stands for several changes, as a workflow
        batch writes a case once for all its actions).

        A record of a chained kind chains one link holding ``change`` (default
        ``{"action": "updated"}``; a suspension, say, ``{"action": "suspended", "from":
        ..., "until": ..., "figures": {...}}``) and the SHA-256 of the document stored.
        ``change`` is ignored for other kinds.

        :raises ConflictError: the stored version is not ``expected_version``.
        :raises RecordNotFoundError: nothing is stored under the record's identity.
        """

    def records_where(self, kind: str, **columns: Any) -> list[Stored[Any]]:
        """The records of ``kind`` whose indexed columns (those of
        :data:`govservice.store.columns.TABLES`) equal the values given, in the order of
        their keys: ``records_where("engagement", selection_id=...)``,
        ``records_where("agency-quarter", credit_code=..., period="2015Q3")``,
        ``records_where("selection", need_id=...)``.

        :raises UsageError: no column given, or one its table does not index.
        """

    def agencies_offering(self, service_code: str) -> list[tuple[dict, int]]:
        """The stored documents (decoded JSON) and versions of the agencies whose offers
        name the listed service ``service_code`` (``ServiceOffer.service_code``), in the
        order of their credit codes, whatever their status (the caller judges eligibility
        from the documents). The SQL backends read them through the side table
        ``intermediary_offers``, which every write of an agency keeps."""

    def blacklist_entries_of(self, numbers: Iterable[str]) -> list[Any]:
        """The blacklist entries whose subject's identifier number is one of ``numbers``
        (credit codes, identity numbers), whatever their validity, in the order of their
        ids: the caller judges ``in_force_on(day)``."""

    def list(
        self, kind: str, *, region: str | None = None, limit: int = 100, after: str | None = None
    ) -> Page[Any]:
        """Records of ``kind`` (of ``region``) ordered by identity, a page at a time."""

    # --- cases -------------------------------------------------------------------------

    def find_cases(
        self, query: CaseQuery, *, limit: int = 100, after: str | None = None
    ) -> Page[Case]:
        """Cases matching ``query``, in work-queue order, a page at a time."""

    def count_cases(self, query: CaseQuery) -> int:
        """How many cases match ``query``."""

    def due_counts(
        self, today: dt.date, near_until: dt.date, by: str, *, states: tuple[CaseState, ...] = ()
    ) -> list[DueCount]:
        """Open cases overdue (promised due before ``today``) and near due (from ``today``
        to ``near_until``), grouped ``by`` ``region``, ``department`` or ``station_code``,
        by group (None last); only cases in ``states`` when given."""

    def completion_counts(self, since: dt.date, until: dt.date, by: str) -> list[CompletionCount]:
        """Cases completed from ``since`` to ``until`` (Asia/Shanghai dates, inclusive) and
        how many on time, grouped ``by`` as :meth:`due_counts`."""

    # --- the trail ---------------------------------------------------------------------

    def ledger(self, after: int = 0, limit: int = 1000) -> list[LedgerEntry]:
        """Links of the event chain with sequence numbers above ``after``, in order, as
        stored (nothing recomputed): what :func:`govservice.store.ledger.verify` checks.
        Every write of a case (``add``, ``update``, ``attest_import``) is chained: its
        events, and the digest of the record it leaves (see :mod:`govservice.store.ledger`).

        :raises LedgerHeadError: (``ledger_head`` and every write of a case) the head row is
            missing or damaged."""

    def ledger_head(self) -> tuple[int, str]:
        """The sequence number and hash of the last link (0 and the genesis hash when
        there is none)."""

    def case_ledger(self, case_id: str) -> list[LedgerEntry]:
        """The links of one case, in order."""

    def raw_rows(self, kind: str, *, after: str | None = None, limit: int = 500) -> list[tuple]:
        """Records of ``kind`` as stored, ordered by identity, a page of ``limit`` after the
        identity ``after``: each row holds the indexed columns (in the order of
        :data:`govservice.store.columns.TABLES`, the key first), the version, and the
        document's JSON text, as the database returns them (nothing derived): what
        :func:`govservice.audit.verify_store` compares with the documents."""

    def attest_import(self, case_id: str, attestation: dict) -> None:
        """Chain one link holding ``attestation`` (``{"events": n, "sha256": ...}``: the
        history the case brought from another system, see
        :data:`govservice.store.ledger.IMPORTED`) and the digest of the case's whole record
        as stored, in a transaction of its own or the caller's
        (:func:`govservice.audit.attest_imports` makes it, once a case, only for cases
        with no link yet).

        :raises RecordNotFoundError: no such case is stored.
        :raises StoreError: the case has a link already (it is never attested)."""

    def record_refusal(self, subject_id: str, refusal: dict) -> None:
        """Chain one link ``{"seq", "case_id": subject_id, "refused": refusal}``: a refusal
        that leaves no case record (a refused application, consultation or project
        completion), so that it is on the trail all the same. ``subject_id`` names what was
        refused (the case id the application would have had, a consultation's or a
        project's id); ``refusal`` is a JSON document (who, when, why). In a transaction of
        its own or the caller's; :func:`govservice.audit.verify_store` accepts such links
        without a case record (see :data:`govservice.store.ledger.REFUSED`)."""

    def mark_simulation(self) -> None:
        """Chain one link ``{"seq", "case_id": "", "simulation": {"back_dated": true}}``,
        marking the store a simulation on the trail itself (see
        :data:`govservice.store.ledger.SIMULATED`), in a transaction of its own or the
        caller's. Only :func:`govservice.store.simulation.make_simulation` chains it, as
        the first link of a store without a history."""

    # --- training and the staff assessment (issue 13, slice S3) --------------------------

    def add_training_session(self, session: Any) -> None:
        """Store a :class:`~govservice.model.TrainingSession` with its attendance, in a
        transaction of its own or the caller's. Sessions are never changed.

        :raises DuplicateRecordError: a session with its id is stored already."""

    def training_sessions(
        self, *, since: dt.date | None = None, until: dt.date | None = None
    ) -> list[Any]:
        """The stored training sessions held from ``since`` to ``until`` (both included;
        None: no bound), by date and id."""

    def add_staff_records(self, records: Sequence[Any]) -> None:
        """Store the centre's :class:`~govservice.model.StaffRecord` entries (a person's
        attendance of a quarter), all or none.

        :raises DuplicateRecordError: a person has a record of that quarter already."""

    def staff_records(self, year: int, quarter: int) -> list[Any]:
        """The staff records of ``quarter`` of ``year``, by station and name."""

    def recorded_rows(self) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        """Every stored station evaluation, training session, staff record and discipline
        record, as the audit checks them against their links
        (:mod:`govservice.store.recorded`): ``(kind, key, JSON text, columns)``, dates as
        ISO 8601 text. Each is written with its link (``add_station_evaluation``,
        ``add_training_session``, ``add_staff_records``, ``add_discipline_records``), in
        the same transaction."""

    def add_discipline_records(self, records: Sequence[Any]) -> None:
        """Store the centre's :class:`~govservice.model.DisciplineRecord` entries, all or none."""

    def discipline_records(self, since: dt.date, until: dt.date) -> list[Any]:
        """The discipline records dated from ``since`` to ``until`` (both included), by date."""

    # --- settings ------------------------------------------------------------------------

    def setting(self, name: str) -> str | None:
        """The store's setting ``name`` (None when it is not set). Settings are what the
        store was created with, e.g. :data:`govservice.store.simulation.SIMULATION`."""

    def set_setting(self, name: str, value: str) -> None:
        """Set the store's setting ``name`` to ``value``, in a transaction of its own or the
        caller's. :func:`govservice.store.simulation.make_simulation` sets one, on a new
        store; the settings the trail covers are written by :meth:`set_chained_setting`
        only.

        :raises StoreError: ``name`` is one the trail covers."""

    def set_chained_setting(self, name: str, value: str, *, link: dict | None = None) -> None:
        """Set the setting ``name`` (one of :data:`govservice.store.states.CHAINED_SETTINGS`)
        to ``value`` and chain a link of it (``state/<name>``, holding ``link``: by default
        :func:`~govservice.store.states.state_link`, the SHA-256 of ``value``), in the
        caller's transaction or one of its own."""

    def chained_setting(self, name: str) -> str | None:
        """The setting ``name`` (None: never set) once it is what its last link chained.

        :raises AlteredStateError: it was written without a link, changed or deleted
            after its last link (see :mod:`govservice.store.states`)."""

    def setting_with_link(self, name: str) -> tuple[str | None, LedgerEntry | None]:
        """The setting ``name`` as stored (None: not set) and the last link of its subject
        (``state/<name>``; None: none), read at once: a write committed by another
        connection meanwhile is seen whole or not at all."""

    def settings(self) -> dict[str, str]:
        """Every setting of the store, by name (what ``audit verify`` looks through)."""

    def lock_trail(self) -> None:
        """Inside a transaction: take the lock of the trail's head until it ends (every
        writer of the trail takes it first): what is decided from the store meanwhile stays
        true. A check of a state (what was imported last of a partner) and the write that
        depends on it are made under it."""

    # --- bulk ----------------------------------------------------------------------------

    def import_batch(self, kind: str, documents: Iterable[tuple[Any, str]]) -> int:
        """Insert validated ``(document, json_text)`` pairs of ``kind`` in one transaction,
        skipping any whose identity is already stored; returns how many were inserted."""

    def import_rows(self, kind: str, rows: list[tuple]) -> int:
        """Like :meth:`import_batch`, with rows already made by
        :func:`govservice.store.columns.import_row`."""

    def import_packer(self, kind: str) -> Callable[[list[tuple]], Any]:
        """The function import workers pack a batch's rows of ``kind`` with (the rows of
        :meth:`import_rows` without their last value, the JSON text): a module-level
        function, run in other processes (see :mod:`govservice.store.bulk`)."""

    def import_packed(self, kind: str, packed: Any, texts: Sequence[bytes]) -> int:
        """Like :meth:`import_rows`: ``packed`` is what the :meth:`import_packer` made of
        the rows' columns, ``texts`` the rows' JSON texts in UTF-8, in the same order."""

    def add_documents(self, kind: str, writes: Sequence[tuple[dict, dict | None]]) -> int:
        """Store new records of ``kind`` given as ``(document, change)``: documents valid
        against the kind's schema (the caller checked them), each stored at version 1 and,
        for a chained kind, chained with one link holding ``change`` (default ``{"action":
        "added"}``), in the caller's transaction or one of its own; all or none. What
        :meth:`add` of each would store, at the speed of a bulk write (a partner's
        exchange file of 100,000 blacklist entries, issue 15). Returns how many.

        :raises DuplicateRecordError: one is stored already, or two share a key."""

    # --- the outbox of notifications ---------------------------------------------------

    def add_notice(
        self,
        case_id: str,
        doc: dict[str, Any],
        *,
        created_at: dt.datetime,
        claimed_by: str | None = None,
        lease_until: dt.datetime | None = None,
    ) -> int:
        """Write a notice to the outbox, in the caller's transaction (or one of its own);
        returns its id. ``claimed_by`` keeps it for its writer until ``lease_until``
        (due at ``created_at`` otherwise)."""

    def add_notices(
        self,
        case_id: str,
        docs: Sequence[dict[str, Any]],
        *,
        created_at: dt.datetime,
        claimed_by: str | None = None,
        lease_until: dt.datetime | None = None,
    ) -> list[int]:
        """Write several notices of one case at once (the events of one write, each doc
        distinct), as :meth:`add_notice` does each; returns their ids, in order."""

    def add_notices_of(
        self,
        writes: Sequence[tuple[str, Sequence[dict[str, Any]]]],
        *,
        created_at: dt.datetime,
        claimed_by: str | None = None,
        lease_until: dt.datetime | None = None,
    ) -> list[list[int]]:
        """:meth:`add_notices` for each ``(case_id, docs)`` of ``writes`` at once (the
        writes of a batch), all or none; the ids of each write's notices, in order."""

    def undelivered_notices(
        self,
        *,
        due: dt.datetime | None = None,
        claimed_by: str | None = None,
        after: int = 0,
        limit: int = 100,
    ) -> list[Notice]:
        """Notices not delivered, by id, a page of ``limit`` after the id ``after``; only
        those free to try at ``due`` (their next attempt time come, a lease run out), or
        only those ``claimed_by`` one deliverer, when given."""

    def claim_notice(
        self,
        notice_id: int,
        owner: str,
        *,
        now: dt.datetime,
        until: dt.datetime,
        force: bool = False,
    ) -> bool:
        """Take an undelivered notice for ``owner`` until ``until``, if it is due at
        ``now`` (with ``force``: if no one else holds it); whether it was taken. Two
        deliverers never both take one."""

    def mark_notices_delivered(self, notice_ids: Sequence[int], at: dt.datetime) -> None:
        """Record the notices as delivered at ``at`` (one more attempt each)."""

    def mark_notice_failed(
        self,
        notice_id: int,
        error: str,
        *,
        retry_at: dt.datetime | None,
        waiting_for: Sequence[str] | None,
    ) -> None:
        """Record a failed attempt: the error, when to try again (None: no more automatic
        attempts) and which plugins are still to be told; the claim is released."""


def check_next_version(last: CatalogHead | None, head: CatalogHead, size: int) -> None:
    """The checks every backend makes of a new version of a region's catalog, ``last``
    being the region's last stored version (None: it has none).

    :raises StoreError: the number does not follow ``last``'s, the version takes effect
        before it, or its size is not its number of entries."""
    expected = 1 if last is None else last.number + 1
    if head.number != expected:
        raise StoreError(
            f"the catalog of {head.region}: the next version is number {expected}, "
            f"not {head.number}"
        )
    if last is not None and head.effective < last.effective:
        raise StoreError(
            f"the catalog of {head.region}: version {head.number} would take effect on "
            f"{head.effective}, before version {last.number} ({last.effective})"
        )
    if head.size != size:
        raise StoreError(
            f"the catalog of {head.region}: version {head.number} says it holds {head.size} "
            f"items, not the {size} given"
        )


def new_events(stored: dict, document: dict) -> list[dict]:
    """The events ``document`` adds to the ``stored`` case (after
    :func:`check_events_appended` has passed)."""
    return document.get("events", [])[len(stored.get("events", [])) :]


def check_events_appended(key: str, stored: dict, document: dict) -> None:
    """An update may add events to a case, never change or drop one. The stored events are
    compared in canonical form (an imported document may write a time another valid way)."""
    old = stored.get("events", [])
    new = document.get("events", [])
    if len(new) < len(old):
        raise StoreError(
            f"case {key}: events are append-only; an update may add events, never change "
            "or remove one"
        )
    if new[: len(old)] == old:
        return
    old = to_document(from_document(Case, stored, check=False)).get("events", [])
    if new[: len(old)] != old:
        raise StoreError(
            f"case {key}: events are append-only; an update may add events, never change "
            "or remove one"
        )
