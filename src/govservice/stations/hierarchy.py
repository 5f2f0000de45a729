"""The hierarchy of stations (服务站点体系): the level rules, and the tree with its counts.

The levels run from the city centre (市政务服务中心) to the county or district centre
(县区政务服务中心), to the township or street centre (乡镇(街道)便民服务中心), to the
rural-community centre (农村社区便民服务中心) it governs, to the village station
(村级便民服务站). A child is exactly one level below its parent (:data:`PARENT_LEVEL`),
and its region lies within its parent's county: a county centre's region is a county of
the city centre's city, and every station below a county centre carries the county's code
(a township has no code of six digits). A station with no parent is the root of its own
tree (a county that does not store the city centre); a village station always has one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from govservice.errors import StationCycleError, StationLevelError, StationRegionError
from govservice.model import Station, StationLevel
from govservice.model.regions import level_of, region_name

L = StationLevel

PARENT_LEVEL: Mapping[StationLevel, StationLevel | None] = {
    L.CITY_CENTRE: None,
    L.COUNTY_CENTRE: L.CITY_CENTRE,
    L.TOWNSHIP_CENTRE: L.COUNTY_CENTRE,
    L.COMMUNITY_CENTRE: L.TOWNSHIP_CENTRE,
    L.VILLAGE_STATION: L.COMMUNITY_CENTRE,
}
"""The level a station's parent has: the one just above its own."""

LEVELS: tuple[StationLevel, ...] = tuple(StationLevel)
"""The levels from the top (the city centre) down (the village station)."""


def label(station: Station) -> str:
    """How messages name a station: its code and its name."""
    return f"{station.code} ({station.name})"


def check_region(station: Station) -> None:
    """The region agrees with the level: the city centre a city's code, any other station
    a county's code."""
    wanted = "city" if station.level is L.CITY_CENTRE else "county"
    if level_of(station.region) != wanted:
        raise StationRegionError(
            f"station {label(station)}: a {station.level.label} carries "
            f"{'a city' if wanted == 'city' else 'its county'}'s region code, not {station.region}"
        )


def check_placement(station: Station, parent: Station | None) -> None:
    """Check the level and region rules of ``station`` under ``parent`` (None: a root).

    :raises StationLevelError: the station is not exactly one level below its parent.
    :raises StationRegionError: its region is not within its parent's county (or city).
    """
    check_region(station)
    if parent is None:
        return
    wanted = PARENT_LEVEL[station.level]
    if wanted is None or parent.level is not wanted:
        below = "no station" if wanted is None else f"a {wanted.label} ({wanted.value})"
        raise StationLevelError(
            f"station {label(station)}, a {station.level.label} ({station.level.value}), "
            f"cannot be placed under {label(parent)}, a {parent.level.label} "
            f"({parent.level.value}): a station is exactly one level below its parent, "
            f"and a {station.level.label} belongs to {below}"
        )
    if parent.level is L.CITY_CENTRE:
        if station.region[:4] != parent.region[:4]:
            raise StationRegionError(
                f"station {label(station)}: its region {station.region} "
                f"({region_name(station.region)}) is not a county of {parent.region} "
                f"({region_name(parent.region)}), the city of its parent {label(parent)}"
            )
    elif station.region != parent.region:
        raise StationRegionError(
            f"station {label(station)}: its region {station.region} "
            f"({region_name(station.region)}) lies outside {parent.region} "
            f"({region_name(parent.region)}), the county of its parent {label(parent)}; a "
            "station's region lies within its parent's county"
        )


def check_no_cycle(station: Station, parents: Mapping[str, str | None]) -> None:
    """Walk up from ``station``'s parent through ``parents`` (code → parent code, as they
    would be once it is stored); reaching ``station`` again is a cycle.

    :raises StationCycleError: naming the stations of the circle.
    """
    path = [station.code]
    current = station.parent_code
    while current is not None:
        if current in path:
            circle = " → ".join([*path[path.index(current) :], current])
            raise StationCycleError(
                f"station {label(station)}: its parents run in a circle ({circle}); a "
                "station cannot be its own ancestor"
            )
        path.append(current)
        current = parents.get(current)


