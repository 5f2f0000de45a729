"""The circular (通报) of a quarter's staff assessment, in Chinese: names, never codes;
identity numbers masked (a name is whatever the centre typed)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from govservice.model import QuarterAssessment
from govservice.model.assessment import PARTY_PIONEER, SERVICE_STAR, AssessmentPart
from govservice.model.identifiers import mask_identity_numbers

_NUMBERS = "一二三四"


def circular_text(assessment: QuarterAssessment, *, centre: str, day: dt.date) -> str:
    """The 通报 of ``assessment``, issued by ``centre`` on ``day``."""
    a = assessment
    quarter = _NUMBERS[a.quarter - 1]
    period = f"{a.year}年第{quarter}季度"
    weights = a.rules.weights
    rules = "、".join(
        f"{part.label}{_points(getattr(weights, part.value))}分" for part in AssessmentPart
    )
    lines = [
        f"关于{period}进驻人员考核情况的通报",
        "",
        "各进驻部门、各窗口：",
        f"　　根据进驻人员考核细则（{rules}，满分100分），{centre}对{len(a.people)}名进驻人员"
        f"{_day(a.first)}至{_day(a.last)}的出勤、纪律和服务情况进行了考核。服务情况取自办件"
        "全程留痕：办件量、按时办结率、好差评和投诉。现将考核结果通报如下。",
        "",
        "一、个人考核结果",
    ]
    if not a.people:
        lines.append("　　本季度无进驻人员考勤记录。")
    for person in a.people:
        where = person.station_name + (person.window_name or "")
        service = person.service
        rate = service.on_time_rate
        shown_rate = "无办结件" if rate is None else f"按时办结率{_percent(rate)}"
        lines.append(
            f"　　第{person.rank}名　{person.name}（{where}）{_points(person.score)}分："
            f"出勤{person.days_present}/{person.days_due}天，办件{service.handled}件，"
            f"{shown_rate}，评价{service.graded}次，差评{service.complaints}次"
            + (
                f"，纪律扣{_points(person.discipline_points)}分"
                if person.discipline_points
                else ""
            )
            + "。"
        )
    lines += ["", "二、窗口考核结果"]
    if not a.windows:
        lines.append("　　本季度无窗口考核结果。")
    for window in a.windows:
        lines.append(
            f"　　第{window.rank}名　{window.station_name}{window.window_name or ''}"
            f"（{window.people}人）平均{_points(window.score)}分。"
        )
    lines += ["", "三、表彰"]
    honoured = False
    for title in (PARTY_PIONEER, SERVICE_STAR):
        named = [h for h in a.honours if h.title == title]
        if named:
            honoured = True
            names = "、".join(f"{h.name}（{h.station_name}{h.window_name or ''}）" for h in named)
            lines.append(f"　　授予{names}{len(named)}名同志本季度“{title}”称号。")
    if not honoured:
        lines.append("　　本季度无人达到表彰条件。")
    bad = [p for p in a.people if p.service.complaints]
    short = [p for p in a.people if p.days_present < p.days_due]
    lines += ["", "四、存在问题"]
    if bad:
        lines.append(
            "　　收到差评的："
            + "、".join(f"{p.name}（{p.service.complaints}次）" for p in bad)
            + "，已按规定启动整改。"
        )
    if short:
        lines.append(
            "　　出勤未满的："
            + "、".join(f"{p.name}（缺勤{p.days_due - p.days_present}天）" for p in short)
            + "。"
        )
    if not bad and not short:
        lines.append("　　本季度未发现差评和缺勤。")
    lines += [
        "",
        "　　希望受到表彰的同志珍惜荣誉、再接再厉；各窗口对照考核细则查找不足，切实提升服务水平。",
        "",
        f"{centre}",
        _day(day),
    ]
    return mask_identity_numbers("\n".join(lines)) + "\n"


def _day(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _points(value: Decimal) -> str:
    text = format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    return text


def _percent(rate: Decimal) -> str:
    return f"{(rate * 100).quantize(Decimal('0.1'))}%"
