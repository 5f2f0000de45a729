"""``govservice db init|migrate|status``: the database of the configured store.

``db init --simulation`` makes a simulation store (:mod:`govservice.store.simulation`):
the only kind on which ``--now`` is taken."""

from __future__ import annotations

import argparse

from govservice.cli.common import persistent_store, service_from
from govservice.kinds import KINDS
from govservice.service import GovService
from govservice.store.simulation import is_simulation, make_simulation


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("db", help="create, migrate and inspect the database")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    init = actions.add_parser(
        "init", help="create the database (if missing) and bring it to the latest schema"
    )
    init.add_argument(
        "--simulation",
        action="store_true",
        help="make it a simulation store, for the demo, tests and training: actions may be "
        "given a time (--now); refused on a database that holds cases or a trail",
    )
    init.set_defaults(run=run_init)
    actions.add_parser(
        "migrate", help="apply pending migrations to an existing database"
    ).set_defaults(run=run_migrate)
    actions.add_parser(
        "status", help="schema version and record counts; changes nothing"
    ).set_defaults(run=run_status)


def run_init(args: argparse.Namespace) -> int:
    service = service_from(args)
    store = persistent_store(service, create=True, migrate=True)
    try:
        started = None
        if (
            service.trail.enabled
            and store.ledger_head()[0] == 0
            and not service.trail.read().started
        ):
            # a new trail and a signing key: its first checkpoint starts the file, so that
            # every write from the first one on is witnessed
            started = service.trail.checkpoint(store)
        if args.simulation:
            make_simulation(store)
        kind = ", a simulation (actions may be given a time)" if is_simulation(store) else ""
        print(f"database ready: {_describe(service)}, schema {store.schema_version()}{kind}")
        if started is not None:
            print(f"the first signed checkpoint starts {service.trail.path}")
    finally:
        store.close()
    return 0


def run_migrate(args: argparse.Namespace) -> int:
    service = service_from(args)
    store = persistent_store(service, create=False, migrate=False)
    try:
        applied = store.migrate()
        done = f"applied {', '.join(map(str, applied))}" if applied else "nothing to apply"
        print(f"{_describe(service)}: {done}; schema {store.schema_version()}")
    finally:
        store.close()
    return 0


def run_status(args: argparse.Namespace) -> int:
    service = service_from(args)
    store = persistent_store(service, create=False, migrate=False)
    try:
        version, latest = store.schema_version(), store.latest_schema_version()
        pending = f"{latest - version} migration(s) pending" if version < latest else "up to date"
        print(f"{_describe(service)}: schema {version} of {latest} ({pending})")
        if version == latest and is_simulation(store):
            print("  a simulation store: actions may be given a time (--now)")
        if version == latest:
            for kind in KINDS:
                print(f"  {kind}: {store.count(kind)}")
    finally:
        store.close()
    return 0


def _describe(service: GovService) -> str:
    config = service.config
    target = config.storage_settings.get("path") or config.storage_settings.get("dbname", "")
    return f"{config.storage_backend} {target}".strip()
