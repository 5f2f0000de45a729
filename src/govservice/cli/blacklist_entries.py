"""``govservice blacklist list|add|revoke|expire``: the entries of the blacklists
(registered by :mod:`govservice.cli.blacklist`).

``list`` prints the entries in force on a day (``--on``, default today; ``--published``:
those shown to the public; ``--all``: every entry with where it stands), of one source
kind (``--source``) or of one subject (``--subject NUMBER``, a credit code, organisation
code or identity number; ``--name``); ``add FILE`` lists entries of our own list
(blacklist-entry.schema.json; JSON, JSON Lines or YAML; one refused, none is listed);
``revoke ID --reason`` revokes one of ours (信用修复); ``expire`` records the expiry of the
entries whose periods have ended.

What a clerk reads is Chinese. Identity numbers are always shown masked (10 + ``****`` +
4), in the lines and in ``--json``. A file that is not valid records lists every problem
and exits 1; a refusal is one line and exit 2; nothing is stored then.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from govservice.catalog.guides import chinese_date
from govservice.cli.common import (
    centre_today,
    day,
    open_centre,
    persistent_store,
    print_invalid,
    service_from,
)
from govservice.cli.terminal import emit, printable
from govservice.codec import from_document, to_document
from govservice.errors import InvalidRecordError
from govservice.model import BlacklistEntry, SourceKind
from govservice.model.identifiers import mask_document, mask_identity_numbers, shown_number
from govservice.records import read_records
from govservice.service import GovService


def register(actions: argparse._SubParsersAction) -> None:
    """Add ``list``, ``add``, ``revoke`` and ``expire`` to ``blacklist``."""
    listing = actions.add_parser(
        "list",
        help="the entries in force on a day (of a source, of a subject)",
        description="黑名单: the entries that bar their subject on the day (惩戒期), with "
        "their source and dates; --published: those shown to the public (公示期); --all: "
        "every entry and where it stands. Identity numbers are shown masked.",
    )
    listing.add_argument("--on", type=day, metavar="DATE", help="this day (default: today)")
    shown = listing.add_mutually_exclusive_group()
    shown.add_argument("--published", action="store_true", help="those published on the day")
    shown.add_argument("--all", action="store_true", help="every entry, whatever its status")
    listing.add_argument(
        "--source", choices=[kind.value for kind in SourceKind], help="only this kind of source"
    )
    listing.add_argument(
        "--subject",
        metavar="NUMBER",
        help="only the entries of this subject (credit code, organisation code, identity "
        "number), from every source",
    )
    listing.add_argument("--name", help="with --subject, the subject's name; alone, find by name")
    listing.add_argument("--json", action="store_true", help="print the records as JSON")
    listing.set_defaults(run=run_list)

    added = actions.add_parser(
        "add",
        help="list entries of our own list from a file",
        description="Read entries (blacklist-entry.schema.json; JSON, JSON Lines or YAML) "
        "of our own list (本级认定: source kind own, our region) and list them. Every one "
        "is checked first; one refused, none is listed. Each listing is an event of the "
        "trail with its provenance.",
    )
    added.add_argument("file", metavar="FILE")
    added.set_defaults(run=run_add)

    revoked = actions.add_parser(
        "revoke",
        help="revoke one of our entries (移出, 信用修复) with a reason",
        description="The entry is revoked from --on (default today) for --reason. Only our "
        "own entries are revoked here; another source's entries of the same subject stay "
        "as they are (their source revokes them).",
    )
    revoked.add_argument("entry_id", metavar="ID")
    revoked.add_argument("--reason", required=True, help="why (信用修复：已履行全部义务 …)")
    revoked.add_argument("--on", type=day, metavar="DATE", help="the day (default: today)")
    revoked.add_argument("--authority", help="who decided it, when not the listing authority")
    revoked.set_defaults(run=run_revoke)

    expired = actions.add_parser(
        "expire",
        help="record the expiry of the entries whose periods have ended",
        description="Each entry whose penalty and publication periods ended before --on "
        "(default today) is recorded as expired, an event of the trail.",
    )
    expired.add_argument("--on", type=day, metavar="DATE", help="the day (default: today)")
    expired.set_defaults(run=run_expire)


# --- helpers ------------------------------------------------------------------------------------


def _read(path: str, service: GovService) -> list[BlacklistEntry]:
    window = service.config.date_window
    found = []
    for record in read_records(path):
        where = f"{record.file}:{record.line}"
        found.append(from_document(BlacklistEntry, record.document, where=where, window=window))
    return found


def _period(start: Any, end: Any) -> str:
    return f"{chinese_date(start)}至{chinese_date(end) if end else '今'}"


def entry_line(entry: BlacklistEntry, on: Any) -> str:
    """One line of ``blacklist list``: id, subject (its number masked), source, dates,
    status on ``on``."""
    subject = entry.subject
    source = entry.source
    where = f"{source.kind.label}（{source.name or source.region}）"
    record = f"，{source.record_id}" if source.record_id else ""
    number = shown_number(subject.identifier.kind.value, subject.identifier.number)
    line = (
        f"{entry.id}  {subject.name}（{subject.identifier.kind.label} "
        f"{number}）  {where}{record}  "
        f"列入{chinese_date(entry.listed_on)}  "
        f"惩戒期{_period(entry.penalty_from, entry.penalty_until)}  "
        f"公示期{_period(entry.publication_start, entry.publication_end)}  "
        f"{entry.status_on(on).label}"
    )
    if entry.revoked_on(on):  # a revocation after ``on`` is not yet one that day
        line += f"（{chinese_date(entry.revocation.on)}，{entry.revocation.reason}）"
    return mask_identity_numbers(line)


def _json(value: Any) -> None:
    emit(mask_identity_numbers(json.dumps(mask_document(value), ensure_ascii=False, indent=2)))


# --- the actions --------------------------------------------------------------------------------


def run_list(args: argparse.Namespace) -> int:
    service = open_centre(args)
    try:
        entries_part = service.blacklists.entries
        on = args.on or centre_today(service)
        if args.subject or args.name:
            chosen = entries_part.of_subject(args.subject, name=args.name)
        else:
            chosen = list(entries_part.all())
        if args.source:
            chosen = [e for e in chosen if e.source.kind.value == args.source]
        if args.published:
            chosen, what = [e for e in chosen if e.published_on(on)], "公示中"
        elif args.all:
            what = "全部"
        else:
            chosen, what = [e for e in chosen if e.in_force_on(on)], "惩戒期内"
        if args.json:
            _json([to_document(entry) for entry in chosen])
            return 0
        emit(f"黑名单（{chinese_date(on)}，{what}，共{len(chosen)}条）")
        for entry in chosen:
            emit(printable(entry_line(entry, on)))
    finally:
        service.store.close()
    return 0


def run_add(args: argparse.Namespace) -> int:
    service = service_from(args)
    try:
        entries = _read(args.file, service)
    except InvalidRecordError as error:
        return print_invalid(error)
    service.__dict__["store"] = persistent_store(service, create=True)
    try:
        service.blacklists.entries.add_all(entries)
        on = centre_today(service)
        lines = [entry_line(entry, on) for entry in entries]
    finally:
        service.store.close()
    for line in lines:
        emit(printable(f"已列入：{line}"))
    emit(f"已列入本级黑名单：{len(entries)}条")
    return 0


def run_revoke(args: argparse.Namespace) -> int:
    service = open_centre(args)
    try:
        revoked = service.blacklists.entries.revoke(
            args.entry_id, args.reason, on=args.on, authority=args.authority
        )
    finally:
        service.store.close()
    emit(
        printable(
            mask_identity_numbers(
                f"已移出：{revoked.id} {revoked.subject.name}，自{chinese_date(revoked.revocation.on)}"
                f"起，理由：{revoked.revocation.reason}"
            )
        )
    )
    return 0


def run_expire(args: argparse.Namespace) -> int:
    service = open_centre(args)
    try:
        on = args.on or centre_today(service)
        expired = service.blacklists.entries.expire(on)
    finally:
        service.store.close()
    for entry in expired:
        emit(printable(f"已期满：{entry_line(entry, on)}"))
    emit(f"记录期满：{len(expired)}条（{chinese_date(on)}）")
    return 0
