"""What training and the staff assessment share: the stations as stored, their names and
counties, and the check that a record names a stored station."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from stdnum import numdb

from govservice.errors import UnknownStaffStationError
from govservice.model import Station


def all_stations(store: Any) -> Iterator[Station]:
    """Every stored station, a page at a time."""
    after = None
    while True:
        page = store.list("station", limit=500, after=after)
        for stored in page.records:
            yield stored.record
        if page.next_after is None:
            return
        after = page.next_after


@functools.lru_cache(maxsize=512)
def region_name(code: str) -> str:
    """The name of a county (or city) code as GB/T 2260 gives it (``370523`` → 广饶县),
    the latest name when it changed; the code itself when the table does not hold it."""
    try:
        parts = numdb.get("cn/loc").info(code)
    except Exception:
        return code
    name = code
    for _, properties in parts:
        for key in ("province", "city", "county"):
            if key in properties:
                name = properties[key].split("]")[-1]
    return name


def check_stations(store: Any, named: list[tuple[str, str]], what: str) -> dict[str, Station]:
    """The stations ``(station_code, person)`` pairs name, each looked up once.

    :raises UnknownStaffStationError: naming the first unknown station, and who named it.
    """
    found: dict[str, Station] = {}
    for code, person in named:
        if code in found:
            continue
        stored = store.get("station", code)
        if stored is None:
            raise UnknownStaffStationError(
                f"{what}: {person} is recorded at station {code}, which is not stored; "
                "nothing was stored",
            )
        found[code] = stored.record
    return found
