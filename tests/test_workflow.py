"""The case workflow on real stores (in memory and a SQLite file): every row of the state
table, every refusal, the clock (suspensions, supplements, holidays, unknown years),
cancelled items, local rules, green channel and agency, evaluations, batches, conflicts.

Every due date below was counted by hand on the State Council's schedule for 2015
(国办发明电〔2014〕28号): New Year 1-3 January; Spring Festival 18-24 February with Sunday
15 and Saturday 28 February worked; Qingming 4-6 April; Labour Day 1-3 May; the Victory
Day holiday 3-5 September with Sunday 6 September worked; National Day 1-7 October with
Saturday 10 October worked. The day the clock starts is not counted (行政许可法第八十二条).
"""

from __future__ import annotations

import datetime as dt
import json

import attrs
import pytest

from govservice.clock import FixedClock
from govservice.config import PluginConfig
from govservice.errors import (
    ConflictError,
    ItemNotAcceptingError,
    RoleError,
    RulesBlockedError,
    TransitionError,
    WorkflowError,
)
from govservice.hookspecs import hookimpl
from govservice.model import CaseState, Role, SubmittedMaterial, TimeLimit
from govservice.rules import Action, Finding
from govservice.samples import START, make_project
from govservice.store.base import CaseQuery
from govservice.workflow import TRANSITIONS, projects
from govservice.workflow.engine import (
    DEEMED_ACCEPTED,
    LATE_NOTICE,
    LATE_REFUSAL,
    OTHER_ACTIONS,
    PROVISIONAL,
)
from govservice.workflow.transitions import allowed_actions, transition
from workflow_helpers import (
    AGENT,
    APPLICANT,
    APPLICANT_PARTY,
    APPROVER,
    BACKENDS,
    BY_ROLE,
    CENTRE_AGENT,
    CLERK,
    REVIEWER,
    REVISED_DESIGN,
    SUPERVISOR,
    D,
    Desk,
    any_actor_for,
    at,
    empty_database,
    handed_in,
    immediate_item,
    make_service,
    ordinary_item,
    targets,
)

S = CaseState


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)  # Monday 2 March 2015, 09:00


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def template(tmp_path_factory):
    return empty_database(tmp_path_factory.mktemp("template") / "govservice.db")


@pytest.fixture
def open_desk(backend, tmp_path, clock, template):
    """Open a centre on this test's backend with ``make_service`` options; its store is
    closed after the test."""
    services = []

    def open_desk(**options) -> Desk:
        service = make_service(backend, tmp_path, clock, template=template, **options)
        services.append(service)
        return Desk(service, clock)

    yield open_desk
    for service in services:
        service.store.close()


@pytest.fixture
def desk(open_desk) -> Desk:
    return open_desk()


def _item_for(row_state, action):
    """The accepted → decide row is for immediate items (即办件) only."""
    if (row_state, action) == (S.ACCEPTED, Action.DECIDE):
        return immediate_item()
    return ordinary_item()


def _refusals_after(desk, seq):
    """The codes of the refusals chained after link ``seq``; every link after it is one."""
    links = [json.loads(entry.text) for entry in desk.store.ledger(seq)]
    assert all("refused" in link for link in links), links
    return [link["refused"]["refusal"].split(":")[0] for link in links]


def _notice_of_two(desk):
    """A case awaiting a supplement of two materials, as stored."""
    stored = desk.bring_to(ordinary_item(), S.SUBMITTED)
    stored = desk.workflow.request_supplement(stored, CLERK, [REVISED_DESIGN, "现场照片"])
    return desk.read(stored.record.id)


def _name(state):
    return state.value if state is not None else "new"


# --- 1. every row of the table ---------------------------------------------------------------

WALKS = [
    pytest.param(
        row,
        role,
        target,
        id=f"{_name(row.state)}-{row.action.value}-{role.value}-{target.value}",
    )
    for row in TRANSITIONS
    for role in sorted(row.roles, key=lambda role: role.value)
    for target in targets(row)
]


@pytest.mark.parametrize(("row", "role", "target"), WALKS)
def test_every_row_of_the_table_leads_where_it_says(desk, row, role, target):
    actor = BY_ROLE[role]
    if row.state is None:
        item = ordinary_item()
        desk.store.add_item(item)
        case = desk.new_case(item)
        if role is Role.AGENT:  # an agent applies as the centre's agent of the owner's project
            actor = CENTRE_AGENT
            project = make_project(owner=APPLICANT_PARTY, agent=CENTRE_AGENT.name)
            projects.open_project(desk.workflow, project)
            case = attrs.evolve(case, mandates=(), project_id=project.id)
        case_id = desk.workflow.apply(case, actor).record.id
        before_events, before_version, before_seq = (), 0, 0
    else:
        via = target if row.action is Action.SUPPLEMENT else None
        if (row.action, target) == (Action.SUPPLEMENT, S.AWAITING_SUPPLEMENT):
            before = _notice_of_two(desk)  # one of them arrives: it waits for the other
        else:
            before = desk.bring_to(_item_for(row.state, row.action), row.state, via=via)
        case_id = before.record.id
        before_events, before_version = before.record.events, before.version
        before_seq = desk.store.ledger_head()[0]
        desk.perform(before, row.action, actor, target=target)

    after = desk.read(case_id)
    assert after.record.state is target
    assert after.version == before_version + 1
    *kept, event = after.record.events
    assert tuple(kept) == before_events
    assert (event.action, event.from_state, event.to_state) == (
        row.action.value,
        row.state,
        target,
    )
    assert (event.actor, event.role, event.refusal) == (actor.name, role, None)
    assert desk.store.ledger_head()[0] == before_seq + 1  # chained into the trail as well
    assert desk.store.case_ledger(case_id)[-1].seq == before_seq + 1


def test_closed_cases_take_no_action_and_only_open_cases_are_withdrawn():
    for state in CaseState:
        actions = allowed_actions(state)
        assert (actions == []) is state.is_closed, state
    withdrawable = {row.state for row in TRANSITIONS if row.action is Action.WITHDRAW}
    assert withdrawable == {
        S.SUBMITTED,
        S.AWAITING_SUPPLEMENT,
        S.ACCEPTED,
        S.IN_REVIEW,
        S.SUSPENDED,
    }  # every state before the decision, and no other
    assert {row.roles for row in TRANSITIONS if row.action is Action.WITHDRAW} == {
        frozenset({Role.APPLICANT, Role.AGENT})
    }


