"""``govservice intermediaries engage|deliver|assess``: engagements and the agencies'
quarterly assessment (registered by :mod:`govservice.cli.intermediaries`).

``engage SELECTION`` records the agreement made with the agency a stored selection chose
(an agreed fee outside the published regime or offer is printed as a finding);
``deliver ENGAGEMENT`` records the delivery and the department's rating, and says how many
working days late it was; ``assess YEAR QUARTER`` grades every agency's quarter
(优秀 良好 合格 不合格), stores it, and prints the grades, the suspensions drawn and the
reinstatements recorded.

What a clerk reads is Chinese; every error is one line and exit 2.
"""

from __future__ import annotations

import argparse
import json
import re
from decimal import Decimal
from typing import Any

from govservice.cli.common import day, open_centre, whole_number
from govservice.cli.output import check_output, write_output
from govservice.cli.terminal import emit, printable
from govservice.codec import to_document
from govservice.intermediaries.assessment import PART_LABELS, AssessmentOutcome
from govservice.model import AgencyQuarter, Engagement
from govservice.service import GovService

_YUAN = re.compile(r"(0|[1-9][0-9]{0,11})(\.[0-9]{1,2})?")
SOURCES = {"built-in": "内置细则", "config": "配置文件"}


def register(actions: argparse._SubParsersAction) -> None:
    """Add ``engage``, ``deliver`` and ``assess`` to the ``intermediaries`` group."""
    engage = actions.add_parser(
        "engage",
        help="record the agreement with the agency a selection chose",
        description="Record an engagement (服务合同) of a stored selection: the agency is "
        "the selection's result. An agreed fee outside the service's published regime or "
        "the agency's published offer is recorded with a finding.",
    )
    engage.add_argument("selection", metavar="SELECTION", help="the selection's id")
    engage.add_argument("--fee", type=_yuan, metavar="YUAN", help="the agreed fee, in yuan")
    engage.add_argument(
        "--quantity",
        type=_quantity,
        metavar="UNITS",
        help="the units a fee per unit is agreed for (e.g. the floor area in 平方米)",
    )
    engage.add_argument("--signed", type=day, required=True, metavar="DATE", help="signed on")
    engage.add_argument("--due", type=day, required=True, metavar="DATE", help="due on")
    engage.add_argument("--id", metavar="ID", help="the engagement's id (default: HT-…)")
    engage.add_argument("--json", action="store_true", help="print the engagement as JSON")
    engage.set_defaults(run=run_engage)

    deliver = actions.add_parser(
        "deliver",
        help="record the delivery of an engagement's work",
        description="Record the day the agency delivered and the approving department's "
        "rating of the work (0 to 100); lateness is counted in working days on the "
        "centre's calendar.",
    )
    deliver.add_argument("engagement", metavar="ENGAGEMENT", help="the engagement's id")
    deliver.add_argument("--on", type=day, required=True, metavar="DATE", help="delivered on")
    deliver.add_argument(
        "--quality", type=whole_number(0, 100), metavar="0-100", help="the department's rating"
    )
    deliver.add_argument("--json", action="store_true", help="print the engagement as JSON")
    deliver.set_defaults(run=run_deliver)

    assess = actions.add_parser(
        "assess",
        help="grade every agency's quarter; suspend and reinstate as the rules say",
        description="中介机构季度考核: score and grade (优秀 良好 合格 不合格) each agency's "
        "quarter by the rules of a plugin or of intermediaries.assessment in the "
        "configuration, store the grades, suspend the agencies the rules suspend and "
        "record the reinstatements due. A quarter is assessed once it has ended.",
    )
    assess.add_argument("year", type=whole_number(1949, 2100), metavar="YEAR")
    assess.add_argument("quarter", type=whole_number(1, 4), metavar="QUARTER", help="1 to 4")
    assess.add_argument("--json", action="store_true", help="print JSON")
    assess.add_argument("--out", metavar="FILE", help="write to this file instead")
    assess.add_argument("--force", action="store_true", help="replace --out if it exists")
    assess.set_defaults(run=run_assess)


def _yuan(text: str) -> Decimal:
    if not _YUAN.fullmatch(text.strip()):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an amount of yuan such as 3500 or 3500.50 "
            "(not negative, at most 2 decimals)"
        )
    return Decimal(text.strip())


def _quantity(text: str) -> Decimal:
    if not _YUAN.fullmatch(text.strip()):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a quantity such as 12000 or 12000.5 "
            "(not negative, at most 2 decimals)"
        )
    return Decimal(text.strip())


def _name(service: GovService, credit_code: str) -> str:
    stored = service.store.get("intermediary", credit_code)
    return credit_code if stored is None else f"{stored.record.name}（{credit_code}）"


# --- engage, deliver -------------------------------------------------------------------------


def run_engage(args: argparse.Namespace) -> int:
    service = open_centre(args)
    try:
        made = service.intermediaries.engagements.engage(
            args.selection,
            agreed_fee=args.fee,
            quantity=args.quantity,
            signed_on=args.signed,
            due_on=args.due,
            engagement_id=args.id,
        )
        if args.json:
            emit(json.dumps(to_document(made), ensure_ascii=False, indent=2))
        else:
            emit(engagement_text(made, _name(service, made.credit_code)))
    finally:
        service.store.close()
    return 0


