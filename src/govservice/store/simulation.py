"""Simulation stores: the only stores that take actions at a time the caller gives.

A centre's real store keeps the server's clock: an action happens when it is recorded,
and a time given for it (``at=`` in Python, ``--now`` on the command line) is refused
(:class:`~govservice.errors.ClockClaimError`). The demo, the tests, the benchmarks and a
training centre replay days long gone; they run on a store created as a simulation, which
says so in its settings (``govservice_settings``, schema 3) from the day it was made::

    store = SqliteStore("training.db")
    make_simulation(store)            # or: govservice db init --simulation

A store becomes a simulation only while it holds no history: a store with a case, or a
link of the trail, never does (a real history cannot be back-dated by declaring it a
simulation). The catalog and the stations may be loaded first.
"""

from __future__ import annotations

from typing import Any

from govservice.errors import StoreError

SIMULATION = "simulation"
"""The name of the setting; its value is ``"true"`` on a simulation store."""


def is_simulation(store: Any) -> bool:
    """Whether ``store`` was created as a simulation."""
    return store.setting(SIMULATION) == "true"


def make_simulation(store: Any) -> None:
    """Mark ``store``, which holds no case and no trail yet, as a simulation (nothing
    happens if it is one).

    :raises StoreError: the store holds cases or links of the trail already.
    """
    if is_simulation(store):
        return
    with store.transaction():
        cases, links = store.count("case"), store.ledger_head()[0]
        if cases or links:
            raise StoreError(
                f"only a store without a history is made a simulation; this one holds "
                f"{cases} case(s) and {links} link(s) of the trail. Create a new database "
                "for the demo or the training (govservice db init --simulation)"
            )
        store.set_setting(SIMULATION, "true")
