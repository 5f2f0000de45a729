"""Fee disclosure (阳光收费): every fee of every item in service, and when each changed.

:func:`disclosed_fees` lists each published fee of the items taking cases, with its
item, department, amount (or 免收), applicability, collector (the department, or a third
party: disclosed, never charged by the centre) and legal basis; items whose fees were not
published are listed apart (:func:`undisclosed_items`), never as free. The list is
written as CSV (Chinese headers, for the public and a spreadsheet), JSON (the attribute
names, for machines) and one printable HTML page.

:func:`fee_history` walks the versions of a catalog (oldest first) and says when each
fee was published, changed (and which of its terms) or withdrawn (the fee removed, or its
item cancelled).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Protocol

import attrs

from govservice.catalog.guide_templates import GuideTemplates, default_templates
from govservice.catalog.guides import applicability_words, chinese_date, fee_amount
from govservice.model import Fee, Item
from govservice.model.common import LabelledEnum
from govservice.spreadsheet import cell

FEES_TITLE = "政务服务事项收费目录清单"


@attrs.frozen(kw_only=True)
class DisclosedFee:
    """One fee of one item, as the public list shows it."""

    item_code: str
    item_name: str
    department: str
    fee: str
    """The fee's name (收费项目)."""
    amount: Decimal | None
    """The amount in yuan; None when waived."""
    amount_text: str
    """``免收``, ``每证10元``, ``150元``."""
    waived: bool
    applicability: str
    """When it applies, in words: ``一律收取``, ``符合条件时收取：…``, ``按情形选一（…）``."""
    group: str | None
    option: str | None
    per_unit: str | None
    collector: str
    """``办理部门`` or the third party's name."""
    third_party: bool
    legal_basis: str | None
    exemptions: tuple[str, ...]

    @property
    def key(self) -> tuple[str, str, str | None]:
        """What identifies the fee across versions: item, fee name and option."""
        return (self.item_code, self.fee, self.option)


def disclosed_fees(items: Iterable[Item]) -> list[DisclosedFee]:
    """Every published fee of every item of ``items`` that takes cases, by department,
    item code and the order of the item's fees."""
    found = [
        _disclosed(item, fee)
        for item in items
        if item.accepts_cases and item.fees
        for fee in item.fees
    ]
    return sorted(found, key=lambda fee: (fee.department, fee.item_code))


def undisclosed_items(items: Iterable[Item]) -> list[Item]:
    """The items taking cases whose fees were not published (neither free nor charged)."""
    return [item for item in items if item.accepts_cases and item.fees is None]


def _disclosed(item: Item, fee: Fee) -> DisclosedFee:
    return DisclosedFee(
        item_code=item.code,
        item_name=item.name,
        department=item.department,
        fee=fee.name,
        amount=None if fee.waived else fee.amount,
        amount_text=fee_amount(fee),
        waived=fee.waived,
        applicability=applicability_words(fee),
        group=fee.group,
        option=fee.option,
        per_unit=fee.per_unit,
        collector=fee.collected_by if fee.third_party else "办理部门",
        third_party=fee.third_party,
        legal_basis=fee.legal_basis,
        exemptions=tuple(fee.exemptions),
    )


# --- the list's formats --------------------------------------------------------------------

CSV_COLUMNS = (
    ("事项编码", "item_code"),
    ("事项名称", "item_name"),
    ("实施部门", "department"),
    ("收费项目", "fee"),
    ("收费标准", "amount_text"),
    ("适用情形", "applicability"),
    ("收取方", "collector"),
    ("第三方收费", "third_party"),
    ("收费依据", "legal_basis"),
    ("减免政策", "exemptions"),
)


