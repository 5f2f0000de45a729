# ruff: noqa: F811  (each test takes the imported `store` fixture)
"""What the workflow asks of every store backend, on memory, SQLite and PostgreSQL.

The same ``store`` fixture as the main contract suite: the event chain written on ``add``
and ``update``, the supervision queries (counts by station, completions and on-time
counts, open rectifications), lookups by tracking code and project, joint-review projects
as records, and updates from two store objects on one database.
"""

from __future__ import annotations

import datetime as dt
import json

import attrs
import pytest

from govservice.codec import to_document
from govservice.errors import ConflictError, RecordNotFoundError, StoreError
from govservice.model import CaseEvent, CaseState, Rectification
from govservice.samples import START, make_case, make_project
from govservice.store.base import CaseQuery, CompletionCount, DueCount
from govservice.store.ledger import GENESIS, verify
from test_store_contract import store  # noqa: F401  (the fixture over every backend)

DAY = dt.date(2015, 3, 10)


def event(action: str, to_state: CaseState, minutes: int = 0, **fields) -> CaseEvent:
    return CaseEvent(
        at=START + dt.timedelta(minutes=minutes),
        actor="李娜",
        role="window_clerk",
        action=action,
        to_state=to_state,
        **fields,
    )


def all_entries(store):
    return store.ledger(0, 10_000)


# --- the event chain -------------------------------------------------------------------------


def test_a_new_store_has_an_empty_chain(store):
    assert store.ledger_head() == (0, GENESIS)
    assert all_entries(store) == []


def test_events_are_chained_on_add_and_update(store):
    case = make_case(id="CH-1", events=[event("apply", CaseState.SUBMITTED)])
    stored = store.add(case)
    accepted = attrs.evolve(
        case,
        state=CaseState.ACCEPTED,
        events=(*case.events, event("accept", CaseState.ACCEPTED, 5)),
    )
    store.update(accepted, stored.version)
    store.add(make_case(id="CH-2"))  # no events: the record alone is chained
    entries = all_entries(store)
    assert [(e.seq, e.case_id) for e in entries] == [(1, "CH-1"), (2, "CH-1"), (3, "CH-2")]
    assert [e.prev_hash for e in entries] == [GENESIS, entries[0].hash, entries[1].hash]
    assert store.ledger_head() == (3, entries[2].hash)
    assert store.case_ledger("CH-1") == entries[:2]
    assert store.case_ledger("CH-2") == [entries[2]]
    bare = json.loads(entries[2].text)
    assert "event" not in bare
    assert "record" in bare
    assert verify(entries, store.ledger_head()).ok


def test_the_chain_pages_by_sequence_number(store):
    case = make_case(id="CH-3", events=[event("apply", CaseState.SUBMITTED, n) for n in range(5)])
    store.add(case)
    assert [e.seq for e in store.ledger(0, 2)] == [1, 2]
    assert [e.seq for e in store.ledger(2, 2)] == [3, 4]
    assert [e.seq for e in store.ledger(4, 2)] == [5]


def test_a_refused_update_chains_nothing(store):
    case = make_case(id="CH-4", events=[event("apply", CaseState.SUBMITTED)])
    stored = store.add(case)
    more = attrs.evolve(case, events=(*case.events, event("accept", CaseState.ACCEPTED)))
    with pytest.raises(ConflictError):
        store.update(more, stored.version + 1)
    changed = attrs.evolve(case, events=(event("apply", CaseState.ACCEPTED),))
    with pytest.raises(StoreError, match="append-only"):
        store.update(changed, stored.version)
    assert store.ledger_head()[0] == 1


def test_a_rolled_back_transaction_chains_nothing(store):
    case = make_case(id="CH-5", events=[event("apply", CaseState.SUBMITTED)])

    def add_then_fail() -> None:
        with store.transaction():
            store.add(case)
            raise RuntimeError("give up")

    with pytest.raises(RuntimeError):
        add_then_fail()
    assert store.ledger_head() == (0, GENESIS)
    store.add(case)
    assert [e.seq for e in all_entries(store)] == [1]


