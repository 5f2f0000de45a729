"""What a case is charged (实收费用) of the fees an item publishes (收费标准).

:func:`charge` is pure: the plugins' answers (county exemptions, conditions a plugin
confirms) are gathered by :meth:`govservice.GovService.fee_charging` and passed in. What
applies to the case:

- a fee of a third party (``Fee.collected_by``: a hospital, an intermediary) is disclosed
  to the applicant but never charged by the centre, and does not make a free item charged;
- an ``always`` fee is charged;
- a ``conditional`` fee is charged only when its condition is confirmed: by the clerk at
  acceptance (``Case.confirmed_fee_conditions``, by the fee's name) or by a plugin
  (``govservice_fee_conditions``);
- of the fees of one ``group`` of alternatives, one is charged: the one whose ``option``
  the clerk chose (``Case.fee_choices[group]``), else the one that is the case's
  ``document_kind``. None selected: nothing of the group, and a finding
  (:data:`ALTERNATIVE_UNSELECTED`); never the sum of the alternatives;
- a waived fee is charged at 0 (免收), whatever its amount, and needs none;
- county exemptions (``govservice_fee_adjustments``) lower what is charged: of several of
  one fee, the lowest amount wins;
- an item whose fees were not published (``Item.fees is None``) is charged nothing, with a
  finding (:data:`FEES_UNKNOWN`): unknown is never taken for free in silence.

Every charged fee keeps its legal basis and, for an alternative, its option. The findings
are warnings: the workflow records them on the apply and accept events.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

import attrs

from govservice.model import Case, ChargedFee, Fee, FeeApplicability, Item
from govservice.rules import FeeAdjustment, Finding, Severity

FEES_UNKNOWN = "FEES-UNKNOWN"
"""The code of the finding on a case of an item whose fees were not published."""

ALTERNATIVE_UNSELECTED = "FEE-ALTERNATIVE-UNSELECTED"
"""The code of the finding on a case that selects no option of a group of fee alternatives
(or one the group does not have)."""

WAIVED = "免收"
"""The exemption recorded with a fee the catalog lists as waived."""


@attrs.frozen
class Charging:
    """What a case is charged, what the centre does not charge but tells the applicant of
    (third parties' fees), and the findings of the computation (warnings)."""

    fees: tuple[ChargedFee, ...]
    findings: tuple[Finding, ...] = ()
    third_party: tuple[Fee, ...] = ()
    """Fees of the item collected by a third party that apply to the case: the applicant
    pays them there, not at the centre."""


def charge(
    item: Item,
    case: Case,
    *,
    adjustments: Iterable[FeeAdjustment] = (),
    confirmed: Iterable[str] = (),
) -> Charging:
    """The fees ``case`` is charged of ``item``'s published fees.

    :param adjustments: the county exemptions for the case (lowest amount of a fee wins).
    :param confirmed: names of conditional fees a plugin confirms for the case, beside
        those the clerk confirmed (``case.confirmed_fee_conditions``).
    """
    if item.fees is None:
        message = (
            f"事项{item.code}（{item.name}）未公布收费信息：本件未收取任何费用，"
            "收费标准须经核实公布后方可收取"
        )
        return Charging(fees=(), findings=(_finding(FEES_UNKNOWN, message),))
    lowest = _lowest(adjustments)
    conditions = {*case.confirmed_fee_conditions, *confirmed}
    applying, findings = _applying(item, case, conditions)
    charged = []
    third_party = []
    for fee in applying:
        if fee.third_party:
            third_party.append(fee)
        else:
            charged.append(_charged(fee, lowest.get(fee.name)))
    return Charging(fees=tuple(charged), findings=tuple(findings), third_party=tuple(third_party))


def _applying(item: Item, case: Case, conditions: set[str]) -> tuple[list[Fee], list[Finding]]:
    """The item's fees that apply to the case, in the item's order, and the findings."""
    applying: list[Fee] = []
    findings: list[Finding] = []
    groups: dict[str, list[Fee]] = {}
    for fee in item.fees or ():
        if fee.applicability is FeeApplicability.ALTERNATIVE:
            groups.setdefault(fee.group, []).append(fee)  # type: ignore[arg-type]
    chosen: dict[str, Fee | None] = {}
    for group, alternatives in groups.items():
        chosen[group], finding = _alternative(item, case, group, alternatives)
        if finding is not None:
            findings.append(finding)
    for fee in item.fees or ():
        if fee.applicability is FeeApplicability.ALWAYS:
            applying.append(fee)
        elif fee.applicability is FeeApplicability.CONDITIONAL:
            if fee.name in conditions:
                applying.append(fee)
        elif chosen[fee.group] is fee:  # type: ignore[index]
            applying.append(fee)
    return applying, findings


def _alternative(
    item: Item, case: Case, group: str, alternatives: list[Fee]
) -> tuple[Fee | None, Finding | None]:
    """The fee of ``group`` the case selects, and the finding when it selects none."""
    choice = case.fee_choices.get(group)
    selected = choice if choice is not None else case.document_kind
    for fee in alternatives:
        if fee.option == selected:
            return fee, None
    if all(fee.third_party for fee in alternatives):
        return None, None  # not the centre's to charge: the applicant pays the third party
    options = "、".join(dict.fromkeys(str(fee.option) for fee in alternatives))
    if choice is not None:
        why = f"所选情形“{choice}”不在其中"
    elif case.document_kind is not None:
        why = f"申请类型“{case.document_kind}”不是其中之一"
    else:
        why = "未选择适用情形"
    message = (
        f"事项{item.code}的收费“{group}”按情形选一（{options}）：{why}，本组未收取费用；"
        "请在受理时选择适用情形"
    )
    return None, _finding(ALTERNATIVE_UNSELECTED, message)


def _charged(fee: Fee, adjustment: FeeAdjustment | None) -> ChargedFee:
    """The charge of one applying fee of the centre's, after a county exemption."""
    if not fee.waived and adjustment is not None and adjustment.amount < fee.amount:  # type: ignore[operator]
        return _charge_of(fee, adjustment.amount, adjustment.reason)
    return _unadjusted(fee)


def _charge_of(fee: Fee, amount: Decimal, exemption: str | None) -> ChargedFee:
    return ChargedFee(
        name=fee.name,
        amount=amount,
        exemption=exemption,
        legal_basis=fee.legal_basis,
        option=fee.option,
    )


_UNADJUSTED: dict[int, tuple[Fee, ChargedFee]] = {}
"""The charge of a fee no exemption lowers, by the fee object: ``id(fee) -> (fee, charge)``.
It depends on the (frozen) fee alone, and every case of an item is charged its fees
twice (at application and at acceptance): the charge, as frozen, is made once."""


def _unadjusted(fee: Fee) -> ChargedFee:
    """The charge of ``fee`` as published (at 0 when the catalog waives it)."""
    known = _UNADJUSTED.get(id(fee))
    if known is not None and known[0] is fee:
        return known[1]
    if fee.waived:
        charged = _charge_of(fee, Decimal("0"), WAIVED)
    else:
        charged = _charge_of(fee, fee.amount, None)  # type: ignore[arg-type]
    if len(_UNADJUSTED) >= 1024:
        _UNADJUSTED.clear()
    _UNADJUSTED[id(fee)] = (fee, charged)
    return charged


def _lowest(adjustments: Iterable[FeeAdjustment]) -> dict[str, FeeAdjustment]:
    """Of several adjustments of one fee, the lowest amount (the most favourable policy)."""
    lowest: dict[str, FeeAdjustment] = {}
    for adjustment in adjustments:
        current = lowest.get(adjustment.fee)
        if current is None or adjustment.amount < current.amount:
            lowest[adjustment.fee] = adjustment
    return lowest


def _finding(code: str, message: str) -> Finding:
    return Finding(code=code, message=message, severity=Severity.WARN)
