"""Fee disclosure (阳光收费): every fee of every item in service, its formats, and the
history of the fees over the catalog's versions."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import attrs

from govservice.catalog.disclosure import (
    FeeEvent,
    disclosed_fees,
    fee_history,
    history_to_csv,
    history_to_json,
    to_csv,
    to_html,
    to_json,
    undisclosed_items,
)
from govservice.catalog.versions import CatalogVersion
from govservice.model import Fee
from govservice.samples import make_item

LICENCE = make_item(
    code="11370500004275432Y-XK-0001",
    name="建设工程规划许可证核发",
    fees=(Fee(name="执照工本费", amount=Decimal("10.00"), legal_basis="计价格〔2001〕585号"),),
)
CARD = make_item(
    code="11370500MB28470235-QR-0002",
    name="残疾人证核发",
    department="东营市残疾人联合会",
    fees=(
        Fee(
            name="工本费",
            amount=Decimal("20"),
            applicability="alternative",
            group="工本费",
            option="首次申领",
            per_unit="每证",
        ),
        Fee(
            name="工本费",
            amount=Decimal("40"),
            applicability="alternative",
            group="工本费",
            option="补领",
            exemptions=("广饶县：低保户免收",),
        ),
        Fee(
            name="鉴定费",
            amount=Decimal("150"),
            collected_by="东营市人民医院",
            applicability="conditional",
            condition="需要残疾等级评定的",
        ),
        Fee(name="证书费", waived=True, legal_basis="鲁财综〔2015〕1号"),
    ),
)
FREE = make_item(code="11370500004275432Y-XK-0003", name="临时占道许可", fees=())
UNKNOWN = make_item(code="11370500004275432Y-XK-0004", name="户外广告设置许可", fees=None)
CANCELLED = make_item(
    code="11370500004275432Y-XK-0005",
    name="已取消事项",
    status="cancelled",
    status_since=dt.date(2015, 3, 1),
    fees=(Fee(name="审查费", amount=Decimal("5")),),
)
ITEMS = [LICENCE, CARD, FREE, UNKNOWN, CANCELLED]


def test_every_fee_of_every_item_in_service():
    fees = disclosed_fees(ITEMS)
    assert [(f.department, f.item_name, f.fee, f.amount_text) for f in fees] == [
        ("东营市残疾人联合会", "残疾人证核发", "工本费", "每证20元"),
        ("东营市残疾人联合会", "残疾人证核发", "工本费", "40元"),
        ("东营市残疾人联合会", "残疾人证核发", "鉴定费", "150元"),
        ("东营市残疾人联合会", "残疾人证核发", "证书费", "免收"),
        ("东营市自然资源和规划局", "建设工程规划许可证核发", "执照工本费", "10元"),
    ]
    appraisal, waived = fees[2], fees[3]
    assert appraisal.third_party
    assert appraisal.collector == "东营市人民医院"
    assert appraisal.applicability == "符合条件时收取：需要残疾等级评定的"
    assert waived.amount is None
    assert waived.waived
    assert waived.legal_basis == "鲁财综〔2015〕1号"
    assert fees[0].applicability == "按情形选一（工本费：首次申领）"
    assert fees[1].exemptions == ("广饶县：低保户免收",)
    assert fees[4].collector == "办理部门"
    assert not fees[4].third_party


def test_unknown_fees_are_listed_apart_never_as_free():
    assert undisclosed_items(ITEMS) == [UNKNOWN]
    assert all(fee.item_code != UNKNOWN.code for fee in disclosed_fees(ITEMS))


def test_csv_has_chinese_headers_and_a_row_a_fee():
    rows = list(csv.reader(io.StringIO(to_csv(disclosed_fees(ITEMS)))))
    assert rows[0] == [
        "事项编码",
        "事项名称",
        "实施部门",
        "收费项目",
        "收费标准",
        "适用情形",
        "收取方",
        "第三方收费",
        "收费依据",
        "减免政策",
    ]
    assert len(rows) == 6
    assert rows[3] == [
        CARD.code,
        "残疾人证核发",
        "东营市残疾人联合会",
        "鉴定费",
        "150元",
        "符合条件时收取：需要残疾等级评定的",
        "东营市人民医院",
        "是",
        "",
        "",
    ]
    assert rows[2][-1] == "广饶县：低保户免收"


def test_csv_keeps_a_formula_as_text():
    item = make_item(fees=(Fee(name="=HYPERLINK(1)", amount=Decimal("1")),))
    rows = list(csv.reader(io.StringIO(to_csv(disclosed_fees([item])))))
    assert rows[1][3] == "'=HYPERLINK(1)"


def test_json_is_the_attribute_names_with_amounts_as_strings():
    documents = json.loads(to_json(disclosed_fees(ITEMS)))
    assert documents[0]["amount"] == "20"
    assert documents[3]["amount"] is None
    assert documents[3]["amount_text"] == "免收"
    assert documents[2]["third_party"] is True
    assert set(documents[0]) == {
        "item_code",
        "item_name",
        "department",
        "fee",
        "amount",
        "amount_text",
        "waived",
        "applicability",
        "group",
        "option",
        "per_unit",
        "collector",
        "third_party",
        "legal_basis",
        "exemptions",
    }


def test_html_page_lists_fees_and_the_unknown_escaped():
    hostile = make_item(
        code="11370500004275432Y-XK-0009",
        name="<b>许可</b>",
        fees=(Fee(name="费<script>", amount=Decimal("1")),),
    )
    html = to_html(disclosed_fees([*ITEMS, hostile]), undisclosed=undisclosed_items(ITEMS))
    assert '<meta charset="utf-8">' in html
    assert "Noto Sans CJK SC" in html
    assert "<title>政务服务事项收费目录清单</title>" in html
    assert "共6项收费" in html
    assert "&lt;b&gt;许可&lt;/b&gt;" in html
    assert "费&lt;script&gt;" in html
    assert "<script>" not in html
    assert "收费情况未公布的事项" in html
    assert "户外广告设置许可" in html
    assert "由东营市人民医院" not in html  # the page says the collector once, by name
    assert "东营市人民医院（第三方）" in html


def version(number, effective, items):
    return CatalogVersion(
        region="370500",
        number=number,
        effective=effective,
        adjustment=None,
        items={item.code: item for item in items},
    )


def test_fee_history_published_changed_withdrawn():
    first = version(1, dt.date(2015, 1, 1), [LICENCE, CARD])
    cheaper = attrs.evolve(
        LICENCE,
        version=2,
        fees=(Fee(name="执照工本费", amount=Decimal("5"), legal_basis="鲁价费发〔2015〕9号"),),
    )
    second = version(2, dt.date(2015, 4, 1), [cheaper, attrs.evolve(CARD, fees=CARD.fees[:2])])
    gone = attrs.evolve(cheaper, status="cancelled", status_since=dt.date(2015, 7, 1))
    third = version(3, dt.date(2015, 7, 1), [gone, attrs.evolve(CARD, fees=CARD.fees[:2])])
    history = fee_history([first, second, third])
    assert [(e.effective, e.event, e.fee, e.option) for e in history] == [
        (dt.date(2015, 1, 1), FeeEvent.PUBLISHED, "工本费", "首次申领"),
        (dt.date(2015, 1, 1), FeeEvent.PUBLISHED, "工本费", "补领"),
        (dt.date(2015, 1, 1), FeeEvent.PUBLISHED, "鉴定费", None),
        (dt.date(2015, 1, 1), FeeEvent.PUBLISHED, "证书费", None),
        (dt.date(2015, 1, 1), FeeEvent.PUBLISHED, "执照工本费", None),
        (dt.date(2015, 4, 1), FeeEvent.CHANGED, "执照工本费", None),
        (dt.date(2015, 4, 1), FeeEvent.WITHDRAWN, "鉴定费", None),
        (dt.date(2015, 4, 1), FeeEvent.WITHDRAWN, "证书费", None),
        (dt.date(2015, 7, 1), FeeEvent.WITHDRAWN, "执照工本费", None),
    ]
    changed = history[5]
    assert changed.changes == (
        "收费标准：10元→5元",
        "收费依据：计价格〔2001〕585号→鲁价费发〔2015〕9号",
    )
    assert changed.version == 2
    assert changed.amount_text == "5元"
    assert history[6].changes == ("收费项目取消",)
    assert history[8].changes == ("事项取消(停办)",)
    assert history[8].amount_text == "5元"


def test_an_unchanged_catalog_has_no_history_after_its_first_version():
    first = version(1, dt.date(2015, 1, 1), [LICENCE])
    again = version(2, dt.date(2015, 2, 1), [attrs.evolve(LICENCE, version=2, name="新名称")])
    history = fee_history([first, again])
    assert [e.event for e in history] == [FeeEvent.PUBLISHED]


def test_fees_no_longer_published_are_withdrawn_with_that_reason():
    first = version(1, dt.date(2015, 1, 1), [LICENCE])
    unknown = version(2, dt.date(2015, 2, 1), [attrs.evolve(LICENCE, fees=None)])
    assert fee_history([first, unknown])[-1].changes == ("收费情况未公布",)


def test_history_formats():
    first = version(1, dt.date(2015, 1, 1), [LICENCE])
    history = fee_history([first, version(2, dt.date(2015, 5, 4), [])])
    rows = list(csv.reader(io.StringIO(history_to_csv(history))))
    assert rows[0][:3] == ["生效日期", "目录版本", "变动"]
    assert rows[1][:3] == ["2015-01-01", "1", "公布"]
    assert rows[2][:3] == ["2015-05-04", "2", "取消"]
    assert rows[2][-1] == "事项已移出目录"
    documents = json.loads(history_to_json(history))
    assert documents[1]["event"] == "withdrawn"
    assert documents[1]["effective"] == "2015-05-04"
    html = to_html([], history=history)
    assert "收费变动记录" in html
    assert "2015年5月4日" in html
    assert "第2版" in html
    assert "目录内在办事项均不收费。" in html