def test_the_table_has_a_row_for_every_action_and_state_it_names():
    assert {row.action for row in TRANSITIONS} == set(Action)
    reachable = {target for row in TRANSITIONS for target in targets(row)}
    assert reachable == set(CaseState)
    assert len({(row.state, row.action) for row in TRANSITIONS}) == len(TRANSITIONS)


# --- 2. every refused transition -------------------------------------------------------------

ALLOWED = {(row.state, row.action) for row in TRANSITIONS}
REFUSED = [
    pytest.param(state, action, id=f"{state.value}-{action.value}")
    for state in CaseState
    for action in Action
    if action is not Action.APPLY and (state, action) not in ALLOWED
]


@pytest.mark.parametrize(("state", "action"), REFUSED)
def test_an_action_the_state_does_not_allow_is_refused_and_nothing_changes(desk, state, action):
    before = desk.bring_to(ordinary_item(), state)
    head = desk.store.ledger_head()
    with pytest.raises(TransitionError) as raised:
        desk.perform(before.record.id, action, any_actor_for(action))
    assert raised.value.code == "GS801"
    assert f"cannot {action.value} a case that is {state.value}" in str(raised.value)
    assert desk.read(before.record.id) == before
    assert desk.store.ledger_head() == head


@pytest.mark.parametrize(
    "action", [pytest.param(a, id=a.value) for a in Action if a is not Action.APPLY]
)
def test_a_new_case_allows_only_the_application(action):
    assert transition(None, Action.APPLY).next is S.SUBMITTED
    with pytest.raises(TransitionError, match="a new case"):
        transition(None, action)


@pytest.mark.parametrize("state", [pytest.param(s, id=s.value) for s in CaseState])
def test_a_case_already_applied_for_cannot_be_applied_for_again(desk, state):
    before = desk.bring_to(ordinary_item(), state)
    head = desk.store.ledger_head()
    with pytest.raises(WorkflowError, match=r"may not carry what the centre sets: .*events"):
        desk.workflow.apply(before.record, APPLICANT)
    assert desk.read(before.record.id) == before
    assert desk.store.count("case") == 1
    assert _refusals_after(desk, head[0]) == ["GS807"]  # only the refusal is recorded


@pytest.mark.parametrize(
    ("state", "act"),
    [
        pytest.param(
            S.SUBMITTED, lambda wf, ref: wf.refuse(ref, CLERK, "  "), id="refusal-without-reason"
        ),
        pytest.param(
            S.IN_REVIEW,
            lambda wf, ref: wf.decide(ref, APPROVER, "deny", reason="不符合规划"),
            id="denial-without-legal-basis",
        ),
        pytest.param(
            S.IN_REVIEW,
            lambda wf, ref: wf.suspend(ref, REVIEWER, "hearing", ""),
            id="procedure-without-reason",
        ),
        pytest.param(
            S.SUBMITTED,
            lambda wf, ref: wf.request_supplement(ref, CLERK),
            id="notice-with-nothing-missing",
        ),
        pytest.param(
            S.AWAITING_SUPPLEMENT,
            lambda wf, ref: wf.supplement(ref, APPLICANT, []),
            id="supplement-of-nothing",
        ),
    ],
)
def test_an_action_missing_what_the_law_asks_for_is_refused_and_nothing_changes(desk, state, act):
    before = desk.bring_to(ordinary_item(), state)
    with pytest.raises(WorkflowError) as raised:
        act(desk.workflow, before)
    assert type(raised.value) is WorkflowError
    assert desk.read(before.record.id) == before


def test_a_refusal_keeps_its_reason_and_legal_basis(desk):
    case = desk.bring_to(ordinary_item(), S.NOT_ACCEPTED).record
    assert case.refusal_reason == "申请事项不属于本机关职权范围"
    assert case.events[-1].note == (
        "申请事项不属于本机关职权范围（依据：《中华人民共和国行政许可法》第三十二条第一款第（二）项）"
    )


# --- 3. every role refusal -------------------------------------------------------------------

ROLE_REFUSALS = [
    pytest.param(row, role, id=f"{_name(row.state)}-{row.action.value}-{role.value}")
    for row in TRANSITIONS
    for role in Role
    if role not in row.roles
]


@pytest.mark.parametrize(("row", "role"), ROLE_REFUSALS)
def test_a_role_the_row_does_not_allow_is_refused_and_the_attempt_recorded(desk, row, role):
    actor = BY_ROLE[role]
    if row.state is None:  # nothing is stored yet to record the attempt on
        item = ordinary_item()
        desk.store.add_item(item)
        with pytest.raises(RoleError) as raised:
            desk.workflow.apply(desk.new_case(item), actor)
        assert raised.value.code == "GS802"
        assert desk.store.count("case") == 0
        assert _refusals_after(desk, 0) == ["GS802"]  # on the trail, with no case
        return
    before = desk.bring_to(_item_for(row.state, row.action), row.state)
    seq = desk.store.ledger_head()[0]
    with pytest.raises(RoleError) as raised:
        desk.perform(before, row.action, actor, target=targets(row)[0])
    assert raised.value.code == "GS802"
    assert f"({role.value}) may not {row.action.value}" in str(raised.value)

    after = desk.read(before.record.id)
    assert after.version == before.version + 1
    assert after.record.state is row.state
    *kept, attempt = after.record.events
    assert tuple(kept) == before.record.events
    assert attempt.refusal.startswith("GS802")
    assert (attempt.actor, attempt.role, attempt.action) == (actor.name, role, row.action.value)
    assert (attempt.from_state, attempt.to_state) == (row.state, row.state)
    assert attrs.evolve(after.record, events=before.record.events) == before.record
    assert desk.store.ledger_head()[0] == seq + 1


def _keep_state(desk, ref, action, actor):
    if action == "assign":
        return desk.workflow.assign(ref, actor, handler="刘洋", green_channel=True)
    if action == "evaluate":
        return desk.workflow.evaluate(ref, actor, "satisfied")
    return desk.workflow.follow_up(ref, actor, "已约谈窗口负责人并整改", close=True)


KEEP_STATE_REFUSALS = [
    pytest.param(action, role, id=f"{action}-{role.value}")
    for action in ("assign", "evaluate", "follow_up")
    for role in Role
    if role not in OTHER_ACTIONS[action][0]
]


