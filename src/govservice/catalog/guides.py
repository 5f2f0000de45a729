"""Service guides (服务指南) and business manuals (业务手册), rendered from the item.

The guide is what a citizen reads before coming: the conditions, the materials (a
conditional one with its condition; originals, copies or an original only shown for
checking; counts, blank forms), the process, the legal and promised limits, the fees with
their exemptions, the place and hours, whom to ask and where to complain. The manual is
what the clerk and the reviewer work from: each material's review points, the steps with
their responsible posts and limits.

Both are made from one context of plain dicts and Chinese strings (:func:`guide_context`:
each section of it one small function below), through Jinja2 templates
(:mod:`govservice.catalog.guide_templates`: the package's own under ``templates/``, any of
them replaced by a county's through the hook ``govservice_catalog_templates``), as HTML
(escaped by Jinja2's autoescape: one clean printable page) or Markdown (every value
escaped). What was not published reads ``未公布``, never as a default.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from govservice.catalog.guide_templates import FORMATS, GuideTemplates, default_templates
from govservice.model import Fee, Item, Material, TimeLimit
from govservice.model.common import FeeApplicability, TimeUnit
from govservice.model.item import Channel, ItemStatus, MaterialForm, Requirement

UNPUBLISHED = "未公布"
"""What a field that was not published reads (never a default in its place)."""

BOOK_TITLE = "政务服务事项服务指南"


# --- rendering -----------------------------------------------------------------------------


def render_guide(
    item: Item,
    *,
    format: str = "html",
    templates: GuideTemplates | None = None,
    services: Iterable[Any] = (),
) -> str:
    """The service guide of ``item``, as a whole page (``html``) or a ``markdown`` text;
    with ``services`` (the intermediary service list, or those of the item), the ones
    the item requires are shown with their requirement, condition and fee."""
    context = guide_context(item, services=services)
    return _templates(templates).render("guide", format, guide=context)


def render_manual(
    item: Item,
    *,
    format: str = "html",
    templates: GuideTemplates | None = None,
    services: Iterable[Any] = (),
) -> str:
    """The business manual of ``item`` (for staff), as ``html`` or ``markdown``."""
    context = guide_context(item, services=services)
    return _templates(templates).render("manual", format, guide=context)


def render_guide_book(
    items: Iterable[Item],
    *,
    format: str = "html",
    title: str = BOOK_TITLE,
    templates: GuideTemplates | None = None,
    services: Iterable[Any] = (),
) -> str:
    """One book of the guides of ``items``, with a table of contents by department
    (departments in the order they first appear, their items in the order given); each
    guide shows the intermediary services of ``services`` its item requires."""
    context = book_context(items, title, services=services)
    return _templates(templates).render("guide_book", format, **context)


def book_context(
    items: Iterable[Item], title: str, *, services: Iterable[Any] = ()
) -> dict[str, Any]:
    """What the guide book's template is given: the title, the departments (each with
    its items' anchors and names: the table of contents) and every item's guide."""
    guides = []
    departments: dict[str, list[dict[str, str]]] = {}
    listed = list(services)
    for number, item in enumerate(items, start=1):
        guide = guide_context(item, services=listed)
        guide["anchor"] = f"item-{number}"
        guides.append(guide)
        entry = {"anchor": guide["anchor"], "name": guide["name"], "code": guide["code"]}
        departments.setdefault(guide["department"], []).append(entry)
    return {
        "title": title,
        "count": len(guides),
        "contents": [
            {"department": name, "entries": found} for name, found in departments.items()
        ],
        "guides": guides,
    }


def _templates(templates: GuideTemplates | None) -> GuideTemplates:
    return default_templates() if templates is None else templates


# --- the context ---------------------------------------------------------------------------


def guide_context(item: Item, *, services: Iterable[Any] = ()) -> dict[str, Any]:
    """Everything a guide or a manual shows of ``item``: plain dicts, lists and Chinese
    strings (labels resolved, limits and fees in words), ``未公布`` for what was not
    published. The same context serves the guide, the manual and the book.

    ``services`` are intermediary services (:class:`~govservice.model.IntermediaryService`,
    the list's or a part of it): those serving ``item`` are its ``intermediary_services``.
    """
    linked = _intermediary_services(item, services)
    return {
        **_identity(item),
        "status": _status(item),
        "handling": _handling(item),
        "conditions": _texts(item.conditions),
        "legal_basis": _texts(item.legal_basis),
        "materials": _materials(item.materials),
        "steps": _steps(item),
        "limits": _limits(item),
        "fees": _fees(item.fees),
        "place": _place(item),
        "result": _result(item),
        "contacts": _contacts(item),
        "intermediaries": _intermediary_names(item, linked),
        "intermediary_services": linked,
        "intermediary_others": [
            name
            for name in item.intermediary_services
            if name not in {service["name"] for service in linked}
        ],
    }


def _intermediary_services(item: Item, services: Iterable[Any]) -> list[dict[str, Any]]:
    """The services of the intermediary service list that serve ``item`` (the link from
    the list to the item's guide), by code: name, code, requirement with its condition,
    the fee in the words of its regime, who pays and who collects, whether its time counts
    in the approval's limit."""
    from govservice.intermediaries.offers import fee_words

    found = [service for service in services if item.code in service.items]
    return [
        {
            "code": service.code,
            "name": service.name,
            "requirement": service.requirement.label,
            "condition": service.condition or "",
            "regime": service.fee.regime.label,
            "fee": fee_words(service.fee),
            "payer": service.payer,
            "collector": service.collector,
            "status": service.status.label,
            "counts_in_limit": ("计入审批时限" if service.counts_in_limit else "不计入审批时限"),
            "basis": service.basis,
        }
        for service in sorted(found, key=lambda s: s.code)
    ]


def _intermediary_names(item: Item, linked: list[dict[str, Any]]) -> list[str]:
    """The names of every intermediary service the item requires: those the item
    publishes, then those of the list not among them."""
    names = list(item.intermediary_services)
    return names + [s["name"] for s in linked if s["name"] not in names]


def _identity(item: Item) -> dict[str, Any]:
    """The item's name and code, its kind, type, level and departments."""
    levels = [item.level.label, *(level.label for level in item.exercised_levels)]
    return {
        "name": item.name,
        "code": item.code,
        "kind": item.item_kind.label,
        "parent_code": item.parent_code,
        "type": item.type_label or item.type.label,
        "level": "、".join(levels),
        "power_source": item.power_source.label if item.power_source else UNPUBLISHED,
        "department": item.department,
        "undertaking_office": item.undertaking_office or UNPUBLISHED,
        "co_departments": list(item.co_departments),
    }


def _status(item: Item) -> str | None:
    """None for an item taking cases as usual; else what a reader must know first."""
    if item.status is ItemStatus.IN_SERVICE:
        return None
    since = f"自{chinese_date(item.status_since)}起" if item.status_since else ""
    if item.status is ItemStatus.CANCELLED:
        return f"本事项已取消（停办），{since}不再受理申请。"
    if item.status is ItemStatus.SUSPENDED:
        return f"本事项{since}暂停办理。"
    return f"本事项{since}由省级下放承接办理。"


def _handling(item: Item) -> dict[str, Any]:
    """How a case is handled: its type (即办件 ...), channels and visits."""
    channels = item.channels
    return {
        "type": item.handling_type.label if item.handling_type else UNPUBLISHED,
        "immediate": item.is_immediate,
        "channels": (
            UNPUBLISHED
            if channels is None
            else "、".join(Channel(c).label for c in channels) or "无"
        ),
        "visits": UNPUBLISHED if item.visits is None else f"{item.visits}次",
    }


def _texts(texts: Sequence[str]) -> list[str] | str:
    """A published list, or ``未公布`` when none was published."""
    return list(texts) if texts else UNPUBLISHED


def _materials(materials: Sequence[Material] | None) -> list[dict[str, Any]] | str:
    """Each material as the guide lists it; ``未公布`` when the list was not published
    (an empty list: nothing to submit)."""
    if materials is None:
        return UNPUBLISHED
    return [_material(number, material) for number, material in enumerate(materials, 1)]


def _material(number: int, material: Material) -> dict[str, Any]:
    conditional = material.requirement is Requirement.CONDITIONAL
    return {
        "number": number,
        "name": material.name,
        "requirement": f"有条件提交：{material.condition}" if conditional else "必须提交",
        "conditional": conditional,
        "form": material.form.label,
        "submission": _submission(material),
        "blank_form": _blank_form(material),
        "issued_by": material.issued_by or UNPUBLISHED,
        "review_points": list(material.review_points),
    }


def _submission(material: Material) -> str:
    """Originals, copies, an original only checked: "原件核验，复印件1份", "份数未公布"."""
    parts = []
    if material.verify_only:
        parts.append("原件核验（现场查验后退还，不收取）")
    elif material.originals:
        parts.append(f"原件{material.originals}份")
    if material.copies:
        parts.append(f"复印件{material.copies}份")
    unknown = material.copies is None or (material.originals is None and not material.verify_only)
    if unknown:
        parts.append("份数未公布")
    if parts:
        return "，".join(parts)
    return "提交电子材料" if material.form is MaterialForm.ELECTRONIC else "无需纸质份数"


def _blank_form(material: Material) -> str:
    where = f"（下载：{material.blank_form}）" if material.blank_form else ""
    if material.blank_form_available is None:
        return f"提供空白表格{where}" if where else UNPUBLISHED
    return f"提供空白表格{where}" if material.blank_form_available else "无空白表格"


def _steps(item: Item) -> list[dict[str, str]]:
    """The handling steps (受理 → 审查 → 决定 → 送达) with posts and limits."""
    return [
        {
            "number": str(number),
            "name": step.name,
            "post": step.post or UNPUBLISHED,
            "limit": limit_words(step.limit) if step.limit else UNPUBLISHED,
            "description": step.description or "",
        }
        for number, step in enumerate(item.steps, 1)
    ]


def _limits(item: Item) -> dict[str, Any]:
    """The legal and promised limits in words, with stages, extension and variants."""
    promised = item.promised_limit
    return {
        "legal": f"法定时限{limit_words(item.legal_limit)}",
        "promised": (
            "即办件：当场办结" if item.is_immediate else f"承诺时限{limit_words(promised)}"
        ),
        "details": [
            *_limit_details("法定时限", item.legal_limit),
            *_limit_details("承诺时限", promised),
        ],
    }


def _limit_details(which: str, limit: TimeLimit) -> list[str]:
    """The sentences beside a limit: its stages, its extension, its variants by the kind
    of document applied for, and what does not count toward it."""
    found = []
    if limit.stages:
        stages = "，".join(f"{s.name}{_amount(s.amount, s.unit)}" for s in limit.stages)
        found.append(f"{which}分段：{stages}")
    if limit.extension:
        extension = limit.extension
        basis = f"（依据：{extension.legal_basis}）" if extension.legal_basis else ""
        found.append(f"{which}依法可延长{_amount(extension.amount, extension.unit)}{basis}")
    for variant in limit.variants:
        found.append(
            f"申请{variant.document_kind}的，{which}{_amount(variant.amount, variant.unit)}"
        )
    if limit.excluded:
        found.append(f"以下时间不计入{which}：{'、'.join(limit.excluded)}")
    return found


def limit_words(limit: TimeLimit) -> str:
    """A limit in words: ``20个工作日``, ``60个自然日``, ``2小时``, ``当场办结`` (0 days)."""
    return _amount(limit.amount, limit.unit)


_UNIT_WORDS = {
    TimeUnit.WORKING_DAYS: "个工作日",
    TimeUnit.CALENDAR_DAYS: "个自然日",
    TimeUnit.HOURS: "小时",
}


def _amount(amount: int, unit: TimeUnit) -> str:
    if amount == 0 and unit is not _HOURS:
        return "当场办结"
    return f"{amount}{_UNIT_WORDS[unit]}"


_HOURS = TimeUnit.HOURS


def _fees(fees: Sequence[Fee] | None) -> dict[str, Any]:
    """The fees in words: a headline (不收费, 收费, 未公布) and one entry per fee."""
    if fees is None:
        return {"summary": "收费情况未公布", "known": False, "entries": []}
    charged = any(not fee.waived and not fee.third_party for fee in fees)
    if charged:
        summary = "收费（标准见下表）"
    elif any(fee.third_party for fee in fees):
        summary = "不收费（下表所列第三方收费仅作公示，本中心不代收）"
    else:
        summary = "不收费"
    return {"summary": summary, "known": True, "entries": [_fee(fee) for fee in fees]}


def _fee(fee: Fee) -> dict[str, Any]:
    return {
        "name": fee.name,
        "amount": fee_amount(fee),
        "applicability": applicability_words(fee),
        "collector": collector_words(fee),
        "third_party": fee.third_party,
        "legal_basis": fee.legal_basis or UNPUBLISHED,
        "exemptions": list(fee.exemptions),
    }


def fee_amount(fee: Fee) -> str:
    """``免收``, ``每证10元``, ``150元``; ``未公布`` for an amount that was not."""
    if fee.waived:
        return "免收"
    if fee.amount is None:
        return UNPUBLISHED
    return f"{fee.per_unit or ''}{yuan(fee.amount)}"


def applicability_words(fee: Fee) -> str:
    """When the fee applies: ``一律收取``, ``符合条件时收取：…``, ``按情形选一（工本费：补领）``."""
    label = fee.applicability.label
    if fee.applicability is FeeApplicability.CONDITIONAL:
        return f"{label}：{fee.condition}"
    if fee.applicability is FeeApplicability.ALTERNATIVE:
        return f"{label}（{fee.group}：{fee.option}）"
    return label


def collector_words(fee: Fee) -> str:
    """Who collects the fee: the department, or a third party (disclosed, never charged
    by the centre)."""
    if fee.third_party:
        return f"由{fee.collected_by}收取（第三方收费，本中心不代收）"
    return "办理部门收取"


def yuan(amount: Decimal) -> str:
    """``150元``, ``12.50元``."""
    if amount == amount.to_integral_value():
        return f"{int(amount)}元"
    return f"{amount.quantize(Decimal('0.01'))}元"


def _place(item: Item) -> dict[str, str]:
    return {
        "place": item.place or UNPUBLISHED,
        "hours": item.office_hours or UNPUBLISHED,
    }


def _result(item: Item) -> dict[str, str]:
    if item.result is None:
        return {"name": UNPUBLISHED, "validity": UNPUBLISHED}
    return {"name": item.result.name, "validity": item.result.validity or UNPUBLISHED}


def _contacts(item: Item) -> dict[str, str]:
    return {
        "consult": item.contact_phone or UNPUBLISHED,
        "supervise": item.supervision_phone or UNPUBLISHED,
    }


def chinese_date(day: dt.date) -> str:
    """``2015年3月1日``."""
    return f"{day.year}年{day.month}月{day.day}日"


__all__ = [
    "BOOK_TITLE",
    "FORMATS",
    "UNPUBLISHED",
    "GuideTemplates",
    "book_context",
    "guide_context",
    "limit_words",
    "render_guide",
    "render_guide_book",
    "render_manual",
]
