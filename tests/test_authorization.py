# ruff: noqa: F811  (the tests take the imported `store` fixture)
"""Who may act (issue 10): the registry of staff, the applicant, mandates and centre agents.

Every refusal is asserted three ways: the error and its code, the case unchanged in its
state, and the refused attempt recorded on the case (an event with ``refusal``). The
positive paths are beside them: the real applicant, a valid mandate, an assigned centre
agent, a clerk of the right station.

The centre: the Dongying city centre (370500-ZWZX) with its clerk, reviewer, approver,
supervisor and agent; the Guangrao county centre (370523-ZWZX) with its own clerk.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import attrs
import pytest
import yaml

from govservice.clock import SHANGHAI, FixedClock
from govservice.codec import to_document
from govservice.config import Config
from govservice.errors import AuthorizationError, RoleError
from govservice.model import (
    Case,
    CaseState,
    Mandate,
    StaffMember,
    StaffPost,
    Station,
    SubmittedMaterial,
)
from govservice.samples import enterprise, make_case, make_item, person
from govservice.service import GovService
from govservice.store.base import Stored
from govservice.workflow import Actor
from test_store_contract import store  # noqa: F401  (the fixture over every backend)

START = dt.datetime(2015, 3, 2, 9, 0, tzinfo=SHANGHAI)  # a Monday
D = dt.date

CITY = Station(
    code="370500-ZWZX",
    name="东营市政务服务中心",
    level="city_centre",
    region="370500",
    staff=(
        StaffMember(name="李娜", role="window_clerk", staff_number="DY-0101"),
        StaffMember(name="马晓燕", role="reviewer", staff_number="DY-0102"),
        StaffMember(name="王强", role="approver", staff_number="DY-0103"),
        StaffMember(name="赵敏", role="supervisor", staff_number="DY-0104"),
        StaffMember(name="徐磊", role="agent", staff_number="DY-0105"),
        StaffMember(name="何军", role="manager", staff_number="DY-0100"),
    ),
)
GUANGRAO = Station(
    code="370523-ZWZX",
    name="广饶县政务服务中心",
    level="county_centre",
    parent_code="370500-ZWZX",
    region="370523",
    staff=(StaffMember(name="杨丽", role="window_clerk", staff_number="GR-0001"),),
)

CLERK = Actor("李娜", "window_clerk")
REVIEWER = Actor("马晓燕", "reviewer")
APPROVER = Actor("王强", "approver")
SUPERVISOR = Actor("赵敏", "supervisor")
CENTRE_AGENT = Actor("徐磊", "agent", id="DY-0105")
GUANGRAO_CLERK = Actor("杨丽", "window_clerk", id="GR-0001")

OWNER = enterprise(4242, name="东营润丰化工有限公司")
APPLICANT = Actor("张伟", "applicant", id=OWNER.identifier.number)
OTHER = enterprise(4343, name="东营某某贸易有限公司")
IMPOSTOR = Actor("张伟", "applicant", id=OTHER.identifier.number)
LAWYER = person(77, name="孙律师")
AGENT = Actor("孙律师", "agent", id=LAWYER.identifier.number)

ITEM = make_item()
GUANGRAO_ITEM = make_item(
    code="11370523004395821A-XK-0003",
    name="建筑工程施工许可证核发",
    department="广饶县住房和城乡建设局",
    region="370523",
    level="county",
)


def materials(item) -> tuple[SubmittedMaterial, ...]:
    return tuple(SubmittedMaterial(name=m.name, originals=1) for m in item.materials)


def mandate(**changes) -> Mandate:
    """The applicant's mandate (委托书) to the lawyer for every case of ITEM in 2015."""
    fields = {
        "agent": LAWYER,
        "principal": OWNER,
        "items": (ITEM.code,),
        "valid_from": D(2015, 1, 1),
        "valid_until": D(2015, 12, 31),
    }
    return Mandate(**(fields | changes))


