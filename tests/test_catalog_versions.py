"""The versioned catalog (``centre.catalog``) on every backend: imports, adjustments,
versions as of a day, diffs, files, bad input refused whole, the trail, and the workflow
refusing a case of an item the catalog in force that day does not take.

Each test runs on ``memory``, ``sqlite`` and ``postgresql`` (a fresh schema, when
``govservice-postgres`` is installed and a server is given; see tests/test_store_contract.py).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import attrs
import pytest

from govservice.audit import verify_store
from govservice.catalog import CatalogDiff, CatalogVersion, FieldChange
from govservice.catalog.exchange import (
    adjustment_from_document,
    catalog_from_document,
    read_adjustment,
    read_catalog,
)
from govservice.catalog.versions import entries_digest
from govservice.clock import FixedClock
from govservice.codec import to_document
from govservice.config import Config
from govservice.errors import (
    AdjustmentDateError,
    AdjustmentRefusedError,
    CatalogError,
    CatalogVersionNotFoundError,
    DuplicateKeyError,
    GovServiceError,
    InvalidRecordError,
    ItemNotAcceptingError,
)
from govservice.model import Fee, ItemStatus
from govservice.model.catalog import Adjustment, Change, ChangeAction
from govservice.samples import make_item, register_staff
from govservice.service import GovService
from govservice.store.base import catalog_subject
from workflow_helpers import APPLICANT, CLERK, Desk, at

D = dt.date
CITY = "370500"
GOVERNMENT = "东营市人民政府"
BACKENDS = ("memory", "sqlite", "postgresql")


def code(serial: int, letters: str = "XK") -> str:
    return f"11370500004275432Y-{letters}-{serial:04d}"


PLANNING = make_item()  # 建设工程规划许可证核发, XK-0001
CONSTRUCTION = make_item(
    code=code(2), name="建筑工程施工许可证核发", department="东营市住房和城乡建设管理局"
)
ANNUAL_CHECK = make_item(
    code=code(3), name="房地产开发企业资质年检", department="东营市住房和城乡建设管理局"
)
MINING = make_item(
    code=code(4), name="采矿许可证核发(省级下放)", department="东营市国土资源局", type="licensing"
)
PORT = make_item(code=code(5), name="港口经营许可", department="东营市交通运输局")


# --- the fixture: a centre on each backend ---------------------------------------------------


def _postgres_settings(stack: Any) -> dict[str, str]:
    try:
        import govservice_postgres.testing as testing
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail("govservice-postgres is not installed, and CI=true requires it")
        pytest.skip("govservice-postgres is not installed")
    dsn = testing.postgres_dsn_or_skip()
    schema = stack.enter_context(testing.fresh_schema(dsn))
    return {"conninfo": dsn, "schema": schema}


@pytest.fixture(params=BACKENDS)
def centre(request, tmp_path) -> Iterator[GovService]:
    import contextlib

    with contextlib.ExitStack() as stack:
        if request.param == "memory":
            settings: dict[str, str] = {}
        elif request.param == "sqlite":
            settings = {"path": str(tmp_path / "govservice.db")}
        else:
            settings = _postgres_settings(stack)
        config = Config(
            name="东营市政务服务中心",
            region=CITY,
            storage_backend=request.param,
            storage_settings=settings,
        )
        allow = "postgresql" if request.param == "postgresql" else ""
        service = GovService(
            config,
            clock=FixedClock(at(2015, 1, 5)),
            strict=True,
            environ={"GOVSERVICE_PLUGINS": allow},
        )
        register_staff(service.store)
        yield service
        service.store.close()


def first_catalog(centre: GovService) -> CatalogVersion:
    return centre.catalog.import_catalog(
        [PLANNING, CONSTRUCTION, ANNUAL_CHECK],
        region=CITY,
        effective=D(2015, 1, 1),
        decided_by=GOVERNMENT,
        decision_number="东政发〔2014〕30号",
        title="东营市市级行政审批事项目录",
    )


def spring_adjustment(**changes: Any) -> Adjustment:
    """Cancel the annual check, take over the mining licence, retain the two others."""
    fields: dict[str, Any] = {
        "id": "dy-2015-01",
        "region": CITY,
        "effective": D(2015, 3, 1),
        "decided_by": GOVERNMENT,
        "decision_number": "东政发〔2015〕5号",
        "title": "关于调整市级行政审批事项的决定",
        "changes": (
            Change(action="cancel", item_code=ANNUAL_CHECK.code, reason="国务院决定取消"),
            Change(action="take_over", item_code=MINING.code, item=MINING),
            Change(action="retain", item_code=PLANNING.code),
            Change(action="retain", item_code=CONSTRUCTION.code),
        ),
    }
    return Adjustment(**(fields | changes))


def ledger_and_counts(centre: GovService) -> tuple:
    store = centre.store
    return (
        store.ledger_head(),
        store.count("item"),
        [head.number for head in store.catalog_heads(CITY)],
    )


# --- importing -------------------------------------------------------------------------------


def test_an_import_is_version_1_and_importing_it_again_changes_nothing(centre):
    version = first_catalog(centre)
    assert (version.region, version.number, version.effective) == (CITY, 1, D(2015, 1, 1))
    assert list(version.items) == [PLANNING.code, CONSTRUCTION.code, ANNUAL_CHECK.code]
    assert version.adjustment is None
    assert version.imported["decision_number"] == "东政发〔2014〕30号"
    before = ledger_and_counts(centre)
    again = first_catalog(centre)
    assert again == centre.catalog.version(CITY) == version
    assert ledger_and_counts(centre) == before


def test_an_import_of_other_items_into_a_region_with_a_catalog_is_refused(centre):
    first_catalog(centre)
    before = ledger_and_counts(centre)
    with pytest.raises(CatalogError, match="change it by adjustments") as raised:
        centre.catalog.import_catalog(
            [PLANNING, PORT], region=CITY, effective=D(2015, 2, 1), decided_by=GOVERNMENT
        )
    assert raised.value.code == "GS900"
    assert ledger_and_counts(centre) == before


def test_an_import_of_items_of_another_region_or_a_code_twice_is_refused(centre):
    other = make_item(code=code(9), region="370523", level="county")
    with pytest.raises(CatalogError) as raised:
        centre.catalog.import_catalog(
            [PLANNING, PLANNING, other], region=CITY, effective=D(2015, 1, 1), decided_by="x"
        )
    message = str(raised.value)
    assert f"item {other.code}" in message
    assert "370523" in message
    assert f"item {PLANNING.code} is given twice" in message
    assert centre.store.catalog_heads(CITY) == []
    assert centre.store.count("item") == 0


# --- adjusting ---------------------------------------------------------------------------------


def test_an_adjustment_makes_the_next_version_and_each_day_has_its_version(centre):
    first = first_catalog(centre)
    second = centre.catalog.adjust(spring_adjustment())
    assert (second.number, second.effective) == (2, D(2015, 3, 1))
    assert second.adjustment == spring_adjustment()
    cancelled = second.items[ANNUAL_CHECK.code]
    assert (cancelled.version, cancelled.status, cancelled.status_since) == (
        2,
        ItemStatus.CANCELLED,
        D(2015, 3, 1),
    )
    taken = second.items[MINING.code]
    assert (taken.status, taken.status_since) == (ItemStatus.DELEGATED, D(2015, 3, 1))
    assert second.items[PLANNING.code] == PLANNING  # retained: the same version
    assert [i.code for i in second.in_service()] == [PLANNING.code, CONSTRUCTION.code, MINING.code]
    assert [i.code for i in second.cancelled()] == [ANNUAL_CHECK.code]
    assert [v.number for v in centre.catalog.versions(CITY)] == [1, 2]
    assert centre.catalog.as_of(CITY, D(2015, 2, 28)) == first
    assert centre.catalog.as_of(CITY, D(2015, 3, 1)) == second
    assert centre.catalog.as_of(CITY, D(2016, 1, 1)) == second
    assert centre.catalog.version(CITY, 1) == first
    # the item's first version is untouched; the cancellation is a version of its own
    assert centre.store.item(ANNUAL_CHECK.code, 1) == ANNUAL_CHECK


def test_as_of_before_the_first_version_or_an_unknown_number_is_refused(centre):
    first_catalog(centre)
    with pytest.raises(CatalogVersionNotFoundError, match="2014-12-31") as raised:
        centre.catalog.as_of(CITY, D(2014, 12, 31))
    assert raised.value.code == "GS903"
    with pytest.raises(CatalogVersionNotFoundError, match="not 7"):
        centre.catalog.version(CITY, 7)
    with pytest.raises(CatalogVersionNotFoundError, match="no catalog"):
        centre.catalog.version("370523")


def test_applying_the_same_adjustment_again_changes_nothing(centre):
    first_catalog(centre)
    second = centre.catalog.adjust(spring_adjustment())
    before = ledger_and_counts(centre)
    assert centre.catalog.adjust(spring_adjustment()) == second
    assert ledger_and_counts(centre) == before


def test_another_adjustment_under_an_id_already_applied_is_refused(centre):
    first_catalog(centre)
    centre.catalog.adjust(spring_adjustment())
    before = ledger_and_counts(centre)
    with pytest.raises(AdjustmentRefusedError, match="dy-2015-01"):
        centre.catalog.adjust(spring_adjustment(changes=()))
    assert ledger_and_counts(centre) == before


def test_a_change_of_fields_and_a_move_are_new_item_versions_with_field_level_diffs(centre):
    first = first_catalog(centre)
    fee = {"name": "执照工本费", "amount": "5.00", "legal_basis": "鲁价费发〔2015〕1号"}
    adjustment = Adjustment(
        id="dy-2015-02",
        region=CITY,
        effective=D(2015, 7, 1),
        decided_by="东营市机构编制委员会办公室",
        changes=(
            Change(action="change", item_code=PLANNING.code, fields={"fees": [fee]}),
            Change(action="move", item_code=CONSTRUCTION.code, department="东营市城市管理局"),
        ),
    )
    second = centre.catalog.adjust(adjustment)
    changed = second.items[PLANNING.code]
    assert changed.version == 2
    assert changed.fees == (
        Fee(name="执照工本费", amount=Decimal("5.00"), legal_basis="鲁价费发〔2015〕1号"),
    )
    assert second.items[CONSTRUCTION.code].department == "东营市城市管理局"
    found = centre.catalog.diff(first, second)
    assert isinstance(found, CatalogDiff)
    assert [(c.code, c.kind) for c in found.changes] == [
        (PLANNING.code, ChangeAction.CHANGE),
        (CONSTRUCTION.code, ChangeAction.MOVE),
    ]
    assert found.changed[0].fields == (
        FieldChange("fees", [{"amount": "10.00", "name": "执照工本费"}], [fee]),
    )
    assert FieldChange("department", "东营市住房和城乡建设管理局", "东营市城市管理局") in (
        found.moved[0].fields
    )
    assert found.summary() == {
        "retained": 3,
        "added": 0,
        "taken_over": 0,
        "cancelled": 0,
        "moved": 1,
        "changed": 1,
    }


def test_the_diff_counts_retained_taken_over_and_cancelled_items(centre):
    first = first_catalog(centre)
    second = centre.catalog.adjust(spring_adjustment())
    third = centre.catalog.adjust(
        Adjustment(
            id="dy-2015-03",
            region=CITY,
            effective=D(2015, 9, 1),
            decided_by=GOVERNMENT,
            changes=(Change(action="add", item_code=PORT.code, item=PORT),),
        )
    )
    found = centre.catalog.diff(first, third)
    assert found.retained == (PLANNING.code, CONSTRUCTION.code)
    assert [c.code for c in found.taken_over] == [MINING.code]
    assert [c.code for c in found.cancelled] == [ANNUAL_CHECK.code]
    assert [c.code for c in found.added] == [PORT.code]
    assert found.sentence() == "保留2项，新增1项，承接省级下放1项，取消1项"
    assert centre.catalog.diff(second, third).summary()["added"] == 1
    backwards = centre.catalog.diff(third, first)  # the other way round
    assert [c.code for c in backwards.cancelled] == [MINING.code, PORT.code]
    assert [c.code for c in backwards.added] == [ANNUAL_CHECK.code]  # in service again


# --- bad adjustments: refused whole, nothing half-applied --------------------------------------


def test_cancelling_an_unknown_item_is_refused_and_nothing_of_the_adjustment_is_applied(centre):
    first_catalog(centre)
    before = ledger_and_counts(centre)
    unknown = code(77)
    adjustment = spring_adjustment(
        changes=(
            Change(action="take_over", item_code=MINING.code, item=MINING),  # fine on its own
            Change(action="cancel", item_code=unknown),
        )
    )
    with pytest.raises(AdjustmentRefusedError) as raised:
        centre.catalog.adjust(adjustment)
    assert raised.value.code == "GS901"
    assert raised.value.problems == (
        f"item {unknown} is not in the catalog of 370500; it cannot be cancelled",
    )
    assert "nothing is applied" in str(raised.value)
    assert ledger_and_counts(centre) == before
    assert centre.store.item(MINING.code) is None


def test_taking_an_item_over_twice_is_refused(centre):
    first_catalog(centre)
    centre.catalog.adjust(spring_adjustment())
    before = ledger_and_counts(centre)
    again = Adjustment(
        id="dy-2015-02",
        region=CITY,
        effective=D(2015, 6, 1),
        decided_by=GOVERNMENT,
        changes=(Change(action="take_over", item_code=MINING.code, item=MINING),),
    )
    with pytest.raises(AdjustmentRefusedError, match="taken over already on 2015-03-01"):
        centre.catalog.adjust(again)
    assert ledger_and_counts(centre) == before
    twice = attrs.evolve(
        again,
        id="dy-2015-04",
        changes=(
            Change(action="take_over", item_code=PORT.code, item=PORT),
            Change(action="take_over", item_code=PORT.code, item=PORT),
        ),
    )
    with pytest.raises(AdjustmentRefusedError, match=f"item {PORT.code} is named twice"):
        centre.catalog.adjust(twice)
    assert ledger_and_counts(centre) == before


def test_an_adjustment_dated_before_the_last_version_is_refused(centre):
    first_catalog(centre)
    centre.catalog.adjust(spring_adjustment())
    before = ledger_and_counts(centre)
    late = Adjustment(
        id="dy-2015-00",
        region=CITY,
        effective=D(2015, 2, 1),
        decided_by=GOVERNMENT,
        changes=(Change(action="cancel", item_code=PLANNING.code),),
    )
    with pytest.raises(AdjustmentDateError) as raised:
        centre.catalog.adjust(late)
    assert raised.value.code == "GS902"
    assert "2015-02-01" in str(raised.value)
    assert "2015-03-01" in str(raised.value)
    assert ledger_and_counts(centre) == before


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (Change(action="retain", item_code=ANNUAL_CHECK.code), "is cancelled"),
        (Change(action="cancel", item_code=ANNUAL_CHECK.code), "it cannot be cancelled"),
        (Change(action="add", item_code=PLANNING.code, item=PLANNING), "already"),
        (
            Change(action="move", item_code=PLANNING.code, department=PLANNING.department),
            "already",
        ),
        (
            Change(action="change", item_code=PLANNING.code, fields={"name": PLANNING.name}),
            "changes nothing",
        ),
        (
            Change(
                action="change", item_code=PLANNING.code, fields={"legal_limit": {"amount": 1}}
            ),
            "would not be a valid item",
        ),
    ],
)
def test_each_change_the_catalog_cannot_make_is_named(centre, change, problem):
    first_catalog(centre)
    centre.catalog.adjust(spring_adjustment())
    before = ledger_and_counts(centre)
    with pytest.raises(AdjustmentRefusedError, match=problem):
        centre.catalog.adjust(spring_adjustment(id="dy-2015-09", changes=(change,)))
    assert ledger_and_counts(centre) == before


def test_our_own_catalog_publishes_no_item_with_unknown_fees_or_materials(centre):
    unknown = attrs.evolve(PORT, fees=None)
    with pytest.raises(CatalogError, match=r"does not publish its fees \(收费标准: unknown\)"):
        centre.catalog.import_catalog(
            [PLANNING, unknown], region=CITY, effective=D(2015, 1, 1), decided_by="x"
        )
    assert centre.store.catalog_heads(CITY) == []
    first_catalog(centre)
    before = ledger_and_counts(centre)
    with pytest.raises(
        AdjustmentRefusedError, match=r"does not publish its materials \(申请材料: unknown\)"
    ) as raised:
        centre.catalog.adjust(
            spring_adjustment(
                changes=(
                    Change(action="change", item_code=PLANNING.code, fields={"materials": None}),
                    Change(
                        action="take_over",
                        item_code=PORT.code,
                        item=attrs.evolve(PORT, materials=None),
                    ),
                )
            )
        )
    assert len(raised.value.problems) == 2
    assert PLANNING.code in raised.value.problems[0]
    assert ledger_and_counts(centre) == before


def test_an_adjustment_of_a_region_without_a_catalog_is_refused(centre):
    with pytest.raises(AdjustmentRefusedError, match="no catalog"):
        centre.catalog.adjust(spring_adjustment())


# --- the trail ---------------------------------------------------------------------------------


def test_each_version_is_a_link_of_the_trail_and_the_audit_passes(centre):
    first_catalog(centre)
    second = centre.catalog.adjust(spring_adjustment())
    links = centre.store.case_ledger(catalog_subject(CITY))
    held = [json.loads(link.text)["catalog"] for link in links]
    assert [(h["number"], h["effective"]) for h in held] == [(1, "2015-01-01"), (2, "2015-03-01")]
    assert held[1]["items"] == entries_digest(second.entries)
    assert held[1]["adjustment"]["decision_number"] == "东政发〔2015〕5号"
    assert held[0]["imported"]["decided_by"] == GOVERNMENT
    report = verify_store(centre.store)
    assert report.ok, report.first_break


# --- files -------------------------------------------------------------------------------------


@pytest.mark.parametrize("format", ["json", "yaml"])
def test_export_then_import_gives_the_same_catalog(centre, tmp_path, format):
    first_catalog(centre)
    second = centre.catalog.adjust(spring_adjustment())
    text = centre.catalog.export(second, format)
    assert centre.catalog.export(second, format) == text  # the same bytes each time
    path = tmp_path / f"catalog.{format}"
    path.write_text(text, encoding="utf-8")
    read = read_catalog(path)
    assert read.version == 2
    assert read.effective == D(2015, 3, 1)
    other = GovService(Config(name="另一中心", region=CITY), clock=FixedClock(at(2015, 4, 1)))
    imported = other.catalog.import_file(read)
    assert imported.items == second.items
    assert read_catalog(path).items == tuple(imported.items.values())
    assert other.catalog.import_file(read_catalog(path)) == imported  # idempotent
    assert [v.number for v in other.catalog.versions(CITY)] == [1]


def test_a_catalog_file_with_a_bad_item_is_refused_with_the_item_s_pointer(centre):
    document = {
        "region": CITY,
        "effective": "2015-01-01",
        "decided_by": GOVERNMENT,
        "items": [to_document(PLANNING), {**to_document(PORT), "region": "99"}],
    }
    with pytest.raises(InvalidRecordError) as raised:
        catalog_from_document(document)
    assert any(pointer == "/items/1/region" for pointer, _ in raised.value.problems)
    with pytest.raises(InvalidRecordError, match="effective"):
        catalog_from_document({k: v for k, v in document.items() if k != "effective"})


def test_an_adjustment_file_is_read_and_checked(tmp_path):
    path = tmp_path / "adjustment.yaml"
    path.write_text(
        "id: dy-2015-01\nregion: '370500'\neffective: '2015-03-01'\ndecided_by: 东营市人民政府\n"
        f"changes:\n  - action: cancel\n    item_code: {ANNUAL_CHECK.code}\n    reason: 国务院决定取消\n",
        encoding="utf-8",
    )
    read = read_adjustment(path)
    assert read.changes == (
        Change(action="cancel", item_code=ANNUAL_CHECK.code, reason="国务院决定取消"),
    )
    bad = {
        "id": "dy-2015-01",
        "region": CITY,
        "effective": "2015-03-01",
        "decided_by": "x",
        "changes": [{"action": "take_over", "item_code": MINING.code}],
    }
    with pytest.raises(InvalidRecordError) as raised:
        adjustment_from_document(bad)
    assert raised.value.problems[0][0] == "/changes/0"
    dup = tmp_path / "dup.yaml"
    dup.write_text("id: a\nid: b\n", encoding="utf-8")
    with pytest.raises(DuplicateKeyError) as duplicate:
        read_adjustment(dup)
    assert duplicate.value.code == "GS107"


# --- the workflow takes the catalog in force on the day ------------------------------------------


def test_a_case_of_a_cancelled_item_after_its_date_is_refused_naming_item_and_date(centre):
    first_catalog(centre)
    centre.catalog.adjust(spring_adjustment())
    clock = centre.clock
    desk = Desk(centre, clock)
    desk.on(at(2015, 2, 27))  # before the cancellation: taken
    assert desk.workflow.apply(desk.new_case(ANNUAL_CHECK), APPLICANT).record.item_version == 1
    desk.on(at(2015, 3, 2))
    with pytest.raises(ItemNotAcceptingError) as raised:
        desk.workflow.apply(desk.new_case(ANNUAL_CHECK), APPLICANT)
    message = str(raised.value)
    assert ANNUAL_CHECK.code in message
    assert ANNUAL_CHECK.name in message
    assert "2015-03-01" in message
    assert centre.store.count("case") == 1


def test_an_item_taken_over_takes_cases_only_from_its_date(centre):
    first_catalog(centre)
    centre.catalog.adjust(spring_adjustment())
    desk = Desk(centre, centre.clock)
    desk.on(at(2015, 2, 27))
    with pytest.raises(ItemNotAcceptingError, match="not in version 1 of the catalog"):
        desk.workflow.apply(desk.new_case(MINING), APPLICANT)
    desk.on(at(2015, 3, 2))
    stored = desk.workflow.apply(desk.new_case(MINING), APPLICANT)
    assert stored.record.item_version == 1
    accepted = desk.workflow.accept(stored, CLERK)
    assert accepted.record.accepted_at is not None


def test_a_case_is_for_the_item_version_in_force_on_its_day(centre):
    first_catalog(centre)
    fee = {"name": "执照工本费", "amount": "5.00"}
    centre.catalog.adjust(
        Adjustment(
            id="dy-2015-05",
            region=CITY,
            effective=D(2015, 5, 4),
            decided_by=GOVERNMENT,
            changes=(Change(action="change", item_code=PLANNING.code, fields={"fees": [fee]}),),
        )
    )
    desk = Desk(centre, centre.clock)
    desk.on(at(2015, 4, 30))  # the adjustment is announced, not in force yet
    assert desk.workflow.apply(desk.new_case(PLANNING), APPLICANT).record.item_version == 1
    desk.on(at(2015, 5, 4))
    assert desk.workflow.apply(desk.new_case(PLANNING), APPLICANT).record.item_version == 2


def test_a_catalog_version_changed_in_the_database_breaks_the_trail(tmp_path):
    from govservice.store.sqlite import SqliteStore

    config = Config(
        name="东营市政务服务中心",
        region=CITY,
        storage_backend="sqlite",
        storage_settings={"path": str(tmp_path / "govservice.db")},
    )
    centre = GovService(
        config, clock=FixedClock(at(2015, 1, 5)), environ={"GOVSERVICE_PLUGINS": ""}
    )
    first_catalog(centre)
    centre.catalog.adjust(spring_adjustment())
    assert verify_store(centre.store).ok
    centre.store.close()
    store = SqliteStore(tmp_path / "govservice.db")
    try:  # the cancelled item put back in service behind the library's back
        store._db.execute(
            "UPDATE catalog_entries SET item_version = 1 WHERE number = 2 AND code = ?",
            (ANNUAL_CHECK.code,),
        )
        report = verify_store(store)
        assert not report.ok
        assert report.first_break.case_id == "catalog/370500"
        assert "version 2 of the catalog was changed" in report.first_break.problem
        store._db.execute("DELETE FROM catalog_entries WHERE number = 2")
        store._db.execute("DELETE FROM catalog_versions WHERE number = 2")
        assert "version 2 of the catalog is gone" in verify_store(store).first_break.problem
    finally:
        store.close()


def test_a_fee_changed_in_the_store_breaks_the_trail(centre):
    """What an item says (its fees, time limits, materials) is on the trail with the
    versions of the catalog that hold it: the item changed behind the library's back is a
    break."""
    first_catalog(centre)
    store = centre.store
    assert verify_store(store).ok
    fees = [{"name": "规划许可费", "amount": "9999.00", "legal_basis": "无"}]
    if centre.config.storage_backend == "memory":
        store._items[(PLANNING.code, 1)]["fees"] = fees
    else:
        mark = store.mark
        ((text,),) = store._rows(
            f"SELECT doc FROM items WHERE code = {mark} AND version = 1", (PLANNING.code,)
        )
        document = json.loads(store._text(text))
        document["fees"] = fees
        with store.transaction():
            store._execute(
                f"UPDATE items SET doc = {mark} WHERE code = {mark} AND version = 1",
                (json.dumps(document, ensure_ascii=False, sort_keys=True), PLANNING.code),
            )
    report = verify_store(store)
    assert not report.ok
    assert report.first_break.case_id == "catalog/370500"
    assert "what an item says was changed" in report.first_break.problem
    assert "fees" in report.first_break.problem


@pytest.mark.parametrize("text", ["{not json", "{}", "[" * 100_000 + "]" * 100_000])
def test_an_item_made_unreadable_in_the_store_is_a_break_not_a_crash(centre, text):
    first_catalog(centre)
    store = centre.store
    if centre.config.storage_backend == "memory":
        store._items[(PLANNING.code, 1)] = {} if text == "{}" else ["not an item"]
    else:
        with store.transaction():
            store._execute(
                f"UPDATE items SET doc = {store.mark} WHERE code = {store.mark} AND version = 1",
                (text, PLANNING.code),
            )
    report = verify_store(store)
    assert report.first_break.case_id == "catalog/370500"
    assert f"item {PLANNING.code} cannot be read" in report.first_break.problem
    # whoever reads it is told in one error, not a traceback
    with pytest.raises(GovServiceError, match=r"(?i)item"):
        store.item(PLANNING.code, 1)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_versions_chained_before_schema_14_have_their_items_documents_chained(
    backend, tmp_path, monkeypatch
):
    import contextlib

    import govservice.catalog.facade as facade
    from schema_helpers import reopened, stop_at_schema

    with contextlib.ExitStack() as stack:
        if backend == "sqlite":
            settings = {"path": str(tmp_path / "govservice.db")}
        else:
            settings = _postgres_settings(stack)
        stop_at_schema(monkeypatch, backend, 13)
        monkeypatch.setattr(facade, "documents_digest", lambda items: None)  # as schema 13
        config = Config(
            name="东营市政务服务中心",
            region=CITY,
            storage_backend=backend,
            storage_settings=settings,
        )
        plugins = "postgresql" if backend == "postgresql" else ""
        centre = GovService(
            config, clock=FixedClock(at(2015, 1, 5)), environ={"GOVSERVICE_PLUGINS": plugins}
        )
        first_catalog(centre)
        centre.catalog.adjust(spring_adjustment())
        assert centre.store.schema_version() == 13
        head = centre.store.ledger_head()[0]
        centre.store.close()
        again = reopened(centre, monkeypatch)  # migrated to the latest schema
        store = again.store
        try:
            assert store.schema_version() == store.latest_schema_version() >= 14
            assert store.ledger_head()[0] == head + 2  # one link for each of the 2 versions
            assert verify_store(store).ok
            mark = store.mark
            ((text,),) = store._rows(
                f"SELECT doc FROM items WHERE code = {mark} AND version = 1", (PLANNING.code,)
            )
            document = json.loads(store._text(text))
            document["name"] = "冒名的事项"
            with store.transaction():
                store._execute(
                    f"UPDATE items SET doc = {mark} WHERE code = {mark} AND version = 1",
                    (json.dumps(document, ensure_ascii=False), PLANNING.code),
                )
            problem = verify_store(store).first_break.problem
            assert "what an item says was changed" in problem
        finally:
            store.close()


def test_a_version_added_inside_a_transaction_is_seen_at_once(centre):
    first_catalog(centre)
    store = centre.store
    with store.transaction():
        before = store.catalog_place(CITY, ANNUAL_CHECK.code, D(2015, 3, 2))
        assert (before.number, before.head.status) == (1, ItemStatus.IN_SERVICE)
        assert store.catalog_place(CITY, MINING.code, D(2015, 3, 2)).head is None
        centre.catalog.adjust(spring_adjustment())
        after = store.catalog_place(CITY, ANNUAL_CHECK.code, D(2015, 3, 2))
        assert (after.number, after.head.status, after.head.status_since) == (
            2,
            ItemStatus.CANCELLED,
            D(2015, 3, 1),
        )
        assert store.catalog_place(CITY, MINING.code, D(2015, 3, 2)).head.version == 1
    assert store.catalog_place(CITY, ANNUAL_CHECK.code, D(2014, 12, 31)) is None
    assert store.catalog_place("370523", ANNUAL_CHECK.code, D(2015, 3, 2)) is None


def test_check_lists_what_the_items_in_service_leave_unpublished(centre):
    unknown = attrs.evolve(PLANNING, handling_type=None, channels=None)
    published = attrs.evolve(PORT, handling_type="promised", channels=("window",))
    cancelled = attrs.evolve(ANNUAL_CHECK, handling_type=None)
    centre.catalog.import_catalog(
        [unknown, published, cancelled], region=CITY, effective=D(2015, 1, 1), decided_by="x"
    )
    centre.catalog.adjust(
        spring_adjustment(changes=(Change(action="cancel", item_code=cancelled.code),))
    )
    findings = [f for f in centre.catalog.check(CITY) if f.code == "catalog-unknown-field"]
    assert [f.message for f in findings] == [
        f"事项 {PLANNING.code}（{PLANNING.name}）未公布办件类型（handling_type）",
        f"事项 {PLANNING.code}（{PLANNING.name}）未公布办理渠道（channels）",
    ]  # the cancelled item is not checked: it is not in service
    in_version_1 = [f for f in centre.catalog.check(CITY, 1) if f.code == "catalog-unknown-field"]
    assert len(in_version_1) == 3
