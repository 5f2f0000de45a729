"""What an application may carry, the centre's clock, and a case that is never stuck.

Every centre-set field is refused by name, through the Python API and through
``govservice case apply FILE``, and each refusal is on the trail (an application has no
case yet: a ``refused`` link); so are a station that is not stored or serves another
region, a region not the item's, and a time of receipt the centre's clock does not allow.
A time given for an action is taken on a simulation store only. A supplement is checked
against its notice, a partial one keeps the case waiting, and a clerk can always refuse.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
import yaml

from govservice import hookimpl
from govservice.cli import main
from govservice.clock import FixedClock
from govservice.codec import to_document
from govservice.errors import (
    ApplicationRefusedError,
    ClockClaimError,
    RecordNotFoundError,
    RoleError,
    RulesBlockedError,
    StoreError,
    SupplementMismatchError,
    TransitionError,
    WorkflowError,
)
from govservice.model import (
    CaseEvent,
    ChargedFee,
    Decision,
    Evaluation,
    Fee,
    Rectification,
    SubmittedMaterial,
    SupplementRequest,
    Suspension,
)
from govservice.rules import Action, Finding
from govservice.samples import make_case, make_centre, register_staff
from govservice.store.memory import MemoryStore
from govservice.store.simulation import is_simulation, make_simulation
from govservice.store.sqlite import SqliteStore
from govservice.workflow.intake import (
    BACKDATE_LIMIT,
    CENTRE_SET,
    FIELD_LABELS,
    RECEIPT_ENTERED_LATE,
    RECEIPT_GRACE,
    centre_set_fields,
)
from govservice.workflow.progress import progress
from workflow_helpers import (
    APPLICANT,
    APPLICANT_PARTY,
    BACKENDS,
    CLERK,
    REVIEWER,
    SUPERVISOR,
    Desk,
    at,
    make_service,
    ordinary_item,
)
from workflow_helpers import S as State

NOW = at(2015, 3, 2, 9)


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


def desk_on(backend: str, tmp_path: Path, *, simulation: bool = True) -> Desk:
    clock = FixedClock(NOW)
    service = make_service(backend, tmp_path, clock)
    if simulation:
        make_simulation(service.store)
    return Desk(service, clock)


@pytest.fixture
def desk(backend, tmp_path):
    made = desk_on(backend, tmp_path)
    yield made
    made.store.close()


def refusals(store, after: int = 0, *, only: bool = True) -> list[dict]:
    """The refusals chained after link ``after``; ``only``: every link after it is one."""
    links = [json.loads(entry.text) for entry in store.ledger(after)]
    links = [link for link in links if "simulation" not in link]  # a simulation's link 1
    if only:
        assert all("refused" in link for link in links), links
    return [link["refused"] for link in links if "refused" in link]


# --- every centre-set field, through the Python API ---------------------------------------

MOMENT = NOW + dt.timedelta(hours=1)

CARRIED: dict[str, Any] = {
    "state": State.ACCEPTED,
    "events": (
        CaseEvent(at=NOW, actor="张伟", role="applicant", action="apply", to_state="submitted"),
    ),
    "tracking_code": "K7QF3M9TXW2P",
    "accepted_at": MOMENT,
    "decided_at": MOMENT,
    "completed_at": MOMENT,
    "promised_due": dt.date(2015, 3, 3),
    "legal_due": dt.date(2015, 3, 4),
    "clock_started_on": dt.date(2015, 3, 2),
    "deadline_provisional": True,
    "fees": (ChargedFee(name="工本费", amount=Decimal("0"), exemption="本人申请免收"),),
    "green_channel": True,
    "handler": "刘洋",
    "full_agency": True,
    "centre_agent": "孙代办",
    "decision": Decision(outcome="grant"),
    "refusal_reason": "材料不全",
    "supplements": (
        SupplementRequest(requested_at=NOW, materials=("身份证明",), from_state="submitted"),
    ),
    "suspensions": (
        Suspension(procedure="hearing", reason="听证", started_at=NOW, from_state="in_review"),
    ),
    "evaluation": Evaluation(grade="very_satisfied", at=MOMENT),
    "rectification": Rectification(opened_at=MOMENT, due=dt.date(2015, 3, 20)),
    "fee_choices": {"工本费": "补领"},
    "confirmed_fee_conditions": ("加急费",),
}
"""A value of each centre-set field the model has, other than a new application's."""

