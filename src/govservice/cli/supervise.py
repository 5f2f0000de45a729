"""``govservice supervise``: the electronic supervision report (电子监察)."""

from __future__ import annotations

import argparse
import datetime as dt
import json

from govservice.cli.common import persistent_store, service_from
from govservice.clock import SHANGHAI
from govservice.workflow import supervision


def date(text: str) -> dt.date:
    """An argparse type: a YYYY-MM-DD date."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "supervise",
        help="the supervision report: yellow and red cases, on-time rates (电子监察)",
        description="Yellow (due within supervision.yellow_days working days) and red "
        "(overdue) cases by department, station and region; on-time rates per department "
        "over a period (the month so far by default); overdue rectifications.",
    )
    parser.add_argument("--date", type=date, help="the day of the report (default: today)")
    parser.add_argument("--since", type=date, help="first day of the on-time period")
    parser.add_argument("--until", type=date, help="last day of the on-time period")
    parser.add_argument("--limit", type=int, default=200, help="cases listed per light (200)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    service = service_from(args)
    store = persistent_store(service, create=False)
    try:
        today = args.date or service.clock.now().astimezone(SHANGHAI).date()
        report = supervision.report(
            store,
            service.calendar(),
            today,
            yellow_days=service.config.yellow_days,
            since=args.since,
            until=args.until,
            limit=args.limit,
        )
    finally:
        store.close()
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(report.as_text())
    return 0
