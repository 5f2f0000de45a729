"""``govservice stations coverage|guiding-import|guiding-show`` on a SQLite centre (issue
13, S2): what a clerk reads (Chinese, names), CSV and HTML to a file, exit codes (0; 1 for
a file that is not a guiding catalog, every problem listed; 2 for every other error, one
line), and nothing stored by a refused import."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from coverage_helpers import VERSIONS, install
from govservice.cli import main
from govservice.config import load_config
from govservice.service import GovService
from govservice.stations.guiding import version_document

ERROR = "govservice: error[{code}]"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "govservice.yaml"
    path.write_text(
        'name: 广饶县政务服务中心\nregion: "370523"\nstorage:\n  backend: sqlite\n'
        f"  settings:\n    path: {tmp_path / 'gr.db'}\n"
        "stations:\n  guiding_items:\n    village_station: [BM-G1]\n",
        encoding="utf-8",
    )
    service = GovService(load_config(path), environ={"GOVSERVICE_PLUGINS": ""})
    install(service, versions=False)
    service.store.close()
    return path


def run(config: Path, *args: str) -> int:
    return main(["--config", str(config), "stations", *args])


def _import_versions(config: Path, tmp_path: Path) -> None:
    for version in VERSIONS:
        path = tmp_path / f"guiding-{version.number}.json"
        path.write_text(json.dumps(version_document(version), ensure_ascii=False), "utf-8")
        assert run(config, "guiding-import", str(path)) == 0


def test_import_then_show_the_guiding_catalog(config: Path, tmp_path: Path, capsys) -> None:
    _import_versions(config, tmp_path)
    out = capsys.readouterr().out
    assert "已导入：东营市便民服务事项指导性目录第1版（2015-01-01起施行），9项" in out
    assert "已导入：东营市便民服务事项指导性目录第2版（2015-07-01起施行），10项" in out
    assert run(config, "guiding-show", "--region", "370500", "--on", "2015-06-30") == 0
    out = capsys.readouterr().out
    assert out.startswith("东营市便民服务事项指导性目录　第1版（2015-01-01起施行）\n")
    assert "东营市人民政府办公室　东政办发〔2015〕1号" in out
    assert "村级便民服务站（3项）：\n  老年人优待证办理〔BM-V1〕" in out
    assert run(config, "guiding-show", "--region", "370500", "--json") == 0
    assert json.loads(capsys.readouterr().out) == version_document(VERSIONS[1])


def test_coverage_prints_gaps_and_rates_in_chinese(config: Path, tmp_path: Path, capsys) -> None:
    _import_versions(config, tmp_path)
    capsys.readouterr()
    assert run(config, "coverage", "--on", "2015-12-31") == 0
    out = capsys.readouterr().out
    assert "指导性目录：广饶县 执行 东营市第2版（2015-07-01起施行）" in out
    assert (
        "\n广饶县大王镇延集村便民服务站          村级便民服务站             5     3   60.0%\n"
        in out
    )
    assert "    未进驻：广饶县村级土地流转登记；残疾人证申领代办\n" in out
    assert "\n利津县       8    24    11    13       0   45.8%\n" in out
    assert "合计：24个站点，应进75项，已进45项，未进30项，进驻率60.0%" in out


def test_coverage_as_csv_and_html_files(config: Path, tmp_path: Path, capsys) -> None:
    _import_versions(config, tmp_path)
    table = tmp_path / "coverage.csv"
    page = tmp_path / "coverage.html"
    assert run(config, "coverage", "--on", "2015-12-31", "--csv", "--out", str(table)) == 0
    assert "（24个站点，进驻率60.0%）" in capsys.readouterr().out
    rows = list(csv.DictReader(io.StringIO(table.read_text("utf-8"))))
    by_code = {row["站点编码"]: row for row in rows}
    assert (
        by_code["LJ-BS-BS-01"]["未进驻事项"]
        == "老年人优待证办理；计划生育服务证明；残疾人证申领代办"
    )
    assert by_code["LJ-BS-BS-01"]["乡镇(街道)"] == "利津县北宋镇便民服务中心"
    assert by_code["DY-NZ-DC-01"]["目录外事项"] == "村级快递代收"
    assert run(config, "coverage", "--on", "2015-12-31", "--html", "--out", str(page)) == 0
    text = page.read_text("utf-8")
    assert "<h1>便民服务事项进驻情况（应进必进）</h1>" in text
    assert "农村宅基地审批初审" in text
    # the file exists now: not replaced without --force
    assert run(config, "coverage", "--on", "2015-12-31", "--html", "--out", str(page)) == 2
    assert run(config, "coverage", "--html", "--out", str(page), "--force") == 0


def test_coverage_json_gives_rates(config: Path, tmp_path: Path, capsys) -> None:
    _import_versions(config, tmp_path)
    capsys.readouterr()
    assert run(config, "coverage", "--on", "2015-12-31", "--region", "370523", "--json") == 0
    document = json.loads(capsys.readouterr().out)
    assert document["total"]["rate"] == "0.6800"
    assert [t["code"] for t in document["townships"]] == ["GR-DW"]


def test_a_file_that_is_not_a_guiding_catalog_exits_1(config: Path, tmp_path: Path, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text('region: "370500"\nlevels:\n  hamlet: [BM-V1]\n', "utf-8")
    assert run(config, "guiding-import", str(path)) == 1
    captured = capsys.readouterr()
    assert "/effective: required" in captured.out
    assert "/levels/hamlet: not a level of station" in captured.out
    assert "无效：2处问题，未作改动" in captured.err


def test_a_refused_import_is_one_line_and_stores_nothing(config: Path, tmp_path, capsys):
    path = tmp_path / "unknown.yaml"
    path.write_text(
        'region: "370500"\neffective: 2015-01-01\nlevels:\n  village_station: [BM-NONE-1]\n',
        "utf-8",
    )
    assert run(config, "guiding-import", str(path)) == 2
    err = capsys.readouterr().err
    assert ERROR.format(code="GS956") in err
    assert "BM-NONE-1" in err
    assert "Traceback" not in err
    assert run(config, "guiding-show", "--region", "370500") == 2
    assert "issued no guiding catalog" in capsys.readouterr().err