@pytest.mark.parametrize(("action", "role"), KEEP_STATE_REFUSALS)
def test_a_role_not_allowed_to_assign_evaluate_or_follow_up_is_refused_and_recorded(
    desk, action, role
):
    if action == "assign":
        before = desk.bring_to(ordinary_item(), S.IN_REVIEW)
    else:
        before = desk.bring_to(ordinary_item(), S.COMPLETED)
        if action == "follow_up":
            desk.workflow.evaluate(before, APPLICANT, "dissatisfied")
            before = desk.read(before.record.id)
    with pytest.raises(RoleError) as raised:
        _keep_state(desk, before, action, BY_ROLE[role])
    assert raised.value.code == "GS802"
    after = desk.read(before.record.id)
    assert after.version == before.version + 1
    *kept, attempt = after.record.events
    assert tuple(kept) == before.record.events
    assert attempt.refusal.startswith("GS802")
    assert (attempt.action, attempt.role) == (action, role)
    assert attrs.evolve(after.record, events=before.record.events) == before.record


# --- 4. suspensions (特别程序) ---------------------------------------------------------------


def test_a_special_procedure_over_national_day_moves_both_due_dates_by_its_working_days(desk):
    desk.on(at(2015, 9, 22))  # Tuesday
    case = desk.workflow.accept(desk.apply(ordinary_item()), CLERK)
    # promised: 23, 24, 25, 28, 29 Sep; legal: ... 30 Sep, 8, 9, 10 (Sat, worked) ... 26 Oct
    assert (case.record.promised_due, case.record.legal_due) == (D(2015, 9, 29), D(2015, 10, 26))
    case = desk.on(at(2015, 9, 23)).workflow.review(case, REVIEWER)
    desk.on(at(2015, 9, 25, 15))  # Friday
    case = desk.workflow.suspend(case, REVIEWER, "expert_review", "组织专家评审", expected_days=7)
    assert case.record.state is S.SUSPENDED
    assert (case.record.promised_due, case.record.legal_due) == (D(2015, 9, 29), D(2015, 10, 26))

    desk.on(at(2015, 10, 12, 10)).workflow.resume(case, APPROVER)  # Monday after the holiday
    stored = desk.read(case.record.id).record
    (suspension,) = stored.suspensions
    # not counted: 28, 29, 30 Sep; 8, 9, 10 (Saturday worked), 12 Oct
    assert suspension.excluded_days == 7
    assert suspension.resumed_at == at(2015, 10, 12, 10)
    assert stored.state is S.IN_REVIEW
    # 29 Sep + 7: 30 Sep, 8, 9, 10, 12, 13, 14 Oct; 26 Oct + 7: 27-30 Oct, 2, 3, 4 Nov
    assert (stored.promised_due, stored.legal_due) == (D(2015, 10, 14), D(2015, 11, 4))
    assert not stored.deadline_provisional
    event = stored.events[-1]
    assert (event.action, event.from_state, event.to_state) == ("resume", S.SUSPENDED, S.IN_REVIEW)


def test_a_special_procedure_over_the_spring_festival_counts_the_worked_sunday(desk):
    desk.on(at(2015, 2, 9))  # Monday
    case = desk.workflow.accept(desk.apply(ordinary_item()), CLERK)
    # promised: 10, 11, 12, 13, 15 (Sunday, worked) Feb
    # legal: 16, 17, 25, 26, 27, 28 Feb (Saturday, worked), 2-6, 9-12 Mar
    assert (case.record.promised_due, case.record.legal_due) == (D(2015, 2, 15), D(2015, 3, 12))
    case = desk.workflow.review(case, REVIEWER)
    desk.on(at(2015, 2, 13, 16))  # Friday
    case = desk.workflow.suspend(case, APPROVER, "hearing", "组织听证")
    desk.on(at(2015, 2, 25, 9)).workflow.resume(case, REVIEWER)
    stored = desk.read(case.record.id).record
    # not counted: 15 (Sunday, worked), 16, 17, 25 Feb
    assert stored.suspensions[0].excluded_days == 4
    # 15 Feb + 4: 16, 17, 25, 26 Feb; 12 Mar + 4: 13, 16, 17, 18 Mar
    assert (stored.promised_due, stored.legal_due) == (D(2015, 2, 26), D(2015, 3, 18))


def test_a_special_procedure_ended_the_same_day_excludes_nothing(desk):
    case = desk.bring_to(ordinary_item(), S.IN_REVIEW)  # accepted Monday 2 March 2015
    assert (case.record.promised_due, case.record.legal_due) == (D(2015, 3, 9), D(2015, 3, 30))
    desk.on(at(2015, 3, 3, 10)).workflow.suspend(
        case.record.id, REVIEWER, "site_inspection", "现场勘查"
    )
    desk.on(at(2015, 3, 3, 16)).workflow.resume(case.record.id, REVIEWER)
    stored = desk.read(case.record.id).record
    assert stored.suspensions[0].excluded_days == 0
    assert (stored.promised_due, stored.legal_due) == (D(2015, 3, 9), D(2015, 3, 30))


def test_a_promise_already_missed_when_the_procedure_began_is_not_extended(desk):
    case = desk.bring_to(ordinary_item(), S.IN_REVIEW)  # accepted Monday 2 March 2015
    assert (case.record.promised_due, case.record.legal_due) == (D(2015, 3, 9), D(2015, 3, 30))
    desk.on(at(2015, 3, 10, 9)).workflow.suspend(case, REVIEWER, "expert_review", "组织专家评审")
    desk.on(at(2015, 3, 12, 17)).workflow.resume(case.record.id, REVIEWER)
    stored = desk.read(case.record.id).record
    assert stored.suspensions[0].excluded_days == 2  # 11, 12 March
    # the legal period was still running: 30 Mar + 2 = 1 Apr. The promise ran out on
    # 9 March, before the procedure began: it stays missed (电子监察 keeps it red).
    assert stored.legal_due == D(2015, 4, 1)
    assert stored.promised_due == D(2015, 3, 9)


# --- 5. supplements (补正) --------------------------------------------------------------------


