"""``govservice audit verify``: check the tamper-evident trail of case events (步步留痕)."""

from __future__ import annotations

import argparse
import re

from govservice.audit import verify_store
from govservice.cli.common import persistent_store, service_from

_HEAD = re.compile(r"^(\d+):([0-9a-f]{64})$")


def head(text: str) -> tuple[int, str]:
    """An argparse type: ``SEQ:HASH`` as ``audit verify`` prints it."""
    match = _HEAD.match(text.strip())
    if match is None:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not SEQ:HASH (a number, a colon, 64 hex digits)"
        )
    return int(match.group(1)), match.group(2)


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("audit", help="check the tamper-evident trail of case events")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    verify = actions.add_parser(
        "verify",
        help="recompute every link of the event chain; report the first broken one",
        description="Recompute the SHA-256 chain of every case event as stored. Exit 0 "
        "when it is whole (the head is printed: keep it, and pass it later with "
        "--expect-head to prove nothing before it was rewritten), 1 at the first broken "
        "link (printed), 2 on errors.",
    )
    verify.add_argument(
        "--expect-head", type=head, metavar="SEQ:HASH", help="a head printed before"
    )
    verify.set_defaults(run=run_verify)


def run_verify(args: argparse.Namespace) -> int:
    store = persistent_store(service_from(args), create=False)
    try:
        report = verify_store(store, args.expect_head)
    finally:
        store.close()
    if report.ok:
        print(
            f"trail intact: {report.checked} events, {report.cases_checked} case records "
            f"agree; head {report.head_seq}:{report.head_hash}"
        )
        if report.unchained_cases:
            print(
                f"note: {report.unchained_cases} case record(s) also hold events from before "
                "they were stored here (bulk import); those are not in the chain"
            )
        return 0
    broken = report.first_break
    case = f" (case {broken.case_id})" if broken.case_id else ""
    print(
        f"trail BROKEN at event {broken.seq}{case}: {broken.problem}; "
        f"{report.checked} events before it are intact"
    )
    return 1
