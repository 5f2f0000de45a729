"""The year report: figures counted from the store, the terminal report, report.json and
report.html.

A small year of the Dongying city centre is taken through the real workflow (in memory, on
SQLite and on PostgreSQL, under ``.ci/with-postgres``), every outcome chosen, and every expected figure below worked out by hand on
the official calendars: 2015's Spring Festival does not matter here, but New Year does
(1-3 January 2015 off, Sunday 4 January worked). Then an independent recount from the
stored events (actions by their own dates, deadlines compared here) must agree with the
report's headline figures.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import re
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal

import pytest
from rich.console import Console

from govservice import GovService
from govservice.audit import verify_store
from govservice.clock import SHANGHAI, FixedClock
from govservice.config import Config
from govservice.errors import FileAccessError, RoleError
from govservice.model import CaseState, Grade, SubmittedMaterial, TimeLimit
from govservice.report import print_report, write_report, year_figures
from govservice.report.figures import FORMAT, percent
from govservice.samples import (
    enterprise,
    make_case,
    make_centre,
    make_item,
    make_project,
    register_staff,
)
from govservice.store.simulation import make_simulation
from govservice.workflow import Actor, projects

D = dt.date
CENTRE = "东营市政务服务中心"
STATION = "DY-YOUGUO"
STATION_NAME = "东营区史口镇油郭社区便民服务中心"
DEPT_A = "东营市住房和城乡建设局"
DEPT_B = "东营市市场监督管理局"
DEPT_C = "东营市生态环境局"
CLERK = Actor("王敏", "window_clerk")
REVIEWER = Actor("李强", "reviewer")
APPROVER = Actor("赵静", "approver")
SUPERVISOR = Actor("周明", "supervisor")

ITEM_A = make_item(
    code="11370500004275432Y-XK-0101",
    name="建筑工程施工许可证核发",
    department=DEPT_A,
    promised_limit=TimeLimit(amount=5),
)
ITEM_B = make_item(
    code="11370500004275432Y-XK-0102",
    name="食品经营许可",
    department=DEPT_B,
    legal_limit=TimeLimit(amount=20),
    promised_limit=TimeLimit(amount=3),
)
ITEM_C = make_item(
    code="11370500004275432Y-XK-0103",
    name="建设项目环境影响报告表审批",
    department=DEPT_C,
    promised_limit=TimeLimit(amount=10),
)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def materials(item, *, leave_out: int = 0):
    return [SubmittedMaterial(name=m.name, originals=1) for m in item.materials[leave_out:]]


class Year:
    """Takes the cases of the test year through the workflow."""

    def __init__(self, service: GovService) -> None:
        self.service = service
        self.workflow = service.workflow
        self.number = 0

    def apply(self, item, day, *, leave_out=0, applicant=None, **changes):
        self.number += 1
        applicant = applicant or enterprise(500 + self.number)
        case = make_case(
            item,
            id=f"DY2015-{self.number:08d}",
            applicant=applicant,
            materials=materials(item, leave_out=leave_out),
            received_at=at(day, 9),
            **changes,
        )
        actor = Actor(applicant.name, "applicant", id=applicant.identifier.number)
        return self.workflow.apply(case, actor, at=at(day, 9)), actor

    def through(self, stored, accepted, completed, *, reviewed=None, decided=None):
        w = self.workflow
        stored = w.accept(stored, CLERK, at=at(accepted))
        stored = w.review(stored, REVIEWER, at=at(reviewed or accepted, 11))
        stored = w.decide(stored, APPROVER, "grant", at=at(decided or completed, 14))
        return w.complete(stored, CLERK, at=at(completed, 16))

    def evaluate(self, stored, actor, grade, day):
        return self.workflow.evaluate(stored, actor, grade, at=at(day, 15))


def build_year(service: GovService) -> None:
    """The year, case by case (each line says what it tests)."""
    year = Year(service)
    w = year.workflow
    # Late in 2014: received and accepted Mon 29 Dec, 3 working days promised: Tue 30,
    # Wed 31, Sun 4 Jan (worked); completed Mon 5 Jan 2015: late, counted in 2015 only
    # as a completion (4 working days used: 30, 31 Dec, 4, 5 Jan).
    b3, _ = year.apply(ITEM_B, D(2014, 12, 29))
    year.through(b3, D(2014, 12, 29), D(2015, 1, 5), decided=D(2015, 1, 5))
    with w.batch():
        # A1: accepted Mon 2 Mar (due Mon 9 Mar), completed Wed 4 Mar: 2 days, on time;
        # rated 非常不满意 on Thu 5 Mar, rectified and closed on Tue 10 Mar (due 26 Mar).
        a1, a1_actor = year.apply(ITEM_A, D(2015, 3, 2))
        a1 = year.through(a1, D(2015, 3, 2), D(2015, 3, 4))
        a1 = year.evaluate(a1, a1_actor, "very_dissatisfied", D(2015, 3, 5))
        w.follow_up(a1, SUPERVISOR, "约谈窗口负责人，整改到位", close=True, at=at(D(2015, 3, 10)))
        # A2: accepted Mon 2 Mar (due Mon 9 Mar), completed Tue 10 Mar: 6 days, late.
        a2, _ = year.apply(ITEM_A, D(2015, 3, 2))
        year.through(a2, D(2015, 3, 2), D(2015, 3, 10))
        # A3: one material missing: a notice before acceptance (Tue 3 Mar), the supplement
        # on Wed 4 Mar, accepted that day (due Wed 11 Mar); expert review from Thu 5 to
        # Tue 10 Mar (Fri 6, Mon 9, Tue 10: 3 days not counted, due Mon 16 Mar); completed
        # Fri 13 Mar: 7 - 3 = 4 days, on time. Rated 满意.
        a3, a3_actor = year.apply(ITEM_A, D(2015, 3, 3), leave_out=1)
        a3 = w.request_supplement(a3, CLERK, at=at(D(2015, 3, 3), 11))
        a3 = w.supplement(a3, a3_actor, materials(ITEM_A)[:1], at=at(D(2015, 3, 4), 9))
        a3 = w.accept(a3, CLERK, at=at(D(2015, 3, 4)))
        a3 = w.review(a3, REVIEWER, at=at(D(2015, 3, 4), 11))
        a3 = w.suspend(a3, REVIEWER, "expert_review", "组织专家评审", at=at(D(2015, 3, 5)))
        a3 = w.resume(a3, REVIEWER, at=at(D(2015, 3, 10)))
        a3 = w.decide(a3, APPROVER, "grant", at=at(D(2015, 3, 13), 14))
        a3 = w.complete(a3, CLERK, at=at(D(2015, 3, 13), 16))
        year.evaluate(a3, a3_actor, "satisfied", D(2015, 3, 16))
        # A4: not accepted (不予受理) on Mon 2 Mar.
        a4, _ = year.apply(ITEM_A, D(2015, 3, 2))
        w.refuse(a4, CLERK, "不属于本机关职权范围", at=at(D(2015, 3, 2), 11))
        # A5: accepted, then withdrawn by the applicant on Tue 3 Mar.
        a5, a5_actor = year.apply(ITEM_A, D(2015, 3, 2))
        a5 = w.accept(a5, CLERK, at=at(D(2015, 3, 2)))
        w.withdraw(a5, a5_actor, reason="项目暂缓", at=at(D(2015, 3, 3)))
        # A6: accepted Tue 1 Dec (due Tue 8 Dec), still in review at the year's end: red.
        a6, _ = year.apply(ITEM_A, D(2015, 12, 1))
        a6 = w.accept(a6, CLERK, at=at(D(2015, 12, 1)))
        w.review(a6, REVIEWER, at=at(D(2015, 12, 1), 11))
    with w.batch():
        # B1: accepted Mon 2 Mar, completed Tue 3 Mar: 1 day, on time; rated 不满意 on
        # Wed 4 Mar, followed up once, never closed: due Wed 25 Mar, overdue at year's end.
        b1, b1_actor = year.apply(ITEM_B, D(2015, 3, 2))
        b1 = year.through(b1, D(2015, 3, 2), D(2015, 3, 3))
        b1 = year.evaluate(b1, b1_actor, "dissatisfied", D(2015, 3, 4))
        w.follow_up(b1, SUPERVISOR, "电话回访申请人", at=at(D(2015, 3, 6)))
    # B2: a key project's case at the Yougu community centre, on the green channel: a
    # notice in review (Tue 3 Mar), the supplement on Thu 5 Mar restarts the clock (due
    # Tue 10 Mar); completed Mon 9 Mar: 2 days, on time. One joint consultation. Rated
    # 非常满意.
    project = make_project(id="XM2015-001", name="东营港经济开发区化工物流仓储项目")
    projects.open_project(w, project)
    b2, b2_actor = year.apply(
        ITEM_B, D(2015, 3, 2), applicant=project.owner, project_id=project.id, station_code=STATION
    )
    b2 = w.accept(b2, CLERK, at=at(D(2015, 3, 2)))
    b2 = w.review(b2, REVIEWER, at=at(D(2015, 3, 2), 11))
    b2 = w.request_supplement(b2, REVIEWER, ["消防设计审查意见书"], at=at(D(2015, 3, 3)))
    projects.consult(
        w,
        project.id,
        APPROVER,
        departments=[DEPT_A, DEPT_B],
        conclusions="同意并联审批",
        at=at(D(2015, 3, 4)),
    )
    b2 = w.case(b2.record.id)
    b2 = w.supplement(
        b2,
        b2_actor,
        [SubmittedMaterial(name="消防设计审查意见书", originals=1)],
        at=at(D(2015, 3, 5)),
    )
    b2 = w.decide(b2, APPROVER, "grant", at=at(D(2015, 3, 9), 14))
    b2 = w.complete(b2, CLERK, at=at(D(2015, 3, 9), 16))
    year.evaluate(b2, b2_actor, "very_satisfied", D(2015, 3, 10))
    with w.batch():
        # C1: accepted Mon 2 Mar (due Mon 16 Mar), the legal limit extended on Wed 4 Mar,
        # completed Fri 6 Mar: 4 days, on time. Rated 基本满意.
        c1, c1_actor = year.apply(ITEM_C, D(2015, 3, 2))
        c1 = w.accept(c1, CLERK, at=at(D(2015, 3, 2)))
        c1 = w.review(c1, REVIEWER, at=at(D(2015, 3, 2), 11))
        c1 = w.extend(c1, APPROVER, "需现场核查", at=at(D(2015, 3, 4)))
        c1 = w.decide(c1, APPROVER, "grant", at=at(D(2015, 3, 6), 14))
        c1 = w.complete(c1, CLERK, at=at(D(2015, 3, 6), 16))
        year.evaluate(c1, c1_actor, "basically_satisfied", D(2015, 3, 9))
        # C2: accepted Tue 10 Nov, a hearing from Thu 12 Nov still going at the year's end.
        c2, _ = year.apply(ITEM_C, D(2015, 11, 10))
        c2 = w.accept(c2, CLERK, at=at(D(2015, 11, 10)))
        c2 = w.review(c2, REVIEWER, at=at(D(2015, 11, 10), 11))
        w.suspend(c2, REVIEWER, "hearing", "组织听证", expected_days=20, at=at(D(2015, 11, 12)))
        # C3: received Mon 2 Mar and never answered: overdue for acceptance.
        c3, _ = year.apply(ITEM_C, D(2015, 3, 2))
    # A refused attempt changes nothing: a reviewer may not accept (recorded, not counted).
    with pytest.raises(RoleError):
        w.accept(c3.record.id, REVIEWER, at=at(D(2015, 3, 3)))


def make_service(backend: str, settings: dict) -> GovService:
    config = Config(
        name=CENTRE, region="370500", storage_backend=backend, storage_settings=settings
    )
    service = GovService(config, clock=FixedClock(at(D(2016, 1, 4))), strict=True)
    make_simulation(service.store)
    register_staff(service.store, ["370500"])
    service.store.add(
        make_centre(
            "370500",
            code=STATION,
            name=STATION_NAME,
            level="community_centre",
            parent_code="370500-ZWZX",
        )
    )
    for item in (ITEM_A, ITEM_B, ITEM_C):
        service.store.add_item(item)
    return service


@contextlib.contextmanager
def storage(backend: str, folder) -> Iterator[dict]:
    """The storage settings of ``backend`` for one test module's year."""
    if backend == "memory":
        yield {}
    elif backend == "sqlite":
        yield {"path": str(folder / "year.db")}
    else:
        testing = pytest.importorskip("govservice_postgres.testing")
        dsn = testing.postgres_dsn_or_skip()
        with testing.fresh_schema(dsn) as schema:
            yield {"conninfo": dsn, "schema": schema}


