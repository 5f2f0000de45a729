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
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, Generic, Protocol, TypeVar

import attrs

from govservice.codec import from_document, to_document
from govservice.errors import StoreError
from govservice.model import Case, CaseState, Item, ItemStatus
from govservice.store.ledger import LedgerEntry

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
            self._ended(committed=False)
            self._rollback(token)
            raise
        self._depth = 0
        try:
            self._commit(token)
        except BaseException:
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


@attrs.frozen
class ItemHead:
    """Where an item stands in the catalog: its latest version and that version's status."""

    version: int
    status: ItemStatus
    status_since: dt.date | None


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

    # --- mutable records ---------------------------------------------------------------

    def add(self, record: Any, *, version: int = 1) -> Stored[Any]:
        """Store a new case, station, intermediary, blacklist entry or project at
        ``version`` (1, unless one write stands for several changes).

        :raises DuplicateRecordError: when its identity is already stored.
        """

    def get(self, kind: str, key: str) -> Stored[Any] | None:
        """The record of ``kind`` (``case``, ``station``, ...) whose identity is ``key``."""

    def lock(self, kind: str, key: str) -> None:
        """Inside a transaction: keep the record of ``kind`` and ``key`` from being changed
        by anyone else until the transaction ends (what is decided from it stays true)."""

    def update(self, record: Any, expected_version: int, *, steps: int = 1) -> Stored[Any]:
        """Replace a record read at ``expected_version``; returns it at the next version
        (``steps`` versions on, when one write stands for several changes, as a workflow
        batch writes a case once for all its actions).

        :raises ConflictError: the stored version is not ``expected_version``.
        :raises RecordNotFoundError: nothing is stored under the record's identity.
        """

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
        Every case event a store records (by ``add`` or ``update``) is chained."""

    def ledger_head(self) -> tuple[int, str]:
        """The sequence number and hash of the last link (0 and the genesis hash when
        there is none)."""

    def case_ledger(self, case_id: str) -> list[LedgerEntry]:
        """The links of one case, in order."""

    def attest_import(self, case_id: str, attestation: dict) -> None:
        """Chain one link holding ``attestation`` (``{"events": n, "sha256": ...}``: the
        history the case brought from another system, see
        :data:`govservice.store.ledger.IMPORTED`), in a transaction of its own or the
        caller's (:func:`govservice.audit.attest_imports` makes it)."""

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
