"""Standards evaluated with evidence (issue 13, part 3) on every backend: the five ones
point by point, ISO 9001 by its certificate's dates, evaluations kept as history, the
standing on any day, and a county's own standard through the hook."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import attrs
import pytest

from govservice import hookimpl
from govservice.codec import to_document
from govservice.errors import (
    DuplicateRecordError,
    EvaluationPointError,
    InputNotFoundError,
    InvalidRecordError,
    RecordNotFoundError,
)
from govservice.model import PointResult, StationEvaluation, StationLevel
from govservice.samples import config_with
from govservice.service import GovService
from govservice.standards import Criterion, Standard
from govservice.stations.evaluation import evaluation_from_document, photo_evidence
from people_helpers import BACKENDS, centre_on
from stations_fixture import (
    FIVE_ONES_POINTS,
    five_ones,
    install,
    iso_check,
    photo_sha256,
    stations,
)

EXAMPLES = Path(__file__).parent / "station_examples" / "station-evaluation"
D = dt.date


@pytest.fixture(params=BACKENDS)
def centre(request, tmp_path):
    with centre_on(request.param, tmp_path) as service:
        install(service)
        yield service


# --- the five ones ---------------------------------------------------------------------


def test_a_village_station_missing_its_flow_chart_fails_on_that_point_alone(centre) -> None:
    standing = centre.stations.standing("DY-NZ-WY-02", D(2015, 4, 10))
    assert not standing.passed
    [five] = standing.standards
    assert five.standard == "five-ones"
    assert five.failed == ("flow-chart",)
    assert [p.point for p in five.points if p.passed] == [
        "service-room",
        "open-counter",
        "office-equipment",
        "service-register",
    ]
    flow = next(p for p in five.points if p.point == "flow-chart")
    assert flow.text == "一张办事流程图"
    assert flow.decided_by == "evaluation"
    assert flow.note == "未见"
    assert flow.photo_name == "DY-NZ-WY-02-20150410-flow-chart.jpg"
    assert flow.photo_sha256 == photo_sha256("DY-NZ-WY-02-20150410-flow-chart.jpg")
    assert five.inspector == "孙检查"
    assert five.evaluated_on == D(2015, 4, 10)
    # It passes from the day of the later evaluation, which found the chart posted.
    assert not centre.stations.standing("DY-NZ-WY-02", D(2015, 6, 14)).passed
    assert centre.stations.standing("DY-NZ-WY-02", D(2015, 6, 15)).passed


def test_standing_follows_the_history_of_evaluations(centre) -> None:
    code = "LJ-CZ-CZ-02"  # passes 03-02, fails office equipment 09-01, passes 11-20
    assert [e.on for e in centre.stations.evaluations(code)] == [
        D(2015, 3, 2),
        D(2015, 9, 1),
        D(2015, 11, 20),
    ]
    assert not centre.stations.standing(code, D(2015, 3, 1)).standards[0].passed
    assert (
        centre.stations.standing(code, D(2015, 3, 1)).standards[0].points[0].decided_by == "none"
    )
    assert centre.stations.standing(code, D(2015, 8, 31)).passed
    assert centre.stations.standing(code, D(2015, 9, 1)).standards[0].failed == (
        "office-equipment",
    )
    assert not centre.stations.standing(code, D(2015, 11, 19)).passed
    assert centre.stations.standing(code, D(2015, 11, 20)).passed
    assert centre.stations.first_passed(code) == D(2015, 3, 2)
    never = centre.stations.standing("LJ-BS-BS-01", D(2016, 1, 1))
    assert not never.passed
    assert never.standards[0].evaluated_on is None


# --- ISO 9001 --------------------------------------------------------------------------


def test_iso_9001_passes_the_day_before_expiry_and_fails_the_day_after(centre) -> None:
    code = "GR-DW-BL"  # certificate 00115Q20401R0S, 2015-04-01 to 2015-09-30
    day_before, expiry, day_after = D(2015, 9, 29), D(2015, 9, 30), D(2015, 10, 1)
    assert centre.stations.standing(code, day_before).passed
    assert centre.stations.standing(code, expiry).passed
    after = centre.stations.standing(code, day_after)
    assert not after.passed
    [iso] = after.standards
    assert iso.standard == "iso-9001"
    assert iso.failed == ("iso-9001-certificate",)
    assert iso.points[0].decided_by == "record"
    assert iso.points[0].note == "证书 00115Q20401R0S 已于 2015-09-30 到期"
    before = centre.stations.standing(code, day_before).standards[0].points[0]
    assert before.note == "证书 00115Q20401R0S，有效期至 2015-09-30"
    assert not centre.stations.standing(code, D(2015, 3, 31)).passed  # not yet issued
    assert centre.stations.first_passed(code) == D(2015, 4, 1)


def test_iso_9001_without_a_certificate_fails(centre) -> None:
    standing = centre.stations.standing("LJ-BS-BS", D(2015, 12, 31))
    assert not standing.passed
    assert standing.standards[0].points[0].note == "未持有 ISO 9001 证书"


def test_an_inspector_who_finds_the_certificate_wanting_fails_it(centre) -> None:
    found = StationEvaluation(
        station_code="LJ-CZ-CZ",
        standard="iso-9001",
        inspector="孙检查",
        on=D(2015, 12, 1),
        points=(
            PointResult(point="iso-9001-certificate", passed=False, note="证书范围不含便民服务"),
        ),
    )
    centre.stations.evaluate(found)
    assert centre.stations.standing("LJ-CZ-CZ", D(2015, 11, 30)).passed
    later = centre.stations.standing("LJ-CZ-CZ", D(2015, 12, 1))
    assert not later.passed
    assert "证书范围不含便民服务" in later.standards[0].points[0].note


# --- evaluations: checks, identity, history --------------------------------------------


def test_an_evaluation_of_an_unknown_point_is_refused(centre) -> None:
    before = len(centre.stations.evaluations("GR-DW-YZ-01"))
    bad = attrs.evolve(
        five_ones("GR-DW-YZ-01", D(2015, 12, 1)),
        points=(
            *five_ones("GR-DW-YZ-01", D(2015, 12, 1)).points,
            PointResult(point="signboard", passed=True),
        ),
    )
    with pytest.raises(EvaluationPointError) as raised:
        centre.stations.evaluate(bad)
    message = str(raised.value)
    assert "GR-DW-YZ-01 (广饶县大王镇延集村便民服务站)" in message
    assert "'signboard' is not a point of the standard five-ones" in message
    assert "flow-chart" in message  # the points it has are listed
    assert raised.value.code == "GS954"
    assert len(centre.stations.evaluations("GR-DW-YZ-01")) == before


def test_an_evaluation_leaving_out_a_point_is_refused(centre) -> None:
    full = five_ones("GR-DW-YZ-01", D(2015, 12, 1))
    short = attrs.evolve(full, points=full.points[:-1])
    with pytest.raises(EvaluationPointError, match="leaves out the point service-register"):
        centre.stations.evaluate(short)


def test_an_evaluation_of_a_standard_not_of_the_station_is_refused(centre) -> None:
    wrong = attrs.evolve(iso_check("GR-DW-YZ-01", D(2015, 12, 1)))
    with pytest.raises(
        EvaluationPointError, match="'iso-9001' does not apply to a 村级便民服务站"
    ):
        centre.stations.evaluate(wrong)


def test_an_evaluation_of_a_station_not_stored_is_refused(centre) -> None:
    with pytest.raises(RecordNotFoundError, match="GR-NONE"):
        centre.stations.evaluate(five_ones("GR-NONE", D(2015, 12, 1)))


def test_the_same_evaluation_twice_is_refused(centre) -> None:
    again = five_ones("GR-DW-YZ-02", D(2015, 12, 31))
    with pytest.raises(DuplicateRecordError):
        centre.stations.evaluate(again)
    assert len(centre.stations.evaluations("GR-DW-YZ-02")) == 1


def test_evaluations_are_stored_whole_in_order(centre) -> None:
    stored = centre.stations.evaluations("DY-NZ-WY-02")
    assert [to_document(attrs.evolve(e, id=None)) for e in stored] == [
        to_document(five_ones("DY-NZ-WY-02", D(2015, 4, 10), failed=("flow-chart",))),
        to_document(five_ones("DY-NZ-WY-02", D(2015, 6, 15))),
    ]
    assert all(e.id and e.id.startswith("EV-") for e in stored)
    assert len({e.id for e in stored}) == 2
    assert len(centre.store.station_evaluations()) == 16


# --- a county's own standard -----------------------------------------------------------

SIGNBOARD = Standard(
    id="guangrao-signboard",
    name="广饶县村级便民服务站统一标识牌",
    levels={StationLevel.VILLAGE_STATION},
    criteria=(Criterion(code="signboard", text="悬挂统一标识牌"),),
)


class Guangrao:
    @hookimpl
    def govservice_register_station_standards(self, register):
        register(SIGNBOARD)


def test_a_countys_standard_is_added_through_the_hook() -> None:
    config = config_with({"name": "guangrao", "regions": ["370523"]}, region="370500")
    service = GovService(config, plugins=[("guangrao", Guangrao())], strict=True)
    install(service)
    # Guangrao's village stations now also need the signboard: not yet evaluated.
    standing = service.stations.standing("GR-DW-BL-01", D(2015, 7, 1))
    assert [s.standard for s in standing.standards] == ["five-ones", "guangrao-signboard"]
    assert standing.of("five-ones").passed
    assert not standing.passed
    assert standing.of("guangrao-signboard").failed == ("signboard",)
    service.stations.evaluate(
        StationEvaluation(
            station_code="GR-DW-BL-01",
            standard="guangrao-signboard",
            inspector="广饶县 王检查",
            on=D(2015, 7, 2),
            points=(PointResult(point="signboard", passed=True),),
        )
    )
    assert service.stations.standing("GR-DW-BL-01", D(2015, 7, 2)).passed
    assert service.stations.first_passed("GR-DW-BL-01") == D(2015, 7, 2)
    # Other counties' stations are not held to it, nor may be evaluated against it.
    lijin = service.stations.standing("LJ-CZ-CZ-01", D(2015, 7, 1))
    assert [s.standard for s in lijin.standards] == ["five-ones"]
    with pytest.raises(EvaluationPointError, match="guangrao-signboard"):
        service.stations.evaluate(
            StationEvaluation(
                station_code="LJ-CZ-CZ-01",
                standard="guangrao-signboard",
                inspector="王检查",
                on=D(2015, 7, 2),
                points=(PointResult(point="signboard", passed=True),),
            )
        )


def test_a_station_no_standard_applies_to_never_passes() -> None:
    service = GovService(config_with())
    install(service)
    standing = service.stations.standing("DY-NZ", D(2015, 12, 31))
    assert standing.standards == ()
    assert not standing.passed


# --- evidence --------------------------------------------------------------------------


def test_photo_evidence_is_the_files_name_and_sha256(tmp_path) -> None:
    photo = tmp_path / "流程图.jpg"
    data = bytes(range(256)) * 5000
    photo.write_bytes(data)
    assert photo_evidence(photo) == ("流程图.jpg", hashlib.sha256(data).hexdigest())
    with pytest.raises(InputNotFoundError):
        photo_evidence(tmp_path / "missing.jpg")
    with pytest.raises(InputNotFoundError):
        photo_evidence(tmp_path)


def test_a_photo_is_named_with_its_digest() -> None:
    with pytest.raises(ValueError, match="together with its SHA-256"):
        PointResult(point="flow-chart", passed=True, photo_name="a.jpg")
    with pytest.raises(ValueError, match="photo_sha256"):
        PointResult(point="flow-chart", passed=True, photo_name="a.jpg", photo_sha256="ABC")
    with pytest.raises(ValueError, match="point flow-chart is given twice"):
        StationEvaluation(
            station_code="X",
            standard="five-ones",
            inspector="王",
            on=D(2015, 1, 1),
            points=(PointResult(point="flow-chart", passed=True),) * 2,
        )


# --- the schema's examples -------------------------------------------------------------


@pytest.mark.parametrize("path", sorted((EXAMPLES / "valid").glob("*.json")), ids=lambda p: p.name)
def test_valid_evaluation_example(path: Path) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    evaluation = evaluation_from_document(document, where=path.name)
    assert to_document(evaluation) == document


@pytest.mark.parametrize(
    "path", sorted((EXAMPLES / "invalid").glob("*.json")), ids=lambda p: p.name
)
def test_invalid_evaluation_example(path: Path) -> None:
    example = json.loads(path.read_text(encoding="utf-8"))
    with pytest.raises(InvalidRecordError) as raised:
        evaluation_from_document(example["document"], where=path.name)
    for expected in example["expect"]:
        messages = [
            m
            for p, m in raised.value.problems
            if p == expected["pointer"] or (p == "/" and expected["pointer"] == "")
        ]
        assert any(expected["message_contains"] in m for m in messages), raised.value.problems


def test_the_valid_examples_are_accepted_by_the_fixtures_stations() -> None:
    service = GovService(config_with())
    install(service, with_evaluations=False)
    for path in sorted((EXAMPLES / "valid").glob("*.json")):
        service.stations.evaluate(
            evaluation_from_document(json.loads(path.read_text(encoding="utf-8")))
        )
    assert len(service.store.station_evaluations()) == 3
    assert {s.code for s in stations()} >= {
        e.station_code for e in service.store.station_evaluations()
    }
    assert (
        tuple(c.code for c in service.standards_for(stations()[-1])[0].criteria)
        == FIVE_ONES_POINTS
    )
