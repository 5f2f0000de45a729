"""``govservice audit verify|attest``: the tamper-evident trail of case events (步步留痕)."""

from __future__ import annotations

import argparse
import re

from govservice.audit import attest_imports, verify_store
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
    attest = actions.add_parser(
        "attest",
        help="chain the history that imported cases brought with them",
        description="Cases brought in by bulk import hold events from before they were "
        "stored here. Chain each such case's history with one attestation link (the number "
        "and SHA-256 of those events), so that audit verify checks it from now on. Cases "
        "attested before are left as they are. Exit 0, or 2 when the trail is broken "
        "(nothing is attested on a broken trail).",
    )
    attest.set_defaults(run=run_attest)


def run_verify(args: argparse.Namespace) -> int:
    store = persistent_store(service_from(args), create=False)
    try:
        report = verify_store(store, args.expect_head)
    finally:
        store.close()
    if report.ok:
        links = f"{report.checked} events"
        if report.attested_cases:
            events = report.checked - report.attested_cases
            links = f"{report.checked} links ({events} events, {report.attested_cases} attested)"
        print(
            f"trail intact: {links}, {report.cases_checked} case records agree; "
            f"head {report.head_seq}:{report.head_hash}"
        )
        if report.attested_cases:
            print(
                f"{report.attested_cases} case record(s) hold imported history, and it is as "
                "attested in the chain"
            )
        if report.unchained_cases:
            print(
                f"note: {report.unchained_cases} case record(s) also hold events from before "
                "they were stored here (bulk import), not yet in the chain: run "
                "govservice audit attest"
            )
        return 0
    broken = report.first_break
    case = f" (case {broken.case_id})" if broken.case_id else ""
    print(
        f"trail BROKEN at event {broken.seq}{case}: {broken.problem}; "
        f"{report.checked} events before it are intact"
    )
    return 1


def run_attest(args: argparse.Namespace) -> int:
    store = persistent_store(service_from(args), create=False)
    try:
        cases, events = attest_imports(store)
        head = store.ledger_head()
    finally:
        store.close()
    print(
        f"attested {cases} imported case(s) holding {events} event(s) from before; "
        f"head {head[0]}:{head[1]}"
    )
    return 0
