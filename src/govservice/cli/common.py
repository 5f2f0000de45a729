"""What several commands share: building the GovService from the global options."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys

from govservice.clock import SHANGHAI, FixedClock
from govservice.errors import GovServiceError, UsageError
from govservice.model.identifiers import mask_identity_numbers
from govservice.service import GovService

CONFIG_ENV = "GOVSERVICE_CONFIG"
NOW_ENV = "GOVSERVICE_NOW"


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
    """An argparse type: an ISO 8601 time; without an offset, Asia/Shanghai."""
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a time such as 2015-03-02T09:00+08:00"
        ) from None
    return value if value.utcoffset() is not None else value.replace(tzinfo=SHANGHAI)


def service_from(args: argparse.Namespace) -> GovService:
    """The GovService of the ``--config`` file (or the default one), on the real clock or
    the ``--now`` one."""
    now = args.now  # argparse converts a default from the environment too
    clock = FixedClock(now) if now is not None else None
    return GovService(args.config, strict=args.strict, clock=clock)


def persistent_store(service: GovService, *, create: bool = True, migrate: bool = True):
    """The configured store, for commands that keep data: refuses the in-memory one, which
    would forget everything when the command ends."""
    if service.config.storage_backend == "memory":
        where = service.config.where("storage", "backend") if service.config.path else None
        raise UsageError(
            "this command keeps data, but the store is 'memory' (forgotten when the command "
            f"ends); give a configuration with --config or ${CONFIG_ENV} that names a database",
            where=where,
        )
    return service.open_store(create=create, migrate=migrate)


def report(error: GovServiceError, level: str = "error") -> None:
    """Print one error as one line on standard error, identity numbers masked (a plugin's
    message, a config value: whatever it quotes may be personal)."""
    line = " ".join(f"govservice: {level}[{error.code}] {error}".split("\n"))
    print(mask_identity_numbers(line), file=sys.stderr)