NEEDS = {"evaluation": {"state": State.COMPLETED}}
"""What the model needs beside a value (only a completed case holds an evaluation)."""

FIELDS = [name for name in CENTRE_SET if name in {f.name for f in attrs.fields(type(make_case()))}]


def test_every_centre_set_field_of_the_model_has_a_value_here():
    assert set(FIELDS) == set(CARRIED)


@pytest.mark.parametrize("field", FIELDS)
def test_an_application_carrying_a_centre_set_field_is_refused_and_recorded(desk, field):
    item = ordinary_item()
    desk.store.add_item(item)
    case = desk.new_case(item, id="IN-1", **NEEDS.get(field, {}), **{field: CARRIED[field]})
    assert field in centre_set_fields(case)
    with pytest.raises(ApplicationRefusedError) as refused:
        desk.workflow.apply(case, APPLICANT)
    assert refused.value.code == "GS807"
    assert field in refused.value.fields
    assert field in str(refused.value)
    assert "\n" not in str(refused.value)
    assert desk.store.count("case") == 0
    (refusal,) = refusals(desk.store)
    assert refusal["action"] == "apply"
    assert (refusal["actor"], refusal["role"]) == (APPLICANT.name, "applicant")
    assert refusal["refusal"].startswith("GS807: ")
    assert field in refusal["fields"]
    assert desk.store.case_ledger("IN-1")  # under the case id the application gave


def test_every_field_is_named_at_once_with_the_other_problems(desk):
    item = ordinary_item()
    desk.store.add_item(item)
    case = desk.new_case(
        item,
        green_channel=True,
        handler="刘洋",
        fees=CARRIED["fees"],
        station_code="NO-SUCH-STATION",
        received_at=NOW + dt.timedelta(hours=2),
    )
    with pytest.raises(ApplicationRefusedError) as refused:
        desk.workflow.apply(case, APPLICANT)
    assert refused.value.fields == ("green_channel", "handler", "fees")
    message = str(refused.value)
    assert "green_channel, handler, fees" in message
    assert "station NO-SUCH-STATION is not stored" in message
    assert "after the centre's clock" in message
    (refusal,) = refusals(desk.store)
    assert refusal["fields"] == ["green_channel", "handler", "fees"]


def test_the_fees_are_computed_and_a_clerk_exempts_one_with_a_reason(desk):
    item = ordinary_item(fees=(Fee(name="工本费", amount=Decimal("20.00")),))
    stored = desk.apply(item)
    assert [(f.name, f.amount, f.exemption) for f in stored.record.fees] == [
        ("工本费", Decimal("20.00"), None)
    ]
    head = desk.store.ledger_head()[0]
    with pytest.raises(RoleError):  # only a window clerk
        desk.workflow.exempt_fee(stored, REVIEWER, "工本费", "困难群众")
    stored = desk.read(stored.record.id)
    assert stored.record.events[-1].refusal.startswith("GS802")
    with pytest.raises(WorkflowError, match="lowers the fee"):
        desk.workflow.exempt_fee(stored, CLERK, "工本费", "困难群众", amount="25")
    with pytest.raises(WorkflowError, match="no fee '登记费'"):
        desk.workflow.exempt_fee(stored, CLERK, "登记费", "困难群众")
    stored = desk.workflow.exempt_fee(stored, CLERK, "工本费", "持低保证明，免收", amount="5")
    (fee,) = stored.record.fees
    assert (fee.amount, fee.exemption) == (Decimal("5"), "持低保证明，免收")
    event = stored.record.events[-1]
    assert (event.action, event.actor, event.refusal) == ("exempt_fee", CLERK.name, None)
    assert "持低保证明，免收" in event.note
    assert desk.store.ledger_head()[0] == head + 2  # the refused attempt, the exemption


