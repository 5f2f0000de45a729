"""What several commands share: building the GovService from the global options, the
types of their arguments (range-checked), and how errors and plugin warnings are printed.

Text printed on a terminal goes through :mod:`govservice.cli.terminal` (unprintable
characters escaped); files written go through :mod:`govservice.cli.output` (never over an
existing file without ``--force``, never over the database).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Callable

import attrs

from govservice.cli.terminal import emit, printable
from govservice.clock import SHANGHAI, FixedClock
from govservice.config import Config
from govservice.errors import ClockClaimError, GovServiceError, InvalidRecordError, UsageError
from govservice.model.identifiers import mask_identity_numbers
from govservice.service import GovService
from govservice.store.simulation import is_simulation

CONFIG_ENV = "GOVSERVICE_CONFIG"
NOW_ENV = "GOVSERVICE_NOW"

EARLIEST = dt.date(1000, 1, 1)
LATEST = dt.date(9000, 12, 31)
"""The dates an argument may name at all (``--now``, ``--date``, ``--since``, ``--until``):
the widest window a configuration may give records (``validation.years``). Once the
configuration is read, :func:`check_window` narrows it to the centre's window (1949 to 2100
unless widened)."""


def add_global_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        metavar="FILE",
        default=os.environ.get(CONFIG_ENV),
        help=f"the centre's YAML configuration (default: ${CONFIG_ENV}, else built-in)",
    )
    parser.add_argument(
        "--now",
        metavar="TIME",
        type=moment,
        default=os.environ.get(NOW_ENV),
        help=f"act as if it were this time, e.g. 2015-03-02T09:00+08:00 (training, demos, "
        f"tests; the trail records it; default: ${NOW_ENV}, else the real time)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        default=None,
        help="make any plugin failure fatal (also: strict: true in the configuration)",
    )


def moment(text: str) -> dt.datetime:
    """An argparse type: an ISO 8601 time between :data:`EARLIEST` and :data:`LATEST`;
    without an offset, Asia/Shanghai."""
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a time such as 2015-03-02T09:00+08:00"
        ) from None
    value = value if value.utcoffset() is not None else value.replace(tzinfo=SHANGHAI)
    try:
        day = value.astimezone(SHANGHAI).date()
    except OverflowError:  # 0001-01-01T00:00+01:00 is before the year 1 in Shanghai
        day = dt.date.min
    _in_window(text, day)
    return value


def day(text: str) -> dt.date:
    """An argparse type: a YYYY-MM-DD date between :data:`EARLIEST` and :data:`LATEST`."""
    try:
        value = dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None
    _in_window(text, value)
    return value


def _in_window(text: str, value: dt.date) -> None:
    if not EARLIEST <= value <= LATEST:
        raise argparse.ArgumentTypeError(
            f"{text!r} is outside {EARLIEST.isoformat()} to {LATEST.isoformat()}"
        )


def check_window(config: Config, option: str, value: dt.date | dt.datetime | None) -> None:
    """Refuse a date given with ``option`` that lies outside the years records may hold
    (the configuration's ``validation.years``: 1949 to 2100 unless widened).

    :raises UsageError: naming the option, the date and the window.
    """
    if value is None:
        return
    earliest, latest = config.date_window.earliest, config.date_window.latest
    if isinstance(value, dt.datetime):
        value = value.astimezone(SHANGHAI).date()
    if not earliest <= value.year <= latest:
        raise UsageError(
            f"{value.isoformat()} is outside the years {earliest} to {latest} "
            "(validation.years in the configuration widens them)",
            where=option,
        )


def whole_number(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` to ``high``."""

    def whole(text: str) -> int:
        try:
            number = int(text)
        except ValueError:
            number = None
        if number is None or not low <= number <= high:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not a whole number of at least {low} and at most {high:,}"
            )
        return number

    whole.__name__ = f"whole number from {low} to {high}"  # what argparse calls the type
    return whole


def service_from(args: argparse.Namespace) -> GovService:
    """The GovService of the ``--config`` file (or the default one), on the real clock or
    the ``--now`` one. Its plugins' failures are printed as warnings when the command ends
    (see :class:`PluginWarnings`)."""
    now = args.now  # argparse converts a default from the environment too
    clock = ClaimedClock(now) if now is not None else None
    service = GovService(args.config, strict=args.strict, clock=clock)
    check_window(service.config, "--now", now)
    watch(args, service)
    return service