@pytest.fixture(params=["memory", "sqlite", "postgresql"], scope="module")
def year_service(request, tmp_path_factory):
    with storage(request.param, tmp_path_factory.mktemp(request.param)) as settings:
        service = make_service(request.param, settings)
        build_year(service)
        yield service
        service.store.close()


@pytest.fixture(scope="module")
def figures(year_service):
    return year_figures(year_service, 2015)


# --- the figures, as worked out by hand ------------------------------------------------------


def test_headline_figures(figures):
    assert figures.centre == CENTRE
    assert figures.as_of == D(2015, 12, 31)  # the clock is in 2016: the year is over
    assert figures.applications == 11  # the 2014 case is not the year's application
    assert figures.accepted == 9
    assert figures.completed == 7  # the 2014 case completed on 5 January counts
    assert figures.on_time == 5
    assert figures.late == 2
    assert figures.on_time_rate == Decimal("71.4")
    assert figures.refused == 1
    assert figures.withdrawn == 1
    assert figures.in_progress == 3  # A6 in review, C2 suspended, C3 unanswered
    assert figures.extensions == 1
    assert figures.overdue_open == 1  # A6 (C2 is paused)
    assert figures.overdue == 3
    # 2 + 6 + 4 (A), 1 + 2 + 4 (B), 4 (C) = 23 days over 7; promised 15 + 9 + 10 = 34.
    assert figures.average_days == Decimal("3.3")
    assert figures.average_promised_days == Decimal("4.9")


