"""What the workflow refuses to take from its caller, or decides for itself.

An application names the item as published today and gets a tracking code it did not
choose; an action is never recorded before the last one; values the model refuses come
back as a :class:`WorkflowError` naming the case, never as a bare ``ValueError``; a
rectification due in a year without an official schedule says so.
"""

from __future__ import annotations

import datetime as dt

import pytest

from govservice import GovService
from govservice.clock import SHANGHAI, FixedClock
from govservice.config import Config
from govservice.errors import ApplicationRefusedError, WorkflowError
from govservice.model import SubmittedMaterial, TimeLimit
from govservice.samples import make_case, make_item, register_staff
from govservice.store.simulation import make_simulation
from govservice.workflow import Actor
from govservice.workflow.engine import PROVISIONAL
from workflow_helpers import APPLICANT_PARTY

START = dt.datetime(2015, 3, 2, 9, 0, tzinfo=SHANGHAI)
CLERK = Actor("李娜", "window_clerk")
REVIEWER = Actor("马晓燕", "reviewer")
APPROVER = Actor("王强", "approver")
APPLICANT = Actor("张伟", "applicant", id=APPLICANT_PARTY.identifier.number)
ITEM = make_item()
MATERIALS = [SubmittedMaterial(name=m.name, originals=1) for m in ITEM.materials]
FILLED_IN = {"materials": MATERIALS, "applicant": APPLICANT_PARTY}
"""An application complete, by the applicant who acts (APPLICANT)."""


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def service(clock) -> GovService:
    made = GovService(Config(name="东营市政务服务中心", region="370500"), clock=clock)
    make_simulation(made.store)  # the tests act on days of their choosing (at=)
    register_staff(made.store)
    made.store.add_item(ITEM)
    return made


def test_an_application_carrying_a_tracking_code_is_refused_and_one_without_gets_one(service):
    case = make_case(ITEM, id="G-1", **FILLED_IN, tracking_code="AAAAAAAAAAAA")
    with pytest.raises(ApplicationRefusedError, match="tracking_code"):
        service.workflow.apply(case, APPLICANT)  # only the centre gives one
    stored = service.workflow.apply(make_case(ITEM, id="G-1", **FILLED_IN), APPLICANT)
    assert len(stored.record.tracking_code) == 12


def test_an_application_is_for_the_item_as_published_today(service, clock):
    # Version 2 promises 2 working days instead of 5.
    service.store.add_item(make_item(version=2, promised_limit=TimeLimit(amount=2)))
    case = make_case(ITEM, id="G-2", **FILLED_IN)  # names version 1
    stored = service.workflow.apply(case, APPLICANT)
    assert stored.record.item_version == 2
    stored = service.workflow.accept(stored, CLERK)
    # Accepted Monday 2 March 2015: 2 working days are 3 and 4 March.
    assert stored.record.promised_due == dt.date(2015, 3, 4)


def test_an_action_is_not_recorded_before_the_last_one(service, clock):
    stored = service.workflow.apply(make_case(ITEM, id="G-3", **FILLED_IN), APPLICANT)
    with pytest.raises(WorkflowError, match="not recorded before the last one") as raised:
        service.workflow.accept(stored, CLERK, at=START - dt.timedelta(hours=1))
    assert raised.value.where == "case G-3"
    assert service.store.get("case", "G-3").record.events == stored.record.events


def in_review(service, case_id: str):
    workflow = service.workflow
    stored = workflow.apply(make_case(ITEM, id=case_id, **FILLED_IN), APPLICANT)
    return workflow.review(workflow.accept(stored, CLERK), REVIEWER)


def test_a_negative_number_of_days_is_a_workflow_error(service):
    stored = in_review(service, "G-6")
    with pytest.raises(WorkflowError, match="must not be negative"):
        service.workflow.suspend(stored, REVIEWER, "expert_review", "专家评审", expected_days=-3)


def test_an_unknown_special_procedure_is_a_workflow_error(service):
    stored = in_review(service, "G-7")
    with pytest.raises(WorkflowError, match="an_outing"):
        service.workflow.suspend(stored, REVIEWER, "an_outing", "出游")
    assert service.store.get("case", "G-7").version == stored.version


def test_an_actor_is_named():
    with pytest.raises(WorkflowError, match="an actor is named"):
        Actor("  ", "window_clerk")


def test_a_rectification_due_in_an_unknown_year_is_provisional(service, clock):
    workflow = service.workflow
    clock.moment = dt.datetime(2026, 12, 21, 9, 0, tzinfo=SHANGHAI)
    case = make_case(ITEM, id="G-5", **FILLED_IN, received_at=clock.moment)
    stored = workflow.apply(case, APPLICANT)
    stored = workflow.review(workflow.accept(stored, CLERK), REVIEWER)
    stored = workflow.complete(workflow.decide(stored, APPROVER, "grant"), CLERK)
    stored = workflow.evaluate(stored, APPLICANT, "very_dissatisfied")
    rectification = stored.record.rectification
    assert rectification.due_provisional
    assert rectification.due.year == 2027
    assert [w.code for w in stored.record.events[-1].warnings] == [PROVISIONAL]


# --- the one extension of the legal limit (行政许可法第四十二条) ---------------------------------


def test_the_approver_extends_the_legal_limit_once_by_ten_working_days(service):
    stored = in_review(service, "G-8")
    # Accepted Monday 2 March 2015: 20 working days end on Monday 30 March; 10 more are
    # 31 March, 1-3 April, (Qingming holiday 4-6 April), 7-10 and 13, 14 April.
    assert stored.record.legal_due == dt.date(2015, 3, 30)
    promised = stored.record.promised_due
    extended = service.workflow.extend(stored, APPROVER, "需组织现场核查，延长十个工作日")
    assert extended.record.legal_due == dt.date(2015, 4, 14)
    assert extended.record.promised_due == promised
    assert extended.record.events[-1].action == "extend"
    assert extended.record.state is stored.record.state
    with pytest.raises(WorkflowError, match="allows one extension"):
        service.workflow.extend(extended, APPROVER, "再次延长")


def test_only_an_approver_extends_and_only_before_the_decision(service):
    from govservice.errors import RoleError, TransitionError

    stored = in_review(service, "G-9")
    with pytest.raises(RoleError):
        service.workflow.extend(stored, REVIEWER, "延长")
    stored = service.workflow.case("G-9")
    decided = service.workflow.decide(stored, APPROVER, "grant")
    with pytest.raises(TransitionError, match="not yet decided"):
        service.workflow.extend(decided, APPROVER, "延长")
