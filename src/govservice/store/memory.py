"""An in-memory store, for tests, examples and plugin authors' fixtures.

It keeps every record of every kind by its identity; items keep every version, so the
catalog's history can be compared.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from typing import Any

from govservice.kinds import KINDS, RecordKind, kind_of
from govservice.model import Item


class MemoryStore:
    """Records in dictionaries, one per kind, in insertion order."""

    def __init__(self) -> None:
        self._records: dict[str, dict[Hashable, Any]] = {name: {} for name in KINDS}

    def put(self, record: Any) -> None:
        """Add or replace a record (an item is kept per version)."""
        kind = kind_of(record)
        self._records[kind.name][kind.key(record)] = record

    def get(self, kind: RecordKind | str, key: Hashable) -> Any | None:
        """The record of ``kind`` with identity ``key``, or None."""
        name = kind if isinstance(kind, str) else kind.name
        return self._records[name].get(key)

    def all(self, kind: RecordKind | str) -> Iterator[Any]:
        """Every record of ``kind``, in the order first put."""
        name = kind if isinstance(kind, str) else kind.name
        return iter(list(self._records[name].values()))

    def item(self, code: str, version: int | None = None) -> Item | None:
        """An item by code: the given version, or the latest."""
        if version is not None:
            return self._records["item"].get((code, version))
        versions = [item for (c, _), item in self._records["item"].items() if c == code]
        return max(versions, key=lambda item: item.version, default=None)

    def count(self, kind: RecordKind | str) -> int:
        name = kind if isinstance(kind, str) else kind.name
        return len(self._records[name])
