"""``govservice supervise``: the electronic supervision report (电子监察), in Chinese: the
centre named in its title, stations and departments by name; ``--json`` for machines."""

from __future__ import annotations

import argparse
import json

from govservice.cli.common import (
    check_window,
    day,
    persistent_store,
    service_from,
    whole_number,
)
from govservice.cli.terminal import emit, printable_fields, printable_json
from govservice.clock import SHANGHAI
from govservice.errors import UsageError
from govservice.workflow import supervision

MAX_LIMIT = 10_000
"""The most cases of each light a report lists."""


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "supervise",
        help="the supervision report: yellow and red cases, on-time rates (电子监察)",
        description="Yellow (due within supervision.yellow_days working days) and red "
        "(overdue) cases by department, station and region; on-time rates per department "
        "over a period (the month so far by default); overdue rectifications.",
    )
    parser.add_argument("--date", type=day, help="the day of the report (default: today)")
    parser.add_argument("--since", type=day, help="first day of the on-time period")
    parser.add_argument("--until", type=day, help="last day of the on-time period")
    parser.add_argument(
        "--limit",
        type=whole_number(1, MAX_LIMIT),
        default=200,
        help=f"cases listed per light (200; at most {MAX_LIMIT:,})",
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    service = service_from(args)
    for option in ("date", "since", "until"):
        check_window(service.config, f"--{option}", getattr(args, option))
    today = args.date or service.clock.now().astimezone(SHANGHAI).date()
    since = args.since if args.since is not None else today.replace(day=1)
    until = args.until if args.until is not None else today
    if since > until:
        given = "--since" if args.since is not None else "the first day of the report's month"
        upto = "--until" if args.until is not None else "the day of the report"
        raise UsageError(
            f"the on-time period is inverted: {given} ({since.isoformat()}) is after "
            f"{upto} ({until.isoformat()})"
        )
    store = persistent_store(service, create=False)
    try:
        report = supervision.report(
            store,
            service.calendar(),
            today,
            yellow_days=service.config.yellow_days,
            since=since,
            until=until,
            limit=args.limit,
            centre=service.config.name,
            direct_choices=_direct_choices(service, store, since, until),
        )
    finally:
        store.close()
    if args.json:
        print(printable_json(json.dumps(report.as_dict(), ensure_ascii=False, indent=2)))
    else:
        emit(printable_fields(report).as_text())
    return 0


def _direct_choices(service, store, since, until) -> list:
    """The intermediaries chosen directly (直接选取) in the period, from ``store``."""
    selections = service.intermediaries.selections
    if selections is None:
        return []
    service.__dict__["store"] = store
    return selections.direct(since=since, until=until)