@attrs.define
class PluginWarnings:
    """The plugin failures of a command outside strict mode (a plugin that failed to load,
    or raised in a hook and was left out of it): each printed once, as a warning on
    standard error, when the command ends, whether it succeeded or not."""

    services: list[GovService] = attrs.field(factory=list)
    shown: dict[int, int] = attrs.field(factory=dict)
    """Problems already printed, by the ``id`` of the service."""

    def watch(self, service: GovService, *, shown: bool = False) -> None:
        """Report ``service``'s plugin failures; ``shown``: those so far are printed
        already (as errors, by ``plugins`` or ``config check``)."""
        if service not in self.services:
            self.services.append(service)
        if shown:
            self.shown[id(service)] = len(_problems(service))

    def flush(self) -> None:
        for service in self.services:
            problems = _problems(service)
            for error in problems[self.shown.get(id(service), 0) :]:
                report(error, "warning")
            self.shown[id(service)] = len(problems)


def _problems(service: GovService) -> list[GovServiceError]:
    plugins = service.__dict__.get("plugins")  # never loaded only to be asked
    return list(plugins.problems) if plugins is not None else []


def watch(args: argparse.Namespace, service: GovService, *, shown: bool = False) -> None:
    """Have the command's :class:`PluginWarnings` (set by ``main``) report ``service``."""
    warnings = getattr(args, "plugin_warnings", None)
    if warnings is not None:
        warnings.watch(service, shown=shown)


class ClaimedClock(FixedClock):
    """The time ``--now`` claims: taken for what a command stamps (a checkpoint, a delivery)
    on a simulation store only (see :func:`persistent_store`)."""


def persistent_store(
    service: GovService, *, create: bool = True, migrate: bool = True, stamps: bool = False
):
    """The configured store, for commands that keep data: refuses the in-memory one, which
    would forget everything when the command ends. A command that ``stamps`` what it
    writes with the time (a checkpoint, a delivered notice) takes a ``--now`` only on a
    simulation store: a centre's real store keeps the server's clock."""
    if service.config.storage_backend == "memory":
        where = service.config.where("storage", "backend") if service.config.path else None
        raise UsageError(
            "this command keeps data, but the store is 'memory' (forgotten when the command "
            f"ends); give a configuration with --config or ${CONFIG_ENV} that names a database",
            where=where,
        )
    store = service.open_store(create=create, migrate=migrate)
    if stamps and isinstance(service.clock, ClaimedClock) and not is_simulation(store):
        store.close()
        raise ClockClaimError(
            "--now is taken only on a simulation store (govservice db init --simulation); "
            "this store keeps the server's clock: leave --now out"
        )
    return store


REFUSED = "拒绝"
"""The level word of a refusal told to the clerk (an error with a Chinese notice or title)."""


def report(error: GovServiceError, level: str = "error") -> None:
    """Print one error as one line on standard error, identity numbers masked (a plugin's
    message, a config value: whatever it quotes may be personal) and unprintable
    characters escaped (a file name, an actor: whatever it quotes may be hostile).

    A refusal the clerk reads (:func:`clerk_line`) is ``拒绝[CODE] 中文说明（message）``;
    any other error ``error[CODE] message``, in English for developers and operators."""
    told = clerk_line(error) if level == "error" else None
    text = f"{REFUSED}[{error.code}] {told}" if told else f"{level}[{error.code}] {error}"
    line = " ".join(f"govservice: {text}".split("\n"))
    print(printable(mask_identity_numbers(line)), file=sys.stderr)


def clerk_line(error: GovServiceError) -> str | None:
    """What a clerk is told of ``error``: its Chinese ``notice`` (the whole of it: the
    English message stays with the API, ``str(error)``, and the trail), else its class's
    Chinese ``title`` with the English message, which then carries the particulars; None
    for an error that is for developers and operators only."""
    if error.notice:
        return error.notice
    if error.title:
        return f"{error.title}（{error}）"
    return None


def open_centre(
    args: argparse.Namespace, *, create: bool = False, stamps: bool = False
) -> GovService:
    """The centre of ``args`` (:func:`service_from`) with its configured store opened
    (:func:`persistent_store`: the memory store refused; a new database made only when
    ``create``, by the commands that write records of their own)."""
    service = service_from(args)
    service.__dict__["store"] = persistent_store(service, create=create, stamps=stamps)
    return service


def centre_today(service: GovService) -> dt.date:
    """Today by the centre's clock, in Asia/Shanghai."""
    return service.clock.now().astimezone(SHANGHAI).date()


def print_invalid(error: InvalidRecordError) -> int:
    """A file that is not valid records: every problem on standard output, one line each
    (identity numbers masked), a summary on standard error; exit status 1."""
    where = error.where or "(input)"
    for pointer, message in error.problems or (("", error.message),):
        line = f"{printable(where)}: {pointer or '(root)'}: {printable(message)}"
        emit(mask_identity_numbers(line), file=sys.stdout)
    print(f"无效：{len(error.problems) or 1}处问题，未作改动", file=sys.stderr)
    return 1
