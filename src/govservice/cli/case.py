"""``govservice case ACTION``: a clerk's actions on cases, and ``case show``.

Every action names who takes it: ``--actor NAME [--actor-id ID] --role ROLE``, or the
identity the integrator puts in the environment (:mod:`govservice.cli.identity`); the role
and who the actor is decide what is allowed, and a refused attempt is recorded on the case.
What the clerk reads is Chinese, with names rather than codes: the line each action prints,
the warnings of local rules, the case sheet (``case show``: the item, station and history
by name; the case id and the item code beside them) and the refusals
(:func:`~govservice.cli.common.report`). Identity numbers are always masked.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from govservice.cli.common import persistent_store, service_from, whole_number
from govservice.cli.identity import actor_from, add_identity_options
from govservice.cli.terminal import emit, printable, printable_json
from govservice.clock import SystemClock
from govservice.codec import from_document, to_document
from govservice.errors import GovServiceError, InvalidRecordError, UsageError
from govservice.model import (
    ApplicantCategoryKind,
    Case,
    CaseState,
    Grade,
    Outcome,
    SpecialProcedure,
    SubmittedMaterial,
)
from govservice.model.identifiers import (
    mask_document,
    mask_evidence_number,
    mask_identity_numbers,
)
from govservice.model.regions import region_label
from govservice.records import read_records
from govservice.store.base import Stored
from govservice.workflow import Actor, Workflow
from govservice.workflow.intake import application_from_document
from govservice.workflow.transitions import event_label


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "case",
        help="act on a case (apply, accept, review, decide ...) or show one",
        description="Take an action on a case as a named actor in a role, or show a case. "
        "Exit 0 when done, 2 when the action is refused (the reason is printed).",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    def action(name: str, help: str, run: Callable[..., Any], *, case_file: bool = False):
        sub = actions.add_parser(name, help=help)
        if case_file:
            sub.add_argument("file", metavar="FILE", help="the application: one case record")
        else:
            sub.add_argument("case_id", metavar="ID")
        add_identity_options(sub)
        sub.set_defaults(run=lambda args: _act(args, run))
        return sub

    sub = action("apply", "take a new application from a JSON/YAML file", _apply, case_file=True)
    sub.add_argument(
        "--receipt-reason",
        help="a paper application entered late (补录, window clerks only): why its time of "
        "receipt (received_at) is earlier than now",
    )
    sub = action("accept", "受理: accept (materials complete)", _accept)
    sub.add_argument(
        "--fee-choice",
        action="append",
        default=[],
        type=_fee_choice,
        metavar="GROUP=OPTION",
        help="the option of a group of fee alternatives that applies (收费情形, e.g. "
        "工本费=补领); without it the case's document_kind selects",
    )
    sub.add_argument(
        "--fee-condition",
        action="append",
        default=[],
        metavar="NAME",
        help="a conditional fee whose condition the clerk confirms (by the fee's name)",
    )
    sub.add_argument(
        "--confirm-categories",
        action="store_true",
        help="confirm every applicant category the case declares, the evidence seen",
    )
    sub.add_argument(
        "--confirm-category",
        action="append",
        default=[],
        choices=[kind.value for kind in ApplicantCategoryKind],
        help="confirm one declared applicant category (repeat for several)",
    )
    sub = action("refuse", "不予受理: refuse to accept, with the reason", _refuse)
    sub.add_argument("--reason", required=True)
    sub.add_argument("--legal-basis")
    sub = action("request-supplement", "补正: one notice listing every missing material", _request)
    sub.add_argument(
        "--material", action="append", help="a material to supplement (default: all missing)"
    )
    sub.add_argument("--note")
    sub = action("supplement", "the applicant hands in the supplement", _supplement)
    sub.add_argument("--material", action="append", required=True, help="a material handed in")
    action("review", "审查: take the case into review", lambda w, c, a, args: w.review(c, a))
    sub = action("suspend", "特别程序: stop the clock for a special procedure", _suspend)
    sub.add_argument("--procedure", required=True, choices=[p.value for p in SpecialProcedure])
    sub.add_argument("--reason", required=True)
    sub.add_argument("--expected-days", type=whole_number(0, 3650), help="days (0 to 3,650)")
    action(
        "resume", "恢复办理: the special procedure is over", lambda w, c, a, args: w.resume(c, a)
    )
    sub = action("decide", "作出决定: grant or deny", _decide)
    sub.add_argument("--outcome", required=True, choices=[o.value for o in Outcome])
    sub.add_argument("--reason")
    sub.add_argument("--legal-basis")
    action("complete", "办结: the decision is delivered", lambda w, c, a, args: w.complete(c, a))
    sub = action("withdraw", "撤回: the applicant withdraws", _withdraw)
    sub.add_argument("--reason")
    sub = action("extend", "延长: extend the legal limit once by 10 working days", _extend)
    sub.add_argument("--reason", required=True)
    sub = action("exempt-fee", "减免收费: lower or waive a fee charged, with the reason", _exempt)
    sub.add_argument("--fee", required=True, help="the fee's name, as charged on the case")
    sub.add_argument(
        "--amount",
        type=_yuan,
        default=Decimal("0"),
        help="what is charged instead (yuan, at most 2 decimals; default 0)",
    )
    sub.add_argument("--reason", required=True)
    sub = action(
        "assign", "name a dedicated handler or a centre's agent, or set the green channel", _assign
    )
    sub.add_argument("--handler")
    sub.add_argument("--agent", help="the centre's agent (全程代办): staff number or name")
    sub.add_argument("--green-channel", action=argparse.BooleanOptionalAction, default=None)
    sub = action("evaluate", "好差评: the applicant's evaluation of a completed case", _evaluate)
    sub.add_argument("--grade", required=True, choices=[g.value for g in Grade])
    sub.add_argument("--comment")
    sub = action("follow-up", "整改回访: record what was done about a bad evaluation", _follow)
    sub.add_argument("--note", required=True)
    sub.add_argument("--close", action="store_true", help="the rectification is done")

    codes = actions.add_parser(
        "issue-codes",
        help="give every stored case without a tracking code one (cases brought in by import)",
    )
    add_identity_options(codes)
    codes.set_defaults(run=run_issue_codes)

    show = actions.add_parser("show", help="show a case: state, deadlines, trail")
    show.add_argument("case_id", metavar="ID")
    show.add_argument("--json", action="store_true", help="the case document (numbers masked)")
    show.set_defaults(run=run_show)


def _act(args: argparse.Namespace, run: Callable[..., Stored[Case]]) -> int:
    service = service_from(args)
    # Only an application may start a new database; a mistyped path is an error elsewhere.
    store = persistent_store(service, create=args.action == "apply")
    try:
        workflow = Workflow(service, store)
        _claim_now(workflow, args)
        ref = getattr(args, "case_id", None)
        try:
            stored = run(workflow, ref, actor_from(args), args)
        except ValueError as error:  # a value the model refuses, e.g. an empty material
            raise UsageError(str(error), where=f"case {ref}" if ref else None) from None
        case = stored.record
        event = case.events[-1]
        print(printable(f"办件 {case.id}：{event_label(event)} → {case.state.label}"))
        if event.action == "apply":
            print(printable(f"查询码 {case.tracking_code}"))
        if case.promised_due is not None and event.action in (
            "accept",
            "supplement",
            "resume",
            "extend",
        ):
            mark = "（临时期限）" if case.deadline_provisional else ""
            print(f"承诺办结 {case.promised_due}，法定办结 {case.legal_due}{mark}")
        if event.action in ("apply", "accept"):
            print(printable(_fees_line(case)))
        if event.action == "supplement" and case.state is CaseState.AWAITING_SUPPLEMENT:
            print(printable(f"尚待补正：{'、'.join(case.supplements[-1].awaited)}"))
        for warning in event.warnings:
            print(printable(mask_identity_numbers(f"警告[{warning.code}] {warning.message}")))
    finally:
        store.close()
    return 0


def _fees_line(case: Case) -> str:
    """收费: what the case is charged, each fee with its option and exemption."""
    if not case.fees:
        return "收费：无"
    parts = []
    for fee in case.fees:
        option = f"（{fee.option}）" if fee.option else ""
        exemption = f"，{fee.exemption}" if fee.exemption else ""
        parts.append(f"{fee.name}{option} {fee.amount} 元{exemption}")
    total = sum(fee.amount for fee in case.fees)
    return f"收费：{'；'.join(parts)}；合计 {total} 元"


def _claim_now(workflow: Workflow, args: argparse.Namespace) -> None:
    """``--now`` is a time claimed for the actions, not the server's clock: the workflow
    takes it on a simulation store only (``ClockClaimError`` elsewhere), and each event
    records the real time beside it (``recorded_at``)."""
    if args.now is not None:
        workflow.service.clock = SystemClock()
        workflow.claimed_now = args.now


def _apply(workflow: Workflow, ref: Any, actor: Actor, args: argparse.Namespace):
    records = list(read_records(args.file))
    if len(records) != 1:
        raise UsageError(f"an application is one case record; the file holds {len(records)}")
    record = records[0]
    where = f"{record.file}:{record.line}"
    if not isinstance(record.document, dict):
        raise InvalidRecordError("an application is a case record (an object)", where=where)
    window = workflow.service.config.date_window
    case, carried = application_from_document(record.document, where=where, window=window)
    return workflow.apply(case, actor, receipt_reason=args.receipt_reason, carried=carried)


_YUAN = re.compile(r"(0|[1-9][0-9]{0,11})(\.[0-9]{1,2})?")
"""An amount of yuan on the command line: the schemas' ``yuan`` form (no sign, no
exponent, no NaN or Infinity), at most 12 digits before the point."""


def _yuan(text: str) -> Decimal:
    """``--amount``: a finite, non-negative amount of yuan with at most 2 decimals."""
    if not _YUAN.fullmatch(text.strip()):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an amount of yuan such as 120 or 35.50 "
            "(not negative, at most 2 decimals)"
        )
    return Decimal(text.strip())


def _fee_choice(text: str) -> tuple[str, str]:
    """``--fee-choice GROUP=OPTION``."""
    group, equals, option = text.partition("=")
    if not equals or not group.strip() or not option.strip():
        raise argparse.ArgumentTypeError(
            f"{text!r} is not GROUP=OPTION (a fee group and its option, e.g. 工本费=补领)"
        )
    return group.strip(), option.strip()


def _accept(workflow, ref, actor, args):
    choices: dict[str, str] = {}
    for group, option in args.fee_choice:
        if choices.get(group, option) != option:
            raise UsageError(f"--fee-choice: group {group!r} is given two options")
        choices[group] = option
    categories = True if args.confirm_categories else args.confirm_category
    return workflow.accept(
        ref,
        actor,
        fee_choices=choices,
        fee_conditions=args.fee_condition,
        confirm_categories=categories,
    )


def _exempt(workflow, ref, actor, args):
    return workflow.exempt_fee(ref, actor, args.fee, args.reason, amount=args.amount)


def _refuse(workflow, ref, actor, args):
    return workflow.refuse(ref, actor, args.reason, legal_basis=args.legal_basis)


def _request(workflow, ref, actor, args):
    return workflow.request_supplement(ref, actor, args.material, note=args.note)


def _supplement(workflow, ref, actor, args):
    handed_in = [SubmittedMaterial(name=name, originals=1) for name in args.material]
    return workflow.supplement(ref, actor, handed_in)


def _suspend(workflow, ref, actor, args):
    return workflow.suspend(
        ref, actor, args.procedure, args.reason, expected_days=args.expected_days
    )


def _decide(workflow, ref, actor, args):
    return workflow.decide(
        ref, actor, args.outcome, reason=args.reason, legal_basis=args.legal_basis
    )


def _withdraw(workflow, ref, actor, args):
    return workflow.withdraw(ref, actor, reason=args.reason)


def _extend(workflow, ref, actor, args):
    return workflow.extend(ref, actor, args.reason)


def _assign(workflow, ref, actor, args):
    return workflow.assign(
        ref, actor, handler=args.handler, green_channel=args.green_channel, agent=args.agent
    )


def _evaluate(workflow, ref, actor, args):
    return workflow.evaluate(ref, actor, args.grade, comment=args.comment)


def _follow(workflow, ref, actor, args):
    return workflow.follow_up(ref, actor, args.note, close=args.close)


def run_issue_codes(args: argparse.Namespace) -> int:
    """Page through the cases; each one without a code gets one, a batch of them at a time."""
    service = service_from(args)
    store = persistent_store(service, create=False)
    issued = 0
    try:
        workflow = Workflow(service, store)
        _claim_now(workflow, args)
        actor = actor_from(args)
        after = None
        while True:
            page = store.list("case", limit=500, after=after)
            with workflow.batch():
                for stored in page.records:
                    if stored.record.tracking_code is None:
                        workflow.issue_tracking_code(stored, actor)
                        issued += 1
            if page.next_after is None:
                break
            after = page.next_after
    finally:
        store.close()
    print(f"已发放查询码 {issued} 个")
    return 0


def run_show(args: argparse.Namespace) -> int:
    service = service_from(args)
    store = persistent_store(service, create=False)
    try:
        case = Workflow(service, store).case(args.case_id).record
        # identity numbers masked where they are, and in free text; codes never
        document = mask_document(to_document(case))
        if args.json:
            text = json.dumps(document, ensure_ascii=False, indent=2)
            print(printable_json(text))
        else:
            item = store.item(case.item_code, case.item_version)
            station = store.get("station", case.station_code) if case.station_code else None
            project = store.get("project", case.project_id) if case.project_id else None
            emit(
                describe(
                    from_document(Case, document, check=False),
                    item_name=item.name if item is not None else None,
                    station_name=station.record.name if station is not None else None,
                    project_name=project.record.name if project is not None else None,
                )
            )
    finally:
        store.close()
    return 0


def describe(
    case: Case,
    *,
    item_name: str | None = None,
    station_name: str | None = None,
    project_name: str | None = None,
) -> str:
    """A case as a clerk reads it (Chinese): the item, the station and the joint-review
    project by name (as stored; the code where the name is not given), each step of the
    history by what a clerk calls it (:func:`~govservice.workflow.transitions.event_label`)
    with who took it in which role, a refused attempt with why.

    Every text of the record is shown escaped where it is unprintable
    (:func:`~govservice.cli.terminal.printable`): a line break or a terminal escape in an
    actor's name cannot make a history line of its own."""
    p = _shown
    applicant = case.applicant
    number = applicant.identifier.number
    item = f"{p(item_name)}（{p(case.item_code)}）" if item_name else p(case.item_code)
    station = p(station_name) if station_name else p(case.station_code)
    lines = [
        f"办件 {p(case.id)}（查询码 {p(case.tracking_code) or '无'}）",
        f"事项 {item} 第{case.item_version}版，{p(case.department)}",
        f"站点 {station or '未指定（由区划中心办理）'}，区划 {p(region_label(case.region))}",
        f"申请人 {p(applicant.name)}（{applicant.identifier.kind.label} {p(number)}）",
        f"状态 {case.state.label}",
    ]
    if case.promised_due is not None:
        mark = "（临时期限）" if case.deadline_provisional else ""
        lines.append(f"承诺办结 {case.promised_due}，法定办结 {case.legal_due}{mark}")
    project = p(project_name) if project_name else p(case.project_id)
    flags = [
        *(["绿色通道"] if case.green_channel else []),
        *([f"专人负责：{p(case.handler)}"] if case.handler else []),
        *(["全程代办"] if case.full_agency else []),
        *([f"联审项目 {project}"] if case.project_id else []),
    ]
    if flags:
        lines.append("，".join(flags))
    if case.document_kind:
        lines.append(f"申请类型 {p(case.document_kind)}")
    for category in case.applicant_categories:
        name = p(category.label) if category.label else category.category.label
        seen = f"，{p(category.confirmed_by)} 已确认" if category.confirmed_by else "，未确认"
        lines.append(
            f"申请人类别 {name}（{p(category.evidence_kind)} "
            f"{p(mask_evidence_number(category.evidence_number))}）{seen}"
        )
    if case.fees or case.events:
        lines.append(p(_fees_line(case)))
    if case.refusal_reason:
        lines.append(f"不予受理理由：{p(case.refusal_reason)}")
    if case.decision is not None:
        lines.append(
            f"决定：{case.decision.outcome.label}"
            + (f"，理由：{p(case.decision.reason)}" if case.decision.reason else "")
        )
    if case.evaluation is not None:
        lines.append(f"评价：{case.evaluation.grade.label}")
    if case.rectification is not None:
        state = "已完成" if case.rectification.closed_at else "进行中"
        lines.append(f"整改：{state}，期限 {case.rectification.due}")
    lines.append("办理过程：")
    for event in case.events:
        when = event.at.strftime("%Y-%m-%d %H:%M")
        who = f"{p(event.actor)}（{event.role.label}）"
        behalf = f" 代 {p(event.on_behalf_of)}" if event.on_behalf_of else ""
        moved = f"{event.from_state.label if event.from_state else '—'} → {event.to_state.label}"
        label = p(event_label(event))
        if event.refusal:
            code, why = _refusal(event.refusal)
            lines.append(
                f"  {when} {who}{behalf} {label}【被拒绝{code}：{_refused(event, code)}】"
            )
            if why:
                lines.append(f"    拒绝原因（系统记录）：{p(why)}")
            continue
        note = f" {p(event.note)}" if event.note else ""
        lines.append(f"  {when} {who}{behalf} {label} {moved}{note}")
        lines.extend(f"    警告[{p(w.code)}] {p(w.message)}" for w in event.warnings)
    return "\n".join(lines)


_REFUSAL = re.compile(r"(GS[0-9]{3}): (.*)", re.DOTALL)


def _refusal(refusal: str) -> tuple[str, str]:
    """A recorded refusal (``GS802: reviewer may not accept``) as its code in brackets and
    the recorded reason (empty for a refusal of the role, which the sheet says in full)."""
    found = _REFUSAL.fullmatch(refusal)
    if found is None:  # an imported case's own words
        return "", refusal
    code, why = found.groups()
    return f"[{code}]", "" if code == "GS802" and " may not " in why else why


def _refused(event: Any, code: str) -> str:
    """Why an attempt was refused, in Chinese: for the role (GS802), the role and the
    action; else what the error's class tells a clerk."""
    if code == "[GS802]":
        return f"{event.role.label}无权办理“{event_label(event)}”"
    title = _titles().get(code.strip("[]"))
    return title or "已拒绝"


def _titles() -> dict[str, str]:
    """The Chinese title of every error class that has one, by code."""
    found: dict[str, str] = {}
    pending: list[type[GovServiceError]] = [GovServiceError]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.title and cls.code not in found:
            found[cls.code] = cls.title
    return found


def _shown(text: str | None) -> str:
    return printable(text) if text else ""
