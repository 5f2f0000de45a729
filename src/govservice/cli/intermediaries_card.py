"""``govservice intermediaries card CREDIT_CODE``: an agency's contact card (中介服务联系卡),
a printable Chinese HTML page (registered by :mod:`govservice.cli.intermediaries`).

With ``--hall``, or several credit codes, the cards go in one page, each on a printed page
of its own. The card (:mod:`govservice.intermediaries.card`) shows the agency's status and
qualifications on ``--on`` (default today), its services with their published fees, its
contact, its practitioners with identity numbers masked and a QR code of its public page
(``public.agency_url``). ``--out FILE`` writes it there (never over an existing file
without ``--force``, never over the centre's own files); without it, the page goes to
standard output. ``--json`` prints what the card shows instead. An unknown credit code,
or no ``public.agency_url``, is one line and exit 2; nothing is written then.
"""

from __future__ import annotations

import argparse
import json

import attrs

from govservice.cli.common import check_window, day, persistent_store, service_from
from govservice.cli.output import check_output, write_output
from govservice.cli.terminal import emit, printable, printable_json
from govservice.errors import UsageError
from govservice.intermediaries.card import TITLE, ContactCards, render_card, render_cards


def register(actions: argparse._SubParsersAction) -> None:
    """Add ``card`` to ``intermediaries``."""
    card = actions.add_parser(
        "card",
        help="an agency's contact card (中介服务联系卡), printable HTML",
        description="The contact card of the agency of CREDIT_CODE: name, presence, credit "
        "code, status and qualifications on the day, services with their published fees "
        "in the words of each fee regime, contact details, practitioners (identity "
        "numbers masked) and a QR code of its public page (public.agency_url in the "
        "configuration, {code} standing for the credit code). One HTML page, A5 when "
        "printed, that opens offline.",
    )
    card.add_argument(
        "credit_codes", nargs="*", metavar="CREDIT_CODE", help="the agencies' credit codes"
    )
    card.add_argument(
        "--hall",
        action="store_true",
        help="the cards of every agency in the hall (有形进驻), each on a printed page",
    )
    card.add_argument("--on", type=day, metavar="DATE", help="the card's day (default: today)")
    card.add_argument("--out", metavar="FILE", help="write the page to this file")
    card.add_argument("--force", action="store_true", help="replace --out if it exists")
    card.add_argument("--json", action="store_true", help="print what the card shows as JSON")
    card.set_defaults(run=run_card)


def run_card(args: argparse.Namespace) -> int:
    if bool(args.credit_codes) == bool(args.hall):
        raise UsageError("give the credit code of one or more agencies, or --hall")
    service = service_from(args)
    check_window(service.config, "--on", args.on)
    out = None
    if args.out is not None:  # refused before anything is read
        out = check_output(args.out, service.config, force=args.force, option="--out")
    service.__dict__["store"] = persistent_store(service, create=False)
    try:
        cards = ContactCards(service)
        if args.hall:
            found = cards.hall(on=args.on)
        else:
            found = [cards.card(code.strip().upper(), on=args.on) for code in args.credit_codes]
    finally:
        service.store.close()
    if args.json:
        documents = [
            attrs.asdict(card, filter=lambda field, _: field.name != "qr_svg") for card in found
        ]
        text = json.dumps(
            documents if args.hall or len(found) > 1 else documents[0],
            ensure_ascii=False,
            indent=2,
            default=str,
        )
        if out is None:
            print(printable_json(text))
        else:
            write_output(out, text + "\n", force=args.force)
        return 0
    if len(found) == 1 and not args.hall:
        page = render_card(found[0])
    else:
        page = render_cards(found, title=f"{service.config.name}中介超市{TITLE}")
    if out is None:
        print(page, end="")
        return 0
    write_output(out, page, force=args.force)
    names = "、".join(card.name for card in found[:3]) + ("等" if len(found) > 3 else "")
    emit(printable(f"联系卡：{out}（{len(found)}张：{names}）"))
    return 0
