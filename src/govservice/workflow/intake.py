"""What an application may carry: the applicant says who they are and what they apply for;
the centre decides the rest.

:func:`check_application` is asked by :meth:`~govservice.workflow.engine.Workflow.apply`
before anything is stored. It names every problem at once, in one
:class:`~govservice.errors.ApplicationRefusedError`:

- **Fields the centre sets** (:data:`CENTRE_SET`): the state and the trail, the tracking
  code, the deadlines, the decision; the fees (computed from the catalog and the county
  plugins; a clerk grants an exemption with a reason, :meth:`Workflow.exempt_fee`) and the
  clerk's choices of fee alternatives and confirmed fee conditions (at acceptance); the
  confirmation of an applicant category (:data:`CATEGORY_CONFIRMATION`: the applicant
  declares the category and its evidence, the clerk confirms it at acceptance); the
  green channel and the dedicated handler (only ``assign``, or the joint-review project).
  A :class:`~govservice.model.Case` carries one when it differs from a new application's
  default; an application *file* carries one when the key is present at all
  (:func:`application_from_document`).
- **The department** is the item's (it decides whose work queue and figures the case is in).
- **The station**, when named, is stored and serves the case's region.
- **The region** is the item's, or one the item is delegated to (``Item.delegated_to``:
  a higher level's item handed down, 下放, is published with the regions whose centres
  take its cases). The region decides whose rules and calendar apply.
- **The time of receipt** is the centre's clock: a ``received_at`` up to
  :data:`RECEIPT_GRACE` before the action is the moment of the action (the form was filled
  in a little earlier); never later than it. An earlier one is a paper application
  entered late (补录): only a window clerk enters it, with the reason, at most
  :data:`BACKDATE_LIMIT` after receipt; the apply event carries the warning
  ``RECEIPT-ENTERED-LATE`` saying both times.

The refused application is recorded on the trail by the workflow
(``store.record_refusal``), as every refusal is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from govservice.clock import SHANGHAI
from govservice.codec import from_document
from govservice.errors import ApplicationRefusedError
from govservice.model import Case, Item, RecordedFinding, Role
from govservice.model.regions import region_label

RECEIPT_GRACE = dt.timedelta(minutes=15)
"""How much earlier than the action an application's time of receipt may be and still be
taken as the action's own moment (the form filled in before it was handed over)."""

BACKDATE_LIMIT = dt.timedelta(days=30)
"""How long after its receipt a paper application may still be entered (补录)."""

RECEIPT_ENTERED_LATE = "RECEIPT-ENTERED-LATE"
"""The code of the warning on the apply event of a paper application entered late."""

CENTRE_SET: Mapping[str, str] = {
    "state": "the workflow",
    "events": "the workflow",
    "tracking_code": "the centre, on application",
    "accepted_at": "acceptance",
    "decided_at": "the decision",
    "completed_at": "completion",
    "promised_due": "acceptance",
    "legal_due": "acceptance",
    "clock_started_on": "acceptance",
    "deadline_provisional": "acceptance",
    "fees": "the catalog and the county plugins (a clerk's exemption: exempt_fee)",
    "green_channel": "assign, or the joint-review project",
    "handler": "assign, or the joint-review project",
    "full_agency": "assign, or the joint-review project",
    "centre_agent": "assign",
    "decision": "the decision",
    "refusal_reason": "a refusal (不予受理)",
    "supplements": "a supplement notice",
    "suspensions": "a special procedure",
    "evaluation": "the evaluation of a completed case",
    "rectification": "a bad evaluation",
    "fee_choices": "the window clerk at acceptance (accept --fee-choice)",
    "confirmed_fee_conditions": "the window clerk at acceptance (accept --fee-condition)",
}
"""The fields of a case only the centre sets, and what sets each."""

CATEGORY_CONFIRMATION = ("confirmed_by", "confirmed_at")
"""The fields of an applicant category (``Case.applicant_categories``) the window clerk
sets at acceptance (accept --confirm-categories): the applicant declares a category with
its evidence, never its confirmation. Refused as ``applicant_categories.confirmed_by``
and ``applicant_categories.confirmed_at``."""

_CONFIRMATION_FIELDS = tuple(f"applicant_categories.{name}" for name in CATEGORY_CONFIRMATION)