def test_months(figures):
    months = {m.month: (m.applications, m.accepted, m.completed) for m in figures.by_month}
    assert len(months) == 12
    assert months[1] == (0, 0, 1)
    assert months[3] == (9, 7, 6)
    assert months[11] == (1, 1, 0)
    assert months[12] == (1, 1, 0)
    assert months[2] == (0, 0, 0)


def test_departments(figures):
    rows = {row.name: row for row in figures.by_department}
    assert [row.name for row in figures.by_department] == [DEPT_A, DEPT_B, DEPT_C]
    a, b, c = rows[DEPT_A], rows[DEPT_B], rows[DEPT_C]
    assert (a.accepted, a.completed, a.on_time, a.late, a.overdue_open) == (5, 3, 2, 1, 1)
    assert (a.on_time_rate, a.overdue, a.average_days) == (Decimal("66.7"), 2, Decimal("4.0"))
    assert a.average_promised_days == Decimal("5.0")
    assert (b.accepted, b.completed, b.on_time, b.overdue) == (2, 3, 2, 1)
    assert (b.average_days, b.average_promised_days) == (Decimal("2.3"), Decimal("3.0"))
    assert (c.accepted, c.completed, c.on_time, c.overdue, c.on_time_rate) == (
        2,
        1,
        1,
        0,
        Decimal("100.0"),
    )


