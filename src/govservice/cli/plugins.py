"""``govservice plugins``: which plugins are loaded, from where, for which regions."""

from __future__ import annotations

import argparse
import json

from govservice.cli.common import report, service_from, watch
from govservice.cli.terminal import printable, printable_json


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "plugins",
        help="list loaded plugins, their source, regions and hooks",
        description="List the plugins loaded for the configuration, and any that failed.",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    service = service_from(args)
    plugins = service.plugins
    if args.format == "json":
        listing = {
            "plugins": [
                {
                    "name": p.name,
                    "source": p.source,
                    "module": p.module,
                    "regions": sorted(p.regions),
                    "hooks": list(p.hooks),
                }
                for p in plugins.loaded.values()
            ],
            "problems": [
                {"plugin": e.plugin, "code": e.code, "message": str(e)} for e in plugins.problems
            ],
        }
        print(printable_json(json.dumps(listing, ensure_ascii=False, indent=2)))
    else:
        for p in plugins.loaded.values():
            regions = ", ".join(sorted(p.regions)) or "all regions"
            print(printable(f"{p.name}  ({p.source}: {p.module}; {regions})"))
            for hook in p.hooks:
                print(printable(f"    {hook}"))
        for error in plugins.problems:
            report(error)
    watch(args, service, shown=True)  # the failures are printed: as errors (in JSON)
    return 2 if plugins.problems else 0