@pytest.fixture
def service(store):
    """The centre on each backend of the store contract (PostgreSQL when a server is
    named), its registry of staff in the stored stations."""
    made = GovService(
        Config(name="东营市政务服务中心", region="370500"), clock=FixedClock(START), strict=True
    )
    made.__dict__["store"] = store  # GovService.store, already open
    store.add(CITY)
    store.add(GUANGRAO)
    store.add_item(ITEM)
    store.add_item(GUANGRAO_ITEM)
    return made


def applied(service, item=ITEM, **changes) -> Stored[Case]:
    """A complete application of ``OWNER`` at the city centre, applied by its applicant."""
    fields = {
        "applicant": OWNER,
        "materials": materials(item),
        "station_code": "370500-ZWZX" if item is ITEM else "370523-ZWZX",
        "received_at": START,
    }
    return service.workflow.apply(make_case(item, **(fields | changes)), APPLICANT)


def completed(service, **changes) -> Stored[Case]:
    workflow = service.workflow
    stored = workflow.accept(applied(service, **changes), CLERK)
    stored = workflow.review(stored, REVIEWER)
    stored = workflow.decide(stored, APPROVER, "grant")
    return workflow.complete(stored, CLERK)


def awaiting(service, **changes) -> Stored[Case]:
    """A case short of its design, sent back for it (补正) by the clerk."""
    draft = materials(ITEM)[:1]
    return service.workflow.request_supplement(applied(service, materials=draft, **changes), CLERK)


def refused(
    service, stored: Stored[Case], attempt, match: str, notice: str | None = None
) -> AuthorizationError:
    """Make the attempt; assert it is refused as GS806 with ``match`` in the message (and
    ``notice`` in the Chinese notice the clerk reads, which names the case), the case's
    state unchanged, and the refusal recorded as its last event."""
    before = stored.record
    with pytest.raises(AuthorizationError, match=re.escape(match)) as caught:
        attempt(stored)
    error = caught.value
    assert error.code == "GS806"
    assert "The attempt is recorded" in error.message
    assert f"不能对办件 {before.id} 办理“" in error.notice
    assert error.notice.endswith("；此次尝试已记录")
    if notice is not None:
        assert notice in error.notice, error.notice
    after = service.store.get("case", before.id)
    assert after.record.state is before.state
    assert len(after.record.events) == len(before.events) + 1
    event = after.record.events[-1]
    assert event.refusal is not None
    assert event.refusal.startswith("GS806: ")
    assert match in event.refusal
    assert (event.from_state, event.to_state) == (before.state, before.state)
    assert after.version == stored.version + 1
    return error


# --- the applicant -----------------------------------------------------------------------------


def test_the_applicant_may_withdraw_and_evaluate(service):
    stored = service.workflow.withdraw(applied(service), APPLICANT, reason="不再需要")
    assert stored.record.state is CaseState.WITHDRAWN
    assert stored.record.events[-1].actor == "张伟"
    done = service.workflow.evaluate(completed(service), APPLICANT, "satisfied")
    assert done.record.evaluation.grade == "satisfied"


def test_an_impostor_applicant_may_not_withdraw(service):
    stored = applied(service)
    refused(
        service,
        stored,
        lambda s: service.workflow.withdraw(s, IMPOSTOR),
        "is not the applicant 东营润丰化工有限公司",
    )


def test_an_impostor_applicant_may_not_evaluate_nor_open_a_rectification(service):
    stored = completed(service)
    refused(
        service,
        stored,
        lambda s: service.workflow.evaluate(s, IMPOSTOR, "very_dissatisfied"),
        "is not the applicant",
    )
    case = service.store.get("case", stored.record.id).record
    assert case.evaluation is None
    assert case.rectification is None


def test_an_impostor_applicant_may_not_supplement(service):
    stored = awaiting(service)
    design = [SubmittedMaterial(name="建设工程设计方案", originals=1)]
    refused(
        service,
        stored,
        lambda s: service.workflow.supplement(s, IMPOSTOR, design),
        "is not the applicant",
    )


def test_an_applicant_without_the_authenticated_identifier_is_refused(service):
    stored = applied(service)
    refused(
        service,
        stored,
        lambda s: service.workflow.withdraw(s, Actor("张伟", "applicant")),
        "an applicant is identified by the identifier",
    )