def test_stations_by_name(figures):
    rows = {row.code: row for row in figures.by_station}
    assert set(rows) == {"370500-ZWZX", STATION}
    assert rows[STATION].name == STATION_NAME
    assert (rows[STATION].accepted, rows[STATION].completed, rows[STATION].on_time) == (1, 1, 1)
    centre = rows["370500-ZWZX"]
    assert centre.name == CENTRE
    assert (centre.accepted, centre.completed, centre.on_time, centre.overdue_open) == (8, 6, 4, 1)


def test_supplements_procedures_and_green_channel(figures):
    assert (figures.supplements.before_acceptance, figures.supplements.in_review) == (1, 1)
    assert (figures.supplements.notices, figures.supplements.cases) == (2, 2)
    procedures = figures.special_procedures
    assert (procedures.count, procedures.cases, procedures.excluded_days, procedures.open) == (
        2,
        2,
        3,
        1,
    )
    assert {p.label: p.count for p in procedures.by_procedure} == {"专家评审": 1, "听证": 1}
    green = figures.green_channel
    assert (green.cases, green.completed, green.on_time, green.key_projects) == (1, 1, 1, 1)
    assert green.consultations == 1
    assert [(p.name, p.handler, p.cases, p.completed) for p in green.projects] == [
        ("东营港经济开发区化工物流仓储项目", "刘洋", 1, 1)
    ]
    assert green.full_agency_cases == 0


