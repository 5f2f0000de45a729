"""Electronic supervision (电子监察): lights, the report, and the indexed queries behind it.

Every date is worked out by hand on the official 2015 calendar: Spring Festival off 18-24
February, with Sunday 15 and Saturday 28 February worked (调休).
"""

from __future__ import annotations

import datetime as dt
import json

import attrs
import pytest

from govservice.clock import SHANGHAI, FixedClock
from govservice.config import load_config
from govservice.model import (
    CaseState,
    Evaluation,
    FollowUp,
    Rectification,
    SubmittedMaterial,
)
from govservice.samples import (
    START,
    config_with,
    make_case,
    make_item,
    make_station,
    register_staff,
)
from govservice.service import GovService
from govservice.store.base import DueCount
from govservice.store.memory import MemoryStore
from govservice.store.simulation import make_simulation
from govservice.store.sqlite import SqliteStore
from govservice.workflow import Actor, supervision
from govservice.workflow.supervision import Light, light, yellow_until

D = dt.date

DEPT_A = "东营市住房和城乡建设局"
DEPT_B = "东营市生态环境局"
DEPT_C = "东营市市场监督管理局"
DONGYING_DISTRICT, HEKOU, KENLI = "370502", "370503", "370505"

FRIDAY = D(2015, 3, 6)
"""The day of the hand-built report."""


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture(scope="module")
def calendar():
    return GovService(config_with()).calendar("370500")


@pytest.fixture(params=["memory", "sqlite"])
def store(request, tmp_path):
    store = MemoryStore() if request.param == "memory" else SqliteStore(tmp_path / "gs.db")
    yield store
    store.close()


@pytest.fixture(params=["memory", "sqlite"])
def service(request, tmp_path):
    settings = {"path": str(tmp_path / "gs.db")} if request.param == "sqlite" else {}
    config = config_with(storage_backend=request.param, storage_settings=settings)
    service = GovService(config, clock=FixedClock(START), strict=True)
    make_simulation(service.store)  # the tests act on days of their choosing (at=)
    register_staff(service.store, ["370500"])
    yield service
    service.store.close()


# --- lights --------------------------------------------------------------------------------


def open_case(state: CaseState, due: dt.date | None, **changes):
    return make_case(
        state=state,
        received_at=at(D(2015, 2, 2), 9),
        accepted_at=at(D(2015, 2, 2)) if due is not None else None,
        promised_due=due,
        **changes,
    )


@pytest.mark.parametrize(
    ("today", "due", "yellow_days", "expected"),
    [
        # Thursday 5 March, 3 days: Fri 6 (1), Mon 9 (2), Tue 10 (3) are left; Wed 11 is 4.
        (D(2015, 3, 5), D(2015, 3, 4), 3, Light.RED),
        (D(2015, 3, 5), D(2015, 3, 5), 3, Light.YELLOW),
        (D(2015, 3, 5), D(2015, 3, 10), 3, Light.YELLOW),
        (D(2015, 3, 5), D(2015, 3, 11), 3, Light.GREEN),
        # Friday 6 March, 0 days: only a case due today is yellow; Monday is green.
        (D(2015, 3, 6), D(2015, 3, 6), 0, Light.YELLOW),
        (D(2015, 3, 6), D(2015, 3, 9), 0, Light.GREEN),
        (D(2015, 3, 6), D(2015, 3, 5), 0, Light.RED),
        # Friday 6 March, 1 day: Monday 9 is the one working day left, across the weekend.
        (D(2015, 3, 6), D(2015, 3, 9), 1, Light.YELLOW),
        (D(2015, 3, 6), D(2015, 3, 10), 1, Light.GREEN),
        # Tuesday 17 February, 3 days: the holiday does not count, Sat 28 Feb is worked:
        # Wed 25 (1), Thu 26 (2), Fri 27 (3), Sat 28 (4).
        (D(2015, 2, 17), D(2015, 2, 27), 3, Light.YELLOW),
        (D(2015, 2, 17), D(2015, 2, 28), 3, Light.GREEN),
        # Friday 13 February, 0 days: Sunday 15 is a working day, so it is not yellow yet.
        (D(2015, 2, 13), D(2015, 2, 15), 0, Light.GREEN),
        (D(2015, 2, 13), D(2015, 2, 13), 0, Light.YELLOW),
    ],
)
def test_light_around_the_yellow_threshold(calendar, today, due, yellow_days, expected):
    case = open_case(CaseState.IN_REVIEW, due)
    assert light(case, today, calendar, yellow_days) is expected
    # The report's bound says the same: yellow exactly up to yellow_until.
    bound = yellow_until(calendar, today, yellow_days)
    assert (today <= due <= bound) == (expected is Light.YELLOW)


