"""The list of intermediary services (中介服务事项清单, issue 14 H3): the six fee regimes
validate, import, export and appear correctly in the fee disclosure; the list's status
history; the link both ways between a service and the approval items it serves."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from govservice.catalog import disclosure
from govservice.catalog.guides import render_guide, render_guide_book
from govservice.cli import main
from govservice.codec import from_document, to_document
from govservice.errors import InvalidRecordError, RecordNotFoundError, ServiceListError
from govservice.kinds import KINDS
from govservice.model import (
    FeeRegime,
    IntermediaryService,
    ListStatus,
    ListStatusChange,
    ServiceFee,
)
from govservice.samples import make_item
from govservice.store.chained import changes
from govservice.validation import validator_for
from people_helpers import BACKENDS, centre_on

EXAMPLES = Path(__file__).parents[1] / "examples" / "dongying"
SERVICES_FILE = EXAMPLES / "intermediary-services.json"
AGENCIES_FILE = EXAMPLES / "intermediaries.json"
DAY = dt.date(2015, 11, 2)
ITEM = "11370500004275449M-XK-0003"  # 建筑工程施工许可证核发, in the demo catalog

EXPECTED_WORDS = {
    # regime: (a service of the example file, what the fee list says of it)
    "fixed": ("ZJ-370500-001", "3000元"),
    "range": ("ZJ-370500-002", "2800元至30000元"),
    "negotiated": ("ZJ-370500-003", "市场调节价，双方协商"),
    "price_document": ("ZJ-370500-004", "按鲁价费发〔2012〕53号规定收费"),
    "government": ("ZJ-370500-005", "政府承担（纳入审批程序），申请人不付费"),
    "tariff": ("ZJ-370500-006", "按各中介机构收费标准（见各机构报价）"),
}


def example_documents() -> list[dict]:
    return json.loads(SERVICES_FILE.read_text(encoding="utf-8"))


def service(**changes_: object) -> IntermediaryService:
    fields = {
        "code": "ZJ-370500-101",
        "name": "施工图设计文件审查",
        "department": "东营市住房和城乡建设管理局",
        "region": "370500",
        "items": (ITEM,),
        "basis": "《建设工程质量管理条例》第十一条",
        "fee": ServiceFee(regime=FeeRegime.FIXED, amount=Decimal("3000")),
        "history": (ListStatusChange(status=ListStatus.RETAINED, on=dt.date(2015, 3, 1)),),
    }
    return IntermediaryService(**(fields | changes_))


# --- the six regimes: validate ------------------------------------------------------------------


def test_the_example_list_has_the_six_regimes_and_each_is_valid():
    documents = example_documents()
    validator = validator_for(KINDS["intermediary-service"])
    regimes = set()
    for document in documents:
        assert validator.problems(document) == [], document["code"]
        regimes.add(from_document(IntermediaryService, document).fee.regime)
    assert regimes == set(FeeRegime)
    by_code = {d["code"]: d for d in documents}
    for regime, (code, _) in EXPECTED_WORDS.items():
        assert by_code[code]["fee"]["regime"] == regime


@pytest.mark.parametrize(
    ("fee", "pointer"),
    [
        ({"regime": "fixed"}, "/fee"),  # a fixed fee without its amount
        ({"regime": "range", "amount": "100.00"}, "/fee"),  # a range without its upper end
        ({"regime": "negotiated", "amount": "100.00"}, "/fee"),  # a negotiated amount
        ({"regime": "price_document"}, "/fee"),  # the document not cited
        ({"regime": "government", "amount": "0.00"}, "/fee"),  # the government pays
        ({"regime": "bartered"}, "/fee/regime"),
    ],
)
def test_a_fee_that_does_not_fit_its_regime_is_invalid(fee, pointer):
    document = example_documents()[0] | {"fee": fee}
    problems = validator_for(KINDS["intermediary-service"]).problems(document)
    assert problems, fee
    assert any(p.pointer.startswith(pointer) for p in problems), problems
    with pytest.raises(InvalidRecordError):
        from_document(IntermediaryService, document)


def test_a_range_upside_down_is_refused_by_the_model():
    document = example_documents()[1] | {
        "fee": {"regime": "range", "amount": "3000.00", "amount_to": "2800.00"}
    }
    with pytest.raises(InvalidRecordError, match="amount_to"):
        from_document(IntermediaryService, document)


# --- import, export -----------------------------------------------------------------------------


def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "govservice.yaml"
    path.write_text(
        'name: 东营市政务服务中心\nregion: "370500"\nstorage:\n  backend: sqlite\n'
        f"  settings:\n    path: {tmp_path / 'centre.db'}\n",
        encoding="utf-8",
    )
    return path


def cli(config: Path, *args: str) -> int:
    return main(["--config", str(config), "--now", "2015-11-02T09:00:00+08:00", *args])


def test_generic_import_then_export_gives_the_list_back(tmp_path, capsys):
    config = config_file(tmp_path)
    assert cli(config, "import", "intermediary-service", str(SERVICES_FILE)) == 0
    assert "intermediary-service: 9 imported" in capsys.readouterr().out
    for form, load in (("json", json.loads), ("yaml", yaml.safe_load)):
        assert cli(config, "intermediaries", "services", "export", "--format", form) == 0
        exported = load(capsys.readouterr().out)
        assert sorted(exported, key=lambda d: d["code"]) == sorted(
            (to_document(from_document(IntermediaryService, d)) for d in example_documents()),
            key=lambda d: d["code"],
        )
    assert cli(config, "intermediaries", "services", "export", "--format", "jsonl") == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 9
    # what was exported imports again, into another centre, the same
    again = tmp_path / "again"
    again.mkdir()
    exported_file = again / "services.jsonl"
    exported_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    other = config_file(again)
    assert cli(other, "intermediaries", "services", "import", str(exported_file)) == 0
    assert "已列入中介服务事项清单：9项" in capsys.readouterr().out
    assert cli(other, "intermediaries", "services", "export", "--format", "jsonl") == 0
    assert capsys.readouterr().out.splitlines() == lines


def test_import_of_an_invalid_service_lists_the_problem_and_stores_nothing(tmp_path, capsys):
    config = config_file(tmp_path)
    assert cli(config, "db", "init") == 0
    documents = example_documents()
    documents[3]["fee"] = {"regime": "fixed"}  # no amount
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(documents, ensure_ascii=False), encoding="utf-8")
    assert cli(config, "intermediaries", "services", "import", str(path)) == 1
    out = capsys.readouterr()
    assert "bad.json" in out.out
    assert "/fee" in out.out
    assert "未作改动" in out.err
    assert cli(config, "intermediaries", "services", "export", "--format", "jsonl") == 0
    assert capsys.readouterr().out == ""


# --- the fee disclosure -------------------------------------------------------------------------


def fees_centre(tmp_path: Path, capsys) -> Path:
    config = config_file(tmp_path)
    assert cli(config, "catalog", "import", str(EXAMPLES / "catalog-2015.yaml")) == 0
    assert cli(config, "intermediaries", "services", "import", str(SERVICES_FILE)) == 0
    assert cli(config, "intermediaries", "register", str(AGENCIES_FILE)) == 0
    capsys.readouterr()
    return config


def test_each_regime_appears_correctly_in_the_fee_disclosure(tmp_path, capsys):
    config = fees_centre(tmp_path, capsys)

    assert cli(config, "catalog", "fees", "--format", "json") == 0
    rows = json.loads(capsys.readouterr().out)
    of_list = {r["item_code"]: r for r in rows if r["fee"] == "中介服务费"}
    for regime, (code, words) in EXPECTED_WORDS.items():
        assert words in of_list[code]["amount_text"], regime
        assert of_list[code]["third_party"] is True
    assert of_list["ZJ-370500-001"]["amount"] == "3000.00"  # a fixed amount, as an amount
    assert of_list["ZJ-370500-002"]["amount"] is None  # a range is no single amount
    assert of_list["ZJ-370500-004"]["legal_basis"] == "鲁价费发〔2012〕53号"  # cited
    assert "ZJ-370500-008" not in of_list  # cancelled on 2015-10-01: not disclosed
    # each agency's own tariff, with its amounts
    tariffs = {
        r["collector"]: r["amount_text"]
        for r in rows
        if r["item_code"] == "ZJ-370500-006" and r["fee"] != "中介服务费"
    }
    assert tariffs == {
        "东营市恒信测绘有限公司": "1.36元/平方米",
        "广饶县诚信房地产测绘评估有限公司": "1.20元至1.50元/平方米",
    }
    negotiated = [
        r for r in rows if r["item_code"] == "ZJ-370500-003" and r["fee"] != "中介服务费"
    ]
    assert [r["amount_text"] for r in negotiated] == ["市场调节价，双方协商"]  # no amount offered
    assert [r["amount"] for r in negotiated] == [None]

    assert cli(config, "catalog", "fees", "--format", "csv") == 0
    table = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["收费标准"] for r in table if r["收费项目"] == "中介服务费"} >= {
        "固定收费：3000元（每项单体工程）",
        "按鲁价费发〔2012〕53号规定收费",
    }

    assert cli(config, "catalog", "fees", "--format", "html") == 0
    html = capsys.readouterr().out
    assert "中介服务收费" in html
    for _, words in EXPECTED_WORDS.values():
        assert words in html
    assert "东营市恒信测绘有限公司（有形进驻）：1.36元" in html
    assert "广饶县诚信房地产测绘评估有限公司（有形进驻，暂停）：1.20元至1.50元/平方米" in html
    assert "建设项目节能评估文件编制" not in html  # cancelled


def test_the_disclosure_as_of_a_day_before_a_cancellation_shows_the_service(tmp_path, capsys):
    config = fees_centre(tmp_path, capsys)
    assert cli(config, "catalog", "fees", "--format", "json", "--as-of", "2015-09-30") == 0
    rows = json.loads(capsys.readouterr().out)
    assert any(r["item_code"] == "ZJ-370500-008" for r in rows)
    # before 2015-07-01 the planning survey was only retained (its fee is the current one)
    row = next(r for r in rows if r["item_code"] == "ZJ-370500-005")
    assert row["amount_text"].startswith("政府承担")


def test_disclosed_service_fees_in_python():
    services = [from_document(IntermediaryService, d) for d in example_documents()]
    rows = disclosure.disclosed_service_fees(services, (), DAY, item_names={ITEM: "施工许可"})
    by_code = {row.service_code: row for row in rows}
    assert set(by_code) == {f"ZJ-370500-00{n}" for n in (1, 2, 3, 4, 5, 6, 7, 9)}
    assert by_code["ZJ-370500-001"].items == ("施工许可",)
    assert by_code["ZJ-370500-005"].status == "纳入审批程序"
    assert by_code["ZJ-370500-005"].payer == "东营市规划局"
    for regime, (code, words) in EXPECTED_WORDS.items():
        assert by_code[code].regime == regime
        assert by_code[code].fee_text == words
        assert by_code[code].offers == ()


# --- the list: add, status, on a day, for an item -------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_service_listed_twice_is_refused_and_nothing_stored(backend, tmp_path):
    with centre_on(backend, tmp_path) as centre:
        services = centre.intermediaries.services
        services.add(service())
        with pytest.raises(ServiceListError, match="listed already") as refused:
            services.add_all([service(code="ZJ-370500-102"), service(name="另一个")])
        assert "已在清单内" in refused.value.notice
        assert [s.code for s in services.all()] == ["ZJ-370500-101"]
        with pytest.raises(ServiceListError, match="given twice"):
            services.add_all([service(code="ZJ-370500-103"), service(code="ZJ-370500-103")])
        assert [s.code for s in services.all()] == ["ZJ-370500-101"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_item_not_in_the_catalog_is_a_finding(backend, tmp_path):
    with centre_on(backend, tmp_path) as centre:
        centre.store.add_item(make_item(code=ITEM))
        findings = centre.intermediaries.services.add(
            service(items=(ITEM, "11370500004275449M-XK-9999"))
        )
        assert [f.code for f in findings] == ["INTERMEDIARY-ITEM-UNKNOWN"]
        assert "11370500004275449M-XK-9999" in findings[0].message
        assert findings[0].severity == "warn"
        assert centre.intermediaries.services.get("ZJ-370500-101").items[1].endswith("9999")


@pytest.mark.parametrize("backend", BACKENDS)
def test_status_changes_keep_their_history_and_their_trail(backend, tmp_path):
    with centre_on(backend, tmp_path) as centre:
        services = centre.intermediaries.services
        services.add(service())
        changed = services.change_status(
            "ZJ-370500-101", "in_approval", dt.date(2015, 7, 1), "东政办字〔2015〕41号"
        )
        assert changed.status is ListStatus.IN_APPROVAL
        assert changed.fee.regime is FeeRegime.GOVERNMENT  # the government pays now
        assert changed.payer == "东营市住房和城乡建设管理局"
        assert services.get("ZJ-370500-101") == changed
        assert [c.status for c in changed.history] == [ListStatus.RETAINED, ListStatus.IN_APPROVAL]

        with pytest.raises(ServiceListError, match="before its last change") as early:
            services.change_status("ZJ-370500-101", "cancelled", dt.date(2015, 6, 30))
        assert "早于上次变更" in early.value.notice
        with pytest.raises(ServiceListError, match="already"):
            services.change_status("ZJ-370500-101", "in_approval", dt.date(2015, 8, 1))
        with pytest.raises(RecordNotFoundError):
            services.change_status("ZJ-370500-999", "cancelled", dt.date(2015, 8, 1))
        assert services.get("ZJ-370500-101") == changed  # the refusals changed nothing

        services.change_status("ZJ-370500-101", ListStatus.CANCELLED, dt.date(2015, 10, 1))
        assert [s.code for s in services.on(dt.date(2015, 9, 30))] == ["ZJ-370500-101"]
        assert services.on(dt.date(2015, 10, 1)) == []
        assert services.on(dt.date(2015, 2, 28)) == []  # not listed yet
        trail = changes(centre.store, "intermediary-service", "ZJ-370500-101")
        assert [c.change["action"] for c in trail] == ["listed", "status", "status"]
        assert trail[1].change["status"] == "in_approval"
        assert trail[1].change["document"] == "东政办字〔2015〕41号"


@pytest.mark.parametrize("backend", BACKENDS)
def test_linked_both_ways_an_items_guide_shows_its_services(backend, tmp_path):
    with centre_on(backend, tmp_path) as centre:
        services = centre.intermediaries.services
        services.import_file(SERVICES_FILE)
        serving = services.for_item(ITEM, on=DAY)
        assert [s.code for s in serving] == ["ZJ-370500-001", "ZJ-370500-002", "ZJ-370500-005"]
        assert all(ITEM in s.items for s in serving)
        assert [s.code for s in services.by_item(on=DAY)[ITEM]] == [s.code for s in serving]
        item = make_item(code=ITEM, intermediary_services=("建设工程规划放线测量", "竣工测量"))
        html = render_guide(item, services=services.on(DAY))
        assert "本事项涉及以下中介服务" in html
        assert "施工图设计文件审查" in html
        assert "3000元" in html
        assert "防雷装置检测（设计技术评价、竣工验收检测）" in html
        assert "2800元至30000元" in html
        assert "政府承担（纳入审批程序），申请人不付费" in html
        assert "计入审批时限" in html  # the planning survey counts in the approval's limit
        assert "必须委托中介机构" in html
        assert "本事项还涉及中介服务：竣工测量" in html  # named by the item, not listed
        assert "环境影响报告书编制" not in html  # another item's
        markdown = render_guide(item, format="markdown", services=services.all())
        assert "| 施工图设计文件审查 | 必须委托中介机构 |" in markdown
        other = make_item(code="11370500004275432Y-XK-0999")  # serves no listed service
        book = render_guide_book([item, other], services=services.on(DAY))
        assert book.count("本事项涉及以下中介服务") == 1


def test_a_guide_without_the_list_reads_as_before():
    item = make_item(intermediary_services=("施工图审查",))
    html = render_guide(item)
    assert "本事项涉及中介服务：施工图审查" in html
    assert "本事项涉及以下中介服务" not in html


def test_the_cli_lists_shows_and_changes_the_status(tmp_path, capsys):
    config = fees_centre(tmp_path, capsys)
    assert cli(config, "intermediaries", "services", "list") == 0
    out = capsys.readouterr().out
    assert "中介服务事项清单（2015年11月2日，共8项）" in out
    assert "ZJ-370500-001  施工图设计文件审查" in out
    assert "固定收费：3000元" in out
    assert "ZJ-370500-008" not in out  # cancelled
    assert cli(config, "intermediaries", "services", "show", "ZJ-370500-006") == 0
    out = capsys.readouterr().out
    assert "收费方式：按各中介机构收费标准" in out
    assert "中介机构报价（2家）" in out
    assert "东营市恒信测绘有限公司（91370500MA3DXK7L22，有形进驻，正常）：1.36元" in out
    assert "对应审批事项：11370523004301544M-QR-0004" in out  # a county item: its code
    assert (
        cli(
            config,
            *("intermediaries", "services", "status", "ZJ-370500-003", "cancelled"),
            *("--on", "2015-12-01", "--document", "东政发〔2015〕30号"),
        )
        == 0
    )
    assert "自2015年12月1日起取消" in capsys.readouterr().out
    assert (
        cli(
            config,
            "intermediaries",
            "services",
            "status",
            "ZJ-370500-003",
            "retained",
            "--on",
            "2015-01-01",
        )
        == 2
    )
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "拒绝[GS961]" in err
    assert cli(config, "intermediaries", "services", "show", "ZJ-370500-404") == 2
    assert "ZJ-370500-404" in capsys.readouterr().err


def test_the_catalog_guide_command_shows_the_listed_services(tmp_path, capsys):
    config = fees_centre(tmp_path, capsys)
    assert cli(config, "catalog", "guide", ITEM, "--format", "markdown") == 0
    guide = capsys.readouterr().out
    assert "本事项涉及以下中介服务" in guide
    assert "| 施工图设计文件审查 | 必须委托中介机构 |" in guide
    assert (
        "| 政府承担（纳入审批程序） | 政府承担（纳入审批程序），申请人不付费 | 东营市规划局 |"
        in guide
    )
    # the guide of a day before the list was published
    assert cli(config, "catalog", "guide", ITEM, "--as-of", "2015-02-01") == 0
    assert "本事项涉及以下中介服务" not in capsys.readouterr().out  # none listed yet