def test_a_notice_before_acceptance_lists_every_missing_material_once_including_the_county_ones(
    open_desk,
):
    desk = open_desk(plugins=(PluginConfig(name="guangrao"),), allow="guangrao")
    item = ordinary_item(department="广饶县住房和城乡建设局", region="370523")
    case = desk.apply(item, materials=handed_in(item, leave_out=["建设工程设计方案"]))

    with pytest.raises(WorkflowError, match="建设工程设计方案、建设项目安全生产承诺书"):
        desk.workflow.accept(case, CLERK)  # incomplete: a notice, not an acceptance
    case = desk.workflow.request_supplement(case, CLERK)
    (notice,) = case.record.supplements
    assert notice.materials == ("建设工程设计方案", "建设项目安全生产承诺书")
    assert (notice.from_state, case.record.state) == (S.SUBMITTED, S.AWAITING_SUPPLEMENT)

    desk.on(at(2015, 3, 4, 10))
    case = desk.workflow.supplement(
        case,
        APPLICANT,
        [
            SubmittedMaterial(name="建设工程设计方案", originals=1, copies=2),
            SubmittedMaterial(name="建设项目安全生产承诺书", originals=1),
        ],
    )
    stored = desk.read(case.record.id)
    assert stored.record.state is S.SUBMITTED
    assert stored.record.supplements[0].received_at == at(2015, 3, 4, 10)
    assert (stored.record.clock_started_on, stored.record.promised_due) == (None, None)

    with pytest.raises(WorkflowError) as raised:
        desk.workflow.request_supplement(stored, CLERK, ["法定代表人身份证明"])
    assert type(raised.value) is WorkflowError
    assert raised.value.code == "GS800"
    assert "2015-03-02" in str(raised.value)
    assert desk.read(case.record.id) == stored

    case = desk.on(at(2015, 3, 5, 11)).workflow.accept(stored, CLERK)  # Thursday
    assert case.record.clock_started_on == D(2015, 3, 5)
    # promised: 6, 9, 10, 11, 12 Mar; legal: 13, 16-20, 23-27, 30, 31 Mar, 1, 2 Apr
    assert (case.record.promised_due, case.record.legal_due) == (D(2015, 3, 12), D(2015, 4, 2))


def test_a_centre_without_the_county_plugin_asks_only_for_the_items_own_materials(desk):
    item = ordinary_item(department="广饶县住房和城乡建设局", region="370523")
    case = desk.apply(item, materials=handed_in(item, leave_out=["建设工程设计方案"]))
    case = desk.workflow.request_supplement(case, CLERK)
    assert case.record.supplements[0].materials == ("建设工程设计方案",)


def test_a_supplement_in_review_restarts_the_full_limits_from_the_day_it_arrives(desk):
    item = ordinary_item()
    case = desk.apply(item, materials=handed_in(item, leave_out=["建设工程设计方案"]))
    case = desk.workflow.request_supplement(case, CLERK)  # the notice before acceptance
    case = desk.workflow.supplement(case, APPLICANT, [SubmittedMaterial(name="建设工程设计方案")])
    case = desk.workflow.accept(case, CLERK)  # Monday 2 March 2015
    assert (case.record.promised_due, case.record.legal_due) == (D(2015, 3, 9), D(2015, 3, 30))
    case = desk.on(at(2015, 3, 3)).workflow.review(case, REVIEWER)
    case = desk.workflow.request_supplement(case, REVIEWER, [REVISED_DESIGN])  # a second phase
    assert case.record.supplements[-1].from_state is S.IN_REVIEW

    desk.on(at(2015, 4, 2, 14))  # Thursday, before Qingming
    desk.workflow.supplement(
        case, APPLICANT, [SubmittedMaterial(name=REVISED_DESIGN, originals=1)]
    )
    stored = desk.read(case.record.id)
    assert stored.record.state is S.IN_REVIEW
    assert stored.record.clock_started_on == D(2015, 4, 2)
    # promised: 3, 7, 8, 9, 10 Apr (4-6 Apr Qingming);
    # legal: ... 13-17, 20-24, 27-30 Apr, 4 May (1-3 May Labour Day)
    assert (stored.record.promised_due, stored.record.legal_due) == (D(2015, 4, 10), D(2015, 5, 4))

    with pytest.raises(WorkflowError, match="一次性告知"):
        desk.workflow.request_supplement(stored, REVIEWER, ["现场照片"])
    assert desk.read(case.record.id) == stored


# --- 5b. an application left unanswered counts as accepted on receipt (第三十二条) ---------


def test_an_application_answered_within_five_working_days_counts_from_acceptance(desk):
    # received Monday 16 February 2015: the 5 working days are 17 February, then (after the
    # Spring Festival, 18-24) 25, 26, 27 and 28 February (a Saturday, worked)
    desk.on(at(2015, 2, 16, 9))
    case = desk.apply(ordinary_item())
    case = desk.on(at(2015, 2, 28, 16)).workflow.accept(case, CLERK)
    assert case.record.clock_started_on == D(2015, 2, 28)
    assert [w.code for w in case.record.events[-1].warnings] == []


def test_an_application_accepted_after_five_working_days_counts_from_receipt(desk):
    desk.on(at(2015, 2, 16, 9))
    case = desk.apply(ordinary_item())
    case = desk.on(at(2015, 3, 2, 10)).workflow.accept(case, CLERK)  # the 6th working day
    # promised: 17, 25, 26, 27, 28 Feb; legal: ... 20 working days from 16 February
    assert case.record.clock_started_on == D(2015, 2, 16)
    assert (case.record.promised_due, case.record.legal_due) == (D(2015, 2, 28), D(2015, 3, 20))
    (warning,) = case.record.events[-1].warnings
    assert warning.code == DEEMED_ACCEPTED
    assert "2015-02-16" in warning.message
    assert "第三十二条" in warning.message
    assert case.record.accepted_at == at(2015, 3, 2, 10)


def test_a_notice_in_time_keeps_the_clock_at_acceptance_a_late_one_does_not(desk):
    item = ordinary_item()
    missing = handed_in(item, leave_out=["建设工程设计方案"])
    design = [SubmittedMaterial(name="建设工程设计方案")]
    desk.on(at(2015, 2, 16, 9))
    timely = desk.apply(item, materials=missing)
    late = desk.apply(item, id="370500-20150216-0002", materials=missing)
    timely = desk.on(at(2015, 2, 28, 9)).workflow.request_supplement(timely, CLERK)
    assert timely.record.events[-1].warnings == ()
    late = desk.on(at(2015, 3, 2, 9)).workflow.request_supplement(late, CLERK)
    assert [w.code for w in late.record.events[-1].warnings] == [LATE_NOTICE]

    desk.on(at(2015, 3, 9, 9))  # both supplements arrive, both cases are accepted
    for case in (timely, late):
        case = desk.workflow.supplement(case, APPLICANT, design)
        case = desk.workflow.accept(case, CLERK)
        started = case.record.clock_started_on
        assert started == (D(2015, 3, 9) if case.record.id == timely.record.id else D(2015, 2, 16))


