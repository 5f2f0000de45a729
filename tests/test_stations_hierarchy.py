"""The hierarchy of stations (issue 13, part 1) on every backend: the level rules, the
tree with its counts, a station's own closure days on top of its county's calendar."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from govservice.errors import (
    RecordNotFoundError,
    StationCycleError,
    StationLevelError,
    StationRegionError,
)
from govservice.model import OpeningHours, Station, StationLevel
from govservice.samples import make_case
from govservice.stations.hierarchy import PARENT_LEVEL
from people_helpers import BACKENDS, centre_on
from stations_fixture import (
    VILLAGE_CLOSURE,
    community_centres,
    install,
    stations,
    village_stations,
)

L = StationLevel


@pytest.fixture(params=BACKENDS)
def centre(request, tmp_path):
    with centre_on(request.param, tmp_path) as service:
        install(service, with_evaluations=False)
        yield service


def _village(**changes) -> Station:
    fields = {
        "code": "GR-DW-BL-09",
        "name": "广饶县大王镇新村便民服务站",
        "level": "village_station",
        "parent_code": "GR-DW-BL",
        "region": "370523",
    }
    return Station(**(fields | changes))


def _count(service) -> int:
    return service.store.count("station")


# --- the tree --------------------------------------------------------------------------


def test_tree_counts_each_level(centre) -> None:
    tree = centre.stations.tree()
    assert dict(tree.counts) == {
        L.CITY_CENTRE: 1,
        L.COUNTY_CENTRE: 3,
        L.TOWNSHIP_CENTRE: 4,
        L.COMMUNITY_CENTRE: 6,
        L.VILLAGE_STATION: 10,
    }
    assert tree.total == 24
    [root] = tree.roots
    assert root.station.code == "370500-ZWZX"
    by_code = {node.station.code: node for _, node in tree.walk()}
    assert len(by_code) == 24
    guangrao = by_code["370523-ZWZX"]
    assert {level: n for level, n in guangrao.below.items() if n} == {
        L.TOWNSHIP_CENTRE: 1,
        L.COMMUNITY_CENTRE: 2,
        L.VILLAGE_STATION: 3,
    }
    lijin = by_code["370522-ZWZX"]
    assert [child.station.code for child in lijin.children] == ["LJ-BS", "LJ-CZ"]
    assert lijin.below[L.VILLAGE_STATION] == 3
    assert by_code["DY-NZ"].below[L.VILLAGE_STATION] == 4
    assert by_code["DY-NZ-WY-01"].children == ()
    depths = {node.station.code: depth for depth, node in tree.walk()}
    assert depths["370500-ZWZX"] == 0
    assert depths["GR-DW-YZ-02"] == 4


def test_tree_of_a_county(centre) -> None:
    tree = centre.stations.tree("370522")
    assert [tree.counts[level] for level in L] == [0, 1, 2, 2, 3]
    assert [root.station.code for root in tree.roots] == ["370522-ZWZX"]
    city = centre.stations.tree("370500")
    assert city.total == 24


def test_what_was_new_in_a_year(centre) -> None:
    new = centre.stations.new_in(2015)
    built = new.built_by_level()
    assert built[L.COMMUNITY_CENTRE] == 5  # all but 东岭 (2014)
    assert built[L.VILLAGE_STATION] == 9  # all but 东岭村 (2014)
    assert built[L.COUNTY_CENTRE] == 0
    certified = new.certified_by_level()
    assert certified[L.COMMUNITY_CENTRE] == 4  # 王营, 陈庄, 北柳, 延集
    assert [s.code for s in new.certified] == ["DY-NZ-WY", "GR-DW-BL", "GR-DW-YZ", "LJ-CZ-CZ"]
    assert [s.code for s in centre.stations.new_in(2014, "370502").built] == [
        "DY-NZ-DC",
        "DY-NZ-DC-01",
    ]


# --- the level rules -------------------------------------------------------------------


def test_every_level_has_the_one_above_it_as_parent() -> None:
    order = list(L)
    for level, parent in PARENT_LEVEL.items():
        index = order.index(level)
        assert parent is (order[index - 1] if index else None)


def test_a_station_one_level_too_deep_is_refused(centre) -> None:
    before = _count(centre)
    deep = _village(parent_code="GR-DW-BL-01")  # under a village station
    with pytest.raises(StationLevelError) as raised:
        centre.stations.add(deep)
    message = str(raised.value)
    assert "GR-DW-BL-09 (广饶县大王镇新村便民服务站)" in message
    assert "GR-DW-BL-01 (广饶县大王镇北柳村便民服务站)" in message
    assert "exactly one level below its parent" in message
    assert raised.value.code == "GS951"
    assert centre.store.get("station", "GR-DW-BL-09") is None
    assert _count(centre) == before


def test_a_level_skipped_is_refused(centre) -> None:
    community = attrs.evolve(
        community_centres()[0], code="DY-XX", parent_code="370502-ZWZX"
    )  # a community centre straight under the county centre
    with pytest.raises(StationLevelError, match="exactly one level below"):
        centre.stations.add(community)
    assert centre.store.get("station", "DY-XX") is None


def test_a_parent_not_stored_is_refused(centre) -> None:
    with pytest.raises(StationLevelError, match="its parent GR-NONE is not stored"):
        centre.stations.add(_village(parent_code="GR-NONE"))
    assert centre.store.get("station", "GR-DW-BL-09") is None


def test_a_region_outside_the_parents_county_is_refused(centre) -> None:
    before = _count(centre)
    with pytest.raises(StationRegionError) as raised:
        centre.stations.add(_village(region="370522"))  # Lijin, under a Guangrao centre
    message = str(raised.value)
    assert "GR-DW-BL-09 (广饶县大王镇新村便民服务站)" in message
    assert "370522 (利津县) lies outside 370523 (广饶县)" in message
    assert "within its parent's county" in message
    assert raised.value.code == "GS952"
    assert _count(centre) == before


def test_a_county_centre_of_another_city_is_refused(centre) -> None:
    jinan = Station(
        code="370102-ZWZX",
        name="济南市历下区政务服务中心",
        level="county_centre",
        parent_code="370500-ZWZX",
        region="370102",
    )
    with pytest.raises(StationRegionError, match="is not a county of 370500"):
        centre.stations.add(jinan)
    assert centre.store.get("station", "370102-ZWZX") is None


def test_a_centre_below_the_city_carries_a_county_code(centre) -> None:
    with pytest.raises(StationRegionError, match="its county's region code, not 370500"):
        centre.stations.add(_village(region="370500"))


def test_a_cycle_in_parents_is_refused_on_update(centre) -> None:
    township = centre.stations.get("DY-NZ")
    moved = attrs.evolve(township, parent_code="DY-NZ-WY-01")  # under its own village
    with pytest.raises(StationCycleError) as raised:
        centre.stations.update(moved)
    message = str(raised.value)
    assert "DY-NZ (东营区牛庄镇便民服务中心)" in message
    assert "DY-NZ → DY-NZ-WY-01 → DY-NZ-WY → DY-NZ" in message
    assert "its own ancestor" in message
    assert raised.value.code == "GS953"
    assert centre.stations.get("DY-NZ").parent_code == "370502-ZWZX"


def test_a_cycle_among_stations_added_together_is_refused(centre) -> None:
    before = _count(centre)
    one = Station(
        code="X-1",
        name="甲便民服务中心",
        level="township_centre",
        parent_code="X-2",
        region="370523",
    )
    two = Station(
        code="X-2",
        name="乙便民服务中心",
        level="township_centre",
        parent_code="X-1",
        region="370523",
    )
    with pytest.raises(StationCycleError, match="X-1 → X-2 → X-1"):
        centre.stations.add_all([one, two])
    assert _count(centre) == before


def test_stations_added_together_in_any_order(tmp_path) -> None:
    with centre_on("sqlite", tmp_path) as service:
        added = service.stations.add_all(list(reversed(stations())))
        assert len(added) == 24
        assert added[0].code == "370500-ZWZX"
        assert service.stations.tree().counts[L.VILLAGE_STATION] == 10


def test_one_refused_among_stations_added_together_stores_none(tmp_path) -> None:
    with centre_on("sqlite", tmp_path) as service:
        bad = _village(code="GR-BAD", parent_code="GR-DW-BL-01")
        with pytest.raises(StationLevelError, match="GR-BAD"):
            service.stations.add_all([*stations(), bad])
        assert service.store.count("station") == 0


def test_an_update_that_strands_a_child_is_refused(centre) -> None:
    community = centre.stations.get("GR-DW-BL")
    with pytest.raises(StationLevelError, match="GR-DW-BL-01"):
        centre.stations.update(
            attrs.evolve(community, level="township_centre", parent_code="370523-ZWZX")
        )
    assert centre.stations.get("GR-DW-BL").level is L.COMMUNITY_CENTRE


def test_an_update_keeps_the_rules_and_stores(centre) -> None:
    station = centre.stations.get("GR-DW-BL-01")
    later = attrs.evolve(
        station,
        opening_hours=(OpeningHours(weekdays=(6,), opens="09:00", closes="11:30"),),
    )
    centre.stations.update(later)
    assert centre.stations.get("GR-DW-BL-01").opening_hours == later.opening_hours
    with pytest.raises(RecordNotFoundError):
        centre.stations.update(_village(code="GR-NOWHERE"))


# --- the record ------------------------------------------------------------------------


def test_windows_staff_hours_closures_and_dates_are_kept(centre) -> None:
    station = centre.stations.get("GR-DW-BL-01")
    assert station == next(s for s in village_stations() if s.code == "GR-DW-BL-01")
    assert station.closure_days == (VILLAGE_CLOSURE,)
    assert station.opening_hours[0].opens == "08:30"
    assert station.built_on == dt.date(2015, 5, 1)
    community = centre.stations.get("GR-DW-BL")
    assert community.certified_on == dt.date(2015, 4, 1)
    assert [w.number for w in community.windows] == ["1", "2"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"weekdays": (0,), "opens": "08:30", "closes": "12:00"}, "OpeningHours.weekdays"),
        ({"weekdays": (1,), "opens": "8:30", "closes": "12:00"}, "OpeningHours.opens"),
        ({"weekdays": (1,), "opens": "13:00", "closes": "12:00"}, "OpeningHours.closes"),
    ],
)
def test_opening_hours_are_checked(fields, message) -> None:
    with pytest.raises(ValueError, match=message):
        OpeningHours(**fields)


def test_certified_before_built_is_refused() -> None:
    with pytest.raises(ValueError, match="built_on"):
        _village(built_on=dt.date(2015, 5, 1), certified_on=dt.date(2015, 4, 1))


# --- the station's calendar ------------------------------------------------------------


def test_a_stations_closure_days_add_to_its_countys_calendar(centre) -> None:
    county = centre.calendar("370523")
    own = centre.stations.calendar("GR-DW-BL-01")
    assert county.is_working_day(VILLAGE_CLOSURE)  # a Tuesday
    assert not own.is_working_day(VILLAGE_CLOSURE)
    assert own.is_working_day(VILLAGE_CLOSURE + dt.timedelta(days=1))
    other = centre.stations.calendar("GR-DW-YZ-01")
    assert other.is_working_day(VILLAGE_CLOSURE)
    # A case of the station counts its working days on the station's calendar.
    case = make_case(region="370523", station_code="GR-DW-BL-01")
    assert not centre.case_calendar(case).is_working_day(VILLAGE_CLOSURE)
    elsewhere = make_case(region="370523", station_code="GR-DW-YZ-01")
    assert centre.case_calendar(elsewhere).is_working_day(VILLAGE_CLOSURE)
    plain = make_case(region="370523")
    assert centre.case_calendar(plain).is_working_day(VILLAGE_CLOSURE)
    start = dt.date(2015, 6, 22)
    assert (
        centre.case_calendar(case).working_days_between(start, dt.date(2015, 6, 26))
        == county.working_days_between(start, dt.date(2015, 6, 26)) - 1
    )
