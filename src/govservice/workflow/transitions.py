"""The state machine of a case: one table of (state, action, next state, who may do it).

This table is the whole of it: :class:`~govservice.workflow.engine.Workflow` looks every
action up here, and ``docs/workflow.md`` prints it (a test keeps the two the same).
``None`` as the next state means the action says where the case goes: a decision grants
or denies, a supplement and a resumption return the case to where it was.

Every action has a label, what a clerk calls it (申请, 受理, 一次性告知补正 ...): the case
sheet's history and the refusals say the label, never the action's English name
(:func:`action_label`, :func:`event_label`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from govservice.errors import TransitionError
from govservice.model import CaseState, Role
from govservice.rules import Action

S = CaseState
R = Role


@attrs.frozen
class Transition:
    """One row of the table."""

    state: CaseState | None
    """The state the case is in (None: a new application)."""
    action: Action
    next: CaseState | tuple[CaseState, ...]
    """The next state, or the states the action may lead to."""
    roles: frozenset[Role]
    label: str
    """What a clerk calls the action."""
    condition: str | None = None
    """A condition beyond the state, checked by the workflow."""


def _row(state, action, next, roles, label, condition=None) -> Transition:
    return Transition(state, action, next, frozenset(roles), label, condition)


_CLERK = (R.WINDOW_CLERK,)
_APPLICANT = (R.APPLICANT, R.AGENT)
_OPEN_BEFORE_DECISION = (S.SUBMITTED, S.AWAITING_SUPPLEMENT, S.ACCEPTED, S.IN_REVIEW, S.SUSPENDED)

TRANSITIONS: tuple[Transition, ...] = (
    _row(None, Action.APPLY, S.SUBMITTED, (*_APPLICANT, R.WINDOW_CLERK), "申请"),
    _row(S.SUBMITTED, Action.ACCEPT, S.ACCEPTED, _CLERK, "受理"),
    _row(S.SUBMITTED, Action.REFUSE, S.NOT_ACCEPTED, _CLERK, "不予受理"),
    _row(S.SUBMITTED, Action.REQUEST_SUPPLEMENT, S.AWAITING_SUPPLEMENT, _CLERK, "一次性告知补正"),
    _row(
        S.AWAITING_SUPPLEMENT,
        Action.SUPPLEMENT,
        (S.SUBMITTED, S.IN_REVIEW, S.AWAITING_SUPPLEMENT),
        (*_APPLICANT, R.WINDOW_CLERK),
        "补正材料",
        "only materials the notice names; once all have arrived, back to the state the "
        "notice was given in (in review, the clock restarts); until then it waits",
    ),
    _row(
        S.AWAITING_SUPPLEMENT,
        Action.REFUSE,
        S.NOT_ACCEPTED,
        _CLERK,
        "不予受理",
        "a notice given before acceptance",
    ),
    _row(S.ACCEPTED, Action.REVIEW, S.IN_REVIEW, (R.REVIEWER,), "审查"),
    _row(
        S.IN_REVIEW,
        Action.REQUEST_SUPPLEMENT,
        S.AWAITING_SUPPLEMENT,
        (R.REVIEWER,),
        "审查中告知补正",
    ),
    _row(S.IN_REVIEW, Action.SUSPEND, S.SUSPENDED, (R.REVIEWER, R.APPROVER), "进入特别程序"),
    _row(S.SUSPENDED, Action.RESUME, S.IN_REVIEW, (R.REVIEWER, R.APPROVER), "恢复办理"),
    _row(S.IN_REVIEW, Action.DECIDE, (S.GRANTED, S.DENIED), (R.APPROVER,), "作出决定"),
    _row(
        S.ACCEPTED,
        Action.DECIDE,
        (S.GRANTED, S.DENIED),
        (R.WINDOW_CLERK, R.APPROVER),
        "即办决定",
        "immediate items (即办件) only",
    ),
    _row(S.GRANTED, Action.COMPLETE, S.COMPLETED, (R.WINDOW_CLERK, R.APPROVER), "办结"),
    _row(S.DENIED, Action.COMPLETE, S.COMPLETED, (R.WINDOW_CLERK, R.APPROVER), "办结"),
    *(
        _row(state, Action.WITHDRAW, S.WITHDRAWN, _APPLICANT, "撤回申请")
        for state in _OPEN_BEFORE_DECISION
    ),
)

OTHER_ACTIONS: Mapping[str, tuple[frozenset[Role], str]] = {
    "assign": (frozenset({Role.SUPERVISOR, Role.APPROVER}), "指定专人/绿色通道"),
    "complete_project": (frozenset({Role.APPROVER, Role.SUPERVISOR}), "项目办结"),
    "consult": (frozenset({Role.REVIEWER, Role.APPROVER, Role.SUPERVISOR}), "联审会议"),
    "evaluate": (frozenset({Role.APPLICANT, Role.AGENT}), "评价"),
    "exempt_fee": (frozenset({Role.WINDOW_CLERK}), "减免收费"),
    "extend": (frozenset({Role.APPROVER}), "延长办理期限"),
    "follow_up": (frozenset({Role.SUPERVISOR}), "整改回访"),
    "issue_code": (frozenset({Role.WINDOW_CLERK, Role.SUPERVISOR}), "发放查询码"),
    "override_screening": (frozenset({Role.SUPERVISOR}), "黑名单筛查放行"),
}
"""Actions that leave the state as it is, with the roles that may take them."""


_BY_KEY = {(row.state, row.action): row for row in TRANSITIONS}


def transition(state: CaseState | None, action: Action) -> Transition:
    """The row for ``action`` in ``state``.

    :raises TransitionError: naming the state and the actions it allows.
    """
    row = _BY_KEY.get((state, Action(action)))
    if row is None:
        allowed = ", ".join(r.action.value for r in TRANSITIONS if r.state is state) or "none"
        where = state.value if state is not None else "a new case"
        label = f" ({state.label})" if state is not None else ""
        labels = "、".join(dict.fromkeys(r.label for r in TRANSITIONS if r.state is state))
        case = f"处于“{state.label}”状态的办件" if state is not None else "尚未申请的办件"
        raise TransitionError(
            f"cannot {Action(action).value} a case that is {where}{label}; allowed: {allowed}",
            notice=f"{case}不能{action_label(action)}；此状态下可以办理：{labels or '（无）'}",
        )
    return row


def action_label(action: str, state: CaseState | None = None) -> str | None:
    """What a clerk calls ``action`` (an :class:`Action` or one of :data:`OTHER_ACTIONS`),
    as the table labels it in ``state`` (a supplement notice during review, a decision at
    the window ...; else its first row); None for an action the workflow does not know."""
    if action in OTHER_ACTIONS:
        return OTHER_ACTIONS[action][1]
    try:
        action = Action(action)
    except ValueError:
        return None
    row = _BY_KEY.get((state, action))
    if row is None:
        row = next((r for r in TRANSITIONS if r.action is action), None)
    return row.label if row is not None else None


def event_label(event: Any) -> str:
    """What a clerk calls the step a :class:`~govservice.model.CaseEvent` records: its
    action's label in the state it was taken in (a supplement that leaves materials still
    awaited is 部分补正材料); an action the workflow does not know (an imported case's) as
    it was recorded."""
    if (
        event.action == Action.SUPPLEMENT
        and event.refusal is None
        and event.to_state is CaseState.AWAITING_SUPPLEMENT
    ):
        return "部分补正材料"
    return action_label(event.action, event.from_state) or event.action


def allowed_actions(state: CaseState | None) -> list[Action]:
    """The actions the table allows in ``state``."""
    return [row.action for row in TRANSITIONS if row.state is state]


def table_markdown() -> str:
    """The table as Markdown, as ``docs/workflow.md`` shows it."""
    lines = [
        "| state | action | next state | who may do it | condition |",
        "| --- | --- | --- | --- | --- |",
    ]
    for row in TRANSITIONS:
        state = f"{row.state.value} {row.state.label}" if row.state else "(new)"
        targets = row.next if isinstance(row.next, tuple) else (row.next,)
        next_states = " / ".join(f"{s.value} {s.label}" for s in targets)
        roles = ", ".join(sorted(role.value for role in row.roles))
        lines.append(
            f"| {state} | {row.action.value} {row.label} | {next_states} | {roles} "
            f"| {row.condition or ''} |"
        )
    return "\n".join(lines) + "\n"


def other_actions_markdown() -> str:
    """The actions that keep the state, as ``docs/workflow.md`` shows them."""
    lines = ["| action | who may do it |", "| --- | --- |"]
    for action, (roles, label) in OTHER_ACTIONS.items():
        lines.append(f"| {action} {label} | {', '.join(sorted(r.value for r in roles))} |")
    return "\n".join(lines) + "\n"
