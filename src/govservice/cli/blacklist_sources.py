"""``govservice blacklist sources|load|court-export``: the sources of the blacklists
(registered by :mod:`govservice.cli.blacklist`).

``sources`` lists each source (our own list, each court's list and partner city of
``blacklists.sources``, any plugin's) with when it was last loaded, how many entries it
has and who signed what it loaded (the key id of a partner's signed file); ``sources
--shared`` each subject listed by more than one source, with every source and the status
of its entry. ``load
[NAME]`` loads one source, or all of them in the order of their names: a court's list is
read whole from the court's published JSON shape, a partner's new exchange files are
imported; loading the same list twice changes nothing. ``court-export NAME`` writes a
court source's entries back in the court's published shape, identity numbers masked.

What a clerk reads is Chinese. A listing of a court's list that cannot be read is one line
naming the file, the record and the key, and exit 1; a source that cannot be loaded (not
known, its file not there, a partner's file refused) one line and exit 2; nothing of that
source is stored then.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from govservice.cli.common import day, open_centre
from govservice.cli.output import check_output, write_output
from govservice.cli.terminal import emit, printable
from govservice.clock import SHANGHAI
from govservice.errors import CourtListError
from govservice.model import SourceKind
from govservice.model.identifiers import mask_identity_numbers, shown_number
from govservice.service import GovService


def register(actions: argparse._SubParsersAction) -> None:
    """Add ``sources``, ``load`` and ``court-export`` to ``blacklist``."""
    sources = actions.add_parser(
        "sources",
        help="the sources of the blacklists, each with its last load",
        description="Each source (own: our own list; a court's list of dishonest debtors; a "
        "partner city's exchange files; a plugin's) with when it was last loaded, its "
        "count of entries and its signer (the key id of a partner's signed file).",
    )
    sources.add_argument(
        "--shared",
        action="store_true",
        help="instead: each subject listed by more than one source, with every source",
    )
    sources.add_argument(
        "--on", type=day, metavar="DATE", help="with --shared: the status on this day (today)"
    )
    sources.add_argument("--json", action="store_true", help="print JSON")
    sources.set_defaults(run=run_sources)

    load = actions.add_parser(
        "load",
        help="load one source, or all",
        description="Load the source NAME (all sources, in the order of their names, when "
        "no NAME is given). A court's list is read whole: a listing new or changed is "
        "stored with its provenance, one no longer on the list is revoked. A partner's new "
        "exchange files are imported. Each change is an event of the trail; the same list "
        "loaded twice changes no entry (the load itself is recorded on the trail).",
    )
    load.add_argument("name", nargs="?", metavar="NAME", help="the source (see: sources)")
    load.add_argument("--json", action="store_true", help="print JSON")
    load.set_defaults(run=run_load)

    export = actions.add_parser(
        "court-export",
        help="a court source's entries in the court's published shape",
        description="Write the entries of the court source NAME as the court publishes "
        "them (失信被执行人: iname, caseCode, cardNum …), identity numbers masked.",
    )
    export.add_argument("name", metavar="NAME", help="the court source")
    export.add_argument("--out", metavar="FILE", help="write to this file instead")
    export.add_argument("--force", action="store_true", help="replace --out if it exists")
    export.set_defaults(run=run_court_export)


def _kind_label(kind: str) -> str:
    try:
        return SourceKind(kind).label
    except ValueError:
        return kind


def _moment(value: Any) -> str:
    return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if value else "未加载"


def _json(value: Any) -> None:
    emit(mask_identity_numbers(json.dumps(value, ensure_ascii=False, indent=2)))


def _result_document(result: Any) -> dict[str, Any]:
    return {
        "source": result.source,
        "kind": result.kind,
        "region": result.region,
        "loaded_at": result.loaded_at.isoformat(),
        "count": result.count,
        "added": result.added,
        "changed": result.changed,
        "unchanged": result.unchanged,
        "revoked": result.revoked,
        "signer": result.signer,
        "files": list(result.files),
        "digests": list(result.digests),
    }


def _shown_number(entry: Any) -> str:
    identifier = entry.subject.identifier
    return f"{identifier.kind.label} {shown_number(identifier.kind.value, identifier.number)}"


def run_shared(service: GovService, on: Any, as_json: bool) -> int:
    """Each subject listed by more than one source, with every source's entry."""
    shared = [s for s in service.blacklists.sources.merged() if len(s.entries) > 1]
    if as_json:
        _json(
            [
                {
                    "key": subject.key,
                    "entries": [
                        {
                            "id": entry.id,
                            "name": entry.subject.name,
                            "source": entry.source.kind.value,
                            "source_region": entry.source.region,
                            "status": entry.status_on(on).value,
                        }
                        for entry in subject.entries
                    ],
                }
                for subject in shared
            ]
        )
        return 0
    emit(f"多个来源列入的主体（{on.isoformat()}，共{len(shared)}个）")
    for subject in shared:
        first = subject.entries[0]
        listed = "；".join(
            f"{entry.source.kind.label} {entry.source.region}（{entry.status_on(on).label}）"
            for entry in subject.entries
        )
        emit(printable(f"{first.subject.name}  {_shown_number(first)}：{listed}"))
    return 0


