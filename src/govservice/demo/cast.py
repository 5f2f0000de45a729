"""Who acts in the simulated year: the staff of each centre by role, as workflow actors,
and the applicants acting for themselves."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import attrs

from govservice.errors import ConfigError
from govservice.model import Party, Role, Station
from govservice.workflow import Actor


@attrs.frozen
class Staff:
    """The staff of one region's centre, by role, as actors."""

    station_code: str
    by_role: dict[str, tuple[Actor, ...]]

    def pick(self, role: str, rng: random.Random) -> Actor:
        people = self.by_role.get(role)
        if not people:
            raise ConfigError(
                f"the centre {self.station_code} has no member of staff with the role {role}"
            )
        return people[rng.randrange(len(people))]

    def find(self, who: str) -> Actor | None:
        """The member of staff named, or numbered, ``who``."""
        for people in self.by_role.values():
            for actor in people:
                if who in (actor.id, actor.name):
                    return actor
        return None


_CENTRE_LEVELS = ("city_centre", "county_centre")
_ACTING_ROLES = frozenset(role.value for role in Role)


def centre_staff(stations: Sequence[Station]) -> dict[str, Staff]:
    """The staff of the centre of each region (the city centre, the county centres): the
    members of staff who act on the cases that name no station."""
    found: dict[str, Staff] = {}
    for station in sorted(stations, key=lambda s: s.code):
        if station.level.value not in _CENTRE_LEVELS or station.region in found:
            continue
        by_role: dict[str, list[Actor]] = defaultdict(list)
        for member in station.staff:
            if member.role.value not in _ACTING_ROLES:  # a manager does not act on cases
                continue
            by_role[member.role.value].append(staff_actor(member))
        found[station.region] = Staff(station.code, {r: tuple(p) for r, p in by_role.items()})
    return found


def staff_actor(member: Any) -> Actor:
    return Actor(member.name, member.role.value, id=member.staff_number)


def applicant_actor(party: Party) -> Actor:
    """The applicant acting for themselves, under their identifier."""
    return Actor(party.name, "applicant", id=party.identifier.number)