# --- the station and the region --------------------------------------------------------------


def test_a_station_that_is_not_stored_or_serves_another_region_is_refused(desk):
    item = ordinary_item()
    desk.store.add_item(item)
    with pytest.raises(ApplicationRefusedError, match="station XX-1 is not stored"):
        desk.workflow.apply(desk.new_case(item, station_code="XX-1"), APPLICANT)
    with pytest.raises(
        ApplicationRefusedError, match="station 370523-ZWZX serves region 370523, not 370500"
    ) as refused:
        desk.workflow.apply(desk.new_case(item, station_code="370523-ZWZX"), APPLICANT)
    # the clerk reads the regions by name, the code beside it
    assert "服务广饶县（370523），不是东营市（370500）" in refused.value.notice
    assert [r["refusal"][:5] for r in refusals(desk.store)] == ["GS807", "GS807"]
    stored = desk.workflow.apply(desk.new_case(item, station_code="370500-ZWZX"), APPLICANT)
    assert stored.record.station_code == "370500-ZWZX"


def test_the_region_is_the_items_or_one_it_is_delegated_to(desk):
    item = ordinary_item()
    desk.store.add_item(item)
    with pytest.raises(
        ApplicationRefusedError, match=r"region 370523 is not the item's \(370500\)"
    ) as refused:
        desk.workflow.apply(desk.new_case(item, region="370523"), APPLICANT)
    assert "区划广饶县（370523）不是事项的区划东营市（370500）" in refused.value.notice
    assert desk.store.count("case") == 0
    # The city delegates the item to Guangrao (下放): a new version of it in the catalog.
    delegated = attrs.evolve(item, version=2, delegated_to=("370523",))
    desk.store.add_item(delegated)
    stored = desk.workflow.apply(desk.new_case(item, region="370523"), APPLICANT)
    assert (stored.record.region, stored.record.item_version) == ("370523", 2)
    with pytest.raises(
        ApplicationRefusedError, match=r"or one it is delegated to \(370523\)"
    ) as refused:
        desk.workflow.apply(desk.new_case(item, region="370522"), APPLICANT)
    assert (
        "区划利津县（370522）不是事项的区划东营市（370500），也不是事项下放的区划广饶县（370523）"
        in refused.value.notice
    )
    stored = desk.workflow.apply(
        desk.new_case(item, station_code="370523-ZWZX", region="370523"), APPLICANT
    )
    assert stored.record.station_code == "370523-ZWZX"


# --- the time of receipt ---------------------------------------------------------------------


def test_a_time_of_receipt_in_the_future_is_refused(desk):
    item = ordinary_item()
    desk.store.add_item(item)
    future = desk.new_case(item, received_at=NOW + dt.timedelta(minutes=1))
    with pytest.raises(ApplicationRefusedError, match="after the centre's clock"):
        desk.workflow.apply(future, CLERK, receipt_reason="补录")
    assert desk.store.count("case") == 0
    assert len(refusals(desk.store)) == 1


def test_a_receipt_a_little_earlier_is_the_moment_of_the_application(desk):
    item = ordinary_item()
    desk.store.add_item(item)
    case = desk.new_case(item, received_at=NOW - RECEIPT_GRACE)
    stored = desk.workflow.apply(case, APPLICANT)
    assert stored.record.received_at == NOW  # the centre's clock
    assert stored.record.events[0].warnings == ()