def test_evaluations_and_rectifications(figures):
    rated = figures.evaluations
    assert [g.count for g in rated.by_grade] == [1, 1, 1, 1, 1]
    assert [g.label for g in rated.by_grade] == [g.label for g in Grade]
    assert (rated.evaluated, rated.bad, rated.satisfaction_rate) == (5, 2, Decimal("60.0"))
    assert (rated.rectifications_opened, rated.rectifications_closed) == (2, 1)
    assert (rated.closed_on_time, rated.rectifications_open) == (1, 1)
    assert rated.rectifications_overdue == 1
    assert rated.follow_ups == 2


def test_supervision_and_trail(figures, year_service):
    assert figures.supervision.red == 1
    assert figures.supervision.yellow == 0
    assert figures.supervision.acceptance_overdue == 1
    audit = verify_store(year_service.store)
    assert figures.trail.ok
    assert figures.trail.simulation
    assert (figures.trail.links, figures.trail.head_seq) == (audit.checked, audit.head_seq)
    assert figures.trail.cases == 12
    assert figures.trail.head_hash == audit.head_hash


def test_a_day_within_the_year_sees_open_cases_then(year_service):
    """On Wed 4 March, A2 is not overdue yet (due 9 March); C3, received on Monday, is not
    overdue for acceptance (5 working days: due Mon 9 March)."""
    early = year_figures(year_service, 2015, as_of=D(2015, 3, 4))
    assert early.as_of == D(2015, 3, 4)
    assert early.supervision.acceptance_overdue == 0
    assert early.supervision.red == 0


def test_a_year_without_cases_is_empty(year_service, tmp_path):
    empty = year_figures(year_service, 2013)
    assert (empty.applications, empty.accepted, empty.completed) == (0, 0, 0)
    assert empty.on_time_rate is None
    assert empty.by_department == ()
    assert empty.by_station == ()
    assert empty.evaluations.evaluated == 0
    out = io.StringIO()
    print_report(empty, Console(file=out, width=120, color_system=None))
    text = out.getvalue()
    assert text.count("（无）") >= 4  # departments, stations, projects, evaluations
    assert CENTRE in text
    assert "特别程序0次，" in text
    assert "（（" not in text
    write_report(year_service, 2013, tmp_path, figures=empty)
    page = (tmp_path / "report.html").read_text("utf-8")
    assert page.count('<p class="none">（无）</p>') == 4
    assert page.count("<svg") == 2  # by month and the funnel, all zeros
    assert (
        json.loads((tmp_path / "report.json").read_text("utf-8"))["totals"]["on_time_rate"] is None
    )


# --- an independent recount from the stored events -------------------------------------------


def recount(service, year: int, last_day: dt.date) -> dict:
    """Headline figures counted from scratch: each stored case's events by action and date
    (refused attempts skipped), deadlines compared here."""
    running = {"accepted", "in_review", "granted", "denied"}
    counts = Counter()
    departments: dict[str, Counter] = {}
    grades = Counter()
    labels = {grade.label: grade.value for grade in Grade}
    after = None
    while True:
        page = service.store.list("case", limit=3, after=after)  # small pages: paging too
        for stored in page.records:
            case = stored.record
            dept = departments.setdefault(case.department, Counter())
            state = None
            for event in case.events:
                if event.refusal is not None:
                    continue
                state = event.to_state
                day = event.at.astimezone(SHANGHAI).date()
                if day.year != year:
                    continue
                counts[event.action] += 1
                if event.action == "accept":
                    dept["accepted"] += 1
                if event.action == "complete":
                    dept["completed"] += 1
                    if case.promised_due is None or day <= case.promised_due:
                        dept["on_time"] += 1
                if event.action == "evaluate":
                    grades[labels[event.note]] += 1
            if state.value in running and case.promised_due < last_day:
                dept["overdue_open"] += 1
        if page.next_after is None:
            break
        after = page.next_after
    return {"counts": counts, "departments": departments, "grades": grades}


