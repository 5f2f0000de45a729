"""Joint review (联审联批): one key construction project, four cases in three departments.

Every case is accepted on Monday 2 March 2015; its promise counts working days from the
next day: 3 days → Thu 5 March, 5 → Mon 9, 10 → Mon 16, 15 → Mon 23.
"""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest

from govservice import hookimpl
from govservice.audit import verify_store
from govservice.clock import SHANGHAI, FixedClock
from govservice.errors import (
    ApplicationRefusedError,
    AuthorizationError,
    ClockClaimError,
    ProjectOpenError,
    RecordNotFoundError,
    RoleError,
    TransitionError,
    WorkflowError,
)
from govservice.model import CaseState, ProjectState, SubmittedMaterial, TimeLimit
from govservice.samples import (
    START,
    config_with,
    enterprise,
    make_case,
    make_item,
    make_project,
    register_staff,
)
from govservice.service import GovService
from govservice.store.simulation import make_simulation
from govservice.workflow import Actor, projects

D = dt.date

PLANNING = "东营市自然资源和规划局"
HOUSING = "东营市住房和城乡建设局"
ENVIRONMENT = "东营市生态环境局"

ITEMS = {
    "planning": make_item(),  # 5 promised working days
    "land": make_item(
        code="11370500004275432Y-XK-0002",
        name="建设用地规划许可证核发",
        promised_limit=TimeLimit(amount=3),
    ),
    "construction": make_item(
        code="113705000042754406-XK-0010",
        name="建筑工程施工许可证核发",
        department=HOUSING,
        promised_limit=TimeLimit(amount=10),
    ),
    "environment": make_item(
        code="113705000042753567-XK-0020",
        name="建设项目环境影响评价文件审批",
        department=ENVIRONMENT,
        promised_limit=TimeLimit(amount=15),
    ),
}

AGENT = Actor("孙代办", "agent")
CLERK = Actor("王窗口", "window_clerk")
REVIEWER = Actor("李审查", "reviewer")
APPROVER = Actor("赵审批", "approver")
SUPERVISOR = Actor("周监察", "supervisor")


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


@pytest.fixture(params=["memory", "sqlite"])
def service(request, tmp_path):
    settings = {"path": str(tmp_path / "gs.db")} if request.param == "sqlite" else {}
    config = config_with(storage_backend=request.param, storage_settings=settings)
    service = GovService(config, clock=FixedClock(START), strict=True)
    make_simulation(service.store)  # the tests act on days of their choosing (at=)
    register_staff(service.store)
    for item in ITEMS.values():
        service.store.add_item(item)
    yield service
    service.store.close()


def new_case(item, project, **changes):
    materials = [
        SubmittedMaterial(name=m.name, originals=m.originals, copies=m.copies)
        for m in item.materials
    ]
    fields = {
        "applicant": project.owner,
        "materials": materials,
        "received_at": START,
        "project_id": project.id,
    }
    return make_case(item, **(fields | changes))


@pytest.fixture
def project(service):
    """The project, and its four cases applied by the centre's agent and accepted."""
    project = make_project(agent=AGENT.name)
    projects.open_project(service.workflow, project)
    workflow = service.workflow
    ids = {}
    for key, item in ITEMS.items():
        stored = workflow.apply(new_case(item, project), AGENT, at=START)
        stored = workflow.accept(stored, CLERK, at=at(D(2015, 3, 2)))
        ids[key] = stored.record.id
    return project, ids


def owner_of(project):
    """The project's owner acting as the applicant (as the integrator authenticated it)."""
    return Actor(project.owner.name, "applicant", id=project.owner.identifier.number)


def consult_events(case):
    return [event for event in case.events if event.action == "consult"]


def close_land_case(workflow, ids):
    stored = workflow.review(ids["land"], REVIEWER, at=at(D(2015, 3, 3)))
    stored = workflow.decide(stored, APPROVER, "grant", at=at(D(2015, 3, 4)))
    return workflow.complete(stored, CLERK, at=at(D(2015, 3, 4), 16))


