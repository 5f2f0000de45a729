"""The coverage report (应进必进, issue 13, S2) on every backend: the gaps and extras of
each station of the fixture, and the rates by township, county and in all, against
figures worked out by hand (see ``coverage_helpers``)."""

from __future__ import annotations

import datetime as dt
import html
from decimal import Decimal

import attrs
import pytest

from coverage_helpers import ITEM_NAMES, centre_on, install
from govservice.errors import GuidingCatalogError
from govservice.hookspecs import hookimpl
from govservice.stations.coverage_page import coverage_csv, coverage_html, coverage_text
from people_helpers import BACKENDS

END = dt.date(2015, 12, 31)  # version 2: village stations V1..V4
MID = dt.date(2015, 6, 30)  # version 1: village stations V1..V3

# By hand, on 2015-12-31: station → (required, gaps, extras). Village stations are asked
# V1..V4, in 广饶县 also G1; community centres C1..C4; township centres T1 T2.
BY_HAND = {
    "370500-ZWZX": (0, [], []),  # asked nothing: its X1 is no extra
    "370502-ZWZX": (0, [], []),
    "370522-ZWZX": (0, [], []),
    "370523-ZWZX": (0, [], []),
    "DY-NZ": (2, [], []),
    "DY-NZ-WY": (4, [], []),
    "DY-NZ-DC": (4, ["C3", "C4"], []),
    "DY-NZ-WY-01": (4, [], []),
    "DY-NZ-WY-02": (4, ["V3", "V4"], []),
    "DY-NZ-DC-01": (4, ["V4"], ["X1"]),
    "DY-NZ-DC-02": (4, ["V1", "V2", "V3", "V4"], []),
    "LJ-CZ": (2, ["T2"], []),
    "LJ-BS": (2, ["T1", "T2"], []),
    "LJ-CZ-CZ": (4, ["C4"], []),
    "LJ-BS-BS": (4, ["C1", "C2", "C3", "C4"], []),
    "LJ-CZ-CZ-01": (4, ["V2", "V4"], []),
    "LJ-CZ-CZ-02": (4, [], []),
    "LJ-BS-BS-01": (4, ["V1", "V3", "V4"], []),
    "GR-DW": (2, [], []),
    "GR-DW-BL": (4, [], ["X2"]),
    "GR-DW-YZ": (4, ["C2", "C3", "C4"], []),
    "GR-DW-BL-01": (5, [], []),
    "GR-DW-YZ-01": (5, ["G1", "V4"], []),
    "GR-DW-YZ-02": (5, ["V2", "V3", "V4"], ["X1"]),
}


def _codes(keys: list[str]) -> list[str]:
    return [f"BM-{key}" for key in keys]


@pytest.fixture(params=BACKENDS)
def centre(request, tmp_path):
    with centre_on(request.param, tmp_path) as service:
        install(service)
        yield service


def test_gaps_and_extras_of_every_station_equal_the_figures_by_hand(centre) -> None:
    report = centre.stations.coverage(on=END)
    found = {
        line.code: (
            line.required,
            [item.code for item in line.gaps],
            [item.code for item in line.extras],
        )
        for line in report.stations
    }
    assert found == {
        code: (required, _codes(gaps), _codes(extras))
        for code, (required, gaps, extras) in BY_HAND.items()
    }
    line = next(line for line in report.stations if line.code == "GR-DW-YZ-01")
    assert [item.name for item in line.gaps] == ["广饶县村级土地流转登记", "残疾人证申领代办"]
    assert line.covered == 3
    assert line.rate == Decimal("0.6000")


def test_rates_by_township_county_and_in_all(centre) -> None:
    report = centre.stations.coverage(on=END)
    townships = {
        r.code: (r.stations, r.required, r.covered, r.gaps, r.rate) for r in report.townships
    }
    # 牛庄镇: itself 2/2, 王营 4/4, 东岭 2/4, villages 4/4 2/4 3/4 0/4 → 17/26
    assert townships == {
        "DY-NZ": (7, 26, 17, 9, Decimal("0.6538")),
        "LJ-CZ": (4, 14, 10, 4, Decimal("0.7143")),
        "LJ-BS": (3, 10, 1, 9, Decimal("0.1000")),
        "GR-DW": (6, 25, 17, 8, Decimal("0.6800")),
    }
    counties = {r.code: (r.name, r.required, r.covered, r.full, r.rate) for r in report.counties}
    assert counties == {
        "370500": ("东营市", 0, 0, 0, None),
        "370502": ("东营区", 26, 17, 3, Decimal("0.6538")),
        "370522": ("利津县", 24, 11, 1, Decimal("0.4583")),
        "370523": ("广饶县", 25, 17, 3, Decimal("0.6800")),
    }
    total = report.total
    assert (total.stations, total.required, total.covered, total.gaps, total.extras) == (
        24,
        75,
        45,
        30,
        3,
    )
    assert total.rate == Decimal("0.6000")
    assert [v.label for v in report.versions] == ["东营市第2版（2015-07-01起施行）"] * 4