@pytest.mark.parametrize(
    ("today", "yellow_days", "bound"),
    [
        (D(2015, 3, 5), 3, D(2015, 3, 10)),
        (D(2015, 3, 5), 0, D(2015, 3, 5)),
        (D(2015, 3, 6), 0, D(2015, 3, 8)),  # Sat and Sun before Monday's working day
        (D(2015, 3, 6), 3, D(2015, 3, 11)),
        (D(2015, 2, 17), 3, D(2015, 2, 27)),
        (D(2015, 2, 13), 0, D(2015, 2, 14)),  # Sunday 15 February is worked
        (D(2015, 9, 30), 0, D(2015, 10, 7)),  # National Day: 1-7 October off
        # Thu 8 (1), Fri 9 (2), Sat 10 worked (3); Mon 12 is the 4th, so up to Sun 11.
        (D(2015, 9, 30), 3, D(2015, 10, 11)),
    ],
)
def test_yellow_until(calendar, today, yellow_days, bound):
    assert yellow_until(calendar, today, yellow_days) == bound


def test_light_of_paused_closed_and_not_accepted_cases(calendar):
    today = D(2015, 3, 6)
    long_overdue = D(2015, 2, 2)
    assert light(open_case(CaseState.SUSPENDED, long_overdue), today, calendar, 3) is Light.PAUSED
    waiting = open_case(CaseState.AWAITING_SUPPLEMENT, long_overdue)
    assert light(waiting, today, calendar, 3) is Light.PAUSED
    for state in (CaseState.ACCEPTED, CaseState.IN_REVIEW, CaseState.GRANTED, CaseState.DENIED):
        assert light(open_case(state, long_overdue), today, calendar, 3) is Light.RED
    completed = open_case(
        CaseState.COMPLETED, long_overdue, completed_at=at(D(2015, 2, 3)), decided_at=None
    )
    assert light(completed, today, calendar, 3) is None
    withdrawn = open_case(CaseState.WITHDRAWN, long_overdue)
    assert light(withdrawn, today, calendar, 3) is None
    assert light(open_case(CaseState.SUBMITTED, None), today, calendar, 3) is None
    assert Light.PAUSED.label == "暂停计时"


def test_yellow_days_come_from_the_configuration(tmp_path, calendar):
    path = tmp_path / "govservice.yaml"
    path.write_text('name: 测试\nregion: "370500"\nsupervision:\n  yellow_days: 0\n', "utf-8")
    assert load_config(path).yellow_days == 0
    default = tmp_path / "default.yaml"
    default.write_text('name: 测试\nregion: "370500"\n', "utf-8")
    assert load_config(default).yellow_days == 3
    case = open_case(CaseState.ACCEPTED, D(2015, 3, 10))
    today = D(2015, 3, 5)
    assert light(case, today, calendar, load_config(path).yellow_days) is Light.GREEN
    assert light(case, today, calendar, load_config(default).yellow_days) is Light.YELLOW