def run_sources(args: argparse.Namespace) -> int:
    service = open_centre(args, create=True)
    try:
        if args.shared:
            on = args.on or service.clock.now().astimezone(SHANGHAI).date()
            return run_shared(service, on, args.json)
        lines = service.blacklists.sources.lines()
        if args.json:
            _json(
                [
                    {
                        "name": line.name,
                        "kind": line.kind,
                        "region": line.region,
                        "plugin": line.plugin,
                        "loads": line.state.loads if line.state else 0,
                        "last": _result_document(line.state.last) if line.state else None,
                    }
                    for line in lines
                ]
            )
            return 0
        emit(f"黑名单来源（共{len(lines)}个）")
        for line in lines:
            state = line.state
            if line.kind == SourceKind.OWN.value:
                # our own list is kept in the store: there is nothing to load it from
                held = sum(1 for _ in service.blacklists.sources.held(line.name))
                emit(
                    printable(
                        f"{line.name}  {_kind_label(line.kind)}  {line.region}  "
                        f"存于本库（无需加载）  {held}条  无签名"
                    )
                )
                continue
            count = f"{state.last.count}条" if state else "—"
            signer = f"签名密钥 {line.signer}" if line.signer else "无签名"
            emit(
                printable(
                    f"{line.name}  {_kind_label(line.kind)}  {line.region}  "
                    f"最近加载 {_moment(line.loaded_at)}  {count}  {signer}"
                    + (f"  （已加载{state.loads}次）" if state else "")
                )
            )
    finally:
        service.store.close()
    return 0


def run_load(args: argparse.Namespace) -> int:
    service = open_centre(
        args, create=True, stamps=True
    )  # what it stores is stamped with when it was received
    try:
        try:
            results = service.blacklists.sources.load(args.name)
        except CourtListError as error:
            problems = error.problems or (str(error),)
            for problem in problems:
                emit(printable(mask_identity_numbers(problem)), file=sys.stdout)
            print(f"无效：法院名单有{len(problems)}处问题，该来源未作改动", file=sys.stderr)
            return 1
        if args.json:
            _json([_result_document(result) for result in results])
            return 0
        for result in results:
            signer = f"，签名密钥 {result.signer}" if result.signer else ""
            emit(
                printable(
                    f"已加载 {result.source}（{_kind_label(result.kind)}，{result.region}）："
                    f"新增{result.added}条，变更{result.changed}条，未变{result.unchanged}条，"
                    f"移出{result.revoked}条；现有{result.count}条{signer}"
                )
            )
    finally:
        service.store.close()
    return 0


def run_court_export(args: argparse.Namespace) -> int:
    from govservice.blacklists import court

    out = Path(args.out) if args.out else None
    service = open_centre(args, create=True)
    try:
        if out is not None:
            check_output(out, service.config, force=args.force, option="--out")
        entries = service.blacklists.sources.court_entries(args.name)
        text = court.write_records(entries)
        if out is None:
            emit(text.rstrip("\n"))
        else:
            write_output(out, text, force=args.force)
            emit(f"已写出 {printable(str(out))}：{len(entries)}条（身份证号码已遮蔽）")
    finally:
        service.store.close()
    return 0
