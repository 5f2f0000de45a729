"""``govservice stations training|staff-assessment``: training of grassroots staff and the
quarterly assessment of window staff (registered by :mod:`govservice.cli.stations`).

``training add FILE`` stores training sessions (training-session.schema.json; JSON, JSON
Lines or YAML): every session is checked (its schema, its stations) before any is stored;
``training summary YEAR`` gives person-times and hours by station and county and the
stations whose staff had no training (a table, ``--csv`` or ``--json``).
``staff-assessment attendance FILE`` and ``discipline FILE`` store what the centre records
of its staff; ``staff-assessment quarter YEAR Q`` prints the scores and ranks of people
and windows and the honours, ``--circular`` the 通报.

What a clerk or a director reads is Chinese; a file that is not valid records lists every
problem and exits 1; every other error is one line and exit 2.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from decimal import Decimal
from typing import Any

import attrs

from govservice.cli.common import (
    open_centre,
    print_invalid,
    whole_number,
)
from govservice.cli.output import check_output, write_output
from govservice.cli.terminal import emit
from govservice.codec import from_document
from govservice.errors import DuplicateRecordError, InvalidRecordError
from govservice.model import DisciplineRecord, QuarterAssessment, StaffRecord, TrainingSession
from govservice.model.identifiers import mask_identity_numbers
from govservice.records import read_records
from govservice.service import GovService
from govservice.spreadsheet import cell
from govservice.stations.assessment import StaffAssessment
from govservice.stations.people import check_stations
from govservice.stations.training import Training, TrainingSummary, read_session


def register(subcommands: argparse._SubParsersAction) -> None:
    """Add ``training`` and ``staff-assessment`` to the ``stations`` group."""
    training = subcommands.add_parser(
        "training",
        help="training of grassroots staff: add sessions, the year's summary",
        description="Training sessions (业务培训) with their attendance, and the summary of "
        "a year: person-times (人次) and hours by station and county, and the stations "
        "whose staff had no training.",
    )
    actions = training.add_subparsers(dest="training_command", metavar="ACTION", required=True)
    add = actions.add_parser(
        "add",
        help="store training sessions from a file",
        description="Read training sessions (training-session.schema.json; JSON, JSON Lines "
        "or YAML). Every session is checked first; one refused, none is stored.",
    )
    add.add_argument("file", metavar="FILE")
    add.set_defaults(run=run_training_add)
    summary = actions.add_parser(
        "summary",
        help="person-times and hours by station and county, stations without training",
        description="The training of a year, from the stored sessions.",
    )
    summary.add_argument("year", type=whole_number(1949, 2100), metavar="YEAR")
    summary.add_argument("--region", help="only this county (or city) code")
    _form(summary)
    summary.set_defaults(run=run_training_summary)

    staff = subcommands.add_parser(
        "staff-assessment",
        help="the quarterly assessment of window staff: records, scores, the circular",
        description="进驻人员季度考核: the centre's attendance and discipline records, and "
        "each quarter's scores and ranks of people and windows, honours and circular.",
    )
    actions = staff.add_subparsers(dest="assessment_command", metavar="ACTION", required=True)
    for name, what in (
        ("attendance", "attendance records (考勤) of a quarter"),
        ("discipline", "discipline records (违纪)"),
    ):
        recorded = actions.add_parser(
            name,
            help=f"store {what} from a file",
            description=f"Read {what} (JSON, JSON Lines or YAML); one refused, none stored.",
        )
        recorded.add_argument("file", metavar="FILE")
        recorded.set_defaults(run=run_staff_records, model=name)
    quarter = actions.add_parser(
        "quarter",
        help="a quarter's scores, ranks, honours; --circular prints the 通报",
        description="Assess a quarter by the rules (考核细则) of a plugin or of "
        "stations.assessment in the configuration.",
    )
    quarter.add_argument("year", type=whole_number(1949, 2100), metavar="YEAR")
    quarter.add_argument("quarter", type=int, metavar="QUARTER", help="1 to 4")
    form = quarter.add_mutually_exclusive_group()
    form.add_argument("--circular", action="store_true", help="the circular (通报) in Chinese")
    form.add_argument("--json", action="store_true", help="print JSON")
    quarter.add_argument("--out", metavar="FILE", help="write to this file instead")
    quarter.add_argument("--force", action="store_true", help="replace --out if it exists")
    quarter.set_defaults(run=run_quarter)


def _form(parser: argparse.ArgumentParser) -> None:
    form = parser.add_mutually_exclusive_group()
    form.add_argument("--csv", action="store_true", help="the stations as CSV")
    form.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--out", metavar="FILE", help="write to this file instead")
    parser.add_argument("--force", action="store_true", help="replace --out if it exists")


def _emit(args: argparse.Namespace, service: GovService, text: str, told: str) -> None:
    text = mask_identity_numbers(text)  # (a name is whatever the centre typed)
    if args.out:
        out = check_output(args.out, service.config, force=args.force, option="--out")
        write_output(out, text.encode("utf-8"), force=args.force)
        print(f"已写出：{out}（{told}）")
    else:
        emit(text.rstrip("\n"))


# --- training -------------------------------------------------------------------------------


def run_training_add(args: argparse.Namespace) -> int:
    sessions: list[TrainingSession] = []
    try:
        for record in read_records(args.file):
            sessions.append(read_session(record.document, where=f"{record.file}:{record.line}"))
    except InvalidRecordError as error:
        return print_invalid(error)
    service = open_centre(args, create=True)
    try:
        store = service.store
        check_stations(
            store,
            [(a.station_code, a.name) for s in sessions for a in s.attendance],
            "training session",
        )
        ids = [s.id for s in sessions]
        stored = {s.id for s in store.training_sessions()}
        twice = sorted({i for i in ids if ids.count(i) > 1 or i in stored})
        if twice:
            raise DuplicateRecordError(
                f"training session {', '.join(twice)} is given twice or stored already; "
                "nothing was stored"
            )
        training = Training(service)
        with store.transaction():
            for session in sessions:
                training.add(session)
    finally:
        service.store.close()
    times = sum(s.person_times for s in sessions)
    print(f"已登记：培训{len(sessions)}期，{times}人次")
    return 0


def run_training_summary(args: argparse.Namespace) -> int:
    service = open_centre(args)
    try:
        summary = Training(service).summary(args.year, region=args.region)
        if args.csv:
            text = training_csv(summary)
        elif args.json:
            text = json.dumps(training_document(summary), ensure_ascii=False, indent=2) + "\n"
        else:
            text = training_text(summary) + "\n"
        if args.csv and not args.out:
            sys.stdout.write(text)
        else:
            _emit(args, service, text, f"{len(summary.by_station)}个站点")
    finally:
        service.store.close()
    return 0


def training_text(summary: TrainingSummary) -> str:
    """The year's training in Chinese: totals, counties, the stations without training."""
    lines = [
        f"{summary.year}年业务培训：{summary.sessions}期，{_n(summary.session_hours)}学时；"
        f"参训{summary.person_times}人次，合计{_n(summary.hours)}学时",
        "",
        "按县区：",
    ]
    for county in summary.by_county:
        lines.append(
            f"  {county.name}：{county.stations}个站点，{county.person_times}人次，"
            f"{_n(county.hours)}学时，未参训站点{county.untrained}个"
        )
    lines += ["", "按站点（有参训的）："]
    for row in summary.by_station:
        if row.person_times:
            lines.append(
                f"  {row.name}（{row.level}）：{row.person_times}人次，{_n(row.hours)}学时，"
                f"{row.people}人"
            )
    lines += ["", f"全年无人参训的站点（{len(summary.untrained)}个）："]
    lines += [f"  {row.county_name} {row.name}（{row.level}）" for row in summary.untrained]
    return "\n".join(lines)


