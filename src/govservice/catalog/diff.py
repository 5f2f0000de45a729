"""What changed between two versions of a catalog: items added, cancelled, taken over
(承接下放), moved to another department and changed, with the changes of each field.

:func:`diff` compares the items' documents (the codec's JSON form), so a field-level
change names the field as integrators and the schemas name it. Items held by both
versions in service (changed or not) are the *retained* ones: for the Dongying year,
355 retained + 21 taken over − 18 cancelled.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from typing import Any

import attrs

from govservice.codec import to_document
from govservice.model import Item, ItemStatus
from govservice.model.catalog import ChangeAction

_IGNORED = frozenset({"version"})
"""Fields a new version always changes: not a change of the item."""


@attrs.frozen
class FieldChange:
    """One field of an item that differs: its name (the JSON key), before and after
    (JSON values; None: not published in that version)."""

    field: str
    old: Any
    new: Any


@attrs.frozen
class ItemChange:
    """How one item differs between two versions of the catalog."""

    code: str
    name: str
    kind: ChangeAction
    """``add``, ``cancel``, ``take_over``, ``move`` or ``change``."""
    old: Item | None = attrs.field(repr=False)
    new: Item | None = attrs.field(repr=False)
    fields: tuple[FieldChange, ...] = ()
    """The fields that differ (status aside for a cancellation or a take-over)."""


@attrs.frozen
class CatalogDiff:
    """The changes from one version of a region's catalog to another, by code."""

    region: str
    old_number: int
    new_number: int
    changes: tuple[ItemChange, ...]
    retained: tuple[str, ...]
    """Codes of the items in service in both versions (changed or moved ones included)."""

    def of_kind(self, kind: ChangeAction) -> list[ItemChange]:
        return [change for change in self.changes if change.kind is kind]

    @property
    def added(self) -> list[ItemChange]:
        return self.of_kind(ChangeAction.ADD)

    @property
    def cancelled(self) -> list[ItemChange]:
        return self.of_kind(ChangeAction.CANCEL)

    @property
    def taken_over(self) -> list[ItemChange]:
        return self.of_kind(ChangeAction.TAKE_OVER)

    @property
    def moved(self) -> list[ItemChange]:
        return self.of_kind(ChangeAction.MOVE)

    @property
    def changed(self) -> list[ItemChange]:
        return self.of_kind(ChangeAction.CHANGE)

    def summary(self) -> dict[str, int]:
        """How many items of each kind: what a report prints."""
        return {
            "retained": len(self.retained),
            "added": len(self.added),
            "taken_over": len(self.taken_over),
            "cancelled": len(self.cancelled),
            "moved": len(self.moved),
            "changed": len(self.changed),
        }

    def sentence(self) -> str:
        """The changes in a line a director reads: 保留355项，承接省级下放21项，取消18项."""
        parts = [f"保留{len(self.retained)}项"]
        for count, label in (
            (len(self.added), "新增"),
            (len(self.taken_over), "承接省级下放"),
            (len(self.cancelled), "取消"),
            (len(self.moved), "划转"),
            (len(self.changed), "调整"),
        ):
            if count:
                parts.append(f"{label}{count}项")
        return "，".join(parts)


def diff(old: Any, new: Any) -> CatalogDiff:
    """The changes from catalog version ``old`` to ``new`` (of one region, any two
    versions, in either order)."""
    changes: list[ItemChange] = []
    retained: list[str] = []
    for code in sorted(old.items.keys() | new.items.keys()):
        before, after = old.items.get(code), new.items.get(code)
        change = _change(code, before, after)
        if change is not None:
            changes.append(change)
        if _serving(before) and _serving(after):
            retained.append(code)
    return CatalogDiff(old.region, old.number, new.number, tuple(changes), tuple(retained))


def _serving(item: Item | None) -> bool:
    return item is not None and item.accepts_cases


def _change(code: str, before: Item | None, after: Item | None) -> ItemChange | None:
    if before is not None and after is not None and before == after:
        return None
    if not _serving(after):
        if not _serving(before):
            return None  # absent or cancelled in both (a cancelled item is not changed)
        item = before
        fields = field_changes(before, after) if after is not None else ()
        return ItemChange(code, item.name, ChangeAction.CANCEL, before, after, fields)
    assert after is not None
    if not _serving(before):
        kind = ChangeAction.TAKE_OVER if after.status is ItemStatus.DELEGATED else ChangeAction.ADD
        fields = field_changes(before, after) if before is not None else ()
        return ItemChange(code, after.name, kind, before, after, fields)
    assert before is not None
    fields = field_changes(before, after)
    if not fields:
        return None
    moved = any(change.field == "department" for change in fields)
    kind = ChangeAction.MOVE if moved else ChangeAction.CHANGE
    return ItemChange(code, after.name, kind, before, after, fields)


def field_changes(before: Item, after: Item) -> tuple[FieldChange, ...]:
    """The fields of two versions of an item that differ, by name (the version aside).
    A field a document leaves out (at its default) is shown at its value: the status
    ``in_service``, ``[]`` for none; None only where nothing is published."""
    old, new = _document(before), _document(after)
    names = sorted(name for name in old.keys() | new.keys() if name not in _IGNORED)
    return tuple(
        FieldChange(name, _value(old, before, name), _value(new, after, name))
        for name in names
        if old.get(name) != new.get(name)
    )


def _document(item: Item) -> Mapping[str, Any]:
    return to_document(item)


def _value(document: Mapping[str, Any], item: Item, name: str) -> Any:
    if name in document:
        return document[name]
    return _plain(getattr(item, name))


def _plain(value: Any) -> Any:
    """A default value as its document would write it."""
    if value is None or isinstance(value, bool | int | str):
        return value.value if isinstance(value, enum.Enum) else value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [_plain(each) for each in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if attrs.has(type(value)):
        return to_document(value)
    return str(value)