def parents_first(stations: Iterable[Station], stored: Mapping[str, str | None]) -> list[Station]:
    """``stations`` ordered so that each comes after its parent among them; ``stored``
    maps the codes already stored to their parents.

    :raises StationCycleError: the parents among them (and those stored) run in a circle.
    """
    given = {station.code: station for station in stations}
    parents = {**stored, **{code: s.parent_code for code, s in given.items()}}
    for station in given.values():
        check_no_cycle(station, parents)
    ordered: list[Station] = []
    placed: set[str] = set()

    def place(station: Station) -> None:
        if station.code in placed:
            return
        parent = given.get(station.parent_code or "")
        if parent is not None:
            place(parent)
        placed.add(station.code)
        ordered.append(station)

    for station in given.values():
        place(station)
    return ordered


# --- the tree --------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class TreeNode:
    """A station and the stations below it; ``below`` counts them by level."""

    station: Station
    children: tuple[TreeNode, ...]
    below: Mapping[StationLevel, int]


@attrs.frozen(kw_only=True)
class StationTree:
    """The hierarchy (of a region, or every station): its roots, and the stations of each
    level (``counts``, every level listed from the top, 0 where there are none)."""

    roots: tuple[TreeNode, ...]
    counts: Mapping[StationLevel, int]
    region: str | None = None

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def walk(self) -> Iterable[tuple[int, TreeNode]]:
        """Every node with its depth (0 for a root), parents before children."""
        stack = [(0, node) for node in reversed(self.roots)]
        while stack:
            depth, node = stack.pop()
            yield depth, node
            stack.extend((depth + 1, child) for child in reversed(node.children))


def build_tree(stations: Iterable[Station], region: str | None = None) -> StationTree:
    """The tree of ``stations``: each under its parent when the parent is among them, else
    a root; children in the order of their codes."""
    by_code = {station.code: station for station in stations}
    children: dict[str | None, list[Station]] = {}
    for station in by_code.values():
        parent = station.parent_code if station.parent_code in by_code else None
        children.setdefault(parent, []).append(station)

    def node(station: Station, seen: frozenset[str]) -> TreeNode:
        kids = tuple(
            node(child, seen | {child.code})
            for child in sorted(children.get(station.code, ()), key=lambda s: s.code)
            if child.code not in seen  # (a cycle stored by other means is cut, not looped)
        )
        below = dict.fromkeys(LEVELS, 0)
        for kid in kids:
            below[kid.station.level] += 1
            for level, count in kid.below.items():
                below[level] += count
        return TreeNode(station=station, children=kids, below=below)

    roots = tuple(
        node(station, frozenset({station.code}))
        for station in sorted(
            children.get(None, ()), key=lambda s: (LEVELS.index(s.level), s.code)
        )
    )
    counts = dict.fromkeys(LEVELS, 0)
    for station in by_code.values():
        counts[station.level] += 1
    return StationTree(roots=roots, counts=counts, region=region)


def county_of(station: Station) -> str:
    """The county a station serves (its region; the city centre's is its city)."""
    return station.region


# --- what was new in a year ------------------------------------------------------------


@attrs.frozen(kw_only=True)
class NewStations:
    """The stations built, and those certified (the registry's ``certified_on``), in a
    year: what a year's report says was new."""

    year: int
    built: tuple[Station, ...]
    certified: tuple[Station, ...]

    def built_by_level(self) -> dict[StationLevel, int]:
        """How many of each level were built (every level listed, from the top)."""
        return _by_level(self.built)

    def certified_by_level(self) -> dict[StationLevel, int]:
        """How many of each level were certified (every level listed, from the top)."""
        return _by_level(self.certified)


def _by_level(stations: Iterable[Station]) -> dict[StationLevel, int]:
    counts = dict.fromkeys(LEVELS, 0)
    for station in stations:
        counts[station.level] += 1
    return counts


def new_in(stations: Iterable[Station], year: int) -> NewStations:
    """The stations of ``stations`` built or certified in ``year``, by code."""
    ordered = sorted(stations, key=lambda station: station.code)
    return NewStations(
        year=year,
        built=tuple(s for s in ordered if s.built_on is not None and s.built_on.year == year),
        certified=tuple(
            s for s in ordered if s.certified_on is not None and s.certified_on.year == year
        ),
    )