def test_a_paper_application_entered_late_needs_a_clerk_and_a_reason(desk):
    item = ordinary_item()
    desk.store.add_item(item)
    earlier = NOW - dt.timedelta(days=3)
    case = desk.new_case(item, received_at=earlier)
    with pytest.raises(ApplicationRefusedError) as refused:
        desk.workflow.apply(case, APPLICANT)
    assert "by a window clerk (not applicant) and with the reason" in str(refused.value)
    with pytest.raises(ApplicationRefusedError, match="entered with the reason"):
        desk.workflow.apply(case, CLERK, receipt_reason="  ")
    with pytest.raises(ApplicationRefusedError, match="by a window clerk"):
        desk.workflow.apply(case, APPLICANT, receipt_reason="乡镇代收")
    assert desk.store.count("case") == 0
    assert len(refusals(desk.store)) == 3

    stored = desk.workflow.apply(case, CLERK, receipt_reason="大王镇便民服务中心代收，周一转交")
    assert stored.record.received_at == earlier
    (warning,) = stored.record.events[0].warnings
    assert warning.code == RECEIPT_ENTERED_LATE
    assert "2015-02-27 09:00" in warning.message  # received
    assert "2015-03-02 09:00" in warning.message  # entered
    assert "大王镇便民服务中心代收" in warning.message


def test_a_receipt_too_far_back_is_refused_even_to_a_clerk_with_a_reason(desk):
    item = ordinary_item()
    desk.store.add_item(item)
    for back in (BACKDATE_LIMIT + dt.timedelta(minutes=1), dt.timedelta(days=730)):
        case = desk.new_case(item, received_at=NOW - back)
        with pytest.raises(ApplicationRefusedError, match="more than 30 days before"):
            desk.workflow.apply(case, CLERK, receipt_reason="补录")
    assert desk.store.count("case") == 0
    # Two years back would have made it deemed accepted (第三十二条): nothing was stored.
    case = desk.new_case(item, received_at=NOW - BACKDATE_LIMIT)
    assert desk.workflow.apply(case, CLERK, receipt_reason="补录").record.received_at == (
        NOW - BACKDATE_LIMIT
    )


# --- back-dating: only on a simulation store -------------------------------------------------


def test_a_time_given_on_a_store_that_is_not_a_simulation_is_refused(backend, tmp_path):
    real = desk_on(backend, tmp_path, simulation=False)
    try:
        item = ordinary_item()
        real.store.add_item(item)
        assert not is_simulation(real.store)
        with pytest.raises(ClockClaimError) as refused:
            real.workflow.apply(real.new_case(item), APPLICANT, at=NOW)
        assert refused.value.code == "GS808"
        (refusal,) = refusals(real.store)
        assert refusal["claimed_at"] == NOW.isoformat()
        stored = real.workflow.apply(real.new_case(item), APPLICANT)  # the server's clock
        with pytest.raises(ClockClaimError):
            real.workflow.accept(stored, CLERK, at=NOW + dt.timedelta(hours=1))
        assert real.read(stored.record.id).record.state is State.SUBMITTED
        event = stored.record.events[0]
        assert event.at == event.recorded_at == NOW
    finally:
        real.store.close()


def test_a_simulation_store_takes_the_time_given_and_records_the_servers(desk):
    item = ordinary_item()
    stored = desk.apply(item)
    later = at(2015, 3, 3, 10)
    stored = desk.workflow.accept(stored, CLERK, at=later)
    event = stored.record.events[-1]
    assert (event.at, event.recorded_at) == (later, NOW)  # claimed, and the server's
    assert desk.read(stored.record.id).record.events[-1].recorded_at == NOW


def test_only_a_store_without_a_history_becomes_a_simulation(tmp_path):
    store = SqliteStore(tmp_path / "s.db")
    try:
        store.add(make_centre())  # reference data may be loaded first
        make_simulation(store)
        assert is_simulation(store)
        make_simulation(store)  # nothing happens
    finally:
        store.close()
    reopened = SqliteStore(tmp_path / "s.db")
    try:
        assert is_simulation(reopened)  # kept in the database
    finally:
        reopened.close()
    real = MemoryStore()
    real.add(make_case())
    with pytest.raises(StoreError, match="1 case"):
        make_simulation(real)
    assert not is_simulation(real)


