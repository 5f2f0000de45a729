"""``govservice intermediaries need|select|verify-draw``: needs, selections and the check of
a draw (registered by :mod:`govservice.cli.intermediaries`).

``need SERVICE --owner … --deadline …`` posts an owner's need (its time is the centre's
clock's); ``need --commit NEED --witness 名称=贡献 …`` publishes the commitment of its draw
before the draw; ``select NEED --witness …`` finds the eligible agencies on the day and
chooses one by the need's strategy (or ``--strategy``), revealing the contributions;
``verify-draw RECORD`` re-runs a draw from a selection record (a JSON or YAML file, or the
id of a stored selection) and says whether it matches (exit 1 with what differs when it
does not; a record that is not a selection is one line, exit 2).

What a clerk or a citizen reads is Chinese; every error is one line and exit 2.
"""

from __future__ import annotations

import argparse
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from govservice.cli.common import day, open_centre, persistent_store, service_from
from govservice.cli.output import check_output, staged_output
from govservice.cli.terminal import emit, printable
from govservice.codec import from_document, to_document
from govservice.errors import (
    InvalidRecordError,
    MalformedSelectionError,
    UsageError,
)
from govservice.intermediaries.draw import verify
from govservice.intermediaries.selection import STRATEGY_LABELS
from govservice.model import Selection, Witness
from govservice.records import FORMATS, read_records
from govservice.service import GovService

_YUAN = re.compile(r"(0|[1-9][0-9]{0,11})(\.[0-9]{1,2})?")


def register(actions: argparse._SubParsersAction) -> None:
    """Add ``need``, ``select`` and ``verify-draw`` to the ``intermediaries`` group."""
    need = actions.add_parser(
        "need",
        help="post an owner's need for a listed service, or publish its draw's commitment",
        description="Post a need (中介服务需求) for a service of the intermediary service "
        "list: the owner, the project or case, a budget and a deadline. With --commit NEED "
        "and --witness, publish the commitment of the draw (the SHA-256 of the need's id "
        "and the witnesses' contributions) before the draw; the contributions are revealed "
        "at `select`.",
    )
    need.add_argument("service", nargs="?", metavar="SERVICE", help="the listed service's code")
    need.add_argument("--owner", metavar="NAME", help="the owner (项目业主)")
    need.add_argument("--owner-credit-code", metavar="CODE", help="the owner's credit code")
    need.add_argument("--deadline", type=day, metavar="DATE", help="the work is due by")
    need.add_argument("--project", metavar="ID", help="the project it is for")
    need.add_argument("--case", metavar="ID", help="the case it is for")
    need.add_argument("--budget", type=_yuan, metavar="YUAN", help="the budget, in yuan")
    need.add_argument(
        "--strategy",
        default="random-draw",
        metavar="NAME",
        help="how to select (default: "
        "random-draw; lowest-price, best-score, direct, or a plugin's)",
    )
    need.add_argument("--description", metavar="TEXT")
    need.add_argument("--id", metavar="ID", help="the need's id (default: XQ-<year>-<n>)")
    need.add_argument(
        "--commit", metavar="NEED", help="publish the commitment of NEED's draw (with --witness)"
    )
    _witnesses(need)
    need.add_argument("--json", action="store_true", help="print the need as JSON")
    need.set_defaults(run=run_need)

    select = actions.add_parser(
        "select",
        help="select an agency for a need: eligibility on the day, then the strategy",
        description="Find the agencies eligible for the need's service on the day (they "
        "offer it, hold a valid qualification for it, are active and not blacklisted) and "
        "choose one by the need's strategy. A draw reveals the witnesses' contributions "
        "(--witness, as committed); a direct choice names the agency (--agency) and needs "
        "a written --reason. The record is stored and is an event of the trail.",
    )
    select.add_argument("need", metavar="NEED", help="the need's id")
    select.add_argument(
        "--strategy",
        metavar="NAME",
        help="the need's own, said again (a need is met by the strategy it was published "
        "with; another is refused)",
    )
    _witnesses(select)
    select.add_argument("--agency", metavar="CODE", help="the agency of a direct choice")
    select.add_argument("--reason", metavar="TEXT", help="why (a direct choice needs it)")
    select.add_argument(
        "--on",
        type=day,
        metavar="DATE",
        help="judge eligibility on this day (from the need's posting to today; default today)",
    )
    select.add_argument(
        "--declined",
        action="append",
        default=[],
        metavar="CODE",
        help="an agency that gave up the need after an earlier selection (repeat)",
    )
    select.add_argument("--json", action="store_true", help="print the record as JSON")
    select.add_argument("--out", metavar="FILE", help="also write the record to this file")
    select.add_argument("--force", action="store_true", help="replace --out if it exists")
    select.set_defaults(run=run_select)

    verify = actions.add_parser(
        "verify-draw",
        help="re-run a draw from its selection record and say whether it matches",
        description="Recompute a draw from the selection record alone: the candidates' "
        "SHA-256, the commitment from the witnesses' contributions and the need's id, the "
        "seed, and the SHA-256 counter stream's draw (see docs/draw.md). Exit status 0 when "
        "it matches, 1 with what differs, 2 when RECORD is not a selection record.",
    )
    verify.add_argument(
        "record", metavar="RECORD", help="a selection record file (JSON or YAML) or a stored id"
    )
    verify.add_argument("--json", action="store_true", help="print the verdict as JSON")
    verify.set_defaults(run=run_verify)


