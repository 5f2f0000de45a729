"""Joint review (联审联批): a project's cases in several departments, reviewed together.

A project is created once (:func:`open_project`); its cases are applied for with
``Case.project_id`` naming it and take its green channel, handler and agent. A joint
consultation is recorded once on the project and, in the same transaction, as an event on
every open case of it (:func:`consult`). Progress and the combined deadline are derived
from the cases by store queries (:func:`progress`); the project completes only when none
of its cases is open (:func:`complete_project`). A refused consultation or completion
has no case event to be recorded as: it is chained into the trail under the project's id
(:meth:`~govservice.workflow.engine.Workflow.record_refusal`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator

import attrs

from govservice.errors import (
    ProjectOpenError,
    RecordNotFoundError,
    TransitionError,
    WorkflowError,
)
from govservice.model import Case, CaseState, Consultation, Project, ProjectState
from govservice.store.base import CaseQuery, Stored
from govservice.workflow.actors import Actor, check_role
from govservice.workflow.engine import Workflow
from govservice.workflow.transitions import OTHER_ACTIONS


@attrs.frozen
class ProjectProgress:
    """Where a project stands, derived from its cases."""

    project: Project
    total: int
    by_state: dict[CaseState, int]
    closed: int
    combined_due: dt.date | None
    """The latest promised due date of its open cases: when the whole project is due."""
    open_cases: tuple[str, ...]

    @property
    def percent_closed(self) -> float:
        return round(100 * self.closed / self.total, 1) if self.total else 0.0


def open_project(workflow: Workflow, project: Project) -> Stored[Project]:
    """Store a new joint-review project."""
    return workflow.store.add(project)


def project(workflow: Workflow, project_id: str) -> Stored[Project]:
    found = workflow.store.get("project", project_id)
    if found is None:
        raise RecordNotFoundError(f"no joint-review project {project_id} is stored")
    return found


def cases_of(workflow: Workflow, project_id: str) -> Iterator[Stored[Case]]:
    """Every case of the project, in work-queue order, a page at a time."""
    after = None
    while True:
        page = workflow.store.find_cases(CaseQuery(project_id=project_id), after=after)
        yield from page.records
        if page.next_after is None:
            return
        after = page.next_after


def consult(
    workflow: Workflow,
    project_id: str,
    actor: Actor,
    *,
    departments: Iterable[str],
    conclusions: str,
    at: dt.datetime | None = None,
) -> Stored[Project]:
    """Record a joint consultation (联审会议) once on the project, and as an event on each of
    its open cases, all in one transaction. A refused consultation (a role, a completed
    project, no department or conclusion) is recorded on the trail under the project's
    id, then raised. ``at`` is taken on a simulation store only, as for every action."""
    roles, label = OTHER_ACTIONS["consult"]
    with workflow.refusals_recorded(project_id, actor, "consult", at):
        now = workflow._now(at)
        check_role(actor, roles, "consult", label, where=f"project {project_id}")
        try:
            meeting = Consultation(
                at=now,
                convened_by=actor.name,
                departments=tuple(departments),
                conclusions=conclusions,
            )
        except ValueError as error:
            raise WorkflowError(str(error), where=f"project {project_id}") from None
        workflow.flush()  # cases changed in a batch are written before they are read here
        with workflow.batch():  # one transaction; the cases' notifications after it
            workflow.store.lock("project", project_id)
            stored = project(workflow, project_id)
            if stored.record.state is not ProjectState.OPEN:
                raise TransitionError(f"project {project_id} is completed")
            updated = attrs.evolve(
                stored.record, consultations=(*stored.record.consultations, meeting)
            )
            result = workflow.store.update(updated, stored.version)
            note = f"联审会议（{'、'.join(meeting.departments)}）：{conclusions}"
            for case_stored in list(cases_of(workflow, project_id)):
                if not case_stored.record.state.is_closed:
                    workflow.record_consultation(case_stored, actor, note, at=at)
    return result


def progress(workflow: Workflow, project_id: str) -> ProjectProgress:
    """The project's progress: its cases by state, how many are closed, and the combined
    deadline (the latest promised due date of its open cases)."""
    workflow.flush()  # inside a batch: count the cases as changed so far
    stored = project(workflow, project_id)
    states: Counter[CaseState] = Counter()
    open_cases, dues = [], []
    for case_stored in cases_of(workflow, project_id):
        case = case_stored.record
        states[case.state] += 1
        if not case.state.is_closed:
            open_cases.append(case.id)
            if case.promised_due is not None:
                dues.append(case.promised_due)
    total = sum(states.values())
    closed = sum(count for state, count in states.items() if state.is_closed)
    return ProjectProgress(
        project=stored.record,
        total=total,
        by_state=dict(states),
        closed=closed,
        combined_due=max(dues) if dues else None,
        open_cases=tuple(open_cases),
    )


def complete_project(
    workflow: Workflow, project_id: str, actor: Actor, *, at: dt.datetime | None = None
) -> Stored[Project]:
    """办结 the project: refused while any of its cases is open (naming them). A refused
    completion is recorded on the trail under the project's id, then raised."""
    roles, label = OTHER_ACTIONS["complete_project"]
    with workflow.refusals_recorded(project_id, actor, "complete_project", at):
        now = workflow._now(at)
        check_role(actor, roles, "complete_project", label, where=f"project {project_id}")
        with workflow.store.transaction():
            workflow.store.lock("project", project_id)  # no case joins while cases are counted
            stored = project(workflow, project_id)
            if stored.record.state is ProjectState.COMPLETED:
                raise TransitionError(f"project {project_id} is already completed")
            current = progress(workflow, project_id)
            if current.total == 0:
                raise ProjectOpenError(f"project {project_id} has no case yet")
            if current.open_cases:
                shown = ", ".join(current.open_cases[:10])
                left = len(current.open_cases) - 10
                more = f" and {left} more" if left > 0 else ""
                raise ProjectOpenError(
                    f"project {project_id} has {len(current.open_cases)} open case(s): "
                    f"{shown}{more}; it completes when every case is closed"
                )
            done = attrs.evolve(stored.record, state=ProjectState.COMPLETED, completed_at=now)
            return workflow.store.update(done, stored.version)
