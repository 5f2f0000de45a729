"""The charts of ``report.html``, drawn with pygal as SVG to inline in the page.

Five charts: cases by month, the on-time rate by department, the case funnel, working days
used against the promised limit, and the evaluation grades; and a sixth when the centre has
stations below its townships: the year's subsidies (以奖代补) by county. Each is one ``<svg>`` element
with its styles inside, and nothing else: no script (pygal's tooltips need one; the values
are printed on the chart instead), no comment (pygal's name the day it drew them), no
namespace address (an ``<svg>`` inside HTML needs none), and an id of its own in place of
pygal's random one, so that the same figures draw the same page byte for byte. Labels are
Chinese, in a CJK font stack, so that a browser finds a font that has the characters.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

import pygal
from pygal.style import Style

from govservice.report.figures import GroupFigures, YearFigures

CJK_FONTS = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "WenQuanYi Micro Hei", '
    '"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "SimHei", sans-serif'
)
"""The font stack of the page and its charts: fonts with Simplified Chinese first."""

WIDTH = 1100
"""The width a chart is drawn for (its SVG scales with the page)."""

GRADE_COLOURS = ("#1a9850", "#91cf60", "#fee08b", "#fc8d59", "#d73027")
"""非常满意 … 非常不满意: green to red."""

STYLE = Style(
    font_family=CJK_FONTS,
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#333333",
    foreground_strong="#111111",
    foreground_subtle="#666666",
    opacity=".85",
    opacity_hover=".95",
    colors=("#2f6fad", "#59a14f", "#f28e2b", "#e15759", "#76b7b2", "#9c755f"),
    label_font_size=13,
    major_label_font_size=13,
    value_font_size=12,
    legend_font_size=14,
    title_font_size=17,
    tooltip_font_size=13,
    no_data_font_size=24,
    guide_stroke_color="#c8cdd3",
    major_guide_stroke_color="#9aa3ad",
)

_WIDE = 1.0 - 0.6
"""How much wider than pygal's estimate (0.6 of the font size) a CJK character is."""


def _chart(kind: type, key: str, *, style: Style = STYLE, **config) -> pygal.graph.graph.Graph:
    chart = kind(
        style=style,
        js=[],
        disable_xml_declaration=True,
        width=WIDTH,
        no_data_text="（无）",
        truncate_label=-1,
        truncate_legend=-1,
        **config,
    )
    chart.uuid = key  # the <svg> is "chart-KEY", the prefix of its styles
    return chart


_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_NAMESPACES = re.compile(r'\s+xmlns(?::\w+)?="[^"]*"')


def render(chart: pygal.graph.graph.Graph) -> str:
    """The chart as one inline ``<svg>`` element (see the module's docstring)."""
    svg = chart.render(is_unicode=True)
    svg = _SCRIPT.sub("", svg)
    svg = _COMMENT.sub("", svg)
    return _NAMESPACES.sub("", svg, count=2)


def _left_margin(labels: Sequence[str], font_size: int) -> int:
    """Room for labels of Chinese characters beside a horizontal chart, beyond what pygal
    estimates for them."""
    longest = max((len(label) for label in labels), default=0)
    return int(20 + _WIDE * font_size * longest)


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def by_month(figures: YearFigures) -> str:
    """Cases received, accepted and completed, month by month."""
    chart = _chart(
        pygal.Bar,
        "months",
        height=420,
        title=f"{figures.year}年各月办件量（件）",
        x_title="月份",
        legend_at_bottom=True,
        legend_at_bottom_columns=3,
        print_values=False,
    )
    chart.x_labels = [f"{month.month}月" for month in figures.by_month]
    chart.add("申请", [month.applications for month in figures.by_month])
    chart.add("受理", [month.accepted for month in figures.by_month])
    chart.add("办结", [month.completed for month in figures.by_month])
    return render(chart)


def on_time_by_department(groups: Sequence[GroupFigures]) -> str:
    """Each department's on-time rate (按期办结率), in percent, in the table's order."""
    groups = list(reversed(groups))  # a horizontal chart draws its first label at the bottom
    labels = [group.name for group in groups]
    chart = _chart(
        pygal.HorizontalBar,
        "on-time",
        height=max(160 + 34 * len(groups), 260),
        title="各部门按期办结率（%）",
        range=(0, 100),
        show_legend=False,
        print_values=True,
        print_values_position="top",
        value_formatter=lambda value: f"{value:.1f}%",
        margin_left=_left_margin(labels, STYLE.label_font_size),
    )
    chart.x_labels = labels
    values = []
    for group in groups:
        rate = _number(group.on_time_rate)
        colour = "#59a14f" if rate is not None and rate >= 95 else "#f28e2b"
        if rate is not None and rate < 80:
            colour = "#e15759"
        values.append(None if rate is None else {"value": rate, "color": colour})
    chart.add("按期办结率", values)
    return render(chart)


