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


# --- screening against the blacklists (黑名单筛查) ----------------------------------------

OVERRIDE_ACTION = "override_screening"
"""The action (keeping the state) by which a supervisor lets a screening hit pass."""
OVERRIDDEN = "screening_overridden"
"""The key of ``Case.attributes`` listing the entries a supervisor let pass (ids, spaces
between)."""


def overridden_entries(case: Case) -> frozenset[str]:
    """The ids of the blacklist entries a supervisor let pass on ``case``."""
    return frozenset(case.attributes.get(OVERRIDDEN, "").split())


def screening_check(service: Any, case: Case, item: Item, on: dt.date, store: Any = None) -> tuple:
    """Screen the applicant of ``case`` against the blacklists in force on ``on`` (those
    of ``store``, else the service's) when its item requires it
    (``Item.requires_screening``); nothing is asked otherwise.

    :return: the warnings of the acceptance event
        (:class:`~govservice.model.RecordedFinding`): one per hit a supervisor let pass
        (:func:`override_screening`), naming the entry, its source and who let it pass.
    :raises ScreeningBlockedError: the applicant matches an entry no supervisor let pass;
        the message names each entry and its source.
    """
    if not item.requires_screening:
        return ()
    from govservice.errors import ScreeningBlockedError
    from govservice.model import RecordedFinding

    screening = service.blacklists.screening
    if store is not None:
        screening = screening.on_store(store)
    result = screening.screen(case.applicant, day=on)
    if not result.matches:
        return ()
    passed = overridden_entries(case)
    blocking = tuple(m for m in result.matches if m.entry.id not in passed)
    if blocking:
        english = "; ".join(
            f"{m.entry.id} ({m.entry.source.kind.value} {m.entry.source.region}, "
            f"{', '.join(f.name for f in m.features)}, score {m.score:g})"
            for m in blocking
        )
        raise ScreeningBlockedError(
            f"the applicant {case.applicant.name} is on a blacklist in force on {on}: "
            f"{english}; item {item.code} requires screening: not accepted unless a "
            "supervisor overrides the hit with a reason (blacklist override)",
            where=f"case {case.id}",
            notice="申请人被列入黑名单，不予受理："
            + "；".join(m.reason() for m in blocking)
            + "。如确非同一主体，可由监察人员说明理由后放行。",
            matches=blocking,
        )
    who = _overrides_said(case)
    return tuple(
        RecordedFinding(code="GS641", message=f"黑名单筛查命中，已放行{who}：{m.reason()}")
        for m in result.matches
    )


def _overrides_said(case: Case) -> str:
    """Who let the hits pass, and why, as the last override event of the case says."""
    for event in reversed(case.events):
        if event.action == OVERRIDE_ACTION and event.refusal is None:
            return f"（{event.actor}，{event.at:%Y-%m-%d %H:%M}，理由：{event.note}）"
    return ""


def override_screening(
    service: Any, case: Case, reason: str, on: dt.date, store: Any = None
) -> dict[str, Any]:
    """The changes of ``case`` when a supervisor lets its screening hits on ``on`` pass,
    stating ``reason`` (the entry is not the applicant, say): the entries are kept in
    ``Case.attributes`` (:data:`OVERRIDDEN`) and named, with their sources, in the
    warnings of the event (its note is the reason), so the trail holds who, when, why and
    what.

    :raises ScreeningOverrideError: no reason; the case is not awaiting acceptance; its
        applicant matches no entry in force.
    """
    from govservice.errors import ScreeningOverrideError
    from govservice.model import CaseState, RecordedFinding

    if not reason or not reason.strip():
        raise ScreeningOverrideError(
            "an override of a screening hit states its reason", where=f"case {case.id}"
        )
    if case.state is not CaseState.SUBMITTED:
        raise ScreeningOverrideError(
            f"case {case.id} is {case.state.value} ({case.state.label}), not awaiting "
            "acceptance: only a submitted case's screening hit is overridden",
            where=f"case {case.id}",
        )
    screening = service.blacklists.screening
    if store is not None:
        screening = screening.on_store(store)
    result = screening.screen(case.applicant, day=on)
    if not result.matches:
        raise ScreeningOverrideError(
            f"the applicant {case.applicant.name} of case {case.id} matches no blacklist "
            f"entry in force on {on}: there is nothing to override",
            where=f"case {case.id}",
        )
    ids = sorted(overridden_entries(case) | {m.entry.id for m in result.matches})
    return {
        "attributes": {**case.attributes, OVERRIDDEN: " ".join(ids)},
        "deadline_warnings": tuple(
            RecordedFinding(code="GS641", message=f"放行：{m.reason()}") for m in result.matches
        ),
    }
