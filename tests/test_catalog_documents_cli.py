"""``govservice catalog guide|manual|fees``: from a file of items and from the catalog."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from govservice import GovService
from govservice.cli import main
from govservice.codec import to_document
from govservice.model import Fee, Material
from govservice.model.catalog import Adjustment, Change
from govservice.model.item import Channel
from govservice.samples import make_item

LICENCE = make_item(
    materials=(
        Material(
            name="建设工程规划许可申请表",
            originals=1,
            copies=0,
            review_points=("申请表填写完整、签章齐全",),
        ),
    ),
    fees=(Fee(name="执照工本费", amount=Decimal("10"), legal_basis="计价格〔2001〕585号"),),
    handling_type="promised",
    channels=(Channel.WINDOW,),
)
ROAD = make_item(
    code="11370500004275432Y-XK-0002",
    name="临时占用城市道路许可",
    department="东营市城市管理局",
    fees=(),
    materials=(),
    handling_type="immediate",
)
CANCELLED = make_item(
    code="11370500004275432Y-XK-0003",
    name="已取消的许可",
    status="cancelled",
    status_since=dt.date(2015, 1, 1),
    fees=(),
)


def items_file(tmp_path: Path, items=(LICENCE, ROAD, CANCELLED), name="items.yaml") -> Path:
    path = tmp_path / name
    path.write_text(
        yaml.safe_dump([to_document(item) for item in items], allow_unicode=True), "utf-8"
    )
    return path


def test_guide_of_one_item_from_a_file(tmp_path, capsys):
    source = items_file(tmp_path)
    assert main(["catalog", "guide", LICENCE.code, "--items", str(source)]) == 0
    html = capsys.readouterr().out
    assert html.startswith("<!DOCTYPE html>")
    assert "建设工程规划许可证核发服务指南" in html
    assert "法定时限20个工作日" in html
    assert "承诺时限5个工作日" in html
    assert (
        main(["catalog", "guide", ROAD.code, "--items", str(source), "--format", "markdown"]) == 0
    )
    markdown = capsys.readouterr().out
    assert markdown.startswith("## 临时占用城市道路许可服务指南（即办件）")
    assert "无需提交申请材料。" in markdown
    assert "**不收费**" in markdown


def test_guide_book_of_the_items_in_service(tmp_path, capsys):
    source, out = items_file(tmp_path), tmp_path / "book.html"
    code = main(
        ["catalog", "guide", "--items", str(source), "--out", str(out), "--title", "指南汇编"]
    )
    assert code == 0
    assert f"已写入：{out}" in capsys.readouterr().out
    html = out.read_text("utf-8")
    assert "<title>指南汇编</title>" in html
    assert "共2项" in html
    assert "临时占用城市道路许可" in html
    assert "已取消的许可" not in html


def test_manual_to_a_file_never_over_an_existing_one_without_force(tmp_path, capsys):
    source, out = items_file(tmp_path), tmp_path / "manual.md"
    arguments = [
        "catalog",
        "manual",
        LICENCE.code,
        "--items",
        str(source),
        "--format",
        "markdown",
        "--out",
        str(out),
    ]
    assert main(arguments) == 0
    assert "- 审查要点：申请表填写完整、签章齐全" in out.read_text("utf-8")
    out.write_text("kept", "utf-8")
    capsys.readouterr()
    assert main(arguments) == 2
    assert "error[GS111]" in capsys.readouterr().err
    assert out.read_text("utf-8") == "kept"
    assert main([*arguments, "--force"]) == 0
    assert "建设工程规划许可证核发业务手册" in out.read_text("utf-8")


def test_fees_as_csv_json_and_html(tmp_path, capsys):
    source, out = items_file(tmp_path), tmp_path / "fees.csv"
    assert main(["catalog", "fees", "--items", str(source), "--out", str(out)]) == 0
    data = out.read_bytes()
    assert data.startswith("\ufeff".encode())  # a spreadsheet reads it as UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[1][:5] == [LICENCE.code, LICENCE.name, LICENCE.department, "执照工本费", "10元"]
    assert len(rows) == 2
    capsys.readouterr()
    assert main(["catalog", "fees", "--items", str(source), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["legal_basis"] == "计价格〔2001〕585号"
    assert main(["catalog", "fees", "--items", str(source), "--format", "html"]) == 0
    assert "政务服务事项收费目录清单" in capsys.readouterr().out


def test_an_unknown_code_exits_2(tmp_path, capsys):
    assert (
        main(
            [
                "catalog",
                "guide",
                "11370500004275432Y-XK-0099",
                "--items",
                str(items_file(tmp_path)),
            ]
        )
        == 2
    )
    assert "no item with the code 11370500004275432Y-XK-0099" in capsys.readouterr().err


def test_an_invalid_item_exits_1_naming_the_file_and_line(tmp_path, capsys):
    document = to_document(LICENCE) | {"name": ""}
    source = tmp_path / "bad.json"
    source.write_text(json.dumps([to_document(ROAD), document], ensure_ascii=False), "utf-8")
    assert main(["catalog", "guide", "--items", str(source)]) == 1
    err = capsys.readouterr().err
    assert "error[GS300]" in err
    assert f"{source}:1" in err
    assert "/name" in err


def test_the_history_needs_the_catalog_not_a_file(tmp_path, capsys):
    assert main(["catalog", "fees", "--history", "--items", str(items_file(tmp_path))]) == 2
    assert "--history" in capsys.readouterr().err


@pytest.fixture
def centre(tmp_path: Path) -> Path:
    """A SQLite centre whose catalog has two versions: the fee of LICENCE lowered."""
    config = tmp_path / "govservice.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "name": "东营市政务服务中心",
                "region": "370500",
                "storage": {"backend": "sqlite", "settings": {"path": "centre.db"}},
            },
            allow_unicode=True,
        ),
        "utf-8",
    )
    service = GovService(config)
    service.catalog.import_catalog(
        [LICENCE, ROAD],
        region="370500",
        effective=dt.date(2015, 1, 1),
        decided_by="东营市人民政府",
    )
    lowered = to_document(
        Fee(name="执照工本费", amount=Decimal("5"), legal_basis="鲁价费发〔2015〕9号")
    )
    service.catalog.adjust(
        Adjustment(
            id="dy-2015-01",
            region="370500",
            effective=dt.date(2015, 4, 1),
            decided_by="东营市人民政府",
            changes=(Change(action="change", item_code=LICENCE.code, fields={"fees": [lowered]}),),
        )
    )
    service.store.close()
    return config


def test_documents_of_the_catalog_latest_and_as_of(centre, capsys):
    base = ["--config", str(centre), "catalog", "fees", "--format", "json"]
    assert main(base) == 0
    assert json.loads(capsys.readouterr().out)[0]["amount_text"] == "5元"
    assert main([*base, "--as-of", "2015-03-31"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["amount_text"] == "10元"
    assert main([*base, "--version", "1"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["amount_text"] == "10元"
    assert main(["--config", str(centre), "catalog", "guide", LICENCE.code]) == 0
    assert "<td>执照工本费</td><td>5元</td>" in capsys.readouterr().out


def test_fee_history_of_the_catalog(centre, capsys):
    assert main(["--config", str(centre), "catalog", "fees", "--history", "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert [row[:3] + row[5:6] for row in rows[1:]] == [
        ["2015-01-01", "1", "公布", "执照工本费"],
        ["2015-04-01", "2", "变更", "执照工本费"],
    ]
    assert rows[2][-1] == "收费标准：10元→5元；收费依据：计价格〔2001〕585号→鲁价费发〔2015〕9号"
    assert (
        main(
            [
                "--config",
                str(centre),
                "catalog",
                "fees",
                "--history",
                "--format",
                "html",
                "--as-of",
                "2015-02-01",
            ]
        )
        == 0
    )
    html = capsys.readouterr().out
    assert "收费变动记录" in html
    assert "2015年1月1日" in html
    assert "2015年4月1日" not in html


def test_the_demo_writes_the_guide_book_and_the_fee_list_beside_the_report(centre, tmp_path):
    from govservice.demo.run import CATALOG_DOCUMENTS, DEMO_FILES, write_catalog_documents

    folder = tmp_path / "demo"
    folder.mkdir()
    service = GovService(centre)
    write_catalog_documents(service, folder, ())
    service.store.close()
    assert sorted(p.name for p in folder.iterdir()) == sorted(CATALOG_DOCUMENTS)
    assert set(CATALOG_DOCUMENTS) <= DEMO_FILES
    book = (folder / "guide-book.html").read_text("utf-8")
    assert "<title>东营市政务服务中心服务指南汇编</title>" in book
    assert "共2项" in book
    rows = list(csv.reader(io.StringIO((folder / "fees.csv").read_text("utf-8-sig"))))
    assert rows[1][3:5] == ["执照工本费", "5元"]
    page = (folder / "fees.html").read_text("utf-8")
    assert "收费变动记录" in page
    assert "收费标准：10元→5元" in page


def test_without_a_catalog_the_demo_documents_take_the_items_given(tmp_path):
    folder = tmp_path / "demo"
    folder.mkdir()
    from govservice.demo.run import write_catalog_documents

    write_catalog_documents(GovService(), folder, [LICENCE, ROAD, CANCELLED])
    assert "共2项" in (folder / "guide-book.html").read_text("utf-8")
    assert "收费变动记录" not in (folder / "fees.html").read_text("utf-8")


def test_a_county_override_with_a_syntax_error_is_one_line_naming_file_and_line(
    tmp_path, monkeypatch, capsys
):
    broken = tmp_path / "guide-county.html.j2"
    broken.write_text("<h1>{{ guide.name }}</h1>\n{% for x in %}\n", "utf-8")
    (tmp_path / "county_templates.py").write_text(
        "from govservice.hookspecs import hookimpl\n\n"
        "@hookimpl\n"
        "def govservice_catalog_templates(region):\n"
        f"    return {{'_guide.html.j2': {str(broken)!r}}}\n",
        "utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    config = tmp_path / "govservice.yaml"
    config.write_text(
        "name: 东营市政务服务中心\nregion: '370500'\nplugins:\n  - module: county_templates\n",
        "utf-8",
    )
    arguments = ["--config", str(config), "catalog", "guide", LICENCE.code]
    assert main([*arguments, "--items", str(items_file(tmp_path))]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"govservice: error[GS505] {broken}:2: template override does not work")
    assert len(err.splitlines()) == 1


def test_the_catalog_documents_need_a_database_and_create_none(tmp_path, capsys):
    config = tmp_path / "typo.yaml"
    config.write_text(
        "name: 测试\nregion: '370500'\nstorage: {backend: sqlite, settings: {path: tpyo.db}}\n",
        "utf-8",
    )
    assert main(["--config", str(config), "catalog", "fees"]) == 2
    assert "error[GS" in capsys.readouterr().err
    assert not (tmp_path / "tpyo.db").exists()
    assert main(["catalog", "guide"]) == 2  # the built-in configuration: memory
    assert "the store is 'memory'" in capsys.readouterr().err
