"""The unit of work under the actions of :class:`~govservice.workflow.engine.Workflow`:
reading cases and items, writing changed cases (at once, or together at the end of a
:meth:`~CaseSession.batch`), and with them the notices of their events for the
notification plugins (:mod:`~govservice.workflow.outbox`).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from govservice.errors import ConflictError, DuplicateRecordError, RecordNotFoundError
from govservice.model import Case, Item
from govservice.store.base import Stored

if TYPE_CHECKING:
    from govservice.service import GovService
    from govservice.workflow.outbox import Outbox

CaseRef = Stored[Case] | str
"""A case, as its id or as the :class:`~govservice.store.base.Stored` case last read."""


class CaseSession:
    """Cases of one :class:`~govservice.GovService` read and written for the actions."""

    def __init__(self, service: GovService, store: Any = None) -> None:
        self.service = service
        self.store = store if store is not None else service.store
        self._items: dict[tuple[str, int], Item] = {}
        self._pending: list[tuple[Case, int]] | None = None  # in a batch: (case, new events)
        self._unsaved: dict[str, _Unsaved] = {}
        self._failed: Exception | None = None
        self._issued: dict[str, Stored[Case]] = {}
        """The case last read or written here, by id: a caller that passes it back saves a
        read. Any other :class:`Stored` passed in is checked against the store."""

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Take many actions in one transaction: all are stored together or none is.

        For work that arrives together (a day's cases from another system, a run of
        immediate items). Inside a batch each case is written once, in its last state,
        when the batch ends (or at :meth:`flush`), with every event of every action
        chained into the trail; one transaction and one write a case save most of the
        cost of an action. A case changed meanwhile by someone else makes the whole batch
        fail with :class:`~govservice.errors.ConflictError`; a refused action (a role, a
        rule) raises at once and, if the caller goes on, leaves the rest of the batch as
        it is (a refusal's record is written with the batch: a batch rolled back keeps
        none of it). The notices of the events are written to the outbox with the batch,
        and delivered once it is committed: a batch rolled back leaves none, and tells no
        plugin. Batches nest (the inner one joins the outer). Versions move on with each
        action, as outside a batch.
        """
        if self._pending is not None:
            yield
            return
        self._pending = []
        self._failed = None
        try:
            with self.store.transaction():
                yield
                if self._failed is not None:  # a write failed and the caller went on
                    raise self._failed
                self.flush()
                self.outbox.write_all(self._pending)
                self._pending = None
        finally:
            self._pending = None
            self._unsaved = {}

    def flush(self) -> None:
        """Write the cases changed in the current batch (store queries then see them), in
        the order they were first changed; new cases next to each other are written with
        one statement where the store can (``add_all``: SQLite), as :meth:`add` of each.

        A write that fails fails the whole batch: it rolls back when it ends, even if the
        caller catches the error and goes on."""
        add_all = getattr(self.store, "add_all", None)  # a store's writing of several
        try:
            new: list[_Unsaved] = []  # new cases in a row: added together, in order
            for pending in [*self._unsaved.values(), None]:
                if pending is not None and pending.base is None and add_all is not None:
                    new.append(pending)
                    continue
                if new:
                    add_all([(added.record, added.steps) for added in new])
                    for added in new:
                        del self._unsaved[added.record.id]
                    new = []
                if pending is None:
                    break
                if pending.base is None:
                    self.store.add(pending.record, version=pending.steps)
                else:
                    self.store.update(pending.record, pending.base, steps=pending.steps)
                del self._unsaved[pending.record.id]
        except Exception as error:
            self._failed = error
            raise

    @functools.cached_property
    def outbox(self) -> Outbox:
        """Where the notices of the events written go (the service's, on its store)."""
        from govservice.workflow.outbox import Outbox

        return Outbox.of(self.service, self.store)

    def _add(self, case: Case) -> Stored[Case]:
        if self._pending is None:
            with self.store.transaction():
                stored = self.store.add(case)
                self.outbox.write(case, len(case.events))
            return self._issue(stored)
        if case.id in self._unsaved:
            raise DuplicateRecordError(f"case {case.id} is already stored")
        pending = self._unsaved[case.id] = _Unsaved(None, case)
        self._pending.append((case, len(case.events)))
        return Stored(case, pending.version)

    def _update(self, stored: Stored[Case], case: Case) -> Stored[Case]:
        count = len(case.events) - len(stored.record.events)
        if self._pending is None:
            with self.store.transaction():
                result = self.store.update(case, stored.version)
                self.outbox.write(case, count)
            return self._issue(result)
        self._pending.append((case, count))
        pending = self._unsaved.get(case.id)
        if pending is None:
            pending = self._unsaved[case.id] = _Unsaved(stored.version, case)
        else:
            pending.record = case
            pending.steps += 1
        return Stored(case, pending.version)

    # --- reading -------------------------------------------------------------------------

    def case(self, ref: CaseRef) -> Stored[Case]:
        """The case ``ref`` names (an id, or a stored case), as stored or as changed in the
        current batch.

        A stored case passed in is taken as it is when it is the one this session last
        read or wrote; any other is read again, and must be what is stored (a record
        changed in the caller's hands is never written back, nor judged by).

        :raises ConflictError: a stored case passed in was changed since (in this batch, or
            in the store), or is not the record stored at its version.
        """
        key = ref.record.id if isinstance(ref, Stored) else ref
        pending = self._unsaved.get(key)
        if pending is not None:
            if isinstance(ref, Stored) and ref.version != pending.version:
                raise ConflictError(
                    f"case {key} changed since it was read (version {ref.version}, now "
                    f"{pending.version} in this batch); read it again and redo the change"
                )
            if isinstance(ref, Stored) and ref.record is pending.record:
                return ref  # the one the last change handed out
            return Stored(pending.record, pending.version)
        if isinstance(ref, Stored) and self._issued.get(key) is ref:
            return ref
        stored = self.store.get("case", key)
        if stored is None:
            raise RecordNotFoundError(f"no case {key} is stored")
        if isinstance(ref, Stored) and ref.version != stored.version:
            raise ConflictError(
                f"case {key} changed since it was read (version {ref.version}, now "
                f"{stored.version}); read it again and redo the change"
            )
        if isinstance(ref, Stored) and ref.record != stored.record:
            raise ConflictError(
                f"case {key} passed in is not the case stored at version {ref.version}: "
                "an action starts from the stored record; read it again"
            )
        return self._issue(stored)

    _ISSUED_SIZE = 4096

    def _issue(self, stored: Stored[Case]) -> Stored[Case]:
        if len(self._issued) >= self._ISSUED_SIZE:
            self._issued.clear()
        self._issued[stored.record.id] = stored
        return stored

    def item_of(self, case: Case) -> Item:
        """The version of the item the case applies for (versions never change: cached)."""
        key = (case.item_code, case.item_version)
        item = self._items.get(key)
        if item is None:
            item = self.store.item(*key)
            if item is None:
                raise RecordNotFoundError(
                    f"item {case.item_code} version {case.item_version} is not in the catalog"
                )
            self._items[key] = item
        return item


class _Unsaved:
    """A case changed in a batch, not yet written: the version it was read at (None for a
    new case), its latest state, and how many changes led there. Each change moves the
    version on, as if written; the one write at the end lands on the same version."""

    __slots__ = ("base", "record", "steps")

    def __init__(self, base: int | None, record: Case) -> None:
        self.base = base
        self.record = record
        self.steps = 1

    @property
    def version(self) -> int:
        return (self.base or 0) + self.steps
