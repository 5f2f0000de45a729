"""``govservice stations tree|add|evaluate|standing|subsidies`` on a SQLite centre: what a
clerk reads, exit codes (0; 1 for an invalid file; 2 for every other error, in one line,
never a traceback), and nothing stored by a refused command."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest

from govservice.cli import main
from govservice.codec import to_document
from stations_fixture import evaluations, stations

ERROR = "govservice: error[{code}]"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "govservice.yaml"
    path.write_text(
        'name: 东营市政务服务中心\nregion: "370500"\nstorage:\n  backend: sqlite\n'
        f"  settings:\n    path: {tmp_path / 'dy.db'}\n"
        "stations:\n  subsidies:\n"
        "    - {year: 2015, community_centre: 150000, village_station: 10000}\n",
        encoding="utf-8",
    )
    return path


def run(config: Path, *args: str) -> int:
    return main(["--config", str(config), "stations", *args])


def _write_json_lines(path: Path, documents: list) -> Path:
    path.write_text(
        "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in documents), encoding="utf-8"
    )
    return path


@pytest.fixture
def stocked(config: Path, tmp_path: Path) -> Path:
    """The fixture's stations and evaluations stored through the CLI."""
    file = _write_json_lines(tmp_path / "stations.jsonl", [to_document(s) for s in stations()])
    assert run(config, "add", str(file)) == 0
    for number, evaluation in enumerate(evaluations()):
        path = tmp_path / f"evaluation-{number}.json"
        path.write_text(json.dumps(to_document(evaluation), ensure_ascii=False), encoding="utf-8")
        assert run(config, "evaluate", "--file", str(path)) == 0
    return config


def test_tree_prints_the_hierarchy_with_counts(stocked: Path, capsys) -> None:
    capsys.readouterr()
    assert run(stocked, "tree") == 0
    out = capsys.readouterr().out
    assert "站点体系：共 24 个站点" in out
    assert "  农村社区便民服务中心：6" in out
    assert "  村级便民服务站：10" in out
    assert (
        "  广饶县政务服务中心〔370523-ZWZX，县区政务服务中心〕  下设：乡镇(街道)便民服务中心 1，"
        "农村社区便民服务中心 2，村级便民服务站 3"
    ) in out
    assert "        广饶县大王镇孙家村便民服务站〔GR-DW-YZ-02，村级便民服务站〕\n" in out
    assert run(stocked, "tree", "--region", "370522", "--json") == 0
    document = json.loads(capsys.readouterr().out)
    assert document["counts"]["village_station"] == 3
    assert document["total"] == 8
    assert document["roots"][0]["below"] == {
        "township_centre": 2,
        "community_centre": 2,
        "village_station": 3,
    }


def test_add_refuses_a_station_too_deep_and_stores_none(config: Path, tmp_path, capsys) -> None:
    documents = [to_document(s) for s in stations()]
    deep = dict(
        documents[-1], code="GR-DEEP", name="广饶县大王镇深村便民服务站", parent_code="GR-DW-YZ-02"
    )
    file = _write_json_lines(tmp_path / "stations.jsonl", [*documents, deep])
    capsys.readouterr()
    assert run(config, "add", str(file)) == 2
    err = capsys.readouterr().err
    assert err.startswith(ERROR.format(code="GS951"))
    assert "GR-DEEP (广饶县大王镇深村便民服务站)" in err
    assert "exactly one level below" in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert run(config, "tree", "--json") == 0
    assert json.loads(capsys.readouterr().out)["total"] == 0


def test_add_refuses_a_region_outside_the_parents_county(config: Path, tmp_path, capsys) -> None:
    documents = [to_document(s) for s in stations()]
    documents[-1] = dict(documents[-1], region="370502")
    file = _write_json_lines(tmp_path / "stations.jsonl", documents)
    capsys.readouterr()
    assert run(config, "add", str(file)) == 2
    err = capsys.readouterr().err
    assert err.startswith(ERROR.format(code="GS952"))
    assert "GR-DW-YZ-02 (广饶县大王镇孙家村便民服务站)" in err


def test_add_refuses_a_cycle(config: Path, tmp_path, capsys) -> None:
    one = {
        "code": "X-1",
        "name": "甲便民服务中心",
        "level": "township_centre",
        "parent_code": "X-2",
        "region": "370523",
    }
    two = dict(one, code="X-2", name="乙便民服务中心", parent_code="X-1")
    file = _write_json_lines(tmp_path / "stations.jsonl", [one, two])
    assert run(config, "add", str(file)) == 2
    assert capsys.readouterr().err.startswith(ERROR.format(code="GS953"))