# --- lookups ---------------------------------------------------------------------------------


def test_cases_are_found_by_tracking_code_and_project(store):
    store.add(make_case(id="TC-1", tracking_code="K7QF3M9TXW2P", project_id="XM-1"))
    store.add(make_case(id="TC-2", tracking_code="ABCDEFGHJKLM", project_id="XM-1"))
    store.add(make_case(id="TC-3"))
    found = store.find_cases(CaseQuery(tracking_code="K7QF3M9TXW2P")).records
    assert [s.record.id for s in found] == ["TC-1"]
    assert store.count_cases(CaseQuery(project_id="XM-1")) == 2
    assert store.count_cases(CaseQuery(tracking_code="ZZZZZZZZZZZZ")) == 0


def test_open_rectifications_are_found_by_due_date(store):
    def rectified(case_id: str, due: dt.date, closed: bool) -> None:
        case = make_case(
            id=case_id,
            state=CaseState.COMPLETED,
            completed_at=START,
            rectification=Rectification(
                opened_at=START, due=due, closed_at=START if closed else None
            ),
        )
        store.add(case)

    rectified("RE-1", DAY, closed=False)
    rectified("RE-2", DAY + dt.timedelta(days=5), closed=False)
    rectified("RE-3", DAY, closed=True)
    found = store.find_cases(CaseQuery(rectification_due_to=DAY)).records
    assert [s.record.id for s in found] == ["RE-1"]


# --- supervision counts ----------------------------------------------------------------------


def test_due_counts_by_station_put_cases_of_no_station_last(store):
    for n, (station, due) in enumerate(
        [("ZX-B", DAY - dt.timedelta(days=1)), ("ZX-A", DAY), (None, DAY), ("ZX-A", DAY)]
    ):
        store.add(
            make_case(
                id=f"ST-{n}", station_code=station, state=CaseState.IN_REVIEW, promised_due=due
            )
        )
    assert store.due_counts(DAY, DAY, "station_code") == [
        DueCount("ZX-A", 0, 2),
        DueCount("ZX-B", 1, 0),
        DueCount(None, 0, 1),
    ]


def test_due_counts_keep_only_the_states_asked_for(store):
    store.add(make_case(id="DS-1", state=CaseState.IN_REVIEW, promised_due=DAY))
    store.add(make_case(id="DS-2", state=CaseState.SUSPENDED, promised_due=DAY))
    by = "region"
    assert store.due_counts(DAY, DAY, by) == [DueCount("370500", 0, 2)]
    assert store.due_counts(DAY, DAY, by, states=(CaseState.IN_REVIEW,)) == [
        DueCount("370500", 0, 1)
    ]


def test_completion_counts_count_on_time_cases_of_the_period(store):
    def completed(case_id: str, department: str, on: dt.date, due: dt.date) -> None:
        moment = dt.datetime.combine(on, dt.time(16, 0), START.tzinfo)
        store.add(
            make_case(
                id=case_id,
                department=department,
                state=CaseState.COMPLETED,
                completed_at=moment,
                promised_due=due,
            )
        )

    completed("CC-1", "甲局", DAY, DAY)  # on the due day: on time
    completed("CC-2", "甲局", DAY + dt.timedelta(days=1), DAY)  # a day late
    completed("CC-3", "乙局", DAY, DAY + dt.timedelta(days=3))
    completed("CC-4", "乙局", DAY + dt.timedelta(days=30), DAY)  # outside the period
    counts = store.completion_counts(DAY, DAY + dt.timedelta(days=7), "department")
    assert counts == [CompletionCount("乙局", 1, 1), CompletionCount("甲局", 2, 1)]


