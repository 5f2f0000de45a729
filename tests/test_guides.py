"""Service guides, business manuals and the guide book: what a citizen and a clerk read,
in Chinese, from the item's data; unknown fields read 未公布; a county's templates."""

from __future__ import annotations

import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest

from govservice import GovService
from govservice.catalog.guide_templates import GuideTemplates, markdown_escape, template_names
from govservice.catalog.guides import (
    guide_context,
    limit_words,
    render_guide,
    render_guide_book,
    render_manual,
)
from govservice.errors import PluginError, TemplateOverrideError
from govservice.hookspecs import hookimpl
from govservice.model import Fee, Material, TimeLimit
from govservice.model.common import LimitExtension, LimitStage, LimitVariant
from govservice.model.item import ItemResult, Step
from govservice.samples import config_with, make_item


def immediate_item(**changes):
    """An immediate item (即办件) with conditional materials and a county fee exemption:
    the issue's example of a guide that must read right."""
    fields = {
        "code": "11370500004275432Y-QR-0002",
        "name": "居民户口簿补领",
        "type": "confirmation",
        "department": "东营市公安局",
        "undertaking_office": "户政管理科",
        "handling_type": "immediate",
        "channels": ("window", "online"),
        "conditions": ("居民户口簿遗失或损毁", "户籍在本市"),
        "legal_basis": ("《中华人民共和国户口登记条例》第八条",),
        "legal_limit": TimeLimit(amount=20),
        "promised_limit": TimeLimit(amount=0),
        "materials": (
            Material(
                name="居民身份证",
                verify_only=True,
                originals=1,
                copies=0,
                issued_by="公安机关",
                review_points=("核对证件在有效期内", "人证一致"),
            ),
            Material(
                name="授权委托书",
                requirement="conditional",
                condition="委托他人代为办理的",
                originals=1,
                copies=0,
                blank_form_available=True,
                blank_form="https://zwfw.dongying.gov.cn/forms/wts.docx",
            ),
            Material(name="户主居民身份证", copies=None, blank_form_available=False),
        ),
        "fees": (
            Fee(
                name="户口簿工本费",
                amount=Decimal("8"),
                per_unit="每本",
                legal_basis="鲁价费发〔2008〕118号",
                exemptions=("广饶县：低保户、重度残疾人免收（广政办发〔2015〕3号）",),
            ),
            Fee(
                name="照片拍摄费",
                amount=Decimal("20"),
                collected_by="东营市照相服务中心",
                applicability="conditional",
                condition="申请人未自带照片的",
            ),
        ),
        "steps": (
            Step(name="受理", post="窗口受理人员", limit=TimeLimit(amount=0)),
            Step(
                name="审核发证",
                post="户籍审核岗",
                limit=TimeLimit(amount=0),
                description="审核通过的当场制发户口簿",
            ),
        ),
        "place": "东营市政务服务中心一楼公安窗口",
        "office_hours": "周一至周五 9:00-12:00，13:30-17:00（法定节假日除外）",
        "contact_phone": "0546-8331234",
        "supervision_phone": "0546-12345",
        "result": ItemResult(name="居民户口簿", validity="长期"),
        "visits": 1,
    }
    return make_item(**(fields | changes))


def unknown_item():
    """An item whose handling type, channels, materials and fees were not published."""
    return make_item(handling_type=None, channels=None, materials=None, fees=None, legal_basis=())


