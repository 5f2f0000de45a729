# ruff: noqa: F811  (each test takes the imported `store` fixture)
"""The outbox of notifications: notices written in the action's transaction, delivered
after commit, retried, never failing the action (strict mode too), listed by
``govservice notices``.

On every store backend (memory, SQLite, PostgreSQL: the ``store`` fixture of the contract
suite), through the workflow.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import textwrap

import pytest

from govservice import GovService, hookimpl
from govservice.cli import main
from govservice.clock import SHANGHAI, FixedClock
from govservice.config import Config
from govservice.errors import NoticeUndeliveredError, RoleError
from govservice.model import CaseState
from govservice.samples import make_case, make_item, register_staff
from govservice.store.sqlite import SqliteStore
from govservice.workflow import Workflow
from govservice.workflow.outbox import BACKOFF, MAX_ATTEMPTS
from test_store_contract import store  # noqa: F401  (the fixture over every backend)
from workflow_helpers import APPLICANT, APPLICANT_PARTY, CLERK, REVIEWER, handed_in, mandate_for

START = dt.datetime(2015, 3, 2, 9, 0, tzinfo=SHANGHAI)
ITEM = make_item()


class Sms:
    """A notification plugin: notes what it is told, or fails like a gateway that is down."""

    def __init__(self, *, failing: int = 0, store=None) -> None:
        self.told: list[tuple[str, str, str]] = []
        self.failing = failing  # how many calls fail before it works again
        self.store = store  # a second connection: what others see when it is told
        self.seen: list[bool] = []

    @hookimpl
    def govservice_case_event(self, case, event):
        if self.store is not None:
            stored = self.store.get("case", case.id)
            self.seen.append(stored is not None and event in stored.record.events)
        if self.failing:
            self.failing -= 1
            raise ConnectionError("短信网关无响应")
        self.told.append((case.id, event.action, case.state.value))


class Lijin:
    """A notification plugin of another county only."""

    REGIONS = ("370522",)

    def __init__(self) -> None:
        self.told: list[str] = []

    @hookimpl
    def govservice_case_event(self, case, event):
        self.told.append(case.id)


def centre(store, *notifiers, strict: bool = True) -> tuple[GovService, Workflow, FixedClock]:
    clock = FixedClock(START)
    service = GovService(
        Config(name="东营市政务服务中心", region="370500"),
        clock=clock,
        strict=strict,
        environ={"GOVSERVICE_PLUGINS": ""},
        plugins=[(f"notifier{i}", n) for i, n in enumerate(notifiers)],
    )
    register_staff(store)
    store.add_item(ITEM)
    return service, Workflow(service, store), clock


def new_case(case_id: str):
    return make_case(
        ITEM,
        id=case_id,
        materials=handed_in(ITEM),
        received_at=START,
        applicant=APPLICANT_PARTY,
        mandates=(mandate_for(ITEM),),
    )


def test_each_event_is_delivered_after_its_action_commits(store, tmp_path):
    other = SqliteStore(store.path) if getattr(store, "dialect", "") == "sqlite" else None
    sms = Sms(store=other)
    service, workflow, _ = centre(store, sms)
    stored = workflow.apply(new_case("N-1"), APPLICANT)
    workflow.accept(stored, CLERK)
    assert sms.told == [("N-1", "apply", "submitted"), ("N-1", "accept", "accepted")]
    assert store.undelivered_notices() == []
    if other is not None:
        assert sms.seen == [True, True]  # told once another connection sees the event
        other.close()
    assert service.plugins.problems == []


@pytest.mark.parametrize("strict", [True, False])
def test_a_failing_notifier_never_makes_a_stored_action_look_failed(store, strict, caplog):
    sms = Sms(failing=10)
    service, workflow, _ = centre(store, sms, strict=strict)
    with caplog.at_level(logging.WARNING, logger="govservice.notices"):
        stored = workflow.apply(new_case("N-2"), APPLICANT)
        accepted = workflow.accept(stored, CLERK)
    assert accepted.record.state is CaseState.ACCEPTED
    assert store.get("case", "N-2").record.state is CaseState.ACCEPTED
    notices = store.undelivered_notices()
    assert [(n.case_id, n.doc["action"], n.attempts) for n in notices] == [
        ("N-2", "apply", 1),
        ("N-2", "accept", 1),
    ]
    assert "ConnectionError: 短信网关无响应" in notices[0].last_error
    assert notices[0].waiting_for == ("notifier0",)
    assert notices[0].next_attempt_at == START + BACKOFF[0]
    warnings = [p for p in service.plugins.problems if isinstance(p, NoticeUndeliveredError)]
    assert len(warnings) == 2
    assert warnings[0].code == "GS504"
    assert warnings[0].where == "case N-2"
    assert "the action is stored" in str(warnings[0])
    assert any("GS504" in record.getMessage() for record in caplog.records)
    # the plugin is not left out: the next action's notice is tried on it too
    workflow.review(accepted, REVIEWER)
    assert len(store.undelivered_notices()) == 3


def test_a_failed_notice_is_retried_after_a_later_commit(store):
    good, flaky = Sms(), Sms(failing=1)
    _, workflow, clock = centre(store, good, flaky)
    stored = workflow.apply(new_case("N-3"), APPLICANT)
    assert good.told == [("N-3", "apply", "submitted")]
    assert flaky.told == []
    (waiting,) = store.undelivered_notices()
    assert waiting.waiting_for == ("notifier1",)
    workflow.accept(stored, CLERK)  # its wait is not over: not tried again yet
    assert [n.doc["action"] for n in store.undelivered_notices()] == ["apply"]
    clock.advance(minutes=2)
    workflow.review("N-3", REVIEWER)
    assert store.undelivered_notices() == []
    # only the plugin that failed is told again; on a retry, of the case as it stands
    assert [told[1] for told in good.told] == ["apply", "accept", "review"]
    assert flaky.told == [
        ("N-3", "accept", "accepted"),
        ("N-3", "apply", "in_review"),
        ("N-3", "review", "in_review"),
    ]


def test_attempts_are_bounded_then_left_to_the_command(store):
    sms = Sms(failing=MAX_ATTEMPTS + 1)
    _, workflow, clock = centre(store, sms)
    workflow.apply(new_case("N-4"), APPLICANT)
    outbox = workflow.outbox
    waits = []
    while (notice := store.undelivered_notices()[0]).next_attempt_at is not None:
        waits.append(notice.next_attempt_at - clock.now())
        clock.moment = notice.next_attempt_at
        assert outbox.deliver(force=False).failed == 1
    assert waits == list(BACKOFF)
    assert notice.attempts == MAX_ATTEMPTS
    clock.advance(days=30)
    assert outbox.deliver(force=False).skipped == 1  # no more automatic attempts
    assert outbox.deliver().failed == 1  # the command's: one more, which fails again
    delivery = outbox.deliver()
    assert (delivery.delivered, delivery.failed) == (1, 0)
    assert store.undelivered_notices() == []
    assert sms.told == [("N-4", "apply", "submitted")]


def test_a_rolled_back_batch_leaves_no_notice_and_tells_no_one(store):
    sms = Sms()
    _, workflow, _ = centre(store, sms)

    def failing_batch() -> None:
        with workflow.batch():
            stored = workflow.apply(new_case("N-5"), APPLICANT)
            workflow.accept(stored, CLERK)
            raise RuntimeError("the batch fails")

    with pytest.raises(RuntimeError):
        failing_batch()
    assert store.get("case", "N-5") is None
    assert store.undelivered_notices() == []
    # a later commit delivers nothing of it either
    workflow.apply(new_case("N-6"), APPLICANT)
    assert sms.told == [("N-6", "apply", "submitted")]


def test_a_committed_batch_delivers_each_event_after_the_commit(store):
    sms = Sms()
    _, workflow, _ = centre(store, sms)
    with workflow.batch():
        stored = workflow.apply(new_case("N-7"), APPLICANT)
        stored = workflow.accept(stored, CLERK)
        workflow.apply(new_case("N-8"), APPLICANT)
        assert sms.told == []
    assert sms.told == [
        ("N-7", "apply", "submitted"),
        ("N-7", "accept", "accepted"),
        ("N-8", "apply", "submitted"),
    ]
    assert store.undelivered_notices() == []


def test_a_batch_writes_its_notices_at_once_and_tells_them_in_order(store, monkeypatch):
    sms = Sms()
    _, workflow, _ = centre(store, sms)
    inserts = []
    add_notices_of = store.add_notices_of

    def counted(writes, **held):
        inserts.append([(case_id, [doc["action"] for doc in docs]) for case_id, docs in writes])
        return add_notices_of(writes, **held)

    monkeypatch.setattr(store, "add_notices_of", counted)
    with workflow.batch():  # the actions of two cases, interleaved
        first = workflow.apply(new_case("N-10"), APPLICANT)
        second = workflow.apply(new_case("N-11"), APPLICANT)
        workflow.accept(first, CLERK)
        workflow.accept(second, CLERK)
    assert inserts == [[("N-10", ["apply", "accept"]), ("N-11", ["apply", "accept"])]]
    assert sms.told == [  # each told with the case as that action left it, in order
        ("N-10", "apply", "submitted"),
        ("N-11", "apply", "submitted"),
        ("N-10", "accept", "accepted"),
        ("N-11", "accept", "accepted"),
    ]
    assert store.undelivered_notices() == []


def test_a_refused_attempt_is_not_told(store):
    sms = Sms()
    _, workflow, _ = centre(store, sms)
    stored = workflow.apply(new_case("N-9"), APPLICANT)
    with pytest.raises(RoleError):
        workflow.accept(stored, REVIEWER)
    assert store.get("case", "N-9").record.events[-1].refusal is not None
    assert sms.told == [("N-9", "apply", "submitted")]
    assert store.undelivered_notices() == []


def test_no_notice_where_no_notifier_serves_the_region(store):
    lijin = Lijin()
    _, workflow, _ = centre(store, lijin)
    workflow.apply(new_case("N-10"), APPLICANT)
    assert lijin.told == []
    assert store.undelivered_notices() == []


def test_sessions_on_one_store_share_its_outbox(store):
    service, workflow, _ = centre(store, Sms())
    callbacks = len(store._after_commit)
    assert workflow.outbox is Workflow(service, store).outbox
    assert len(store._after_commit) == callbacks + 1  # the first outbox made registered
    assert Workflow(service, store).outbox is workflow.outbox
    assert len(store._after_commit) == callbacks + 1


# --- the command line --------------------------------------------------------------------

PLUGIN = """
from govservice import hookimpl

