"""The records of the intermediary supermarket on the trail: every write a link.

The kinds of :data:`govservice.kinds.CHAINED_KINDS` (agencies, the service list, needs,
selections, engagements, the agencies' quarters) are chained like a case: every
``store.add``, ``store.update`` and bulk import of such a record chains one link of the
trail (:mod:`govservice.store.ledger`) in the same transaction, ``{"seq": n, "case_id":
"<kind>/<key>", "change": {...}, "record": sha256}``:

- ``case_id`` is the record's subject, :func:`subject` (no case id holds a slash);
- ``change`` (:data:`CHANGE`) is what the write did: what the caller passed as ``change=``
  (a suspension: ``{"action": "suspended", "from": ..., "until": ..., "figures": {...}}``),
  or ``{"action": "added"}``, ``{"action": "updated"}``, ``{"action": "imported"}``;
- ``record`` is the SHA-256 of the canonical JSON of the document as stored after the
  write (:func:`govservice.store.ledger.record_digest`), so a document, or a column of its
  row, changed in the database without a write is found by ``govservice audit verify``
  (:mod:`govservice.audit`), as is a record deleted, or one stored without a link.

:func:`changes` reads the links of one record back, oldest first.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from govservice.kinds import CHAINED_KINDS

__all__ = ["CHAINED_KINDS", "CHANGE", "Change", "change_link", "changes", "subject"]

CHANGE = "change"
"""The key of a link of a chained record: what the write did (see the module's docstring)."""

ADDED = {"action": "added"}
UPDATED = {"action": "updated"}
IMPORTED = {"action": "imported"}


def subject(kind: str, key: Any) -> str:
    """What the trail names as the subject of the record of ``kind`` whose key is ``key``:
    ``"selection/XQ-2015-0001-1"``, ``"agency-quarter/9137…-2015-Q3"``."""
    return f"{kind}/{key}"


def subject_kind(case_id: str) -> tuple[str, str] | None:
    """The kind and key of a link's subject, when it names a record of a chained kind."""
    kind, slash, key = case_id.partition("/")
    return (kind, key) if slash and kind in CHAINED_KINDS else None


def change_link(change: Mapping[str, Any] | None, default: Mapping[str, Any]) -> dict[str, Any]:
    """What a link holds under :data:`CHANGE`: ``change`` as plain JSON values (dates as
    ISO 8601 text, amounts as text, enums as their values, model instances as their
    documents), or ``default``.

    :raises TypeError: ``change`` is not a mapping with text keys, or holds a value that
        has no JSON form.
    """
    if change is None:
        return dict(default)
    if not isinstance(change, Mapping) or not all(isinstance(k, str) for k in change):
        raise TypeError(f"change= is a dict with text keys, not {change!r}")
    plain = _plain(change)
    if not plain.get("action"):
        plain = {"action": default["action"], **plain}
    return plain


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        raise TypeError("a change holds no float: give an amount or a score as a Decimal")
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return _plain(value.value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if attrs.has(type(value)):
        from govservice.codec import to_document

        return to_document(value)
    raise TypeError(f"a change holds {type(value).__name__}, which has no JSON form")


@attrs.frozen
class Change:
    """One link of a chained record, read back: its place in the trail, what the write did,
    and the SHA-256 of the document it stored."""

    seq: int
    change: dict[str, Any]
    record: str | None

    @property
    def action(self) -> str | None:
        return self.change.get("action")


def changes(store: Any, kind: str, key: Any) -> list[Change]:
    """The links of the record of ``kind`` and ``key`` in the trail, oldest first."""
    found = []
    for entry in store.case_ledger(subject(kind, key)):
        inside = json.loads(entry.text)
        if CHANGE in inside:
            found.append(Change(entry.seq, inside[CHANGE], inside.get("record")))
    return found