def test_a_refusal_after_five_working_days_says_it_is_late(desk):
    desk.on(at(2015, 2, 16, 9))
    timely = desk.apply(ordinary_item())
    late = desk.apply(ordinary_item(), id="370500-20150216-0002")
    timely = desk.on(at(2015, 2, 28, 9)).workflow.refuse(timely, CLERK, "不属于本机关职权范围")
    assert timely.record.events[-1].warnings == ()
    late = desk.on(at(2015, 3, 2, 9)).workflow.refuse(late, CLERK, "不属于本机关职权范围")
    (warning,) = late.record.events[-1].warnings
    assert (warning.code, late.record.state) == (LATE_REFUSAL, S.NOT_ACCEPTED)
    assert "第三十二条" in warning.message


def test_no_acceptance_is_deemed_on_a_calendar_not_loaded(desk):
    # 2027: the State Council's schedule is not loaded (National Day is not known), so the
    # 5 working days after 28 September cannot be told for sure: the law's consequence is
    # not drawn on a guess
    desk.on(at(2027, 9, 28, 9))
    case = desk.apply(ordinary_item())
    case = desk.on(at(2027, 10, 8, 9)).workflow.accept(case, CLERK)
    assert case.record.clock_started_on == D(2027, 10, 8)
    assert DEEMED_ACCEPTED not in [w.code for w in case.record.events[-1].warnings]


# --- 6. the last working day before the Spring Festival ------------------------------------


def test_a_case_accepted_before_the_spring_festival_is_due_after_it(desk):
    desk.on(at(2015, 2, 17, 10))  # Tuesday, the last working day before 18-24 February
    case = desk.workflow.accept(desk.apply(ordinary_item()), CLERK)
    # promised: 25, 26, 27, 28 Feb (Saturday, worked), 2 Mar
    # legal: 3-6, 9-13, 16-20 Mar, 23 Mar
    assert case.record.clock_started_on == D(2015, 2, 17)
    assert (case.record.promised_due, case.record.legal_due) == (D(2015, 3, 2), D(2015, 3, 23))

    before = desk.read(case.record.id)
    for actor in (CLERK, APPROVER):
        with pytest.raises(TransitionError, match="not an immediate item"):
            desk.workflow.decide(before, actor, "grant")
    assert desk.read(case.record.id) == before


@pytest.mark.parametrize(
    "item",
    [
        pytest.param(immediate_item(), id="promised-0-working-days"),
        pytest.param(
            immediate_item(
                code="11370500004275432Y-QR-0003",
                handling_type="immediate",
                promised_limit=TimeLimit(amount=2, unit="hours"),
            ),
            id="immediate-2-hours",
        ),
    ],
)
def test_an_immediate_item_is_due_and_decided_the_same_working_day(desk, item):
    assert item.is_immediate
    desk.on(at(2015, 2, 17, 10))
    case = desk.workflow.accept(desk.apply(item), CLERK)
    assert (case.record.promised_due, case.record.legal_due) == (D(2015, 2, 17), D(2015, 3, 23))
    case = desk.on(at(2015, 2, 17, 10, 20)).workflow.decide(case, CLERK, "grant")
    case = desk.workflow.complete(case, CLERK)
    stored = desk.read(case.record.id).record
    assert stored.state is S.COMPLETED
    assert [(e.action, e.from_state, e.to_state, e.role) for e in stored.events[-2:]] == [
        ("decide", S.ACCEPTED, S.GRANTED, Role.WINDOW_CLERK),
        ("complete", S.GRANTED, S.COMPLETED, Role.WINDOW_CLERK),
    ]
    assert stored.decided_at == at(2015, 2, 17, 10, 20)


def test_the_day_of_acceptance_is_the_shanghai_date_of_the_moment(desk):
    utc = dt.datetime(2015, 2, 16, 17, 30, tzinfo=dt.UTC)  # 01:30 on 17 Feb in Shanghai
    desk.on(utc)
    case = desk.workflow.accept(desk.apply(ordinary_item()), CLERK)
    stored = desk.read(case.record.id).record
    assert stored.clock_started_on == D(2015, 2, 17)
    assert stored.promised_due == D(2015, 3, 2)  # not 28 Feb, as from 16 Feb


# --- 7. due dates beyond the years whose schedule is known --------------------------------------


def test_a_due_date_in_a_year_not_yet_published_is_provisional_until_its_schedule_is_loaded(
    open_desk, tmp_path, clock
):
    clock.moment = at(2026, 12, 28)  # Monday
    desk = open_desk()
    case = desk.workflow.accept(desk.apply(ordinary_item()), CLERK)
    stored = desk.read(case.record.id).record
    # weekdays only in 2027: promised 29, 30, 31 Dec, 1, 4 Jan; legal ... 25 Jan
    assert (stored.promised_due, stored.legal_due) == (D(2027, 1, 4), D(2027, 1, 25))
    assert stored.deadline_provisional
    (warning,) = stored.events[-1].warnings
    assert warning.code == PROVISIONAL == "DEADLINE-PROVISIONAL"
    assert "2027年" in warning.message

    year_file = tmp_path / "2027.yaml"
    year_file.write_text(
        "year: 2027\nholidays: ['2027-01-01', '2027-01-02', '2027-01-03']\nworking_weekends: []\n",
        encoding="utf-8",
    )
    later = open_desk(schedules=[year_file], database="2027.db")
    case = later.workflow.accept(later.apply(ordinary_item()), CLERK)
    stored = later.read(case.record.id).record
    # 1 Jan 2027 off: promised 29, 30, 31 Dec, 4, 5 Jan; legal 29-31 Dec, 4-8, 11-15,
    # 18-22, 25, 26 Jan
    assert (stored.promised_due, stored.legal_due) == (D(2027, 1, 5), D(2027, 1, 26))
    assert not stored.deadline_provisional
    assert stored.events[-1].warnings == ()


def test_a_due_date_within_the_known_years_is_not_provisional(desk):
    desk.on(at(2026, 12, 1))  # Tuesday
    case = desk.workflow.accept(desk.apply(ordinary_item()), CLERK)
    stored = desk.read(case.record.id).record
    # promised: 2, 3, 4, 7, 8 Dec; legal: 2-4, 7-11, 14-18, 21-25, 28, 29 Dec
    assert (stored.promised_due, stored.legal_due) == (D(2026, 12, 8), D(2026, 12, 29))
    assert not stored.deadline_provisional
    assert stored.events[-1].warnings == ()