class _Text(HTMLParser):
    """The text of a page, as a reader sees it (tags gone, entities decoded)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.in_style = False

    def handle_starttag(self, tag, attrs) -> None:
        self.in_style = self.in_style or tag == "style"

    def handle_endtag(self, tag) -> None:
        self.in_style = self.in_style and tag != "style"

    def handle_data(self, data: str) -> None:
        if not self.in_style:
            self.parts.append(data)


def text_of(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


# --- what the guide says ---------------------------------------------------------------------


def test_the_guide_of_an_immediate_item_reads_in_chinese():
    text = text_of(render_guide(immediate_item()))
    for expected in (
        "居民户口簿补领服务指南",
        "即办件：材料齐全、符合法定形式的，当场办结。",
        "事项类型 行政确认（主项）",
        "办件类型 即办件",
        "办理渠道 窗口办理、网上办理",
        "法定时限20个工作日",
        "即办件：当场办结",
        "居民户口簿遗失或损毁",
        "有条件提交：委托他人代为办理的",
        "原件核验（现场查验后退还，不收取）",
        "份数未公布",
        "提供空白表格（下载：https://zwfw.dongying.gov.cn/forms/wts.docx）",
        "无空白表格",
        "出具单位",
        "公安机关",
        "收费（标准见下表）",
        "每本8元",
        "鲁价费发〔2008〕118号",
        "广饶县：低保户、重度残疾人免收（广政办发〔2015〕3号）",
        "符合条件时收取：申请人未自带照片的",
        "由东营市照相服务中心收取（第三方收费，本中心不代收）",
        "审核发证（当场办结）：审核通过的当场制发户口簿",
        "办理地点 东营市政务服务中心一楼公安窗口",
        "办理时间 周一至周五 9:00-12:00，13:30-17:00（法定节假日除外）",
        "咨询电话 0546-8331234",
        "监督投诉电话 0546-12345",
        "居民户口簿（有效期：长期）",
        "到现场次数 1次",
    ):
        assert expected in text, expected


def test_names_not_codes():
    html = render_guide(immediate_item())
    for code in (
        "confirmation",
        "immediate",
        "window",
        "online",
        "conditional",
        "always",
        "paper",
        "working_days",
        "city",
        "main",
    ):
        assert not re.search(rf"\b{code}\b", text_of(html)), code


def test_unknown_fields_read_unpublished_never_a_default():
    context = guide_context(unknown_item())
    assert context["handling"]["type"] == "未公布"
    assert context["handling"]["channels"] == "未公布"
    assert context["handling"]["visits"] == "未公布"
    assert context["materials"] == "未公布"
    assert context["fees"] == {"summary": "收费情况未公布", "known": False, "entries": []}
    assert context["legal_basis"] == "未公布"
    assert context["place"] == {"place": "未公布", "hours": "未公布"}
    assert context["contacts"] == {"consult": "未公布", "supervise": "未公布"}
    text = text_of(render_guide(unknown_item()))
    assert "收费情况未公布" in text
    assert "申请材料未公布，请向办理部门咨询。" in text
    assert "不收费" not in text
    assert "承诺件" not in text
    assert "窗口办理" not in text
    assert "无需提交申请材料" not in text


def test_published_as_none_is_not_unknown():
    context = guide_context(make_item(materials=(), fees=(), channels=()))
    assert context["materials"] == []
    assert context["fees"]["summary"] == "不收费"
    assert context["handling"]["channels"] == "无"
    assert "无需提交申请材料。" in text_of(render_guide(make_item(materials=())))


def test_fee_words_alternatives_waived_third_party():
    item = make_item(
        fees=(
            Fee(
                name="工本费",
                amount=Decimal("20"),
                applicability="alternative",
                group="工本费",
                option="首次申领",
                legal_basis="鲁价费发〔2010〕1号",
            ),
            Fee(
                name="工本费",
                amount=Decimal("40"),
                applicability="alternative",
                group="工本费",
                option="补领",
            ),
            Fee(name="证书费", waived=True),
            Fee(name="鉴定费", amount=Decimal("150"), collected_by="东营市人民医院"),
        )
    )
    entries = guide_context(item)["fees"]["entries"]
    assert [(e["amount"], e["applicability"]) for e in entries] == [
        ("20元", "按情形选一（工本费：首次申领）"),
        ("40元", "按情形选一（工本费：补领）"),
        ("免收", "一律收取"),
        ("150元", "一律收取"),
    ]
    assert entries[3]["collector"] == "由东营市人民医院收取（第三方收费，本中心不代收）"
    assert entries[0]["collector"] == "办理部门收取"
    assert entries[1]["legal_basis"] == "未公布"


def test_a_free_item_with_a_third_party_fee_stays_free():
    item = make_item(
        fees=(Fee(name="鉴定费", amount=Decimal("800"), collected_by="山东省立医院"),)
    )
    summary = guide_context(item)["fees"]["summary"]
    assert summary.startswith("不收费")
    assert "第三方收费仅作公示" in summary


def test_limits_in_words_with_stages_extension_variants_and_exclusions():
    legal = TimeLimit(
        amount=20,
        stages=(LimitStage(name="乡镇初审", amount=5), LimitStage(name="县级决定", amount=15)),
        extension=LimitExtension(amount=10, legal_basis="《中华人民共和国行政许可法》第四十二条"),
        excluded=("专家评审", "公示"),
    )
    promised = TimeLimit(amount=8, variants=(LimitVariant(document_kind="补领", amount=3),))
    limits = guide_context(make_item(legal_limit=legal, promised_limit=promised))["limits"]
    assert limits["legal"] == "法定时限20个工作日"
    assert limits["promised"] == "承诺时限8个工作日"
    assert limits["details"] == [
        "法定时限分段：乡镇初审5个工作日，县级决定15个工作日",
        "法定时限依法可延长10个工作日（依据：《中华人民共和国行政许可法》第四十二条）",
        "以下时间不计入法定时限：专家评审、公示",
        "申请补领的，承诺时限3个工作日",
    ]


@pytest.mark.parametrize(
    ("limit", "words"),
    [
        (TimeLimit(amount=20), "20个工作日"),
        (TimeLimit(amount=60, unit="calendar_days"), "60个自然日"),
        (TimeLimit(amount=2, unit="hours"), "2小时"),
        (TimeLimit(amount=0), "当场办结"),
    ],
)
def test_limit_words(limit, words):
    assert limit_words(limit) == words


def test_a_cancelled_item_says_so_first():
    import datetime as dt

    item = make_item(status="cancelled", status_since=dt.date(2015, 7, 1))
    text = text_of(render_guide(item))
    assert "本事项已取消（停办），自2015年7月1日起不再受理申请。" in text


# --- HTML and Markdown ------------------------------------------------------------------------


def test_html_is_one_clean_page_with_a_cjk_font_stack():
    html = render_guide(immediate_item())
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="zh-CN">' in html
    assert '<meta charset="utf-8">' in html
    assert '"Noto Sans CJK SC"' in html
    assert "sans-serif" in html
    assert "@media print" in html
    assert "<script" not in html
    assert "http" not in html.split("<body>")[0]


def test_html_escapes_everything():
    hostile = '<script>alert("x")</script>&'
    item = immediate_item(
        name=hostile,
        materials=(Material(name=f"材料{hostile}", requirement="conditional", condition=hostile),),
        place=hostile,
    )
    html = render_guide(item)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&amp;" in html
    assert hostile in text_of(html)


def test_markdown_escapes_values_and_keeps_tables_whole():
    item = immediate_item(
        materials=(Material(name="营业执照|副本*复印件* [链接](http://x)", copies=1),)
    )
    markdown = render_guide(item, format="markdown")
    row = next(line for line in markdown.splitlines() if line.startswith("| 1 |"))
    assert row.count(" | ") == 6  # seven cells, none added by the name
    assert r"营业执照\|副本\*复印件\* \[链接\](http://x)" in row
    assert markdown.startswith("## 居民户口簿补领服务指南（即办件）\n")
    assert "- 法定时限20个工作日\n- 即办件：当场办结\n" in markdown


def test_markdown_escape():
    assert markdown_escape("1. 第一") == r"1\. 第一"
    assert markdown_escape("# 标题") == r"\# 标题"
    assert markdown_escape("- 项") == r"\- 项"
    assert markdown_escape("a_b<c>") == r"a\_b\<c\>"
    assert markdown_escape("0546-8331234") == "0546-8331234"
    assert markdown_escape("第一行\n第二行") == "第一行 第二行"
    assert markdown_escape(None) == ""


# --- the manual and the book ------------------------------------------------------------------


def test_the_manual_has_review_points_posts_and_step_limits():
    text = text_of(render_manual(immediate_item()))
    assert "居民户口簿补领业务手册" in text
    assert "核对证件在有效期内" in text
    assert "人证一致" in text
    assert "未列明审查要点" in text  # the materials without any
    assert "1 受理 窗口受理人员 当场办结" in text
    assert "2 审核发证 户籍审核岗 当场办结 审核通过的当场制发户口簿" in text
    markdown = render_manual(immediate_item(), format="markdown")
    assert "| 2 | 审核发证 | 户籍审核岗 | 当场办结 | 审核通过的当场制发户口簿 |" in markdown
    assert "- 审查要点：核对证件在有效期内" in markdown


def test_the_manual_says_when_steps_are_unknown():
    assert "办理环节未公布" in text_of(render_manual(make_item()))


def test_the_guide_book_has_a_table_of_contents_by_department():
    items = [
        make_item(),
        immediate_item(),
        make_item(code="11370500004275432Y-XK-0003", name="临时占用城市道路许可"),
    ]
    html = render_guide_book(items, title="东营市政务服务事项服务指南")
    contents = html.split('<nav class="contents">')[1].split("</nav>")[0]
    assert text_of(contents).split() == [
        "目录",
        "东营市自然资源和规划局",
        "建设工程规划许可证核发",
        "临时占用城市道路许可",
        "东营市公安局",
        "居民户口簿补领",
    ]
    for number in (1, 2, 3):
        assert f'href="#item-{number}"' in contents
        assert f'id="item-{number}"' in html
    assert html.count('<section class="guide"') == 3
    assert "<title>东营市政务服务事项服务指南</title>" in html
    markdown = render_guide_book(items, format="markdown", title="汇编")
    assert "1. [居民户口簿补领](#item-2)" in markdown
    assert markdown.count("服务指南") >= 3


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="format must be one of html, markdown"):
        render_guide(make_item(), format="pdf")


# --- a county's templates -------------------------------------------------------------------


def test_an_override_replaces_a_template(tmp_path):
    part = tmp_path / "_guide.html.j2"
    part.write_text("<p>广饶县：{{ guide.name }}（{{ guide.handling.type }}）</p>\n", "utf-8")
    templates = GuideTemplates({"_guide.html.j2": part})
    html = render_guide(immediate_item(name="A&B"), templates=templates)
    assert "<p>广饶县：A&amp;B（即办件）</p>" in html
    assert '<meta charset="utf-8">' in html  # the page around it is the package's
    assert "广饶县：A" not in render_guide(immediate_item(name="A&B"))


def test_an_override_with_a_syntax_error_names_its_file_and_line(tmp_path):
    broken = tmp_path / "guide.html.j2"
    broken.write_text("<h1>{{ guide.name }}</h1>\n<p>\n{% if guide.name %}\n<p>{{ x }\n", "utf-8")
    with pytest.raises(TemplateOverrideError) as raised:
        GuideTemplates({"guide.html.j2": broken}, plugins={"guide.html.j2": "guangrao"})
    error = raised.value
    assert error.where == f"{broken}:4"
    assert error.plugin == "guangrao"
    assert error.code == "GS505"
    assert str(error).startswith(f"{broken}:4: template override does not work: ")


def test_an_override_that_uses_an_unknown_name_is_located(tmp_path):
    wrong = tmp_path / "guide.md.j2"
    wrong.write_text("# {{ guide.name }}\n\n{{ guide.no_such_field }}\n", "utf-8")
    templates = GuideTemplates({"guide.md.j2": wrong})
    with pytest.raises(TemplateOverrideError) as raised:
        render_guide(make_item(), format="markdown", templates=templates)
    assert raised.value.where == f"{wrong}:3"
    assert "no_such_field" in str(raised.value)


def test_an_override_of_no_template_or_a_missing_file_is_refused(tmp_path):
    with pytest.raises(TemplateOverrideError, match=r"'gide\.html\.j2' is not a template"):
        GuideTemplates({"gide.html.j2": tmp_path / "x"})
    with pytest.raises(TemplateOverrideError, match="cannot be read") as raised:
        GuideTemplates({"guide.html.j2": tmp_path / "missing.j2"})
    assert raised.value.where == str(tmp_path / "missing.j2")


def test_template_names_are_those_the_hook_documents():
    from govservice import hookspecs

    documented = hookspecs.govservice_catalog_templates.__doc__
    for name in template_names():
        assert f"``{name}``" in documented


def test_for_region_takes_the_overrides_of_the_plugins_serving_it(tmp_path):
    part = tmp_path / "_guide.html.j2"
    part.write_text("<p>广饶县服务指南：{{ guide.name }}</p>\n", "utf-8")

    class Guangrao:
        @hookimpl
        def govservice_catalog_templates(self, region):
            return {"_guide.html.j2": str(part)}

    config = config_with({"name": "guangrao", "regions": ["370523"]})
    service = GovService(config, plugins=[("guangrao", Guangrao())], strict=True)
    county = GuideTemplates.for_region(service, "370523")
    assert "广饶县服务指南" in render_guide(make_item(), templates=county)
    city = GuideTemplates.for_region(service, "370500")
    assert "广饶县服务指南" not in render_guide(make_item(), templates=city)


def test_two_plugins_overriding_one_template_are_both_named(tmp_path):
    part = tmp_path / "guide.html.j2"
    part.write_text("x", "utf-8")

    class One:
        @hookimpl
        def govservice_catalog_templates(self, region):
            return {"guide.html.j2": str(part)}

    service = GovService(
        config_with({"name": "one"}, {"name": "two"}),
        plugins=[("one", One()), ("two", One())],
        strict=True,
    )
    with pytest.raises(PluginError, match=r"overridden by both '(one|two)' and '(one|two)'"):
        GuideTemplates.for_region(service, "370500")


def test_the_benchmark_renders_through_the_api_what_raw_jinja_renders():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).parents[1] / "benchmarks" / "catalog_guides.py"
    spec = importlib.util.spec_from_file_location("catalog_guides_benchmark", path)
    benchmark = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(benchmark)
    figures = benchmark.measure(benchmark.sample_items(12), rounds=1)  # checks both agree
    assert figures["items"] == 12
    assert figures["guide_book_s"] > 0
    assert figures["raw_jinja_s"] > 0
