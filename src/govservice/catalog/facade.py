"""The catalog of a centre (``centre.catalog``): versions per region, adjustments, diffs,
imports and exports, over the store.

Every import and adjustment is one transaction: the item versions it makes, the new
catalog version, and its link on the tamper-evident trail (the version's number, date,
adjustment and the SHA-256 of its items) are stored together, or nothing is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from govservice.catalog.adjustments import apply_adjustment
from govservice.catalog.diff import CatalogDiff, diff
from govservice.catalog.exchange import CatalogFile, adjustment_document, export_text
from govservice.catalog.publishing import publishable_problems
from govservice.catalog.versions import CatalogVersion, documents_digest, entries_digest
from govservice.codec import from_document, to_document
from govservice.errors import (
    AdjustmentRefusedError,
    CatalogError,
    CatalogVersionNotFoundError,
    DuplicateRecordError,
)
from govservice.model import Item
from govservice.model.catalog import Adjustment
from govservice.rules import Finding, Severity
from govservice.store.base import CatalogHead


class Catalog:
    """The versioned catalog of every region of a store (see :mod:`govservice.catalog`)."""

    def __init__(self, service: Any) -> None:
        self.service = service

    @property
    def store(self) -> Any:
        return self.service.store

    # --- reading ---------------------------------------------------------------------------

    def versions(self, region: str) -> list[CatalogVersion]:
        """Every version of ``region``'s catalog, oldest first."""
        read: dict[tuple[str, int], Item] = {}  # versions share most of their items
        return [self._version(head, read) for head in self.store.catalog_heads(region)]

    def heads(self, region: str) -> list[CatalogHead]:
        """Every version of ``region``'s catalog without its items (cheap), oldest first."""
        return self.store.catalog_heads(region)

    def regions(self) -> list[str]:
        """The regions that have a catalog."""
        return self.store.catalog_regions()

    def version(self, region: str, number: int | None = None) -> CatalogVersion:
        """Version ``number`` of ``region``'s catalog (the latest when None).

        :raises CatalogVersionNotFoundError: there is no such version."""
        heads = self.store.catalog_heads(region)
        if not heads:
            raise CatalogVersionNotFoundError(f"region {region} has no catalog; import one first")
        if number is None:
            return self._version(heads[-1])
        for head in heads:
            if head.number == number:
                return self._version(head)
        raise CatalogVersionNotFoundError(
            f"the catalog of {region} has versions 1 to {heads[-1].number}, not {number}"
        )

    def as_of(self, region: str, day: dt.date) -> CatalogVersion:
        """The version of ``region``'s catalog in force on ``day`` (the last to take effect
        on or before it).

        :raises CatalogVersionNotFoundError: none was in force then."""
        heads = [head for head in self.store.catalog_heads(region) if head.effective <= day]
        if not heads:
            raise CatalogVersionNotFoundError(
                f"no version of the catalog of {region} was in force on {day}"
                + ("" if self.store.catalog_heads(region) else " (it has no catalog)")
            )
        return self._version(heads[-1])

    def diff(self, old: CatalogVersion, new: CatalogVersion) -> CatalogDiff:
        """What changed from ``old`` to ``new`` (see :func:`govservice.catalog.diff.diff`)."""
        if old.region != new.region:
            raise CatalogError(
                f"versions of two catalogs ({old.region}, {new.region}) are not compared"
            )
        return diff(old, new)

    def check(self, region: str, number: int | None = None) -> list[Finding]:
        """Findings on a version of the catalog (the latest when None): fields not
        published (unknown), items our own catalog would refuse to publish, promises
        that with their extension could exceed the legal limit."""
        version = self.version(region, number)
        return check_items(version.in_service())

    def export(self, version: CatalogVersion, format: str = "yaml") -> str:
        """The text of a whole catalog version, ``yaml`` or ``json`` (catalog.schema.json)."""
        return export_text(version, format)

    # --- changing --------------------------------------------------------------------------

    def import_catalog(
        self,
        items: Iterable[Item],
        *,
        region: str,
        effective: dt.date,
        decided_by: str,
        decision_number: str | None = None,
        title: str | None = None,
    ) -> CatalogVersion:
        """Make ``items`` the first version of ``region``'s catalog, in force from
        ``effective``. Idempotent: importing the catalog the region holds already (the same
        items at the same versions) changes nothing and returns that version.

        :raises CatalogError: the items are not all of ``region``, a code is given twice,
            an item's materials or fees are not published (unknown: our own catalog does
            not publish it), or the region has another catalog already (change it by
            adjustments).
        :raises DuplicateRecordError: an item version is stored with other content."""
        items = list(items)
        problems = [
            f"item {item.code} ({item.name}) is of region {item.region}"
            for item in items
            if item.region != region
        ]
        codes = [item.code for item in items]
        problems += [f"item {code} is given twice" for code in sorted(_twice(codes))]
        problems += [problem for item in items for problem in publishable_problems(item)]
        if problems:
            raise CatalogError(
                f"not a catalog of {region}: " + "; ".join(problems[:10]),
                where=f"catalog {region}",
            )
        by_code = {item.code: item for item in sorted(items, key=lambda i: i.code)}
        with self.store.transaction():
            heads = self.store.catalog_heads(region)
            if heads:
                latest = self._version(heads[-1])
                if _same_items(latest.items, by_code):
                    return latest
                raise CatalogError(
                    f"the catalog of {region} holds version {heads[-1].number} already, with "
                    "other items: change it by adjustments (govservice catalog adjust), or "
                    "import into a store without it",
                    where=f"catalog {region}",
                )
            self._store_items(by_code.values())
            said = {"decided_by": decided_by}
            said |= {
                key: value
                for key, value in (("decision_number", decision_number), ("title", title))
                if value is not None
            }
            head = CatalogHead(region, 1, effective, None, said, len(by_code))
            self._store_version(head, by_code)
            return CatalogVersion(region, 1, effective, None, by_code, said)

    def import_file(self, catalog: CatalogFile) -> CatalogVersion:
        """:meth:`import_catalog` of a catalog read from a file
        (:func:`govservice.catalog.exchange.read_catalog`)."""
        return self.import_catalog(
            catalog.items,
            region=catalog.region,
            effective=catalog.effective,
            decided_by=catalog.decided_by,
            decision_number=catalog.decision_number,
            title=catalog.title,
        )

    def adjust(self, adjustment: Adjustment) -> CatalogVersion:
        """Apply ``adjustment`` to its region's catalog as one whole: the next version, in
        force from ``adjustment.effective``. Applying an adjustment the catalog holds
        already (the same id, the same content) changes nothing and returns its version.

        :raises AdjustmentDateError: it is dated before the catalog's last version.
        :raises AdjustmentRefusedError: a change cannot be made (every problem listed), or
            its id names another adjustment already applied; nothing is applied."""
        region = adjustment.region
        document = adjustment_document(adjustment)
        with self.store.transaction():
            heads = self.store.catalog_heads(region)
            if not heads:
                raise AdjustmentRefusedError(
                    f"region {region} has no catalog to adjust; import one first",
                    problems=(f"region {region} has no catalog",),
                    where=f"adjustment {adjustment.id}",
                )
            for head in heads:
                if head.adjustment is not None and head.adjustment.get("id") == adjustment.id:
                    if head.adjustment == document:
                        return self._version(head)
                    raise AdjustmentRefusedError(
                        f"an other adjustment {adjustment.id} made version {head.number} "
                        "of the catalog; give this one an id of its own",
                        problems=(f"adjustment {adjustment.id} is applied already",),
                        where=f"adjustment {adjustment.id}",
                    )
            current = self._version(heads[-1])
            latest = {}
            for change in adjustment.changes:
                versions = self.store.item_versions(change.item_code)
                if versions:
                    latest[change.item_code] = versions[-1].version
            applied = apply_adjustment(current, adjustment, latest)
            self._store_items(applied.new_items)
            head = CatalogHead(
                region,
                current.number + 1,
                adjustment.effective,
                document,
                None,
                len(applied.items),
            )
            self._store_version(head, applied.items)
            return CatalogVersion(
                region, head.number, adjustment.effective, adjustment, applied.items
            )

    # --- inside ----------------------------------------------------------------------------

    def _version(
        self, head: CatalogHead, read: dict[tuple[str, int], Item] | None = None
    ) -> CatalogVersion:
        """The version ``head`` with its items (``read``: items read already, by code and
        version, shared by the versions read in one call)."""
        entries = self.store.catalog_entries(head.region, head.number)
        read = {} if read is None else read
        items = {}
        for code, number in entries.items():
            item = read.get((code, number))
            if item is None:
                item = read[(code, number)] = self.store.item(code, number)
            if item is None:  # the store's foreign keys keep this from happening
                raise CatalogError(
                    f"version {head.number} of the catalog of {head.region} names item {code} "
                    f"version {number}, which is not stored"
                )
            items[code] = item
        adjustment = (
            from_document(Adjustment, head.adjustment, check=False)
            if head.adjustment is not None
            else None
        )
        return CatalogVersion(
            head.region, head.number, head.effective, adjustment, items, head.imported
        )

    def _store_items(self, items: Iterable[Item]) -> None:
        for item in items:
            try:
                self.store.add_item(item)
            except DuplicateRecordError as error:
                raise DuplicateRecordError(
                    f"{error.message}: the catalog gives item {item.code} ({item.name}) at "
                    f"version {item.version} with other content than the store holds",
                    where=f"catalog {item.region}",
                ) from None

    def _store_version(self, head: CatalogHead, items: dict[str, Item]) -> None:
        entries = {code: item.version for code, item in items.items()}
        self.store.add_catalog_version(head, entries)
        link = {
            "region": head.region,
            "number": head.number,
            "effective": head.effective.isoformat(),
            "items": entries_digest(entries),
            "documents": documents_digest(items),
        }
        if head.adjustment is not None:
            link["adjustment"] = head.adjustment
        if head.imported is not None:
            link["imported"] = head.imported
        self.store.record_catalog_version(head.region, link)


