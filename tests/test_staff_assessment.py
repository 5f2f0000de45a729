"""The quarterly assessment of window staff (issue 13, part 6) on every backend.

The service figures of each person are checked twice: against numbers worked out by hand
from the cases below, and against an independent count over the events of the stored
cases (read back as model objects, not through the assessment's pass over documents)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
import pytest

from govservice.clock import SHANGHAI
from govservice.errors import (
    AssessmentQuarterError,
    AssessmentRulesError,
    StaffRecordsError,
    UnknownStaffStationError,
)
from govservice.model import (
    CaseEvent,
    CaseState,
    DisciplineRecord,
    Evaluation,
    Grade,
    Rectification,
    Role,
    StaffRecord,
)
from govservice.model.assessment import DEFAULT_RULES, GRADE_POINTS
from govservice.stations.assessment import StaffAssessment
from govservice.testing import make_case
from people_helpers import BACKENDS, add_stations, centre_on
from stations_fixture import stations

RULES = {
    "weights": {
        "attendance": 20,
        "discipline": 10,
        "cases_handled": 20,
        "on_time_rate": 20,
        "grades": 20,
        "complaints": 10,
    },
    "cases_for_full_marks": 4,
    "complaint_points": 5,
    "honours": {
        "party_pioneer": {"min_score": 75, "places": 1},
        "service_star": {"min_score": 80, "places": 2, "max_complaints": 0},
    },
}
WY = "DY-NZ-WY"  # 东营区牛庄镇王营农村社区便民服务中心: 刘海燕 (window 1), 王建军 (window 2)
CITY_CENTRE = "370500-ZWZX"  # where cases naming no station of region 370500 are handled


def at(month: int, day: int, hour: int = 9, year: int = 2015) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=SHANGHAI)


def step(moment, actor, action, to_state, role=Role.WINDOW_CLERK, refusal=None) -> CaseEvent:
    return CaseEvent(
        at=moment, actor=actor, role=role, action=action, to_state=to_state, refusal=refusal
    )


def case(number, station, received, events, *, completed=None, due=None, grade=None):
    fields = {
        "id": f"DY2015-{number:08d}",
        "station_code": station,
        "received_at": received,
        "events": events,
        "promised_due": due,
        "state": CaseState.COMPLETED if completed else events[-1].to_state,
    }
    if completed:
        fields |= {"accepted_at": received, "completed_at": completed}
    if grade is not None:
        fields["evaluation"] = Evaluation(grade=grade, at=completed + dt.timedelta(days=1))
        if grade.is_bad:
            fields["rectification"] = Rectification(
                opened_at=completed + dt.timedelta(days=1),
                due=(completed + dt.timedelta(days=6)).date(),
            )
    return make_case(**fields)


A, G, C = CaseState.ACCEPTED, CaseState.GRANTED, CaseState.COMPLETED
CASES = [
    # C1: 刘海燕 accepts and completes on time, 王建军 grants; 非常满意
    case(
        1,
        WY,
        at(4, 2),
        [
            step(at(4, 2), "刘海燕", "accept", A),
            step(at(4, 10), "王建军", "grant", G, Role.APPROVER),
            step(at(4, 12), "刘海燕", "complete", C),
        ],
        completed=at(4, 12),
        due=dt.date(2015, 4, 15),
        grade=Grade.VERY_SATISFIED,
    ),
    # C2: 刘海燕 alone, completed late; 不满意 (a complaint: a rectification opens)
    case(
        2,
        WY,
        at(5, 4),
        [step(at(5, 4), "刘海燕", "accept", A), step(at(5, 20), "刘海燕", "complete", C)],
        completed=at(5, 20),
        due=dt.date(2015, 5, 15),
        grade=Grade.DISSATISFIED,
    ),
    # C3: 刘海燕 accepted in the first quarter; 王建军 completes it in the second; 满意
    case(
        3,
        WY,
        at(3, 30),
        [
            step(at(3, 30), "刘海燕", "accept", A),
            step(at(4, 3), "王建军", "grant", G, Role.APPROVER),
            step(at(4, 5), "王建军", "complete", C),
        ],
        completed=at(4, 5),
        due=dt.date(2015, 4, 10),
        grade=Grade.SATISFIED,
    ),
    # C4: 刘海燕's attempt is refused (no step); 王建军 accepts; still open
    case(
        4,
        WY,
        at(6, 29),
        [
            step(at(6, 29, 9), "刘海燕", "accept", A, refusal="GS806: not staff here"),
            step(at(6, 29, 10), "王建军", "accept", A),
        ],
    ),
    # C5: no station: the city centre's; 张玉兰, no promise (on time); 基本满意
    case(
        5,
        None,
        at(4, 8),
        [step(at(4, 8), "张玉兰", "accept", A), step(at(4, 20), "张玉兰", "complete", C)],
        completed=at(4, 20),
        grade=Grade.BASICALLY_SATISFIED,
    ),
    # C6: an applicant who is also called 刘海燕 applies; 王建军 accepts
    case(
        6,
        WY,
        at(6, 1),
        [
            step(at(6, 1), "刘海燕", "apply", CaseState.SUBMITTED, Role.APPLICANT),
            step(at(6, 2), "王建军", "accept", A),
        ],
    ),
    # C7: another 刘海燕, of 北柳 (not assessed): not the 王营 one
    case(7, "GR-DW-BL", at(4, 15), [step(at(4, 15), "刘海燕", "accept", A)]),
    # C8: the third quarter
    case(8, WY, at(7, 2), [step(at(7, 2), "刘海燕", "accept", A)]),
]

STAFF = [
    StaffRecord(
        station_code=WY,
        name="刘海燕",
        window="1",
        year=2015,
        quarter=2,
        days_due=62,
        days_present=62,
        party_member=True,
    ),
    StaffRecord(
        station_code=WY,
        name="王建军",
        window="2",
        year=2015,
        quarter=2,
        days_due=62,
        days_present=60,
        staff_number="NZ-0102",
    ),
    StaffRecord(
        station_code=CITY_CENTRE,
        name="张玉兰",
        window="01",
        year=2015,
        quarter=2,
        days_due=62,
        days_present=62,
        party_member=True,
    ),
]
DISCIPLINE = [
    DisciplineRecord(
        station_code=WY, name="王建军", on=dt.date(2015, 5, 6), points=2, reason="迟到"
    ),
    DisciplineRecord(
        station_code=WY, name="王建军", on=dt.date(2015, 3, 1), points=5, reason="脱岗（第一季度）"
    ),
]


@pytest.fixture(params=BACKENDS)
def centre(request, tmp_path):
    with centre_on(request.param, tmp_path, stations={"assessment": RULES}) as service:
        add_stations(service, stations())
        for one in CASES:
            service.store.add(one)
        assessment = StaffAssessment(service)
        assessment.record(STAFF)
        assessment.record_discipline(DISCIPLINE)
        yield service


def _independent(store, station: str, name: str, first: dt.date, last: dt.date):
    """The figures of one person counted over the stored cases' events as model objects."""
    handled = completed = on_time = graded = complaints = 0
    points = Decimal(0)
    for one in CASES:
        stored = store.get("case", one.id).record
        where = stored.station_code or (CITY_CENTRE if stored.region == "370500" else None)
        if where != station:
            continue
        mine = [
            e
            for e in stored.events
            if e.actor == name
            and e.refusal is None
            and e.role not in (Role.APPLICANT, Role.SYSTEM)
        ]
        if not mine:
            continue
        handled += any(first <= e.at.astimezone(SHANGHAI).date() <= last for e in mine)
        if stored.completed_at and first <= stored.completed_at.date() <= last:
            completed += 1
            on_time += (
                stored.promised_due is None or stored.completed_at.date() <= stored.promised_due
            )
        if stored.evaluation and first <= stored.evaluation.at.date() <= last:
            graded += 1
            points += GRADE_POINTS[stored.evaluation.grade.value]
            complaints += stored.evaluation.grade.is_bad
    return handled, completed, on_time, graded, points, complaints


