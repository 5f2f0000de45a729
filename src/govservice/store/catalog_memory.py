"""Versions of the catalog in the memory store: a list of versions a region, each its
head and its entries, kept as copies (nothing shared with the caller)."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping

import attrs

from govservice.errors import DuplicateRecordError, StoreError
from govservice.store.base import CatalogHead, CatalogPlace, ItemHead, check_next_version


class MemoryCatalog:
    """The catalog's versions of :class:`~govservice.store.base.Store` in dictionaries;
    the memory store's transactions snapshot :attr:`_catalog` with its other records."""

    _catalog: dict[str, list[tuple[CatalogHead, dict[str, int]]]]

    def add_catalog_version(self, head: CatalogHead, entries: Mapping[str, int]) -> None:
        with self.transaction():  # type: ignore[attr-defined]
            versions = self._catalog.get(head.region, [])
            last = versions[-1][0] if versions else None
            if last is not None and last.number >= head.number:
                raise DuplicateRecordError(
                    f"version {head.number} of the catalog of {head.region} is already stored"
                )
            check_next_version(last, head, len(entries))
            absent = [
                code
                for code, version in entries.items()
                if (code, version) not in self._items  # type: ignore[attr-defined]
            ]
            if absent:
                raise StoreError(
                    f"version {head.number} of the catalog of {head.region} names item "
                    f"versions that are not stored (add the items first): "
                    f"{', '.join(sorted(absent)[:5])}"
                )
            stored = attrs.evolve(
                head,
                adjustment=copy.deepcopy(head.adjustment),
                imported=copy.deepcopy(head.imported),
            )
            self._catalog = {
                **self._catalog,
                head.region: [*versions, (stored, dict(sorted(entries.items())))],
            }

    def catalog_heads(self, region: str) -> list[CatalogHead]:
        return [copy.deepcopy(head) for head, _ in self._catalog.get(region, [])]

    def catalog_entries(self, region: str, number: int) -> dict[str, int]:
        for head, entries in self._catalog.get(region, []):
            if head.number == number:
                return dict(entries)
        return {}

    def catalog_regions(self) -> list[str]:
        return sorted(self._catalog)

    def catalog_place(self, region: str, code: str, day: dt.date) -> CatalogPlace | None:
        in_force = [
            (head, entries)
            for head, entries in self._catalog.get(region, [])
            if head.effective <= day
        ]
        if not in_force:
            return None
        head, entries = in_force[-1]
        version = entries.get(code)
        if version is None:
            return CatalogPlace(head.number, head.effective, None)
        item = self.item(code, version)  # type: ignore[attr-defined]
        return CatalogPlace(
            head.number, head.effective, ItemHead(version, item.status, item.status_since)
        )
