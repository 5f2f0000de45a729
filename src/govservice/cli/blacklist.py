"""``govservice blacklist``: the blacklists (黑名单) from the command line. Each part
registers its own actions (``register(actions)`` in ``govservice.cli.blacklist_<part>``)."""

from __future__ import annotations

import argparse
import importlib

PARTS = (
    "blacklist_entries",  # list, add, revoke
    "blacklist_sources",  # sources, load
    "blacklist_exchange",  # import, export
    "blacklist_screening",  # screen
    "blacklist_board",  # expose
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
    for name in PARTS:
        try:  # XXX(issue 15, while the parts are built): every part is required
            module = importlib.import_module(f"govservice.cli.{name}")
        except ModuleNotFoundError:
            continue
        module.register(actions)