def _figures(person):
    s = person.service
    return s.handled, s.completed, s.on_time, s.graded, s.grade_points, s.complaints


def test_service_figures_equal_an_independent_count_over_the_events(centre):
    result = StaffAssessment(centre).quarter(2015, 2)
    people = {(p.station_code, p.name): p for p in result.people}
    assert set(people) == {(WY, "刘海燕"), (WY, "王建军"), (CITY_CENTRE, "张玉兰")}
    first, last = dt.date(2015, 4, 1), dt.date(2015, 6, 30)
    for (station, name), person in people.items():
        assert _figures(person) == _independent(centre.store, station, name, first, last)
    # and by hand, from the comments on CASES
    assert _figures(people[(WY, "刘海燕")]) == (2, 3, 2, 3, Decimal(220), 1)
    assert _figures(people[(WY, "王建军")]) == (4, 2, 2, 2, Decimal(190), 0)
    assert _figures(people[(CITY_CENTRE, "张玉兰")]) == (1, 1, 1, 1, Decimal(70), 0)


def test_scores_ranks_windows_and_honours(centre):
    result = StaffAssessment(centre).quarter(2015, 2)
    assert result.rules.source == "config"
    assert [(p.name, p.score, p.rank) for p in result.people] == [
        ("王建军", Decimal("96.35"), 1),  # 19.35 + 8 + 20 + 20 + 19 + 10
        ("张玉兰", Decimal("79.00"), 2),  # 20 + 10 + 5 + 20 + 14 + 10
        ("刘海燕", Decimal("73.00"), 3),  # 20 + 10 + 10 + 13.33 + 14.67 + 5
    ]
    liu = result.people[2]
    assert dict(liu.parts) == {
        "attendance": Decimal("20.00"),
        "discipline": Decimal("10.00"),
        "cases_handled": Decimal("10.00"),
        "on_time_rate": Decimal("13.33"),
        "grades": Decimal("14.67"),
        "complaints": Decimal("5.00"),
    }
    assert result.people[0].discipline_points == Decimal(2)  # the first quarter's is not counted
    assert [
        (w.station_code, w.window, w.window_name, w.score, w.rank) for w in result.windows
    ] == [
        (WY, "2", "社会保障窗口", Decimal("96.35"), 1),
        (CITY_CENTRE, "01", "综合受理窗口", Decimal("79.00"), 2),
        (WY, "1", "综合受理窗口", Decimal("73.00"), 3),
    ]
    assert [(h.title, h.name) for h in result.honours] == [
        ("党员服务先锋岗", "张玉兰"),
        ("优秀服务标兵", "王建军"),
    ]