def test_a_resumption_that_pushes_a_due_date_into_an_unknown_year_warns_as_acceptance_does(desk):
    desk.on(at(2026, 12, 1))
    case = desk.workflow.accept(desk.apply(ordinary_item()), CLERK)
    case = desk.on(at(2026, 12, 2)).workflow.review(case, REVIEWER)
    case = desk.workflow.suspend(case, REVIEWER, "testing", "委托检验检测")
    desk.on(at(2026, 12, 14)).workflow.resume(case, REVIEWER)  # Monday
    stored = desk.read(case.record.id).record
    # not counted: 3, 4, 7-11, 14 Dec
    assert stored.suspensions[0].excluded_days == 8
    # 8 Dec + 8: 9-11, 14-18 Dec; 29 Dec + 8: 30, 31 Dec, then weekdays 1, 4-8 Jan 2027
    assert (stored.promised_due, stored.legal_due) == (D(2026, 12, 18), D(2027, 1, 8))
    assert stored.deadline_provisional
    # the clerk is told, on the event that made the date provisional, as on acceptance
    assert [w.code for w in stored.events[-1].warnings] == [PROVISIONAL]


# --- 8. cancelled and suspended items (停办) -------------------------------------------------


@pytest.mark.parametrize("status", ["cancelled", "suspended"])
def test_an_item_that_stopped_taking_cases_refuses_the_application_and_nothing_is_stored(
    desk, status
):
    item = ordinary_item(status=status, status_since=D(2015, 2, 1))
    desk.store.add_item(item)
    with pytest.raises(ItemNotAcceptingError) as raised:
        desk.workflow.apply(desk.new_case(item), APPLICANT)
    assert raised.value.code == "GS803"
    assert item.code in str(raised.value)
    assert "2015-02-01" in str(raised.value)
    assert desk.store.count("case") == 0
    assert _refusals_after(desk, 0) == ["GS803"]


def test_a_cancellation_announced_for_a_later_day_leaves_the_days_before_it(desk):
    item = ordinary_item(status="cancelled", status_since=D(2015, 4, 1))
    assert desk.apply(item).record.state is S.SUBMITTED  # Monday 2 March
    desk.on(at(2015, 4, 1, 9))
    with pytest.raises(ItemNotAcceptingError, match="2015-04-01"):
        desk.apply(item)
    assert desk.store.count("case") == 1


def test_an_item_cancelled_in_a_later_catalog_version_refuses_a_case_naming_the_earlier_one(desk):
    # Items are never updated: the catalog adjustment that cancels an item (停办) is a new
    # version of it. A form filled in before the adjustment still names version 1.
    in_service = ordinary_item()
    desk.store.add_item(in_service)
    desk.store.add_item(ordinary_item(version=2, status="cancelled", status_since=D(2015, 3, 1)))
    with pytest.raises(ItemNotAcceptingError, match="2015-03-01"):
        desk.workflow.apply(desk.new_case(in_service), APPLICANT)
    assert desk.store.count("case") == 0


# --- 9. local rules at every transition ----------------------------------------------------


class RuleRecorder:
    """A local rule that notes every action it is asked about and warns at review."""

    def __init__(self) -> None:
        self.asked: list[tuple[CaseState, Action]] = []

    @hookimpl
    def govservice_case_rules(self, case, item, action):
        self.asked.append((case.state, action))
        if action is Action.REVIEW:
            return [Finding(code="TEST-REVIEW-NOTE", message="请核对现场照片", severity="warn")]
        return None


class SealRule:
    """A local rule that blocks acceptance of every case: the seal is missing."""

    @hookimpl
    def govservice_case_rules(self, case, item, action):
        if action is Action.ACCEPT:
            return [Finding(code="TEST-SEAL-MISSING", message="申请表未加盖公章")]
        return None


def _lijin_river_item():
    return ordinary_item(
        code="11370522MB2850437N-XK-0012",
        name="河道管理范围内建设项目工程建设方案审批",
        department="利津县水务局",
        region="370522",
    )


def test_a_lijin_river_case_without_its_permit_number_is_warned_then_blocked_at_acceptance(
    open_desk,
):
    desk = open_desk(plugins=(PluginConfig(name="lijin"),), allow="lijin")
    item = _lijin_river_item()
    case = desk.apply(item)
    (applied,) = desk.read(case.record.id).record.events
    assert [(w.code, w.plugin) for w in applied.warnings] == [
        ("LIJIN-RIVER-PERMIT-MISSING", "lijin")
    ]

    before, head = desk.read(case.record.id), desk.store.ledger_head()
    with pytest.raises(RulesBlockedError) as raised:
        desk.workflow.accept(case, CLERK)
    assert raised.value.code == "GS600"
    assert [f.code for f in raised.value.findings] == ["LIJIN-RIVER-PERMIT-MISSING"]
    assert (desk.read(case.record.id), desk.store.ledger_head()) == (before, head)

    permitted = desk.apply(item, attributes={"river_permit_number": "利河许2015第012号"})
    assert permitted.record.events[0].warnings == ()
    assert desk.workflow.accept(permitted, CLERK).record.state is S.ACCEPTED


def test_every_blocking_finding_of_every_plugin_is_reported_together(open_desk):
    desk = open_desk(
        plugins=(PluginConfig(name="lijin"),), allow="lijin", given=[("seal", SealRule())]
    )
    case = desk.apply(_lijin_river_item())
    before = desk.read(case.record.id)
    with pytest.raises(RulesBlockedError) as raised:
        desk.workflow.accept(case, CLERK)
    assert sorted((f.plugin, f.code) for f in raised.value.findings) == [
        ("lijin", "LIJIN-RIVER-PERMIT-MISSING"),
        ("seal", "TEST-SEAL-MISSING"),
    ]
    assert desk.read(case.record.id) == before


def test_local_rules_are_asked_at_application_and_before_every_transition(open_desk):
    recorder = RuleRecorder()
    desk = open_desk(given=[("recorder", recorder)])
    case = desk.bring_to(ordinary_item(), S.COMPLETED)
    assert recorder.asked == [
        (S.SUBMITTED, Action.APPLY),
        (S.SUBMITTED, Action.ACCEPT),
        (S.ACCEPTED, Action.REVIEW),
        (S.IN_REVIEW, Action.DECIDE),
        (S.GRANTED, Action.COMPLETE),
    ]
    review = next(e for e in case.record.events if e.action == "review")
    assert [(w.code, w.plugin) for w in review.warnings] == [("TEST-REVIEW-NOTE", "recorder")]
    assert all(e.warnings == () for e in case.record.events if e is not review)


