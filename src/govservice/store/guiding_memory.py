"""The guiding catalog in the memory store: a list of versions a region (frozen, so shared
safely), replaced, never changed in place; what stations offer is read from their
documents."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from govservice.model import GuidingCatalogVersion
from govservice.store.base import StationOffer
from govservice.store.guiding_sql import check_next_guiding


class MemoryGuiding:
    """The guiding catalog's part of :class:`~govservice.store.base.Store` in dictionaries;
    the memory store's transactions snapshot :attr:`_guiding` with its other records."""

    _guiding: dict[str, tuple[GuidingCatalogVersion, ...]]

    def add_guiding_version(self, version: GuidingCatalogVersion) -> None:
        with self.transaction():  # type: ignore[attr-defined]
            versions = self._guiding.get(version.region, ())
            last = (versions[-1].number, versions[-1].effective) if versions else None
            check_next_guiding(last, version)
            self._guiding = {**self._guiding, version.region: (*versions, version)}

    def guiding_versions(self, region: str) -> list[GuidingCatalogVersion]:
        return list(self._guiding.get(region, ()))

    def guiding_regions(self) -> list[str]:
        return sorted(self._guiding)

    def station_offers(self, regions: Sequence[str] | None = None) -> list[StationOffer]:
        wanted = None if regions is None else set(regions)
        return [
            StationOffer(
                code=code,
                name=document["name"],
                region=document["region"],
                level=document["level"],
                parent_code=document.get("parent_code"),
                items=frozenset(document.get("items", ())),
            )
            for code, (document, _) in sorted(self._records["station"].items())  # type: ignore[attr-defined]
            if wanted is None or document["region"] in wanted
        ]

    def item_names(self, codes: Iterable[str]) -> dict[str, str]:
        names = {}
        for code in set(codes):
            item = self.item(code)  # type: ignore[attr-defined]
            if item is not None:
                names[code] = item.name
        return names
