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

The setting alone would be one SQL row away from a back-dated real store, so
:func:`make_simulation` also chains the store's first link, marking it a simulation
(:data:`govservice.store.ledger.SIMULATED`): :func:`is_simulation` takes a store for a
simulation only when both say so, and ``govservice audit verify`` reports a store whose
setting and first link disagree as broken.
"""

from __future__ import annotations

import contextlib
import json
import weakref
from typing import Any

from govservice.errors import StoreError
from govservice.store.ledger import SIMULATED

SIMULATION = "simulation"
"""The name of the setting; its value is ``"true"`` on a simulation store."""


_MARKED: weakref.WeakSet = weakref.WeakSet()
"""The store objects whose first link was found to mark a simulation (read once each)."""


def is_simulation(store: Any) -> bool:
    """Whether ``store`` was created as a simulation: its setting says so and its chain
    begins with the link :func:`make_simulation` chained (read once a store object)."""
    if store.setting(SIMULATION) != "true":
        return False
    with contextlib.suppress(TypeError):  # a store without weak references: read each time
        if store in _MARKED:
            return True
    if not begins_as_simulation(store):
        return False
    with contextlib.suppress(TypeError):
        _MARKED.add(store)
    return True


def begins_as_simulation(store: Any) -> bool:
    """Whether the chain of ``store`` begins with the link marking it a simulation."""
    first = store.ledger(0, 1)
    if not first or first[0].seq != 1:
        return False
    try:
        inside = json.loads(first[0].text)
    except ValueError:
        return False
    return isinstance(inside, dict) and SIMULATED in inside


def make_simulation(store: Any) -> None:
    """Mark ``store``, which holds no case and no trail yet, as a simulation (nothing
    happens if it is one): its setting, and its first link.

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
        store.mark_simulation()