def test_a_rule_is_not_asked_when_the_role_is_refused(open_desk):
    recorder = RuleRecorder()
    desk = open_desk(given=[("recorder", recorder)])
    case = desk.apply(ordinary_item())
    with pytest.raises(RoleError):
        desk.workflow.accept(case, APPLICANT)
    assert recorder.asked == [(S.SUBMITTED, Action.APPLY)]


# --- 10. green channel, dedicated handler, full agency --------------------------------------


def test_assigning_a_handler_and_the_green_channel_keeps_the_state(desk):
    case = desk.bring_to(ordinary_item(), S.IN_REVIEW)
    desk.workflow.assign(case, SUPERVISOR, handler="刘洋", green_channel=True)
    stored = desk.read(case.record.id)
    assert (stored.record.handler, stored.record.green_channel) == ("刘洋", True)
    assert stored.record.state is S.IN_REVIEW
    assert stored.version == case.version + 1
    event = stored.record.events[-1]
    assert (event.action, event.role, event.from_state, event.to_state) == (
        "assign",
        Role.SUPERVISOR,
        S.IN_REVIEW,
        S.IN_REVIEW,
    )
    assert "刘洋" in event.note
    assert "绿色通道" in event.note


def test_green_channel_cases_come_first_in_the_work_queue(desk):
    ids = []
    for day in (2, 3, 4):  # accepted Mon, Tue, Wed: promised 9, 10, 11 March
        desk.on(at(2015, 3, day))
        ids.append(desk.workflow.accept(desk.apply(ordinary_item()), CLERK).record.id)
    query = CaseQuery(states=("accepted",))
    assert [c.record.id for c in desk.store.find_cases(query).records] == ids
    desk.workflow.assign(ids[2], APPROVER, green_channel=True)
    assert [c.record.id for c in desk.store.find_cases(query).records] == [ids[2], ids[0], ids[1]]


def test_a_closed_case_takes_no_handler(desk):
    case = desk.bring_to(ordinary_item(), S.WITHDRAWN)
    with pytest.raises(TransitionError, match="closed"):
        desk.workflow.assign(case, SUPERVISOR, handler="刘洋")
    assert desk.read(case.record.id) == case


def test_an_agent_applies_and_withdraws_on_behalf_of_the_applicant(desk):
    # The agent hands in the applicant's signed mandate (委托书) at the window: the clerk
    # enters the application with it (an agent's own file may not bring one).
    case = desk.apply(ordinary_item(), actor=CLERK)
    applicant = case.record.applicant.name
    desk.workflow.withdraw(case, AGENT, reason="项目选址调整")
    events = desk.read(case.record.id).record.events
    assert [(e.action, e.role, e.on_behalf_of) for e in events] == [
        ("apply", Role.WINDOW_CLERK, None),
        ("withdraw", Role.AGENT, applicant),
    ]
    own = desk.apply(ordinary_item(), actor=APPLICANT)
    desk.workflow.withdraw(own, APPLICANT)
    assert [e.on_behalf_of for e in desk.read(own.record.id).record.events] == [None, None]


# --- 11. evaluation and rectification (好差评, 整改) ------------------------------------------


def test_a_bad_evaluation_opens_a_rectification_due_in_15_working_days(desk):
    desk.on(at(2015, 9, 22))
    case = desk.bring_to(ordinary_item(), S.COMPLETED)
    desk.on(at(2015, 9, 25, 16))  # Friday
    desk.workflow.evaluate(case, APPLICANT, "very_dissatisfied", comment="窗口人员态度生硬")
    stored = desk.read(case.record.id)
    # 28, 29, 30 Sep, 8, 9, 10 (Saturday, worked), 12-16, 19-22 Oct
    rectification = stored.record.rectification
    assert (rectification.due, rectification.opened_at) == (D(2015, 10, 22), at(2015, 9, 25, 16))
    assert rectification.closed_at is None
    assert stored.record.evaluation.grade.value == "very_dissatisfied"
    due_by = [
        c.record.id
        for c in desk.store.find_cases(CaseQuery(rectification_due_to=D(2015, 10, 22))).records
    ]
    assert due_by == [case.record.id]
    assert desk.store.find_cases(CaseQuery(rectification_due_to=D(2015, 10, 21))).records == ()

    with pytest.raises(WorkflowError, match="evaluated once"):
        desk.workflow.evaluate(stored, APPLICANT, "very_satisfied")
    assert desk.read(case.record.id) == stored

    desk.on(at(2015, 9, 28, 10)).workflow.follow_up(stored, SUPERVISOR, "已约谈窗口负责人")
    assert desk.read(case.record.id).record.rectification.closed_at is None
    desk.on(at(2015, 10, 9, 10))
    desk.workflow.follow_up(case.record.id, SUPERVISOR, "回访申请人，表示满意", close=True)
    closed = desk.read(case.record.id).record.rectification
    assert closed.closed_at == at(2015, 10, 9, 10)
    assert [(f.actor, f.note) for f in closed.follow_ups] == [
        (SUPERVISOR.name, "已约谈窗口负责人"),
        (SUPERVISOR.name, "回访申请人，表示满意"),
    ]
    assert desk.store.find_cases(CaseQuery(rectification_due_to=D(2015, 10, 22))).records == ()
    with pytest.raises(WorkflowError, match="no open rectification"):
        desk.workflow.follow_up(case.record.id, SUPERVISOR, "再次回访", close=True)


def test_a_good_evaluation_opens_no_rectification(desk):
    case = desk.bring_to(ordinary_item(), S.COMPLETED)
    desk.workflow.evaluate(case, APPLICANT, "satisfied")
    stored = desk.read(case.record.id).record
    assert (stored.evaluation.grade.value, stored.rectification) == ("satisfied", None)
    with pytest.raises(WorkflowError, match="no open rectification"):
        desk.workflow.follow_up(case.record.id, SUPERVISOR, "回访")


def test_only_a_completed_case_is_evaluated(desk):
    case = desk.bring_to(ordinary_item(), S.GRANTED)
    with pytest.raises(TransitionError, match="only a completed case"):
        desk.workflow.evaluate(case, APPLICANT, "very_dissatisfied")
    assert desk.read(case.record.id) == case


# --- 12. batches ------------------------------------------------------------------------------


class EventRecorder:
    """A notification plugin that notes what it is told."""

    def __init__(self) -> None:
        self.told: list[tuple[str, str]] = []

    @hookimpl
    def govservice_case_event(self, case, event):
        self.told.append((case.id, event.action))