FIELD_LABELS = {
    "handling_type": "办件类型",
    "channels": "办理渠道",
    "materials": "申请材料",
    "fees": "收费标准",
}
"""What a guide calls the fields an item may leave unpublished."""


def check_items(items: Iterable[Item]) -> list[Finding]:
    """Findings on items: every field not published (unknown), what our own catalog
    would refuse to publish, and the limit findings (the publishing rules of
    :mod:`govservice.catalog.publishing`, when present)."""
    try:
        from govservice.catalog import publishing
    except ImportError:  # pragma: no cover - before the publishing rules exist
        publishing = None  # type: ignore[assignment]
    findings: list[Finding] = []
    for item in items:
        for name in getattr(item, "unknown_fields", ()):
            findings.append(
                Finding(
                    code="catalog-unknown-field",
                    message=f"事项 {item.code}（{item.name}）未公布"
                    f"{FIELD_LABELS.get(name, name)}（{name}）",
                    severity=Severity.WARN,
                )
            )
        if publishing is None:
            continue
        for problem in publishing.publishable_problems(item):
            findings.append(Finding(code="catalog-not-publishable", message=problem))
        findings.extend(publishing.limit_findings(item))
    return findings


def _twice(codes: list[str]) -> set[str]:
    seen: set[str] = set()
    return {code for code in codes if code in seen or seen.add(code)}  # type: ignore[func-returns-value]


def _same_items(stored: dict[str, Item], given: dict[str, Item]) -> bool:
    if stored.keys() != given.keys():
        return False
    return all(to_document(stored[code]) == to_document(given[code]) for code in given)
