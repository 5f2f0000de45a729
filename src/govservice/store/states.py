"""Chained settings: states a store keeps as settings that the trail covers.

Some of what the centre decides from is neither a case nor a record of a kind, but a
state kept beside them: what was last imported of each partner city (the number and the
SHA-256 that the next delta must follow, which refuses a replayed file), the files we sent
our partners, the loads of each blacklist source. They are settings (one JSON text each),
and every write of one is also a link of the trail::

    {"seq": n, "case_id": "state/<name>", "state": {"name": <name>, "sha256": <SHA-256
     of the setting's text>}}

So a setting changed behind the library's back (one SQL ``UPDATE`` making an older file
of Dezhou's importable again) no longer matches its last link: reading it through
:meth:`govservice.store.base.Store.chained_setting` raises :class:`AlteredStateError`, and
``govservice audit verify`` reports the break. Which settings are chained is said by
their names (:data:`CHAINED_SETTINGS`); schema 11 chained those written before
(:func:`govservice.store.migrations.steps`). A link holds only the SHA-256: a setting
found altered is restored from a backup of the database, or, once it is looked into,
accepted as it stands with a reason (``govservice audit rechain NAME --reason``,
:func:`govservice.audit.rechain_setting`), a link of its own on the trail.
"""

from __future__ import annotations

import json
from typing import Any

from govservice.errors import AlteredStateError, StoreError
from govservice.store.ledger import LedgerEntry, record_digest

__all__ = [
    "CHAINED_SETTINGS",
    "STATE",
    "checked_setting",
    "is_chained_setting",
    "linked_digest",
    "rechained_link",
    "refuse_chained",
    "state_link",
    "state_problem",
    "state_subject",
]

STATE = "state"
"""The key of a link of a chained setting: ``{"name", "sha256"}`` (see the module)."""

CHAINED_SETTINGS: tuple[str, ...] = (
    "blacklists.exchange.received.",
    "blacklists.exchange.sent",
    "blacklists.source.",
)
"""The names of the settings the trail covers, or what they begin with: what was last
imported of each partner (its region appended), the files we exported, the loads of each
blacklist source (its name appended)."""

PREFIX = "state/"


def is_chained_setting(name: str) -> bool:
    """Whether the setting ``name`` is one the trail covers (:data:`CHAINED_SETTINGS`)."""
    return name.startswith(CHAINED_SETTINGS)


def refuse_chained(name: str) -> None:
    """What ``Store.set_setting`` says of a setting the trail covers: it is written only
    with its link (``Store.set_chained_setting``), never alone.

    :raises StoreError: ``name`` is one of :data:`CHAINED_SETTINGS`."""
    if is_chained_setting(name):
        raise StoreError(
            f"setting {name} is covered by the trail: it is written with its link "
            "(set_chained_setting), never alone"
        )


def state_subject(name: str) -> str:
    """What the trail names as the subject of the links of setting ``name`` (no case id
    holds a slash)."""
    return PREFIX + name


def state_link(name: str, value: str) -> dict[str, str]:
    """What the link of a write of setting ``name`` holds under :data:`STATE`."""
    return {"name": name, "sha256": record_digest(value)}


def rechained_link(name: str, value: str, reason: str, was: str | None) -> dict[str, Any]:
    """What the link of a setting chained again holds (``govservice audit rechain``): its
    SHA-256 now, why it is accepted as it stands, and the SHA-256 its last link held
    (``was``; None: it had no link)."""
    return {**state_link(name, value), "rechained": {"reason": reason, "was": was}}


def linked_digest(link: LedgerEntry) -> str | None:
    """The SHA-256 a link of a setting holds (None: it holds none that can be read; the
    chain's check reports the link itself)."""
    try:
        inside = json.loads(link.text)
    except ValueError:
        return None
    held = inside.get(STATE) if isinstance(inside, dict) else None
    digest = held.get("sha256") if isinstance(held, dict) else None
    return digest if isinstance(digest, str) else None


def state_problem(value: str | None, link: LedgerEntry | None) -> str | None:
    """What is wrong with a setting's text as stored (``value``, None: not set) against
    the last link of its subject (None: none), in a few words; None: nothing."""
    if link is None:
        return (
            None if value is None else "the setting is not on the trail: written without its link"
        )
    if value is None:
        return "the setting is gone after it was chained"
    if record_digest(value) != linked_digest(link):
        return "the setting was changed after it was chained"
    return None


def checked_setting(name: str, value: str | None, link: LedgerEntry | None) -> str | None:
    """``value``, the text of setting ``name`` as stored (None: not set), once it is
    the one its last link (``link``; None: it has none) chained.

    :raises AlteredStateError: it was set without a link, changed or deleted after its
        last link.
    """
    if state_problem(value, link) is None:
        return value
    if link is None:
        raise AlteredStateError(
            f"setting {name} is not on the trail: it was written behind govservice's back. "
            "Nothing that depends on it is done until it is looked into (govservice audit "
            "verify)"
        )
    if value is None:
        raise AlteredStateError(
            f"setting {name}, chained at event {link.seq} of the trail, is gone. Nothing "
            "that depends on it is done until it is looked into (govservice audit verify)"
        )
    raise AlteredStateError(
        f"setting {name} is not what event {link.seq} of the trail chained: it was changed "
        "behind govservice's back. Nothing that depends on it is done until it is "
        "looked into (govservice audit verify)"
    )
