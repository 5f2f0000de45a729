"""The guiding catalog and what stations offer, in a SQL store: the tables of migration 7,
written once for SQLite and PostgreSQL (over :class:`~govservice.store.sql.SqlQueries`'
``_rows``, ``_execute``, ``mark``, ``lock_row``, ``_date``, ``_text`` and ``dialect``).

A version of the guiding catalog is a row of ``guiding_versions`` (region, number, the day
it took effect, what it said of itself) and one row of ``guiding_entries`` per (level,
item) line. What a station offers is its document's ``items``: :meth:`station_offers`
reads every station's list in one query, which the coverage report compares with the
guiding catalog by set operations (:mod:`govservice.stations.coverage`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any

from govservice.errors import DuplicateRecordError, StoreError
from govservice.model import GuidingCatalogVersion, GuidingEntry
from govservice.store.base import StationOffer

ENTRIES_A_STATEMENT = 500
"""Entries one INSERT writes (4 parameters each, well within every driver's limit)."""

_SAID = ("title", "decided_by", "decision_number")


def _json_field(dialect: str, field: str, *, as_json: bool = False) -> str:
    """The SQL that reads ``field`` of a station's or item's ``doc`` (text) in ``dialect``."""
    if dialect == "postgresql":
        return f"((doc::json) -> '{field}')::text" if as_json else f"((doc::json) ->> '{field}')"
    return f"json_extract(doc, '$.{field}')"


class SqlGuiding:
    """The guiding catalog's part of :class:`~govservice.store.base.Store` for SQL backends."""

    def add_guiding_version(self, version: GuidingCatalogVersion) -> None:
        m = self.mark  # type: ignore[attr-defined]
        with self.transaction():  # type: ignore[attr-defined]
            rows = self._rows(  # type: ignore[attr-defined]
                f"SELECT number, effective FROM guiding_versions WHERE region = {m} "
                f"ORDER BY number DESC LIMIT 1 {self.lock_row}",  # type: ignore[attr-defined]
                (version.region,),
            )
            last = (rows[0][0], _day(rows[0][1])) if rows else None
            check_next_guiding(last, version)
            said = {key: getattr(version, key) for key in _SAID if getattr(version, key)}
            self._execute(  # type: ignore[attr-defined]
                "INSERT INTO guiding_versions (region, number, effective, said, size) "
                f"VALUES ({m}, {m}, {m}, {m}, {m})",
                (
                    version.region,
                    version.number,
                    self._date(version.effective),  # type: ignore[attr-defined]
                    json.dumps(said, ensure_ascii=False, sort_keys=True),
                    len(version.entries),
                ),
            )
            entries = list(version.entries)
            for start in range(0, len(entries), ENTRIES_A_STATEMENT):
                chunk = entries[start : start + ENTRIES_A_STATEMENT]
                parameters: list[Any] = []
                for entry in chunk:
                    parameters += (version.region, version.number, entry.level.value, entry.code)
                self._execute(  # type: ignore[attr-defined]
                    "INSERT INTO guiding_entries (region, number, level, code) VALUES "
                    + ", ".join([f"({m}, {m}, {m}, {m})"] * len(chunk)),
                    parameters,
                )

    def guiding_versions(self, region: str) -> list[GuidingCatalogVersion]:
        m = self.mark  # type: ignore[attr-defined]
        heads = self._rows(  # type: ignore[attr-defined]
            f"SELECT number, effective, said FROM guiding_versions WHERE region = {m} "
            "ORDER BY number",
            (region,),
        )
        lines = self._rows(  # type: ignore[attr-defined]
            f"SELECT number, level, code FROM guiding_entries WHERE region = {m} "
            "ORDER BY number, level, code",
            (region,),
        )
        by_number: dict[int, list[GuidingEntry]] = {}
        for number, level, code in lines:
            by_number.setdefault(number, []).append(
                GuidingEntry(level=level, code=self._text(code))  # type: ignore[attr-defined]
            )
        return [
            GuidingCatalogVersion(
                region=region,
                number=number,
                effective=_day(effective),
                entries=by_number.get(number, ()),
                **json.loads(said),
            )
            for number, effective, said in heads
        ]

    def guiding_regions(self) -> list[str]:
        rows = self._rows(  # type: ignore[attr-defined]
            "SELECT DISTINCT region FROM guiding_versions ORDER BY region"
        )
        return [self._text(region) for (region,) in rows]  # type: ignore[attr-defined]

    def station_offers(self, regions: Sequence[str] | None = None) -> list[StationOffer]:
        dialect = self.dialect  # type: ignore[attr-defined]
        sql = (
            f"SELECT code, {_json_field(dialect, 'name')}, region, level, parent_code, "
            f"{_json_field(dialect, 'items', as_json=True)} FROM stations"
        )
        parameters: list[Any] = []
        if regions is not None:
            if not regions:
                return []
            sql += f" WHERE region IN ({', '.join([self.mark] * len(regions))})"  # type: ignore[attr-defined]
            parameters = list(regions)
        text = self._text  # type: ignore[attr-defined]
        return [
            StationOffer(
                code=text(code),
                name=text(name),
                region=text(region),
                level=text(level),
                parent_code=text(parent) if parent is not None else None,
                items=frozenset(json.loads(items)) if items is not None else frozenset(),
            )
            for code, name, region, level, parent, items in self._rows(  # type: ignore[attr-defined]
                sql + " ORDER BY code", parameters
            )
        ]

    def item_names(self, codes: Iterable[str]) -> dict[str, str]:
        codes = sorted(set(codes))
        names: dict[str, str] = {}
        field = _json_field(self.dialect, "name")  # type: ignore[attr-defined]
        for start in range(0, len(codes), ENTRIES_A_STATEMENT):
            chunk = codes[start : start + ENTRIES_A_STATEMENT]
            marks = ", ".join([self.mark] * len(chunk))  # type: ignore[attr-defined]
            for code, name in self._rows(  # type: ignore[attr-defined]
                f"SELECT code, {field} FROM items WHERE code IN ({marks}) ORDER BY code, version",
                chunk,
            ):
                names[self._text(code)] = self._text(name)  # type: ignore[attr-defined]
        return names


def check_next_guiding(last: tuple[int, dt.date] | None, version: GuidingCatalogVersion) -> None:
    """Refuse ``version`` unless it follows ``last`` (the number and day of the region's
    last stored version, or None): numbers from 1 without a gap, days never going back.

    :raises DuplicateRecordError: the number is stored already.
    :raises StoreError: the number skips one, or the day is before the last one's."""
    where = f"version {version.number} of the guiding catalog of {version.region}"
    if last is not None and version.number <= last[0]:
        raise DuplicateRecordError(f"{where} is already stored")
    expected = 1 if last is None else last[0] + 1
    if version.number != expected:
        raise StoreError(f"{where} does not follow the last one: the next is {expected}")
    if last is not None and version.effective < last[1]:
        raise StoreError(
            f"{where} takes effect on {version.effective}, before version {last[0]} ({last[1]})"
        )


def _day(value: Any) -> dt.date:
    """A date column as read back (SQLite: ISO text; PostgreSQL: a date)."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