def funnel(figures: YearFigures) -> str:
    """申请 → 受理 → 办结, with the ways out: 补正, 不予受理, 撤回, and what is still open."""
    stages = [
        ("申请", figures.applications, "#2f6fad"),
        ("一次性告知补正", figures.supplements.notices, "#f28e2b"),
        ("受理", figures.accepted, "#2f6fad"),
        ("办结", figures.completed, "#59a14f"),
        ("不予受理", figures.refused, "#e15759"),
        ("撤回", figures.withdrawn, "#9c755f"),
        ("在办", figures.in_progress, "#76b7b2"),
    ]
    labels = [label for label, _, _ in stages]
    chart = _chart(
        pygal.HorizontalBar,
        "funnel",
        height=420,
        title="办件流程：申请→受理→办结（件）",
        show_legend=False,
        print_values=True,
        print_values_position="top",
        value_formatter=lambda value: f"{value:.0f}",
        margin_left=_left_margin(labels, STYLE.label_font_size),
    )
    # A horizontal chart draws its first label at the bottom: the funnel reads top down.
    chart.x_labels = list(reversed(labels))
    chart.add("件数", [{"value": count, "color": colour} for _, count, colour in reversed(stages)])
    return render(chart)


def time_used(groups: Sequence[GroupFigures]) -> str:
    """Each department's average working days used, beside what its promises allowed, in
    the table's order."""
    groups = list(reversed(groups))
    labels = [group.name for group in groups]
    chart = _chart(
        pygal.HorizontalBar,
        "time",
        height=max(200 + 52 * len(groups), 300),
        title="各部门平均用时与承诺时限（工作日）",
        legend_at_bottom=True,
        legend_at_bottom_columns=2,
        print_values=True,
        print_values_position="top",
        value_formatter=lambda value: f"{value:.1f}",
        margin_left=_left_margin(labels, STYLE.label_font_size),
    )
    chart.x_labels = labels
    chart.add("平均用时", [_number(group.average_days) for group in groups])
    chart.add("平均承诺时限", [_number(group.average_promised_days) for group in groups])
    return render(chart)


def grades(figures: YearFigures) -> str:
    """The five grades of 好差评, best first."""
    chart = _chart(
        pygal.Pie,
        "grades",
        height=420,
        title=f"好差评（共{figures.evaluations.evaluated}件）",
        inner_radius=0.45,
        legend_at_bottom=True,
        legend_at_bottom_columns=5,
        print_values=True,
        value_formatter=lambda value: f"{value:.0f}",
        style=Style(**{**_style_fields(), "colors": GRADE_COLOURS}),
    )
    for grade in figures.evaluations.by_grade:
        if grade.count:
            chart.add(f"{grade.label} {grade.count}件", [grade.count])
        else:
            chart.add(f"{grade.label} 0件", [])
    return render(chart)


def subsidies(figures: YearFigures) -> str:
    """The year's subsidies (以奖代补) by county, community centres and village stations
    stacked, in 万元 (empty when none was earned)."""
    done = figures.grassroots
    counties = () if done is None else done.subsidies_by_county
    chart = _chart(
        pygal.StackedBar,
        "subsidies",
        height=420,
        title=f"{figures.year}年各县区以奖代补资金（万元）",
        legend_at_bottom=True,
        legend_at_bottom_columns=2,
        print_values=True,
        value_formatter=lambda value: f"{value:g}",
    )
    chart.x_labels = [county.name for county in counties]
    chart.add("农村社区便民服务中心", [float(c.community_amount / 10000) for c in counties])
    chart.add("村级便民服务站", [float(c.village_amount / 10000) for c in counties])
    return render(chart)


AGENCY_GRADE_COLOURS = ("#1a9850", "#91cf60", "#fee08b", "#d73027")
"""优秀 良好 合格 不合格: green to red."""


def agency_grades(figures: YearFigures) -> str:
    """The agencies' grades per quarter assessed (中介机构季度考核), those with work due in
    the quarter, the four grades stacked."""
    market = figures.supermarket
    quarters = () if market is None else market.grades
    chart = _chart(
        pygal.StackedBar,
        "agency-grades",
        style=Style(**{**_style_fields(), "colors": AGENCY_GRADE_COLOURS}),
        height=400,
        title=f"{figures.year}年中介机构季度考核等次（有业务的机构，家）",
        legend_at_bottom=True,
        legend_at_bottom_columns=4,
        print_values=True,
        print_zeroes=False,
        value_formatter=lambda value: f"{value:g}",
    )
    chart.x_labels = [f"第{g.quarter}季度" for g in quarters]
    for label, field in (
        ("优秀", "excellent"),
        ("良好", "good"),
        ("合格", "passing"),
        ("不合格", "failed"),
    ):
        chart.add(label, [getattr(g, field) for g in quarters])
    return render(chart)


def _style_fields() -> dict:
    return {
        name: getattr(STYLE, name)
        for name in dir(STYLE)
        if not name.startswith("_") and not callable(getattr(STYLE, name))
    }


def all_charts(figures: YearFigures) -> dict[str, str]:
    """Every chart of the page, by its name in the template."""
    return {
        "by_month": by_month(figures),
        "on_time": on_time_by_department(figures.own_departments),
        "funnel": funnel(figures),
        "time_used": time_used(figures.own_departments),
        "grades": grades(figures),
        **({"subsidies": subsidies(figures)} if figures.grassroots is not None else {}),
        **({"agency_grades": agency_grades(figures)} if figures.supermarket is not None else {}),
    }
