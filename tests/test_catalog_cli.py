"""``govservice catalog import|export|adjust|versions|as-of|diff|check`` on a SQLite centre:
what a clerk reads, exit codes (0, 1 for an invalid file or findings, 2 for errors in one
line), idempotent imports and adjustments, export then import."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

from govservice.catalog.exchange import adjustment_document, export_text
from govservice.catalog.versions import CatalogVersion
from govservice.cli import main
from govservice.model.catalog import Adjustment, Change
from govservice.samples import make_item

D = dt.date
CITY = "370500"
PLANNING = make_item()
ANNUAL_CHECK = make_item(code="11370500004275432Y-XK-0003", name="房地产开发企业资质年检")
MINING = make_item(code="11370500004275432Y-XK-0004", name="采矿许可证核发")


@pytest.fixture
def centre(tmp_path: Path) -> Path:
    config = tmp_path / "govservice.yaml"
    config.write_text(
        'name: 东营市政务服务中心\nregion: "370500"\nstorage:\n  backend: sqlite\n'
        f"  settings:\n    path: {tmp_path / 'dy.db'}\n",
        encoding="utf-8",
    )
    return config


@pytest.fixture
def catalog_file(tmp_path: Path) -> Path:
    version = CatalogVersion(
        CITY,
        1,
        D(2015, 1, 1),
        None,
        {item.code: item for item in (PLANNING, ANNUAL_CHECK)},
        {"decided_by": "东营市人民政府", "decision_number": "东政发〔2014〕30号"},
    )
    path = tmp_path / "catalog.yaml"
    path.write_text(export_text(version, "yaml"), encoding="utf-8")
    return path


def adjustment_file(tmp_path: Path, name: str = "adjustment.yaml", **changes) -> Path:
    fields = {
        "id": "dy-2015-01",
        "region": CITY,
        "effective": D(2015, 3, 1),
        "decided_by": "东营市人民政府",
        "decision_number": "东政发〔2015〕5号",
        "changes": (
            Change(action="cancel", item_code=ANNUAL_CHECK.code),
            Change(action="take_over", item_code=MINING.code, item=MINING),
        ),
    }
    path = tmp_path / name
    document = adjustment_document(Adjustment(**(fields | changes)))
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


def run(centre: Path, *arguments: str) -> int:
    return main(["--config", str(centre), "catalog", *arguments])


def test_import_twice_then_adjust_twice(centre, catalog_file, tmp_path, capsys):
    assert run(centre, "import", str(catalog_file)) == 0
    assert capsys.readouterr().out == "已导入：370500 事项目录第1版（2015-01-01起施行），事项2项\n"
    assert run(centre, "import", str(catalog_file)) == 0
    assert capsys.readouterr().out.startswith("未作改动：已是370500 事项目录第1版")
    adjustment = adjustment_file(tmp_path)
    assert run(centre, "adjust", str(adjustment)) == 0
    assert capsys.readouterr().out == (
        "已调整：东营市人民政府（东政发〔2015〕5号），370500 事项目录第2版（2015-03-01起施行）："
        "保留1项，承接省级下放1项，取消1项\n"
    )
    assert run(centre, "adjust", str(adjustment)) == 0
    assert capsys.readouterr().out.startswith("未作改动：调整 dy-2015-01 已施行")
    assert run(centre, "versions") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("第1版  2015-01-01起施行  事项2项  导入  东营市人民政府")
    assert lines[1].startswith("第2版  2015-03-01起施行  事项3项  调整 dy-2015-01")


def test_as_of_diff_and_check(centre, catalog_file, tmp_path, capsys):
    run(centre, "import", str(catalog_file))
    run(centre, "adjust", str(adjustment_file(tmp_path)))
    capsys.readouterr()
    assert run(centre, "as-of", "2015-02-28") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "370500 事项目录第1版（2015-01-01起施行），2015-02-28在办事项2项"
    assert run(centre, "as-of", "2015-03-01", "--json") == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["version"] == 2
    assert [i["code"] for i in shown["items"]] == [PLANNING.code, MINING.code]
    assert run(centre, "diff", "1", "2") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "370500 事项目录 第1版 → 第2版：保留1项，承接省级下放1项，取消1项"
    assert f"取消(停办)  {ANNUAL_CHECK.code}  {ANNUAL_CHECK.name}" in out
    assert "    status: in_service → cancelled" in out
    assert run(centre, "diff", "--json") == 0
    found = json.loads(capsys.readouterr().out)
    assert found["summary"]["cancelled"] == 1
    assert found["summary"]["taken_over"] == 1
    status = run(centre, "check", "--json")
    findings = json.loads(capsys.readouterr().out)
    assert status == (1 if findings else 0)


def test_export_then_import_into_another_centre_gives_the_same_catalog(
    centre, catalog_file, tmp_path, capsys
):
    run(centre, "import", str(catalog_file))
    run(centre, "adjust", str(adjustment_file(tmp_path)))
    capsys.readouterr()
    out = tmp_path / "exported.json"
    assert run(centre, "export", "--format", "json", "--out", str(out)) == 0
    assert capsys.readouterr().out.startswith(f"已写入：{out}")
    assert run(centre, "export", "--format", "json", "--out", str(out)) == 2  # no --force
    assert "error[GS111]" in capsys.readouterr().err
    other = tmp_path / "other"
    other.mkdir()
    config = other / "govservice.yaml"
    config.write_text(
        centre.read_text(encoding="utf-8").replace(str(tmp_path / "dy.db"), str(other / "o.db")),
        encoding="utf-8",
    )
    assert run(config, "import", str(out)) == 0
    capsys.readouterr()
    assert run(config, "export", "--format", "json") == 0
    again = json.loads(capsys.readouterr().out)
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert again["items"] == exported["items"]
    assert again["version"] == 1


def test_a_bad_adjustment_is_one_line_and_exit_2_and_nothing_is_applied(
    centre, catalog_file, tmp_path, capsys
):
    run(centre, "import", str(catalog_file))
    capsys.readouterr()
    unknown = "11370500004275432Y-XK-0099"
    bad = adjustment_file(
        tmp_path,
        changes=(
            Change(action="take_over", item_code=MINING.code, item=MINING),
            Change(action="cancel", item_code=unknown),
        ),
    )
    assert run(centre, "adjust", str(bad)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("govservice: error[GS901] adjustment dy-2015-01:")
    assert unknown in err
    assert run(centre, "versions", "--json") == 0
    assert [v["number"] for v in json.loads(capsys.readouterr().out)] == [1]
    early = adjustment_file(tmp_path, "early.yaml", id="dy-2014-09", effective=D(2014, 9, 1))
    assert run(centre, "adjust", str(early)) == 2
    assert "error[GS902]" in capsys.readouterr().err


def test_an_invalid_file_lists_its_problems_and_exits_1(centre, tmp_path, capsys):
    path = tmp_path / "adjustment.json"
    path.write_text(
        json.dumps(
            {
                "id": "dy-2015-01",
                "region": "99",
                "effective": "2015-03-01",
                "decided_by": "东营市人民政府",
                "changes": [{"action": "take_over", "item_code": MINING.code}],
            }
        ),
        encoding="utf-8",
    )
    assert run(centre, "adjust", str(path)) == 1
    captured = capsys.readouterr()
    assert "/region" in captured.out
    assert "/changes/0" in captured.out
    assert captured.err.startswith("无效：")


def test_a_version_that_does_not_exist_is_one_line(centre, catalog_file, capsys):
    assert run(centre, "as-of", "2015-01-01") == 2  # no database: none is made to read
    assert "no database here" in capsys.readouterr().err
    assert not (centre.parent / "dy.db").exists()
    run(centre, "import", str(catalog_file))
    capsys.readouterr()
    assert run(centre, "as-of", "2014-12-31") == 2
    assert "error[GS903]" in capsys.readouterr().err
    assert run(centre, "export", "--version", "5") == 2
    assert "error[GS903]" in capsys.readouterr().err
