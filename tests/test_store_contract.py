"""The one contract every store backend keeps (see :mod:`govservice.store.base`).

Each test runs on every backend: ``memory``, ``sqlite`` (a fresh file) and ``postgresql``
(a fresh schema, when ``govservice-postgres`` is installed and
``GOVSERVICE_TEST_POSTGRES_DSN`` names a server). The tests are written once and expect
identical results from identical calls; the only per-backend code is the ``store``
fixture, which also marks the known backend bugs listed in ``KNOWN_BUGS``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import attrs
import pytest

from govservice.codec import from_document, to_document
from govservice.errors import (
    ConflictError,
    DuplicateRecordError,
    RecordNotFoundError,
    StoreError,
)
from govservice.importing import import_file
from govservice.model import (
    Case,
    CaseEvent,
    CaseState,
    ChargedFee,
    Contact,
    Decision,
    Evaluation,
    Fee,
    ListingSource,
    Material,
    Qualification,
    Revocation,
    ServiceOffer,
    SubmittedMaterial,
    Window,
)
from govservice.samples import (
    START,
    credit_code,
    enterprise,
    make_blacklist_entry,
    make_case,
    make_intermediary,
    make_item,
    make_station,
    person,
)
from govservice.store.base import OPEN_STATES, CaseQuery, DueCount, Page, Stored
from govservice.store.columns import columns_of, import_row
from govservice.store.ledger import canonical
from govservice.store.memory import MemoryStore
from govservice.store.sqlite import SqliteStore

BACKENDS = ("memory", "sqlite", "postgresql")

# Backend bugs found by this suite, as (test function, backend): reason. The fixture marks
# these tests xfail(strict=True): once the backend is fixed the test passes, strict xfail
# turns that into a failure, and the entry must be removed from here.
KNOWN_BUGS: dict[tuple[str, str], str] = {}


# --- the fixture: the only place that knows the backends ------------------------------------


def _postgres_module() -> Any:
    try:
        import govservice_postgres
        import govservice_postgres.testing
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail("govservice-postgres is not installed, and CI=true requires it")
        pytest.skip("govservice-postgres is not installed")
    return govservice_postgres


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path) -> Iterator[Any]:
    backend = request.param
    reason = KNOWN_BUGS.get((request.function.__name__, backend))
    if reason is not None:
        request.applymarker(pytest.mark.xfail(reason=f"backend bug: {reason}", strict=True))
    if backend == "memory":
        yield MemoryStore()
    elif backend == "sqlite":
        opened = SqliteStore(tmp_path / "govservice.db")
        yield opened
        opened.close()
    else:
        postgres = _postgres_module()
        dsn = postgres.testing.postgres_dsn_or_skip()
        with postgres.testing.fresh_schema(dsn) as schema:
            opened = postgres.PostgresStore(dsn, schema=schema)
            try:
                yield opened
            finally:
                opened.close()


# --- helpers ---------------------------------------------------------------------------------

DAY = dt.date(2015, 3, 10)
GUANGRAO, LIJIN, DONGYING_DISTRICT = "370523", "370522", "370502"
# Code point order (利 U+5229 < 广 U+5E7F) differs from pinyin order (guang < li): groups
# and keys sort by code point, whatever the database's collation.
DEPT_GR = "广饶县行政审批服务局"
DEPT_LJ = "利津县行政审批服务局"
DEPT_DY = "东营市东营区行政审批服务局"
# Identities whose code point order differs from most locale collations.
TRICKY_KEYS = ("a-1", "B", "A1", "A-2", "Z9", "a.1", "A_1", "0-9", "b", "AA")


def doc(record: Any) -> dict[str, Any]:
    return to_document(record)


def stored_docs(stored: Stored[Any] | None) -> tuple[dict[str, Any], int] | None:
    return None if stored is None else (doc(stored.record), stored.version)


def json_text(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def pairs(records: list[Any]) -> Iterator[tuple[dict[str, Any], str]]:
    """``import_batch`` input, as a generator (any iterable is accepted)."""
    for record in records:
        document = doc(record)
        yield document, json_text(document)


def all_pages(fetch: Callable[[str | None], Page[Any]], limit: int) -> list[Page[Any]]:
    """Follow ``next_after`` to the end; every page is full but the last, none is empty."""
    pages: list[Page[Any]] = []
    after: str | None = None
    for _ in range(1000):
        page = fetch(after)
        pages.append(page)
        assert len(page.records) <= limit
        if page.next_after is None:
            break
        assert len(page.records) == limit
        assert isinstance(page.next_after, str)
        after = page.next_after
    else:
        pytest.fail("paging never ended")
    assert all(page.records for page in pages[:-1])
    return pages


def event(at: dt.datetime, action: str, note: str | None = None) -> CaseEvent:
    return CaseEvent(
        at=at,
        actor="窗口王芳",
        role="window_clerk",
        action=action,
        from_state="submitted",
        to_state="accepted",
        note=note,
    )


# --- mutable kinds ---------------------------------------------------------------------------


@attrs.frozen
class KindSpec:
    name: str
    make: Callable[[str, str], Any]  # (identity, region) -> record
    key: Callable[[Any], str]
    field: str  # a text field changed by updates
    keys: tuple[str, ...]  # ten valid identities, not in sorted order


def _entry(key: str, region: str) -> Any:
    return make_blacklist_entry(id=key, source=ListingSource(kind="own", region=region))


_CREDIT_CODES = tuple(credit_code(seed) for seed in (42, 1, 961, 31, 29791, 5, 12345, 7, 999, 100))

SPECS = {
    spec.name: spec
    for spec in (
        KindSpec(
            "case",
            lambda key, region: make_case(id=key, region=region),
            lambda r: r.id,
            "handler",
            TRICKY_KEYS,
        ),
        KindSpec(
            "station",
            lambda key, region: make_station(code=key, region=region),
            lambda r: r.code,
            "address",
            TRICKY_KEYS,
        ),
        KindSpec(
            "intermediary",
            lambda key, region: make_intermediary(credit_code=key, region=region),
            lambda r: r.credit_code,
            "name",
            _CREDIT_CODES,
        ),
        KindSpec("blacklist-entry", _entry, lambda r: r.id, "reason", TRICKY_KEYS),
    )
}


@pytest.fixture(params=list(SPECS))
def spec(request: pytest.FixtureRequest) -> KindSpec:
    return SPECS[request.param]


def changed(spec: KindSpec, record: Any, n: int) -> Any:
    return attrs.evolve(record, **{spec.field: f"第{n}次变更"})


# --- opening ---------------------------------------------------------------------------------


def test_schema_version_is_a_positive_number(store):
    version = store.schema_version()
    assert type(version) is int
    assert version >= 1


def test_a_new_store_is_at_the_latest_schema_and_migrate_does_nothing(store):
    latest = store.latest_schema_version()
    assert type(latest) is int
    assert store.schema_version() == latest
    assert store.migrate() == []
    assert store.schema_version() == latest


def test_a_new_store_is_empty(store, spec):
    assert list(store.items()) == []
    assert store.get(spec.name, spec.keys[0]) is None
    assert store.list(spec.name) == Page((), None)
    assert store.find_cases(CaseQuery()) == Page((), None)
    assert store.count_cases(CaseQuery()) == 0
    assert store.due_counts(DAY, DAY, "region") == []
    assert store.count(spec.name) == 0
    assert store.count("item") == 0


# --- the catalog -----------------------------------------------------------------------------


def test_add_item_same_version_twice_is_a_no_op(store):
    item = make_item()
    store.add_item(item)
    store.add_item(make_item())  # an equal, separately built item
    assert [doc(i) for i in store.item_versions(item.code)] == [doc(item)]
    assert doc(store.item(item.code)) == doc(item)


def test_add_item_same_version_other_content_raises(store):
    item = make_item()
    store.add_item(item)
    with pytest.raises(DuplicateRecordError, match=item.code):
        store.add_item(attrs.evolve(item, name="建设工程规划许可证变更"))
    assert [doc(i) for i in store.item_versions(item.code)] == [doc(item)]


def test_add_item_same_version_written_differently_raises(store):
    # 10.0 and 10.00 are equal numbers but different documents: storing the second would
    # change what is read back, so it is other content.
    first = make_item(fees=(Fee(name="执照工本费", amount=Decimal("10.0")),))
    store.add_item(first)
    with pytest.raises(DuplicateRecordError):
        store.add_item(make_item(fees=(Fee(name="执照工本费", amount=Decimal("10.00")),)))
    assert doc(store.item(first.code))["fees"] == [{"name": "执照工本费", "amount": "10.0"}]


def test_item_latest_and_specific_versions(store):
    code = "11370500004275432Y-XK-0001"
    v1, v2, v3 = (make_item(code=code, version=v, name=f"第{v}版") for v in (1, 2, 3))
    for item in (v1, v3, v2):  # out of order
        store.add_item(item)
    assert doc(store.item(code)) == doc(v3)
    assert doc(store.item(code, None)) == doc(v3)
    assert doc(store.item(code, 1)) == doc(v1)
    assert doc(store.item(code, 2)) == doc(v2)
    assert store.item(code, 4) is None
    assert store.item("11370500004275432Y-XK-9999") is None
    assert store.item("11370500004275432Y-XK-9999", 1) is None


def test_item_versions_oldest_first_in_numeric_order(store):
    code = "11370500004275432Y-XK-0002"
    for version in (2, 10, 1, 9):
        store.add_item(make_item(code=code, version=version))
    store.add_item(make_item(code="11370500004275432Y-XK-0003", version=5))
    assert [i.version for i in store.item_versions(code)] == [1, 2, 9, 10]
    assert all(i.code == code for i in store.item_versions(code))
    assert store.item(code).version == 10
    assert store.item_versions("11370500004275432Y-XK-9999") == []


def test_items_gives_latest_versions_only_by_code_and_region(store):
    codes = ["ab-12", "AB-12", "AB12", "Ab-12", "0000-XK"]  # code point order differs from locales
    for code in codes:
        store.add_item(make_item(code=code, region=GUANGRAO))
        store.add_item(make_item(code=code, version=2, region=GUANGRAO, name=f"{code} 第2版"))
    store.add_item(make_item(code="LJ-0001", region=LIJIN))
    # an item moved to another region: its latest version counts, not its old one
    store.add_item(make_item(code="MOVE-0001", region=GUANGRAO))
    store.add_item(make_item(code="MOVE-0001", version=2, region=LIJIN))

    every = list(store.items())
    assert [(i.code, i.version) for i in every] == sorted(
        [(c, 2) for c in codes] + [("LJ-0001", 1), ("MOVE-0001", 2)]
    )
    assert all(doc(i) == doc(store.item(i.code)) for i in every)
    assert [(i.code, i.version) for i in store.items(region=GUANGRAO)] == sorted(
        (c, 2) for c in codes
    )
    assert [(i.code, i.version) for i in store.items(region=LIJIN)] == [
        ("LJ-0001", 1),
        ("MOVE-0001", 2),
    ]
    assert list(store.items(region=DONGYING_DISTRICT)) == []


# --- mutable records -------------------------------------------------------------------------


def test_add_stores_at_version_1(store, spec):
    record = spec.make(spec.keys[0], GUANGRAO)
    added = store.add(record)
    assert added.version == 1
    assert doc(added.record) == doc(record)
    assert stored_docs(store.get(spec.name, spec.keys[0])) == (doc(record), 1)


def test_update_moves_to_the_next_version(store, spec):
    record = spec.make(spec.keys[0], GUANGRAO)
    store.add(record)
    second = changed(spec, record, 1)
    updated = store.update(second, 1)
    assert (doc(updated.record), updated.version) == (doc(second), 2)
    assert stored_docs(store.get(spec.name, spec.keys[0])) == (doc(second), 2)
    third = changed(spec, second, 2)
    assert store.update(third, 2).version == 3
    assert stored_docs(store.get(spec.name, spec.keys[0])) == (doc(third), 3)


@pytest.mark.parametrize("stale", [1, 3, 0])
def test_stale_version_raises_conflict_and_changes_nothing(store, spec, stale):
    record = spec.make(spec.keys[0], GUANGRAO)
    store.add(record)
    second = changed(spec, record, 1)
    store.update(second, 1)
    with pytest.raises(ConflictError, match=spec.keys[0]):
        store.update(changed(spec, record, 9), stale)
    assert stored_docs(store.get(spec.name, spec.keys[0])) == (doc(second), 2)


def test_update_of_unknown_record_raises_not_found(store, spec):
    other = spec.make(spec.keys[1], GUANGRAO)
    store.add(other)
    missing = spec.make(spec.keys[0], GUANGRAO)
    with pytest.raises(RecordNotFoundError, match=spec.keys[0]):
        store.update(missing, 1)
    assert store.get(spec.name, spec.keys[0]) is None
    assert stored_docs(store.get(spec.name, spec.keys[1])) == (doc(other), 1)


def test_duplicate_add_raises_and_changes_nothing(store, spec):
    record = spec.make(spec.keys[0], GUANGRAO)
    store.add(record)
    second = changed(spec, record, 1)
    store.update(second, 1)
    with pytest.raises(DuplicateRecordError, match=spec.keys[0]):
        store.add(changed(spec, record, 7))
    with pytest.raises(DuplicateRecordError):
        store.add(second)
    assert stored_docs(store.get(spec.name, spec.keys[0])) == (doc(second), 2)


def test_get_unknown_gives_none(store, spec):
    store.add(spec.make(spec.keys[0], GUANGRAO))
    assert store.get(spec.name, spec.keys[1]) is None
    other_kind = "station" if spec.name != "station" else "case"
    assert store.get(other_kind, spec.keys[0]) is None


def test_count_counts_records_of_a_kind_and_item_versions(store, spec):
    for key in spec.keys[:4]:
        store.add(spec.make(key, GUANGRAO))
    store.update(changed(spec, store.get(spec.name, spec.keys[0]).record, 1), 1)
    with pytest.raises(DuplicateRecordError):
        store.add(spec.make(spec.keys[1], LIJIN))
    assert store.count(spec.name) == 4
    assert type(store.count(spec.name)) is int
    for other in SPECS:
        if other != spec.name:
            assert store.count(other) == 0
    for version in (1, 2, 3):
        store.add_item(make_item(version=version))
    store.add_item(make_item(version=3))  # the same again: a no-op
    store.add_item(make_item(code="LJ-0001", region=LIJIN))
    assert store.count("item") == 4


def test_list_by_region_pages_in_identity_order(store, spec):
    in_guangrao = spec.keys[:7]
    for i, key in enumerate(spec.keys):
        store.add(spec.make(key, GUANGRAO if key in in_guangrao else LIJIN))
        if i % 3 == 0:  # some records at version 2 too
            store.update(changed(spec, store.get(spec.name, key).record, 1), 1)

    pages = all_pages(
        lambda after: store.list(spec.name, region=GUANGRAO, limit=3, after=after), 3
    )
    assert [len(page.records) for page in pages] == [3, 3, 1]
    listed = [s for page in pages for s in page.records]
    assert [spec.key(s.record) for s in listed] == sorted(in_guangrao)
    for s in listed:  # each as stored, with its current version
        assert stored_docs(s) == stored_docs(store.get(spec.name, spec.key(s.record)))

    everything = all_pages(lambda after: store.list(spec.name, limit=5, after=after), 5)
    assert [len(page.records) for page in everything] == [5, 5]  # no empty last page
    assert [spec.key(s.record) for p in everything for s in p.records] == sorted(spec.keys)

    assert [spec.key(s.record) for s in store.list(spec.name, region=LIJIN).records] == sorted(
        spec.keys[7:]
    )
    assert store.list(spec.name, region=DONGYING_DISTRICT) == Page((), None)


def test_list_paging_is_stable_while_records_change(store, spec):
    keys = sorted(spec.keys)
    for key in keys[1::2]:
        store.add(spec.make(key, GUANGRAO))
    seen: list[str] = []
    first = store.list(spec.name, region=GUANGRAO, limit=2)
    seen += [spec.key(s.record) for s in first.records]
    # between pages: a seen record changes, a record is added before the cursor, another
    # after it
    stored = store.get(spec.name, seen[0])
    store.update(changed(spec, stored.record, 1), stored.version)
    store.add(spec.make(keys[0], GUANGRAO))
    store.add(spec.make(keys[-2], GUANGRAO))
    pages = all_pages(
        lambda after: store.list(
            spec.name, region=GUANGRAO, limit=2, after=after or first.next_after
        ),
        2,
    )
    seen += [spec.key(s.record) for page in pages for s in page.records]
    assert seen == [*keys[1::2][:2], *sorted(set(keys[1::2][2:]) | {keys[-2]})]
    assert len(seen) == len(set(seen))


# --- events are append-only ------------------------------------------------------------------


def _case_with_events() -> Any:
    return make_case(
        events=(
            event(START, "收件", "材料齐全"),
            event(START + dt.timedelta(hours=1), "受理"),
        )
    )


def test_events_may_be_appended(store):
    case = _case_with_events()
    store.add(case)
    more = attrs.evolve(
        case, events=(*case.events, event(START + dt.timedelta(days=1), "审查", "现场勘验"))
    )
    assert store.update(more, 1).version == 2
    assert stored_docs(store.get("case", case.id)) == (doc(more), 2)
    assert len(store.get("case", case.id).record.events) == 3


@pytest.mark.parametrize(
    "rewrite",
    [
        pytest.param(lambda events: events[:1], id="drop-last"),
        pytest.param(lambda events: events[1:], id="drop-first"),
        pytest.param(lambda events: (), id="drop-all"),
        pytest.param(lambda events: events[::-1], id="reorder"),
        pytest.param(
            lambda events: (attrs.evolve(events[0], note="材料不全"), events[1]), id="change-note"
        ),
        pytest.param(
            lambda events: (events[0], attrs.evolve(events[1], actor="他人")), id="change-actor"
        ),
        pytest.param(
            lambda events: (
                events[0],
                attrs.evolve(events[1], at=events[1].at + dt.timedelta(seconds=1)),
                event(START + dt.timedelta(days=2), "审查"),
            ),
            id="change-and-append",
        ),
    ],
)
def test_events_cannot_be_changed_or_dropped(store, rewrite):
    case = _case_with_events()
    store.add(case)
    with pytest.raises(StoreError, match="append-only") as raised:
        store.update(attrs.evolve(case, handler="李娜", events=rewrite(case.events)), 1)
    assert not isinstance(raised.value, ConflictError | RecordNotFoundError)
    assert stored_docs(store.get("case", case.id)) == (doc(case), 1)


def test_events_cannot_be_rewritten_even_at_the_same_instant(store):
    case = _case_with_events()
    store.add(case)
    in_utc = attrs.evolve(case.events[0], at=case.events[0].at.astimezone(dt.UTC))
    assert in_utc.at == case.events[0].at  # the same instant, another document
    with pytest.raises(StoreError, match="append-only"):
        store.update(attrs.evolve(case, events=(in_utc, case.events[1])), 1)
    assert stored_docs(store.get("case", case.id)) == (doc(case), 1)


def test_stale_update_with_events_is_a_conflict_first(store):
    case = _case_with_events()
    store.add(case)
    store.update(attrs.evolve(case, handler="李娜"), 1)
    with pytest.raises(ConflictError):
        store.update(attrs.evolve(case, events=()), 1)
    assert store.get("case", case.id).version == 2


# --- transactions ----------------------------------------------------------------------------


class Boom(Exception):
    pass


def _seed(store) -> tuple[Any, Any]:
    station = make_station(code="GR-ST-1")
    case = make_case(id="GR-CASE-1")
    store.add(station)
    store.add(case)
    return station, case


def _snapshot(store) -> Any:
    return (
        [doc(i) for i in store.items()],
        [stored_docs(s) for kind in SPECS for s in store.list(kind, limit=1000).records],
        store.count_cases(CaseQuery()),
        [store.count(kind) for kind in ("item", *SPECS)],
    )


def test_an_exception_rolls_back_every_write_of_the_transaction(store):
    station, case = _seed(store)
    before = _snapshot(store)

    def writes() -> None:
        with store.transaction():
            store.add_item(make_item())
            store.add(make_case(id="GR-CASE-2"))
            store.update(attrs.evolve(station, address="新址"), 1)
            store.update(attrs.evolve(case, state="accepted"), 1)
            store.update(attrs.evolve(case, state="in_review"), 2)
            store.import_batch("intermediary", pairs([make_intermediary()]))
            store.import_batch("item", pairs([make_item(code="IMPORTED-1")]))
            assert store.get("case", "GR-CASE-2") is not None  # visible inside
            assert store.get("case", case.id).version == 3
            raise Boom

    with pytest.raises(Boom):
        writes()
    assert _snapshot(store) == before
    assert store.get("case", "GR-CASE-2") is None
    assert stored_docs(store.get("case", case.id)) == (doc(case), 1)
    assert stored_docs(store.get("station", station.code)) == (doc(station), 1)
    # the store is usable afterwards
    store.add(make_case(id="GR-CASE-2"))
    assert store.get("case", "GR-CASE-2").version == 1


def test_a_store_error_inside_rolls_back_the_earlier_writes(store):
    station, case = _seed(store)
    before = _snapshot(store)

    def writes() -> None:
        with store.transaction():
            store.update(attrs.evolve(station, address="新址"), 1)
            store.add(make_case(id="GR-CASE-2"))
            store.update(attrs.evolve(case, handler="李娜"), 5)

    with pytest.raises(ConflictError):
        writes()
    assert _snapshot(store) == before


def test_a_transaction_without_exception_commits(store):
    station, _ = _seed(store)
    with store.transaction():
        store.add(make_case(id="GR-CASE-2"))
        store.update(attrs.evolve(station, address="新址"), 1)
        store.add_item(make_item())
    assert store.get("case", "GR-CASE-2").version == 1
    assert store.get("station", station.code).record.address == "新址"
    assert store.item(make_item().code) is not None


def test_a_refused_write_inside_a_transaction_leaves_it_usable(store):
    station, case = _seed(store)
    with_events = _case_with_events()
    store.add(with_events)
    store.add_item(make_item())
    with store.transaction():
        store.add(make_case(id="GR-CASE-2"))
        with pytest.raises(DuplicateRecordError):
            store.add(make_case(id="GR-CASE-1"))
        with pytest.raises(ConflictError):
            store.update(attrs.evolve(station, address="旧址"), 7)
        with pytest.raises(RecordNotFoundError):
            store.update(make_case(id="GR-CASE-9"), 1)
        with pytest.raises(DuplicateRecordError):
            store.add_item(make_item(name="同一版本，不同内容"))
        with pytest.raises(StoreError, match="append-only"):
            store.update(attrs.evolve(with_events, events=()), 1)
        store.update(attrs.evolve(station, address="新址"), 1)
        store.add(make_case(id="GR-CASE-3"))
    assert store.get("case", "GR-CASE-2").version == 1
    assert store.get("case", "GR-CASE-3").version == 1
    assert stored_docs(store.get("case", case.id)) == (doc(case), 1)
    assert store.get("station", station.code).record.address == "新址"
    assert stored_docs(store.get("case", with_events.id)) == (doc(with_events), 1)
    assert store.count("case") == 4


def test_nested_transactions_join_the_outer(store):
    station, case = _seed(store)
    before = _snapshot(store)

    def writes() -> None:
        with store.transaction():
            store.add(make_case(id="GR-CASE-2"))
            with store.transaction():
                store.update(attrs.evolve(station, address="新址"), 1)
                with store.transaction():
                    store.add_item(make_item())
            # the inner ones ended without error, but only the outer one commits
            assert store.get("station", station.code).version == 2
            raise Boom

    with pytest.raises(Boom):
        writes()
    assert _snapshot(store) == before

    with store.transaction():
        with store.transaction():
            store.add(make_case(id="GR-CASE-3"))
        store.update(attrs.evolve(case, handler="李娜"), 1)
    assert store.get("case", "GR-CASE-3").version == 1
    assert store.get("case", case.id).version == 2


def test_an_exception_in_a_nested_transaction_rolls_back_the_outer(store):
    _seed(store)
    before = _snapshot(store)

    def writes() -> None:
        with store.transaction():
            store.add(make_case(id="GR-CASE-2"))
            with store.transaction():
                store.add(make_case(id="GR-CASE-3"))
                raise Boom

    with pytest.raises(Boom):
        writes()
    assert _snapshot(store) == before


# --- finding and counting cases --------------------------------------------------------------

ITEM_GR, ITEM_LJ = "370523-XK-0001", "370522-XK-0002"


def _queue_case(case_id, state, region, department, station, handler, item, due, green) -> Any:
    return make_case(
        id=case_id,
        state=state,
        region=region,
        department=department,
        station_code=station,
        handler=handler,
        item_code=item,
        promised_due=None if due is None else DAY + dt.timedelta(days=due),
        legal_due=None if due is None else DAY + dt.timedelta(days=due + 15),
        green_channel=green,
    )


QUEUE = (
    ("Q-01", "accepted", GUANGRAO, DEPT_GR, "ST-1", "王芳", ITEM_GR, 1, False),
    ("Q-02", "in_review", GUANGRAO, DEPT_GR, "ST-2", "李娜", ITEM_GR, 3, True),
    ("Q-03", "submitted", LIJIN, DEPT_LJ, None, None, ITEM_LJ, None, False),
    ("Q-04", "completed", GUANGRAO, DEPT_GR, "ST-1", "王芳", ITEM_GR, -2, False),
    ("Q-05", "accepted", LIJIN, DEPT_LJ, "ST-3", "李娜", ITEM_LJ, 1, False),
    ("Q-06", "suspended", GUANGRAO, DEPT_LJ, "ST-2", None, ITEM_LJ, 0, True),
    ("Q-07", "accepted", LIJIN, DEPT_LJ, None, "王芳", ITEM_GR, None, True),
    ("Q-08", "withdrawn", LIJIN, DEPT_GR, None, None, ITEM_LJ, 5, False),
)
# green channel first, then the earliest promised due date (none: last), then id
QUEUE_ORDER = ["Q-06", "Q-02", "Q-07", "Q-04", "Q-01", "Q-05", "Q-08", "Q-03"]


@pytest.fixture
def queue(store) -> Any:
    for row in reversed(QUEUE):
        store.add(_queue_case(*row))
    return store


def found(store, query: CaseQuery, limit: int = 1000) -> list[str]:
    page = store.find_cases(query, limit=limit)
    assert page.next_after is None
    return [s.record.id for s in page.records]


D = DAY
QUERIES = [
    pytest.param(CaseQuery(), QUEUE_ORDER, id="everything"),
    pytest.param(CaseQuery(states=[CaseState.ACCEPTED]), ["Q-07", "Q-01", "Q-05"], id="one-state"),
    pytest.param(
        CaseQuery(states=(CaseState.ACCEPTED, CaseState.IN_REVIEW)),
        ["Q-02", "Q-07", "Q-01", "Q-05"],
        id="two-states",
    ),
    pytest.param(
        CaseQuery(states=OPEN_STATES, region=GUANGRAO), ["Q-06", "Q-02", "Q-01"], id="open-region"
    ),
    pytest.param(CaseQuery(region=GUANGRAO), ["Q-06", "Q-02", "Q-04", "Q-01"], id="region"),
    pytest.param(CaseQuery(department=DEPT_LJ), ["Q-06", "Q-07", "Q-05", "Q-03"], id="department"),
    pytest.param(CaseQuery(station_code="ST-1"), ["Q-04", "Q-01"], id="station"),
    pytest.param(CaseQuery(handler="王芳"), ["Q-07", "Q-04", "Q-01"], id="handler"),
    pytest.param(CaseQuery(item_code=ITEM_LJ), ["Q-06", "Q-05", "Q-08", "Q-03"], id="item"),
    pytest.param(
        CaseQuery(due_from=D + dt.timedelta(days=1)),
        ["Q-02", "Q-01", "Q-05", "Q-08"],
        id="due-from",
    ),
    pytest.param(
        CaseQuery(due_to=D + dt.timedelta(days=1)), ["Q-06", "Q-04", "Q-01", "Q-05"], id="due-to"
    ),
    pytest.param(
        CaseQuery(due_from=D, due_to=D + dt.timedelta(days=3)),
        ["Q-06", "Q-02", "Q-01", "Q-05"],
        id="due-window-inclusive",
    ),
    pytest.param(
        CaseQuery(due_from=D + dt.timedelta(days=1), due_to=D + dt.timedelta(days=1)),
        ["Q-01", "Q-05"],
        id="due-one-day",
    ),
    pytest.param(
        CaseQuery(states=[CaseState.ACCEPTED], region=LIJIN, handler="王芳", item_code=ITEM_GR),
        ["Q-07"],
        id="combined",
    ),
    pytest.param(CaseQuery(handler="无此人"), [], id="no-match"),
    pytest.param(
        CaseQuery(region=GUANGRAO, department=DEPT_GR, station_code="ST-3"), [], id="none"
    ),
]


@pytest.mark.parametrize(("query", "expected"), QUERIES)
def test_find_cases_filters_in_work_queue_order(queue, query, expected):
    assert found(queue, query) == expected
    assert queue.count_cases(query) == len(expected)
    assert type(queue.count_cases(query)) is int


def test_find_cases_takes_states_as_text(queue):
    # CaseState is a StrEnum and every model converts text to it; so does a query
    query = CaseQuery(states=["accepted", "in_review"])
    assert found(queue, query) == ["Q-02", "Q-07", "Q-01", "Q-05"]
    assert queue.count_cases(query) == 4


def test_find_cases_gives_the_stored_records_and_versions(queue):
    case = queue.get("case", "Q-01").record
    queue.update(attrs.evolve(case, handler="张强"), 1)
    page = queue.find_cases(CaseQuery(region=GUANGRAO))
    by_id = {s.record.id: s for s in page.records}
    assert (by_id["Q-01"].version, by_id["Q-01"].record.handler) == (2, "张强")
    for s in page.records:
        assert stored_docs(s) == stored_docs(queue.get("case", s.record.id))


def test_work_queue_order_breaks_ties_by_id_in_code_point_order(store):
    for key in TRICKY_KEYS:
        store.add(make_case(id=key, promised_due=DAY))
    store.add(make_case(id="zz-green", green_channel=True))  # green without a due date: first
    store.add(make_case(id="00-late", promised_due=DAY + dt.timedelta(days=1)))
    store.add(make_case(id="zz-early", promised_due=DAY - dt.timedelta(days=1)))
    expected = ["zz-green", "zz-early", *sorted(TRICKY_KEYS), "00-late"]
    assert found(store, CaseQuery()) == expected
    pages = all_pages(lambda after: store.find_cases(CaseQuery(), limit=4, after=after), 4)
    assert [s.record.id for p in pages for s in p.records] == expected


@pytest.mark.parametrize("limit", [1, 2, 3, 4, 7, 8, 9])
def test_find_cases_pages_without_duplicates_or_gaps(queue, limit):
    pages = all_pages(lambda after: queue.find_cases(CaseQuery(), limit=limit, after=after), limit)
    assert [s.record.id for p in pages for s in p.records] == QUEUE_ORDER
    assert len(pages) == -(-len(QUEUE_ORDER) // limit)


def test_find_cases_pages_with_a_filter(queue):
    query = CaseQuery(region=GUANGRAO)
    pages = all_pages(lambda after: queue.find_cases(query, limit=2, after=after), 2)
    assert [[s.record.id for s in p.records] for p in pages] == [
        ["Q-06", "Q-02"],
        ["Q-04", "Q-01"],
    ]


def test_find_cases_paging_is_stable_while_cases_change(queue):
    first = queue.find_cases(CaseQuery(), limit=3)
    assert [s.record.id for s in first.records] == QUEUE_ORDER[:3]
    # a seen case changes (not its place), a new case sorts before the cursor
    q02 = queue.get("case", "Q-02")
    queue.update(attrs.evolve(q02.record, handler="张强"), q02.version)
    queue.add(_queue_case("Q-00", "accepted", GUANGRAO, DEPT_GR, None, None, ITEM_GR, -9, True))
    rest = all_pages(
        lambda after: queue.find_cases(CaseQuery(), limit=3, after=after or first.next_after), 3
    )
    assert [s.record.id for p in rest for s in p.records] == QUEUE_ORDER[3:]


def test_queries_follow_updates(queue):
    q01 = queue.get("case", "Q-01").record
    queue.update(
        attrs.evolve(
            q01,
            state="completed",
            region=LIJIN,
            department=DEPT_LJ,
            station_code="ST-9",
            handler="张强",
            item_code=ITEM_LJ,
            green_channel=True,
            promised_due=D + dt.timedelta(days=2),
        ),
        1,
    )
    assert "Q-01" not in found(queue, CaseQuery(region=GUANGRAO))
    assert "Q-01" not in found(queue, CaseQuery(states=[CaseState.ACCEPTED]))
    assert "Q-01" not in found(queue, CaseQuery(handler="王芳"))
    assert found(queue, CaseQuery(station_code="ST-9")) == ["Q-01"]
    assert found(queue, CaseQuery(handler="张强")) == ["Q-01"]
    assert found(queue, CaseQuery(states=[CaseState.COMPLETED], region=LIJIN)) == ["Q-01"]
    assert found(
        queue, CaseQuery(due_from=D + dt.timedelta(days=2), due_to=D + dt.timedelta(days=2))
    ) == ["Q-01"]
    assert found(queue, CaseQuery())[:3] == ["Q-06", "Q-01", "Q-02"]
    assert queue.count_cases(CaseQuery(item_code=ITEM_LJ)) == 5


# --- due counts ------------------------------------------------------------------------------

DUE = (
    # id, state, region, department, due (days from DAY)
    ("O-01", "accepted", GUANGRAO, DEPT_GR, -1),  # yesterday: overdue
    ("O-02", "in_review", GUANGRAO, DEPT_GR, 0),  # today: near due
    ("O-03", "accepted", GUANGRAO, DEPT_LJ, 2),  # the last near day: near due
    ("O-04", "accepted", GUANGRAO, DEPT_GR, 3),  # after it: not counted
    ("O-05", "completed", GUANGRAO, DEPT_GR, -1),  # closed: never counted
    ("O-06", "withdrawn", LIJIN, DEPT_LJ, 0),  # closed
    ("O-07", "not_accepted", LIJIN, DEPT_LJ, -10),  # closed
    ("O-08", "suspended", LIJIN, DEPT_LJ, -10),  # open, long overdue
    ("O-09", "accepted", LIJIN, DEPT_GR, None),  # no promised due date: never counted
    ("O-10", "accepted", DONGYING_DISTRICT, DEPT_DY, 30),  # far: its groups do not appear
    ("O-11", "completed", DONGYING_DISTRICT, DEPT_DY, -1),  # closed
    ("O-12", "awaiting_supplement", LIJIN, DEPT_GR, 1),  # near due
    ("O-13", "submitted", GUANGRAO, DEPT_GR, -400),  # long overdue
)


@pytest.fixture
def due(store) -> Any:
    for case_id, state, region, department, days in DUE:
        promised = None if days is None else DAY + dt.timedelta(days=days)
        store.add(
            make_case(
                id=case_id,
                state=state,
                region=region,
                department=department,
                promised_due=promised,
            )
        )
    return store


def _check_types(counts: list[DueCount]) -> None:
    for count in counts:
        assert (type(count.group), type(count.overdue), type(count.near_due)) == (str, int, int)


def test_due_counts_by_region(due):
    counts = due.due_counts(DAY, DAY + dt.timedelta(days=2), "region")
    assert counts == [DueCount(LIJIN, 1, 1), DueCount(GUANGRAO, 2, 2)]
    _check_types(counts)


def test_due_counts_by_department(due):
    counts = due.due_counts(DAY, DAY + dt.timedelta(days=2), "department")
    # by code point: 利 (U+5229) before 广 (U+5E7F)
    assert counts == [DueCount(DEPT_LJ, 1, 1), DueCount(DEPT_GR, 2, 2)]
    _check_types(counts)


def test_due_counts_move_with_today(due):
    tomorrow = DAY + dt.timedelta(days=1)
    assert due.due_counts(tomorrow, tomorrow, "region") == [
        DueCount(LIJIN, 1, 1),  # O-08 overdue, O-12 due today
        DueCount(GUANGRAO, 3, 0),  # O-01, O-02 (due yesterday now), O-13
    ]
    assert due.due_counts(DAY, DAY, "department") == [
        DueCount(DEPT_LJ, 1, 0),
        DueCount(DEPT_GR, 2, 1),
    ]
    long_ago = DAY - dt.timedelta(days=1000)
    assert due.due_counts(long_ago, long_ago, "region") == []


def test_due_counts_follow_updates(due):
    o02 = due.get("case", "O-02").record
    due.update(attrs.evolve(o02, state="completed"), 1)  # closing it
    o09 = due.get("case", "O-09").record
    due.update(attrs.evolve(o09, promised_due=DAY - dt.timedelta(days=3)), 1)  # now dated
    assert due.due_counts(DAY, DAY + dt.timedelta(days=2), "region") == [
        DueCount(LIJIN, 2, 1),
        DueCount(GUANGRAO, 2, 1),
    ]


# --- import ----------------------------------------------------------------------------------

IMPORTERS = ("import_batch", "import_rows", "import_packed")


@pytest.fixture(params=IMPORTERS)
def importer(request: pytest.FixtureRequest) -> Callable[..., int]:
    """``import_batch`` with ``(document, text)`` pairs, ``import_rows`` with the rows
    :func:`~govservice.store.columns.import_row` makes, or ``import_packed`` with the rows'
    columns packed by the store's ``import_packer`` and the texts in UTF-8 (as
    :func:`govservice.importing.import_file` does)."""

    def run(store, kind: str, records: list[Any], texts: list[str] | None = None) -> int:
        texts = texts or [json_text(doc(record)) for record in records]
        documents = [json.loads(text) for text in texts]
        if request.param == "import_batch":
            return store.import_batch(kind, iter(list(zip(documents, texts, strict=True))))
        if request.param == "import_packed":
            packed = store.import_packer(kind)([columns_of(kind)(d) for d in documents])
            return store.import_packed(kind, packed, [text.encode() for text in texts])
        rows = [import_row(kind, d, t) for d, t in zip(documents, texts, strict=True)]
        return store.import_rows(kind, rows)

    return run


def _blacklist_batch() -> list[Any]:
    return [_entry(key, GUANGRAO) for key in ("BL-3", "BL-1", "BL-2")]


def _case_batch() -> list[Any]:
    return [make_case(id=key, region=LIJIN) for key in ("IMP-3", "IMP-1", "IMP-2")]


@pytest.mark.parametrize(
    ("kind", "batch"),
    [("case", _case_batch), ("blacklist-entry", _blacklist_batch)],
)
def test_import_is_idempotent(store, importer, kind, batch):
    records = batch()
    key = SPECS[kind].key
    assert importer(store, kind, records) == 3
    for record in records:
        assert stored_docs(store.get(kind, key(record))) == (doc(record), 1)
    assert importer(store, kind, records) == 0
    assert importer(store, kind, []) == 0
    assert store.count(kind) == 3

    # an existing record changed since: importing its old or another text changes nothing
    first = records[0]
    newer = changed(SPECS[kind], first, 1)
    store.update(newer, 1)
    other = changed(SPECS[kind], first, 2)
    extra = SPECS[kind].make("IMP-9", LIJIN)
    assert importer(store, kind, [other, *records, extra]) == 1
    assert stored_docs(store.get(kind, key(first))) == (doc(newer), 2)
    for record in records[1:]:
        assert stored_docs(store.get(kind, key(record))) == (doc(record), 1)
    assert stored_docs(store.get(kind, key(extra))) == (doc(extra), 1)
    assert len(store.list(kind).records) == store.count(kind) == 4


@pytest.mark.parametrize("workers", [1, 2])
def test_a_file_of_awkward_lines_imports_as_written(store, tmp_path, workers):
    """``import_file`` end to end: a byte order mark, CRLF line ends, blank lines, texts
    each backend must escape or encode (quotes, backslashes and what they would escape in
    the indexed columns, tabs and newlines in the JSON text: the schemas refuse control
    characters in names, issue 10), tabs between JSON values, and a case repeated in its
    batch and in a later one (the first one wins)."""
    cases = [
        make_case(id="AWK-1", handler="王'芳\"\\N"),
        make_case(id="AWK-2", handler="反斜杠\\与\\t制表", department="审批\\x01局"),
        make_case(id="AWK-3", attributes={"memo": "第一行\\n第二行\\r\\N"}),
        make_case(id="AWK-4", region=LIJIN, refusal_reason="第一行\n\t第二行\n"),
    ]
    texts = [json_text(doc(case)) for case in cases]
    texts[3] = texts[3].replace(',"', ',\t"')
    again = json_text(doc(attrs.evolve(cases[0], handler="李娜")))
    lines = [texts[0], "", texts[1], " \t", texts[2], again, texts[3], texts[0]]
    path = tmp_path / "cases.jsonl"
    path.write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n\r\n").encode())

    report = import_file(store, "case", path, batch_size=3, workers=workers)
    assert (report.read, report.inserted, report.skipped, report.batches) == (6, 4, 2, 2)
    for case in cases:
        assert stored_docs(store.get("case", case.id)) == (doc(case), 1)
    assert found(store, CaseQuery(handler="王'芳\"\\N")) == ["AWK-1"]
    assert found(store, CaseQuery(department="审批\\x01局")) == ["AWK-2"]
    assert found(store, CaseQuery(region=LIJIN)) == ["AWK-4"]

    again = import_file(store, "case", path, batch_size=3, workers=workers)
    assert (again.inserted, again.skipped) == (0, 6)
    assert store.count("case") == 4


def test_import_counts_a_repeated_identity_once(store, importer):
    first = make_case(id="IMP-1", handler="王芳")
    again = attrs.evolve(first, handler="李娜")
    assert importer(store, "case", [first, again]) == 1
    assert stored_docs(store.get("case", "IMP-1")) == (doc(first), 1)


def test_imported_cases_are_found_and_counted(store, importer):
    cases = [_queue_case(*row) for row in QUEUE]
    assert importer(store, "case", cases) == len(cases)
    assert found(store, CaseQuery()) == QUEUE_ORDER
    assert found(store, CaseQuery(handler="王芳")) == ["Q-07", "Q-04", "Q-01"]
    assert found(store, CaseQuery(due_from=D, due_to=D + dt.timedelta(days=1))) == [
        "Q-06",
        "Q-01",
        "Q-05",
    ]
    assert store.count_cases(CaseQuery(states=OPEN_STATES)) == 6
    assert store.due_counts(DAY, DAY + dt.timedelta(days=1), "region") == [
        DueCount(LIJIN, 0, 1),
        DueCount(GUANGRAO, 0, 2),
    ]


def test_import_of_items_is_idempotent(store, importer):
    code = "11370500004275432Y-XK-0001"
    v1 = make_item(code=code)
    v2 = make_item(code=code, version=2, name="第2版")
    other = make_item(code="LJ-0001", region=LIJIN)
    assert importer(store, "item", [v2, v1, other]) == 3
    assert importer(store, "item", [v1, v2, other]) == 0
    # same identity, other content: skipped, the stored version stays
    assert importer(store, "item", [attrs.evolve(v1, name="改名")]) == 0
    assert [doc(i) for i in store.item_versions(code)] == [doc(v1), doc(v2)]
    v3 = make_item(code=code, version=3, name="第3版")
    assert importer(store, "item", [v1, v3]) == 1
    assert doc(store.item(code)) == doc(v3)
    assert [(i.code, i.version) for i in store.items()] == sorted([(code, 3), ("LJ-0001", 1)])
    assert [i.code for i in store.items(region=LIJIN)] == ["LJ-0001"]
    assert store.count("item") == 4


def test_an_imported_case_in_another_valid_form_can_be_updated(store, importer):
    # An import file may write a valid document differently from govservice: times in UTC
    # with "Z", other key order, other spacing. It is the same case, and can be worked on.
    case = _case_with_events()
    document = doc(case)
    document["received_at"] = "2015-03-02T01:00:00Z"
    document["events"][0]["at"] = "2015-03-02T01:00:00Z"
    text = json.dumps(dict(reversed(document.items())), ensure_ascii=False, indent=2)
    assert importer(store, "case", [case], [text]) == 1
    stored = store.get("case", case.id)
    assert stored.version == 1
    assert stored.record == from_document(Case, json.loads(text))

    handled = store.update(attrs.evolve(stored.record, handler="李娜"), 1)
    assert handled.version == 2
    record = handled.record
    more = attrs.evolve(
        record, events=(*record.events, event(START + dt.timedelta(days=1), "审查"))
    )
    assert store.update(more, 2).version == 3
    assert stored_docs(store.get("case", case.id)) == (doc(more), 3)
    # and changing an imported event is still refused
    with pytest.raises(StoreError, match="append-only"):
        store.update(attrs.evolve(more, events=more.events[1:]), 3)


# --- documents in and out --------------------------------------------------------------------

PLUS_8 = dt.timezone(dt.timedelta(hours=8))
PLUS_530 = dt.timezone(dt.timedelta(hours=5, minutes=30))


def _rich_case() -> Any:
    received = dt.datetime(2015, 3, 2, 9, 0, 1, 123456, tzinfo=PLUS_8)
    return make_case(
        id="DY2015-00000001",
        region=GUANGRAO,
        department="广饶县自然资源局",
        station_code="GR-DAWANG",
        applicant=person(1, name="欧阳𡒄"),  # a CJK Extension B character
        agent=enterprise(2, name="东营市“诚信”代办服务有限公司"),
        materials=(SubmittedMaterial(name="申请表（原件）", originals=1, copies=2),),
        state="completed",
        received_at=received,
        accepted_at=dt.datetime(2015, 3, 2, 2, 0, tzinfo=dt.UTC),
        decided_at=dt.datetime(2015, 3, 4, 12, 0, tzinfo=PLUS_530),
        completed_at=START + dt.timedelta(days=3, microseconds=1),
        promised_due=dt.date(2015, 3, 9),
        legal_due=dt.date(2015, 3, 30),
        green_channel=True,
        full_agency=True,
        handler="王芳",
        fees=(
            ChargedFee(name="工本费", amount=Decimal("0.50")),
            ChargedFee(name="测绘费", amount=Decimal("1200"), exemption="小微企业减半"),
            ChargedFee(name="证书费", amount=Decimal("35.5")),
            ChargedFee(name="减免", amount=Decimal("0")),
        ),
        decision=Decision(outcome="grant", reason="符合《城乡规划法》", legal_basis="第四十条"),
        events=(
            event(received, "收件", "窗口收件\n材料齐全；“一次告知”"),
            event(dt.datetime(2015, 3, 2, 2, 0, tzinfo=dt.UTC), "受理"),
        ),
        evaluation=Evaluation(
            grade="very_satisfied", at=START + dt.timedelta(days=4), comment="👍 很好"
        ),
        attributes={"permit_no": "广饶建字第2015-001号", "note": "含'引号'与\"双引号\"和\\反斜杠"},
    )


def _rich_records() -> dict[str, Any]:
    return {
        "case": _rich_case(),
        "station": make_station(
            code="GR-DAWANG-01",
            address="广饶县大王镇北柳村村委会一楼",
            contact=Contact(name="刘洋", phone="0546-6451234"),
            windows=(Window(number="1", name="综合受理窗口", departments=("民政", "社保")),),
        ),
        "intermediary": make_intermediary(
            credit_code=credit_code(77),
            name="东营市正元测绘有限公司（分公司）",
            qualifications=(
                Qualification(name="测绘资质", level="乙级", expires_on=dt.date(2018, 12, 31)),
            ),
            services=(
                ServiceOffer(name="地形测绘", fee_from=Decimal("0.01"), fee_to=Decimal("8000.5")),
                ServiceOffer(name="房产测绘", fee_from=Decimal("1500")),
            ),
            registered_on=dt.date(2014, 7, 1),
        ),
        "blacklist-entry": make_blacklist_entry(
            id="BL-2015-0001",
            fine=Decimal("50000.5"),
            legal_basis="《招标投标法》第五十三条",
            revocation=Revocation(on=dt.date(2016, 1, 4), reason="整改到位，提前移出"),
        ),
    }


def _check_same(got: Any, original: Any) -> None:
    assert doc(got) == doc(original)
    assert got == original
    # stored as canonical JSON (the trail hashes it): the same text, keys sorted
    assert canonical(doc(got)) == canonical(doc(original))


def test_records_come_back_as_they_went_in(store, spec):
    original = _rich_records()[spec.name]
    store.add(original)
    key = spec.key(original)
    _check_same(store.get(spec.name, key).record, original)
    _check_same(store.list(spec.name).records[0].record, original)
    updated = changed(spec, original, 1)
    store.update(updated, 1)
    _check_same(store.get(spec.name, key).record, updated)


def test_case_values_keep_their_types_and_offsets(store):
    original = _rich_case()
    store.add(original)
    for got in (
        store.get("case", original.id).record,
        store.find_cases(CaseQuery(region=GUANGRAO)).records[0].record,
    ):
        assert [str(f.amount) for f in got.fees] == ["0.50", "1200", "35.5", "0"]
        assert all(isinstance(f.amount, Decimal) for f in got.fees)
        assert got.received_at.utcoffset() == dt.timedelta(hours=8)
        assert got.received_at.microsecond == 123456
        assert got.accepted_at.utcoffset() == dt.timedelta(0)
        assert got.decided_at.utcoffset() == dt.timedelta(hours=5, minutes=30)
        assert got.applicant.name == "欧阳𡒄"
        assert got.events[0].note == "窗口收件\n材料齐全；“一次告知”"
        assert got.evaluation.comment == "👍 很好"
        assert dict(got.attributes) == dict(original.attributes)
        assert isinstance(got.promised_due, dt.date)
        assert not isinstance(got.promised_due, dt.datetime)


def test_items_come_back_as_they_went_in(store):
    original = make_item(
        name="建设工程规划许可证核发（含“乡村建设”）",
        materials=(
            Material(name="申请表", originals=1, copies=0),
            Material(name="设计方案\\图纸", originals=0, copies=3),  # (a tab: refused)
        ),
        fees=(
            Fee(name="执照工本费", amount=Decimal("12.5")),
            Fee(name="免费", amount=Decimal("0")),
        ),
    )
    store.add_item(original)
    _check_same(store.item(original.code), original)
    _check_same(store.item(original.code, 1), original)
    _check_same(store.item_versions(original.code)[0], original)
    _check_same(next(iter(store.items())), original)
    assert [str(f.amount) for f in store.item(original.code).fees] == ["12.5", "0"]


def test_imported_records_come_back_as_they_went_in(store):
    records = _rich_records()
    for kind, record in records.items():
        assert store.import_batch(kind, pairs([record])) == 1
        _check_same(store.get(kind, SPECS[kind].key(record)).record, record)
    item = make_item(fees=(Fee(name="工本费", amount=Decimal("0.5")),))
    assert store.import_batch("item", pairs([item])) == 1
    _check_same(store.item(item.code), item)


def test_stored_records_share_no_mutable_state_with_the_caller(store):
    case = make_case(attributes={"permit_no": "原号"})
    store.add(case)
    case.attributes["permit_no"] = "调用方改了"  # type: ignore[index]
    got = store.get("case", case.id).record
    assert got.attributes == {"permit_no": "原号"}
    got.attributes["permit_no"] = "读出后改了"  # type: ignore[index]
    assert store.get("case", case.id).record.attributes == {"permit_no": "原号"}


def test_text_with_a_nul_character_is_stored_where_the_model_allows_it(store):
    # the schemas refuse a NUL in any text and the model in every name, code and reason
    # (issue 10); a county's free attributes keep what they are given, and a backend stores it
    with pytest.raises(ValueError, match=r"Case\.handler"):
        make_case(id="NUL-1", handler="王\x00芳")
    case = make_case(id="NUL-1", handler="王芳", attributes={"memo": "a\x00b"})
    store.add(case)
    assert stored_docs(store.get("case", case.id)) == (doc(case), 1)
    assert found(store, CaseQuery(handler="王芳")) == ["NUL-1"]


# --- the outbox of notifications ----------------------------------------------------------

NOTICE_AT = dt.datetime(2015, 3, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _notice(store: Any, case_id: str = "C-1", event: int = 0, **held: Any) -> int:
    doc = {"event": event, "action": "apply", "at": NOTICE_AT.isoformat(), "region": "370500"}
    return store.add_notice(case_id, doc, created_at=NOTICE_AT, **held)


def test_notices_are_listed_undelivered_in_order_until_delivered(store):
    first = _notice(store, "C-1")
    second = _notice(store, "C-2", 3)
    assert second > first
    listed = store.undelivered_notices()
    assert [(n.id, n.case_id, n.doc["event"]) for n in listed] == [
        (first, "C-1", 0),
        (second, "C-2", 3),
    ]
    notice = listed[0]
    assert (notice.attempts, notice.last_error, notice.claimed_by, notice.waiting_for) == (
        0,
        None,
        None,
        None,
    )
    assert notice.created_at == NOTICE_AT
    assert notice.next_attempt_at == NOTICE_AT  # due at once
    assert notice.doc == {
        "event": 0,
        "action": "apply",
        "at": NOTICE_AT.isoformat(),
        "region": "370500",
    }
    assert [n.id for n in store.undelivered_notices(after=first)] == [second]
    assert [n.id for n in store.undelivered_notices(limit=1)] == [first]
    store.mark_notices_delivered([first], NOTICE_AT + dt.timedelta(seconds=1))
    assert [n.id for n in store.undelivered_notices()] == [second]


def test_the_notices_of_one_write_are_written_together_in_order(store):
    docs = [
        {"event": index, "action": action, "at": NOTICE_AT.isoformat(), "region": "370522"}
        for index, action in enumerate(["apply", "accept", "review", "decide", "complete"])
    ]
    lease = NOTICE_AT + dt.timedelta(minutes=1)
    ids = store.add_notices("C-9", docs, created_at=NOTICE_AT, claimed_by="me", lease_until=lease)
    assert ids == sorted(ids)
    assert len(set(ids)) == 5
    listed = {n.id: n for n in store.undelivered_notices()}
    assert [listed[i].doc for i in ids] == docs  # each id names its own notice
    assert {(n.case_id, n.claimed_by, n.next_attempt_at) for n in listed.values()} == {
        ("C-9", "me", lease)
    }
    assert store.add_notices("C-9", [], created_at=NOTICE_AT) == []
    with pytest.raises(StoreError, match="distinct"):
        store.add_notices("C-9", [docs[0], docs[0]], created_at=NOTICE_AT)
    assert len(store.undelivered_notices()) == 5  # nothing of the refused call


def test_the_notices_of_several_writes_are_written_together_each_with_its_ids(store):
    def docs(region, *actions):
        return [
            {"event": index, "action": action, "at": NOTICE_AT.isoformat(), "region": region}
            for index, action in enumerate(actions)
        ]

    writes = [  # the same documents under two cases, a write with none, and a case twice
        ("C-1", docs("370522", "apply", "accept")),
        ("C-2", docs("370522", "apply", "accept")),
        ("C-3", []),
        ("C-1", docs("370522", "apply")),
    ]
    ids = store.add_notices_of(writes, created_at=NOTICE_AT)
    assert [len(of_write) for of_write in ids] == [2, 2, 0, 1]
    flat = [notice_id for of_write in ids for notice_id in of_write]
    assert flat == sorted(flat)  # in the order written
    assert len(set(flat)) == 5
    listed = {n.id: n for n in store.undelivered_notices()}
    for (case_id, written), of_write in zip(writes, ids, strict=True):
        assert [(listed[i].case_id, listed[i].doc) for i in of_write] == [
            (case_id, doc) for doc in written
        ]
    assert store.add_notices_of([], created_at=NOTICE_AT) == []
    with pytest.raises(StoreError, match="distinct"):
        store.add_notices_of(
            [("C-4", docs("370522", "apply")), ("C-5", [docs("x", "a")[0]] * 2)],
            created_at=NOTICE_AT,
        )
    assert len(store.undelivered_notices()) == 5  # nothing of the refused call


def test_a_notice_is_written_in_the_callers_transaction(store):
    kept = _notice(store, "KEPT")

    def action_that_fails() -> None:
        with store.transaction():
            store.add(make_case(id="GONE"))
            _notice(store, "GONE")
            raise RuntimeError("the action failed")

    def marking_that_fails() -> None:
        with store.transaction():
            store.mark_notices_delivered([kept], NOTICE_AT)
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        action_that_fails()
    assert [n.case_id for n in store.undelivered_notices()] == ["KEPT"]
    with pytest.raises(RuntimeError):
        marking_that_fails()
    assert [n.id for n in store.undelivered_notices()] == [kept]


def test_a_failed_notice_waits_for_its_next_attempt(store):
    notice_id = _notice(store)
    later = NOTICE_AT + dt.timedelta(minutes=5)
    error = "plugin 'sms': 网关超时"
    store.mark_notice_failed(notice_id, error, retry_at=later, waiting_for=["sms"])
    (notice,) = store.undelivered_notices()
    assert (notice.attempts, notice.last_error, notice.waiting_for) == (1, error, ("sms",))
    assert notice.next_attempt_at == later
    assert store.undelivered_notices(due=later - dt.timedelta(seconds=1)) == []
    assert [n.id for n in store.undelivered_notices(due=later)] == [notice_id]
    store.mark_notice_failed(notice_id, "again", retry_at=None, waiting_for=None)
    (notice,) = store.undelivered_notices()
    assert (notice.attempts, notice.next_attempt_at, notice.waiting_for) == (2, None, None)
    assert store.undelivered_notices(due=later + dt.timedelta(days=365)) == []  # given up
    store.mark_notices_delivered([notice_id], later)
    assert store.undelivered_notices() == []


def test_a_notice_is_held_by_one_deliverer_at_a_time(store):
    lease = NOTICE_AT + dt.timedelta(minutes=1)
    held = _notice(store, "HELD", claimed_by="writer", lease_until=lease)
    free = _notice(store, "FREE")
    assert [n.id for n in store.undelivered_notices(claimed_by="writer")] == [held]
    assert [n.id for n in store.undelivered_notices(due=NOTICE_AT)] == [free]
    # the writer holds its notice until the lease is over, even against force
    assert not store.claim_notice(held, "other", now=NOTICE_AT, until=lease, force=True)
    assert store.claim_notice(free, "one", now=NOTICE_AT, until=lease)
    assert not store.claim_notice(free, "two", now=NOTICE_AT, until=lease)
    assert not store.claim_notice(free, "two", now=NOTICE_AT, until=lease, force=True)
    assert store.claim_notice(held, "other", now=lease, until=lease + dt.timedelta(minutes=1))
    assert [n.claimed_by for n in store.undelivered_notices()] == ["other", "one"]
    # given up (no next attempt): only force takes it
    store.mark_notice_failed(free, "down", retry_at=None, waiting_for=["sms"])
    assert not store.claim_notice(free, "two", now=lease, until=lease)
    assert store.claim_notice(free, "two", now=lease, until=lease, force=True)
    store.mark_notices_delivered([free], lease)
    assert not store.claim_notice(free, "three", now=lease, until=lease, force=True)
