"""Adjustments of a catalog (事项目录调整): dated decisions that add, cancel, take over,
retain, change or move items.

An :class:`Adjustment` is a document of its own: who decided it (``decided_by``), the
decision's number (文号), the day it takes effect, and its changes. The catalog applies it
as one whole (:meth:`govservice.catalog.Catalog.adjust`); each adjustment makes a new
version of the region's catalog.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs

from govservice.model import _checks
from govservice.model.common import LabelledEnum
from govservice.model.item import Item


class ChangeAction(LabelledEnum):
    """What one change of an adjustment does to an item of the catalog."""

    ADD = "add", "新增"
    CANCEL = "cancel", "取消(停办)"
    TAKE_OVER = "take_over", "承接下放"
    RETAIN = "retain", "保留"
    CHANGE = "change", "调整"
    MOVE = "move", "划转"


_WITH_ITEM = (ChangeAction.ADD, ChangeAction.TAKE_OVER)


def _item(instance: Change, attribute: attrs.Attribute, value: Item | None) -> None:
    if instance.action in _WITH_ITEM:
        if value is None:
            raise ValueError(f"Change.item: a change {instance.action.value} gives the item")
        if value.code != instance.item_code:
            raise ValueError(
                f"Change.item: the item's code {value.code} is not the change's "
                f"item_code {instance.item_code}"
            )
    elif value is not None:
        raise ValueError(f"Change.item: a change {instance.action.value} gives no item")


def _department(instance: Change, attribute: attrs.Attribute, value: str | None) -> None:
    _checks.optional_non_empty(instance, attribute, value)
    if (instance.action is ChangeAction.MOVE) != (value is not None):
        raise ValueError("Change.department: a move, and only a move, names the department")


def _fields(instance: Change, attribute: attrs.Attribute, value: Mapping | None) -> None:
    if (instance.action is ChangeAction.CHANGE) != bool(value):
        raise ValueError("Change.fields: a change of fields, and only it, names the fields")
    for name in value or ():
        if name in FIXED_FIELDS:
            raise ValueError(
                f"Change.fields: {name} is not changed by an adjustment's fields "
                "(the code is the item's identity; versions, status and department are the "
                "catalog's: cancel, take over or move the item instead)"
            )


FIXED_FIELDS = frozenset(
    {"code", "version", "status", "status_since", "department", "department_code", "region"}
)
"""Item fields a :attr:`ChangeAction.CHANGE` does not set."""


@attrs.frozen(kw_only=True)
class Change:
    """One change of an adjustment, to the item ``item_code``.

    - ``add`` and ``take_over`` give the ``item`` (a taken-over item keeps the province's
      code; the catalog records it as 省级下放承接 from the adjustment's date);
    - ``cancel`` stops the item from taking cases from the adjustment's date (停办);
    - ``retain`` confirms the item as it is (保留);
    - ``change`` sets the item's ``fields`` (a fee, a limit ...: field name → its JSON
      value, as in an item document);
    - ``move`` hands the item to another ``department``.
    """

    action: ChangeAction = attrs.field(converter=ChangeAction)
    item_code: str = attrs.field(
        validator=_checks.matches(_checks.ITEM_CODE, "11370500004275432Y-XK-0001")
    )
    item: Item | None = attrs.field(default=None, validator=_item)
    reason: str | None = attrs.field(default=None, validator=_checks.paragraph)
    department: str | None = attrs.field(default=None, validator=_department)
    fields: Mapping[str, Any] | None = attrs.field(default=None, validator=_fields)


@attrs.frozen(kw_only=True)
class Adjustment:
    """A dated adjustment of one region's catalog (事项目录调整决定)."""

    id: str = attrs.field(validator=_checks.matches(_checks.CODE, "dy-2015-01"))
    region: str = attrs.field(validator=_checks.region_code)
    effective: dt.date
    """The day the changes take effect (a cancelled item takes no case from it)."""
    decided_by: str = attrs.field(validator=_checks.non_empty)
    """Who decided it: 东营市人民政府, 东营市机构编制委员会办公室 ..."""
    decision_number: str | None = attrs.field(default=None, validator=_checks.optional_non_empty)
    """The decision's number (文号): 东政发〔2015〕5号."""
    title: str | None = attrs.field(default=None, validator=_checks.optional_non_empty)
    changes: tuple[Change, ...] = attrs.field(default=(), converter=_checks.as_tuple)
    """What it does, one change an item (the catalog refuses an item named twice)."""

    def count(self, action: ChangeAction) -> int:
        """How many changes of ``action`` the adjustment makes."""
        return sum(1 for change in self.changes if change.action is action)
