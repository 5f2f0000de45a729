"""The built-in registry of staff: the staff lists of the stored stations.

Each :class:`~govservice.model.StaffMember` of a station is one post (a role at that
station). A person is found by staff number (工号) when the integrator gives one, else by
name. An identity plugin that answers :func:`~govservice.hookspecs.govservice_staff_posts`
first (``tryfirst=True``) replaces this one; so does ``disable_plugins: [govservice.staff]``
with a plugin of one's own.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from govservice.hookspecs import hookimpl
from govservice.model import StaffPost, Station


@hookimpl(trylast=True)
def govservice_staff_posts(
    name: str, staff_number: str | None, station_code: str | None, store: Any
) -> list[StaffPost]:
    if station_code is not None:
        found = store.get("station", station_code)
        stations = [found.record] if found is not None else []
    else:
        stations = list(_every_station(store))
    return [
        StaffPost(
            station_code=station.code,
            name=member.name,
            role=member.role,
            staff_number=member.staff_number,
        )
        for station in stations
        for member in station.staff
        if (member.staff_number == staff_number if staff_number else member.name == name)
    ]


def _every_station(store: Any) -> Iterator[Station]:
    after = None
    while True:
        page = store.list("station", limit=500, after=after)
        for stored in page.records:
            yield stored.record
        if page.next_after is None:
            return
        after = page.next_after