def test_an_independent_recount_agrees(year_service, figures):
    counted = recount(year_service, 2015, D(2015, 12, 31))
    actions, departments = counted["counts"], counted["departments"]
    assert figures.applications == actions["apply"]
    assert figures.accepted == actions["accept"]
    assert figures.completed == actions["complete"]
    assert figures.refused == actions["refuse"]
    assert figures.withdrawn == actions["withdraw"]
    assert figures.on_time == sum(d["on_time"] for d in departments.values())
    assert figures.overdue_open == sum(d["overdue_open"] for d in departments.values())
    for row in figures.by_department:
        mine = departments[row.name]
        assert (row.accepted, row.completed, row.on_time, row.overdue_open) == (
            mine["accepted"],
            mine["completed"],
            mine["on_time"],
            mine["overdue_open"],
        )
        assert row.on_time_rate == percent(mine["on_time"], mine["completed"])
    assert {g.grade: g.count for g in figures.evaluations.by_grade} == {
        grade.value: counted["grades"][grade.value] for grade in Grade
    }


# --- the terminal report ------------------------------------------------------------------------


def test_the_terminal_report(figures):
    out = io.StringIO()
    print_report(figures, Console(file=out, width=140, color_system=None))
    text = out.getvalue()
    assert f"{CENTRE}2015年度政务服务工作报告" in text
    assert "共受理各类行政审批及便民服务事项9件、办结7件" in text
    assert "按期办结率71.4%" in text
    for name in (DEPT_A, DEPT_B, DEPT_C, STATION_NAME, "东营港经济开发区化工物流仓储项目"):
        assert name in text
    assert "370500-ZWZX" not in text
    assert STATION not in text
    assert "一次性告知补正2次（受理前1次、审查中1次，涉及2件）" in text
    assert "专家评审1次、听证1次" in text
    assert "非常满意1件" in text
    assert "满意率60.0%" in text
    assert "链条完整" in text
    assert f"校验留痕{figures.trail.links}条" in text
    assert "不予受理1件，申请人撤回1件" in text
    assert "（无）" not in text  # every section has something this year


def test_a_broken_trail_is_said(figures):
    import attrs

    broken = attrs.evolve(
        figures, trail=attrs.evolve(figures.trail, ok=False, problem="#7: the event was changed")
    )
    out = io.StringIO()
    print_report(broken, Console(file=out, width=140, color_system=None))
    assert "链条断裂" in out.getvalue()
    assert "#7" in out.getvalue()
    assert "链条完整" not in out.getvalue()


# --- report.json and report.html ------------------------------------------------------------