def test_an_application_in_someone_elses_name_is_refused_and_not_stored(service):
    case = make_case(ITEM, applicant=OWNER, materials=materials(ITEM), received_at=START)
    with pytest.raises(AuthorizationError, match="is not the applicant") as caught:
        service.workflow.apply(case, IMPOSTOR)
    assert caught.value.code == "GS806"
    assert service.store.get("case", case.id) is None


def test_identifiers_are_compared_as_written_on_the_card(service):
    me = person(5, born=D(1980, 5, 17))
    number = me.identifier.number
    loose = Actor("王小明", "applicant", id=f" {number.lower()} ")
    case = make_case(ITEM, applicant=me, materials=materials(ITEM), received_at=START)
    stored = service.workflow.apply(case, loose)
    assert stored.record.state is CaseState.SUBMITTED


# --- agents with a mandate ---------------------------------------------------------------------


def test_an_agent_with_a_mandate_in_force_may_supplement_for_the_applicant(service):
    stored = awaiting(service, mandates=(mandate(),))
    design = [SubmittedMaterial(name="建设工程设计方案", originals=1)]
    stored = service.workflow.supplement(stored, AGENT, design)
    assert stored.record.state is CaseState.SUBMITTED
    event = stored.record.events[-1]
    assert (event.actor, event.role, event.on_behalf_of) == ("孙律师", "agent", OWNER.name)


def test_a_mandate_naming_the_case_covers_it(service):
    stored = applied(service, id="DY-7", mandates=(mandate(items=(), cases=("DY-7",)),))
    assert service.workflow.withdraw(stored, AGENT).record.state is CaseState.WITHDRAWN


def test_an_agent_without_a_mandate_is_refused(service):
    stored = applied(service)
    refused(
        service,
        stored,
        lambda s: service.workflow.withdraw(s, AGENT),
        "no mandate (委托书) recorded on the case names 孙律师",
        "办件上登记的委托书没有一份载明孙律师为申请人",
    )


def test_an_agent_with_an_expired_mandate_is_refused(service):
    stored = applied(service, mandates=(mandate(valid_until=D(2015, 2, 28)),))
    refused(
        service,
        stored,
        lambda s: service.workflow.withdraw(s, AGENT),
        "the mandate expired on 2015-02-28",
        "：委托书已于 2015-02-28 到期；",
    )


def test_an_agent_before_the_mandate_is_in_force_is_refused(service):
    stored = applied(service, mandates=(mandate(valid_from=D(2015, 3, 3)),))
    refused(
        service,
        stored,
        lambda s: service.workflow.withdraw(s, AGENT),
        "in force only from 2015-03-03",
    )


def test_a_mandate_for_other_cases_or_from_someone_else_does_not_help(service):
    other_item = mandate(items=("11370500004275432Y-XK-0099",))
    stored = applied(service, mandates=(other_item,))
    refused(
        service,
        stored,
        lambda s: service.workflow.withdraw(s, AGENT),
        "does not cover this case",
    )
    not_theirs = applied(service, mandates=(mandate(principal=OTHER),))
    refused(
        service,
        not_theirs,
        lambda s: service.workflow.withdraw(s, AGENT),
        "given by 东营某某贸易有限公司, not by the applicant",
    )


def test_an_agent_without_an_identifier_is_refused(service):
    stored = applied(service, mandates=(mandate(),))
    refused(
        service,
        stored,
        lambda s: service.workflow.withdraw(s, Actor("孙律师", "agent")),
        "an agent is identified by the identifier",
    )


def test_a_mandate_needs_a_scope_and_an_order_of_dates():
    with pytest.raises(ValueError, match="names the cases or the items"):
        mandate(items=())
    with pytest.raises(ValueError, match="valid_from"):
        mandate(valid_from=D(2016, 1, 1))


# --- centre agents (全程代办) ---------------------------------------------------------------------


