"""``govservice notices [deliver]``: notices of the outbox not delivered (未送达的通知).

The workflow writes a notice of each event to the outbox with the action and delivers it
to the notification plugins (SMS, WeChat) after commit, with retries
(:mod:`govservice.workflow.outbox`). ``notices`` lists those not delivered yet, for the
clerk; ``notices deliver`` tries them again at once.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json

from govservice.cli.common import persistent_store, service_from
from govservice.cli.terminal import printable_json
from govservice.clock import SHANGHAI
from govservice.store.base import Notice
from govservice.workflow.outbox import MAX_ATTEMPTS, Outbox
from govservice.workflow.transitions import action_label

LIMIT_MAX = 100_000


def limit(text: str) -> int:
    """An argparse type: how many notices to list, 1 to 100,000."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= LIMIT_MAX:
        raise argparse.ArgumentTypeError(f"{value} is not between 1 and {LIMIT_MAX:,}")
    return value


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "notices",
        help="notifications (SMS, WeChat) not delivered yet; deliver them again",
        description="List the notices of the outbox that no notification plugin has "
        "delivered yet: case, event, attempts, last error, next attempt. Exit 0 when "
        "there is none, 1 when some are listed, 2 on errors. `notices deliver` tries "
        "every one of them again at once.",
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--limit", type=limit, default=200, help="notices listed at most (200)")
    parser.set_defaults(run=run_list)
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    deliver = actions.add_parser(
        "deliver",
        help="try every notice not delivered again, now",
        description="Tell the notification plugins, again, of every notice not delivered "
        "(those past their automatic attempts too; those another process is delivering "
        "right now are left to it). Each failure is a warning on standard error. Exit 0 "
        "when every notice tried was delivered, 1 when some still are not, 2 on errors.",
    )
    deliver.set_defaults(run=run_deliver)


def run_list(args: argparse.Namespace) -> int:
    service = service_from(args)
    store = persistent_store(service, create=False)
    try:
        outbox = Outbox.of(service, store)
        notices = []
        for notice in outbox.undelivered():
            notices.append(notice)
            if len(notices) == args.limit:
                break
    finally:
        store.close()
    if args.json:
        print(
            printable_json(
                json.dumps([_as_dict(n) for n in notices], ensure_ascii=False, indent=2)
            )
        )
    elif not notices:
        print("没有未送达的通知。")
    else:
        more = "，或许还有更多（--limit）" if len(notices) == args.limit else ""
        print(f"未送达的通知 {len(notices)} 条{more}：")
        for notice in notices:
            print(_line(notice))
    return 1 if notices else 0


def run_deliver(args: argparse.Namespace) -> int:
    service = service_from(args)
    store = persistent_store(service, create=False, stamps=True)
    try:
        delivery = Outbox.of(service, store).deliver(force=True)
    finally:
        store.close()
    if args.json:
        print(
            json.dumps(
                {
                    "delivered": delivery.delivered,
                    "failed": delivery.failed,
                    "skipped": delivery.skipped,
                }
            )
        )
    else:
        line = f"已送达 {delivery.delivered} 条，仍未送达 {delivery.failed} 条"
        if delivery.skipped:
            line += f"，另有 {delivery.skipped} 条正由其他进程发送"
        print(line + "。")
    return 1 if delivery.failed else 0


def _step(doc: dict) -> str:
    """The step a notice tells of, as a clerk calls it (受理, 补正 ...)."""
    action = str(doc.get("action"))
    return action_label(action) or action


def _line(notice: Notice) -> str:
    doc = notice.doc
    at = _time(doc.get("at"))
    if notice.next_attempt_at is None:
        then = "不再自动重试（请运行 govservice notices deliver）"
    elif notice.attempts:
        then = f"下次自动重试 {notice.next_attempt_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"
    else:
        then = "尚未发送"
    tried = f"已尝试 {notice.attempts}/{MAX_ATTEMPTS} 次"
    line = (
        f"#{notice.id}  办件 {_shown(notice.case_id)}  事件 {_shown(_step(doc))}"
        f"（{at}）  {tried}  {then}"
    )
    if notice.last_error:
        line += f"  原因：{_shown(notice.last_error)}"
    return line


def _as_dict(notice: Notice) -> dict:
    return {
        "id": notice.id,
        "case_id": notice.case_id,
        "event": notice.doc.get("event"),
        "action": notice.doc.get("action"),
        "at": notice.doc.get("at"),
        "created_at": notice.created_at.isoformat(),
        "attempts": notice.attempts,
        "last_error": notice.last_error,
        "next_attempt_at": notice.next_attempt_at and notice.next_attempt_at.isoformat(),
        "waiting_for": list(notice.waiting_for) if notice.waiting_for is not None else None,
    }


def _time(text: object) -> str:
    try:
        return f"{dt.datetime.fromisoformat(str(text)).astimezone(SHANGHAI):%Y-%m-%d %H:%M}"
    except ValueError:
        return _shown(str(text))


def _shown(text: str) -> str:
    """``text`` safe on a terminal: unprintable characters as escapes."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)
