"""``govservice blacklist import|export``: the signed exchange files between cities
(registered by :mod:`govservice.cli.blacklist`).

``import FILE`` checks a partner city's file (its signature by a key of
``blacklists.partners``, the city it claims, its sequence number) and stores its entries
as received, each with its source; a file refused is one line naming why, exit 2, nothing
stored; a file whose entries are not valid lists each problem, exit 1. The same file
twice changes nothing. ``export --out FILE`` writes our own list for the partners, full
or ``--since N`` (a delta of what changed after our file N), identity numbers masked,
signed with the centre's key; an existing file is replaced only with ``--force``.
"""

from __future__ import annotations

import argparse
import json
import sys

import attrs

from govservice.cli.common import persistent_store, service_from
from govservice.cli.output import check_output, staged_output
from govservice.cli.terminal import emit, printable
from govservice.errors import MalformedExchangeFileError


def register(actions: argparse._SubParsersAction) -> None:
    """Add ``import`` and ``export`` to ``blacklist``."""
    importing = actions.add_parser(
        "import",
        help="import a partner city's signed exchange file",
        description="黑名单交换文件导入: a partner city's own list, signed with one of its keys "
        "(blacklists.partners). Refused, naming why, when it is unsigned, signed by an "
        "unknown or expired key, altered after signing, claims a city other than its key's, "
        "replays an older file or skips one. Importing a file again changes nothing.",
    )
    importing.add_argument("file", metavar="FILE", help="the exchange file (JSON)")
    importing.add_argument(
        "--partner", metavar="REGION", help="the partner it must come from (region or name)"
    )
    importing.add_argument("--json", action="store_true", help="print what it did as JSON")
    importing.set_defaults(run=run_import)

    exporting = actions.add_parser(
        "export",
        help="write our own list as a signed exchange file for the partner cities",
        description="黑名单交换文件导出: our own list (本级认定), full or as a delta since one "
        "of our files, identity numbers masked, signed with the centre's key "
        "(blacklists.exchange.signing_key, else trail.signing_key).",
    )
    exporting.add_argument("--out", metavar="FILE", required=True, help="the file to write")
    exporting.add_argument(
        "--since", metavar="N", type=int, help="a delta: what changed after our file N"
    )
    exporting.add_argument("--force", action="store_true", help="replace FILE if it exists")
    exporting.add_argument("--json", action="store_true", help="print what it wrote as JSON")
    exporting.set_defaults(run=run_export)


def run_import(args: argparse.Namespace) -> int:
    service = service_from(args)
    service.__dict__["store"] = persistent_store(service, create=True)
    try:
        result = service.blacklists.exchange.import_file(args.file, partner=args.partner)
    except MalformedExchangeFileError as error:
        if not any(pointer.startswith("/entries/") for pointer, _ in error.problems):
            raise
        for pointer, message in error.problems:
            emit(f"{printable(args.file)}: {pointer}: {printable(message)}", file=sys.stdout)
        print(f"无效：{len(error.problems)}处问题，未作改动", file=sys.stderr)
        return 1
    finally:
        service.store.close()
    if args.json:
        emit(json.dumps(attrs.asdict(result), ensure_ascii=False))
    elif result.already:
        emit(
            printable(
                f"{result.partner}第{result.sequence}号交换文件已导入过，未作改动"
                f"（{result.entries}条）"
            )
        )
    else:
        emit(
            printable(
                f"已导入{result.partner}第{result.sequence}号交换文件"
                f"（{'全量' if result.kind == 'full' else '增量'}，密钥{result.key_id}）："
                f"新增{result.added}条，变更{result.changed}条（其中移出{result.revoked}条），"
                f"未变{result.unchanged}条"
                + (
                    f"；对方全量名单已不再列入的{result.withdrawn}条移出"
                    if result.withdrawn
                    else ""
                )
            )
        )
    return 0


def run_export(args: argparse.Namespace) -> int:
    service = service_from(args)
    out = check_output(args.out, service.config, force=args.force, option="--out")
    service.__dict__["store"] = persistent_store(service, create=True)
    try:
        # written in the transaction recording it as sent, in place once that is committed
        with staged_output(out, force=args.force, store=service.store) as stage:
            made = service.blacklists.exchange.export(since=args.since, write=stage)
    finally:
        service.store.close()
    sent = made.sent
    if args.json:
        emit(json.dumps({"file": str(out), **attrs.asdict(sent)}, ensure_ascii=False))
    else:
        what = "全量" if sent.since is None else f"自第{sent.since}号以来的增量"
        emit(printable(f"已写出第{sent.sequence}号交换文件（{what}，{sent.count}条）：{out}"))
    return 0
