"""Subsidies by results (以奖代补, issue 13, part 4) on every backend, against the figures
computed by hand from tests/stations_fixture.py (its module docstring has the table)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import attrs
import pytest

from govservice.config import load_config
from govservice.errors import SubsidyAmountsError
from govservice.model import StationLevel
from govservice.samples import config_with
from govservice.service import GovService
from govservice.stations.subsidies import amounts_of
from people_helpers import BACKENDS, centre_on
from stations_fixture import config_settings, five_ones, install

C, V = StationLevel.COMMUNITY_CENTRE, StationLevel.VILLAGE_STATION


@pytest.fixture(params=BACKENDS)
def centre(request, tmp_path):
    with centre_on(request.param, tmp_path, stations=config_settings()) as service:
        install(service)
        yield service


def test_2015_totals_equal_the_figures_computed_by_hand(centre) -> None:
    report = centre.stations.subsidies(2015)
    # Community centres that first passed in 2015: 王营 (03-10), 陈庄 (05-20), 北柳 (04-01,
    # lapsing 09-30: paid once all the same), 延集 (08-15); 东岭 passed in 2014, 北宋 never.
    assert [line.station_code for line in report.lines if line.level is C] == [
        "DY-NZ-WY",
        "LJ-CZ-CZ",
        "GR-DW-BL",
        "GR-DW-YZ",
    ]
    # Village stations: 王营 01, 小张 02 (failed its flow chart, then passed: once),
    # 陈庄 01, 罗家 02 (passed, failed, passed: once), 北柳 01, 延集 01, 孙家 02 (12-31).
    assert [line.station_code for line in report.lines if line.level is V] == [
        "DY-NZ-WY-01",
        "DY-NZ-WY-02",
        "LJ-CZ-CZ-01",
        "LJ-CZ-CZ-02",
        "GR-DW-BL-01",
        "GR-DW-YZ-01",
        "GR-DW-YZ-02",
    ]
    assert report.total == Decimal("670000")
    assert isinstance(report.total, Decimal)
    levels = {(t.level, t.stations, t.amount) for t in report.by_level()}
    assert levels == {(C, 4, Decimal("600000")), (V, 7, Decimal("70000"))}
    counties = [(t.county_name, t.level, t.stations, t.amount) for t in report.by_county()]
    assert counties == [
        ("东营区", C, 1, Decimal("150000")),
        ("东营区", V, 2, Decimal("20000")),
        ("东营区", None, 3, Decimal("170000")),
        ("利津县", C, 1, Decimal("150000")),
        ("利津县", V, 2, Decimal("20000")),
        ("利津县", None, 3, Decimal("170000")),
        ("广饶县", C, 2, Decimal("300000")),
        ("广饶县", V, 3, Decimal("30000")),
        ("广饶县", None, 5, Decimal("330000")),
    ]
    assert report.county_total("370523") == Decimal("330000")
    assert report.county_total("370523", V) == Decimal("30000")
    wy02 = next(line for line in report.lines if line.station_code == "DY-NZ-WY-02")
    assert wy02.passed_on == dt.date(2015, 6, 15)
    assert wy02.parent_name == "东营区牛庄镇王营农村社区便民服务中心"
    assert wy02.standards == ("村级便民服务站“五个一”建设标准",)


def test_other_years_pay_the_stations_that_first_passed_then(centre) -> None:
    r2014 = centre.stations.subsidies(2014)
    assert [(line.station_code, line.amount) for line in r2014.lines] == [
        ("DY-NZ-DC", Decimal("150000")),
        ("DY-NZ-DC-01", Decimal("10000")),
    ]
    r2016 = centre.stations.subsidies(2016)  # 12,000 a village station that year
    assert [(line.station_code, line.amount) for line in r2016.lines] == [
        ("DY-NZ-DC-02", Decimal("12000"))
    ]
    assert r2016.total == Decimal("12000")


def test_the_award_is_earned_once(centre) -> None:
    # Passing again later (DY-NZ-DC-01 passed in 2014 and again in 2015) earns nothing more.
    centre.stations.evaluate(five_ones("DY-NZ-WY-01", dt.date(2016, 4, 1)))
    assert "DY-NZ-WY-01" not in {
        line.station_code for line in centre.stations.subsidies(2016).lines
    }
    every = [
        line.station_code
        for year in (2014, 2015, 2016)
        for line in centre.stations.subsidies(year).lines
    ]
    assert len(every) == len(set(every)) == 14


def test_the_csv_is_what_a_finance_office_pays_from(centre) -> None:
    text = centre.stations.subsidies(2015).to_csv()
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0] == [
        "序号",
        "年度",
        "县区",
        "上级站点",
        "站点编码",
        "站点名称",
        "站点层级",
        "统一社会信用代码",
        "达标日期",
        "达标标准",
        "奖补金额（元）",
    ]
    assert len(rows) == 1 + 11 + 1
    first = rows[1]
    assert first[:7] == [
        "1",
        "2015",
        "东营区",
        "东营区牛庄镇便民服务中心",
        "DY-NZ-WY",
        "东营区牛庄镇王营农村社区便民服务中心",
        "农村社区便民服务中心",
    ]
    assert first[8:] == [
        "2015-03-10",
        "农村社区便民服务中心 ISO 9001 质量管理体系认证",
        "150000.00",
    ]
    assert sum(Decimal(row[-1]) for row in rows[1:-1]) == Decimal("670000")
    assert rows[-1][0] == "合计"
    assert rows[-1][-1] == "670000.00"


def test_a_year_without_amounts_is_refused_naming_the_year(centre) -> None:
    with pytest.raises(SubsidyAmountsError) as raised:
        centre.stations.subsidies(2017)
    message = str(raised.value)
    assert "no subsidy amounts (以奖代补) are configured for 2017" in message
    assert "2014, 2015, 2016" in message
    assert raised.value.code == "GS955"


def test_a_year_given_twice_is_refused() -> None:
    twice = {"subsidies": [{"year": 2015, "village_station": 10000}] * 2}
    service = GovService(attrs.evolve(config_with(), stations=twice))
    with pytest.raises(SubsidyAmountsError, match="amounts of 2015 2 times"):
        service.stations.subsidies(2015)


def test_a_level_without_an_amount_earns_nothing() -> None:
    only_villages = {"subsidies": [{"year": 2015, "village_station": 10000}]}
    service = GovService(attrs.evolve(config_with(), stations=only_villages))
    install(service)
    report = service.stations.subsidies(2015)
    assert {line.level for line in report.lines} == {V}
    assert report.total == Decimal("70000")
    assert [t.level for t in report.by_level()] == [V]


def test_amounts_from_a_yaml_config(tmp_path) -> None:
    path = tmp_path / "govservice.yaml"
    path.write_text(
        'name: 东营市政务服务中心\nregion: "370500"\nstorage: {backend: memory}\n'
        "stations:\n  subsidies:\n"
        '    - {year: 2015, community_centre: 150000, village_station: "10000.00"}\n',
        encoding="utf-8",
    )
    config = load_config(path)
    assert amounts_of(config, 2015) == {C: Decimal("150000"), V: Decimal("10000.00")}
    with pytest.raises(SubsidyAmountsError, match="2016") as raised:
        amounts_of(config, 2016)
    assert str(raised.value).startswith(f"{path}:")


def test_a_config_with_a_wrong_level_is_refused(tmp_path) -> None:
    from govservice.errors import ConfigError

    path = tmp_path / "govservice.yaml"
    path.write_text(
        'name: 东营市政务服务中心\nregion: "370500"\n'
        "stations:\n  subsidies:\n    - {year: 2015, village: 10000}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="village"):
        load_config(path)