def _witnesses(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--witness",
        action="append",
        default=[],
        type=_witness,
        metavar="NAME=CONTRIBUTION",
        help="a witness and the contribution they gave (repeat, in the published order)",
    )


def _witness(text: str) -> Witness:
    name, sep, contribution = text.partition("=")
    if not sep or not name.strip() or not contribution:
        raise argparse.ArgumentTypeError(f"{text!r} is not NAME=CONTRIBUTION")
    return Witness(name=name.strip(), contribution=contribution)


def _yuan(text: str) -> Decimal:
    if not _YUAN.fullmatch(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not an amount in yuan such as 3000.00")
    return Decimal(text)


def _label(strategy: str) -> str:
    return STRATEGY_LABELS.get(strategy, strategy)


# --- need ---------------------------------------------------------------------------------------


def run_need(args: argparse.Namespace) -> int:
    if args.commit:
        if args.service:
            raise UsageError("give either SERVICE (post a need) or --commit NEED, not both")
        if not args.witness:
            raise UsageError("--commit needs the witnesses: --witness NAME=CONTRIBUTION")
        service = open_centre(args, create=True)
        try:
            need = service.intermediaries.selections.commit(args.commit, args.witness)
        finally:
            service.store.close()
        if args.json:
            emit(json.dumps(to_document(need), ensure_ascii=False, indent=2))
        else:
            names = "、".join(need.witness_names)
            emit(f"已公布需求 {need.id} 的摇号承诺值：{need.commitment}（见证人：{names}）")
        return 0
    missing = [
        option
        for option, value in (
            ("SERVICE", args.service),
            ("--owner", args.owner),
            ("--deadline", args.deadline),
        )
        if not value
    ]
    if missing:
        raise UsageError(f"posting a need takes {', '.join(missing)}")
    service = open_centre(args, create=True)
    try:
        selections = service.intermediaries.selections
        try:
            need = selections.post_need(
                service_code=args.service,
                owner=args.owner,
                owner_credit_code=args.owner_credit_code,
                deadline=args.deadline,
                project_id=args.project,
                case_id=args.case,
                budget=args.budget,
                strategy=args.strategy,
                description=args.description,
                id=args.id,
            )
        except ValueError as error:  # a field the model refuses (an id of a wrong form …)
            raise UsageError(f"the need cannot be posted: {error}") from None
        if args.witness:
            need = selections.commit(need.id, args.witness)
    finally:
        service.store.close()
    if args.json:
        emit(json.dumps(to_document(need), ensure_ascii=False, indent=2))
        return 0
    lines = [
        f"已发布需求 {need.id}：{need.service_code}，业主 {need.owner}，"
        f"截止 {need.deadline.isoformat()}，选取方式 {_label(need.strategy)}"
    ]
    if need.commitment:
        lines.append(f"已公布摇号承诺值：{need.commitment}")
    emit("\n".join(printable(line) for line in lines))
    return 0


# --- select -------------------------------------------------------------------------------------


def run_select(args: argparse.Namespace) -> int:
    service = open_centre(args, create=True)
    try:
        out = None
        if args.out:
            out = check_output(args.out, service.config, force=args.force, option="--out")

        # written in the transaction (a file not written, no draw), in place once it is
        # committed (a draw not stored, no file)
        with staged_output(out, force=args.force, store=service.store) as stage:
            selection = service.intermediaries.selections.select(
                args.need,
                strategy=args.strategy,
                reason=args.reason,
                witnesses=args.witness,
                named=args.agency,
                on=args.on,
                declined=args.declined,
                write=None
                if stage is None
                else lambda selection: stage(_record_text(selection).encode("utf-8")),
            )
        names = _names(service, [selection.result])
    finally:
        service.store.close()
    text = _record_text(selection)
    if args.json:
        emit(text.rstrip("\n"))
    else:
        emit(selection_text(selection, names))
        if out is not None:
            emit(f"已写出选取记录：{printable(str(out))}")
    return 0


def _record_text(selection: Any) -> str:
    """The selection record as ``--out`` and ``--json`` give it."""
    return json.dumps(to_document(selection), ensure_ascii=False, indent=2) + "\n"


def _names(service: GovService, codes: list[str]) -> dict[str, str]:
    found = {}
    for code in codes:
        stored = service.store.get("intermediary", code)
        if stored is not None:
            found[code] = stored.record.name
    return found


def selection_text(selection: Selection, names: dict[str, str]) -> str:
    """The selection in Chinese: the strategy, the candidates, the result, the draw's
    figures and who was not eligible, with why."""
    name = names.get(selection.result, "")
    lines = [
        f"选取 {selection.id}（需求 {selection.need_id}，{selection.on.isoformat()}）："
        f"{_label(selection.strategy)}，候选 {len(selection.candidates)} 家，"
        f"选中 {selection.result}{' ' + name if name else ''}",
        f"候选名单摘要（SHA-256）：{selection.candidates_sha256}",
    ]
    if selection.seed:
        lines.append(f"承诺值：{selection.commitment}")
        lines.append(
            f"种子：{selection.seed}（{selection.algorithm} v{selection.algorithm_version}）"
        )
    if selection.reason:
        lines.append(f"理由：{selection.reason}")
    if selection.excluded:
        lines.append(f"不符合条件 {len(selection.excluded)} 家：")
        lines.extend(f"  {code} {why}" for code, why in selection.excluded)
    return "\n".join(printable(line) for line in lines)


# --- verify-draw --------------------------------------------------------------------------------


def run_verify(args: argparse.Namespace) -> int:
    service = service_from(args)
    stored = service.config.storage_backend != "memory"
    if not _is_file_name(args.record) and not stored:
        raise MalformedSelectionError(
            f"{args.record!r} is no file, and no database is configured to look it up as a "
            "stored selection's id",
            where=args.record,
            notice=f"{args.record} 既不是文件，也没有配置数据库可查选取记录",
        )
    if not stored:  # the record alone
        result = verify(_read(args.record))
    else:  # the record, then what the centre published before the draw
        service.__dict__["store"] = persistent_store(service, create=False)
        try:
            selections = service.intermediaries.selections
            if _is_file_name(args.record):
                selection = _read(args.record)
            else:
                selection = selections.get(args.record)
            result = selections.verify(selection)
        finally:
            service.store.close()
    if args.json:
        emit(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        emit("\n".join(printable(line) for line in result.lines()))
    return 0 if result.ok else 1


def _is_file_name(text: str) -> bool:
    return Path(text).suffix.lower() in FORMATS or "/" in text or Path(text).exists()


def _read(name: str) -> Selection:
    """The one selection record of the file ``name``."""
    records = list(read_records(name))
    if len(records) != 1:
        raise MalformedSelectionError(
            f"holds {len(records)} records; verify-draw checks one selection record",
            where=name,
            notice=f"{name} 含 {len(records)} 条记录，每次只能复核一条选取记录",
        )
    (record,) = records
    where = f"{record.file}:{record.line}"
    try:
        return from_document(Selection, record.document, where=where)
    except InvalidRecordError as error:
        problems = "; ".join(f"{p or '(root)'}: {m}" for p, m in error.problems[:3])
        more = f" (and {len(error.problems) - 3} more)" if len(error.problems) > 3 else ""
        raise MalformedSelectionError(
            f"not a selection record: {problems}{more}",
            where=where,
            notice=f"{where} 不是一条完整的选取记录：{problems}{more}",
        ) from None