def test_lights_of_a_case_through_the_workflow(service):
    """Accepted on Tuesday 17 February 2015 (the last day before Spring Festival), a
    5-day promise falls on Monday 2 March: Wed 25, Thu 26, Fri 27, Sat 28 (worked), Mon 2."""
    item = make_item()
    service.store.add_item(item)
    workflow = service.workflow
    calendar = service.calendar()
    yellow_days = service.config.yellow_days
    assert yellow_days == 3
    materials = [SubmittedMaterial(name=m.name, originals=1, copies=2) for m in item.materials]
    case = make_case(item, materials=materials, received_at=at(D(2015, 2, 17), 9))
    applicant = Actor("张伟", "applicant", id=case.applicant.identifier.number)
    stored = workflow.apply(case, applicant, at=at(D(2015, 2, 17), 9))
    assert light(stored.record, D(2015, 2, 17), calendar, yellow_days) is None  # not accepted
    stored = workflow.accept(stored, Actor("王窗口", "window_clerk"), at=at(D(2015, 2, 17)))
    case_id = stored.record.id
    assert stored.record.promised_due == D(2015, 3, 2)
    assert stored.record.legal_due == D(2015, 3, 23)

    def light_on(day, days=yellow_days):
        return light(workflow.case(case_id).record, day, calendar, days)

    assert light_on(D(2015, 2, 17)) is Light.GREEN
    assert light_on(D(2015, 2, 25)) is Light.GREEN  # 4 working days left
    assert light_on(D(2015, 2, 26)) is Light.YELLOW  # Fri 27, Sat 28, Mon 2
    assert light_on(D(2015, 2, 28), 0) is Light.GREEN  # Monday is still to come
    assert light_on(D(2015, 3, 2), 0) is Light.YELLOW
    assert light_on(D(2015, 3, 3)) is Light.RED

    report = supervision.report(service.store, calendar, D(2015, 2, 26), yellow_days=3)
    assert [line.id for line in report.yellow] == [case_id]
    assert report.red_total == 0
    report = supervision.report(service.store, calendar, D(2015, 3, 3), yellow_days=3)
    assert [line.id for line in report.red] == [case_id]

    reviewer = Actor("李审查", "reviewer")
    stored = workflow.review(case_id, reviewer, at=at(D(2015, 2, 25)))
    stored = workflow.suspend(
        stored, reviewer, "expert_review", "专家评审", expected_days=5, at=at(D(2015, 2, 26))
    )
    assert light_on(D(2015, 3, 3)) is Light.PAUSED  # no longer red while the clock stands
    report = supervision.report(service.store, calendar, D(2015, 3, 3), yellow_days=3)
    assert (report.red_total, report.yellow_total, report.red) == (0, 0, ())
    # Resumed on Wednesday 4 March: Fri 27, Sat 28, Mon 2, Tue 3, Wed 4 are added (5),
    # so the promise moves from Monday 2 to Monday 9 March.
    stored = workflow.resume(stored, reviewer, at=at(D(2015, 3, 4)))
    assert stored.record.promised_due == D(2015, 3, 9)
    assert light_on(D(2015, 3, 3)) is Light.GREEN
    assert light_on(D(2015, 3, 4)) is Light.YELLOW  # Thu 5, Fri 6, Mon 9
    stored = workflow.decide(stored, Actor("赵审批", "approver"), "grant", at=at(D(2015, 3, 5)))
    stored = workflow.complete(stored, Actor("王窗口", "window_clerk"), at=at(D(2015, 3, 5)))
    assert light_on(D(2015, 3, 20)) is None


# --- the report ------------------------------------------------------------------------------


def running(case_id, department, station, region, state, due, *, green=False):
    return make_case(
        id=case_id,
        department=department,
        station_code=station,
        region=region,
        state=state,
        received_at=at(D(2015, 2, 2), 9),
        accepted_at=at(D(2015, 2, 2)),
        promised_due=due,
        legal_due=due + dt.timedelta(days=30) if due else None,
        green_channel=green,
        handler="刘洋" if green else None,
    )


def completed(case_id, department, completed_at, due, **changes):
    return make_case(
        id=case_id,
        department=department,
        station_code="ST-C",
        region=KENLI,
        state=CaseState.COMPLETED,
        received_at=at(D(2015, 2, 2), 9),
        accepted_at=at(D(2015, 2, 2)),
        decided_at=completed_at,
        completed_at=completed_at,
        promised_due=due,
        legal_due=due + dt.timedelta(days=30),
        **changes,
    )


def with_rectification(case_id, due, *, closed=False):
    evaluated = at(D(2015, 2, 11))
    follow_ups = (FollowUp(at=at(D(2015, 2, 12)), actor="周监察", note="已回访，已整改"),)
    return completed(
        case_id,
        DEPT_C,
        at(D(2015, 2, 10)),
        D(2015, 2, 10),
        evaluation=Evaluation(grade="dissatisfied", at=evaluated, comment="等待时间长"),
        rectification=Rectification(
            opened_at=evaluated,
            due=due,
            follow_ups=follow_ups if closed else (),
            closed_at=at(D(2015, 2, 12)) if closed else None,
        ),
    )