def settings_store(kind: str, tmp_path: Path):
    if kind == "memory":
        return MemoryStore()
    if kind == "sqlite":
        return SqliteStore(tmp_path / "settings.db")
    pytest.importorskip("govservice_postgres")
    from govservice_postgres import PostgresStore
    from govservice_postgres.testing import fresh_schema, postgres_dsn_or_skip

    dsn = postgres_dsn_or_skip()
    schema = fresh_schema(dsn)
    name = schema.__enter__()
    store = PostgresStore(dsn, schema=name)
    store.close = lambda close=store.close: (close(), schema.__exit__(None, None, None))
    return store


@pytest.mark.parametrize("kind", ["memory", "sqlite", "postgresql"])
def test_settings_are_read_and_set_on_every_backend(kind, tmp_path):
    store = settings_store(kind, tmp_path)
    try:
        assert store.setting("simulation") is None
        store.set_setting("simulation", "true")
        store.set_setting("simulation", "true")  # set again: one row
        assert store.setting("simulation") == "true"
        store.set_setting("other", "值")
        assert (store.setting("other"), store.setting("simulation")) == ("值", "true")
        assert not is_simulation(store)  # the setting alone: make_simulation chains link 1
    finally:
        store.close()


# --- a case is never stuck -------------------------------------------------------------------

DESIGN = "建设工程设计方案"
PHOTOS = "现场照片"


def awaiting(desk, *materials: str):
    item = ordinary_item()
    stored = desk.apply(item, materials=())
    return desk.workflow.request_supplement(stored, CLERK, list(materials))


def test_a_material_the_notice_did_not_ask_for_is_refused_with_the_list(desk):
    stored = awaiting(desk, DESIGN, PHOTOS)
    with pytest.raises(SupplementMismatchError) as refused:
        desk.workflow.supplement(stored, APPLICANT, [SubmittedMaterial(name="营业执照")])
    assert refused.value.code == "GS809"
    message = str(refused.value)
    assert "did not ask for 营业执照" in message
    assert f"it asked for {DESIGN}、{PHOTOS}" in message
    assert desk.read(stored.record.id) == stored  # nothing stored


def test_a_partial_supplement_keeps_the_case_waiting_for_the_rest(desk):
    stored = awaiting(desk, DESIGN, PHOTOS)
    stored = desk.workflow.supplement(stored, APPLICANT, [SubmittedMaterial(name=DESIGN)])
    assert stored.record.state is State.AWAITING_SUPPLEMENT
    notice = stored.record.supplements[-1]
    assert (notice.arrived, notice.awaited, notice.received_at) == ((DESIGN,), (PHOTOS,), None)
    assert stored.record.events[-1].to_state is State.AWAITING_SUPPLEMENT
    with pytest.raises(SupplementMismatchError, match=f"still awaited: {PHOTOS}"):
        desk.workflow.supplement(stored, APPLICANT, [SubmittedMaterial(name="营业执照")])
    stored = desk.workflow.supplement(stored, APPLICANT, [SubmittedMaterial(name=PHOTOS)])
    assert stored.record.state is State.SUBMITTED
    notice = stored.record.supplements[-1]
    assert (notice.arrived, notice.awaited, notice.received_at) == ((DESIGN, PHOTOS), (), NOW)
    steps = [
        step.label for step in progress(desk.workflow.store, stored.record.tracking_code).steps
    ]
    assert steps[-2:] == ["部分补正材料", "已补正材料"]  # what the public lookup tells