@hookimpl
def govservice_case_event(case, event):
    raise ConnectionError("短信网关无响应")
"""


def test_the_command_lists_and_delivers_undelivered_notices(tmp_path, monkeypatch, capsys):
    database = tmp_path / "centre.db"
    (tmp_path / "failing_sms.py").write_text(PLUGIN, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    config = tmp_path / "centre.yaml"
    config.write_text(
        textwrap.dedent(
            f"""\
            name: 东营市政务服务中心
            region: "370500"
            storage: {{backend: sqlite, settings: {{path: "{database}"}}}}
            plugins:
              - module: failing_sms
            """
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv("GOVSERVICE_PLUGINS", "")
    service = GovService(config, clock=FixedClock(START))
    register_staff(service.store)
    service.store.add_item(ITEM)
    service.workflow.apply(new_case("N-11"), APPLICANT)
    service.store.close()

    assert main(["--config", str(config), "notices"]) == 1
    out = capsys.readouterr().out
    assert "未送达的通知 1 条" in out
    assert "#1  办件 N-11  事件 申请（2015-03-02 09:00）  已尝试 1/5 次" in out
    assert "ConnectionError: 短信网关无响应" in out

    assert main(["--config", str(config), "notices", "--json"]) == 1
    (listed,) = json.loads(capsys.readouterr().out)
    assert (listed["case_id"], listed["action"], listed["attempts"]) == ("N-11", "apply", 1)

    # an action whose notifier fails: stored, exit 0, a warning
    command = ["--config", str(config), "case", "accept", "N-11", "--actor", "王晓燕"]
    assert main([*command, "--role", "window_clerk"]) == 0
    captured = capsys.readouterr()
    assert "办件 N-11：受理 → 已受理" in captured.out
    assert "govservice: warning[GS504] case N-11: the notice of accept" in captured.err

    assert main(["--config", str(config), "notices", "deliver"]) == 1  # still failing
    captured = capsys.readouterr()
    assert "仍未送达 2 条" in captured.out
    assert "warning[GS504]" in captured.err
    assert "Traceback" not in captured.err

    config.write_text(config.read_text(encoding="utf-8").split("plugins:")[0], "utf-8")
    assert main(["--config", str(config), "notices", "deliver"]) == 0  # no one to tell now
    assert "已送达 2 条，仍未送达 0 条" in capsys.readouterr().out
    assert main(["--config", str(config), "notices"]) == 0
    assert "没有未送达的通知" in capsys.readouterr().out


def test_the_command_checks_its_limit(tmp_path, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["notices", "--limit", "0"])
    assert exited.value.code == 2
    assert "between 1 and" in capsys.readouterr().err
