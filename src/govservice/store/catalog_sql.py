"""Versions of the catalog in a SQL store: the tables of migration 4, written once for
SQLite and PostgreSQL (over :class:`~govservice.store.sql.SqlQueries`' ``_rows``,
``_execute``, ``_execute_many``, ``mark``, ``_date`` and ``_text``).

A version is a row of ``catalog_versions`` (region, number, the day it took effect, the
adjustment's JSON document or what an import said of itself) and one row of
``catalog_entries`` per item it holds (code → the item version, a stored row of
``items``). Versions are never changed: a new adjustment is a new version.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from govservice.errors import DuplicateRecordError, StoreError
from govservice.model import ItemStatus
from govservice.store.base import CatalogHead, CatalogPlace, ItemHead, check_next_version

ENTRIES_A_STATEMENT = 500
"""Entries one INSERT writes (4 parameters each, well within every driver's limit)."""


class SqlCatalog:
    """The catalog's versions of :class:`~govservice.store.base.Store` for SQL backends."""

    def add_catalog_version(self, head: CatalogHead, entries: Mapping[str, int]) -> None:
        m = self.mark  # type: ignore[attr-defined]
        self._places = None
        with self.transaction():  # type: ignore[attr-defined]
            rows = self._rows(  # type: ignore[attr-defined]
                "SELECT region, number, effective, adjustment, imported, size "
                f"FROM catalog_versions WHERE region = {m} ORDER BY number DESC LIMIT 1 "
                f"{self.lock_row}",  # type: ignore[attr-defined]
                (head.region,),
            )
            last = self._catalog_head(rows[0]) if rows else None
            if last is not None and last.number >= head.number:
                raise DuplicateRecordError(
                    f"version {head.number} of the catalog of {head.region} is already stored"
                )
            check_next_version(last, head, len(entries))
            self._execute(  # type: ignore[attr-defined]
                "INSERT INTO catalog_versions (region, number, effective, adjustment, imported, "
                f"size) VALUES ({m}, {m}, {m}, {m}, {m}, {m})",
                (
                    head.region,
                    head.number,
                    self._date(head.effective),  # type: ignore[attr-defined]
                    _json(head.adjustment),
                    _json(head.imported),
                    head.size,
                ),
            )
            codes = sorted(entries)
            for start in range(0, len(codes), ENTRIES_A_STATEMENT):
                chunk = codes[start : start + ENTRIES_A_STATEMENT]
                marks = ", ".join([f"({m}, {m}, {m}, {m})"] * len(chunk))
                parameters: list[Any] = []
                for code in chunk:
                    parameters += (head.region, head.number, code, entries[code])
                try:
                    self._execute(  # type: ignore[attr-defined]
                        "INSERT INTO catalog_entries (region, number, code, item_version) "
                        f"VALUES {marks}",
                        parameters,
                    )
                except Exception as error:  # the driver's integrity error, or the store's
                    raise StoreError(
                        f"version {head.number} of the catalog of {head.region} names an item "
                        f"version that is not stored (add the items first): {error}"
                    ) from None

    def catalog_heads(self, region: str) -> list[CatalogHead]:
        rows = self._rows(  # type: ignore[attr-defined]
            "SELECT region, number, effective, adjustment, imported, size FROM catalog_versions "
            f"WHERE region = {self.mark} ORDER BY number",  # type: ignore[attr-defined]
            (region,),
        )
        return [self._catalog_head(row) for row in rows]

    def catalog_entries(self, region: str, number: int) -> dict[str, int]:
        m = self.mark  # type: ignore[attr-defined]
        rows = self._rows(  # type: ignore[attr-defined]
            "SELECT code, item_version FROM catalog_entries "
            f"WHERE region = {m} AND number = {m} ORDER BY code",
            (region, number),
        )
        return {self._text(code): version for code, version in rows}  # type: ignore[attr-defined]

    def catalog_regions(self) -> list[str]:
        rows = self._rows(  # type: ignore[attr-defined]
            "SELECT DISTINCT region FROM catalog_versions ORDER BY region"
        )
        return [self._text(region) for (region,) in rows]  # type: ignore[attr-defined]

    _places: dict[tuple[str, str, dt.date], CatalogPlace | None] | None = None
    """Places read in this transaction, on SQLite only: under ``BEGIN IMMEDIATE`` no other
    connection writes until it ends, and this store's :meth:`add_catalog_version` forgets
    them (a workflow batch asks for the same items again and again)."""

    def _ended(self, committed: bool) -> None:
        self._places = None
        super()._ended(committed)  # type: ignore[misc]

    def catalog_place(self, region: str, code: str, day: dt.date) -> CatalogPlace | None:
        keep = self._depth and self.dialect == "sqlite"  # type: ignore[attr-defined]
        if keep and self._places is not None and (region, code, day) in self._places:
            return self._places[(region, code, day)]
        place = self._catalog_place(region, code, day)
        if keep:
            if self._places is None:
                self._places = {}
            self._places[(region, code, day)] = place
        return place

    def _catalog_place(self, region: str, code: str, day: dt.date) -> CatalogPlace | None:
        m = self.mark  # type: ignore[attr-defined]
        rows = self._rows(  # type: ignore[attr-defined]
            "SELECT v.number, v.effective, e.item_version, i.status, i.doc "
            "FROM catalog_versions AS v "
            "LEFT JOIN catalog_entries AS e "
            f"ON e.region = v.region AND e.number = v.number AND e.code = {m} "
            "LEFT JOIN items AS i ON i.code = e.code AND i.version = e.item_version "
            f"WHERE v.region = {m} AND v.effective <= {m} "
            "ORDER BY v.number DESC LIMIT 1",
            (code, region, self._date(day)),  # type: ignore[attr-defined]
        )
        if not rows:
            return None
        number, effective, version, status, doc = rows[0]
        effective = _day(effective)
        if version is None:
            return CatalogPlace(number, effective, None)
        status = ItemStatus(self._text(status))  # type: ignore[attr-defined]
        if status is ItemStatus.IN_SERVICE:
            return CatalogPlace(number, effective, ItemHead(version, status, None))
        since = json.loads(self._text(doc)).get("status_since")  # type: ignore[attr-defined]
        return CatalogPlace(
            number,
            effective,
            ItemHead(version, status, dt.date.fromisoformat(since) if since else None),
        )

    def _catalog_head(self, row: tuple) -> CatalogHead:
        region, number, effective, adjustment, imported, size = row
        return CatalogHead(
            region=self._text(region),  # type: ignore[attr-defined]
            number=number,
            effective=_day(effective),
            adjustment=json.loads(adjustment) if adjustment is not None else None,
            imported=json.loads(imported) if imported is not None else None,
            size=size,
        )


def _json(document: dict | None) -> str | None:
    from govservice.store.sql import dumps

    return None if document is None else dumps(document)


def _day(value: Any) -> dt.date:
    """A date column as read back (SQLite: ISO text; PostgreSQL: a date)."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
