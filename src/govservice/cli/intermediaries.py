"""``govservice intermediaries``: the intermediary supermarket (中介超市) from the command
line. Each part of the supermarket registers its own actions (``register(actions)`` in
``govservice.cli.intermediaries_<part>``)."""

from __future__ import annotations

import argparse
import importlib

PARTS = (
    "intermediaries_services",  # services, register, offers
    "intermediaries_selection",  # need, select, verify-draw
    "intermediaries_engagements",  # engage, deliver, assess
    "intermediaries_card",  # card
)


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "intermediaries",
        help="the intermediary supermarket: services, agencies, needs, draws, assessment",
        description="The intermediary supermarket (中介超市): the list of intermediary "
        "services, the agencies and their offers, needs and selection by a draw anyone can "
        "re-run, engagements, quarterly assessment and contact cards.",
    )
    actions = parser.add_subparsers(dest="intermediaries_command", metavar="ACTION", required=True)
    for name in PARTS:
        try:  # XXX(issue 14, while the parts are built): every part is required
            module = importlib.import_module(f"govservice.cli.{name}")
        except ModuleNotFoundError:
            continue
        module.register(actions)