def test_the_version_in_force_on_the_day_decides(centre) -> None:
    report = centre.stations.coverage(on=MID)
    lines = {line.code: line for line in report.stations}
    # version 1 asks V1..V3: V4 offered is then outside the guiding catalog
    assert [i.code for i in lines["DY-NZ-WY-01"].extras] == ["BM-V4"]
    assert [i.code for i in lines["DY-NZ-WY-02"].gaps] == ["BM-V3"]
    assert lines["GR-DW-BL-01"].required == 4  # V1..V3 and 广饶县's G1
    assert report.total.required == 75 - 10  # ten village stations asked one item fewer


def test_a_region_limits_the_report_to_its_stations(centre) -> None:
    report = centre.stations.coverage(on=END, region="370522")
    assert {line.region for line in report.stations} == {"370522"}
    assert [r.code for r in report.counties] == ["370522"]
    assert (report.total.required, report.total.covered) == (24, 11)


def test_before_any_version_only_the_additions_are_asked(centre) -> None:
    report = centre.stations.coverage(on=dt.date(2014, 12, 31))
    asked = {line.code: line.required for line in report.stations if line.required}
    assert asked == {"GR-DW-BL-01": 1, "GR-DW-YZ-01": 1, "GR-DW-YZ-02": 1}
    assert report.versions[0].label == "未发布"


def test_a_plugins_additions_count_for_its_county_only(tmp_path) -> None:
    class Lijin:
        REGIONS = ("370522",)

        @hookimpl
        def govservice_guiding_items(self, region, level):
            return ["BM-X2"] if level == "community_centre" else None

    with centre_on("memory", tmp_path, plugins=[("lijin", Lijin())]) as service:
        install(service)
        report = service.stations.coverage(on=END)
    lines = {line.code: line for line in report.stations}
    assert [i.code for i in lines["LJ-CZ-CZ"].gaps] == ["BM-C4", "BM-X2"]
    assert lines["GR-DW-BL"].required == 4
    assert [i.code for i in lines["GR-DW-BL"].extras] == ["BM-X2"]


def test_an_addition_naming_no_stored_item_is_refused_by_name(tmp_path) -> None:
    additions = {"guiding_items": {"village_station": ["BM-NONE"]}}
    with centre_on("memory", tmp_path, stations=additions) as service:
        install(service)
        with pytest.raises(GuidingCatalogError, match="BM-NONE"):
            service.stations.coverage(on=END)


def test_csv_text_and_html_name_stations_and_items(centre) -> None:
    report = centre.stations.coverage(on=END)
    rows = coverage_csv(report).splitlines()
    assert rows[0].startswith("县区,乡镇(街道),站点编码,站点名称,层级,应进事项数")
    assert len(rows) == 1 + 24
    row = next(r for r in rows if "GR-DW-YZ-02" in r)
    assert row.startswith(
        "广饶县,广饶县大王镇便民服务中心,GR-DW-YZ-02,广饶县大王镇孙家村便民服务站"
    )
    assert "新型农村合作医疗参保登记；计划生育服务证明；残疾人证申领代办" in row
    assert row.endswith(",村级快递代收")
    text = coverage_text(report)
    assert "合计：24个站点，应进75项，已进45项，未进30项，进驻率60.0%" in text
    assert "\n利津县北宋镇便民服务中心       3    10     1     9       0   10.0%\n" in text
    assert "\n县区    站点数  应进  已进  未进  目录外  进驻率\n" in text
    page = coverage_html(report)
    assert page.startswith("<!DOCTYPE html>")
    assert 'lang="zh-CN"' in page
    assert "广饶县大王镇延集农村社区便民服务中心" in page
    assert ITEM_NAMES["BM-C3"] in page
    assert "BM-C3" not in page  # names, not codes


def test_html_escapes_names(tmp_path) -> None:
    with centre_on("memory", tmp_path) as service:
        install(service)
        report = service.stations.coverage(on=END)
    line = attrs.evolve(report.stations[5], name="<script>alert(1)</script>")
    page = coverage_html(attrs.evolve(report, stations=(line,)))
    assert "<script>" not in page
    assert html.escape("<script>alert(1)</script>") in page
