"""What training and the staff assessment share: the stations as stored, their names and
counties, and the check that a record names a stored station."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

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