def engagement_text(made: Engagement, agency: str) -> str:
    """The engagement recorded, in Chinese, with its findings."""
    fee = "未约定金额" if made.agreed_fee is None else f"{made.agreed_fee}元"
    if made.quantity is not None:
        fee += f"（计费数量{made.quantity}）"
    lines = [
        f"已登记：服务合同{made.id}，{printable(agency)}，约定收费{fee}，"
        f"{made.signed_on}签订，{made.due_on}前交付"
    ]
    lines += [f"发现：{printable(finding)}" for finding in made.findings]
    return "\n".join(lines)


def run_deliver(args: argparse.Namespace) -> int:
    service = open_centre(args)
    try:
        engagements = service.intermediaries.engagements
        done = engagements.deliver(args.engagement, on=args.on, quality=args.quality)
        late = engagements.late_days(done)
        if args.json:
            emit(
                json.dumps(
                    {**to_document(done), "late_working_days": late}, ensure_ascii=False, indent=2
                )
            )
        else:
            when = f"逾期{late}个工作日" if late else "按期交付"
            rated = "" if done.quality is None else f"，质量评分{done.quality}"
            emit(f"已登记交付：服务合同{done.id}于{done.delivered_on}交付，{when}{rated}")
    finally:
        service.store.close()
    return 0


# --- assess ----------------------------------------------------------------------------------


def run_assess(args: argparse.Namespace) -> int:
    service = open_centre(args, stamps=True)
    try:
        out = None
        if args.out:  # refused before anything is assessed, not after
            out = check_output(args.out, service.config, force=args.force, option="--out")
        outcome = service.intermediaries.assessment.assess_quarter(args.year, args.quarter)
        names = {q.credit_code: _name(service, q.credit_code) for q in outcome.quarters}
        if args.json:
            text = json.dumps(outcome_document(outcome), ensure_ascii=False, indent=2) + "\n"
        else:
            text = outcome_text(outcome, names) + "\n"
        if out is not None:
            write_output(out, text.encode("utf-8"), force=args.force)
            emit(f"已写出：{printable(str(out))}（{len(outcome.quarters)}家机构）")
        else:
            emit(text.rstrip("\n"))
    finally:
        service.store.close()
    return 0


def outcome_text(outcome: AssessmentOutcome, names: dict[str, str]) -> str:
    """A quarter's grades in Chinese: each agency's score, grade and figures, then the
    suspensions drawn and the reinstatements recorded."""
    source = SOURCES.get(outcome.rules.source, outcome.rules.source)
    lines = [
        f"{outcome.year}年第{outcome.quarter}季度中介机构考核："
        f"{len(outcome.quarters) + len(outcome.idle)}家"
        f"（考核细则：{printable(source)}）",
    ]
    for grade, count in _grade_counts(outcome.quarters):
        lines.append(f"  {grade}：{count}家")
    if outcome.idle:
        lines.append(f"  本季度无到期合同、无成立投诉（不评定等次）：{len(outcome.idle)}家")
    lines.append("")
    for q in outcome.quarters:
        lines.append(f"  {printable(names.get(q.credit_code, q.credit_code))}")
        lines.append(f"    {q.score}分  {q.grade.label}  {_figures(q)}")
    lines += ["", f"暂停进驻（{len(outcome.suspended)}家）："]
    for q in outcome.suspended:
        lines.append(
            f"  {printable(names.get(q.credit_code, q.credit_code))}：{q.suspended_from}至"
            f"{q.suspended_until}（{printable(q.rule or '')}）"
        )
    lines += ["", f"恢复进驻（{len(outcome.reinstated)}家）："]
    for agency in outcome.reinstated:
        back = agency.history[-1]
        lines.append(
            f"  {printable(agency.name)}（{agency.credit_code}）：自{back.on}起恢复，"
            f"{printable(back.reason or '')}"
        )
    return "\n".join(lines)


def _figures(q: AgencyQuarter) -> str:
    parts = "，".join(f"{PART_LABELS.get(name, name)}{value}" for name, value in q.parts)
    quality = "无评分" if q.quality is None else f"平均质量{q.quality}"
    return (
        f"到期合同{q.engagements}件（按期{q.on_time}，逾期{q.late}），{quality}，"
        f"收费不规范{q.fee_breaches}件，投诉成立{q.complaints_upheld}件；{parts}"
    )


def _grade_counts(quarters: tuple[AgencyQuarter, ...]) -> list[tuple[str, int]]:
    from govservice.model import AgencyGrade

    return [(grade.label, sum(1 for q in quarters if q.grade is grade)) for grade in AgencyGrade]


def outcome_document(outcome: AssessmentOutcome) -> dict[str, Any]:
    return {
        "year": outcome.year,
        "quarter": outcome.quarter,
        "rules": outcome.rules.source,
        "quarters": [to_document(q) for q in outcome.quarters],
        "suspended": [q.credit_code for q in outcome.suspended],
        "reinstated": [a.credit_code for a in outcome.reinstated],
        "idle": list(outcome.idle),
    }
