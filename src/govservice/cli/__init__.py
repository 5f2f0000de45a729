"""The ``govservice`` command line: one module per command group.

Every :class:`~govservice.errors.GovServiceError` becomes one line on standard error,
``govservice: error[CODE] where: message``, and exit status 2; never a traceback. So does
a file the system refuses (permission denied, on the file or on a folder of its path:
``error[GS106] PATH: ...``). A plugin's failure outside strict mode is a warning line,
``govservice: warning[GS5xx] ...``, whatever the command.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from govservice import __version__
from govservice.cli import (
    audit,
    blacklist,
    case,
    catalog,
    config,
    db,
    demo,
    importing,
    intermediaries,
    notices,
    plugins,
    progress,
    stations,
    supervise,
    validate,
)
from govservice.cli.common import PluginWarnings, add_global_options, report
from govservice.cli.terminal import EscapedOutput
from govservice.errors import FileAccessError, GovServiceError, UsageError

COMMANDS = (
    validate,
    plugins,
    config,
    db,
    importing,
    case,
    progress,
    supervise,
    audit,
    notices,
    demo,
    catalog,
    stations,
    intermediaries,
    blacklist,
)


class CommandLineParser(argparse.ArgumentParser):
    """argparse's parser (its subcommands' too), whose refusal of a command line is one
    line like every other error (``govservice: error[GS110]``, what argparse says, and the
    command whose ``--help`` says more), exit status 2."""

    def error(self, message: str, prog: str | None = None) -> NoReturn:
        report(UsageError(f"{message}; see `{prog or self.prog} --help`"))
        self.exit(2)

    def parse_known_args(self, args=None, namespace=None):  # type: ignore[override]
        parsed, extras = super().parse_known_args(args, namespace)
        if not hasattr(parsed, "command_prog"):  # the innermost command's parser is first
            parsed.command_prog = self.prog
        return parsed, extras

    def parse_args(self, args=None, namespace=None):  # type: ignore[override]
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:  # named with the command they were given to
            self.error(f"unrecognized arguments: {' '.join(extras)}", parsed.command_prog)
        return parsed


def build_parser() -> argparse.ArgumentParser:
    parser = CommandLineParser(
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
    args.plugin_warnings = warnings = PluginWarnings()
    stdout = sys.stdout
    try:
        _check_texts(args)
        sys.stdout = EscapedOutput(stdout)  # no terminal escape reaches the screen, whatever
        try:
            return args.run(args)
        finally:
            sys.stdout = stdout
            warnings.flush()  # before the error line, if there is one
    except GovServiceError as error:
        report(error)
        return 2
    except KeyboardInterrupt:
        print("govservice: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (e.g. `| head`); nothing more to say
        return 0
    except OSError as error:
        if error.filename is None:  # not about a file: a fault of ours, shown as such
            raise
        report(_file_error(error))
        return 2


def _file_error(error: OSError) -> FileAccessError:
    """A file the system refused, as one line naming it."""
    message = error.strerror or type(error).__name__
    if isinstance(error, PermissionError):
        message += " (check the permissions of the file and of each folder on its path)"
    try:
        name = os.fsdecode(error.filename)
    except TypeError:  # a file descriptor
        name = str(error.filename)
    return FileAccessError(message, where=name)


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
