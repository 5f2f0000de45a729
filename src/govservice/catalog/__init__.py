"""The catalog of items: versions per region and dated adjustments (调整), diffs,
imports and exports; fees charged (:mod:`.charging`), guides and manuals, fee disclosure.

``centre.catalog`` is a :class:`Catalog`. The modules here are small, one idea each:
:mod:`.versions` (a version), :mod:`.adjustments` (applying one), :mod:`.diff` (comparing
two), :mod:`.exchange` (files), :mod:`.facade` (the object over the store).
"""

from govservice.catalog.diff import CatalogDiff, FieldChange, ItemChange
from govservice.catalog.facade import Catalog
from govservice.catalog.versions import CatalogVersion

__all__ = ["Catalog", "CatalogDiff", "CatalogVersion", "FieldChange", "ItemChange"]