def test_cases_of_the_project_take_its_green_channel_handler_and_agent(service, project):
    project, ids = project
    assert project.key_project
    assert project.green_channel
    assert project.handler == "刘洋"
    dues = {}
    for key, case_id in ids.items():
        case = service.workflow.case(case_id).record
        assert case.project_id == project.id
        assert case.green_channel is True
        assert case.handler == "刘洋"
        assert case.full_agency is True
        assert case.events[0].action == "apply"
        assert case.events[0].on_behalf_of == project.owner.name
        dues[key] = case.promised_due
    assert dues == {
        "planning": D(2015, 3, 9),
        "land": D(2015, 3, 5),
        "construction": D(2015, 3, 16),
        "environment": D(2015, 3, 23),
    }
    departments = {service.workflow.case(i).record.department for i in ids.values()}
    assert departments == {PLANNING, HOUSING, ENVIRONMENT}


def test_a_case_gets_its_own_handler_by_assign_and_a_case_outside_projects_gets_none(
    service, project
):
    project, _ = project
    carrying = new_case(ITEMS["planning"], project, handler="陈经办")
    with pytest.raises(ApplicationRefusedError) as refused:  # only the centre names one
        service.workflow.apply(carrying, AGENT, at=START)
    assert refused.value.fields == ("handler",)
    assert service.store.get("case", carrying.id) is None
    own = service.workflow.apply(new_case(ITEMS["planning"], project), AGENT, at=START)
    assert (own.record.handler, own.record.green_channel) == ("刘洋", True)
    own = service.workflow.assign(own, SUPERVISOR, handler="陈经办", at=START)
    assert (own.record.handler, own.record.green_channel) == ("陈经办", True)
    # The centre's agent is the project's: a case outside it is applied for by the owner.
    alone = new_case(ITEMS["planning"], project, project_id=None)
    with pytest.raises(AuthorizationError, match="assigned to no centre's agent"):
        service.workflow.apply(alone, AGENT, at=START)
    alone = service.workflow.apply(alone, owner_of(project), at=START)
    assert (alone.record.handler, alone.record.green_channel, alone.record.full_agency) == (
        None,
        False,
        False,
    )


def test_an_unknown_project_is_refused(service):
    unknown = make_project(id="XM-NONE")
    case = new_case(ITEMS["planning"], unknown)
    with pytest.raises(RecordNotFoundError, match="XM-NONE"):
        service.workflow.apply(case, owner_of(unknown), at=START)
    assert service.store.get("case", case.id) is None


def test_one_consultation_is_recorded_once_and_told_to_each_open_case(service, project):
    project, ids = project
    workflow = service.workflow
    close_land_case(workflow, ids)
    before = {key: len(workflow.case(i).record.events) for key, i in ids.items()}
    meeting_at = at(D(2015, 3, 5), 14)
    stored = projects.consult(
        workflow,
        project.id,
        SUPERVISOR,
        departments=[PLANNING, HOUSING, ENVIRONMENT],
        conclusions="规划、施工、环评并联审查，材料互认",
        at=meeting_at,
    )
    (meeting,) = stored.record.consultations
    assert meeting.at == meeting_at
    assert meeting.convened_by == "周监察"
    assert meeting.departments == (PLANNING, HOUSING, ENVIRONMENT)
    assert meeting.conclusions == "规划、施工、环评并联审查，材料互认"
    assert len(service.store.get("project", project.id).record.consultations) == 1

    for key in ("planning", "construction", "environment"):
        case = workflow.case(ids[key]).record
        assert len(case.events) == before[key] + 1
        (event,) = consult_events(case)
        assert event.at == meeting_at
        assert (event.actor, event.role.value) == ("周监察", "supervisor")
        assert event.from_state is event.to_state is case.state
        assert "规划、施工、环评并联审查" in event.note
        assert ENVIRONMENT in event.note
    land = workflow.case(ids["land"]).record
    assert land.state is CaseState.COMPLETED
    assert consult_events(land) == []
    assert len(land.events) == before["land"]
    assert verify_store(service.store).ok  # the consult events are in the chained trail