def test_a_centre_agent_acts_on_the_cases_assigned_to_them(service):
    stored = service.workflow.assign(applied(service), SUPERVISOR, agent="DY-0105")
    assert (stored.record.centre_agent, stored.record.full_agency) == ("DY-0105", True)
    stored = service.workflow.withdraw(stored, CENTRE_AGENT)
    assert stored.record.state is CaseState.WITHDRAWN
    assert stored.record.events[-1].on_behalf_of == OWNER.name
    by_name = service.workflow.assign(applied(service), SUPERVISOR, agent="徐磊")
    assert service.workflow.withdraw(by_name, Actor("徐磊", "agent")).record.state == "withdrawn"


def test_a_centre_agent_is_refused_on_a_case_not_assigned_to_them(service):
    stored = applied(service)
    refused(
        service,
        stored,
        lambda s: service.workflow.withdraw(s, CENTRE_AGENT),
        "assigned to no centre's agent",
    )
    someone_else = service.workflow.assign(applied(service), SUPERVISOR, agent="DY-0199")
    refused(
        service,
        someone_else,
        lambda s: service.workflow.withdraw(s, CENTRE_AGENT),
        "this case is assigned to DY-0199",
    )


def test_an_agent_under_the_mandate_may_evaluate_for_the_applicant(service):
    done = service.workflow.evaluate(completed(service, mandates=(mandate(),)), AGENT, "satisfied")
    assert done.record.evaluation.grade == "satisfied"
    assert done.record.events[-1].on_behalf_of == OWNER.name


def test_a_centre_agent_does_not_evaluate_the_centres_service(service):
    workflow = service.workflow
    stored = workflow.assign(applied(service), SUPERVISOR, agent="DY-0105")
    stored = workflow.review(workflow.accept(stored, CLERK), REVIEWER)
    stored = workflow.complete(workflow.decide(stored, APPROVER, "grant"), CLERK)
    refused(
        service,
        stored,
        lambda s: service.workflow.evaluate(s, CENTRE_AGENT, "very_satisfied"),
        "a centre's agent (全程代办) does not evaluate the centre's service",
    )
    assert service.store.get("case", stored.record.id).record.evaluation is None


# --- staff and their station -------------------------------------------------------------------


def test_a_clerk_of_the_cases_station_may_act_by_name_or_staff_number(service):
    stored = service.workflow.accept(applied(service), CLERK)
    assert stored.record.state is CaseState.ACCEPTED
    again = service.workflow.accept(applied(service), Actor("李娜", "window_clerk", id="DY-0101"))
    assert again.record.state is CaseState.ACCEPTED
    guangrao = applied(service, GUANGRAO_ITEM)
    assert service.workflow.accept(guangrao, GUANGRAO_CLERK).record.state is CaseState.ACCEPTED


def test_a_clerk_of_another_station_is_refused(service):
    stored = applied(service)
    refused(
        service,
        stored,
        lambda s: service.workflow.accept(s, GUANGRAO_CLERK),
        "is window_clerk at station 370523-ZWZX, not at station 370500-ZWZX",
        # stations by name, not code
        "杨丽（工号 GR-0001）是广饶县政务服务中心的窗口工作人员，"
        "不是办件所属站点东营市政务服务中心的窗口工作人员",
    )
    guangrao = applied(service, GUANGRAO_ITEM)
    refused(
        service,
        guangrao,
        lambda s: service.workflow.accept(s, CLERK),
        "not at station 370523-ZWZX of the case",
    )


def test_someone_not_in_the_registry_of_staff_is_refused(service):
    stored = applied(service)
    refused(
        service,
        stored,
        lambda s: service.workflow.accept(s, Actor("王五", "window_clerk")),
        "王五 is not in the centre's registry of staff",
        "办理“受理”：王五不在中心的工作人员名册中；",
    )


def test_a_member_of_staff_in_another_role_is_refused(service):
    stored = service.workflow.accept(applied(service), CLERK)
    refused(
        service,
        stored,
        lambda s: service.workflow.review(s, Actor("李娜", "reviewer")),
        "is not reviewer at station 370500-ZWZX (registered: window_clerk at 370500-ZWZX)",
        "李娜不是东营市政务服务中心的审查人员（名册登记：东营市政务服务中心窗口工作人员）",
    )