S = CaseState

HAND_BUILT = (
    # id, department, station, region, state, promised due, green channel
    ("R-01", DEPT_A, "ST-A", DONGYING_DISTRICT, S.IN_REVIEW, D(2015, 3, 5), False),  # red
    ("Y-02", DEPT_A, "ST-A", DONGYING_DISTRICT, S.ACCEPTED, D(2015, 3, 11), False),  # yellow(3)
    ("G-03", DEPT_A, "ST-B", HEKOU, S.GRANTED, D(2015, 3, 12), False),  # green
    ("R-04", DEPT_B, "ST-B", HEKOU, S.IN_REVIEW, D(2015, 3, 4), True),  # red, green channel
    ("Y-05", DEPT_B, None, HEKOU, S.DENIED, D(2015, 3, 6), False),  # yellow: due today
    ("P-06", DEPT_B, "ST-B", DONGYING_DISTRICT, S.SUSPENDED, D(2015, 3, 2), False),  # paused
    ("R-07", DEPT_C, "ST-C", KENLI, S.ACCEPTED, D(2015, 2, 27), False),  # red
    ("P-09", DEPT_C, None, KENLI, S.AWAITING_SUPPLEMENT, D(2015, 3, 3), False),  # paused
    ("Y-10", DEPT_A, "ST-A", DONGYING_DISTRICT, S.IN_REVIEW, D(2015, 3, 9), True),  # yellow(3)
    ("N-11", DEPT_C, "ST-C", KENLI, S.SUBMITTED, None, False),  # not accepted
)


def fill(store):
    """The hand-built centre of Friday 6 March 2015 (see ``HAND_BUILT``), its completions
    and its rectifications."""
    for case_id, department, station, region, state, due, green in HAND_BUILT:
        store.add(running(case_id, department, station, region, state, due, green=green))
    for case in (
        # Closed: no light, but counted as a completion on Tue 3 March, on time.
        completed("C-08", DEPT_C, at(D(2015, 3, 3)), D(2015, 3, 3)),
        # DEPT_A in 2-6 March: on time on the due day, late, early; one before the period.
        completed("D-01", DEPT_A, at(D(2015, 3, 3), 17), D(2015, 3, 3)),
        completed("D-02", DEPT_A, at(D(2015, 3, 5)), D(2015, 3, 4)),
        completed("D-03", DEPT_A, at(D(2015, 3, 2)), D(2015, 3, 6)),
        completed("D-04", DEPT_A, at(D(2015, 2, 27)), D(2015, 2, 26)),
        # DEPT_B: half past midnight on 6 March in Shanghai (still 5 March in UTC) is a day
        # late for a 5 March promise; 17:00 on the due day is on time.
        completed("D-05", DEPT_B, at(D(2015, 3, 6), 0, 30), D(2015, 3, 5)),
        completed("D-06", DEPT_B, at(D(2015, 3, 6), 17), D(2015, 3, 6)),
        # DEPT_C: on 1 March, outside 2-6 March but inside the month so far.
        completed("D-07", DEPT_C, at(D(2015, 3, 1)), D(2015, 3, 2)),
        with_rectification("E-01", D(2015, 3, 5)),  # overdue since yesterday
        with_rectification("E-02", D(2015, 3, 6)),  # due today: not overdue yet
        with_rectification("E-03", D(2015, 3, 2), closed=True),  # closed in time
    ):
        store.add(case)


def expected_counts(pairs):
    """DueCounts in the stores' order: by group, None last."""
    return [
        DueCount(group, *pairs[group])
        for group in sorted(pairs, key=lambda group: (group is None, group or ""))
    ]