FIELD_LABELS: Mapping[str, str] = {
    "state": "办件状态",
    "events": "办理过程",
    "tracking_code": "查询码",
    "accepted_at": "受理时间",
    "decided_at": "决定时间",
    "completed_at": "办结时间",
    "promised_due": "承诺办结日期",
    "legal_due": "法定办结日期",
    "clock_started_on": "计时起始日",
    "deadline_provisional": "临时期限",
    "fees": "收费",
    "green_channel": "绿色通道",
    "handler": "专人负责",
    "full_agency": "全程代办",
    "centre_agent": "中心代办员",
    "decision": "决定",
    "refusal_reason": "不予受理理由",
    "supplements": "补正告知",
    "suspensions": "特别程序",
    "evaluation": "评价",
    "rectification": "整改",
    "mandates": "委托书",
    "fee_choices": "收费情形选择",
    "confirmed_fee_conditions": "已确认的收费条件",
    "applicant_categories.confirmed_by": "申请人类别确认人",
    "applicant_categories.confirmed_at": "申请人类别确认时间",
}
"""What a clerk calls each field an application may not carry (:data:`CENTRE_SET`, and
an agent's own mandates)."""


def _defaults() -> dict[str, Any]:
    found = {}
    for field in attrs.fields(Case):
        if field.name not in CENTRE_SET:
            continue
        default = field.default
        if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            default = default.factory()
        found[field.name] = default
    return found


_DEFAULTS = _defaults()
"""The centre-set fields the model has (a field not in the model is never carried), with
the values of a new application."""


def centre_set_fields(case: Case) -> tuple[str, ...]:
    """The centre-set fields ``case`` carries: those that differ from a new application's."""
    found = []
    for name, default in _DEFAULTS.items():  # a plain loop: asked of every application
        if getattr(case, name) != default:
            found.append(name)
    for category in case.applicant_categories:
        if category.confirmed_by is not None or category.confirmed_at is not None:
            found.extend(name for name in _CONFIRMATION_FIELDS if name not in found)
    return tuple(found)


def application_from_document(
    document: Mapping[str, Any], *, where: str, window: Any = None
) -> tuple[Case, tuple]:
    """An application file's record as a case, and the centre-set keys it carries (each
    present key, whatever its value; ``window``: the years dates may fall in, the
    configuration's). The case is made without them, so that what the
    applicant may give is checked on its own; ``apply(case, actor, carried=keys)`` refuses
    the keys, and records the refusal.

    :raises InvalidRecordError: what remains is not a valid case record.
    """
    carried = [key for key in document if key in CENTRE_SET]
    rest = {key: value for key, value in document.items() if key not in CENTRE_SET}
    categories = rest.get("applicant_categories")
    if isinstance(categories, list):
        declared = []
        for category in categories:
            if isinstance(category, Mapping):
                for name, key in zip(CATEGORY_CONFIRMATION, _CONFIRMATION_FIELDS, strict=True):
                    if name in category and key not in carried:
                        carried.append(key)
                category = {k: v for k, v in category.items() if k not in CATEGORY_CONFIRMATION}
            declared.append(category)
        rest["applicant_categories"] = declared
    return from_document(Case, rest, where=where, window=window), tuple(carried)


@attrs.frozen
class Receipt:
    """The time of receipt the centre takes, and the warning of a late entry (if any)."""

    received_at: dt.datetime
    warnings: tuple[RecordedFinding, ...] = ()