def to_csv(fees: Iterable[DisclosedFee]) -> str:
    """The list as CSV, one row a fee, Chinese headers (write it with a BOM,
    ``utf-8-sig``, for a spreadsheet to read it as UTF-8)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header for header, _ in CSV_COLUMNS)
    for fee in fees:
        writer.writerow(_csv_cell(getattr(fee, name)) for _, name in CSV_COLUMNS)
    return out.getvalue()


def _csv_cell(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, tuple):
        value = "；".join(value)  # a joined list is checked as any cell is
    return cell("" if value is None else str(value))


def to_json(fees: Iterable[DisclosedFee]) -> str:
    """The list as a JSON array of objects (amounts as strings of yuan, null when
    waived)."""
    return json.dumps([_plain(attrs.asdict(fee)) for fee in fees], ensure_ascii=False, indent=2)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, LabelledEnum):
        return value.value
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def to_html(
    fees: Iterable[DisclosedFee],
    *,
    title: str = FEES_TITLE,
    undisclosed: Iterable[Item] = (),
    history: Iterable[FeeHistoryEntry] = (),
    templates: GuideTemplates | None = None,
) -> str:
    """The list as one printable page (template ``fees.html.j2``), with the items whose
    fees were not published and, when given, the history of the fees."""
    templates = default_templates() if templates is None else templates
    return templates.render(
        "fees",
        "html",
        title=title,
        fees=[attrs.asdict(fee, recurse=False) for fee in fees],
        undisclosed=[
            {"code": i.code, "name": i.name, "department": i.department} for i in undisclosed
        ],
        history=[_history_row(entry) for entry in history],
    )


def _history_row(entry: FeeHistoryEntry) -> dict[str, Any]:
    return {
        "date": chinese_date(entry.effective),
        "version": entry.version,
        "event": entry.event.label,
        "item_name": entry.item_name,
        "fee": entry.fee if entry.option is None else f"{entry.fee}（{entry.option}）",
        "changes": "；".join(entry.changes),
        "amount": entry.amount_text or "",
    }


# --- history -------------------------------------------------------------------------------


class FeeEvent(LabelledEnum):
    """What happened to a fee from one catalog version to the next."""

    PUBLISHED = "published", "公布"
    CHANGED = "changed", "变更"
    WITHDRAWN = "withdrawn", "取消"


class VersionLike(Protocol):
    """What :func:`fee_history` reads of a catalog version (H3's ``CatalogVersion``)."""

    number: int
    effective: dt.date
    items: Mapping[str, Item]


@attrs.frozen(kw_only=True)
class FeeHistoryEntry:
    """One fee published, changed or withdrawn, by the version that did it."""

    effective: dt.date
    version: int
    event: FeeEvent
    item_code: str
    item_name: str
    fee: str
    option: str | None
    changes: tuple[str, ...] = ()
    """For a change: each term that changed, ``收费标准：20元→15元``."""
    amount_text: str | None = None
    """The amount after the event (before it, for a withdrawal)."""


_TERMS = (
    ("收费标准", "amount_text"),
    ("适用情形", "applicability"),
    ("收取方", "collector"),
    ("收费依据", "legal_basis"),
    ("减免政策", "exemptions"),
)
"""The terms of a fee whose change is a change of the fee, with their Chinese names."""


def fee_history(versions: Sequence[VersionLike]) -> list[FeeHistoryEntry]:
    """When each fee of the items in service was published, changed or withdrawn, over
    ``versions`` (in the order given: oldest first), in the order it happened. The fees
    of the first version are all published on its effective date."""
    entries: list[FeeHistoryEntry] = []
    before: dict[tuple, DisclosedFee] = {}
    for version in versions:
        now = {fee.key: fee for fee in disclosed_fees(version.items.values())}
        for key, fee in now.items():
            old = before.get(key)
            if old is None:
                entries.append(_entry(version, FeeEvent.PUBLISHED, fee))
            elif changes := _changes(old, fee):
                entries.append(_entry(version, FeeEvent.CHANGED, fee, changes))
        for key, old in before.items():
            if key not in now:
                why = _withdrawn(version.items.get(old.item_code))
                entries.append(_entry(version, FeeEvent.WITHDRAWN, old, (why,)))
        before = now
    return entries


def _entry(
    version: VersionLike, event: FeeEvent, fee: DisclosedFee, changes: tuple[str, ...] = ()
) -> FeeHistoryEntry:
    return FeeHistoryEntry(
        effective=version.effective,
        version=version.number,
        event=event,
        item_code=fee.item_code,
        item_name=fee.item_name,
        fee=fee.fee,
        option=fee.option,
        changes=changes,
        amount_text=fee.amount_text,
    )


def _withdrawn(item: Item | None) -> str:
    """Why a fee is no longer disclosed: its item left the catalog or stopped taking
    cases, its fees are no longer published, or the fee itself was removed."""
    if item is None:
        return "事项已移出目录"
    if not item.accepts_cases:
        return f"事项{item.status.label}"
    if item.fees is None:
        return "收费情况未公布"
    return "收费项目取消"


def _changes(old: DisclosedFee, new: DisclosedFee) -> tuple[str, ...]:
    found = []
    for term, name in _TERMS:
        was, now = getattr(old, name), getattr(new, name)
        if was != now:
            found.append(f"{term}：{_term_text(was)}→{_term_text(now)}")
    return tuple(found)


def _term_text(value: Any) -> str:
    if isinstance(value, tuple):
        return "；".join(value) or "无"
    return "未公布" if value is None else str(value)


HISTORY_COLUMNS = (
    ("生效日期", "effective"),
    ("目录版本", "version"),
    ("变动", "event"),
    ("事项编码", "item_code"),
    ("事项名称", "item_name"),
    ("收费项目", "fee"),
    ("情形", "option"),
    ("收费标准", "amount_text"),
    ("说明", "changes"),
)


def history_to_csv(history: Iterable[FeeHistoryEntry]) -> str:
    """The history as CSV, one row an event, Chinese headers and labels."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header for header, _ in HISTORY_COLUMNS)
    for entry in history:
        row = []
        for _, name in HISTORY_COLUMNS:
            value = getattr(entry, name)
            row.append(value.label if isinstance(value, FeeEvent) else _csv_cell(value))
        writer.writerow(row)
    return out.getvalue()


def history_to_json(history: Iterable[FeeHistoryEntry]) -> str:
    """The history as a JSON array (dates ISO 8601, events by value: ``published``,
    ``changed``, ``withdrawn``)."""
    return json.dumps(
        [_plain(attrs.asdict(entry, recurse=False)) for entry in history],
        ensure_ascii=False,
        indent=2,
    )