def test_a_clerk_can_always_refuse_before_acceptance(desk):
    # The notice asked for a material the case did not need; what it needs is still missing
    # after the supplement, and a second notice is not given: the clerk refuses.
    stored = awaiting(desk, PHOTOS)
    stored = desk.workflow.supplement(stored, APPLICANT, [SubmittedMaterial(name=PHOTOS)])
    with pytest.raises(WorkflowError, match="refuse it"):
        desk.workflow.accept(stored, CLERK)
    with pytest.raises(WorkflowError, match="one notice"):
        desk.workflow.request_supplement(stored, CLERK)
    refused = desk.workflow.refuse(stored, CLERK, "申请材料不齐全，经一次性告知仍未补正")
    assert refused.record.state is State.NOT_ACCEPTED
    # Waiting for a supplement asked for before acceptance: refused as well.
    waiting = awaiting(desk, DESIGN)
    refused = desk.workflow.refuse(waiting, CLERK, "申请人明确表示不补正")
    assert refused.record.state is State.NOT_ACCEPTED
    assert refused.record.refusal_reason == "申请人明确表示不补正"


def test_a_case_waiting_for_a_supplement_asked_in_review_is_not_refused_acceptance(desk):
    stored = desk.bring_to(ordinary_item(), State.AWAITING_SUPPLEMENT, via=State.IN_REVIEW)
    with pytest.raises(TransitionError, match="accepted before its supplement notice"):
        desk.workflow.refuse(stored, CLERK, "不予受理")
    assert desk.read(stored.record.id).record.state is State.AWAITING_SUPPLEMENT


def test_a_supervisor_may_not_exempt_and_a_closed_case_keeps_its_fees(desk):
    item = ordinary_item(fees=(Fee(name="工本费", amount=Decimal("20.00")),))
    stored = desk.apply(item)
    stored = desk.workflow.refuse(stored, CLERK, "不属于本机关职权范围")
    with pytest.raises(TransitionError, match="fees stay"):
        desk.workflow.exempt_fee(stored, CLERK, "工本费", "困难群众")
    with pytest.raises(RoleError):
        desk.workflow.exempt_fee(desk.read(stored.record.id), SUPERVISOR, "工本费", "困难群众")


# --- the command line ------------------------------------------------------------------------


@pytest.fixture
def centre(tmp_path: Path) -> Path:
    """A centre on a simulation database (the tests give --now), with the catalog's item
    and the staffed centres."""
    config = tmp_path / "govservice.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "name": "东营市政务服务中心",
                "region": "370500",
                "storage": {"backend": "sqlite", "settings": {"path": "centre.db"}},
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    assert main(["--config", str(config), "db", "init", "--simulation"]) == 0
    store = SqliteStore(tmp_path / "centre.db")
    register_staff(store)
    store.add_item(ordinary_item())
    store.close()
    return config


def application_file(tmp_path: Path, **fields: Any) -> Path:
    item = ordinary_item()
    document = {
        "id": "CLI-1",
        "item_code": item.code,
        "region": item.region,
        "department": item.department,
        "station_code": "370500-ZWZX",
        "applicant": to_document(APPLICANT_PARTY),
        "materials": [{"name": m.name, "originals": 1} for m in item.materials],
        "received_at": NOW.isoformat(),
        **fields,
    }
    path = tmp_path / "application.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


def apply_file(config: Path, path: Path, *more: str, now: str = "2015-03-02T09:00") -> int:
    return main(
        ["--config", str(config), "--now", now, "case", "apply", str(path), "--actor",
         APPLICANT.name, "--actor-id", APPLICANT.id, "--role", "applicant", *more]
    )  # fmt: skip


def stored_cases_and_refusals(
    config: Path, database: str = "centre.db", *, only: bool = True
) -> tuple[int, list[dict]]:
    store = SqliteStore(config.parent / database, create=False)
    try:
        return store.count("case"), refusals(store, only=only)
    finally:
        store.close()


def document_value(field: str) -> Any:
    """The JSON value of ``CARRIED[field]`` as an application file would write it."""
    changes = {**NEEDS.get(field, {}), field: CARRIED[field]}
    return to_document(make_case(**changes))[field]


