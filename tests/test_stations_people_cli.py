"""``govservice stations training|staff-assessment`` on a SQLite centre: sessions and
records from files (a bad file lists its problems, exit 1, nothing stored), the
summaries, the quarter's assessment and its circular; errors are one line, exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from govservice.cli import main
from govservice.codec import to_document
from govservice.store.sqlite import SqliteStore
from stations_fixture import stations
from test_staff_assessment import CASES, DISCIPLINE, RULES, STAFF
from test_training import SESSIONS


@pytest.fixture
def centre(tmp_path: Path) -> Path:
    database = tmp_path / "dy.db"
    store = SqliteStore(database)
    for station in stations():
        store.add(station)
    for case in CASES:
        store.add(case)
    store.close()
    config = tmp_path / "govservice.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "name": "东营市政务服务中心",
                "region": "370500",
                "storage": {"backend": "sqlite", "settings": {"path": str(database)}},
                "stations": {"assessment": RULES},
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    return config


def run(centre: Path, *arguments: str) -> int:
    return main(
        ["--config", str(centre), "--now", "2016-01-08T09:00:00+08:00", "stations", *arguments]
    )


def lines_file(tmp_path: Path, name: str, records) -> Path:
    path = tmp_path / name
    path.write_text(
        "".join(json.dumps(to_document(r), ensure_ascii=False) + "\n" for r in records),
        encoding="utf-8",
    )
    return path


def test_training_add_then_summary(centre, tmp_path, capsys):
    sessions = lines_file(tmp_path, "sessions.jsonl", SESSIONS)
    assert run(centre, "training", "add", str(sessions)) == 0
    assert capsys.readouterr().out == "已登记：培训4期，13人次\n"
    assert run(centre, "training", "summary", "2015") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "2015年业务培训：3期，9.5学时；参训12人次，合计39学时"
    assert "  东营区：8个站点，6人次，20.5学时，未参训站点5个" in out
    assert (
        "  东营区牛庄镇王营农村社区便民服务中心（农村社区便民服务中心）：3人次，10.5学时，2人"
        in out
    )
    assert "全年无人参训的站点（16个）：" in out
    assert run(centre, "training", "summary", "2015", "--csv") == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0] == "县区,站点,站点编码,层级,参训人次,学时,参训人数"
    assert len(rows) == 25
    assert run(centre, "training", "summary", "2015", "--json") == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["person_times"], shown["hours"]) == (12, "39")


def test_a_bad_session_file_lists_its_problems_and_stores_nothing(centre, tmp_path, capsys):
    documents = [to_document(s) for s in SESSIONS[:2]]
    del documents[1]["hours"]
    path = tmp_path / "sessions.json"
    path.write_text(json.dumps(documents, ensure_ascii=False), encoding="utf-8")
    assert run(centre, "training", "add", str(path)) == 1
    captured = capsys.readouterr()
    assert "(root): 'hours' is a required property" in captured.out
    assert "未作改动" in captured.err
    assert run(centre, "training", "summary", "2015", "--json") == 0
    assert json.loads(capsys.readouterr().out)["sessions"] == 0


def test_an_unknown_station_is_one_line_and_exit_2(centre, tmp_path, capsys):
    document = to_document(SESSIONS[0])
    document["attendance"][1]["station_code"] = "NO-SUCH"
    path = tmp_path / "session.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    assert run(centre, "training", "add", str(path)) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1
    assert "[GS1101]" in err
    assert "NO-SUCH" in err
    assert "Traceback" not in err


def test_staff_assessment_from_files(centre, tmp_path, capsys):
    assert (
        run(
            centre,
            "staff-assessment",
            "attendance",
            str(lines_file(tmp_path, "staff.jsonl", STAFF)),
        )
        == 0
    )
    assert capsys.readouterr().out == "已登记：考勤记录3条\n"
    assert (
        run(
            centre,
            "staff-assessment",
            "discipline",
            str(lines_file(tmp_path, "discipline.jsonl", DISCIPLINE)),
        )
        == 0
    )
    assert capsys.readouterr().out == "已登记：纪律记录2条\n"
    assert run(centre, "staff-assessment", "quarter", "2015", "2") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "2015年第2季度进驻人员考核：3人，3个窗口（考核细则：配置文件）"
    assert out[3].split()[:3] == ["1", "96.35分", "王建军"]
    assert "  党员服务先锋岗：张玉兰（东营市政务服务中心）" in out
    assert run(centre, "staff-assessment", "quarter", "2015", "2", "--json") == 0
    shown = json.loads(capsys.readouterr().out)
    assert [p["score"] for p in shown["people"]] == ["96.35", "79", "73"]
    circular = tmp_path / "circular.txt"
    assert (
        run(
            centre,
            "staff-assessment",
            "quarter",
            "2015",
            "2",
            "--circular",
            "--out",
            str(circular),
        )
        == 0
    )
    assert capsys.readouterr().out.startswith("已写出：")
    assert circular.read_text(encoding="utf-8").startswith(
        "关于2015年第二季度进驻人员考核情况的通报"
    )


def test_a_quarter_out_of_range_is_one_line_and_exit_2(centre, capsys):
    assert run(centre, "staff-assessment", "quarter", "2015", "5") == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1
    assert "[GS1102]" in err


def test_weights_that_do_not_add_up_are_one_line_and_exit_2(centre, capsys):
    data = yaml.safe_load(centre.read_text(encoding="utf-8"))
    data["stations"]["assessment"]["weights"]["grades"] = 25
    centre.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert run(centre, "staff-assessment", "quarter", "2015", "2") == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1
    assert "[GS411]" in err
    assert "add up to 105, not 100" in err
    assert "govservice.yaml:" in err


def test_a_bad_attendance_file_stores_nothing(centre, tmp_path, capsys):
    documents = [to_document(r) for r in STAFF]
    documents[2]["quarter"] = 7
    path = tmp_path / "staff.json"
    path.write_text(json.dumps(documents, ensure_ascii=False), encoding="utf-8")
    assert run(centre, "staff-assessment", "attendance", str(path)) == 1
    assert "quarter" in capsys.readouterr().out
    assert run(centre, "staff-assessment", "quarter", "2015", "2", "--json") == 0
    assert json.loads(capsys.readouterr().out)["people"] == []