@pytest.fixture
def told(open_desk):
    recorder = EventRecorder()
    return open_desk(given=[("recorder", recorder)]), recorder.told


def test_actions_outside_a_batch_are_told_one_by_one(told):
    desk, seen = told
    case = desk.apply(ordinary_item())
    assert seen == [(case.record.id, "apply")]
    with pytest.raises(RoleError):
        desk.workflow.accept(case, REVIEWER)  # a refused attempt is recorded, not told
    desk.workflow.accept(case.record.id, CLERK)
    assert seen == [(case.record.id, "apply"), (case.record.id, "accept")]


def test_a_batch_is_stored_together_and_told_after_it_is_committed(told):
    desk, seen = told
    item = ordinary_item()
    with desk.workflow.batch():
        first = desk.workflow.accept(desk.apply(item), CLERK)
        with desk.workflow.batch():  # an inner batch joins the outer one
            second = desk.apply(item)
        assert seen == []
    assert seen == [
        (first.record.id, "apply"),
        (first.record.id, "accept"),
        (second.record.id, "apply"),
    ]
    assert desk.read(first.record.id).record.state is S.ACCEPTED
    assert desk.read(second.record.id).version == 1
    assert desk.store.ledger_head()[0] == 3


@pytest.mark.parametrize("failure", ["exception", "transition"])
def test_a_batch_that_fails_stores_nothing_and_tells_no_one(told, failure):
    desk, seen = told
    item = ordinary_item()
    desk.store.add_item(item)
    earlier = desk.apply(item)
    before, head, told_before = desk.read(earlier.record.id), desk.store.ledger_head(), list(seen)
    later = desk.new_case(item)

    expected = RuntimeError if failure == "exception" else TransitionError
    with pytest.raises(expected), desk.workflow.batch():  # noqa: PT012
        accepted = desk.workflow.accept(earlier, CLERK)
        desk.workflow.apply(later, APPLICANT)
        if failure == "exception":
            raise RuntimeError("the other system's connection dropped")
        desk.workflow.complete(accepted, CLERK)  # an accepted case is not completed

    assert desk.read(earlier.record.id) == before
    assert desk.store.get("case", later.id) is None
    assert desk.store.ledger_head() == head
    assert seen == told_before
    # the store and the workflow go on as if the batch had never been
    desk.workflow.accept(earlier.record.id, CLERK)
    assert desk.read(earlier.record.id).version == 2
    assert seen == [*told_before, (earlier.record.id, "accept")]


def test_a_refusal_inside_a_batch_is_recorded_and_the_rest_of_the_batch_kept(told):
    desk, seen = told
    with desk.workflow.batch():
        case = desk.workflow.accept(desk.apply(ordinary_item()), CLERK)
        with pytest.raises(RoleError):
            desk.workflow.review(case, CLERK)  # the caller goes on
        desk.workflow.review(case.record.id, REVIEWER)
    stored = desk.read(case.record.id).record
    assert stored.state is S.IN_REVIEW
    assert [(e.action, e.role, e.refusal is not None) for e in stored.events] == [
        ("apply", Role.APPLICANT, False),
        ("accept", Role.WINDOW_CLERK, False),
        ("review", Role.WINDOW_CLERK, True),
        ("review", Role.REVIEWER, False),
    ]
    assert [entry.seq for entry in desk.store.case_ledger(case.record.id)] == [1, 2, 3, 4]
    assert seen == [
        (case.record.id, "apply"),
        (case.record.id, "accept"),
        (case.record.id, "review"),
    ]


# --- 13. conflicts ----------------------------------------------------------------------------


def test_acting_on_a_stale_case_is_a_conflict_and_writes_nothing(told):
    desk, seen = told
    stale = desk.apply(ordinary_item())
    desk.workflow.accept(stale, CLERK)
    current, head, told_before = desk.read(stale.record.id), desk.store.ledger_head(), list(seen)
    for act in (
        lambda: desk.workflow.refuse(stale, CLERK, "材料不齐"),  # allowed in the stale state
        lambda: desk.workflow.accept(stale, REVIEWER),  # a refusal to record, on a stale case
        lambda: desk.workflow.assign(stale, SUPERVISOR, green_channel=True),
    ):
        with pytest.raises(ConflictError):
            act()
        assert desk.read(stale.record.id) == current
        assert desk.store.ledger_head() == head
    assert seen == told_before


def test_acting_in_a_batch_on_a_case_the_batch_has_changed_since_is_a_conflict(told):
    desk, seen = told
    with desk.workflow.batch():
        applied = desk.apply(ordinary_item())
        desk.workflow.accept(applied, CLERK)
        with pytest.raises(ConflictError):
            desk.workflow.refuse(applied, CLERK, "材料不齐")
    stored = desk.read(applied.record.id).record
    assert [(e.action, e.to_state) for e in stored.events] == [
        ("apply", S.SUBMITTED),
        ("accept", S.ACCEPTED),
    ]
    assert seen == [(applied.record.id, "apply"), (applied.record.id, "accept")]


def test_a_case_changed_through_another_connection_is_a_conflict(tmp_path, clock):
    # two centres on one SQLite file: two processes of one county
    first = Desk(make_service("sqlite", tmp_path, clock), clock)
    second = Desk(make_service("sqlite", tmp_path, clock), clock)
    try:
        case = first.apply(ordinary_item())
        second.workflow.accept(case.record.id, CLERK)
        head = first.store.ledger_head()
        with pytest.raises(ConflictError):
            first.workflow.refuse(case, CLERK, "材料不齐")
        stored = first.read(case.record.id)
        assert (stored.version, stored.record.state) == (2, S.ACCEPTED)
        assert first.store.ledger_head() == head
    finally:
        first.store.close()
        second.store.close()


def test_a_batch_acting_on_a_case_changed_through_another_connection_fails_whole(tmp_path, clock):
    first = Desk(make_service("sqlite", tmp_path, clock), clock)
    second = Desk(make_service("sqlite", tmp_path, clock), clock)
    try:
        item = ordinary_item()
        case = first.apply(item)
        second.workflow.accept(case.record.id, CLERK)
        head = first.store.ledger_head()
        with pytest.raises(ConflictError), first.workflow.batch():  # noqa: PT012
            other = first.apply(item)
            first.workflow.refuse(case, CLERK, "材料不齐")  # read before the other's change
        assert first.store.get("case", other.record.id) is None
        assert first.read(case.record.id).record.state is S.ACCEPTED
        assert first.store.ledger_head() == head
    finally:
        first.store.close()
        second.store.close()
