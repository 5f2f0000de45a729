"""``govservice stations``: the stations from the city centre down to the village.

``tree`` prints the hierarchy with the count of stations of each level; ``add FILE``
stores stations (JSON, JSON Lines or YAML) once the level rules hold for every one of
them (one refused, none stored); ``evaluate`` records an inspection against a standard,
each point passed or failed with its evidence (a note, a photo hashed with SHA-256);
``standing`` shows a station's standing on a day; ``subsidies YEAR`` the awards of the
year (以奖代补), as a table or the CSV a finance office pays from. Coverage (S2) and
training and the staff assessment (S3) add their actions to this group.

What a clerk or a director reads is Chinese; a file that is not valid records lists every
problem and exits 1; every other error is one line and exit 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from govservice.cli.common import (
    day,
    open_centre,
    print_invalid,
    whole_number,
)
from govservice.cli.output import check_output, write_output
from govservice.cli.terminal import emit
from govservice.codec import from_document, to_document
from govservice.errors import InvalidRecordError, UsageError
from govservice.model import PointResult, Station, StationEvaluation
from govservice.records import read_records
from govservice.stations import Standing, StationTree, SubsidyReport
from govservice.stations.evaluation import evaluation_from_document, photo_evidence
from govservice.stations.hierarchy import LEVELS


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "stations",
        help="stations: tree, add, evaluate, standing, subsidies (and coverage, training ...)",
        description="The stations from the city centre down to the village station: the "
        "hierarchy, standards evaluated with evidence, standing and subsidies (以奖代补).",
    )
    subcommands = parser.add_subparsers(dest="stations_command", metavar="ACTION", required=True)

    tree = subcommands.add_parser(
        "tree",
        help="the hierarchy with the count of stations of each level",
        description="Every station under its parent, with the stations below it by level, "
        "and the count of each level.",
    )
    tree.add_argument("--region", help="only this county (or city) code")
    tree.add_argument("--json", action="store_true", help="print JSON")
    tree.set_defaults(run=run_tree)

    add = subcommands.add_parser(
        "add",
        help="store stations from a file, once the level rules hold for each",
        description="Read stations (station.schema.json; JSON, JSON Lines or YAML) and store "
        "them, each exactly one level below its parent and within its parent's county, "
        "parents in any order. One refused, none is stored.",
    )
    add.add_argument("file", metavar="FILE")
    add.set_defaults(run=run_add)

    evaluate = subcommands.add_parser(
        "evaluate",
        help="record an evaluation of a station against a standard, with evidence",
        description="Record who inspected a station on what day, and the pass or fail of "
        "each point of the standard with its evidence. Give the points with --pass and "
        "--fail, or the whole evaluation as a file (station-evaluation.schema.json).",
    )
    evaluate.add_argument("station", metavar="STATION", nargs="?", help="the station's code")
    evaluate.add_argument("--file", metavar="FILE", help="the evaluation as a document")
    evaluate.add_argument("--standard", help="the standard's id (five-ones, iso-9001 ...)")
    evaluate.add_argument("--inspector", help="who inspected (评估人)")
    evaluate.add_argument("--on", type=day, metavar="DATE", help="the day of the inspection")
    evaluate.add_argument("--pass", dest="passed", action="append", default=[], metavar="POINT")
    evaluate.add_argument("--fail", dest="failed", action="append", default=[], metavar="POINT")
    evaluate.add_argument(
        "--note", action="append", default=[], metavar="POINT=TEXT", help="a point's note"
    )
    evaluate.add_argument(
        "--photo",
        action="append",
        default=[],
        metavar="POINT=PATH",
        help="a point's photo: its file name and SHA-256 are recorded",
    )
    evaluate.set_defaults(run=run_evaluate)

    standing = subcommands.add_parser(
        "standing",
        help="a station's standing on a day, point by point",
        description="How the station stands against each of its standards on the day: "
        "from the latest evaluation by then and from its certificates in force that day.",
    )
    standing.add_argument("station", metavar="STATION")
    standing.add_argument("--on", type=day, metavar="DATE", help="the day (default: today)")
    standing.add_argument("--json", action="store_true", help="print JSON")
    standing.set_defaults(run=run_standing)

    subsidies = subcommands.add_parser(
        "subsidies",
        help="the year's subsidies (以奖代补): per station, totals by county and level",
        description="Each station that first passed its standard in the year earns its "
        "level's amount (stations.subsidies in the configuration), once.",
    )
    subsidies.add_argument("year", type=whole_number(1949, 2100), metavar="YEAR")
    form = subsidies.add_mutually_exclusive_group()
    form.add_argument("--csv", action="store_true", help="the per-station lines as CSV")
    form.add_argument("--json", action="store_true", help="print JSON")
    subsidies.add_argument("--out", metavar="FILE", help="write to this file instead")
    subsidies.add_argument("--force", action="store_true", help="replace --out if it exists")
    subsidies.set_defaults(run=run_subsidies)

    # (imported here: they take their helpers from this module)
    from govservice.cli import stations_coverage, stations_people

    stations_coverage.register(subcommands)
    stations_people.register(subcommands)


# --- tree ------------------------------------------------------------------------------


def run_tree(args: argparse.Namespace) -> int:
    service = open_centre(args)
    try:
        tree = service.stations.tree(args.region)
    finally:
        service.store.close()
    if args.json:
        print(json.dumps(tree_document(tree), ensure_ascii=False, indent=2))
    else:
        emit(tree_text(tree))
    return 0


def _counts(counts: Any) -> str:
    return "，".join(f"{level.label} {counts[level]}" for level in LEVELS if counts[level])


def tree_text(tree: StationTree) -> str:
    """The tree as indented lines, each station with the stations below it by level, and
    the count of each level."""
    lines = [f"站点体系{f'（{tree.region}）' if tree.region else ''}：共 {tree.total} 个站点"]
    for level in LEVELS:
        lines.append(f"  {level.label}：{tree.counts[level]}")
    lines.append("")
    for depth, node in tree.walk():
        below = _counts(node.below)
        lines.append(
            f"{'  ' * depth}{node.station.name}〔{node.station.code}，{node.station.level.label}〕"
            + (f"  下设：{below}" if below else "")
        )
    return "\n".join(lines)


def tree_document(tree: StationTree) -> dict[str, Any]:
    def node(n: Any) -> dict[str, Any]:
        return {
            "code": n.station.code,
            "name": n.station.name,
            "level": n.station.level.value,
            "region": n.station.region,
            "below": {level.value: n.below[level] for level in LEVELS if n.below[level]},
            "children": [node(child) for child in n.children],
        }

    return {
        "region": tree.region,
        "counts": {level.value: tree.counts[level] for level in LEVELS},
        "total": tree.total,
        "roots": [node(root) for root in tree.roots],
    }


# --- add -------------------------------------------------------------------------------


def run_add(args: argparse.Namespace) -> int:
    stations: list[Station] = []
    try:
        for record in read_records(args.file):
            where = f"{record.file}:{record.line}"
            stations.append(from_document(Station, record.document, where=where))
    except InvalidRecordError as error:
        return print_invalid(error)
    service = open_centre(args, create=True)
    try:
        added = service.stations.add_all(stations)
    finally:
        service.store.close()
    print(f"已添加：{len(added)}个站点")
    return 0


# --- evaluate --------------------------------------------------------------------------


def _pairs(values: list[str], option: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for value in values:
        point, sep, text = value.partition("=")
        if not sep or not point:
            raise UsageError(f"{option} takes POINT=VALUE, not {value!r}")
        if point in found:
            raise UsageError(f"{option} gives the point {point} twice")
        found[point] = text
    return found


def _evaluation_from_options(args: argparse.Namespace) -> StationEvaluation:
    missing = [
        option
        for option, value in (
            ("--standard", args.standard),
            ("--inspector", args.inspector),
            ("--on", args.on),
        )
        if value is None
    ]
    if missing:
        raise UsageError(f"stations evaluate STATION needs {', '.join(missing)}")
    twice = sorted(set(args.passed) & set(args.failed))
    if twice:
        raise UsageError(f"the point {twice[0]} is given both --pass and --fail")
    if not args.passed and not args.failed:
        raise UsageError("give each point the inspector decided with --pass or --fail")
    notes = _pairs(args.note, "--note")
    photos = _pairs(args.photo, "--photo")
    points = [*args.passed, *args.failed]
    for point in [*notes, *photos]:
        if point not in points:
            raise UsageError(
                f"--note or --photo names the point {point}, given no --pass or --fail"
            )
    photographed = {point: photo_evidence(path) for point, path in photos.items()}
    try:
        results = [
            PointResult(
                point=point,
                passed=point in args.passed,
                note=notes.get(point),
                photo_name=photographed[point][0] if point in photographed else None,
                photo_sha256=photographed[point][1] if point in photographed else None,
            )
            for point in points
        ]
        return StationEvaluation(
            station_code=args.station,
            standard=args.standard,
            inspector=args.inspector,
            on=args.on,
            points=results,
        )
    except ValueError as error:  # a note or name that is no text, a code of no form
        raise UsageError(str(error)) from None


def run_evaluate(args: argparse.Namespace) -> int:
    if (args.file is None) == (args.station is None):
        raise UsageError("stations evaluate takes a STATION with its points, or --file FILE")
    if args.file is not None:
        given = [
            o
            for o, v in (
                ("--standard", args.standard),
                ("--inspector", args.inspector),
                ("--on", args.on),
            )
            if v is not None
        ]
        if given or args.passed or args.failed or args.note or args.photo:
            raise UsageError("--file gives the whole evaluation: leave out the other options")
        try:
            records = list(read_records(args.file))
            if len(records) != 1:
                raise UsageError(f"{args.file} holds {len(records)} documents, not one evaluation")
            record = records[0]
            evaluation = evaluation_from_document(
                record.document, where=f"{record.file}:{record.line}"
            )
        except InvalidRecordError as error:
            return print_invalid(error)
    else:
        evaluation = _evaluation_from_options(args)
    service = open_centre(args)
    try:
        stored = service.stations.evaluate(evaluation)
        standing = service.stations.standing(stored.station_code, stored.on)
    finally:
        service.store.close()
    result = standing.of(stored.standard)
    verdict = "达标" if result is not None and result.passed else "未达标"
    failed = [] if result is None else [p.text for p in result.points if not p.passed]
    print(
        f"已记录评估 {stored.id}：{standing.station_name}，{stored.on.isoformat()}，"
        f"{stored.inspector}；{result.name if result else stored.standard}：{verdict}"
        + (f"（未通过：{'；'.join(failed)}）" if failed else "")
    )
    return 0


# --- standing --------------------------------------------------------------------------


def run_standing(args: argparse.Namespace) -> int:
    service = open_centre(args)
    try:
        on = args.on or service.clock.now().date()
        standing = service.stations.standing(args.station, on)
    finally:
        service.store.close()
    if args.json:
        print(json.dumps(to_document(standing), ensure_ascii=False, indent=2))
    else:
        emit(standing_text(standing))
    return 0


def standing_text(standing: Standing) -> str:
    """The standing in Chinese, point by point."""
    verdict = "达标" if standing.passed else "未达标"
    lines = [
        f"{standing.station_name}（{standing.level.label}）{standing.on.isoformat()}：{verdict}"
    ]
    if not standing.standards:
        lines.append("  无适用的建设标准")
    for result in standing.standards:
        evaluated = (
            f"{result.evaluated_on.isoformat()} {result.inspector} 评估"
            if result.evaluated_on
            else "尚未评估"
        )
        lines.append(f"  {result.name}：{'达标' if result.passed else '未达标'}（{evaluated}）")
        for point in result.points:
            mark = "✓" if point.passed else "✗"
            extra = "；".join(
                part
                for part in (point.note, point.photo_name and f"照片 {point.photo_name}")
                if part
            )
            lines.append(f"    {mark} {point.text}" + (f"：{extra}" if extra else ""))
    return "\n".join(lines)


# --- subsidies -------------------------------------------------------------------------


def run_subsidies(args: argparse.Namespace) -> int:
    service = open_centre(args)
    try:
        out = (
            check_output(args.out, service.config, force=args.force, option="--out")
            if args.out
            else None
        )
        report = service.stations.subsidies(args.year)
    finally:
        service.store.close()
    if args.csv:
        text = report.to_csv()
    elif args.json:
        text = json.dumps(subsidies_document(report), ensure_ascii=False, indent=2) + "\n"
    else:
        text = subsidies_text(report) + "\n"
    if out is not None:
        write_output(out, text.encode("utf-8"), force=args.force)
        print(f"已写出：{out}（{len(report.lines)}个站点，{_yuan(report.total)}元）")
    elif args.csv:
        sys.stdout.write(text.removeprefix("\ufeff"))
    else:
        emit(text.rstrip("\n"))
    return 0


def _yuan(amount: Any) -> str:
    return f"{amount:,.2f}"


def subsidies_text(report: SubsidyReport) -> str:
    """The year's subsidies in Chinese: the amounts, each station, totals."""
    lines = [f"{report.year}年以奖代补：{len(report.lines)}个站点，合计 {_yuan(report.total)} 元"]
    lines.append(
        "  标准："
        + "，".join(
            f"{level.label}每个 {_yuan(amount)} 元" for level, amount in report.amounts.items()
        )
    )
    lines.append("")
    lines.append("按层级：")
    for total in report.by_level():
        lines.append(f"  {total.level.label}：{total.stations}个，{_yuan(total.amount)} 元")
    lines.append("按县区：")
    for total in report.by_county():
        what = total.level.label if total.level is not None else "小计"
        lines.append(f"  {total.county_name} {what}：{total.stations}个，{_yuan(total.amount)} 元")
    lines.append("")
    lines.append("兑现明细：")
    for number, line in enumerate(report.lines, 1):
        lines.append(
            f"  {number}. {line.county_name} {line.station_name}（{line.level.label}）"
            f"{line.passed_on.isoformat()} 达标，{_yuan(line.amount)} 元"
        )
    return "\n".join(lines)


def subsidies_document(report: SubsidyReport) -> dict[str, Any]:
    def total(t: Any) -> dict[str, Any]:
        return {
            "county": t.county,
            "county_name": t.county_name,
            "level": None if t.level is None else t.level.value,
            "stations": t.stations,
            "amount": format(t.amount, "f"),
        }

    return {
        "year": report.year,
        "amounts": {level.value: format(a, "f") for level, a in report.amounts.items()},
        "total": format(report.total, "f"),
        "lines": [to_document(line) for line in report.lines],
        "by_level": [total(t) for t in report.by_level()],
        "by_county": [total(t) for t in report.by_county()],
    }