def test_completion_day_is_the_shanghai_date(store):
    # 16:30 UTC on 9 March is 00:30 on 10 March in Shanghai.
    utc = dt.datetime(2015, 3, 9, 16, 30, tzinfo=dt.UTC)
    store.add(
        make_case(
            id="UTC-1",
            received_at=utc - dt.timedelta(days=1),
            state=CaseState.COMPLETED,
            completed_at=utc,
            promised_due=DAY,
        )
    )
    assert store.completion_counts(DAY, DAY, "region") == [CompletionCount("370500", 1, 1)]
    assert (
        store.completion_counts(DAY - dt.timedelta(days=1), DAY - dt.timedelta(days=1), "region")
        == []
    )


def test_an_unknown_grouping_is_refused(store):
    with pytest.raises(ValueError, match="grouped by one of"):
        store.due_counts(DAY, DAY, "handler")


# --- projects ----------------------------------------------------------------------------------


def test_projects_are_stored_and_versioned(store):
    project = make_project(id="XM-9")
    stored = store.add(project)
    assert store.get("project", "XM-9") == stored
    renamed = attrs.evolve(project, name="东营港疏港铁路工程")
    assert store.update(renamed, 1).version == 2
    with pytest.raises(ConflictError):
        store.update(renamed, 1)
    assert store.count("project") == 1
    assert [s.record.id for s in store.list("project").records] == ["XM-9"]
    with pytest.raises(RecordNotFoundError):
        store.update(make_project(id="XM-0"), 1)


def test_cases_received_before_a_moment_whatever_their_offsets(store):
    shanghai = START.tzinfo
    store.add(make_case(id="RB-1", received_at=dt.datetime(2015, 3, 1, 23, 0, tzinfo=shanghai)))
    # 16:30 UTC on 1 March is 00:30 on 2 March in Shanghai: after the line below.
    store.add(make_case(id="RB-2", received_at=dt.datetime(2015, 3, 1, 16, 30, tzinfo=dt.UTC)))
    line = dt.datetime(2015, 3, 2, 0, 0, tzinfo=shanghai)
    found = store.find_cases(CaseQuery(received_before=line)).records
    assert [s.record.id for s in found] == ["RB-1"]
    assert store.count_cases(CaseQuery(received_before=line + dt.timedelta(hours=1))) == 2


@pytest.mark.parametrize("moment", ["2016-12-31T23:59:60Z", "2017-01-01T07:59:60.5+08:00"])
def test_a_case_received_at_a_leap_second_is_imported_and_found(store, moment):
    # 23:59:60 UTC is valid RFC 3339: read as 23:59:59 (Python has no second 60), by the
    # indexed column too, whatever the database makes of a second 60.
    document = to_document(make_case(id="LEAP-1"))
    document["received_at"] = moment
    assert store.import_batch("case", [(document, json.dumps(document))]) == 1
    line = dt.datetime(2017, 1, 1, tzinfo=dt.UTC)
    found = store.find_cases(CaseQuery(received_before=line)).records
    assert [s.record.id for s in found] == ["LEAP-1"]
    assert store.count_cases(CaseQuery(received_before=line - dt.timedelta(seconds=1))) == 0
    assert found[0].record.received_at.astimezone(dt.UTC).replace(microsecond=0) == (
        line - dt.timedelta(seconds=1)
    )


def test_imported_history_is_attested_on_every_backend(store):
    from govservice.audit import attest_imports, verify_store

    first = CaseEvent(
        at=START, actor="张伟", role="applicant", action="提交申请", to_state="submitted"
    )
    document = to_document(make_case(id="OLD-1", events=[first]))
    assert store.import_batch("case", [(document, json.dumps(document))]) == 1
    assert verify_store(store).unchained_cases == 1
    assert attest_imports(store) == (1, 1)
    assert attest_imports(store) == (0, 0)
    report = verify_store(store)
    assert (report.ok, report.unchained_cases, report.attested_cases) == (True, 0, 1)
    (link,) = store.case_ledger("OLD-1")
    assert json.loads(link.text)["imported"]["events"] == 1