def test_a_staff_number_carries_its_own_name(service):
    stored = applied(service)
    refused(
        service,
        stored,
        lambda s: service.workflow.accept(s, Actor("王五", "window_clerk", id="DY-0101")),
        "staff number DY-0101 is 李娜 in the registry of staff, not 王五",
    )


def test_two_of_one_name_at_a_station_act_by_staff_number(service):
    twins = attrs.evolve(
        GUANGRAO,
        staff=(
            *GUANGRAO.staff,
            StaffMember(name="杨丽", role="window_clerk", staff_number="GR-0002"),
        ),
    )
    current = service.store.get("station", GUANGRAO.code)
    service.store.update(twins, current.version)
    stored = applied(service, GUANGRAO_ITEM)
    refused(
        service,
        stored,
        lambda s: service.workflow.accept(s, Actor("杨丽", "window_clerk")),
        "give the staff number",
    )
    accepted = service.workflow.accept(service.store.get("case", stored.record.id), GUANGRAO_CLERK)
    assert accepted.record.state is CaseState.ACCEPTED


def test_a_case_naming_no_station_is_the_centre_of_its_region(service):
    stored = applied(service, station_code=None)
    assert service.workflow.authority.station_of(stored.record) == "370500-ZWZX"
    assert service.workflow.accept(stored, CLERK).record.state is CaseState.ACCEPTED
    guangrao = applied(service, GUANGRAO_ITEM, station_code=None)
    refused(
        service,
        guangrao,
        lambda s: service.workflow.accept(s, CLERK),
        "not at station 370523-ZWZX",
    )


def test_a_case_of_a_region_without_a_centre_is_refused_to_staff(service):
    lijin_item = make_item(
        code="11370522MB2850437N-XK-0012",
        department="利津县水务局",
        region="370522",
        level="county",
    )
    service.store.add_item(lijin_item)
    case = make_case(
        lijin_item, applicant=OWNER, materials=materials(lijin_item), received_at=START
    )
    stored = service.workflow.apply(case, APPLICANT)
    refused(
        service,
        stored,
        lambda s: service.workflow.accept(s, CLERK),
        "no centre of region 370522",
    )


def test_a_clerk_taken_off_the_registry_is_refused_at_once(service):
    stored = service.workflow.accept(applied(service), CLERK)
    current = service.store.get("station", CITY.code)
    without = attrs.evolve(CITY, staff=[m for m in CITY.staff if m.name != "李娜"])
    service.store.update(without, current.version)
    second = applied(service)
    refused(
        service,
        second,
        lambda s: service.workflow.accept(s, CLERK),
        "李娜 is not in the centre's registry of staff",
    )
    assert stored.record.state is CaseState.ACCEPTED


def test_a_role_refusal_is_still_a_role_error_and_recorded(service):
    stored = applied(service)
    with pytest.raises(RoleError) as caught:
        service.workflow.accept(stored, REVIEWER)
    assert caught.value.code == "GS802"
    assert not isinstance(caught.value, AuthorizationError)
    assert "reviewer" in str(caught.value)  # the developer's English stays
    assert caught.value.notice == (
        f"{REVIEWER.name}（审查人员）无权对办件 {stored.record.id} 办理“受理”，"
        "只有窗口受理人员可以办理；此次尝试已记录"
    )
    event = service.store.get("case", stored.record.id).record.events[-1]
    assert event.refusal == "GS802: reviewer may not accept"


def test_refusals_never_show_an_identity_number(service):
    number = person(5, born=D(1980, 5, 17)).identifier.number
    stored = applied(service)
    attempts = (
        lambda s: service.workflow.withdraw(s, Actor("王小明", "agent", id=number)),
        lambda s: service.workflow.accept(s, Actor("王小明", "window_clerk", id=number)),
    )
    for attempt in attempts:
        with pytest.raises(AuthorizationError) as caught:
            attempt(stored)
        assert number not in str(caught.value)
        assert number not in caught.value.notice
        stored = service.store.get("case", stored.record.id)
    assert len([event for event in stored.record.events if event.refusal]) == 2
    assert number not in str(to_document(stored.record)["events"])


