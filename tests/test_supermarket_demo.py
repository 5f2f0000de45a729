"""The demo's year includes the intermediary supermarket (issue 14, part 8): 17 agencies in
the hall and 267 online, the list of services with the six fee regimes, the key projects'
needs and their selections (draws anyone can re-run), engagements, four quarterly
assessments that suspend one agency, and the report's section. From a real demo store (a
small scale: the supermarket does not depend on it)."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections import Counter
from pathlib import Path

import pytest
from rich.console import Console

from govservice.cli import main
from govservice.demo import supermarket
from govservice.intermediaries.draw import verify
from govservice.model import AgencyGrade, FeeRegime, IntermediaryStatus, Presence
from govservice.report import print_report
from govservice.service import GovService
from govservice.store.base import every
from govservice.store.chained import changes

SUSPENDED_FROM = dt.date(2015, 7, 1)
SUSPENDED_UNTIL = dt.date(2015, 12, 31)


@pytest.fixture(scope="module")
def demo(small_year):
    service = GovService(small_year.config)
    yield small_year, service
    service.store.close()


@pytest.fixture(scope="module")
def poor(demo) -> str:
    _, service = demo
    found = [q.credit_code for q in list_of(service, "agency-quarter") if q.suspended_from]
    assert len(found) == 1  # one agency suspended in the year
    return found[0]


def test_17_agencies_in_the_hall_and_267_online(demo) -> None:
    _, service = demo
    agencies = list_of(service, "intermediary")
    presence = Counter(a.presence for a in agencies)
    assert presence == {Presence.PHYSICAL: 17, Presence.VIRTUAL: 267}
    assert len({a.credit_code for a in agencies}) == 284
    for agency in agencies:
        assert agency.history[0].status is IntermediaryStatus.ACTIVE
        assert agency.services  # each offers the services of its trade
        assert all(q.services for q in agency.qualifications)
        assert agency.contact is not None
        assert agency.contact.phone


def test_the_list_has_each_fee_regime_and_serves_the_catalog_both_ways(demo) -> None:
    _, service = demo
    services = list_of(service, "intermediary-service")
    assert len(services) == 16
    assert {s.fee.regime for s in services} == set(FeeRegime)
    statuses = {s.code: s.status_on(dt.date(2015, 12, 31)).value for s in services}
    assert statuses["ZJ-370500-001"] == "adjusted"
    assert statuses["ZJ-370500-013"] == "cancelled"
    assert statuses["ZJ-370500-009"] == "in_approval"
    market = service.intermediaries.services
    for listed in services:
        assert listed.items
        assert market.check(listed) == []  # every item it names is in the catalog
        for code in listed.items:
            assert listed.code in [s.code for s in market.for_item(code)]


def test_every_key_project_posts_needs_and_every_draw_re_runs(demo) -> None:
    _, service = demo
    needs = list_of(service, "need")
    selections = list_of(service, "selection")
    projects = {n.project_id for n in needs if n.project_id}
    assert projects == {f"XM2015-{n:03d}" for n in range(1, 25)}  # the 24 key projects
    assert len(selections) == len(needs)
    strategies = Counter(s.strategy for s in selections)
    assert set(strategies) == {"random-draw", "lowest-price", "best-score", "direct"}
    assert strategies["direct"] == 1
    for selection in selections:
        if selection.strategy == "direct":
            assert selection.reason
            assert selection.seed is None
        else:
            assert verify(selection).ok, selection.id
        assert selection.result in selection.candidates
        # every selection is an event in the trail
        assert [c.action for c in changes(service.store, "selection", selection.id)] == [
            "selected"
        ]
    direct = service.intermediaries.selections.direct()
    assert [s.strategy for s in direct] == ["direct"]


def test_two_failed_quarters_suspend_one_agency_until_the_year_ends(demo, poor) -> None:
    _, service = demo
    assessment = service.intermediaries.assessment
    grades = [assessment.quarter(poor, 2015, q) for q in (1, 2, 3, 4)]
    assert [g.grade for g in grades[:2]] == [AgencyGrade.FAIL, AgencyGrade.FAIL]
    assert grades[1].suspended_from == SUSPENDED_FROM
    assert grades[1].suspended_until == SUSPENDED_UNTIL
    agency = service.store.get("intermediary", poor).record
    assert agency.presence is Presence.PHYSICAL
    assert agency.status_on(dt.date(2015, 8, 3)) is IntermediaryStatus.SUSPENDED
    assert agency.status_on(dt.date(2016, 1, 1)) is IntermediaryStatus.ACTIVE
    actions = [c.action for c in changes(service.store, "intermediary", poor)]
    assert "suspended" in actions
    assert "reinstated" in actions
    assert actions.index("suspended") < actions.index("reinstated")
    # no other agency failed two quarters in a row
    failed = Counter(
        q.credit_code for q in list_of(service, "agency-quarter") if q.grade is AgencyGrade.FAIL
    )
    assert set(failed) == {poor}


def test_a_suspended_agency_is_never_drawn_and_is_excluded_with_its_reason(demo, poor) -> None:
    _, service = demo
    offered = service.store.get("intermediary", poor).record.services[0].service_code
    decided = supermarket.ASSESSED_ON[2]  # the second quarter's assessment
    assert decided.date() > SUSPENDED_FROM  # (it suspends from the day after the quarter)
    during = [
        s
        for s in list_of(service, "selection")
        if s.service_code == offered and decided <= s.at and s.on <= SUSPENDED_UNTIL
    ]
    assert during  # its service was still needed
    for selection in during:
        assert selection.result != poor
        assert poor not in selection.candidates
        assert poor in dict(selection.excluded)
    chosen = [s for s in list_of(service, "selection") if s.result == poor]
    assert chosen
    assert all(s.at < decided for s in chosen)


def test_an_agency_whose_qualification_lapsed_is_not_selected_after(demo) -> None:
    _, service = demo
    lapsed = [
        a
        for a in list_of(service, "intermediary")
        if any(q.expires_on == supermarket.LAPSED_ON for q in a.qualifications)
    ]
    assert len(lapsed) == 1
    code = lapsed[0].credit_code
    after = [s for s in list_of(service, "selection") if s.on > supermarket.LAPSED_ON]
    assert all(s.result != code for s in after)
    assert any(code in dict(s.excluded) for s in after)


def test_engagements_are_delivered_some_late_and_one_fee_breaks_its_range(demo) -> None:
    _, service = demo
    engagements = list_of(service, "engagement")
    assert len(engagements) == len(list_of(service, "selection"))
    late_days = service.intermediaries.engagements.late_days
    late = [e for e in engagements if late_days(e) > 0]
    assert 0 < len(late) < len(engagements) // 4
    assert all(e.delivered_on is not None and e.quality is not None for e in engagements)
    assert len([e for e in engagements if e.findings]) == 1
    assert any(c.upheld for e in engagements for c in e.complaints)


def test_the_report_has_a_supermarket_section(demo, poor) -> None:
    result, _ = demo
    document = json.loads((result.folder / "report.json").read_text(encoding="utf-8"))
    market = document["supermarket"]
    assert market["agencies"]["physical"] == 17
    assert market["agencies"]["online"] == 267
    assert market["agencies"]["suspended"] == 1
    assert set(market["selections"]["by_strategy"]) == {
        "random-draw",
        "lowest-price",
        "best-score",
        "direct",
    }
    assert [g["quarter"] for g in market["grades"]] == [1, 2, 3, 4]
    assert [g["fail"] for g in market["grades"]][:2] == [1, 1]
    (suspension,) = market["suspensions"]
    assert suspension["credit_code"] == poor
    assert suspension["from"] == "2015-07-01"
    assert suspension["until"] == "2015-12-31"
    assert suspension["reinstated_on"] == "2016-01-01"
    assert [q["quarter"] for q in suspension["failed_quarters"]] == [1, 2]
    stream = io.StringIO()
    print_report(result.figures, Console(file=stream, width=2000))  # one line a section
    line = next(line for line in stream.getvalue().splitlines() if line.startswith("【中介超市】"))
    assert "进驻中介机构284家（有形进驻17家、虚拟进驻267家）" in line
    assert "直接选取1次" in line
    assert "自2015年7月1日起暂停承接业务至2015年12月31日" in line
    page = Path(result.folder / "report.html").read_text(encoding="utf-8")
    assert "【中介超市】" in page
    assert suspension["name"] in page
    assert 'id="chart-agency-grades"' in page


def test_the_card_of_the_suspended_agency_from_the_demo_folder(demo, poor, tmp_path, capsys):
    result, _ = demo
    out = tmp_path / "card.html"
    arguments = ["--config", str(result.config), "intermediaries", "card", poor]
    assert main([*arguments, "--on", "2015-08-03", "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "暂停承接新业务至2015年12月31日" in page
    assert f"https://zwfw.dongying.gov.cn/zjcs/agency/{poor}" in page
    assert "<svg" in page
    reader = GovService(result.config)
    try:
        agency = reader.store.get("intermediary", poor).record
    finally:
        reader.store.close()
    for person in agency.practitioners:
        assert person.identity_number not in page
        assert person.identity_number[:10] + "****" + person.identity_number[14:] in page
    capsys.readouterr()


def test_the_demo_folder_has_the_cards_of_the_hall(demo) -> None:
    result, _ = demo
    page = (result.folder / "contact-cards.html").read_text(encoding="utf-8")
    assert page.count('<article class="card">') == 17  # every agency in the hall
    assert page.count("<svg") == 17
    assert "break-after: page" in page  # one printed page a card


def test_the_fee_list_and_the_guides_show_the_supermarket(demo) -> None:
    result, _ = demo
    fees = (result.folder / "fees.html").read_text(encoding="utf-8")
    assert "施工图设计文件审查" in fees
    assert "按鲁价费发〔2012〕53号规定收费" in fees  # a price document, cited
    assert "市场调节价，双方协商" in fees
    table = (result.folder / "fees.csv").read_text(encoding="utf-8-sig")
    assert "施工图设计文件审查（中介服务）" in table
    book = (result.folder / "guide-book.html").read_text(encoding="utf-8")
    assert "施工图设计文件审查" in book  # the guide of 建筑工程施工许可证核发 names it


def test_the_year_is_the_same_for_the_same_seed() -> None:
    """The data set does not depend on the seed; the witnesses' numbers do."""
    from govservice.demo.dataset import build_dataset

    items = build_dataset(7).items
    first = supermarket.agencies(supermarket.intermediary_services(items))
    again = supermarket.agencies(supermarket.intermediary_services(items))
    assert first == again
    assert supermarket.witnesses("XQ-2015-0001", 7) == supermarket.witnesses("XQ-2015-0001", 7)
    assert supermarket.witnesses("XQ-2015-0001", 7) != supermarket.witnesses("XQ-2015-0001", 8)


