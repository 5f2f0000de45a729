"""The guiding catalog of convenience services (便民服务事项指导性目录, issue 13, S2) on
every backend: versions with numbers and days, the version in force on a day (the county's
own, else the city's), the county's additions, and what is refused with nothing stored."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from coverage_helpers import VERSIONS, centre_on, install
from govservice.errors import (
    GuidingCatalogError,
    GuidingVersionNotFoundError,
    InvalidRecordError,
)
from govservice.model import GuidingCatalogVersion, GuidingEntry, StationLevel
from govservice.stations.guiding import issuers_of, version_document, version_from_document
from people_helpers import BACKENDS

L = StationLevel


@pytest.fixture(params=BACKENDS)
def centre(request, tmp_path):
    with centre_on(request.param, tmp_path) as service:
        install(service)
        yield service


def _guangrao(number: int = 1, effective: dt.date = dt.date(2015, 10, 1), **changes):
    fields = {
        "region": "370523",
        "number": number,
        "effective": effective,
        "entries": [GuidingEntry(level="village_station", code="BM-X1")],
        "title": "广饶县便民服务事项指导性目录",
    }
    return GuidingCatalogVersion(**(fields | changes))


def test_versions_are_stored_and_read_back_whole(centre) -> None:
    guiding = centre.stations.guiding
    assert guiding.versions("370500") == list(VERSIONS)
    assert guiding.regions() == ["370500"]
    assert guiding.version("370500").number == 2
    assert guiding.version("370500", 1).decision_number == "东政办发〔2015〕1号"
    assert guiding.version("370500", 1).items_of(L.VILLAGE_STATION) == {"BM-V1", "BM-V2", "BM-V3"}


def test_the_version_in_force_follows_the_day(centre) -> None:
    guiding = centre.stations.guiding
    assert guiding.as_of("370522", dt.date(2015, 6, 30)).number == 1
    assert guiding.as_of("370522", dt.date(2015, 7, 1)).number == 2
    with pytest.raises(GuidingVersionNotFoundError, match="370522 on 2014-12-31"):
        guiding.as_of("370522", dt.date(2014, 12, 31))
    with pytest.raises(GuidingVersionNotFoundError, match="versions 1 to 2, not 3"):
        guiding.version("370500", 3)


def test_a_countys_own_version_comes_before_the_citys(centre) -> None:
    guiding = centre.stations.guiding
    guiding.add(_guangrao())
    assert guiding.as_of("370523", dt.date(2015, 9, 30)).region == "370500"
    assert guiding.as_of("370523", dt.date(2015, 10, 1)).region == "370523"
    assert guiding.as_of("370522", dt.date(2015, 10, 1)).region == "370500"
    # 广饶县's own version asks X1 of villages, and its config still adds G1
    assert guiding.required("370523", L.VILLAGE_STATION, dt.date(2015, 10, 1)) == {
        "BM-X1",
        "BM-G1",
    }


def test_the_configurations_additions_are_for_its_own_region(centre) -> None:
    guiding = centre.stations.guiding
    day = dt.date(2015, 12, 31)
    assert guiding.additions("370523", L.VILLAGE_STATION) == {"BM-G1"}
    assert guiding.additions("370522", L.VILLAGE_STATION) == frozenset()
    assert "BM-G1" not in guiding.required("370522", L.VILLAGE_STATION, day)
    assert len(guiding.required("370523", L.VILLAGE_STATION, day)) == 5


def test_adding_a_version_again_changes_nothing(centre) -> None:
    guiding = centre.stations.guiding
    assert guiding.add(VERSIONS[1]) == VERSIONS[1]
    assert len(guiding.versions("370500")) == 2


@pytest.mark.parametrize(
    ("version", "message"),
    [
        (attrs.evolve(VERSIONS[1], title="另一目录"), "stored already with other content"),
        (_guangrao(number=2), "the next is 1"),
        (
            _guangrao(entries=[GuidingEntry(level="village_station", code="BM-NONE-1")]),
            "items the store does not hold: BM-NONE-1",
        ),
    ],
)
def test_a_bad_version_is_refused_and_nothing_is_stored(centre, version, message) -> None:
    guiding = centre.stations.guiding
    with pytest.raises(GuidingCatalogError, match=message):
        guiding.add(version)
    assert guiding.versions("370500") == list(VERSIONS)
    assert guiding.versions("370523") == []


def test_a_version_dated_before_the_last_is_refused(centre) -> None:
    guiding = centre.stations.guiding
    guiding.add(_guangrao())
    with pytest.raises(GuidingCatalogError, match="before version 1"):
        guiding.add(_guangrao(number=2, effective=dt.date(2015, 9, 1)))
    assert [v.number for v in guiding.versions("370523")] == [1]


def test_a_document_without_a_number_is_the_next_version(centre) -> None:
    document = version_document(VERSIONS[1]) | {"effective": "2016-01-01"}
    del document["number"]
    stored = centre.stations.guiding.add_document(document)
    assert stored.number == 3
    assert centre.stations.guiding.versions("370500")[-1] == stored


def test_the_document_round_trips() -> None:
    for version in VERSIONS:
        assert version_from_document(version_document(version)) == version


def test_a_document_with_problems_lists_every_one() -> None:
    document = {
        "region": "370500",
        "effective": "2015-13-01",
        "levels": {"hamlet": ["BM-V1"], "village_station": ["BM-V1", "x"]},
        "color": "red",
    }
    with pytest.raises(InvalidRecordError) as raised:
        version_from_document(document, where="g.yaml:1")
    pointers = [pointer for pointer, _ in raised.value.problems]
    assert pointers == ["/color", "/effective", "/levels/hamlet", "/levels/village_station/1"]


def test_an_entry_given_twice_is_refused() -> None:
    entry = GuidingEntry(level="village_station", code="BM-V1")
    with pytest.raises(ValueError, match="BM-V1 is listed twice for village_station"):
        _guangrao(entries=[entry, entry])


def test_issuers_run_from_the_county_up() -> None:
    assert issuers_of("370523") == ["370523", "370500", "370000"]
    assert issuers_of("370500") == ["370500", "370000"]


def test_a_version_added_in_a_transaction_that_fails_is_not_stored(centre) -> None:
    store = centre.store

    def add_then_fail() -> None:
        with store.transaction():
            store.add_guiding_version(_guangrao())
            raise RuntimeError("the caller fails after adding")

    with pytest.raises(RuntimeError):
        add_then_fail()
    assert store.guiding_versions("370523") == []
    assert store.guiding_regions() == ["370500"]


def test_the_store_reads_every_station_with_its_items_and_item_names(centre) -> None:
    offers = {offer.code: offer for offer in centre.store.station_offers()}
    assert len(offers) == 24
    offer = offers["GR-DW-YZ-02"]
    assert (offer.name, offer.region, offer.level, offer.parent_code) == (
        "广饶县大王镇孙家村便民服务站",
        "370523",
        "village_station",
        "GR-DW-YZ",
    )
    assert offer.items == {"BM-V1", "BM-G1", "BM-X1"}
    assert offers["DY-NZ-DC-02"].items == frozenset()
    assert {o.code for o in centre.store.station_offers(["370522"])} == {
        "370522-ZWZX",
        "LJ-CZ",
        "LJ-BS",
        "LJ-CZ-CZ",
        "LJ-BS-BS",
        "LJ-CZ-CZ-01",
        "LJ-CZ-CZ-02",
        "LJ-BS-BS-01",
    }
    assert centre.store.item_names(["BM-V1", "BM-NONE-1"]) == {"BM-V1": "老年人优待证办理"}
