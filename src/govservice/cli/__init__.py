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
from govservice.errors import GovServiceError, UsageError

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
    # A file's name may hold bytes that are not UTF-8 (kept as lone surrogates): printed as
    # escapes (\udcff), never a crash, as standard error already does.
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="backslashreplace")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        _check_texts(args)
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


PATHS = frozenset({"file", "files", "config", "qr_svg", "qr_png"})
"""Arguments that name files: any bytes the system allows (Python keeps those that are not
UTF-8 as lone surrogates, and opens the file by them)."""


def _check_texts(args: argparse.Namespace) -> None:
    """Every other argument is text for records and queries, which hold only Unicode: one
    with bytes that are not UTF-8 (typed or pasted in another encoding) is refused."""
    for name, value in vars(args).items():
        values = value if isinstance(value, list) else [value]
        if name in PATHS or not any(isinstance(v, str) and _not_unicode(v) for v in values):
            continue
        raise UsageError(
            "not UTF-8 text (bytes of another encoding, such as GBK?)",
            where=_POSITIONAL.get(name) or f"--{name.replace('_', '-')}",
        )


_POSITIONAL = {"case_id": "ID", "code": "CODE"}  # as the usage line names them


def _not_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
