"""What the window clerk settles at acceptance (受理) that the fees depend on.

:func:`fee_settlement` checks the clerk's word against the item and the case, and gives
the changes of the case: the choice among the item's fee alternatives
(``Case.fee_choices``), the conditional fees whose condition the clerk confirms
(``Case.confirmed_fee_conditions``) and the applicant categories confirmed, with who and
when (``ApplicantCategory.confirmed_by`` / ``confirmed_at``). The workflow then computes
the fees again (:meth:`~govservice.workflow.engine.Workflow.accept`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from govservice.errors import WorkflowError
from govservice.model import ApplicantCategoryKind, Case, FeeApplicability, Item


def fee_settlement(
    case: Case,
    item: Item,
    choices: Mapping[str, str],
    conditions: Iterable[str],
    categories: bool | Iterable[ApplicantCategoryKind | str],
    actor: Any,
    at: dt.datetime,
) -> dict[str, Any]:
    """The changes of ``case`` for what ``actor`` settles at acceptance at ``at``.

    :param choices: fee group -> the option the clerk chooses.
    :param conditions: names of conditional fees whose condition the clerk confirms.
    :param categories: True confirms every category the applicant declared; otherwise
        the kinds confirmed (each declared on the case).
    :raises WorkflowError: naming a group, option, fee or category the item or the case
        does not have, with those it has.
    """
    changes: dict[str, Any] = {}
    fees = item.fees or ()
    if choices:
        groups: dict[str, list[str]] = {}
        for fee in fees:
            if fee.applicability is FeeApplicability.ALTERNATIVE:
                groups.setdefault(str(fee.group), []).append(str(fee.option))
        for group, option in choices.items():
            if group not in groups:
                known = "、".join(groups) or "none"
                raise WorkflowError(
                    f"item {item.code} has no fee alternatives {group!r}; its groups: {known}",
                    where=f"case {case.id}",
                )
            if option not in groups[group]:
                raise WorkflowError(
                    f"the fee alternatives {group!r} of item {item.code} have no option "
                    f"{option!r}; its options: {'、'.join(groups[group])}",
                    where=f"case {case.id}",
                )
        changes["fee_choices"] = {**case.fee_choices, **choices}
    conditions = tuple(conditions)
    if conditions:
        conditional = [f.name for f in fees if f.applicability is FeeApplicability.CONDITIONAL]
        for name in conditions:
            if name not in conditional:
                known = "、".join(conditional) or "none"
                raise WorkflowError(
                    f"item {item.code} has no conditional fee {name!r}; its conditional "
                    f"fees: {known}",
                    where=f"case {case.id}",
                )
        changes["confirmed_fee_conditions"] = tuple(
            dict.fromkeys((*case.confirmed_fee_conditions, *conditions))
        )
    confirmed = _confirmed_categories(case, categories, actor, at)
    if confirmed is not None:
        changes["applicant_categories"] = confirmed
    return changes


def _confirmed_categories(
    case: Case,
    categories: bool | Iterable[ApplicantCategoryKind | str],
    actor: Any,
    at: dt.datetime,
) -> tuple | None:
    """The case's categories with those confirmed now; None when none is confirmed now."""
    if categories is False:
        return None
    declared = case.applicant_categories
    if categories is True:
        if not declared:
            raise WorkflowError(
                f"case {case.id} declares no applicant category to confirm",
                where=f"case {case.id}",
            )
        wanted = {category.category for category in declared}
    else:
        wanted = set()
        for value in categories:  # type: ignore[union-attr]
            try:
                wanted.add(ApplicantCategoryKind(value))
            except ValueError:
                known = ", ".join(kind.value for kind in ApplicantCategoryKind)
                raise WorkflowError(
                    f"{value!r} is no applicant category; known: {known}"
                ) from None
        if not wanted:
            return None
        missing = wanted - {category.category for category in declared}
        if missing:
            have = ", ".join(c.category.value for c in declared) or "none"
            raise WorkflowError(
                f"case {case.id} declares no applicant category "
                f"{', '.join(sorted(kind.value for kind in missing))}; it declares: {have}",
                where=f"case {case.id}",
            )
    return tuple(
        attrs.evolve(category, confirmed_by=actor.name, confirmed_at=at)
        if category.category in wanted and not category.confirmed
        else category
        for category in declared
    )


def settlement_note(
    choices: Mapping[str, str],
    conditions: Iterable[str],
    categories: bool | Iterable[ApplicantCategoryKind | str],
) -> str | None:
    """The note of the acceptance event saying what the clerk settled (for the trail), or
    None when nothing was."""
    parts = []
    if choices:
        parts.append("收费情形：" + "；".join(f"{g}={o}" for g, o in choices.items()))
    conditions = tuple(conditions)
    if conditions:
        parts.append("确认收费条件：" + "、".join(conditions))
    if categories is True:
        parts.append("确认申请人类别：全部申报类别")
    elif categories is not False:
        kinds = []
        for value in categories:  # type: ignore[union-attr]
            try:
                kinds.append(ApplicantCategoryKind(value).label)
            except ValueError:
                kinds.append(str(value))  # refused by fee_settlement, with the known ones
        if kinds:
            parts.append("确认申请人类别：" + "、".join(kinds))
    return "；".join(parts) or None
