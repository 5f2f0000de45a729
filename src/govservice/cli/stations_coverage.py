"""``govservice stations coverage|guiding-import|guiding-show``: the guiding catalog of
convenience services (便民服务事项指导性目录) and the coverage report (应进必进).

``coverage`` prints, for every station, the items it must offer and does not and those it
offers beyond the guiding catalog, with rates by station, township and county (a terminal
table, ``--csv`` or ``--html``, to ``--out FILE``); ``guiding-import FILE`` stores a version
of a region's guiding catalog (JSON or YAML); ``guiding-show`` prints one.

What a clerk reads is Chinese; a file that is not a guiding catalog lists every problem
and exits 1; every other error is one line and exit 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from govservice.cli.common import (
    centre_today,
    check_window,
    day,
    open_centre,
    whole_number,
)
from govservice.cli.output import check_output, write_output
from govservice.cli.terminal import emit, printable
from govservice.errors import InvalidRecordError
from govservice.model import GuidingCatalogVersion
from govservice.stations.coverage import percent
from govservice.stations.coverage_page import coverage_csv, coverage_html, coverage_text
from govservice.stations.guiding import version_document
from govservice.stations.hierarchy import region_name


def register(subcommands: argparse._SubParsersAction) -> None:
    """Add ``coverage``, ``guiding-import`` and ``guiding-show`` to ``govservice stations``."""
    coverage = subcommands.add_parser(
        "coverage",
        help="the coverage report (应进必进): items each station must offer and does not",
        description="For every station, the items the guiding catalog in force (with the "
        "county's additions) asks of it that it does not offer, and those it offers beyond "
        "it, with rates by station, township and county.",
    )
    coverage.add_argument("--on", type=day, metavar="DATE", help="the day (default: today)")
    coverage.add_argument("--region", help="only the stations of this county (or city)")
    form = coverage.add_mutually_exclusive_group()
    form.add_argument("--csv", action="store_true", help="one row a station, as CSV")
    form.add_argument("--html", action="store_true", help="an HTML page")
    form.add_argument("--json", action="store_true", help="the rates as JSON")
    coverage.add_argument("--out", metavar="FILE", help="write to this file instead")
    coverage.add_argument("--force", action="store_true", help="replace --out if it exists")
    coverage.set_defaults(run=run_coverage)

    imported = subcommands.add_parser(
        "guiding-import",
        help="store a version of a region's guiding catalog (便民服务事项指导性目录)",
        description="Store the version of the guiding catalog in FILE (JSON or YAML: "
        "region, effective, levels: {LEVEL: [item codes]}, and title, decided_by, "
        "decision_number, number); without a number it is the region's next version.",
    )
    imported.add_argument("file", metavar="FILE", help="the guiding catalog (.json, .yaml)")
    imported.set_defaults(run=run_guiding_import)

    show = subcommands.add_parser(
        "guiding-show",
        help="print a version of a region's guiding catalog",
        description="Print a version of the guiding catalog: the latest, --version N, or "
        "the one in force --on DATE for stations of the region.",
    )
    show.add_argument("--region", help="the issuing region (default: the centre's)")
    which = show.add_mutually_exclusive_group()
    which.add_argument("--version", type=whole_number(1, 10**9), metavar="N")
    which.add_argument("--on", type=day, metavar="DATE", help="the version in force that day")
    show.add_argument("--json", action="store_true", help="print the version's document")
    show.set_defaults(run=run_guiding_show)


# --- coverage ----------------------------------------------------------------------------


def run_coverage(args: argparse.Namespace) -> int:
    service = open_centre(args)
    try:
        check_window(service.config, "--on", args.on)
        out = (
            check_output(args.out, service.config, force=args.force, option="--out")
            if args.out
            else None
        )
        report = service.stations.coverage(on=args.on or centre_today(service), region=args.region)
    finally:
        service.store.close()
    if args.csv:
        text = coverage_csv(report)
    elif args.html:
        text = coverage_html(report)
    elif args.json:
        text = json.dumps(coverage_document(report), ensure_ascii=False, indent=2) + "\n"
    else:
        text = coverage_text(report)
    if out is not None:
        write_output(out, text.encode("utf-8"), force=args.force)
        print(
            f"已写出：{out}（{report.total.stations}个站点，进驻率{percent(report.total.rate)}）"
        )
    elif args.csv or args.html or args.json:
        sys.stdout.write(text)
    else:
        emit(text.rstrip("\n"))
    return 0


def _rate(rate: Any) -> dict[str, Any]:
    return {
        "code": rate.code,
        "name": rate.name,
        "stations": rate.stations,
        "required": rate.required,
        "covered": rate.covered,
        "gaps": rate.gaps,
        "extras": rate.extras,
        "full": rate.full,
        "rate": None if rate.rate is None else str(rate.rate),
    }


def coverage_document(report: Any) -> dict[str, Any]:
    """The report as a JSON document: the rates, and each station's gaps and extras."""
    return {
        "on": report.on.isoformat(),
        "region": report.region,
        "total": _rate(report.total),
        "counties": [_rate(rate) for rate in report.counties],
        "townships": [_rate(rate) for rate in report.townships],
        "stations": [
            {
                "code": line.code,
                "name": line.name,
                "level": line.level.value,
                "region": line.region,
                "township": line.township_code,
                "required": line.required,
                "covered": line.covered,
                "rate": None if line.rate is None else str(line.rate),
                "gaps": [item.code for item in line.gaps],
                "extras": [item.code for item in line.extras],
            }
            for line in report.stations
        ],
    }


# --- the guiding catalog -------------------------------------------------------------------


def run_guiding_import(args: argparse.Namespace) -> int:
    service = open_centre(args, create=True)
    try:
        version = service.stations.guiding.import_file(args.file)
    except InvalidRecordError as error:
        where = error.where or "(input)"
        for pointer, message in error.problems or (("", error.message),):
            emit(
                f"{printable(where)}: {pointer or '(root)'}: {printable(message)}", file=sys.stdout
            )
        print(f"无效：{len(error.problems) or 1}处问题，未作改动", file=sys.stderr)
        return 1
    finally:
        service.store.close()
    emit(
        f"已导入：{region_name(version.region)}便民服务事项指导性目录{version.label}，"
        f"{len(version.entries)}项"
    )
    return 0


def run_guiding_show(args: argparse.Namespace) -> int:
    service = open_centre(args)
    try:
        region = args.region or service.config.region
        if args.on is not None:
            version = service.stations.guiding.as_of(region, args.on)
        else:
            version = service.stations.guiding.version(region, args.version)
        names = service.store.item_names(entry.code for entry in version.entries)
    finally:
        service.store.close()
    if args.json:
        print(json.dumps(version_document(version), ensure_ascii=False, indent=2))
    else:
        emit(guiding_text(version, names))
    return 0


def guiding_text(version: GuidingCatalogVersion, names: dict[str, str]) -> str:
    """A version of the guiding catalog in Chinese: its title, then each level's items."""
    lines = [
        f"{version.title or region_name(version.region) + '便民服务事项指导性目录'}"
        f"　{version.label}"
    ]
    if version.decided_by or version.decision_number:
        lines.append(
            "　".join(part for part in (version.decided_by, version.decision_number) if part)
        )
    for level in version.levels:
        codes = sorted(version.items_of(level))
        lines.append(f"{level.label}（{len(codes)}项）：")
        lines += [f"  {names.get(code, code)}〔{code}〕" for code in codes]
    return "\n".join(lines)