def test_consultation_refused_to_an_applicant_and_an_agent(service, project):
    project, ids = project
    for actor in (Actor(project.owner.name, "applicant"), AGENT, CLERK):
        with pytest.raises(RoleError) as refused:
            projects.consult(
                service.workflow,
                project.id,
                actor,
                departments=[PLANNING],
                conclusions="同意",
                at=at(D(2015, 3, 5)),
            )
        assert refused.value.code == "GS802"
        assert "consult" in refused.value.message
    assert service.store.get("project", project.id).record.consultations == ()
    for case_id in ids.values():
        assert consult_events(service.workflow.case(case_id).record) == []


def test_progress_counts_and_combined_due(service, project):
    project, ids = project
    workflow = service.workflow
    progress = projects.progress(workflow, project.id)
    assert progress.total == 4
    assert progress.by_state == {CaseState.ACCEPTED: 4}
    assert progress.closed == 0
    assert progress.combined_due == D(2015, 3, 23)

    close_land_case(workflow, ids)
    workflow.review(ids["construction"], REVIEWER, at=at(D(2015, 3, 3)))
    progress = projects.progress(workflow, project.id)
    assert progress.project.id == project.id
    assert progress.total == 4
    assert progress.by_state == {
        CaseState.ACCEPTED: 2,
        CaseState.IN_REVIEW: 1,
        CaseState.COMPLETED: 1,
    }
    assert progress.closed == 1
    assert progress.percent_closed == 25.0
    assert progress.combined_due == D(2015, 3, 23)
    # Work-queue order: all on the green channel, so by promised due date.
    assert progress.open_cases == (ids["planning"], ids["construction"], ids["environment"])

    # Once the longest case (environment, 23 March) is done, the project is due 16 March.
    stored = workflow.review(ids["environment"], REVIEWER, at=at(D(2015, 3, 3)))
    stored = workflow.decide(
        stored,
        APPROVER,
        "deny",
        reason="不符合区域环境准入条件",
        legal_basis="《中华人民共和国环境影响评价法》第二十二条",
        at=at(D(2015, 3, 10)),
    )
    workflow.complete(stored, CLERK, at=at(D(2015, 3, 10), 16))
    progress = projects.progress(workflow, project.id)
    assert progress.combined_due == D(2015, 3, 16)
    assert progress.closed == 2
    assert progress.percent_closed == 50.0
    assert progress.open_cases == (ids["planning"], ids["construction"])


def test_complete_project_waits_for_every_case(service, project):
    project, ids = project
    workflow = service.workflow
    close_land_case(workflow, ids)
    with pytest.raises(ProjectOpenError) as refused:
        projects.complete_project(workflow, project.id, APPROVER, at=at(D(2015, 3, 5)))
    assert refused.value.code == "GS804"
    message = str(refused.value)
    assert "3 open case(s)" in message
    for key in ("planning", "construction", "environment"):
        assert ids[key] in message
    assert ids["land"] not in message
    assert service.store.get("project", project.id).record.state is ProjectState.OPEN

    # The agent withdraws one for the owner; the other two are decided and completed.
    workflow.withdraw(ids["planning"], AGENT, reason="方案调整，重新申报", at=at(D(2015, 3, 5)))
    for key in ("construction", "environment"):
        stored = workflow.review(ids[key], REVIEWER, at=at(D(2015, 3, 5)))
        stored = workflow.decide(stored, APPROVER, "grant", at=at(D(2015, 3, 12)))
        if key == "construction":
            with pytest.raises(ProjectOpenError, match=ids["environment"]):
                projects.complete_project(workflow, project.id, SUPERVISOR)
        workflow.complete(stored, CLERK, at=at(D(2015, 3, 12), 16))

    progress = projects.progress(workflow, project.id)
    assert (progress.closed, progress.total, progress.percent_closed) == (4, 4, 100.0)
    assert progress.combined_due is None
    assert progress.open_cases == ()

    with pytest.raises(RoleError):
        projects.complete_project(workflow, project.id, CLERK, at=at(D(2015, 3, 13)))
    done = projects.complete_project(workflow, project.id, APPROVER, at=at(D(2015, 3, 13)))
    assert done.record.state is ProjectState.COMPLETED
    assert done.record.completed_at == at(D(2015, 3, 13))
    stored = service.store.get("project", project.id)
    assert stored.record.state is ProjectState.COMPLETED
    assert stored.version == done.version

    # Completed: it takes no new case, no consultation, and is not completed twice.
    late = new_case(ITEMS["planning"], project, received_at=at(D(2015, 3, 16)))
    with pytest.raises(WorkflowError, match="completed"):
        workflow.apply(late, AGENT, at=at(D(2015, 3, 16)))
    assert service.store.get("case", late.id) is None
    assert projects.progress(workflow, project.id).total == 4
    with pytest.raises(TransitionError):
        projects.consult(
            workflow, project.id, SUPERVISOR, departments=[PLANNING], conclusions="补充"
        )
    with pytest.raises(TransitionError, match="already completed"):
        projects.complete_project(workflow, project.id, APPROVER)


