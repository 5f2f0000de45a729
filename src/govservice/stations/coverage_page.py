"""The coverage report (应进必进) as a clerk reads it: a terminal table, CSV and an HTML
page, in Chinese, naming stations, townships, counties and items by name.

The HTML page is ``templates/coverage.html.j2`` (Jinja2, autoescaped: a station or item
name is text, never markup).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable

import jinja2

from govservice.spreadsheet import cell as text_cell
from govservice.stations.coverage import CoverageRate, CoverageReport, ItemRef, percent
from govservice.stations.hierarchy import region_name

CSV_COLUMNS = (
    "县区",
    "乡镇(街道)",
    "站点编码",
    "站点名称",
    "层级",
    "应进事项数",
    "已进事项数",
    "进驻率",
    "未进驻事项",
    "目录外事项",
)
"""The CSV's header: one row a station."""


def _names(items: Iterable[ItemRef]) -> str:
    return "；".join(item.name for item in items)


def coverage_rows(report: CoverageReport) -> list[list[str]]:
    """One row a station, in :data:`CSV_COLUMNS` order."""
    return [
        [
            text_cell(region_name(line.region)),
            text_cell(report.township_name(line.township_code)),
            line.code,
            text_cell(line.name),
            line.level.label,
            str(line.required),
            str(line.covered),
            percent(line.rate),
            text_cell(_names(line.gaps)),
            text_cell(_names(line.extras)),
        ]
        for line in report.stations
    ]


def coverage_csv(report: CoverageReport) -> str:
    """The report as CSV (UTF-8 text, a header and one row a station)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(coverage_rows(report))
    return out.getvalue()


def _rate_line(rate: CoverageRate) -> str:
    return (
        f"  {rate.name}：{rate.stations}个站点，应进{rate.required}项，已进{rate.covered}项，"
        f"未进{rate.gaps}项，进驻率{percent(rate.rate)}"
    )


def width(text: str) -> int:
    """The columns ``text`` takes on a terminal (a Chinese character takes two)."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _table(header: list[str], rows: list[list[str]], numeric: int) -> list[str]:
    """Rows aligned in columns; the last ``numeric`` columns are right-aligned."""
    widths = [max(width(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, *rows]:
        cells = []
        for i, cell in enumerate(row):
            pad = " " * (widths[i] - width(cell))
            cells.append(pad + cell if i >= len(row) - numeric else cell + pad)
        lines.append("  ".join(cells).rstrip())
    return lines


def _rate_row(rate: CoverageRate) -> list[str]:
    return [
        rate.name,
        str(rate.stations),
        str(rate.required),
        str(rate.covered),
        str(rate.gaps),
        str(rate.extras),
        percent(rate.rate),
    ]


_RATE_HEADER = ["", "站点数", "应进", "已进", "未进", "目录外", "进驻率"]


def coverage_text(report: CoverageReport, *, gaps: bool = True) -> str:
    """The report for a terminal: the versions followed, a table of the stations (each
    followed by its missing items and extras, with ``gaps``), then the tables of the rates
    by township and by county, and the total."""
    lines = [f"便民服务事项进驻情况（应进必进）　{report.on}"]
    lines += [f"指导性目录：{v.region_name} 执行 {v.label}" for v in report.versions]
    lines.append("")
    header = ["站点", "层级", "应进", "已进", "进驻率"]
    rows = [
        [line.name, line.level.label, str(line.required), str(line.covered), percent(line.rate)]
        for line in report.stations
    ]
    table = _table(header, rows, numeric=3)
    lines.append(table[0])
    for line, text in zip(report.stations, table[1:], strict=True):
        lines.append(text)
        if gaps and line.gaps:
            lines.append(f"    未进驻：{_names(line.gaps)}")
        if gaps and line.extras:
            lines.append(f"    目录外：{_names(line.extras)}")
    lines.append("")
    lines += _table(
        ["乡镇(街道)", *_RATE_HEADER[1:]], [_rate_row(r) for r in report.townships], numeric=6
    )
    lines.append("")
    lines += _table(
        ["县区", *_RATE_HEADER[1:]], [_rate_row(r) for r in report.counties], numeric=6
    )
    lines += ["", _rate_line(report.total).strip()]
    return "\n".join(lines) + "\n"


def coverage_html(report: CoverageReport) -> str:
    """The report as one HTML page (Chinese, autoescaped)."""
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("govservice.stations", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    environment.filters["percent"] = percent
    environment.filters["region_name"] = region_name
    return environment.get_template("coverage.html.j2").render(report=report)