def test_inside_a_batch_the_registry_is_asked_once(service):
    calls = []
    original = service.workflow.authority.posts

    def counting(case, actor, station_code):
        calls.append((actor.name, station_code))
        return original(case, actor, station_code)

    service.workflow.authority.posts = counting  # type: ignore[method-assign]
    with service.workflow.batch():
        for _ in range(3):
            service.workflow.accept(applied(service), CLERK)
    assert calls.count(("李娜", "370500-ZWZX")) == 3  # asked each time ...
    answers = service.workflow.authority._posts
    assert list(answers) == [("370500", "李娜", None, "370500-ZWZX")]  # ... answered once


def test_the_builtin_registry_reads_the_stations(service):
    from govservice.builtin import staff

    store = service.store
    posts = staff.govservice_staff_posts("李娜", None, "370500-ZWZX", store)
    assert posts == [
        StaffPost(
            station_code="370500-ZWZX", name="李娜", role="window_clerk", staff_number="DY-0101"
        )
    ]
    assert staff.govservice_staff_posts("x", "GR-0001", None, store)[0].name == "杨丽"
    assert staff.govservice_staff_posts("李娜", None, "NO-SUCH", store) == []
    assert "govservice.staff" in service.plugins.loaded


# --- the command line: the identity from the environment ----------------------------------------