def test_a_project_without_cases_is_not_completed(service):
    empty = make_project()
    projects.open_project(service.workflow, empty)
    with pytest.raises(ProjectOpenError, match="no case"):
        projects.complete_project(service.workflow, empty.id, APPROVER)
    progress = projects.progress(service.workflow, empty.id)
    assert (progress.total, progress.closed, progress.percent_closed) == (0, 0, 0.0)
    assert progress.combined_due is None


def test_an_unknown_project_has_no_progress(service):
    with pytest.raises(RecordNotFoundError, match="XM-NONE"):
        projects.progress(service.workflow, "XM-NONE")
    with pytest.raises(RecordNotFoundError):
        projects.consult(
            service.workflow, "XM-NONE", SUPERVISOR, departments=[PLANNING], conclusions="无"
        )


def test_a_case_joining_while_the_project_completes_keeps_it_open(tmp_path):
    """Two clerks on one database: the agent applies a new case of the project while the
    approver completes it. Whatever the order, a completed project has no open case.

    The window between reading the project (open) and storing the case is where a county's
    local rules are consulted; the rule below lets the approver act in it, as another
    process could at any time.
    """
    path = str(tmp_path / "gs.db")
    config = config_with(storage_backend="sqlite", storage_settings={"path": path})
    approver_side = GovService(config, clock=FixedClock(START), strict=True)
    make_simulation(approver_side.store)  # the test acts on days of its choosing (at=)
    register_staff(approver_side.store, ["370500"])
    outcome: dict[str, object] = {}

    def complete_elsewhere(project_id):
        try:
            projects.complete_project(approver_side.workflow, project_id, APPROVER)
            outcome["approver"] = "completed"
        except ProjectOpenError:
            outcome["approver"] = "refused"

    class MeanwhileTheApproverActs:
        @hookimpl
        def govservice_case_rules(self, case, item, action):
            if action == "apply" and case.project_id and "thread" not in outcome:
                thread = threading.Thread(target=complete_elsewhere, args=(case.project_id,))
                outcome["thread"] = thread
                thread.start()
                thread.join(timeout=0.5)  # a store that locks makes it wait; go on
            return None

    agent_side = GovService(
        config,
        clock=FixedClock(START),
        strict=True,
        plugins=[("meanwhile", MeanwhileTheApproverActs())],
    )
    try:
        workflow = approver_side.workflow
        for item in ITEMS.values():
            approver_side.store.add_item(item)
        project = make_project(agent=AGENT.name)
        projects.open_project(workflow, project)
        first = workflow.apply(new_case(ITEMS["land"], project), AGENT, at=START)
        first = workflow.accept(first, CLERK, at=at(D(2015, 3, 2)))
        close_land_case(workflow, {"land": first.record.id})

        late = agent_side.workflow.apply(
            new_case(ITEMS["planning"], project, received_at=at(D(2015, 3, 5))),
            AGENT,
            at=at(D(2015, 3, 5)),
        )
        outcome["thread"].join(timeout=40)
        assert outcome.get("approver") in ("completed", "refused")

        stored = approver_side.store.get("project", project.id).record
        case = approver_side.store.get("case", late.record.id)
        progress = projects.progress(workflow, project.id)
        assert not (stored.state is ProjectState.COMPLETED and progress.open_cases), (
            f"project {project.id} is completed with open case(s) {progress.open_cases}; "
            f"case {late.record.id} joined it in state "
            f"{case.record.state.value if case else None}"
        )
    finally:
        agent_side.store.close()
        approver_side.store.close()