@pytest.mark.parametrize("field", FIELDS)
def test_case_apply_refuses_a_file_carrying_a_centre_set_field(centre, tmp_path, capsys, field):
    path = application_file(tmp_path, **{field: document_value(field)})
    assert apply_file(centre, path) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("govservice: 拒绝[GS807] 办件 CLI-1 的申请不予接收：")
    assert (
        f"申请不能填报由中心确定的内容：{FIELD_LABELS[field]}（{field}）；未作任何登记" in lines[0]
    )
    assert "Traceback" not in captured.err
    assert captured.out == ""
    cases, recorded = stored_cases_and_refusals(centre)
    assert cases == 0  # nothing else is written
    (refusal,) = recorded
    assert refusal["fields"] == [field]


def test_case_apply_refuses_a_centre_set_key_whatever_its_value(centre, tmp_path, capsys):
    path = application_file(tmp_path, green_channel=False, state="submitted", events=[])
    assert apply_file(centre, path) == 2
    err = capsys.readouterr().err
    assert (
        "办理过程（events）、绿色通道（green_channel）、办件状态（state）；" in err
    )  # file order
    assert stored_cases_and_refusals(centre)[1][0]["fields"] == [
        "events",
        "green_channel",
        "state",
    ]


def test_case_apply_takes_a_paper_application_entered_late_from_a_clerk(centre, tmp_path, capsys):
    path = application_file(tmp_path, received_at="2015-02-27T16:00:00+08:00")
    assert apply_file(centre, path) == 2  # the applicant, without a reason
    assert capsys.readouterr().err == (
        "govservice: 拒绝[GS807] 办件 CLI-1 的申请不予接收：收件时间（2015-02-27 16:00）早于"
        "中心时钟（2015-03-02 09:00）：补录纸质申请须由窗口工作人员录入（不是申请人）并说明"
        "补录理由（--receipt-reason）；未作任何登记\n"
    )
    clerk = ["--actor", CLERK.name, "--role", "window_clerk"]
    assert main(
        ["--config", str(centre), "--now", "2015-03-02T09:00", "case", "apply", str(path),
         *clerk, "--receipt-reason", "邮寄申请，周五下班后送达"]
    ) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "办件 CLI-1：申请 → 已申请" in out
    assert f"警告[{RECEIPT_ENTERED_LATE}]" in out
    cases, (refusal,) = stored_cases_and_refusals(centre, only=False)
    assert cases == 1
    assert refusal["claimed_at"] == "2015-03-02T09:00:00+08:00"  # --now, beside the real time


def test_now_is_refused_on_a_database_that_is_not_a_simulation(tmp_path, capsys):
    config = tmp_path / "real.yaml"
    config.write_text(
        "name: 东营市政务服务中心\nregion: '370500'\n"
        "storage: {backend: sqlite, settings: {path: real.db}}\n",
        encoding="utf-8",
    )
    assert main(["--config", str(config), "db", "init"]) == 0
    assert "simulation" not in capsys.readouterr().out
    store = SqliteStore(tmp_path / "real.db")
    register_staff(store)
    store.add_item(ordinary_item())
    store.close()
    assert apply_file(config, application_file(tmp_path)) == 2
    err = capsys.readouterr().err
    assert err.startswith("govservice: error[GS808] ")
    assert len(err.strip().splitlines()) == 1
    assert "not a simulation" in err
    cases, (refusal,) = stored_cases_and_refusals(config, "real.db")
    assert cases == 0
    assert refusal["refusal"].startswith("GS808")
    # Once it holds a history, it is never made a simulation.
    assert main(["--config", str(config), "db", "init", "--simulation"]) == 2
    assert "error[GS700]" in capsys.readouterr().err


def test_db_init_simulation_and_status_say_so(centre, capsys):
    assert main(["--config", str(centre), "db", "status"]) == 0
    assert "a simulation store" in capsys.readouterr().out
    assert main(["--config", str(centre), "db", "init", "--simulation"]) == 0  # again: fine
    assert "a simulation" in capsys.readouterr().out


