"""A version of a region's catalog: what its centre offers from a day on.

Each import and each adjustment (调整) makes a new :class:`CatalogVersion`, numbered from 1;
every version is kept. A version holds every item the catalog ever took in, by code,
cancelled ones included with their status (a cancelled item stays in the catalog as
停办, and so can be shown, compared and refused by name); :meth:`CatalogVersion.in_service`
are those that take cases.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from typing import Any

import attrs

from govservice.model import Item
from govservice.model.catalog import Adjustment
from govservice.store.ledger import canonical


@attrs.frozen
class CatalogVersion:
    """Version ``number`` of the catalog of ``region``, in force from ``effective`` until
    the next version's date.

    ``adjustment`` is the adjustment that made it (None for an imported catalog; what an
    import said of itself, who decided it and the decision's number, is ``imported``).
    """

    region: str
    number: int
    effective: dt.date
    adjustment: Adjustment | None
    items: Mapping[str, Item] = attrs.field(repr=False)
    """Every item of this version, by code (cancelled ones included, with their status)."""
    imported: Mapping[str, Any] | None = None

    def in_service(self) -> list[Item]:
        """The items that take cases in this version (in service, or taken over from the
        province), by code."""
        return [item for item in self.items.values() if item.accepts_cases]

    def cancelled(self) -> list[Item]:
        """The items that take no case in this version (cancelled, suspended), by code."""
        return [item for item in self.items.values() if not item.accepts_cases]

    @property
    def entries(self) -> dict[str, int]:
        """Code → the item version this catalog version holds."""
        return {code: item.version for code, item in self.items.items()}

    @property
    def label(self) -> str:
        """How a clerk reads which version this is: 第3版（2015-07-01起施行）."""
        return f"第{self.number}版（{self.effective}起施行）"


def entries_digest(entries: Mapping[str, int]) -> str:
    """The SHA-256 of a version's items (code → item version) as the trail holds it: of
    their canonical JSON."""
    return hashlib.sha256(canonical(dict(sorted(entries.items()))).encode("utf-8")).hexdigest()


def documents_digest(items: Mapping[str, Item]) -> str:
    """The SHA-256 of what a version's items say (their fees, time limits, materials, all
    of each item's document) as the trail holds it: of the canonical JSON of code → the
    SHA-256 of the item's canonical document. A fee changed in the store after the
    version was chained no longer agrees with it."""
    from govservice.codec import to_document

    sha256 = hashlib.sha256
    each = {
        code: sha256(canonical(to_document(items[code])).encode("utf-8")).hexdigest()
        for code in sorted(items)
    }
    return sha256(canonical(each).encode("utf-8")).hexdigest()
