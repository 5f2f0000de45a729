"""``govservice intermediaries``: the intermediary supermarket (中介超市) from the command
line. Each part of the supermarket registers its own actions (``register(actions)`` in
``govservice.cli.intermediaries_<part>``)."""

from __future__ import annotations

import argparse

from govservice.cli import (
    intermediaries_card,
    intermediaries_engagements,
    intermediaries_selection,
    intermediaries_services,
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
    intermediaries_services.register(actions)
    intermediaries_selection.register(actions)
    intermediaries_engagements.register(actions)
    intermediaries_card.register(actions)