# --- refusals are on the trail ------------------------------------------------------------


def test_a_case_joins_a_project_only_when_its_owner_applies(service, project):
    project, _ = project
    stranger = enterprise(5151, name="东营某某置业有限公司")
    case = new_case(ITEMS["planning"], project, applicant=stranger)
    who = Actor(stranger.name, "applicant", id=stranger.identifier.number)
    with pytest.raises(WorkflowError, match=f"project {project.id} is .*'s: a case joins it"):
        service.workflow.apply(case, who, at=START)
    assert service.store.get("case", case.id) is None  # not its green channel, nor its agent
    refused = [json.loads(entry.text) for entry in service.store.case_ledger(case.id)]
    assert [link["refused"]["action"] for link in refused if "refused" in link] == ["apply"]


def refusals_of(store, subject_id):
    """The refusals chained under ``subject_id`` (a project's id), oldest first."""
    links = [json.loads(entry.text) for entry in store.case_ledger(subject_id)]
    return [link["refused"] for link in links if "refused" in link]


def test_a_refused_consultation_is_recorded_under_the_project(service, project):
    project, _ = project
    head = service.store.ledger_head()[0]
    with pytest.raises(RoleError):
        projects.consult(
            service.workflow,
            project.id,
            CLERK,
            departments=[PLANNING],
            conclusions="同意",
            at=at(D(2015, 3, 5)),
        )
    with pytest.raises(WorkflowError, match="conclusions"):  # the meeting concluded nothing
        projects.consult(
            service.workflow, project.id, SUPERVISOR, departments=[PLANNING], conclusions=" "
        )
    first, second = refusals_of(service.store, project.id)
    assert (first["action"], first["actor"], first["role"]) == (
        "consult",
        "王窗口",
        "window_clerk",
    )
    assert first["refusal"].startswith("GS802: ")
    assert first["claimed_at"] == at(D(2015, 3, 5)).isoformat()
    assert (second["role"], second["refusal"][:6]) == ("supervisor", "GS800:")
    assert "claimed_at" not in second  # the server's clock: no time was claimed
    assert service.store.ledger_head()[0] == head + 2  # two links, nothing else
    assert service.store.get("project", project.id).record.consultations == ()
    assert verify_store(service.store).ok


def test_a_refused_project_completion_is_recorded_under_the_project(service, project):
    project, ids = project
    with pytest.raises(RoleError):
        projects.complete_project(service.workflow, project.id, CLERK, at=at(D(2015, 3, 5)))
    with pytest.raises(ProjectOpenError):
        projects.complete_project(service.workflow, project.id, APPROVER, at=at(D(2015, 3, 5)))
    role, still_open = refusals_of(service.store, project.id)
    assert (role["action"], role["refusal"][:6]) == ("complete_project", "GS802:")
    assert (still_open["actor"], still_open["refusal"][:6]) == ("赵审批", "GS804:")
    assert all(case_id in still_open["refusal"] for case_id in ids.values())
    assert service.store.get("project", project.id).record.state is ProjectState.OPEN
    assert verify_store(service.store).ok


def test_a_time_given_for_a_consultation_is_refused_on_a_store_that_is_no_simulation(tmp_path):
    config = config_with(
        storage_backend="sqlite", storage_settings={"path": str(tmp_path / "r.db")}
    )
    real = GovService(config, clock=FixedClock(START), strict=True)
    try:
        register_staff(real.store)
        project = make_project()
        projects.open_project(real.workflow, project)
        with pytest.raises(ClockClaimError) as refused:
            projects.complete_project(real.workflow, project.id, APPROVER, at=at(D(2015, 3, 1)))
        assert refused.value.code == "GS808"
        (refusal,) = refusals_of(real.store, project.id)
        assert refusal["refusal"].startswith("GS808: ")
        assert refusal["claimed_at"] == at(D(2015, 3, 1)).isoformat()
        assert refusal["recorded_at"] == START.isoformat()  # the server's clock
    finally:
        real.store.close()