def training_csv(summary: TrainingSummary) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["县区", "站点", "站点编码", "层级", "参训人次", "学时", "参训人数"])
    for row in summary.by_station:
        writer.writerow(
            [
                cell(row.county_name),
                cell(row.name),
                row.code,
                row.level,
                row.person_times,
                _n(row.hours),
                row.people,
            ]
        )
    return out.getvalue()


def training_document(summary: TrainingSummary) -> dict[str, Any]:
    return to_plain(summary)


# --- the staff assessment ----------------------------------------------------------------------


def run_staff_records(args: argparse.Namespace) -> int:
    model = StaffRecord if args.model == "attendance" else DisciplineRecord
    records = []
    try:
        for record in read_records(args.file):
            records.append(
                from_document(model, record.document, where=f"{record.file}:{record.line}")
            )
    except InvalidRecordError as error:
        return print_invalid(error)
    service = open_centre(args, create=True)
    try:
        assessment = StaffAssessment(service)
        if model is StaffRecord:
            assessment.record(records)
        else:
            assessment.record_discipline(records)
    finally:
        service.store.close()
    print(f"已登记：{'考勤' if model is StaffRecord else '纪律'}记录{len(records)}条")
    return 0


def run_quarter(args: argparse.Namespace) -> int:
    service = open_centre(args)
    try:
        result = StaffAssessment(service).quarter(args.year, args.quarter)
        if args.circular:
            text = result.circular_text
        elif args.json:
            text = json.dumps(assessment_document(result), ensure_ascii=False, indent=2) + "\n"
        else:
            text = assessment_text(result) + "\n"
        _emit(args, service, text, f"{len(result.people)}人")
    finally:
        service.store.close()
    return 0


def assessment_text(result: QuarterAssessment) -> str:
    """A quarter's scores in Chinese: people and windows by rank, then the honours."""
    lines = [
        f"{result.year}年第{result.quarter}季度进驻人员考核：{len(result.people)}人，"
        f"{len(result.windows)}个窗口（考核细则：{_source(result.rules.source)}）",
        "",
        "个人：",
    ]
    for p in result.people:
        s = p.service
        lines.append(
            f"  {p.rank:>3}  {_n(p.score):>6}分  {p.name}  {p.station_name}"
            f"{p.window_name or ''}  办件{s.handled} 办结{s.completed} 按时{s.on_time} "
            f"评价{s.graded} 差评{s.complaints}"
        )
    lines += ["", "窗口："]
    for w in result.windows:
        lines.append(
            f"  {w.rank:>3}  {_n(w.score):>6}分  {w.station_name}{w.window_name or ''}"
            f"（{w.people}人）"
        )
    lines += ["", "表彰："]
    lines += [f"  {h.title}：{h.name}（{h.station_name}）" for h in result.honours] or ["  无"]
    return "\n".join(lines)


def assessment_document(result: QuarterAssessment) -> dict[str, Any]:
    return to_plain(result)


def _source(source: str) -> str:
    return {"config": "配置文件", "default": "内置"}.get(source, f"插件 {source}")


def to_plain(value: Any) -> Any:
    """A result (frozen attrs) as JSON values: Decimals as text, dates ISO."""
    if attrs.has(type(value)):
        return {f.name: to_plain(getattr(value, f.name)) for f in attrs.fields(type(value))}
    if isinstance(value, tuple | list):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, Decimal):
        return _n(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _n(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