def test_add_of_an_invalid_record_exits_1(config: Path, tmp_path, capsys) -> None:
    file = _write_json_lines(tmp_path / "stations.jsonl", [{"code": "X-1", "name": "甲"}])
    assert run(config, "add", str(file)) == 1
    captured = capsys.readouterr()
    assert "stations.jsonl:1" in captured.out
    assert "无效" in captured.err


def test_evaluate_with_options_hashes_the_photo(stocked: Path, tmp_path, capsys) -> None:
    photo = tmp_path / "孙家村-流程图.jpg"
    photo.write_bytes(b"\xff\xd8\xff fixture photo")
    capsys.readouterr()
    code = run(
        stocked,
        "evaluate",
        "GR-DW-YZ-02",
        "--standard",
        "five-ones",
        "--inspector",
        "孙检查",
        "--on",
        "2016-02-01",
        "--pass",
        "service-room",
        "--pass",
        "open-counter",
        "--pass",
        "office-equipment",
        "--fail",
        "flow-chart",
        "--pass",
        "service-register",
        "--note",
        "flow-chart=流程图被撕毁",
        "--photo",
        f"flow-chart={photo}",
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "广饶县大王镇孙家村便民服务站，2016-02-01，孙检查" in out
    assert "村级便民服务站“五个一”建设标准：未达标（未通过：一张办事流程图）" in out
    assert run(stocked, "standing", "GR-DW-YZ-02", "--on", "2016-02-01", "--json") == 0
    document = json.loads(capsys.readouterr().out)
    flow = next(p for p in document["standards"][0]["points"] if p["point"] == "flow-chart")
    assert flow["passed"] is False
    assert flow["note"] == "流程图被撕毁"
    assert flow["photo_name"] == "孙家村-流程图.jpg"
    assert flow["photo_sha256"] == hashlib.sha256(photo.read_bytes()).hexdigest()


def test_evaluate_refuses_an_unknown_point(stocked: Path, capsys) -> None:
    capsys.readouterr()
    code = run(
        stocked,
        "evaluate",
        "LJ-BS-BS-01",
        "--standard",
        "five-ones",
        "--inspector",
        "孙检查",
        "--on",
        "2015-12-01",
        "--pass",
        "service-room",
        "--pass",
        "open-counter",
        "--pass",
        "office-equipment",
        "--pass",
        "flow-chart",
        "--pass",
        "service-register",
        "--pass",
        "signboard",
    )
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith(ERROR.format(code="GS954"))
    assert "LJ-BS-BS-01 (利津县北宋镇北宋村便民服务站)" in err
    assert "'signboard'" in err
    assert run(stocked, "standing", "LJ-BS-BS-01", "--on", "2016-01-01") == 0
    assert "尚未评估" in capsys.readouterr().out  # nothing stored


def test_evaluate_with_a_missing_photo_exits_2(stocked: Path, tmp_path, capsys) -> None:
    capsys.readouterr()
    code = run(
        stocked,
        "evaluate",
        "LJ-BS-BS-01",
        "--standard",
        "five-ones",
        "--inspector",
        "孙检查",
        "--on",
        "2015-12-01",
        "--pass",
        "service-room",
        "--photo",
        f"service-room={tmp_path / 'none.jpg'}",
    )
    assert code == 2
    assert capsys.readouterr().err.startswith(ERROR.format(code="GS101"))


def test_evaluate_of_an_invalid_file_exits_1(stocked: Path, tmp_path, capsys) -> None:
    path = tmp_path / "evaluation.json"
    path.write_text(json.dumps({"station_code": "LJ-BS-BS-01", "standard": "five-ones"}))
    assert run(stocked, "evaluate", "--file", str(path)) == 1
    assert "inspector" in capsys.readouterr().out


def test_evaluate_usage_errors_exit_2(stocked: Path, capsys) -> None:
    assert run(stocked, "evaluate") == 2
    assert run(stocked, "evaluate", "LJ-BS-BS-01", "--standard", "five-ones") == 2
    err = capsys.readouterr().err
    assert "needs --inspector, --on" in err
    assert "Traceback" not in err


def test_standing_in_chinese(stocked: Path, capsys) -> None:
    capsys.readouterr()
    assert run(stocked, "standing", "GR-DW-BL", "--on", "2015-10-01") == 0
    out = capsys.readouterr().out
    assert "广饶县大王镇北柳农村社区便民服务中心（农村社区便民服务中心）2015-10-01：未达标" in out
    assert (
        "✗ 持有有效的 ISO 9001 质量管理体系认证证书：证书 00115Q20401R0S 已于 2015-09-30 到期"
        in out
    )
    assert run(stocked, "standing", "GR-DW-BL", "--on", "2015-09-30") == 0
    assert "2015-09-30：达标" in capsys.readouterr().out
    assert run(stocked, "standing", "NOWHERE", "--on", "2015-09-30") == 2
    assert capsys.readouterr().err.startswith(ERROR.format(code="GS703"))


def test_subsidies_table_csv_and_json(stocked: Path, tmp_path, capsys) -> None:
    capsys.readouterr()
    assert run(stocked, "subsidies", "2015") == 0
    out = capsys.readouterr().out
    assert "2015年以奖代补：11个站点，合计 670,000.00 元" in out
    assert "  广饶县 小计：5个，330,000.00 元" in out
    assert "  农村社区便民服务中心：4个，600,000.00 元" in out
    out_file = tmp_path / "subsidies-2015.csv"
    assert run(stocked, "subsidies", "2015", "--csv", "--out", str(out_file)) == 0
    rows = list(csv.reader(io.StringIO(out_file.read_text(encoding="utf-8-sig"))))
    assert sum(Decimal(row[-1]) for row in rows[1:-1]) == Decimal("670000")
    assert run(stocked, "subsidies", "2015", "--csv", "--out", str(out_file)) == 2  # no --force
    capsys.readouterr()
    assert run(stocked, "subsidies", "2015", "--json") == 0
    document = json.loads(capsys.readouterr().out)
    assert document["total"] == "670000"
    assert {
        t["county_name"]: t["amount"] for t in document["by_county"] if t["level"] is None
    } == {"东营区": "170000", "利津县": "170000", "广饶县": "330000"}


def test_subsidies_of_a_year_without_amounts_exits_2(stocked: Path, capsys) -> None:
    capsys.readouterr()
    assert run(stocked, "subsidies", "2016") == 2
    err = capsys.readouterr().err
    assert err.startswith(ERROR.format(code="GS955"))
    assert "2016" in err
    assert "Traceback" not in err


def test_evaluate_refuses_a_bad_note_or_code_in_one_line(stocked: Path, capsys) -> None:
    capsys.readouterr()
    base = ["evaluate", "--standard", "five-ones", "--inspector", "孙检查", "--on", "2015-12-01"]
    assert run(stocked, *base[:1], "../etc", *base[1:], "--pass", "service-room") == 2
    assert run(stocked, *base[:1], "LJ-BS-BS-01", *base[1:], "--pass", "a", "--pass", "a") == 2
    assert (
        run(stocked, *base[:1], "LJ-BS-BS-01", *base[1:], "--pass", "a", "--note", "a=\x1b[31m")
        == 2
    )
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 3
    assert all(line.startswith("govservice: error[GS110]") for line in err.strip().splitlines())


@pytest.mark.parametrize("suffix", [".jsonl", ".json"])
def test_govservice_import_station_keeps_the_level_rules_too(
    config: Path, tmp_path: Path, capsys, suffix: str
) -> None:
    """The generic bulk import is no way around the hierarchy: a batch with a station one
    level too deep is refused whole, in one line, and none of it is stored."""
    documents = [to_document(s) for s in stations()]
    village = next(d for d in documents if d["level"] == "village_station")
    township = next(d for d in documents if d["level"] == "township_centre")
    too_deep = {**village, "code": "DY-TOO-DEEP", "parent_code": township["code"]}
    path = tmp_path / f"stations{suffix}"
    if suffix == ".jsonl":
        _write_json_lines(path, [*documents, too_deep])
    else:
        path.write_text(json.dumps([*documents, too_deep], ensure_ascii=False), encoding="utf-8")

    assert main(["--config", str(config), "import", "station", str(path)]) == 2

    err = capsys.readouterr().err
    assert err.startswith(ERROR.format(code="GS951"))
    assert "DY-TOO-DEEP" in err
    assert err.count("\n") == 1
    assert "Traceback" not in err
    assert run(config, "tree") == 0
    assert "共 0 个站点" in capsys.readouterr().out