def test_write_report(year_service, figures, tmp_path):
    written = write_report(year_service, 2015, tmp_path / "out")
    assert written == figures
    document = json.loads((tmp_path / "out" / "report.json").read_text("utf-8"))
    assert document["format"] == FORMAT
    assert document["version"] == 1
    assert document["centre"] == CENTRE
    assert document["year"] == 2015
    assert document["totals"]["accepted"] == 9
    assert document["totals"]["on_time_rate"] == "71.4"
    assert document["totals"]["average_days"] == "3.3"
    assert document == json.loads(json.dumps(figures.as_dict(), ensure_ascii=False))
    assert [d["name"] for d in document["by_department"]] == [DEPT_A, DEPT_B, DEPT_C]
    assert document["by_department"][0]["on_time_rate"] == "66.7"
    assert document["evaluations"]["by_grade"] == {grade.value: 1 for grade in Grade}
    assert document["trail"]["ok"] is True
    page = (tmp_path / "out" / "report.html").read_text("utf-8")
    assert f"<title>{CENTRE}2015年度政务服务工作报告</title>" in page
    # One file that opens offline: nothing fetched, no script, no address at all.
    assert not re.search(r"https?://", page)
    assert not re.search(r"<script|<link|<img|<iframe|@import|url\(", page, re.IGNORECASE)
    assert not re.search(r"""(?:src|href)\s*=""", page, re.IGNORECASE)
    # The five charts, inline, with their Chinese labels.
    assert page.count("<svg") == 5
    for chart in ("chart-months", "chart-on-time", "chart-funnel", "chart-time", "chart-grades"):
        assert f'id="{chart}"' in page
    for label in ("各月办件量", "按期办结率", "3月", "申请", "受理", "办结", "非常满意", DEPT_A):
        assert label in page
    assert "Noto Sans CJK SC" in page
    # The same figures make the same page (no date, no random id in it).
    again = tmp_path / "again"
    write_report(year_service, 2015, again, figures=figures)
    assert (again / "report.html").read_text("utf-8") == page


def test_names_are_escaped_in_the_page(figures, tmp_path):
    import attrs

    hostile = attrs.evolve(
        figures,
        by_department=(
            attrs.evolve(figures.by_department[0], name='<script>alert("x")</script>'),
        ),
    )
    write_report(None, 2015, tmp_path, figures=hostile)
    page = (tmp_path / "report.html").read_text("utf-8")
    assert "<script" not in page
    assert "&lt;script&gt;" in page


def test_an_unwritable_folder_is_one_error(figures, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", "utf-8")
    with pytest.raises(FileAccessError, match="cannot make the report's folder") as error:
        write_report(None, 2015, blocker / "out", figures=figures)
    assert error.value.code == "GS106"
    (tmp_path / "folder" / "report.html").mkdir(parents=True)  # a folder where a file goes
    with pytest.raises(FileAccessError, match="cannot write the report"):
        write_report(None, 2015, tmp_path / "folder", figures=figures)
    assert not [p for p in (tmp_path / "folder").iterdir() if p.name.endswith(".partial")]


def test_states_of_the_year_are_what_the_store_holds(year_service):
    """The scenario itself: guards against a workflow change making the hand counts wrong."""
    states = Counter(
        stored.record.state for stored in year_service.store.list("case", limit=100).records
    )
    assert states == {
        CaseState.COMPLETED: 7,
        CaseState.NOT_ACCEPTED: 1,
        CaseState.WITHDRAWN: 1,
        CaseState.IN_REVIEW: 1,
        CaseState.SUSPENDED: 1,
        CaseState.SUBMITTED: 1,
    }


def test_report_lines_break_after_punctuation_never_inside_a_figure() -> None:
    from rich.cells import cell_len

    from govservice.report.terminal import wrapped

    text = "【概况】2015年，" + "共受理各类事项16542件、办结15961件，" * 6 + "按期办结率94.0%。"
    lines = wrapped(text, 40)
    assert "".join(lines) == text
    assert len(lines) > 3
    assert all(cell_len(line) <= 40 for line in lines)
    assert all(line[-1] in "，。；、：）" for line in lines[:-1])
    assert all(line[0] not in "，。；、：）" for line in lines)
    assert wrapped("一二三四（五六七八）；九十", 10) == ["一二三四（五六七八）；", "九十"]


def test_a_narrow_terminal_cuts_no_figure(figures) -> None:
    import io

    from rich.console import Console

    from govservice.report import print_report

    shown = io.StringIO()
    print_report(figures, Console(file=shown, width=40, color_system=None))
    text = shown.getvalue()
    assert "…" not in text
    rows = {line.split()[0]: line.split()[1:] for line in text.splitlines() if line.strip()}
    for group in figures.own_departments:
        assert rows[group.name][:2] == [str(group.accepted), str(group.completed)]
    joined = text.replace("\n", "")
    assert f"{figures.accepted}件" in joined
    assert f"{figures.completed}件" in joined
