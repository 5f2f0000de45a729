"""``govservice audit verify|attest|keygen|checkpoint|rechain``: the tamper-evident trail (步步留痕)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from govservice.audit import attest_imports, attest_legacy_records, rechain_setting
from govservice.cli.common import persistent_store, service_from
from govservice.cli.output import check_output
from govservice.store.chained import subject_kind
from govservice.store.ledger import AuditReport

_HEAD = re.compile(r"^(\d+):([0-9a-f]{64})$")


def head(text: str) -> tuple[int, str]:
    """An argparse type: ``SEQ:HASH`` as ``audit verify`` prints it."""
    match = _HEAD.match(text.strip())
    if match is None or len(match.group(1)) > 18:  # a link's number fits in 63 bits
        raise argparse.ArgumentTypeError(
            f"{text!r} is not SEQ:HASH (a number of at most 18 digits, a colon, 64 hex digits)"
        )
    return int(match.group(1)), match.group(2)


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("audit", help="check the tamper-evident trail of case events")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    verify = actions.add_parser(
        "verify",
        help="recompute every link of the chain and every case record; report the first break",
        description="Recompute the SHA-256 chain of every write of a case as stored, and "
        "check every case record (its whole document and its indexed columns) against it, "
        "and the chain against the signed checkpoints (trail.checkpoints). Exit 0 when it "
        "is whole (the head is printed), 1 at the first broken link (printed) or a "
        "checkpoint file that is not as signed, 2 on errors.",
    )
    verify.add_argument(
        "--expect-head", type=head, metavar="SEQ:HASH", help="a head printed before"
    )
    verify.set_defaults(run=run_verify)
    attest = actions.add_parser(
        "attest",
        help="chain the records that imported cases brought with them",
        description="Cases brought in by bulk import have no link in the chain. Chain each "
        "such case once, with one attestation link (the number and SHA-256 of its events "
        "and the SHA-256 of its whole record), so that audit verify checks it from now on. "
        "Cases with a link are never attested. Exit 0, or 2 when the trail is broken "
        "(nothing is attested on a broken trail).",
    )
    attest.set_defaults(run=run_attest)
    keygen = actions.add_parser(
        "keygen",
        help="make the centre's Ed25519 key that signs checkpoints",
        description="Write a new Ed25519 private key (PEM, mode 0600) to FILE, which must "
        "not exist, and print its public key and key id (publish them with the "
        "checkpoints). Name the file in the configuration as trail.signing_key.",
    )
    keygen.add_argument("--out", type=Path, metavar="FILE", required=True)
    keygen.set_defaults(run=run_keygen)
    checkpoint = actions.add_parser(
        "checkpoint",
        help="sign the head of the trail now, or print the latest checkpoint",
        description="Verify the trail, then sign the ledger head with the centre's key "
        "(trail.signing_key) and append the checkpoint to trail.checkpoints (nothing is "
        "signed on a broken trail: exit 2); with --print, print the latest valid "
        "checkpoint instead, for publication.",
    )
    checkpoint.add_argument(
        "--print", action="store_true", dest="show", help="print the latest; write nothing"
    )
    checkpoint.set_defaults(run=run_checkpoint)
    rechain = actions.add_parser(
        "rechain",
        help="accept a chained setting found altered, with a reason",
        description="A setting the trail covers (what was imported last of a partner "
        "city, the files we sent, the loads of a blacklist source) that is not what its "
        "last link chained stops what depends on it (GS710) and breaks audit verify. Once "
        "it is looked into and its value is the right one, chain it again: one link holding "
        "its SHA-256, the reason and the SHA-256 it had. A setting that is gone is restored "
        "from a backup instead. Exit 0, or 2.",
    )
    rechain.add_argument("name", metavar="NAME", help="the setting (as audit verify names it)")
    rechain.add_argument("--reason", required=True, help="why its value is the right one")
    rechain.set_defaults(run=run_rechain)


def run_verify(args: argparse.Namespace) -> int:
    service = service_from(args)
    store = persistent_store(service, create=False)
    try:
        report = service.trail.verify(store, args.expect_head)
    finally:
        store.close()
    for problem in report.witness_problems:
        print(f"checkpoints NOT as signed: {problem}")
    if report.ok:
        _print_intact(report)
        if report.witnessed_seq is not None:
            print(
                f"the chain holds every signed checkpoint (the latest: event {report.witnessed_seq})"
            )
        elif service.trail.enabled:
            print(f"note: no signed checkpoint yet ({service.trail.path})")
        else:
            print(
                "note: no signing key is configured (trail.signing_key): an emptied or "
                "rewritten ledger cannot be told from a new one without checkpoints"
            )
        return 0
    if report.first_break is None:
        return 1
    broken = report.first_break
    case = f" (case {broken.case_id})" if broken.case_id else ""
    if broken.case_id and subject_kind(broken.case_id) is not None:  # a supermarket record
        case = f" (record {broken.case_id})"
    print(
        f"trail BROKEN at event {broken.seq}{case}: {broken.problem}; "
        f"{min(report.checked, max(broken.seq - 1, 0))} events before it are intact"
    )
    return 1


def _print_intact(report: AuditReport) -> None:
    links = f"{report.checked} events"
    if report.checked != report.events:
        parts = [f"{report.events} events"]
        if report.attested_cases:
            parts.append(f"{report.attested_cases} attested")
        if report.refusals:
            parts.append(f"{report.refusals} refusals without a case record")
        if report.simulation:
            parts.append("1 marking a simulation store")
        links = f"{report.checked} links ({', '.join(parts)})"
    print(
        f"trail intact: {links}, {report.cases_checked} case records agree; "
        f"head {report.head_seq}:{report.head_hash}"
    )
    if report.records_checked:
        print(
            f"{report.records_checked} record(s) of the intermediary supermarket and the "
            "blacklists agree with their last link"
        )
    if report.station_records_checked:
        print(
            f"{report.station_records_checked} record(s) of the stations (evaluations, "
            "training sessions, staff and discipline records) agree with their link"
        )
    if report.unchained_records:
        print(
            f"note: {report.unchained_records} agency record(s) were stored before the trail "
            "covered agencies (schema 9) and are not yet in the chain: run govservice audit "
            "attest"
        )
    if report.attested_cases:
        print(
            f"{report.attested_cases} case record(s) hold imported history, and it is as "
            "attested in the chain"
        )
    if report.unchained_cases:
        print(
            f"note: {report.unchained_cases} case record(s) came from another system (bulk "
            "import) and are not yet in the chain: run govservice audit attest"
        )
    if report.unsealed_cases:
        print(
            f"note: {report.unsealed_cases} case record(s) were last written before the chain "
            "held whole records; their events and columns are checked, their whole record "
            "from their next write on"
        )


def run_attest(args: argparse.Namespace) -> int:
    store = persistent_store(service_from(args), create=False)
    try:
        cases, events = attest_imports(store)
        records = attest_legacy_records(store)
        head = store.ledger_head()
    finally:
        store.close()
    if records:
        print(f"attested {records} agency record(s) stored before the trail covered agencies")
    print(
        f"attested {cases} imported case(s) holding {events} event(s) from before; "
        f"head {head[0]}:{head[1]}"
    )
    return 0


def run_rechain(args: argparse.Namespace) -> int:
    store = persistent_store(service_from(args), create=False)
    name = args.name.removeprefix("state/")  # as audit verify prints its subject
    try:
        was, seq = rechain_setting(store, name, args.reason)
    finally:
        store.close()
    before = f"it had {was[:16]}…" if was else "it had no link"
    print(f"chained setting {name} again at event {seq} ({before}), for: {args.reason}")
    return 0


def run_keygen(args: argparse.Namespace) -> int:
    # Never over any file, nor where the database's -wal or -journal would be; the key
    # the configuration names may be made where it does not exist yet.
    config = service_from(args).config
    check_output(
        args.out,
        config,
        force=False,
        option="--out",
        hint="a signing key is never written over a file: name a new one",
        makes=config.trail_signing_key,
    )
    from govservice.trail.keys import generate_key, key_id, public_pem  # cryptography: here

    key = generate_key(args.out)
    public = key.public_key()
    print(f"wrote the signing key to {args.out} (keep it secret; name it as trail.signing_key)")
    print(f"key id {key_id(public)}; the public key, to publish with the checkpoints:")
    print(public_pem(public), end="")
    return 0


def run_checkpoint(args: argparse.Namespace) -> int:
    service = service_from(args)
    trail = service.trail
    if args.show:
        trail.key  # noqa: B018 (no key configured: one clear error)
        latest = trail.read().latest
        if latest is None:
            print(f"no checkpoint yet in {trail.path}")
            return 1
        made = latest
    else:
        store = persistent_store(service, create=False, stamps=True)
        try:
            made = trail.checkpoint(store, check=True)
        finally:
            store.close()
        print(f"checkpoint appended to {trail.path}")
    print(
        f"{made.centre} ({made.region}): the trail ended at event {made.seq}, hash "
        f"{made.hash}, at {made.time}; signed by key {made.key_id}"
    )
    print(made.line())
    return 0