@pytest.mark.parametrize(
    ("yellow_days", "department", "station", "region"),
    [
        (
            3,
            {DEPT_A: (1, 2), DEPT_B: (1, 1), DEPT_C: (1, 0)},
            {"ST-A": (1, 2), "ST-B": (1, 0), "ST-C": (1, 0), None: (0, 1)},
            {DONGYING_DISTRICT: (1, 2), HEKOU: (1, 1), KENLI: (1, 0)},
        ),
        (
            0,
            {DEPT_A: (1, 0), DEPT_B: (1, 1), DEPT_C: (1, 0)},
            {"ST-A": (1, 0), "ST-B": (1, 0), "ST-C": (1, 0), None: (0, 1)},
            {DONGYING_DISTRICT: (1, 0), HEKOU: (1, 1), KENLI: (1, 0)},
        ),
    ],
)
def test_report_counts_by_department_station_and_region(
    store, calendar, yellow_days, department, station, region
):
    fill(store)
    report = supervision.report(store, calendar, FRIDAY, yellow_days=yellow_days)
    assert report.yellow_until == (D(2015, 3, 11) if yellow_days == 3 else D(2015, 3, 8))
    assert report.counts == {
        "department": expected_counts(department),
        "station_code": expected_counts(station),
        "region": expected_counts(region),
    }
    assert report.red_total == 3
    assert report.yellow_total == (3 if yellow_days == 3 else 1)
    for by, counts in report.counts.items():
        assert sum(c.overdue for c in counts) == report.red_total, by
        assert sum(c.near_due for c in counts) == report.yellow_total, by


def test_report_lists_red_and_yellow_cases_green_channel_first(store, calendar):
    fill(store)
    report = supervision.report(store, calendar, FRIDAY, yellow_days=3)
    assert [line.id for line in report.red] == ["R-04", "R-07", "R-01"]
    assert [line.id for line in report.yellow] == ["Y-10", "Y-05", "Y-02"]
    assert (report.red_total, report.yellow_total) == (3, 3)
    first = report.red[0]
    assert (first.department, first.station_code, first.region) == (DEPT_B, "ST-B", HEKOU)
    assert (first.promised_due, first.state, first.green_channel) == (
        D(2015, 3, 4),
        S.IN_REVIEW,
        True,
    )
    assert first.handler == "刘洋"


def test_a_limit_below_the_total_lists_fewer_but_counts_all(store, calendar):
    fill(store)
    report = supervision.report(store, calendar, FRIDAY, yellow_days=3, limit=2)
    assert [line.id for line in report.red] == ["R-04", "R-07"]
    assert [line.id for line in report.yellow] == ["Y-10", "Y-05"]
    assert (report.red_total, report.yellow_total) == (3, 3)
    report = supervision.report(store, calendar, FRIDAY, yellow_days=3, limit=1)
    assert [line.id for line in report.red] == ["R-04"]
    assert (report.red_total, report.yellow_total) == (3, 3)


def test_on_time_rate_per_department_over_a_period(store, calendar):
    fill(store)
    report = supervision.report(
        store, calendar, FRIDAY, yellow_days=3, since=D(2015, 3, 2), until=D(2015, 3, 6)
    )
    rates = {o.department: (o.completed, o.on_time, o.rate) for o in report.on_time}
    assert rates == {
        DEPT_A: (3, 2, 66.7),  # D-01 on the due day, D-03 early; D-02 late; D-04 before
        DEPT_B: (2, 1, 50.0),  # D-05 late by the Shanghai date, D-06 on time
        DEPT_C: (1, 1, 100.0),  # C-08; D-07 on 1 March and E-* in February are outside
    }
    # By default the period is the month so far: 1-6 March takes in D-07.
    report = supervision.report(store, calendar, FRIDAY, yellow_days=3)
    assert (report.since, report.until) == (D(2015, 3, 1), FRIDAY)
    rates = {o.department: (o.completed, o.on_time, o.rate) for o in report.on_time}
    assert rates[DEPT_C] == (2, 2, 100.0)
    assert rates[DEPT_A] == (3, 2, 66.7)
    # A period with no completion at all.
    report = supervision.report(
        store, calendar, FRIDAY, yellow_days=3, since=D(2015, 1, 5), until=D(2015, 1, 9)
    )
    assert report.on_time == ()


