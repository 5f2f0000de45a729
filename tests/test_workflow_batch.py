"""``Workflow.batch()``: many actions, one transaction, each case written once.

On SQLite (a file shared by two services, as two processes would share it) and in memory.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from govservice import GovService
from govservice.audit import verify_store
from govservice.clock import SHANGHAI, FixedClock
from govservice.config import Config
from govservice.errors import ConflictError, RoleError
from govservice.model import CaseState, SubmittedMaterial
from govservice.samples import make_case, make_item, register_staff
from govservice.store.simulation import make_simulation
from govservice.workflow import Actor
from workflow_helpers import APPLICANT_PARTY

START = dt.datetime(2015, 3, 2, 9, 0, tzinfo=SHANGHAI)
CLERK = Actor("李娜", "window_clerk")
REVIEWER = Actor("马晓燕", "reviewer")
APPROVER = Actor("王强", "approver")
APPLICANT = Actor("张伟", "applicant", id=APPLICANT_PARTY.identifier.number)
ITEM = make_item()
MATERIALS = [SubmittedMaterial(name=m.name, originals=1) for m in ITEM.materials]


def centre(path: Path) -> GovService:
    config = Config(
        name="东营市政务服务中心",
        region="370500",
        storage_backend="sqlite",
        storage_settings={"path": str(path)},
    )
    made = GovService(config, clock=FixedClock(START))
    make_simulation(made.store)  # the tests act on days of their choosing (at=)
    register_staff(made.store)
    return made


@pytest.fixture
def service(tmp_path: Path) -> GovService:
    made = centre(tmp_path / "batch.db")
    made.store.add_item(ITEM)
    return made


def new_case(case_id: str):
    return make_case(ITEM, id=case_id, materials=MATERIALS, applicant=APPLICANT_PARTY)


def test_a_batch_writes_each_case_once_in_its_last_state(service):
    workflow = service.workflow
    with workflow.batch():
        stored = workflow.apply(new_case("B-1"), APPLICANT)
        stored = workflow.accept(stored, CLERK)
        stored = workflow.review(stored, REVIEWER)
        assert stored.version == 3  # one version an action, as outside a batch
        assert service.store.get("case", "B-1") is None  # nothing written yet
    written = service.store.get("case", "B-1")
    assert written.version == 3
    assert written.record.state is CaseState.IN_REVIEW
    assert [e.action for e in written.record.events] == ["apply", "accept", "review"]
    assert [e.case_id for e in service.store.ledger(1, 10)] == ["B-1"] * 3
    assert verify_store(service.store).ok
    # After the batch the case goes on from the version it was stored at.
    decided = workflow.decide(written, APPROVER, "grant")
    assert decided.version == 4


def test_a_stored_case_changed_in_a_batch_moves_one_version(service):
    workflow = service.workflow
    stored = workflow.accept(workflow.apply(new_case("B-2"), APPLICANT), CLERK)
    assert stored.version == 2
    with workflow.batch():
        later = workflow.review(stored, REVIEWER)
        later = workflow.decide(later, APPROVER, "grant")
        assert later.version == 4
        assert workflow.case("B-2").record is later.record  # reads see the batch
    assert service.store.get("case", "B-2").version == 4
    assert service.store.ledger_head()[0] == 5


def test_an_old_stored_case_inside_a_batch_is_a_conflict(service):
    workflow = service.workflow
    stored = workflow.apply(new_case("B-3"), APPLICANT)

    def batch() -> None:
        with workflow.batch():
            workflow.accept(stored, CLERK)
            workflow.accept(stored, CLERK)  # the same, older, stored case again

    with pytest.raises(ConflictError, match="in this batch"):
        batch()
    assert service.store.get("case", "B-3").record.state is CaseState.SUBMITTED
    assert service.store.ledger_head()[0] == 2


def test_a_case_changed_by_another_process_fails_the_whole_batch(service, tmp_path):
    workflow = service.workflow
    first = workflow.apply(new_case("B-4"), APPLICANT)
    workflow.apply(new_case("B-5"), APPLICANT)
    other = centre(tmp_path / "batch.db")  # another process on the same file
    other.workflow.withdraw("B-4", APPLICANT)  # after B-4 was read here

    def batch() -> None:
        with workflow.batch():
            workflow.accept("B-5", CLERK)
            workflow.accept(first, CLERK)  # read before the withdrawal

    with pytest.raises(ConflictError):
        batch()
    assert service.store.get("case", "B-5").record.state is CaseState.SUBMITTED
    assert service.store.get("case", "B-4").record.state is CaseState.WITHDRAWN
    assert verify_store(service.store).ok


def test_a_database_held_by_another_writer_is_a_store_error(service, tmp_path):
    import sqlite3

    from govservice.errors import StoreError
    from govservice.store.sqlite import SqliteStore

    service.workflow.apply(new_case("B-8"), APPLICANT)
    holder = sqlite3.connect(tmp_path / "batch.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process writing, for longer than we wait
    store = SqliteStore(tmp_path / "batch.db")
    store._db.execute("PRAGMA busy_timeout = 50")
    try:
        with pytest.raises(StoreError, match="database is locked"), store.transaction():
            pass
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        store.close()


def test_a_refusal_caught_inside_a_batch_is_recorded_with_the_rest(service):
    workflow = service.workflow
    with workflow.batch():
        stored = workflow.apply(new_case("B-6"), APPLICANT)
        with pytest.raises(RoleError):
            workflow.accept(stored, REVIEWER)
        workflow.accept("B-6", CLERK)
    events = service.store.get("case", "B-6").record.events
    assert [(e.action, e.refusal is not None) for e in events] == [
        ("apply", False),
        ("accept", True),
        ("accept", False),
    ]


def test_an_exception_rolls_the_whole_batch_back(service):
    workflow = service.workflow

    def batch() -> None:
        with workflow.batch():
            workflow.apply(new_case("B-7"), APPLICANT)
            raise RuntimeError("the clerk closes the window")

    with pytest.raises(RuntimeError):
        batch()
    assert service.store.get("case", "B-7") is None
    assert service.store.ledger_head()[0] == 1
    workflow.apply(new_case("B-7"), APPLICANT)  # nothing left behind in the workflow
    assert service.store.get("case", "B-7").version == 1


def test_an_old_stored_case_after_a_flush_is_a_conflict(service):
    workflow = service.workflow
    stored = workflow.apply(new_case("B-9"), APPLICANT)

    def batch() -> None:
        with workflow.batch():
            accepted = workflow.accept(stored, CLERK)
            workflow.assign(accepted, Actor("赵敏", "supervisor"), handler="李娜")
            workflow.flush()
            workflow.review(accepted, REVIEWER)  # read before the assignment

    with pytest.raises(ConflictError):
        batch()
    assert service.store.get("case", "B-9").version == 1


def test_a_failed_write_fails_the_batch_even_when_the_caller_goes_on(service, tmp_path):
    workflow = service.workflow
    stale = workflow.accept(workflow.apply(new_case("B-10"), APPLICANT), CLERK)
    workflow.accept(workflow.apply(new_case("B-11"), APPLICANT), CLERK)
    centre(tmp_path / "batch.db").workflow.withdraw("B-10", APPLICANT)  # elsewhere
    told = []
    service.outbox.write = lambda case, count: told.append((case.id, count))  # its notices

    def batch() -> None:
        with workflow.batch():
            workflow.review(stale, REVIEWER)
            workflow.review("B-11", REVIEWER)
            with pytest.raises(ConflictError):
                workflow.flush()
            # the caller goes on as if nothing had happened
            workflow.assign("B-11", Actor("赵敏", "supervisor"), handler="李娜")

    with pytest.raises(ConflictError):
        batch()
    assert service.store.get("case", "B-11").record.state is CaseState.ACCEPTED
    assert told == []
    assert verify_store(service.store).ok


def test_a_time_without_its_zone_is_a_workflow_error(service):
    from govservice.errors import WorkflowError

    stored = service.workflow.apply(new_case("B-12"), APPLICANT)
    with pytest.raises(WorkflowError, match="carries its zone"):
        service.workflow.accept(stored, CLERK, at=dt.datetime(2015, 3, 2, 10, 0))
