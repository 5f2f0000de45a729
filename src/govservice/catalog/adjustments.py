"""Applying an adjustment (调整) to a catalog version: every change checked first, then all
made together, or none.

:func:`apply_adjustment` is pure: it takes the version in force and the adjustment and
returns the items of the next version (new item versions for what is cancelled, taken
over, changed or moved; the given item for what is added); the
:class:`~govservice.catalog.Catalog` stores them in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from govservice.catalog.publishing import publishable_problems
from govservice.codec import from_document, to_document
from govservice.errors import AdjustmentDateError, AdjustmentRefusedError, InvalidRecordError
from govservice.model import Item, ItemStatus
from govservice.model.catalog import Adjustment, Change, ChangeAction

try:  # the source of power (法定本级行使, 上级下放 ...), recorded apart from the status
    from govservice.model.item import PowerSource
except ImportError:  # pragma: no cover - an item model without it
    PowerSource = None  # type: ignore[assignment,misc]


@attrs.frozen
class Applied:
    """What an adjustment makes of the catalog: every item of the next version, by code,
    and the item versions it makes anew (to be stored before the version)."""

    items: Mapping[str, Item]
    new_items: tuple[Item, ...]


def apply_adjustment(
    current: Any, adjustment: Adjustment, latest_versions: Mapping[str, int]
) -> Applied:
    """The next version's items once ``adjustment`` is applied to ``current`` (the
    region's last :class:`~govservice.catalog.CatalogVersion`). ``latest_versions`` gives,
    for the codes the adjustment names, the latest item version stored anywhere (a new
    version of an item is numbered after it).

    :raises AdjustmentDateError: the adjustment is dated before ``current`` took effect.
    :raises AdjustmentRefusedError: any change cannot be made (all are listed).
    """
    where = f"adjustment {adjustment.id}"
    if adjustment.effective < current.effective:
        raise AdjustmentDateError(
            f"dated {adjustment.effective}, before version {current.number} of the catalog "
            f"of {current.region}, which took effect on {current.effective}: adjustments "
            "follow each other in time",
            where=where,
        )
    problems: list[str] = []
    items = dict(current.items)
    new_items: list[Item] = []
    seen: set[str] = set()
    for change in adjustment.changes:
        if change.item_code in seen:
            problems.append(f"item {change.item_code} is named twice; one change an item")
            continue
        seen.add(change.item_code)
        try:
            made = _applied(change, items.get(change.item_code), adjustment, latest_versions)
        except _Refused as refused:
            problems.append(str(refused))
            continue
        if made is not None:
            problems += publishable_problems(made)  # our own catalog: nothing unknown
            items[made.code] = made
            new_items.append(made)
    if problems:
        raise AdjustmentRefusedError(
            f"{len(problems)} change(s) cannot be made, so nothing is applied: "
            + "; ".join(problems),
            problems=tuple(problems),
            where=where,
        )
    return Applied(dict(sorted(items.items())), tuple(new_items))


_DONE = {
    ChangeAction.CANCEL: "cancelled",
    ChangeAction.RETAIN: "retained",
    ChangeAction.CHANGE: "changed",
    ChangeAction.MOVE: "moved",
}


class _Refused(Exception):
    """One change cannot be made (its message says why)."""


def _applied(
    change: Change, item: Item | None, adjustment: Adjustment, latest: Mapping[str, int]
) -> Item | None:
    """The item version ``change`` makes (None: the item stays as it is)."""
    code, action = change.item_code, change.action
    region = adjustment.region
    next_version = max(latest.get(code, 0), item.version if item is not None else 0) + 1
    if action in (ChangeAction.ADD, ChangeAction.TAKE_OVER):
        if item is not None:
            if action is ChangeAction.TAKE_OVER and item.status is ItemStatus.DELEGATED:
                since = f" on {item.status_since}" if item.status_since else ""
                raise _Refused(f"item {code} ({item.name}) was taken over already{since}")
            raise _Refused(
                f"item {code} ({item.name}) is in the catalog of {region} already "
                f"({item.status.value}); {action.value} is for an item it does not hold"
            )
        given = change.item
        assert given is not None  # the model requires it
        if given.region != region:
            raise _Refused(
                f"item {code} ({given.name}) is of region {given.region}, not {region}: give "
                "it as this catalog publishes it"
            )
        version = given.version if given.version > latest.get(code, 0) else next_version
        if action is ChangeAction.ADD:
            return attrs.evolve(
                given, version=version, status=ItemStatus.IN_SERVICE, status_since=None
            )
        taken = {"status": ItemStatus.DELEGATED, "status_since": adjustment.effective}
        if PowerSource is not None:
            taken |= {
                "power_source": PowerSource.DELEGATED_DOWN,
                "power_source_since": adjustment.effective,
            }
        return attrs.evolve(given, version=version, **taken)
    if item is None:
        raise _Refused(
            f"item {code} is not in the catalog of {region}; it cannot be {_DONE[action]}"
        )
    if not item.accepts_cases:
        since = f" since {item.status_since}" if item.status_since else ""
        raise _Refused(
            f"item {code} ({item.name}) is {item.status.value} ({item.status.label}){since}; "
            f"it cannot be {_DONE[action]}"
        )
    if action is ChangeAction.RETAIN:
        return None
    if action is ChangeAction.CANCEL:
        return attrs.evolve(
            item,
            version=next_version,
            status=ItemStatus.CANCELLED,
            status_since=adjustment.effective,
        )
    if action is ChangeAction.MOVE:
        if change.department == item.department:
            raise _Refused(f"item {code} ({item.name}) is {change.department}'s already")
        return attrs.evolve(
            item, version=next_version, department=change.department, department_code=None
        )
    return _changed(item, change.fields or {}, next_version)


def _changed(item: Item, fields: Mapping[str, Any], version: int) -> Item:
    """``item`` with ``fields`` set (a value of None: the field is removed, not published),
    as a new version; checked as any item document is."""
    document = to_document(item)
    for name, value in fields.items():
        if value is None:
            document.pop(name, None)
        else:
            document[name] = value
    if document == to_document(item):
        raise _Refused(f"the change of item {item.code} ({item.name}) changes nothing")
    document["version"] = version
    try:
        return from_document(Item, document)
    except InvalidRecordError as error:
        raise _Refused(
            f"item {item.code} ({item.name}) would not be a valid item: {error.message}"
        ) from None
