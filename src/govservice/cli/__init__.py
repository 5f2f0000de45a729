"""The ``govservice`` command line: one module per command group.

Every :class:`~govservice.errors.GovServiceError` becomes one line on standard error,
``govservice: error[CODE] where: message``, and exit status 2; never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from govservice import __version__
from govservice.cli import (
    audit,
    case,
    config,
    db,
    importing,
    plugins,
    progress,
    supervise,
    validate,
)
from govservice.cli.common import add_global_options, report
from govservice.errors import GovServiceError

COMMANDS = (validate, plugins, config, db, importing, case, progress, supervise, audit)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="govservice",
        description="Run Chinese government service centres: validate and exchange records.",
    )
    parser.add_argument("--version", action="version", version=f"govservice {__version__}")
    add_global_options(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        command.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 findings, 2 errors)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except GovServiceError as error:
        report(error)
        return 2
    except KeyboardInterrupt:
        print("govservice: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (e.g. `| head`); nothing more to say
        return 0
