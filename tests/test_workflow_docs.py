"""The state table is documented as it is coded, and covers every action."""

from __future__ import annotations

from pathlib import Path

from govservice.model import CaseState
from govservice.rules import Action
from govservice.workflow.transitions import (
    TRANSITIONS,
    allowed_actions,
    other_actions_markdown,
    table_markdown,
)

DOCS = Path(__file__).parents[1] / "docs" / "workflow.md"


def test_docs_print_the_state_table_as_coded():
    text = DOCS.read_text(encoding="utf-8")
    assert table_markdown() in text
    assert other_actions_markdown() in text


def test_every_action_has_a_row_and_every_row_a_role():
    assert {row.action for row in TRANSITIONS} == set(Action)
    assert all(row.roles for row in TRANSITIONS)


def test_closed_states_allow_no_action_and_open_ones_some():
    for state in CaseState:
        if state.is_closed:
            assert allowed_actions(state) == [], state
        elif state not in (CaseState.GRANTED, CaseState.DENIED):
            assert Action.WITHDRAW in allowed_actions(state), state
        else:
            assert allowed_actions(state) == [Action.COMPLETE], state


def test_no_state_has_two_rows_for_one_action():
    keys = [(row.state, row.action) for row in TRANSITIONS]
    assert len(keys) == len(set(keys))
