"""An in-memory store, for tests, examples and plugin authors' fixtures.

It keeps the same promises as the database backends (versions, conflicts, append-only
events, transactions that roll back, the same orders) and is held to the same contract
suite. Its queries scan, as a dictionary must: it is not meant for a county's data.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import json
from collections.abc import Iterable, Iterator
from typing import Any

from govservice.codec import from_document, to_document
from govservice.errors import ConflictError, DuplicateRecordError, RecordNotFoundError, StoreError
from govservice.kinds import KINDS, kind_of
from govservice.model import Case, Item
from govservice.store.base import CaseQuery, DueCount, Page, Stored
from govservice.store.columns import queue_key


class MemoryStore:
    """Records in dictionaries (see :class:`~govservice.store.base.Store`)."""

    dialect = "memory"

    def __init__(self) -> None:
        self._items: dict[tuple[str, int], Item] = {}
        self._records: dict[str, dict[str, Stored[Any]]] = {
            kind: {} for kind in KINDS if kind != "item"
        }
        self._depth = 0

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

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        saved = (
            dict(self._items),
            {kind: dict(records) for kind, records in self._records.items()},
        )
        self._depth = 1
        try:
            yield
        except BaseException:
            self._items, self._records = saved
            raise
        finally:
            self._depth = 0

    # --- the catalog -----------------------------------------------------------------------

    def add_item(self, item: Item) -> None:
        existing = self._items.get((item.code, item.version))
        if existing is not None and existing != item:
            raise DuplicateRecordError(
                f"item {item.code} version {item.version} is already in the catalog "
                "with other content; add a new version instead"
            )
        self._items[(item.code, item.version)] = item

    def item(self, code: str, version: int | None = None) -> Item | None:
        if version is not None:
            return self._items.get((code, version))
        versions = self.item_versions(code)
        return versions[-1] if versions else None

    def item_versions(self, code: str) -> list[Item]:
        return sorted(
            (item for (c, _), item in self._items.items() if c == code), key=lambda i: i.version
        )

    def items(self, *, region: str | None = None) -> Iterator[Item]:
        for code in sorted({code for code, _ in self._items}):
            latest = self.item(code)
            if latest is not None and (region is None or latest.region == region):
                yield latest

    # --- mutable records -------------------------------------------------------------------

    def add(self, record: Any) -> Stored[Any]:
        kind = kind_of(record)
        key = kind.key(record)
        records = self._records[kind.name]
        if key in records:
            raise DuplicateRecordError(f"{kind.name} {key} is already stored")
        stored = Stored(record, 1)
        records[key] = stored
        return stored

    def get(self, kind: str, key: str) -> Stored[Any] | None:
        return self._records[kind].get(key)

    def update(self, record: Any, expected_version: int) -> Stored[Any]:
        kind = kind_of(record)
        key = kind.key(record)
        current = self._records[kind.name].get(key)
        if current is None:
            raise RecordNotFoundError(f"no {kind.name} {key} is stored")
        if current.version != expected_version:
            raise ConflictError(
                f"{kind.name} {key} changed since it was read (version {expected_version}, "
                f"now {current.version}); read it again and redo the change"
            )
        if (
            kind.name == "case"
            and record.events[: len(current.record.events)] != current.record.events
        ):
            raise StoreError(
                f"case {key}: events are append-only; an update may add events, never change "
                "or remove one"
            )
        stored = Stored(record, expected_version + 1)
        self._records[kind.name][key] = stored
        return stored

    def list(
        self, kind: str, *, region: str | None = None, limit: int = 100, after: str | None = None
    ) -> Page[Any]:
        chosen = sorted(
            (key, stored)
            for key, stored in self._records[kind].items()
            if (region is None or _region(kind, stored.record) == region)
            and (after is None or key > after)
        )
        return _page(chosen, limit)

    # --- cases -------------------------------------------------------------------------------

    def _matching(self, query: CaseQuery) -> list[tuple[str, Stored[Case]]]:
        found = []
        for stored in self._records["case"].values():
            case = stored.record
            if query.states and case.state not in query.states:
                continue
            if any(
                getattr(query, field) is not None and getattr(query, field) != getattr(case, field)
                for field in ("region", "department", "station_code", "handler", "item_code")
            ):
                continue
            due = case.promised_due
            if query.due_from is not None and (due is None or due < query.due_from):
                continue
            if query.due_to is not None and (due is None or due > query.due_to):
                continue
            found.append((queue_key(to_document(case)), stored))
        return sorted(found, key=lambda pair: pair[0])

    def find_cases(
        self, query: CaseQuery, *, limit: int = 100, after: str | None = None
    ) -> Page[Case]:
        chosen = [(k, s) for k, s in self._matching(query) if after is None or k > after]
        return _page(chosen, limit)

    def count_cases(self, query: CaseQuery) -> int:
        return len(self._matching(query))

    def due_counts(self, today: dt.date, near_until: dt.date, by: str) -> list[DueCount]:
        counts: dict[str, list[int]] = {}
        for stored in self._records["case"].values():
            case = stored.record
            due = case.promised_due
            if case.state.is_closed or due is None or due > near_until:
                continue
            tally = counts.setdefault(getattr(case, by), [0, 0])
            tally[0 if due < today else 1] += 1
        return [DueCount(group, *counts[group]) for group in sorted(counts)]

    # --- bulk ------------------------------------------------------------------------------

    def import_rows(self, kind: str, rows: list[tuple]) -> int:
        return self.import_batch(kind, [(json.loads(row[-1]), row[-1]) for row in rows])

    def import_batch(self, kind: str, documents: Iterable[tuple[Any, str]]) -> int:
        model = KINDS[kind].model
        inserted = 0
        with self.transaction():
            for document, _ in documents:
                record = from_document(model, copy.deepcopy(document))
                if kind == "item":
                    if (record.code, record.version) not in self._items:
                        self._items[(record.code, record.version)] = record
                        inserted += 1
                elif KINDS[kind].key(record) not in self._records[kind]:
                    self.add(record)
                    inserted += 1
        return inserted


def _region(kind: str, record: Any) -> str:
    return record.source.region if kind == "blacklist-entry" else record.region


def _page(chosen: list[tuple[str, Stored[Any]]], limit: int) -> Page[Any]:
    records = tuple(stored for _, stored in chosen[:limit])
    return Page(records, chosen[limit - 1][0] if len(chosen) > limit else None)