def test_the_demo_draws_more_needs_until_the_poor_agency_has_work(monkeypatch) -> None:
    """When no draw has chosen the poor agency by the check, more owners' needs for its
    service are drawn, half an hour apart in working hours, until one does."""
    from govservice.clock import SHANGHAI, FixedClock
    from govservice.config import Config
    from govservice.demo.dataset import build_dataset
    from govservice.store.simulation import make_simulation

    monkeypatch.setattr(supermarket, "CHECKED_ON", {2: dt.date(2015, 4, 2)})
    clock = FixedClock(dt.datetime(2015, 1, 1, 8, tzinfo=SHANGHAI))
    service = GovService(Config(name="东营市政务服务中心", region="370500"), clock=clock)
    make_simulation(service.store)
    dataset = build_dataset(7)
    dataset.load_into(service)
    summary = supermarket.load_supermarket(service, dataset, 7)
    chased = sorted(
        (s for s in list_of(service, "selection") if s.need_id.startswith("XQ-2015-B")),
        key=lambda s: s.at,
    )
    assert chased  # with seed 7, no draw had given it work due in Q2 by 2 April
    assert [s.result == summary.poor_agency for s in chased] == [False] * (len(chased) - 1) + [
        True
    ]
    for selection in chased:
        assert verify(selection).ok
        local = selection.at.astimezone(SHANGHAI)
        assert 9 <= local.hour < 17
        assert service.calendar("370500").is_working_day(local.date())
    assert summary.suspended == (summary.poor_agency,)


def list_of(service: GovService, kind: str) -> list:
    return list(every(service.store, kind))
