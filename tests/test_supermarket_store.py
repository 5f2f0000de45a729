"""The supermarket's records in every store (memory, SQLite, PostgreSQL), and on the trail.

Each of the chained kinds (an agency, a listed service, a need, a selection, an engagement,
an agency's quarter) is stored, read back, listed by region and updated; every write
chains exactly one link of the trail, in the same transaction, naming the record
(``kind/key``), holding what the write did and the SHA-256 of the stored document
(computed here independently of the store); a refused or rolled-back write leaves neither
record nor link. Bulk import chains each record it inserts, once. Selection's reads
(``agencies_offering``, ``blacklist_entries_of``) follow the agencies' documents.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest

from govservice import codec
from govservice.audit import verify_store
from govservice.errors import ConflictError, DuplicateRecordError, UsageError
from govservice.importing import import_file
from govservice.kinds import CHAINED_KINDS, KINDS
from govservice.model import (
    AgencyGrade,
    BlacklistEntry,
    IntermediaryStatus,
    StatusChange,
)
from govservice.store.chained import changes, subject
from people_helpers import BACKENDS, centre_on

EXAMPLES = Path(__file__).parent / "examples"

# (kind, example file) of the records this suite stores: the examples H1 wrote.
RECORDS = (
    ("intermediary", "listed-services-with-history"),
    ("intermediary", "virtual-with-fee-ranges"),
    ("intermediary-service", "construction-drawing-review-fixed"),
    ("intermediary-service", "lightning-detection-range"),
    ("intermediary-service", "planning-survey-government"),
    ("need", "key-project-drawing-review"),
    ("need", "direct-choice-environment"),
    ("selection", "random-draw"),
    ("selection", "direct-with-reason"),
    ("engagement", "delivered-on-time"),
    ("engagement", "late-with-complaint"),
    ("agency-quarter", "excellent"),
    ("agency-quarter", "fail-suspended"),
)
KEYS = {
    "intermediary-service": "ZJ-370500-001",
    "need": "XQ-2015-0001",
    "selection": "XQ-2015-0001-1",
    "engagement": "HT-2015-0001",
    "agency-quarter": "91370500MA3CE1K7XK-2015-Q2",
    "intermediary": "91370500MA3CE1K7XK",
}


def document(kind: str, name: str) -> dict:
    return json.loads((EXAMPLES / kind / "valid" / f"{name}.json").read_text(encoding="utf-8"))


def record(kind: str, name: str) -> Any:
    return codec.from_document(KINDS[kind].model, document(kind, name))


def digest(value: Any) -> str:
    """The SHA-256 of a record's canonical JSON (sorted keys, no spaces, UTF-8), made here
    with the standard library alone."""
    text = json.dumps(
        codec.to_document(value), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    with centre_on(request.param, tmp_path) as service:
        yield service.store


def links_of(store: Any, kind: str, key: str) -> list[dict]:
    return [json.loads(entry.text) for entry in store.case_ledger(subject(kind, key))]


def test_the_chained_kinds_are_the_supermarkets_records() -> None:
    assert {
        "intermediary",
        "intermediary-service",
        "need",
        "selection",
        "engagement",
        "agency-quarter",
        "blacklist-entry",  # issue 15: the blacklists' entries are chained too
    } == CHAINED_KINDS
    quarter = record("agency-quarter", "fail-suspended")
    assert KINDS["agency-quarter"].key(quarter) == "91370523MA3EN4T6R1-2015-Q3"


def test_each_record_is_stored_read_back_and_listed_by_region(store: Any) -> None:
    for kind, name in RECORDS:
        stored = store.add(record(kind, name))
        assert stored.version == 1
    for kind, name in RECORDS:
        wanted = record(kind, name)
        found = store.get(kind, KINDS[kind].key(wanted))
        assert found is not None
        assert (found.record, found.version) == (wanted, 1)
    assert store.count("need") == 2
    assert [s.record.id for s in store.list("need", region="370523").records] == ["XQ-2015-0003"]
    assert [s.record.code for s in store.list("intermediary-service").records] == [
        "ZJ-370500-001",
        "ZJ-370500-002",
        "ZJ-370500-005",
    ]
    quarters = store.list("agency-quarter", region="370500").records
    assert [q.record.grade for q in quarters] == [AgencyGrade.EXCELLENT]
    assert store.get("selection", "XQ-2099-0001-1") is None


def test_every_add_chains_one_link_with_the_records_digest(store: Any) -> None:
    before = store.ledger_head()[0]
    for kind, name in RECORDS:
        store.add(record(kind, name))
    assert store.ledger_head()[0] == before + len(RECORDS)
    for kind, name in RECORDS:
        value = record(kind, name)
        key = KINDS[kind].key(value)
        (link,) = links_of(store, kind, key)
        assert link["case_id"] == f"{kind}/{key}"
        assert link["change"] == {"action": "added"}
        assert link["record"] == digest(value)
    report = verify_store(store)
    assert report.ok, report.first_break
    assert report.records_checked == len(RECORDS)


def test_an_update_chains_what_changed_with_its_figures(store: Any) -> None:
    agency = record("intermediary", "virtual-with-fee-ranges")
    store.add(agency)
    suspended = attrs.evolve(
        agency,
        status=IntermediaryStatus.SUSPENDED,
        history=(
            StatusChange(status="suspended", on=dt.date(2015, 10, 1), until=dt.date(2016, 3, 31)),
        ),
    )
    change = {
        "action": "suspended",
        "from": dt.date(2015, 10, 1),
        "until": dt.date(2016, 3, 31),
        "figures": {"scores": [Decimal("43.16"), Decimal("52.00")], "grade": AgencyGrade.FAIL},
    }
    stored = store.update(suspended, 1, change=change)
    assert stored.version == 2
    assert store.get("intermediary", agency.credit_code).record == suspended
    reinstated = attrs.evolve(suspended, status=IntermediaryStatus.ACTIVE)
    store.update(reinstated, 2)

    found = changes(store, "intermediary", agency.credit_code)
    assert [c.action for c in found] == ["added", "suspended", "updated"]
    assert found[1].change == {
        "action": "suspended",
        "from": "2015-10-01",
        "until": "2016-03-31",
        "figures": {"scores": ["43.16", "52.00"], "grade": "fail"},
    }
    assert [c.record for c in found] == [digest(agency), digest(suspended), digest(reinstated)]
    assert found[0].seq < found[1].seq < found[2].seq
    assert verify_store(store).ok


def test_a_change_without_an_action_gets_the_default_one(store: Any) -> None:
    need = record("need", "key-project-drawing-review")
    store.add(need, change={"by": "项目业主"})
    store.update(attrs.evolve(need, budget=Decimal("90000.00")), 1, change={"budget": "90000.00"})
    assert [c.change for c in changes(store, "need", need.id)] == [
        {"action": "added", "by": "项目业主"},
        {"action": "updated", "budget": "90000.00"},
    ]


def test_a_refused_write_leaves_neither_record_nor_link(store: Any) -> None:
    need = record("need", "key-project-drawing-review")
    store.add(need)
    head = store.ledger_head()
    with pytest.raises(DuplicateRecordError):
        store.add(need)
    with pytest.raises(ConflictError):
        store.update(attrs.evolve(need, owner="别人"), 7)
    with pytest.raises(TypeError):  # a float is no amount: nothing is written
        store.update(attrs.evolve(need, owner="别人"), 1, change={"budget": 1.5})
    with pytest.raises(TypeError):
        store.add(record("need", "direct-choice-environment"), change={"at": object()})
    assert store.ledger_head() == head
    assert store.get("need", need.id).record == need
    assert store.get("need", "XQ-2015-0003") is None


def test_a_rolled_back_transaction_leaves_neither_record_nor_link(store: Any) -> None:
    agency = record("intermediary", "listed-services-with-history")
    store.add(agency)
    head = store.ledger_head()

    def fail_after_the_writes() -> None:
        with store.transaction():
            store.add(record("selection", "random-draw"))
            store.update(attrs.evolve(agency, services=()), 1, change={"action": "withdrawn"})
            raise RuntimeError("the caller fails after the writes")

    with pytest.raises(RuntimeError):
        fail_after_the_writes()
    assert store.ledger_head() == head
    assert store.get("selection", "XQ-2015-0001-1") is None
    assert store.get("intermediary", agency.credit_code).version == 1
    assert [d["credit_code"] for d, _ in store.agencies_offering("ZJ-370500-002")] == [
        agency.credit_code
    ]
    assert verify_store(store).ok


def test_bulk_import_chains_each_record_it_inserts_once(store: Any, tmp_path: Path) -> None:
    lines = [document("engagement", n) for n in ("delivered-on-time", "late-with-complaint")]
    lines.append(document("engagement", "delivered-on-time"))  # twice in the file: once stored
    path = tmp_path / "engagements.jsonl"
    path.write_text(
        "".join(json.dumps(line, ensure_ascii=False, indent=None) + "\n" for line in lines),
        encoding="utf-8",
    )
    head = store.ledger_head()[0]
    report = import_file(store, "engagement", path, workers=1)
    assert report.inserted == 2
    assert store.ledger_head()[0] == head + 2
    for name in ("delivered-on-time", "late-with-complaint"):
        value = record("engagement", name)
        (link,) = links_of(store, "engagement", value.id)
        assert link["change"] == {"action": "imported"}
        assert link["record"] == digest(value)
        assert store.get("engagement", value.id).record == value
    again = import_file(store, "engagement", path, workers=1)
    assert again.inserted == 0
    assert store.ledger_head()[0] == head + 2
    assert verify_store(store).ok


def test_agencies_offering_follow_the_agencies_documents(store: Any) -> None:
    first = record("intermediary", "listed-services-with-history")  # offers -002 and -003
    second = attrs.evolve(
        record("intermediary", "virtual-with-fee-ranges"),
        services=(attrs.evolve(first.services[0], name="防雷检测"),),  # offers -002
    )
    store.add(second)
    store.add(first)
    store.add(record("intermediary", "physical-surveying"))  # offers no listed service

    def offering(code: str) -> list[str]:
        return [doc["credit_code"] for doc, _ in store.agencies_offering(code)]

    assert offering("ZJ-370500-002") == sorted([first.credit_code, second.credit_code])
    assert offering("ZJ-370500-003") == [first.credit_code]
    assert offering("ZJ-370500-999") == []
    documents = store.agencies_offering("ZJ-370500-003")
    assert documents == [(codec.to_document(first), 1)]
    documents[0][0]["name"] = "改掉"  # a copy: the store is not changed through it
    assert store.get("intermediary", first.credit_code).record == first

    store.update(attrs.evolve(first, services=first.services[1:]), 1)
    assert offering("ZJ-370500-002") == [second.credit_code]
    assert offering("ZJ-370500-003") == [first.credit_code]
    assert store.agencies_offering("ZJ-370500-003")[0][1] == 2
    assert verify_store(store).ok


def test_blacklist_entries_of_subjects(store: Any) -> None:
    from govservice.samples import make_blacklist_entry

    listed = make_blacklist_entry(id="HMD-1")
    store.add(listed)
    store.add(make_blacklist_entry(id="HMD-0", subject=listed.subject))
    other = make_blacklist_entry(id="HMD-2")  # another enterprise
    store.add(other)
    number = listed.subject.identifier.number
    found = store.blacklist_entries_of([number, "91370500MA3CE1K7XK"])
    assert [e.id for e in found] == ["HMD-0", "HMD-1"]
    assert all(isinstance(e, BlacklistEntry) for e in found)
    assert store.blacklist_entries_of(["91370500MA3CE1K7XK"]) == []
    both = store.blacklist_entries_of([number, other.subject.identifier.number])
    assert [e.id for e in both] == ["HMD-0", "HMD-1", "HMD-2"]
    assert store.blacklist_entries_of([]) == []


def test_records_are_found_by_their_indexed_columns(store: Any) -> None:
    for kind, name in RECORDS:
        store.add(record(kind, name))
    late = record("engagement", "late-with-complaint")
    found = store.records_where("engagement", selection_id="XQ-2015-0002-1")
    assert [s.record for s in found] == [late]
    assert [
        s.record.id for s in store.records_where("engagement", credit_code=late.credit_code)
    ] == ["HT-2015-0002"]
    assert [s.record.id for s in store.records_where("selection", need_id="XQ-2015-0001")] == [
        "XQ-2015-0001-1"
    ]
    quarters = store.records_where(
        "agency-quarter", credit_code="91370523MA3EN4T6R1", period="2015Q3"
    )
    assert [q.record.grade for q in quarters] == [AgencyGrade.FAIL]
    assert (
        store.records_where("agency-quarter", credit_code="91370523MA3EN4T6R1", period="2015Q2")
        == []
    )
    assert [s.record.id for s in store.records_where("need", service_code="ZJ-370500-003")] == [
        "XQ-2015-0003"
    ]
    retained = store.records_where("intermediary-service", status="in_approval")
    assert [s.record.code for s in retained] == ["ZJ-370500-005"]
    with pytest.raises(UsageError, match="selection_id"):
        store.records_where("engagement", owner="x")
    with pytest.raises(UsageError):
        store.records_where("engagement")