def test_overdue_rectifications_are_listed(store, calendar):
    fill(store)
    report = supervision.report(store, calendar, FRIDAY, yellow_days=3)
    assert [line.id for line in report.rectifications_overdue] == ["E-01"]
    assert report.rectifications_overdue[0].rectification_due == D(2015, 3, 5)
    later = supervision.report(store, calendar, D(2015, 3, 9), yellow_days=3)
    assert sorted(line.id for line in later.rectifications_overdue) == ["E-01", "E-02"]


STATION_A = "东营区文汇街道便民服务中心"
STATION_B = "河口区政务服务中心"


def name_stations(store) -> None:
    """Store stations ST-A and ST-B by name (ST-C stays unknown: shown by its code)."""
    store.add(make_station(code="ST-A", name=STATION_A, region=DONGYING_DISTRICT,
                           level="township_centre", parent_code=None))  # fmt: skip
    store.add(make_station(code="ST-B", name=STATION_B, region=HEKOU, level="county_centre",
                           parent_code=None))  # fmt: skip


def test_as_text_in_chinese(store, calendar):
    fill(store)
    name_stations(store)
    report = supervision.report(
        store,
        calendar,
        FRIDAY,
        yellow_days=3,
        since=D(2015, 3, 2),
        until=D(2015, 3, 6),
        centre="东营市政务服务中心",
    )
    text = report.as_text()
    assert text.splitlines()[0] == (
        "东营市政务服务中心电子监察报告 2015-03-06（黄灯：剩余不超过3个工作日）"
    )
    for expected in (
        "红灯超期 3 件，黄灯预警 3 件",
        "按部门：",
        "按站点：",
        "按区划：",
        f"  {DEPT_A}：红灯 1，黄灯 2",
        f"  {DEPT_C}：红灯 1，黄灯 0",
        f"  {STATION_A}：红灯 1，黄灯 2",
        f"  {STATION_B}：红灯 1，黄灯 0",
        "  ST-C：红灯 1，黄灯 0",  # not stored: its code
        "  （未指定站点）：红灯 0，黄灯 1",
        f"  {HEKOU}：红灯 1，黄灯 1",
        "红灯超期办件：",
        f"  R-04 {DEPT_B} {STATION_B} 承诺办结 2015-03-04 承办人 刘洋 [绿色通道]",
        f"  R-07 {DEPT_C} ST-C 承诺办结 2015-02-27",
        "黄灯预警办件：",
        f"  Y-02 {DEPT_A} {STATION_A} 承诺办结 2015-03-11",
        f"  Y-05 {DEPT_B} 承诺办结 2015-03-06",  # names no station
        "按时办结率（2015-03-02 至 2015-03-06）：",
        f"  {DEPT_A}：办结 3 件，按时 2 件，按时办结率 66.7%",
        f"  {DEPT_B}：办结 2 件，按时 1 件，按时办结率 50.0%",
        "逾期未完成整改：",
        f"  E-01 {DEPT_C} ST-C 整改期限 2015-03-05",
    ):
        assert expected in text, expected
    assert "E-02" not in text
    assert "E-03" not in text
    assert "ST-A" not in text  # stations stored are named
    assert "ST-B" not in text
    assert report.as_dict()["centre"] == "东营市政务服务中心"
    assert report.as_dict()["station_names"] == {"ST-A": STATION_A, "ST-B": STATION_B}


def test_as_text_of_a_quiet_day(store, calendar):
    text = supervision.report(store, calendar, FRIDAY, yellow_days=0).as_text()
    assert text.splitlines()[0].startswith("电子监察报告 2015-03-06")  # no centre named
    assert "红灯超期 0 件，黄灯预警 0 件" in text
    # every section says so: three groupings, two lists, the on-time rates, the
    # applications not accepted in time, the rectifications, the direct choices of
    # intermediaries
    assert text.count("\n  （无）") == 9
    lines = text.splitlines()
    for heading in ("按站点：", "按时办结率（2015-03-01 至 2015-03-06）：", "逾期未完成整改："):
        assert lines[lines.index(heading) + 1] == "  （无）", heading