def check_application(
    case: Case,
    item: Item,
    actor: Any,
    *,
    at: dt.datetime,
    station: Any | None,
    station_known: bool,
    receipt_reason: str | None = None,
    carried: Iterable[str] = (),
) -> Receipt:
    """Check what the application ``case`` (of ``item``) carries, entered by ``actor`` at
    ``at``; ``station`` is the stored station the case names (``station_known`` False when
    it names one that is not stored). ``carried`` adds the centre-set keys of an
    application file.

    :returns: the time of receipt the centre takes, and the warnings to record.
    :raises ApplicationRefusedError: naming every problem at once.
    """
    carried = tuple(carried)
    fields = centre_set_fields(case)
    if carried:
        fields = tuple(dict.fromkeys((*carried, *fields)))
    problems: list[tuple[str, str]] = []  # (English, Chinese)
    if fields:
        problems.append(
            (
                "an application may not carry what the centre sets: " + ", ".join(fields),
                "申请不能填报由中心确定的内容：" + "、".join(_field_labels(fields)),
            )
        )
    if case.department != item.department:
        problems.append(
            (
                f"department {case.department} is not the item's ({item.department})",
                f"部门“{case.department}”不是事项的实施部门（{item.department}）",
            )
        )
    if case.region != item.region and case.region not in item.delegated_to:
        delegated = f" or one it is delegated to ({', '.join(item.delegated_to)})"
        delegated_cn = f"，也不是事项下放的区划{'、'.join(map(region_label, item.delegated_to))}"
        problems.append(
            (
                f"region {case.region} is not the item's ({item.region})"
                + (delegated if item.delegated_to else ""),
                f"区划{region_label(case.region)}不是事项的区划{region_label(item.region)}"
                + (delegated_cn if item.delegated_to else ""),
            )
        )
    if case.station_code is not None:
        if not station_known:
            problems.append(
                (
                    f"station {case.station_code} is not stored",
                    f"站点 {case.station_code} 未登记",
                )
            )
        elif station.region != case.region:
            problems.append(
                (
                    f"station {case.station_code} serves region {station.region}, "
                    f"not {case.region}",
                    f"站点{station.name}服务{region_label(station.region)}，"
                    f"不是{region_label(case.region)}",
                )
            )
    receipt, problem = _receipt(case.received_at, at, actor, receipt_reason)
    if problem:
        problems.append(problem)
    if case.mandates and actor.role is Role.AGENT:
        # An agent's word that it may act is no mandate: the applicant gives it, or a window
        # clerk enters it having seen the signed 委托书.
        fields = (*fields, "mandates")
        problems.append(
            (
                "an agent does not bring its own mandate (委托书): the applicant applies with "
                "it, or a window clerk enters the application having seen it",
                "代理人不能自带委托书：由申请人持委托书申请，或由窗口工作人员核验委托书后录入",
            )
        )
    if problems:
        raise ApplicationRefusedError(
            "; ".join(text for text, _ in problems) + "; nothing was stored",
            fields=fields,
            where=f"case {case.id}",
            notice=f"办件 {case.id} 的申请不予接收："
            + "；".join(notice for _, notice in problems)
            + "；未作任何登记",
        )
    return receipt


def _field_labels(fields: Iterable[str]) -> list[str]:
    """The fields as a clerk calls them, each with its key in the file beside it for the
    integrator who wrote it (收费（fees）; a county's own as named)."""
    return [
        f"{FIELD_LABELS[field]}（{field}）" if field in FIELD_LABELS else field for field in fields
    ]


def _receipt(
    received: dt.datetime, at: dt.datetime, actor: Any, reason: str | None
) -> tuple[Receipt, tuple[str, str] | None]:
    """The time of receipt the centre takes, and the problem with the one given (English,
    Chinese), if any."""
    if received > at:
        return Receipt(at), (
            f"the time of receipt ({_shown(received)}) is after the centre's clock ({_shown(at)})",
            f"收件时间（{_shown(received)}）晚于中心时钟（{_shown(at)}）",
        )
    if at - received <= RECEIPT_GRACE:
        return Receipt(at), None
    if at - received > BACKDATE_LIMIT:
        return Receipt(at), (
            f"the time of receipt ({_shown(received)}) is more than {BACKDATE_LIMIT.days} "
            f"days before the centre's clock ({_shown(at)}); a paper application is entered "
            "within that",
            f"收件时间（{_shown(received)}）早于中心时钟（{_shown(at)}）超过"
            f"{BACKDATE_LIMIT.days}天；纸质申请须在此期限内补录",
        )
    needs, needs_cn = [], []
    if actor.role is not Role.WINDOW_CLERK:
        needs.append(f"by a window clerk (not {actor.role.value})")
        needs_cn.append(f"由窗口工作人员录入（不是{actor.role.label}）")
    if reason is None or not reason.strip():
        needs.append("with the reason (receipt_reason, --receipt-reason)")
        needs_cn.append("说明补录理由（--receipt-reason）")
    if needs:
        return Receipt(at), (
            f"the time of receipt ({_shown(received)}) is earlier than the centre's clock "
            f"({_shown(at)}): a paper application entered late is entered " + " and ".join(needs),
            f"收件时间（{_shown(received)}）早于中心时钟（{_shown(at)}）：补录纸质申请须"
            + "并".join(needs_cn),
        )
    warning = RecordedFinding(
        code=RECEIPT_ENTERED_LATE,
        message=f"补录纸质申请：收件时间 {_shown(received)}，录入时间 {_shown(at)}，"
        f"录入人 {actor.name}；理由：{reason}",
    )
    return Receipt(received, (warning,)), None


def _shown(moment: dt.datetime) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
