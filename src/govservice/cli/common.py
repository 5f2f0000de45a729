"""What several commands share: building the GovService from the global options."""

from __future__ import annotations

import argparse
import os

from govservice.service import GovService

CONFIG_ENV = "GOVSERVICE_CONFIG"


def add_global_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        metavar="FILE",
        default=os.environ.get(CONFIG_ENV),
        help=f"the centre's YAML configuration (default: ${CONFIG_ENV}, else built-in)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        default=None,
        help="make any plugin failure fatal (also: strict: true in the configuration)",
    )


def service_from(args: argparse.Namespace) -> GovService:
    """The GovService of the ``--config`` file (or the default one)."""
    return GovService(args.config, strict=args.strict)
