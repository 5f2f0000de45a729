"""The Dongying data set, put together: :func:`build_dataset` and :class:`Dataset`.

The catalog, the stations with their staff and the key projects are the centre's facts and
the same for every seed; the applicants are drawn from a pool that depends on the seed
(:class:`~govservice.demo.parties.ApplicantPool`). :meth:`Dataset.load_into` stores the
catalog and the stations (whose staff lists are the built-in registry of staff) through
the public store API.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from govservice.demo.adjustments import (
    FIRST_CATALOG,
    YEAR_START,
    adjustments_2015,
    decided_by,
    first_catalog,
)
from govservice.demo.catalog import (
    CITY,
    LIJIN,
    REGION_NAMES,
    Department,
    all_departments,
    all_items,
    demand_of,
    river_permit_number,
)
from govservice.demo.parties import ApplicantPool
from govservice.demo.projects import KeyProject, key_projects
from govservice.demo.stations import CENTRE_CODES, Desk, build_stations
from govservice.model import Item, Party, Role, StaffMember, Station, StationLevel
from govservice.model.catalog import Adjustment
from govservice.workflow import Actor

YEAR = 2015


@attrs.frozen(kw_only=True)
class Dataset:
    """Everything the Dongying year is simulated on.

    The mappings are read-only views of what :func:`build_dataset` made; records are the
    library's frozen model classes.
    """

    seed: int
    """The seed the applicants were drawn with."""
    year: int
    """The year simulated: 2015."""
    centre_name: str
    """东营市政务服务中心."""
    region: str
    """The city centre's region: 370500."""
    regions: Mapping[str, str] = attrs.field(repr=False)
    """Every region of the data set (the city first, then the counties) and its name."""
    departments: Mapping[str, Department] = attrs.field(repr=False)
    """Every department by its full name (东营市民政局, 利津县水务局 …): short key, unified
    social credit code, region, window."""
    items: tuple[Item, ...] = attrs.field(repr=False)
    """The catalog: the city centre's items, then each county's."""
    items_by_code: Mapping[str, Item] = attrs.field(repr=False)
    """The same items by code."""
    stations: tuple[Station, ...] = attrs.field(repr=False)
    """The city centre, each county centre followed by its township centres, then the
    rural-community centres and their village stations; their ``staff`` is the registry
    of staff."""
    desks: Mapping[tuple[str, str | None], Desk] = attrs.field(repr=False)
    """Who acts for a department at a station, by (station code, department name); a
    township centre's comprehensive window is (station code, None)."""
    agents: Mapping[str, tuple[StaffMember, ...]] = attrs.field(repr=False)
    """The centres' agents (代办员, 全程代办) by station code."""
    supervisors: Mapping[str, tuple[StaffMember, ...]] = attrs.field(repr=False)
    """The supervisors (监察人员, 电子监察) by centre code."""
    demand: Mapping[str, float] = attrs.field(repr=False)
    """How often each item is applied for, relative to the others, by item code
    (:func:`~govservice.demo.catalog.demand_of`)."""
    projects: tuple[KeyProject, ...] = attrs.field(repr=False)
    """The 24 key projects of 2015 on the green channel."""
    applicants: ApplicantPool
    """The applicants, numbered and drawn by seed (see :meth:`draw_applicant`)."""
    adjustments: tuple[Adjustment, ...] = attrs.field(default=(), repr=False)
    """The adjustments of the city's catalog during the year, in order
    (:func:`~govservice.demo.adjustments.adjustments_2015`): the simulation applies each
    on its day."""

    # --- finding things --------------------------------------------------------------------

    def items_of(self, region: str) -> tuple[Item, ...]:
        """The items a region's centre publishes."""
        return tuple(item for item in self.items if item.region == region)

    def item(self, code: str) -> Item:
        """The item of ``code`` (KeyError when it is not in the catalog)."""
        return self.items_by_code[code]

    def centre_code(self, region: str) -> str:
        """The code of the centre of ``region`` (the station of cases naming none)."""
        return CENTRE_CODES[region]

    def station(self, code: str) -> Station:
        """The station of ``code``."""
        return next(s for s in self.stations if s.code == code)

    def stations_under(self, region: str, level: StationLevel) -> tuple[Station, ...]:
        """The stations of ``region`` at ``level`` (township centres, village stations …)."""
        return tuple(s for s in self.stations if s.region == region and s.level is level)

    def desk(self, item: Item, station_code: str | None = None) -> Desk:
        """Who acts on a case of ``item`` at ``station_code`` (default: the centre of the
        item's region): the department's window there, or the station's comprehensive
        window (a township centre). A village station's cases are reviewed and approved
        at its township centre's window: give the township's code."""
        code = station_code or CENTRE_CODES[item.region]
        found = self.desks.get((code, item.department)) or self.desks.get((code, None))
        if found is None:
            raise KeyError(
                f"station {code} has no window that reviews and approves cases (a village "
                "station's agent takes applications to its township centre)"
            )
        return found

    def supervisor(self, region: str) -> StaffMember:
        """The first supervisor of the centre of ``region``."""
        return self.supervisors[CENTRE_CODES[region]][0]

    # --- applicants and cases --------------------------------------------------------------

    def draw_applicant(
        self, rng: random.Random, region: str = CITY, *, enterprise_share: float = 0.4
    ) -> Party:
        """An applicant at the centre of ``region``, drawn with ``rng``."""
        return self.applicants.draw(rng, region, enterprise_share)

    def case_attributes(self, item: Item, serial: int) -> dict[str, str]:
        """The local fields a case of ``item`` carries (``Case.attributes``): Lijin's river
        permit number (河道许可文号) for the items of its water and Yellow River bureaus,
        which its plugin asks for before acceptance; nothing elsewhere."""
        if item.region == LIJIN and _is_river_works(item):
            return {"river_permit_number": river_permit_number(serial, self.year)}
        return {}

    # --- loading ---------------------------------------------------------------------------

    def load_into(self, service: Any) -> None:
        """Store the catalog and the stations in ``service.store`` (a
        :class:`~govservice.GovService`), in one transaction: each region's catalog as it
        stands on 1 January, as the first version of its catalog (``service.catalog``;
        the items the adjustments take over come in with them); what is stored already
        with the same content is left as it is (importing a catalog again is a no-op; a
        station of a stored code is skipped). The stations go in through
        ``service.stations.add_all``: each exactly one level below its parent."""
        store = service.store
        with store.transaction():
            for region in self.regions:
                service.catalog.import_catalog(
                    first_catalog(self.items, region),
                    region=region,
                    effective=YEAR_START,
                    decided_by=decided_by(region),
                    **(
                        {k: v for k, v in FIRST_CATALOG.items() if k != "decided_by"}
                        if region == CITY
                        else {}
                    ),
                )
            new = [s for s in self.stations if store.get("station", s.code) is None]
            service.stations.add_all(new)  # the level rules of the hierarchy hold

    def iter_staff(self) -> Iterator[tuple[Station, StaffMember]]:
        """Every post of every station: (station, member)."""
        for station in self.stations:
            for member in station.staff:
                yield station, member


def actor(member: StaffMember) -> Actor:
    """The workflow :class:`~govservice.workflow.Actor` of a member of staff: their name,
    role and staff number (a manager does not act on cases)."""
    return Actor(member.name, Role(member.role.value), id=member.staff_number)


def _is_river_works(item: Item) -> bool:
    return any(part in item.department for part in ("水务", "黄河河务"))


def build_dataset(seed: int = 7) -> Dataset:
    """The Dongying data set; the same for the same ``seed`` (applicants differ by seed)."""
    items = all_items()
    built = build_stations()
    city_agents = built.agents[CENTRE_CODES[CITY]]
    return Dataset(
        seed=seed,
        year=YEAR,
        centre_name="东营市政务服务中心",
        region=CITY,
        regions=dict(REGION_NAMES),
        departments={d.name: d for d in all_departments()},
        items=items,
        items_by_code={item.code: item for item in items},
        stations=built.stations,
        desks=built.desks,
        agents=built.agents,
        supervisors=built.supervisors,
        demand={item.code: demand_of(item) for item in items},
        projects=key_projects(items, city_agents),
        applicants=ApplicantPool(seed),
        adjustments=adjustments_2015(items),
    )
