"""The Dongying demo data set shipped in ``examples/dongying/`` is valid and hangs together."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from govservice import codec
from govservice.kinds import KINDS
from govservice.model import CaseState
from govservice.model.identifiers import is_masked_ric
from govservice.validation import reference_problems, validator_for

DEMO = Path(__file__).parents[1] / "examples" / "dongying"

FILES = {
    "items.json": "item",
    "cases.jsonl": "case",
    "stations.yaml": "station",
    "intermediaries.json": "intermediary",
    "blacklist.jsonl": "blacklist-entry",
}


def _load(name: str) -> list[Any]:
    text = (DEMO / name).read_text(encoding="utf-8")
    if name.endswith(".jsonl"):
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    if name.endswith(".yaml"):
        return yaml.load(text, Loader=yaml.SafeLoader)
    return json.loads(text)


def _records() -> list[Any]:
    return [
        pytest.param(FILES[name], record, id=f"{name}[{index}]")
        for name in FILES
        for index, record in enumerate(_load(name))
    ]


def _scalars(node: Any, path: str = "") -> list[tuple[str, Any]]:
    if isinstance(node, dict):
        return [pair for key, value in node.items() for pair in _scalars(value, f"{path}/{key}")]
    if isinstance(node, list):
        return [pair for i, value in enumerate(node) for pair in _scalars(value, f"{path}/{i}")]
    return [(path, node)]


ITEMS = _load("items.json")
CASES = _load("cases.jsonl")
STATIONS = _load("stations.yaml")
INTERMEDIARIES = _load("intermediaries.json")
BLACKLIST = _load("blacklist.jsonl")


def test_every_file_is_a_list_of_records() -> None:
    for name in FILES:
        records = _load(name)
        assert isinstance(records, list), name
        assert records, name
        assert all(isinstance(record, dict) for record in records), name


@pytest.mark.parametrize(("kind_name", "record"), _records())
def test_record_is_valid(kind_name: str, record: dict) -> None:
    kind = KINDS[kind_name]
    assert validator_for(kind).problems(record) == []
    assert reference_problems(kind, record) == []
    codec.from_document(kind.model, record)


def test_yaml_holds_text_not_dates() -> None:
    """Unquoted, YAML reads 2015-06-18 as a date and 370523 as a number: every one is quoted."""
    for station in STATIONS:
        odd = [(path, value) for path, value in _scalars(station) if not isinstance(value, str)]
        assert odd == [], station["code"]


def test_sizes() -> None:
    assert 8 <= len(ITEMS) <= 12
    assert 18 <= len(CASES) <= 25
    assert len(STATIONS) == 6
    assert len(INTERMEDIARIES) >= 3
    assert len(BLACKLIST) >= 5


def test_items_span_city_and_counties() -> None:
    regions = {item["region"] for item in ITEMS}
    assert "370500" in regions
    assert regions - {"370500"}, "county items too"
    assert len({item["code"] for item in ITEMS}) == len(ITEMS)


def test_cases_refer_to_items_and_stations() -> None:
    items = {item["code"]: item for item in ITEMS}
    stations = {station["code"] for station in STATIONS}
    for case in CASES:
        item = items.get(case["item_code"])
        assert item is not None, case["id"]
        assert case.get("item_version", 1) == item.get("version", 1), case["id"]
        assert case["region"] == item["region"], case["id"]
        assert case["department"] == item["department"], case["id"]
        if "station_code" in case:
            assert case["station_code"] in stations, case["id"]
    assert len({case["id"] for case in CASES}) == len(CASES)


def test_cases_cover_every_state() -> None:
    states = {case.get("state", "submitted") for case in CASES}
    assert states == {state.value for state in CaseState}
    assert any(case.get("green_channel") and case.get("full_agency") for case in CASES)
    assert any("evaluation" in case for case in CASES)


def test_cases_of_a_cancelled_item_are_not_accepted() -> None:
    cancelled = {item["code"] for item in ITEMS if item.get("status") == "cancelled"}
    assert cancelled
    for case in CASES:
        if case["item_code"] in cancelled:
            assert case.get("state") == "not_accepted", case["id"]


def test_station_hierarchy() -> None:
    by_code = {station["code"]: station for station in STATIONS}
    assert len(by_code) == len(STATIONS)
    levels = Counter(station["level"] for station in STATIONS)
    assert levels == {
        "city_centre": 1,
        "county_centre": 1,
        "township_centre": 1,
        "community_centre": 1,
        "village_station": 2,
    }
    order = ["city_centre", "county_centre", "township_centre", "community_centre"]
    for station in STATIONS:
        if station["level"] == "city_centre":
            assert "parent_code" not in station
            continue
        parent = by_code[station["parent_code"]]
        assert order.index(parent["level"]) < (
            order.index(station["level"]) if station["level"] in order else len(order)
        ), station["code"]
    guangrao = [s for s in STATIONS if s["level"] == "county_centre"]
    assert guangrao[0]["region"] == "370523"
    community = next(s for s in STATIONS if s["level"] == "community_centre")
    assert any("9001" in cert["name"] for cert in community["certifications"])
    for village in (s for s in STATIONS if s["level"] == "village_station"):
        assert "five-ones" in village["standards"], village["code"]


def test_blacklist_sources() -> None:
    kinds = Counter(entry["source"]["kind"] for entry in BLACKLIST)
    assert {"own", "court", "other_city"} <= set(kinds)
    other_regions = {
        e["source"]["region"] for e in BLACKLIST if e["source"]["kind"] == "other_city"
    }
    assert other_regions == {"371400", "371600", "370100"}  # Dezhou, Binzhou, Jinan
    court_people = [
        entry["subject"]
        for entry in BLACKLIST
        if entry["source"]["kind"] == "court" and entry["subject"]["kind"] == "person"
    ]
    assert court_people
    for subject in court_people:
        assert is_masked_ric(subject["identifier"]["number"]), subject["name"]


def test_intermediaries_physical_and_virtual() -> None:
    assert {i["presence"] for i in INTERMEDIARIES} == {"physical", "virtual"}
    assert any("fee_to" in service for i in INTERMEDIARIES for service in i.get("services", []))
