"""Fee disclosure (阳光收费): every fee of every item in service, and when each changed.

:func:`disclosed_fees` lists each published fee of the items taking cases, with its
item, department, amount (or 免收), applicability, collector (the department, or a third
party: disclosed, never charged by the centre) and legal basis; items whose fees were not
published are listed apart (:func:`undisclosed_items`), never as free. The list is
written as CSV (Chinese headers, for the public and a spreadsheet), JSON (the attribute
names, for machines) and one printable HTML page.

The fees of intermediary services are disclosed too (:func:`disclosed_service_fees`):
each service of the list with its fee regime in words (an amount, a range, 市场调节价，
双方协商, the price document cited, 政府承担, 按各中介机构收费标准) and every agency's offer
of it; the page shows them in a section of their own, the CSV and JSON as rows of the
list (:func:`as_disclosed_fees`: third parties' fees, collected by the agency).

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
from govservice.intermediaries.offers import fee_words, offer_words
from govservice.model import Fee, IntermediaryStatus, Item, ListStatus
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
    intermediaries: Iterable[DisclosedServiceFee] = (),
    templates: GuideTemplates | None = None,
) -> str:
    """The list as one printable page (template ``fees.html.j2``), with the items whose
    fees were not published, the fees of the intermediary services with the agencies'
    offers (:func:`disclosed_service_fees`) and, when given, the history of the fees."""
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
        intermediaries=[attrs.asdict(row) for row in intermediaries],
    )


# --- the intermediary services' fees (中介服务收费) ---------------------------------------------


@attrs.frozen(kw_only=True)
class DisclosedOffer:
    """One agency's published fee for a listed service."""

    credit_code: str
    agency: str
    presence: str
    """``有形进驻`` or ``虚拟进驻``."""
    fee_text: str
    """The offer in words (:func:`~govservice.intermediaries.offers.offer_words`):
    ``2000元``, ``1500元至3000元``, ``市场调节价，双方协商``."""
    fee_from: Decimal | None
    fee_to: Decimal | None
    fee_basis: str | None
    suspended: bool
    """Suspended on the day (暂停): shown, but not selected until reinstated."""


@attrs.frozen(kw_only=True)
class DisclosedServiceFee:
    """One service of the intermediary service list, as the fee disclosure shows it:
    its regime in words and every agency's offer of it."""

    service_code: str
    service_name: str
    department: str
    items: tuple[str, ...]
    """The approval items it serves, by name (by code when the catalog has no name)."""
    requirement: str
    """``必须委托中介机构``, ``申请人自主选择``, ``申请人可自行完成``."""
    condition: str | None
    """When it is required (适用条件)."""
    regime: str
    """The regime's value: ``fixed``, ``range``, ``negotiated``, ``price_document``,
    ``government``, ``tariff``."""
    regime_label: str
    """``固定收费``, ``区间收费``, ``市场调节价，双方协商`` …"""
    amount: Decimal | None
    amount_to: Decimal | None
    fee_text: str
    """The fee in words: ``3000元``, ``1500元至6000元``, ``市场调节价，双方协商``,
    ``按鲁价费发〔2012〕53号规定收费``, ``政府承担（纳入审批程序），申请人不付费``,
    ``按各中介机构收费标准`` (then see the offers)."""
    document: str | None
    """The price document cited (按文件收费), not copied."""
    note: str | None
    basis: str
    """Its setting basis (设立依据)."""
    payer: str
    collector: str
    status: str
    """Its status in the list on the day: ``保留``, ``纳入审批程序``, ``清理调整``."""
    counts_in_limit: bool
    offers: tuple[DisclosedOffer, ...]


def disclosed_service_fees(
    services: Iterable[Any],
    agencies: Iterable[Any],
    on: dt.date,
    *,
    item_names: Mapping[str, str] | None = None,
) -> list[DisclosedServiceFee]:
    """The fees of the services listed ``on`` the day (not cancelled), by department and
    code, each with the offers of the agencies not withdrawn that day (by credit code).

    :param services: :class:`~govservice.model.IntermediaryService` records.
    :param agencies: :class:`~govservice.model.Intermediary` records.
    :param item_names: item code → name, for the items each service serves.
    """
    names = item_names or {}
    offered: dict[str, list[tuple[Any, Any, bool]]] = {}
    for agency in sorted(agencies, key=lambda a: a.credit_code):
        status = agency.status_on(on)
        if status is IntermediaryStatus.WITHDRAWN:
            continue
        for offer in agency.services:
            if offer.service_code is not None:
                suspended = status is IntermediaryStatus.SUSPENDED
                offered.setdefault(offer.service_code, []).append((agency, offer, suspended))
    rows = []
    for listed in services:
        status = listed.status_on(on)
        if status is None or status is ListStatus.CANCELLED:
            continue
        fee = listed.fee
        rows.append(
            DisclosedServiceFee(
                service_code=listed.code,
                service_name=listed.name,
                department=listed.department,
                items=tuple(names.get(code, code) for code in listed.items),
                requirement=listed.requirement.label,
                condition=listed.condition,
                regime=fee.regime.value,
                regime_label=fee.regime.label,
                amount=fee.amount,
                amount_to=fee.amount_to,
                fee_text=fee_words(fee),
                document=fee.document,
                note=fee.note,
                basis=listed.basis,
                payer=listed.payer,
                collector=listed.collector,
                status=status.label,
                counts_in_limit=listed.counts_in_limit,
                offers=tuple(
                    DisclosedOffer(
                        credit_code=agency.credit_code,
                        agency=agency.name,
                        presence=agency.presence.label,
                        fee_text=offer_words(offer, fee),
                        fee_from=offer.fee_from,
                        fee_to=offer.fee_to,
                        fee_basis=offer.fee_basis,
                        suspended=suspended,
                    )
                    for agency, offer, suspended in offered.get(listed.code, ())
                ),
            )
        )
    return sorted(rows, key=lambda row: (row.department, row.service_code))


def as_disclosed_fees(rows: Iterable[DisclosedServiceFee]) -> list[DisclosedFee]:
    """The intermediary services' fees as rows of the fee list (for its CSV and JSON):
    one row a service (收费项目 ``中介服务费``, its regime in words, collected by its
    collector, a third party's fee), then one row an agency's offer (收费项目
    ``中介服务费（机构名）``, collected by the agency)."""
    found = []
    for row in rows:
        basis = row.document
        note = f"（{row.note}）" if row.note else ""
        common = {
            "item_code": row.service_code,
            "item_name": f"{row.service_name}（中介服务）",
            "department": row.department,
            "waived": False,
            "applicability": (
                f"{row.requirement}：{row.condition}" if row.condition else row.requirement
            ),
            "group": None,
            "option": None,
            "per_unit": None,
            "third_party": True,
            "exemptions": (),
        }
        fixed = row.regime == "fixed"
        found.append(
            DisclosedFee(
                fee="中介服务费",
                amount=row.amount if fixed else None,
                amount_text=(
                    f"{row.regime_label}：{row.fee_text}{note}"
                    if row.regime in ("fixed", "range")
                    else f"{row.fee_text}{note}"
                ),
                collector=row.collector,
                legal_basis=basis,
                **common,
            )
        )
        for offer in row.offers:
            single = offer.fee_from is not None and offer.fee_to in (None, offer.fee_from)
            found.append(
                DisclosedFee(
                    fee=f"中介服务费（{offer.agency}）",
                    amount=offer.fee_from if single else None,
                    amount_text=offer.fee_text,
                    collector=offer.agency,
                    legal_basis=offer.fee_basis or basis,
                    **common,
                )
            )
    return found


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
