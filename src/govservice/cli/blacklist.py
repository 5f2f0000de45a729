"""``govservice blacklist``: the blacklists (黑名单) from the command line. Each part
registers its own actions (``register(actions)`` in ``govservice.cli.blacklist_<part>``)."""

from __future__ import annotations

import argparse

from govservice.cli import (
    blacklist_board,
    blacklist_entries,
    blacklist_exchange,
    blacklist_screening,
    blacklist_sources,
)


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "blacklist",
        help="blacklists: entries, sources, signed exchange, screening, the exposure board",
        description="The blacklists (黑名单): our own list, the court's list of dishonest "
        "debtors and national lists as published, signed exchange files between cities, "
        "screening by identifier and name, and the public exposure board (曝光台).",
    )
    actions = parser.add_subparsers(dest="blacklist_command", metavar="ACTION", required=True)
    blacklist_entries.register(actions)
    blacklist_sources.register(actions)
    blacklist_exchange.register(actions)
    blacklist_screening.register(actions)
    blacklist_board.register(actions)