def test_the_circular_names_people_and_stations_not_codes(centre):
    text = StaffAssessment(centre).quarter(2015, 2).circular_text
    assert text.startswith("关于2015年第二季度进驻人员考核情况的通报\n")
    assert "第1名　王建军（东营区牛庄镇王营农村社区便民服务中心社会保障窗口）96.35分" in text
    assert "授予张玉兰（东营市政务服务中心综合受理窗口）1名同志本季度“党员服务先锋岗”称号" in text
    assert "“优秀服务标兵”" in text
    assert "收到差评的：刘海燕（1次）" in text
    assert "出勤未满的：王建军（缺勤2天）" in text
    assert text.rstrip().endswith("东营市政务服务中心\n2016年1月8日")
    for code in (WY, CITY_CENTRE, "NZ-0102", "370500"):
        assert code not in text


def test_a_quarter_without_records_assesses_no_one(centre):
    result = StaffAssessment(centre).quarter(2015, 4)
    assert (result.people, result.windows, result.honours) == ((), (), ())
    assert "本季度无进驻人员考勤记录" in result.circular_text


@pytest.mark.parametrize("quarter", [0, 5, -1])
def test_a_quarter_out_of_range_is_refused(centre, quarter):
    with pytest.raises(AssessmentQuarterError) as raised:
        StaffAssessment(centre).quarter(2015, quarter)
    assert raised.value.code == "GS1102"
    assert str(quarter) in str(raised.value)


def test_a_year_outside_the_window_is_refused(centre):
    with pytest.raises(AssessmentQuarterError, match="1800"):
        StaffAssessment(centre).quarter(1800, 1)


def test_weights_that_do_not_add_up_are_refused(centre):
    rules = {**RULES, "weights": {**RULES["weights"], "complaints": 5}}
    config = attrs.evolve(centre.config, stations={"assessment": rules})
    centre.config = config
    with pytest.raises(AssessmentRulesError) as raised:
        StaffAssessment(centre).quarter(2015, 2)
    assert raised.value.code == "GS411"
    assert "add up to 95, not 100" in str(raised.value)


