"""``SqliteStore.add_all``: the new cases of a batch written with one statement, stored and
chained exactly as :meth:`add` of each in turn would; and a batch mixing new and changed
cases chains them in the order the batch left them, as without it."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest

from govservice import GovService
from govservice.audit import verify_store
from govservice.clock import SHANGHAI, FixedClock
from govservice.config import Config
from govservice.errors import DuplicateRecordError
from govservice.model import SubmittedMaterial
from govservice.samples import make_case, make_item, register_staff
from govservice.store.simulation import make_simulation
from govservice.store.sqlite import SqliteStore
from govservice.workflow import Actor
from workflow_helpers import APPLICANT_PARTY

START = dt.datetime(2015, 3, 2, 9, 0, tzinfo=SHANGHAI)
CLERK = Actor("李娜", "window_clerk")
APPLICANT = Actor("张伟", "applicant", id=APPLICANT_PARTY.identifier.number)
ITEM = make_item()
MATERIALS = [SubmittedMaterial(name=m.name, originals=1) for m in ITEM.materials]


def new_case(case_id: str):
    return make_case(ITEM, id=case_id, materials=MATERIALS, applicant=APPLICANT_PARTY)


def links(store) -> list[tuple]:
    return [(e.seq, e.case_id, e.text, e.prev_hash, e.hash) for e in store.ledger(0, 10_000)]


def stored_cases(store) -> list[tuple]:
    return store._db.execute("SELECT * FROM cases ORDER BY id").fetchall()


def test_add_all_stores_and_chains_what_add_of_each_would(tmp_path: Path):
    one_by_one, together = SqliteStore(tmp_path / "a.db"), SqliteStore(tmp_path / "b.db")
    cases = [new_case(f"A-{number}") for number in range(5)]
    for case in cases:
        one_by_one.add(case, version=2)
    with together.transaction():
        stored = together.add_all([(case, 2) for case in cases])
    assert [(s.record, s.version) for s in stored] == [(case, 2) for case in cases]
    assert links(together) == links(one_by_one)
    assert len(links(together)) == 5
    assert stored_cases(together) == stored_cases(one_by_one)
    assert together.ledger_head() == one_by_one.ledger_head()
    assert verify_store(together).ok
    assert together.add_all([]) == []


def test_add_all_refuses_a_case_stored_already_naming_it_and_stores_none(tmp_path: Path):
    store = SqliteStore(tmp_path / "dup.db")
    store.add(new_case("D-2"))
    head = store.ledger_head()
    with (
        pytest.raises(DuplicateRecordError, match="case D-2 is already stored"),
        store.transaction(),
    ):
        store.add_all([(new_case("D-1"), 1), (new_case("D-2"), 1), (new_case("D-3"), 1)])
    assert [row[0] for row in store._db.execute("SELECT id FROM cases")] == ["D-2"]
    assert store.ledger_head() == head
    assert verify_store(store).ok


def centre(path: Path, *, add_all: bool) -> GovService:
    config = Config(
        name="东营市政务服务中心",
        region="370500",
        storage_backend="sqlite",
        storage_settings={"path": str(path)},
    )
    made = GovService(config, clock=FixedClock(START), token_bytes=random.Random(7).randbytes)
    make_simulation(made.store)
    register_staff(made.store)
    made.store.add_item(ITEM)
    if not add_all:  # the session then adds each new case by itself
        made.store.add_all = None
    return made


def test_a_batch_chains_new_and_changed_cases_in_the_same_order_either_way(tmp_path: Path):
    trails = []
    for add_all in (True, False):
        service = centre(tmp_path / f"mix-{add_all}.db", add_all=add_all)
        workflow = service.workflow
        earlier = workflow.apply(new_case("M-0"), APPLICANT)
        with workflow.batch():  # new, changed, new, new: the new ones around the change
            first = workflow.apply(new_case("M-1"), APPLICANT)
            workflow.accept(earlier, CLERK)
            workflow.apply(new_case("M-2"), APPLICANT)
            workflow.accept(first, CLERK)
            workflow.apply(new_case("M-3"), APPLICANT)
        report = verify_store(service.store)
        assert report.ok, report
        trails.append([(e.case_id, e.text.count('"event"')) for e in service.store.ledger(0, 100)])
        trails.append(links(service.store))
    assert trails[1] == trails[3]  # the same links, byte for byte
    assert [case_id for case_id, _ in trails[0] if case_id.startswith("M-")] == [
        "M-0",
        "M-1",
        "M-1",
        "M-0",
        "M-2",
        "M-3",
    ]
