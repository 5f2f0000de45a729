"""The publishing rules of our own catalog: what an item must state, and how its limits read.

Someone else's data may leave a field unpublished (unknown, None): validating it accepts
that, and ``catalog check`` lists it. Our own catalog publishes no item whose materials or
fees are unknown (:func:`publishable_problems`): an applicant must know what to bring and
what to pay. A promise that, with the extension it allows, could run past the legal limit
on some calendar is not an error, since it may well never do so, but a finding
(:func:`limit_findings`); one that certainly exceeds it is refused by the model itself.
"""

from __future__ import annotations

from govservice.model import Item, TimeLimit, TimeUnit
from govservice.rules import Finding, Severity

REQUIRED_FIELDS = {"materials": "申请材料", "fees": "收费标准"}
"""The fields our own catalog never publishes unknown, with their names in a guide."""

NOT_PUBLISHABLE = "catalog-not-publishable"
LIMIT_MAY_EXCEED = "catalog-limit-may-exceed"
"""A promise (with its extension) that could end after the legal limit."""
STEPS_MAY_EXCEED = "catalog-steps-may-exceed"
"""Step limits that could together run past the promise."""


def _named(item: Item) -> str:
    return f"事项 {item.code}（{item.name}）"


def publishable_problems(item: Item) -> list[str]:
    """Why our own catalog cannot publish ``item``: one message per unknown field that
    must be published (materials, fees), naming the item and the field; empty when it
    may be published."""
    return [
        f"item {item.code} ({item.name}) does not publish its {field} ({label}: unknown); "
        f"our own catalog publishes an item only when it states them ([] for none)"
        for field, label in REQUIRED_FIELDS.items()
        if getattr(item, field) is None
    ]


def _amount(amount: int, unit: TimeUnit) -> str:
    """``20个工作日``, ``60个自然日``, ``24小时``."""
    return f"{amount}{'' if unit is TimeUnit.HOURS else '个'}{unit.label}"


def _shown(limit: TimeLimit) -> str:
    return _amount(limit.amount, limit.unit)


def _with_extension(limit: TimeLimit) -> str:
    if limit.extension is None or not limit.extension.amount:
        return f"承诺时限{_shown(limit)}"
    extension = limit.extension
    return (
        f"承诺时限{_shown(limit)}加可延长的{_amount(extension.amount, extension.unit)}"
        f"（共{_shown(limit.longest)}）"
    )


def limit_findings(item: Item) -> list[Finding]:
    """Findings on the limits of ``item``, each a warning naming the item:

    - the promise, with its extension, could exceed the legal limit, for the item or for
      one kind of document (:meth:`~govservice.model.TimeLimit.could_exceed`: across
      units, on some calendar or at some moment of acceptance);
    - the steps' limits could together run past the promise (steps in other units than
      the promise, or one step that could outlast it).
    """
    findings: list[Finding] = []
    legal_limit, promised_limit = item.legal_limit, item.promised_limit
    for kind in dict.fromkeys(
        (None, *legal_limit.document_kinds(), *promised_limit.document_kinds())
    ):
        legal, promised = legal_limit.for_document(kind), promised_limit.for_document(kind)
        if promised.longest.could_exceed(legal):
            which = "" if kind is None else f"（{kind}）"
            findings.append(
                Finding(
                    code=LIMIT_MAY_EXCEED,
                    message=f"{_named(item)}{which}的{_with_extension(promised)}可能超过"
                    f"法定时限{_shown(legal)}",
                    severity=Severity.WARN,
                )
            )
    findings.extend(_step_findings(item))
    return findings


def _step_findings(item: Item) -> list[Finding]:
    promised = item.promised_limit
    limits = [(step, step.limit) for step in item.steps if step.limit is not None]
    same_unit = [limit for _, limit in limits if limit.unit is promised.unit]
    if limits and len(same_unit) == len(limits):
        return []  # in the promise's unit: the model checked they add up within it
    late = [step.name for step, limit in limits if limit.could_exceed(promised)]
    if late:
        message = f"环节时限（{'、'.join(late)}）可能超过承诺时限{_shown(promised)}"
    elif len(limits) > 1:
        names = "、".join(step.name for step, _ in limits)
        message = (
            f"环节时限（{names}）以不同单位计算，无法确认合计不超过承诺时限{_shown(promised)}"
        )
    else:
        return []
    return [
        Finding(
            code=STEPS_MAY_EXCEED, message=f"{_named(item)}的{message}", severity=Severity.WARN
        )
    ]
