"""``govservice config check FILE``: validate a configuration and load its plugins."""

from __future__ import annotations

import argparse

from govservice.cli.common import report, watch
from govservice.cli.terminal import printable
from govservice.service import GovService


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("config", help="work with configuration files")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = actions.add_parser(
        "check",
        help="validate a configuration file and load its plugins",
        description=(
            "Check the file against the configuration schema, resolve $env references, "
            "load every plugin, check its settings, read the signing key and every partner "
            "city's public keys (blacklists.partners), and call every hook once on sample "
            "records for each region served. Each problem is one line; exit 0 when all is "
            "well, 2 otherwise."
        ),
    )
    check.add_argument("file", metavar="FILE")
    check.set_defaults(run=run_check)


def run_check(args: argparse.Namespace) -> int:
    service = GovService(args.file, strict=args.strict)
    problems = service.self_check()
    for error in problems:
        report(error)
    watch(args, service, shown=True)  # the plugins' failures are printed: as errors
    if problems:
        return 2
    plugins = service.plugins
    config = service.config
    county = [p for p in plugins.loaded.values() if p.source != "builtin"]
    print(
        printable(
            f"{args.file}: ok: {config.name} ({config.region}), storage "
            f"{config.storage_backend}, {len(county)} plugin(s): "
            f"{', '.join(p.name for p in county) or 'none'}"
        )
    )
    return 0