def test_as_dict_is_json(store, calendar):
    fill(store)
    report = supervision.report(store, calendar, FRIDAY, yellow_days=3)
    document = json.loads(json.dumps(report.as_dict(), ensure_ascii=False))
    assert document["today"] == "2015-03-06"
    assert document["yellow_until"] == "2015-03-11"
    assert document["period"] == ["2015-03-01", "2015-03-06"]
    assert (document["red_total"], document["yellow_total"]) == (3, 3)
    assert {"group": None, "red": 0, "yellow": 1} in document["counts"]["station_code"]
    assert document["red"][0]["id"] == "R-04"
    assert document["red"][0]["promised_due"] == "2015-03-04"
    assert document["red"][0]["state"] == "in_review"
    assert document["rectifications_overdue"][0]["rectification_due"] == "2015-03-05"
    assert {"department": DEPT_B, "completed": 2, "on_time": 1, "rate": 50.0} in document[
        "on_time"
    ]


# --- indexed queries, not scans --------------------------------------------------------------


def recorded_statements(store, calendar, monkeypatch):
    """Run the report on ``store`` and return every statement it sent, with parameters."""
    sent: list[tuple[str, tuple]] = []
    run = store._rows

    def recording(sql, parameters=()):
        sent.append((sql, tuple(parameters)))
        return run(sql, parameters)

    monkeypatch.setattr(store, "_rows", recording)
    supervision.report(store, calendar, FRIDAY, yellow_days=3)
    monkeypatch.undo()
    return sent


def plan(store, sql, parameters):
    return [row[3] for row in store._db.execute(f"EXPLAIN QUERY PLAN {sql}", parameters)]


@pytest.fixture
def sqlite_store(tmp_path):
    store = SqliteStore(tmp_path / "plans.db")
    fill(store)
    yield store
    store.close()


def test_due_and_completion_counts_search_an_index(sqlite_store, calendar, monkeypatch):
    sent = recorded_statements(sqlite_store, calendar, monkeypatch)
    counts = [(sql, p) for sql, p in sent if "GROUP BY" in sql]
    due = [(sql, p) for sql, p in counts if "promised_due <=" in sql and "open = 1" in sql]
    done = [(sql, p) for sql, p in counts if "completed_on >=" in sql]
    assert len(due) == 3  # by department, station and region
    assert len(done) == 1
    for sql, parameters in due + done:
        steps = plan(sqlite_store, sql, parameters)
        on_cases = [step for step in steps if " cases " in f"{step} "]
        assert on_cases, steps
        for step in on_cases:
            assert step.startswith("SEARCH cases USING "), (sql, steps)
            assert "INDEX" in step, (sql, steps)
    for sql, parameters in due:
        (step,) = [s for s in plan(sqlite_store, sql, parameters) if s.startswith("SEARCH")]
        assert "(open=? AND promised_due<?)" in step
    (sql, parameters), *_ = done
    (step,) = [s for s in plan(sqlite_store, sql, parameters) if s.startswith("SEARCH")]
    assert "INDEX cases_completed_department (completed_on>? AND completed_on<?)" in step


def test_every_report_statement_searches_an_index(sqlite_store, calendar, monkeypatch):
    """The report reads nothing by walking every case: each of its statements on the
    ``cases`` table searches an index (a ``SCAN``, even in the order of an index, reads
    every row)."""
    sent = recorded_statements(sqlite_store, calendar, monkeypatch)
    # due counts by 3 groups, red and yellow lists and totals, rectifications, completions;
    # beside them, only the names of the stations it names, each read by its key
    assert any("rectification_due" in sql for sql, _ in sent)
    others = [sql for sql, _ in sent if " FROM cases " not in f"{sql} "]
    assert all(sql.startswith("SELECT doc, version FROM stations WHERE ") for sql in others)
    scans = {}
    for sql, parameters in sent:
        steps = plan(sqlite_store, sql, parameters)
        walked = [step for step in steps if step.startswith("SCAN cases")]
        if walked:
            scans[sql] = walked
    assert scans == {}


def test_rectification_list_is_a_search_once_statistics_exist(sqlite_store, calendar, monkeypatch):
    """With statistics (ANALYZE) the planner finds the rectification index; without them, on
    a store as it is opened, see the test above."""
    sqlite_store._db.execute("ANALYZE")
    sent = recorded_statements(sqlite_store, calendar, monkeypatch)
    (sql, parameters) = next((sql, p) for sql, p in sent if "rectification_due" in sql)
    assert any(
        "INDEX cases_rectification_due" in step for step in plan(sqlite_store, sql, parameters)
    )


