"""Training records (issue 13, part 5) on every backend: sessions, attendance, and the
year's summary, checked against figures computed by hand from tests/stations_fixture.py."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from govservice.codec import to_document
from govservice.errors import DuplicateRecordError, InvalidRecordError, UnknownStaffStationError
from govservice.model import Attendance, TrainingSession
from govservice.stations.training import Training, read_session
from people_helpers import BACKENDS, add_stations, centre_on
from stations_fixture import stations

EXAMPLES = Path(__file__).parent / "staff_examples" / "training-session"


def _present(*pairs: tuple[str, str]) -> tuple[Attendance, ...]:
    return tuple(Attendance(name=name, station_code=code) for name, code in pairs)


SESSIONS = (
    TrainingSession(
        id="PX2015-001",
        on=dt.date(2015, 3, 18),
        topic="便民服务事项受理规范",
        hours=Decimal(4),
        trainer="东营市政务服务中心 王晓东",
        place="东营市政务服务中心三楼培训室",
        attendance=_present(
            ("刘海燕", "DY-NZ-WY"),
            ("王建军", "DY-NZ-WY"),
            ("刘海燕", "LJ-CZ-CZ"),
            ("李村代", "DY-NZ-WY-01"),
            ("李村代", "GR-DW-BL-01"),
        ),
    ),
    TrainingSession(
        id="PX2015-002",
        on=dt.date(2015, 6, 10),
        topic="全程代办与好差评",
        hours=Decimal("2.5"),
        trainer="广饶县政务服务中心 李敏",
        place="广饶县大王镇便民服务中心",
        attendance=_present(
            ("刘海燕", "DY-NZ-WY"),
            ("刘海燕", "GR-DW-BL"),
            ("王建军", "GR-DW-BL"),
            ("李村代", "LJ-CZ-CZ-01"),
        ),
    ),
    TrainingSession(
        id="PX2015-003",
        on=dt.date(2015, 11, 5),
        topic="村级便民服务站“五个一”建设",
        hours=3,
        trainer="东营市政务服务中心 王晓东",
        place="东营区牛庄镇便民服务中心",
        attendance=_present(
            ("李村代", "DY-NZ-WY-01"),
            ("李村代", "DY-NZ-WY-02"),
            ("刘海燕", "GR-DW-YZ"),
        ),
    ),
    TrainingSession(  # the year before: not counted in 2015
        id="PX2014-009",
        on=dt.date(2014, 12, 20),
        topic="政务服务礼仪",
        hours=6,
        trainer="东营市政务服务中心 王晓东",
        place="利津县政务服务中心",
        attendance=_present(("张玉兰", "LJ-BS")),
    ),
)


@pytest.fixture(params=BACKENDS)
def centre(request, tmp_path):
    with centre_on(request.param, tmp_path) as service:
        add_stations(service, stations())
        yield service


def _trained(centre) -> Training:
    training = Training(centre)
    for session in SESSIONS:
        training.add(session)
    return training


def test_summary_equals_the_figures_computed_by_hand(centre):
    summary = _trained(centre).summary(2015)
    # 5 + 4 + 3 person-times; hours 5 × 4 + 4 × 2.5 + 3 × 3
    assert (summary.sessions, summary.person_times) == (3, 12)
    assert summary.hours == Decimal("39")
    assert summary.session_hours == Decimal("9.5")
    by_station = {
        row.code: (row.person_times, row.hours, row.people)
        for row in summary.by_station
        if row.person_times
    }
    assert by_station == {
        "DY-NZ-WY": (3, Decimal("10.5"), 2),
        "DY-NZ-WY-01": (2, Decimal("7"), 1),
        "DY-NZ-WY-02": (1, Decimal("3"), 1),
        "LJ-CZ-CZ": (1, Decimal("4"), 1),
        "LJ-CZ-CZ-01": (1, Decimal("2.5"), 1),
        "GR-DW-BL": (2, Decimal("5"), 2),
        "GR-DW-BL-01": (1, Decimal("4"), 1),
        "GR-DW-YZ": (1, Decimal("3"), 1),
    }
    assert len(summary.by_station) == 24
    counties = {
        c.county: (c.name, c.stations, c.person_times, c.hours, c.untrained)
        for c in summary.by_county
    }
    assert counties == {
        "370500": ("东营市", 1, 0, Decimal(0), 1),
        "370502": ("东营区", 8, 6, Decimal("20.5"), 5),
        "370522": ("利津县", 8, 2, Decimal("6.5"), 6),
        "370523": ("广饶县", 7, 4, Decimal("12"), 4),
    }
    assert [row.code for row in summary.untrained] == [
        "370500-ZWZX",
        "370502-ZWZX",
        "DY-NZ",
        "DY-NZ-DC",
        "DY-NZ-DC-01",
        "DY-NZ-DC-02",
        "370522-ZWZX",
        "LJ-BS",
        "LJ-BS-BS",
        "LJ-BS-BS-01",
        "LJ-CZ",
        "LJ-CZ-CZ-02",
        "370523-ZWZX",
        "GR-DW",
        "GR-DW-YZ-01",
        "GR-DW-YZ-02",
    ]
    village = next(row for row in summary.by_station if row.code == "DY-NZ-WY-01")
    assert (village.name, village.level, village.county_name) == (
        "东营区牛庄镇王营村便民服务站",
        "村级便民服务站",
        "东营区",
    )


def test_the_year_before_counts_its_own_session(centre):
    summary = _trained(centre).summary(2014)
    assert (summary.sessions, summary.person_times, summary.hours) == (1, 1, Decimal(6))
    trained = [row.code for row in summary.by_station if row.person_times]
    assert trained == ["LJ-BS"]
    # stations built after 2014 are not listed as untrained in 2014
    assert "LJ-BS-BS-01" not in {row.code for row in summary.by_station}


def test_summary_of_one_county(centre):
    summary = _trained(centre).summary(2015, region="370523")
    assert (summary.sessions, summary.person_times, summary.hours) == (3, 4, Decimal(12))
    assert [c.county for c in summary.by_county] == ["370523"]


def test_sessions_read_back_as_stored(centre):
    _trained(centre)
    stored = centre.store.training_sessions(since=dt.date(2015, 1, 1))
    assert stored == list(SESSIONS[:3])
    assert stored[1].hours == Decimal("2.5")


def test_an_attendance_at_an_unknown_station_is_refused_and_nothing_stored(centre):
    training = Training(centre)
    session = TrainingSession(
        id="PX2015-010",
        on=dt.date(2015, 4, 1),
        topic="窗口服务规范",
        hours=2,
        trainer="王晓东",
        place="东营市政务服务中心",
        attendance=_present(("刘海燕", "DY-NZ-WY"), ("赵小军", "NO-SUCH-STATION")),
    )
    with pytest.raises(UnknownStaffStationError) as raised:
        training.add(session)
    assert raised.value.code == "GS1101"
    assert "NO-SUCH-STATION" in str(raised.value)
    assert "赵小军" in str(raised.value)
    assert centre.store.training_sessions() == []


def test_a_session_stored_twice_is_refused(centre):
    training = _trained(centre)
    with pytest.raises(DuplicateRecordError):
        training.add(SESSIONS[0])
    assert len(centre.store.training_sessions()) == 4


def test_a_session_without_hours_is_refused_and_nothing_stored(centre):
    document = to_document(SESSIONS[0])
    del document["hours"]
    with pytest.raises(InvalidRecordError) as raised:
        Training(centre).add_document(document, where="session.json")
    assert raised.value.code == "GS300"
    assert ("", "'hours' is a required property") in raised.value.problems
    assert centre.store.training_sessions() == []


# --- the schema and its examples -------------------------------------------------------------


@pytest.mark.parametrize("path", sorted((EXAMPLES / "valid").glob("*.json")), ids=str)
def test_valid_examples(path):
    document = json.loads(path.read_text(encoding="utf-8"))
    assert to_document(read_session(document)) == document


@pytest.mark.parametrize("path", sorted((EXAMPLES / "invalid").glob("*.json")), ids=str)
def test_invalid_examples(path):
    example = json.loads(path.read_text(encoding="utf-8"))
    with pytest.raises(InvalidRecordError) as raised:
        read_session(example["document"])
    for expected in example["expect"]:
        messages = [m for p, m in raised.value.problems if p == expected["pointer"]]
        assert any(expected["message_contains"] in m for m in messages), raised.value.problems


def test_every_example_folder_holds_examples():
    assert len(list((EXAMPLES / "valid").glob("*.json"))) >= 3
    assert len(list((EXAMPLES / "invalid").glob("*.json"))) >= 3


def test_the_model_refuses_what_the_schema_refuses():
    with pytest.raises(ValueError, match=r"TrainingSession\.hours"):
        TrainingSession(id="X", on=dt.date(2015, 1, 5), topic="t", hours=0, trainer="t", place="p")
    with pytest.raises(ValueError, match="listed twice"):
        TrainingSession(
            id="X",
            on=dt.date(2015, 1, 5),
            topic="t",
            hours=1,
            trainer="t",
            place="p",
            attendance=_present(("刘海燕", "DY-NZ-WY"), ("刘海燕", "DY-NZ-WY")),
        )