def test_case_supplement_says_what_is_still_awaited(centre, tmp_path, capsys):
    path = application_file(tmp_path, materials=[])
    assert apply_file(centre, path) == 0
    base = ["--config", str(centre), "--now", "2015-03-02T09:10", "case"]
    clerk = ["--actor", CLERK.name, "--role", "window_clerk"]
    assert main([*base, "request-supplement", "CLI-1", *clerk, "--material", DESIGN,
                 "--material", PHOTOS]) == 0  # fmt: skip
    applicant = ["--actor", APPLICANT.name, "--actor-id", APPLICANT.id, "--role", "applicant"]
    capsys.readouterr()
    assert main([*base, "supplement", "CLI-1", *applicant, "--material", "营业执照"]) == 2
    assert "govservice: 拒绝[GS809] 补正材料与补正告知不符（" in capsys.readouterr().err
    assert main([*base, "supplement", "CLI-1", *applicant, "--material", DESIGN]) == 0
    out = capsys.readouterr().out
    assert "办件 CLI-1：部分补正材料 → 待补正" in out
    assert f"尚待补正：{PHOTOS}" in out
    assert main([*base, "exempt-fee", "CLI-1", *clerk, "--fee", "无", "--reason", "x"]) == 2
    assert "拒绝[GS800]" in capsys.readouterr().err
    assert main([*base, "refuse", "CLI-1", *clerk, "--reason", "申请人不再补正"]) == 0
    assert "办件 CLI-1：不予受理 → 不予受理" in capsys.readouterr().out


class NoApplications:
    """A local rule that blocks every application: the hall is closed for inventory."""

    @hookimpl
    def govservice_case_rules(self, case, item, action):
        if action is Action.APPLY:
            return [Finding(code="TEST-CLOSED", message="大厅盘点，暂停收件")]
        return None


def test_an_application_blocked_by_a_local_rule_is_recorded(tmp_path):
    clock = FixedClock(NOW)
    service = make_service("sqlite", tmp_path, clock, given=[("closed", NoApplications())])
    desk = Desk(service, clock)
    try:
        item = ordinary_item()
        desk.store.add_item(item)
        with pytest.raises(RulesBlockedError):
            desk.workflow.apply(desk.new_case(item, id="RB-1"), APPLICANT)
        (refusal,) = refusals(desk.store)
        assert refusal["refusal"].startswith("GS600: ")
        assert "TEST-CLOSED" in refusal["refusal"]
        assert "claimed_at" not in refusal
        assert refusal["at"] == refusal["recorded_at"] == NOW.isoformat()
        unknown = desk.new_case(ordinary_item(code="11370500004275432Y-XK-0099"), id="RB-2")
        with pytest.raises(RecordNotFoundError):  # an item not in the catalog: recorded too
            desk.workflow.apply(unknown, APPLICANT)
        assert [r["refusal"][:5] for r in refusals(desk.store)] == ["GS600", "GS703"]
        assert desk.store.count("case") == 0
    finally:
        desk.store.close()


def test_the_department_is_the_items(desk):
    item = ordinary_item()
    desk.store.add_item(item)
    with pytest.raises(
        ApplicationRefusedError,
        match=f"department 东营市住房和城乡建设局 is not the item's \\({item.department}\\)",
    ):
        desk.workflow.apply(desk.new_case(item, department="东营市住房和城乡建设局"), APPLICANT)
    assert desk.store.count("case") == 0
    assert len(refusals(desk.store)) == 1


def test_an_application_file_is_read_with_the_centres_years():
    from govservice.errors import InvalidRecordError
    from govservice.formats import DateWindow
    from govservice.workflow.intake import application_from_document

    document = to_document(make_case(ordinary_item()))
    document["received_at"] = "1948-06-01T09:00:00+08:00"
    with pytest.raises(InvalidRecordError, match="/received_at"):
        application_from_document(document, where="old.json:1")
    case, carried = application_from_document(
        document, where="old.json:1", window=DateWindow(earliest=1900)
    )
    assert (case.received_at.year, carried) == (1948, ())