def test_memory_and_sqlite_reports_agree(tmp_path, calendar):
    memory, sqlite = MemoryStore(), SqliteStore(tmp_path / "agree.db")
    try:
        fill(memory)
        fill(sqlite)
        for today in (D(2015, 3, 2), FRIDAY, D(2015, 3, 9), D(2015, 3, 31)):
            for yellow_days in (0, 3):
                a = supervision.report(memory, calendar, today, yellow_days=yellow_days)
                b = supervision.report(sqlite, calendar, today, yellow_days=yellow_days)
                assert a == b, (today, yellow_days)
    finally:
        sqlite.close()


def test_closed_rectification_stays_out_after_update(store, calendar):
    """Closing a rectification by update takes the case off the overdue list."""
    fill(store)
    found = store.get("case", "E-01")
    case = found.record
    closed = attrs.evolve(
        case,
        rectification=attrs.evolve(
            case.rectification,
            follow_ups=(FollowUp(at=at(FRIDAY), actor="周监察", note="已整改"),),
            closed_at=at(FRIDAY),
        ),
    )
    store.update(closed, found.version)
    report = supervision.report(store, calendar, FRIDAY, yellow_days=3)
    assert report.rectifications_overdue == ()


# --- applications waiting too long for acceptance (行政许可法第三十二条) ------------------------


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_applications_waiting_more_than_five_working_days_are_listed(kind, tmp_path):
    from govservice.config import Config
    from govservice.workflow.supervision import received_before, report

    config = Config(
        name="东营市政务服务中心",
        region="370500",
        storage_backend=kind,
        storage_settings={"path": str(tmp_path / "s.db")} if kind == "sqlite" else {},
    )
    service = GovService(config, clock=FixedClock(dt.datetime(2015, 3, 2, 9, tzinfo=SHANGHAI)))
    calendar = service.calendar()
    # Received on 24 February (a holiday), an application has waited 6 working days by
    # Tuesday 3 March: 25, 26, 27, 28 (a Saturday worked) February, 2 and 3 March.
    # Received on 25 February, 5: not yet overdue. So the line is 25 February, 00:00.
    assert received_before(calendar, dt.date(2015, 3, 3)) == dt.datetime(
        2015, 2, 25, tzinfo=SHANGHAI
    )
    store = service.store
    for case_id, received in (
        ("W-1", dt.datetime(2015, 2, 17, 16, 0, tzinfo=SHANGHAI)),  # before the holiday
        ("W-2", dt.datetime(2015, 2, 25, 9, 0, tzinfo=SHANGHAI)),  # within the period
        ("W-3", dt.datetime(2015, 2, 24, 16, 0, tzinfo=dt.UTC)),  # 25 Feb 00:00 Shanghai
    ):
        store.add(make_case(id=case_id, received_at=received))
    found = report(store, calendar, dt.date(2015, 3, 3), yellow_days=3)
    assert found.acceptance_overdue_total == 1
    assert [line.id for line in found.acceptance_overdue] == ["W-1"]
    assert "逾期未受理（收件后超过5个工作日）：1 件" in found.as_text()


def test_the_waiting_list_and_the_law_agree_on_every_day():
    """An application received on day R is past its 5 working days on day T (第三十二条:
    :func:`~govservice.workflow.deadlines.acceptance_due`) exactly when supervision lists
    it on T, working day or not, over the 2015 Spring Festival and Qingming."""
    from govservice.workflow.deadlines import acceptance_due
    from govservice.workflow.supervision import received_before

    calendar = GovService(clock=FixedClock(dt.datetime(2015, 1, 1, tzinfo=SHANGHAI))).calendar()
    days = [dt.date(2015, 2, 1) + dt.timedelta(days=n) for n in range(75)]
    for received in days:
        due = acceptance_due(calendar, received).due
        moment = dt.datetime.combine(received, dt.time(16, 30), SHANGHAI)
        for today in (day for day in days if day >= received):
            assert (moment < received_before(calendar, today)) == (today > due), (received, today)