def test_the_cli_reads_who_acts_from_the_environment(tmp_path):
    now = dt.datetime.now(SHANGHAI).replace(microsecond=0)
    config = tmp_path / "govservice.yaml"
    config.write_text(
        "name: 东营市政务服务中心\nregion: '370500'\nstorage:\n  backend: sqlite\n"
        "  settings: {path: gs.db}\n",
        encoding="utf-8",
    )
    service = GovService(config)
    service.store.add(CITY)
    service.store.add_item(ITEM)
    service.store.close()
    application = tmp_path / "application.yaml"
    document = to_document(
        make_case(
            ITEM,
            id="DY-0001",
            applicant=OWNER,
            station_code="370500-ZWZX",
            materials=materials(ITEM),
            received_at=now,
        )
    )
    application.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")

    def cli(*arguments, **variables):
        environ = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith("GOVSERVICE_ACTOR") and key != "GOVSERVICE_ROLE"
        }
        environ |= {"GOVSERVICE_PLUGINS": "", **variables}
        return subprocess.run(
            [sys.executable, "-m", "govservice", "--config", str(config), *arguments],
            capture_output=True,
            text=True,
            env=environ,
            check=False,
        )

    as_applicant = {
        "GOVSERVICE_ACTOR": "张伟",
        "GOVSERVICE_ACTOR_ID": OWNER.identifier.number,
        "GOVSERVICE_ROLE": "applicant",
    }
    done = cli("case", "apply", str(application), **as_applicant)
    assert done.returncode == 0, done.stderr
    assert "办件 DY-0001：申请 → 已申请" in done.stdout

    impostor = as_applicant | {"GOVSERVICE_ACTOR_ID": OTHER.identifier.number}
    done = cli("case", "withdraw", "DY-0001", **impostor)
    assert done.returncode == 2
    assert done.stderr.startswith(
        "govservice: 拒绝[GS806] 张伟（申请人）不能对办件 DY-0001 办理“撤回申请”：张伟不是申请人"
    )
    assert done.stderr.rstrip().endswith("（证件号码不符）；此次尝试已记录")
    assert len(done.stderr.strip().splitlines()) == 1

    # the options override the environment
    done = cli(
        "case", "accept", "DY-0001", "--actor", "李娜", "--actor-id", "DY-0101",
        "--role", "window_clerk", **impostor,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr

    done = cli("case", "review", "DY-0001")
    assert done.returncode == 2
    assert "who acts is not given: --actor (or $GOVSERVICE_ACTOR) and --role" in done.stderr

    done = cli("case", "show", "DY-0001")
    assert "张伟（申请人） 撤回申请【被拒绝[GS806]：无权对此办件办理此项】" in done.stdout
    assert "    拒绝原因（系统记录）：张伟 (applicant) may not withdraw" in done.stdout
    assert Path(tmp_path / "gs.db").exists()


def test_the_cli_takes_the_options_or_the_environment_never_half_of_each():
    import argparse

    from govservice.cli.identity import actor_from, add_identity_options
    from govservice.errors import UsageError

    parser = argparse.ArgumentParser()
    add_identity_options(parser)
    environ = {"GOVSERVICE_ACTOR": "李娜", "GOVSERVICE_ACTOR_ID": "DY-0101"}
    environ |= {"GOVSERVICE_ROLE": "window_clerk"}
    assert actor_from(parser.parse_args([]), environ) == Actor(
        "李娜", "window_clerk", id="DY-0101"
    )
    given = parser.parse_args(["--actor", "马晓燕", "--role", "reviewer"])
    assert actor_from(given, environ) == Actor("马晓燕", "reviewer")  # never half of each
    with pytest.raises(UsageError, match=r"'boss' is no role; known: applicant"):
        actor_from(parser.parse_args([]), environ | {"GOVSERVICE_ROLE": "boss"})
    with pytest.raises(UsageError, match=r"who acts is not given: --role"):
        actor_from(parser.parse_args(["--actor", "李娜"]), {})


def test_the_pytest_plugin_gives_a_centre_with_its_staff(govservice_app):
    from govservice.testing import as_applicant, make_case, make_item

    item = make_item()
    govservice_app.store.add_item(item)
    case = make_case(item, materials=materials(item))
    stored = govservice_app.workflow.apply(case, as_applicant(case))
    stored = govservice_app.workflow.accept(stored, Actor("李娜", "window_clerk"))
    assert stored.record.state is CaseState.ACCEPTED


@pytest.mark.parametrize(
    "text", ["张伟\n2015-03-02 09:00 王强（审批人员） decide", "李娜\x1b[2K", "a\u202eb"]
)
def test_who_acts_is_one_line_of_safe_text(text):
    from govservice.errors import WorkflowError

    with pytest.raises(WorkflowError, match=r"Actor\.name: character"):
        Actor(text, "window_clerk")
    with pytest.raises(WorkflowError, match=r"Actor\.id: character"):
        Actor("李娜", "window_clerk", id=text)


def test_a_case_changed_in_the_callers_hands_is_neither_judged_by_nor_written(service):
    from govservice.errors import ConflictError

    stored = applied(service)
    forged = attrs.evolve(
        stored,
        record=attrs.evolve(stored.record, applicant=OTHER, green_channel=True, handler="内鬼"),
    )
    with pytest.raises(ConflictError, match="not the case stored at version"):
        service.workflow.withdraw(forged, IMPOSTOR)
    skipped = attrs.evolve(stored, record=attrs.evolve(stored.record, state=CaseState.ACCEPTED))
    with pytest.raises(ConflictError, match="not the case stored"):
        service.workflow.review(skipped, REVIEWER)
    assert service.store.get("case", stored.record.id) == stored  # nothing written
    read = service.store.get("case", stored.record.id)  # a copy read by the caller: fine
    assert service.workflow.withdraw(read, APPLICANT).record.state is CaseState.WITHDRAWN


def test_an_agent_does_not_bring_its_own_mandate(service):
    from govservice.errors import ApplicationRefusedError

    case = make_case(
        ITEM,
        applicant=OWNER,
        materials=materials(ITEM),
        station_code="370500-ZWZX",
        received_at=START,
        mandates=(mandate(),),
    )
    with pytest.raises(ApplicationRefusedError, match="does not bring its own mandate") as no:
        service.workflow.apply(case, AGENT)
    assert "mandates" in no.value.fields
    assert service.store.get("case", case.id) is None
    links = [json.loads(entry.text) for entry in service.store.case_ledger(case.id)]
    assert [link["refused"]["action"] for link in links] == ["apply"]  # recorded
    entered = service.workflow.apply(case, CLERK)  # the clerk has seen the signed 委托书
    assert entered.record.mandates == (mandate(),)
    assert service.workflow.withdraw(entered, AGENT).record.state is CaseState.WITHDRAWN
