"""The guiding catalog of convenience services (便民服务事项指导性目录): for each level of
station, the items a station of that level must offer (应进必进).

A region (usually the city) issues it; like the item catalog it is versioned: each issue is
a :class:`GuidingCatalogVersion`, numbered from 1 and in force from its ``effective`` day
until the next version's. A county adds items of its own on top (the configuration's
``stations.guiding_items``, or the ``govservice_guiding_items`` hook); those are not part of
a version and are applied when coverage is worked out.
"""

from __future__ import annotations

import datetime as dt

import attrs

from govservice.model import _checks
from govservice.model.item import StationLevel

__all__ = ["GuidingCatalogVersion", "GuidingEntry"]


@attrs.frozen(kw_only=True)
class GuidingEntry:
    """One line of the guiding catalog: stations of ``level`` must offer item ``code``."""

    level: StationLevel = attrs.field(converter=StationLevel)
    code: str = attrs.field(
        validator=_checks.matches(_checks.ITEM_CODE, "11370500004275432Y-XK-0001")
    )


def _unique_entries(
    instance: GuidingCatalogVersion, attribute: attrs.Attribute, value: tuple
) -> None:
    seen: set[tuple[str, str]] = set()
    for entry in value:
        key = (entry.level.value, entry.code)
        if key in seen:
            raise ValueError(
                f"GuidingCatalogVersion.entries: item {entry.code} is listed twice for "
                f"{entry.level.value}"
            )
        seen.add(key)


@attrs.frozen(kw_only=True)
class GuidingCatalogVersion:
    """Version ``number`` of the guiding catalog ``region`` issued, in force from
    ``effective`` until the next version's day."""

    region: str = attrs.field(validator=_checks.region_code)
    number: int = attrs.field(validator=_checks.positive)
    effective: dt.date
    entries: tuple[GuidingEntry, ...] = attrs.field(
        converter=lambda entries: tuple(
            sorted(_checks.as_tuple(entries), key=lambda e: (e.level.value, e.code))
        ),
        validator=_unique_entries,
    )
    """Every line, ordered by level and code."""
    title: str | None = attrs.field(default=None, validator=_checks.optional_non_empty)
    decided_by: str | None = attrs.field(default=None, validator=_checks.optional_non_empty)
    """Who issued it (e.g. 东营市人民政府办公室)."""
    decision_number: str | None = attrs.field(default=None, validator=_checks.optional_non_empty)
    """The number of the document that issued it (文号)."""

    def items_of(self, level: StationLevel | str) -> frozenset[str]:
        """The codes of the items a station of ``level`` must offer under this version."""
        level = StationLevel(level)
        return frozenset(entry.code for entry in self.entries if entry.level is level)

    @property
    def levels(self) -> tuple[StationLevel, ...]:
        """The levels this version names items for, in the order of :class:`StationLevel`."""
        named = {entry.level for entry in self.entries}
        return tuple(level for level in StationLevel if level in named)

    @property
    def label(self) -> str:
        """How a clerk reads which version this is: 第2版（2015-07-01起施行）."""
        return f"第{self.number}版（{self.effective}起施行）"