def test_without_rules_the_built_in_ones_apply(centre):
    centre.config = attrs.evolve(centre.config, stations={})
    assert StaffAssessment(centre).rules() == DEFAULT_RULES


def test_a_record_at_an_unknown_station_is_refused_and_nothing_stored(centre):
    records = [
        StaffRecord(
            station_code=WY, name="孙丽", year=2015, quarter=3, days_due=64, days_present=64
        ),
        StaffRecord(
            station_code="NO-SUCH",
            name="赵小军",
            year=2015,
            quarter=3,
            days_due=64,
            days_present=60,
        ),
    ]
    with pytest.raises(UnknownStaffStationError) as raised:
        StaffAssessment(centre).record(records)
    assert raised.value.code == "GS1101"
    assert "NO-SUCH" in str(raised.value)
    assert centre.store.staff_records(2015, 3) == []


def test_a_record_at_a_window_the_station_lacks_is_refused(centre):
    record = StaffRecord(
        station_code=WY,
        name="孙丽",
        window="9",
        year=2015,
        quarter=3,
        days_due=64,
        days_present=64,
    )
    with pytest.raises(StaffRecordsError, match="window 9"):
        StaffAssessment(centre).record([record])
    assert centre.store.staff_records(2015, 3) == []


def test_records_read_back_as_stored(centre):
    assert centre.store.staff_records(2015, 2) == sorted(
        STAFF, key=lambda r: (r.station_code, r.name)
    )
    assert centre.store.discipline_records(dt.date(2015, 1, 1), dt.date(2015, 12, 31)) == [
        DISCIPLINE[1],
        DISCIPLINE[0],
    ]


def test_a_record_twice_is_refused(centre):
    from govservice.errors import DuplicateRecordError

    with pytest.raises(DuplicateRecordError):
        StaffAssessment(centre).record([STAFF[0]])
    assert len(centre.store.staff_records(2015, 2)) == 3


def test_the_model_refuses_days_present_above_days_due():
    with pytest.raises(ValueError, match="days_present"):
        StaffRecord(
            station_code=WY, name="孙丽", year=2015, quarter=1, days_due=60, days_present=61
        )


def test_the_year_in_one_pass_equals_its_quarters(centre):
    assessment = StaffAssessment(centre)
    year = assessment.year(2015)
    assert [q.quarter for q in year] == [1, 2, 3, 4]
    assert year == tuple(assessment.quarter(2015, q) for q in (1, 2, 3, 4))
    assert len(year[1].people) == 3
    assert year[0].people == ()


def test_the_circular_masks_identity_numbers():
    from govservice.model import PersonScore, QuarterAssessment, ServiceFigures
    from govservice.stations.circular import circular_text

    person = PersonScore(
        station_code=WY,
        station_name="王营农村社区便民服务中心",
        name="孙丽 370523198001011234",
        staff_number=None,
        window=None,
        window_name=None,
        party_member=False,
        days_due=60,
        days_present=60,
        discipline_points=Decimal(0),
        service=ServiceFigures(),
        parts=(),
        score=Decimal("80.00"),
        rank=1,
    )
    assessment = QuarterAssessment(
        year=2015,
        quarter=1,
        first=dt.date(2015, 1, 1),
        last=dt.date(2015, 3, 31),
        rules=DEFAULT_RULES,
        people=(person,),
        windows=(),
        honours=(),
    )
    text = circular_text(assessment, centre="东营市政务服务中心", day=dt.date(2015, 4, 3))
    assert "370523198001011234" not in text
    assert "****" in text


def test_the_cases_are_read_in_one_pass_never_one_by_one(tmp_path):
    with centre_on("sqlite", tmp_path, stations={"assessment": RULES}) as service:
        add_stations(service, stations())
        for one in CASES:
            service.store.add(one)
        StaffAssessment(service).record(STAFF)
        calls: list[str] = []
        store = service.store
        raw_rows, get = store.raw_rows, store.get

        def counted_raw_rows(kind, **options):
            calls.append(f"raw_rows {kind}")
            return raw_rows(kind, **options)

        def counted_get(kind, key):
            calls.append(f"get {kind}")
            return get(kind, key)

        store.raw_rows, store.get = counted_raw_rows, counted_get
        StaffAssessment(service).year(2015)
        assert calls == ["raw_rows case"]  # 8 cases: one page
