"""``govservice catalog``: the versioned catalog of a region.

``import FILE`` makes a whole catalog (JSON or YAML, catalog.schema.json) the region's
first version (importing it again changes nothing); ``export`` writes a version back;
``adjust FILE`` applies an adjustment (调整, adjustment.schema.json) as one whole;
``versions`` lists them; ``as-of DATE`` shows the catalog in force that day; ``diff``
compares two versions item by item and field by field; ``check`` lists the findings on a
version (fields not published, items our own catalog would not publish, limits). The
documents of a version (``guide``, ``manual``, ``fees``) come from
:mod:`govservice.cli.catalog_documents`.

What a clerk or a director reads is Chinese; a file that is not a valid catalog or
adjustment lists every problem and exits 1; every other error is one line and exit 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from govservice.catalog import CatalogDiff, CatalogVersion
from govservice.catalog.exchange import FORMATS, read_adjustment, read_catalog
from govservice.cli.common import (
    day,
    open_centre,
    print_invalid,
    whole_number,
)
from govservice.cli.output import check_output, write_output
from govservice.cli.terminal import emit, printable, printable_json
from govservice.errors import InvalidRecordError
from govservice.service import GovService


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "catalog",
        help="the versioned catalog: import, export, adjust, versions, as-of, diff, check",
        description="The catalog of items of a region, version by version: every import "
        "and dated adjustment (调整) is kept, any two compared.",
    )
    subcommands = parser.add_subparsers(dest="catalog_command", metavar="ACTION", required=True)

    imported = subcommands.add_parser(
        "import",
        help="import a whole catalog (JSON or YAML) as the region's first version",
        description="Check a whole catalog file (catalog.schema.json, every item against "
        "the item schema) and make it the first version of its region's catalog. "
        "Importing the catalog the region holds already changes nothing.",
    )
    imported.add_argument("file", metavar="FILE", help="the catalog (.json, .yaml)")
    imported.set_defaults(run=run_import)

    exported = subcommands.add_parser(
        "export",
        help="write a version of the catalog as JSON or YAML",
        description="The whole catalog of a version: the region, the version, who decided "
        "it, and every item (cancelled ones with their status). Import gives it back.",
    )
    _which_version(exported)
    exported.add_argument("--format", choices=FORMATS, default="yaml", help="default: yaml")
    exported.add_argument("--out", metavar="FILE", help="write to this file instead of printing")
    exported.add_argument("--force", action="store_true", help="replace --out if it exists")
    exported.set_defaults(run=run_export)

    adjust = subcommands.add_parser(
        "adjust",
        help="apply a dated adjustment (调整) as one whole: the next version",
        description="Apply an adjustment file (adjustment.schema.json): items added, "
        "cancelled (停办 from its date), taken over from the province (承接下放), retained, "
        "changed or moved. Every change is checked first; one that cannot be made refuses "
        "the whole adjustment, and nothing is applied.",
    )
    adjust.add_argument("file", metavar="FILE", help="the adjustment (.json, .yaml)")
    adjust.set_defaults(run=run_adjust)

    versions = subcommands.add_parser(
        "versions", help="every version of the region's catalog", description="The versions."
    )
    versions.add_argument("--region", help="the catalog's region (default: the centre's)")
    versions.add_argument("--json", action="store_true", help="print JSON")
    versions.set_defaults(run=run_versions)

    as_of = subcommands.add_parser(
        "as-of",
        help="the catalog in force on a day",
        description="The version of the catalog in force on DATE and its items in service.",
    )
    as_of.add_argument("date", metavar="DATE", type=day, help="the day, e.g. 2015-06-30")
    as_of.add_argument("--region", help="the catalog's region (default: the centre's)")
    as_of.add_argument("--all", action="store_true", help="list cancelled items too")
    as_of.add_argument("--json", action="store_true", help="print JSON")
    as_of.set_defaults(run=run_as_of)

    compared = subcommands.add_parser(
        "diff",
        help="what changed between two versions, item by item and field by field",
        description="Items added, cancelled, taken over, moved and changed from version "
        "OLD to NEW (default: the first and the latest), with each changed field.",
    )
    compared.add_argument("old", metavar="OLD", nargs="?", type=whole_number(1, 10**9))
    compared.add_argument("new", metavar="NEW", nargs="?", type=whole_number(1, 10**9))
    compared.add_argument("--region", help="the catalog's region (default: the centre's)")
    compared.add_argument("--json", action="store_true", help="print JSON")
    compared.set_defaults(run=run_diff)

    check = subcommands.add_parser(
        "check",
        help="findings on a version: unknown fields, unpublishable items, limits",
        description="Every field not published (unknown), every item our own catalog would "
        "refuse to publish, every promise that with its extension could exceed the legal "
        "limit. Exit 1 when there is a finding.",
    )
    _which_version(check)
    check.add_argument("--json", action="store_true", help="print JSON")
    check.set_defaults(run=run_check)

    try:
        from govservice.cli import catalog_documents
    except ImportError:  # pragma: no cover - before the documents' commands exist
        return
    catalog_documents.register(subcommands)


def _which_version(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--region", help="the catalog's region (default: the centre's)")
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        "--version",
        type=whole_number(1, 10**9),
        metavar="N",
        help="this version (default: latest)",
    )
    which.add_argument("--as-of", type=day, metavar="DATE", help="the version in force that day")


def _open(args: argparse.Namespace, *, create: bool = False) -> tuple[GovService, str]:
    """The centre, its store opened (the memory store refused; a database made only by
    the commands that write: ``import`` and ``adjust``), and the region asked about."""
    service = open_centre(args, create=create)
    return service, getattr(args, "region", None) or service.config.region


def _chosen(service: GovService, region: str, args: argparse.Namespace) -> CatalogVersion:
    if getattr(args, "as_of", None) is not None:
        return service.catalog.as_of(region, args.as_of)
    return service.catalog.version(region, getattr(args, "version", None))


# --- the commands ----------------------------------------------------------------------------


def run_import(args: argparse.Namespace) -> int:
    try:
        read = read_catalog(args.file)
    except InvalidRecordError as error:
        return print_invalid(error)
    service, _ = _open(args, create=True)
    try:
        before = len(service.catalog.heads(read.region))
        version = service.catalog.import_file(read)
        changed = len(service.catalog.heads(read.region)) != before
    finally:
        service.store.close()
    shown = f"{version.region} 事项目录{version.label}，事项{len(version.items)}项"
    print(f"已导入：{shown}" if changed else f"未作改动：已是{shown}")
    return 0


def run_export(args: argparse.Namespace) -> int:
    service, region = _open(args)
    out = (
        check_output(args.out, service.config, force=args.force, option="--out")
        if args.out
        else None
    )
    try:
        version = _chosen(service, region, args)
        text = service.catalog.export(version, args.format)
    finally:
        service.store.close()
    if out is None:
        sys.stdout.write(text)
    else:
        write_output(out, text, force=args.force)
        print(f"已写入：{out}（{region} 事项目录{version.label}，事项{len(version.items)}项）")
    return 0


def run_adjust(args: argparse.Namespace) -> int:
    try:
        adjustment = read_adjustment(args.file)
    except InvalidRecordError as error:
        return print_invalid(error)
    service, _ = _open(args, create=True)
    try:
        before = len(service.catalog.heads(adjustment.region))
        version = service.catalog.adjust(adjustment)
        if len(service.catalog.heads(adjustment.region)) == before:
            print(f"未作改动：调整 {adjustment.id} 已施行（{version.label}）")
            return 0
        previous = service.catalog.version(adjustment.region, version.number - 1)
        found = service.catalog.diff(previous, version)
    finally:
        service.store.close()
    number = f"（{adjustment.decision_number}）" if adjustment.decision_number else ""
    print(
        f"已调整：{adjustment.decided_by}{number}，{adjustment.region} 事项目录{version.label}："
        f"{found.sentence()}"
    )
    return 0


def run_versions(args: argparse.Namespace) -> int:
    service, region = _open(args)
    try:
        heads = service.catalog.heads(region)
    finally:
        service.store.close()
    rows = [
        {
            "number": head.number,
            "effective": head.effective.isoformat(),
            "items": head.size,
            "by": (head.adjustment or head.imported or {}).get("decided_by"),
            "decision_number": (head.adjustment or head.imported or {}).get("decision_number"),
            "adjustment": (head.adjustment or {}).get("id"),
        }
        for head in heads
    ]
    if args.json:
        print(printable_json(json.dumps(rows, ensure_ascii=False, indent=2)))
        return 0
    if not rows:
        print(f"{region} 尚无事项目录（无）")
        return 0
    for row in rows:
        how = f"调整 {row['adjustment']}" if row["adjustment"] else "导入"
        number = f"（{row['decision_number']}）" if row["decision_number"] else ""
        emit(
            printable(
                f"第{row['number']}版  {row['effective']}起施行  事项{row['items']}项  "
                f"{how}  {row['by'] or ''}{number}"
            )
        )
    return 0


def run_as_of(args: argparse.Namespace) -> int:
    service, region = _open(args)
    try:
        version = service.catalog.as_of(region, args.date)
    finally:
        service.store.close()
    items = list(version.items.values()) if args.all else version.in_service()
    if args.json:
        document = {
            "region": region,
            "date": args.date.isoformat(),
            "version": version.number,
            "effective": version.effective.isoformat(),
            "items": [
                {
                    "code": item.code,
                    "version": item.version,
                    "name": item.name,
                    "department": item.department,
                    "status": item.status.value,
                }
                for item in items
            ],
        }
        print(printable_json(json.dumps(document, ensure_ascii=False, indent=2)))
        return 0
    print(f"{region} 事项目录{version.label}，{args.date}在办事项{len(version.in_service())}项")
    for item in items:
        status = "" if item.status.value == "in_service" else f"  [{item.status.label}]"
        emit(printable(f"{item.code}  {item.name}  {item.department}{status}"))
    return 0


def run_diff(args: argparse.Namespace) -> int:
    service, region = _open(args)
    try:
        heads = service.catalog.heads(region)
        old = service.catalog.version(region, args.old or 1)
        new = service.catalog.version(region, args.new or (heads[-1].number if heads else None))
        found = service.catalog.diff(old, new)
    finally:
        service.store.close()
    if args.json:
        print(printable_json(json.dumps(diff_document(found), ensure_ascii=False, indent=2)))
        return 0
    print(f"{region} 事项目录 第{old.number}版 → 第{new.number}版：{found.sentence()}")
    for change in found.changes:
        emit(printable(f"{change.kind.label}  {change.code}  {change.name}"))
        for field in change.fields:
            emit(printable(f"    {field.field}: {_shown(field.old)} → {_shown(field.new)}"))
    return 0


def diff_document(found: CatalogDiff) -> dict[str, Any]:
    """A diff as JSON: the counts, then each change with its fields."""
    return {
        "region": found.region,
        "old": found.old_number,
        "new": found.new_number,
        "summary": found.summary(),
        "changes": [
            {
                "code": change.code,
                "name": change.name,
                "kind": change.kind.value,
                "fields": [{"field": f.field, "old": f.old, "new": f.new} for f in change.fields],
            }
            for change in found.changes
        ],
    }


def _shown(value: Any) -> str:
    if value is None:
        return "（无）"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def run_check(args: argparse.Namespace) -> int:
    service, region = _open(args)
    try:
        version = _chosen(service, region, args)
        findings = service.catalog.check(region, version.number)
    finally:
        service.store.close()
    if args.json:
        rows = [
            {"code": f.code, "message": f.message, "severity": f.severity.value} for f in findings
        ]
        print(printable_json(json.dumps(rows, ensure_ascii=False, indent=2)))
    else:
        for finding in findings:
            emit(printable(f"{finding.severity.value}[{finding.code}] {finding.message}"))
        print(
            f"{region} 事项目录{version.label}：在办事项{len(version.in_service())}项，"
            f"发现问题{len(findings)}条"
        )
    return 1 if findings else 0
