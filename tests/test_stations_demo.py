"""The demo's year includes the stations (issue 13, part 8): the 2015 totals from a real
demo store (a small scale: the stations do not depend on it), and the report states them."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from rich.console import Console

from govservice.demo.grassroots import PERSON_TIMES
from govservice.demo.stations import LAPSED_ON, RENEWED_ON
from govservice.model import StationLevel as L
from govservice.report import print_report
from govservice.service import GovService


@pytest.fixture(scope="module")
def demo(small_year):
    service = GovService(small_year.config)
    yield small_year, service
    service.store.close()


def test_the_2015_network_is_41_centres_and_50_stations_under_them(demo) -> None:
    _, service = demo
    tree = service.stations.tree()
    assert tree.counts[L.COMMUNITY_CENTRE] == 41
    assert tree.counts[L.VILLAGE_STATION] == 50
    assert tree.counts[L.TOWNSHIP_CENTRE] == 39
    built = service.stations.new_in(2015).built_by_level()
    assert built[L.COMMUNITY_CENTRE] == 41
    assert built[L.VILLAGE_STATION] == 50
    levels = {s.code: s.level for s in service.stations.all()}
    for station in service.stations.all():
        if station.level is L.VILLAGE_STATION:
            assert levels[station.parent_code] is L.COMMUNITY_CENTRE
        if station.level is L.COMMUNITY_CENTRE:
            assert levels[station.parent_code] is L.TOWNSHIP_CENTRE
            assert station.certifications[0].number
            assert station.certifications[0].expires_on


def test_the_2015_subsidies_are_6150000_and_500000_yuan(demo) -> None:
    _, service = demo
    report = service.stations.subsidies(2015)
    totals = {t.level: (t.stations, t.amount) for t in report.by_level()}
    assert totals[L.COMMUNITY_CENTRE] == (41, Decimal("6150000"))
    assert totals[L.VILLAGE_STATION] == (50, Decimal("500000"))
    assert report.total == Decimal("6650000")


def test_a_few_fail_the_flow_chart_first_and_one_certificate_lapses(demo) -> None:
    _, service = demo
    failed_first = []
    for station in service.stations.all():
        if station.level is not L.VILLAGE_STATION:
            continue
        first = service.stations.evaluations(station.code)[0]
        if not first.result("flow-chart").passed:
            failed_first.append(station.code)
            assert [p.point for p in first.points if not p.passed] == ["flow-chart"]
            standing = service.stations.standing(station.code, first.on)
            assert standing.of("five-ones").failed == ("flow-chart",)
            assert service.stations.first_passed(station.code) > first.on
    assert 3 <= len(failed_first) <= 10
    lapsed = "DYQ-SHIKOU-SQ1"  # 东营区史口镇油郭社区
    assert service.stations.standing(lapsed, LAPSED_ON).passed
    assert not service.stations.standing(lapsed, LAPSED_ON + dt.timedelta(days=1)).passed
    assert service.stations.standing(lapsed, dt.date(2015, 12, 31)).passed
    assert dt.date(2015, 12, 31) > RENEWED_ON


def test_training_makes_280_person_times_and_the_coverage_has_gaps(demo) -> None:
    _, service = demo
    summary = service.stations.training.summary(2015)
    assert summary.person_times == PERSON_TIMES == 280
    assert summary.untrained  # some stations built late had none
    total = service.stations.coverage(on=dt.date(2015, 12, 31)).total
    assert 0 < total.covered < total.required
    assert total.full < total.stations


def test_the_staff_assessment_runs_each_quarter(demo) -> None:
    _, service = demo
    quarters = service.stations.assessment.year(2015)
    assert [q.quarter for q in quarters] == [1, 2, 3, 4]
    assert all(q.people and q.circular_text for q in quarters)


def test_the_report_states_the_totals(demo) -> None:
    result, _ = demo
    document = json.loads((result.folder / "report.json").read_text(encoding="utf-8"))
    grassroots = document["grassroots"]
    assert grassroots["built"] == {"community_centre": 41, "village_station": 50}
    levels = grassroots["subsidies"]["by_level"]
    assert levels["community_centre"] == {"stations": 41, "amount": "6150000"}
    assert levels["village_station"] == {"stations": 50, "amount": "500000"}
    assert grassroots["training"]["person_times"] == 280
    stream = io.StringIO()
    print_report(result.figures, Console(file=stream, width=1000))  # one line a section
    printed = stream.getvalue()
    line = next(line for line in printed.splitlines() if line.startswith("【基层便民服务】"))
    assert "新建农村社区便民服务中心41个、村级便民服务站50个" in line
    assert "农村社区便民服务中心41个奖补6,150,000元、村级便民服务站50个奖补500,000元" in line
    assert "280人次" in line
    page = Path(result.folder / "report.html").read_text(encoding="utf-8")
    assert "【基层便民服务】" in page
    assert "6,150,000元" in page
    assert 'id="chart-subsidies"' in page
