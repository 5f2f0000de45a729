"""The Dongying data set of ``govservice demo`` (:mod:`govservice.demo`): valid records,
valid identifiers, deterministic by seed, staff the workflow lets act, county rules at work.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import attrs
import pytest
from stdnum.cn import ric, uscc

from govservice import codec
from govservice.clock import SHANGHAI, FixedClock
from govservice.config import Config, PluginConfig
from govservice.demo.catalog import COUNTY_NAMES, GUANGRAO, LIJIN, organisation_code
from govservice.demo.dataset import Dataset, actor, build_dataset
from govservice.errors import AuthorizationError, RulesBlockedError
from govservice.kinds import KINDS
from govservice.model import (
    Case,
    CaseState,
    HandlingType,
    ItemType,
    Outcome,
    Party,
    StaffRole,
    StationLevel,
    SubmittedMaterial,
    TimeUnit,
)
from govservice.model.identifiers import ric_problem, uscc_problem
from govservice.service import GovService
from govservice.store.sqlite import SqliteStore
from govservice.validation import reference_problems, validator_for
from govservice.workflow import Actor

MONDAY = dt.datetime(2015, 3, 2, 9, 30, tzinfo=SHANGHAI)


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return build_dataset(7)


def _service(backend: str = "memory", path=None, *, counties: bool = False) -> GovService:
    plugins = (
        (
            PluginConfig(index=0, name="guangrao", regions=frozenset({GUANGRAO})),
            PluginConfig(index=1, name="lijin", regions=frozenset({LIJIN})),
        )
        if counties
        else ()
    )
    config = Config(
        name="东营市政务服务中心",
        region="370500",
        storage_backend=backend,
        storage_settings={"path": str(path)} if path else {},
        plugins=plugins,
    )
    allow = "guangrao,lijin" if counties else ""
    return GovService(
        config, clock=FixedClock(MONDAY), strict=True, environ={"GOVSERVICE_PLUGINS": allow}
    )


# --- the catalog ---------------------------------------------------------------------------


def test_the_catalog_is_a_real_centres(dataset):
    city = dataset.items_of("370500")
    assert len(city) == 373 + 21  # the year's first catalog, and the items taken over
    assert {i.region for i in dataset.items} == {"370500", *COUNTY_NAMES}
    for region in COUNTY_NAMES:
        assert 20 <= len(dataset.items_of(region)) < len(city)
    assert len({i.code for i in dataset.items}) == len(dataset.items)
    names = {i.name for i in city}
    for name in (
        "建设工程规划许可证核发",
        "食品经营许可",
        "排污许可证核发",
        "道路旅客运输经营许可",
    ):
        assert name in names
    assert "个体工商户设立登记" in {i.name for i in dataset.items_of("370502")}
    assert "最低生活保障审批" in {i.name for i in dataset.items_of("370523")}
    assert len({i.department for i in city}) >= 20
    kinds = Counter(i.type for i in dataset.items)
    assert {ItemType.LICENSING, ItemType.CONFIRMATION, ItemType.PAYMENT} <= set(kinds)
    handling = Counter(i.handling_type for i in dataset.items)
    assert handling[HandlingType.IMMEDIATE] >= 20
    assert handling[HandlingType.PROMISED] >= 100
    for item in dataset.items:
        if item.handling_type is HandlingType.IMMEDIATE:
            assert item.promised_limit.amount == 0, item.name
        assert item.legal_basis, item.name
        assert all(b.startswith("《") for b in item.legal_basis), item.name
        assert item.materials, item.name
        assert item.code.startswith(item.department_code + "-" + item.type.letters + "-")
    assert TimeUnit.HOURS in {i.promised_limit.unit for i in dataset.items}
    assert TimeUnit.CALENDAR_DAYS in {i.legal_limit.unit for i in dataset.items}
    assert any(f.waived for i in dataset.items for f in i.fees)
    assert any(f.collected_by for i in dataset.items for f in i.fees)
    assert any(m.requirement == "conditional" for i in dataset.items for m in i.materials)


def test_every_item_and_station_validates_against_its_schema(dataset):
    for kind_name, records in (("item", dataset.items), ("station", dataset.stations)):
        kind = KINDS[kind_name]
        validator = validator_for(kind)
        for record in records:
            document = codec.to_document(record)
            assert validator.problems(document) == [], record
            assert reference_problems(kind, document) == [], record
            assert codec.from_document(kind.model, document) == record


def test_the_data_set_round_trips_through_sqlite(dataset, tmp_path):
    service = _service("sqlite", tmp_path / "demo.db")
    dataset.load_into(service)
    dataset.load_into(service)  # loading twice changes nothing
    service.store.close()
    store = SqliteStore(tmp_path / "demo.db")
    # the items of the year's first catalogs; those taken over come with the adjustments
    loaded = [item for item in dataset.items if item.status.value != "delegated"]
    try:
        assert store.count("item") == len(loaded)
        assert store.count("station") == len(dataset.stations)
        for item in loaded:
            assert store.item(item.code) == item
        for station in dataset.stations:
            assert store.get("station", station.code).record == station
    finally:
        store.close()


def test_check_digits_are_valid(dataset):
    codes = [d.code for d in dataset.departments.values()]
    codes += [s.credit_code for s in dataset.stations if s.credit_code]
    codes += [p.owner.identifier.number for p in dataset.projects]
    assert len(set(codes)) == len(codes)
    for code in codes:
        assert uscc_problem(code) is None
        assert uscc.is_valid(code)
        assert organisation_code(code[8:16]) == code[8:17]  # GB 11714 inside GB 32100
    pool = dataset.applicants
    for k in range(300):
        for region in ("370500", *COUNTY_NAMES):
            person, firm = pool.person(k, region), pool.enterprise(k, region)
            assert ric_problem(person.identifier.number) is None
            number = person.identifier.number
            assert ric.calc_check_digit(number) == number[-1]  # the region need not be
            # valid in the birth year (cards were issued after 1983): see ric_problem
            assert ric.get_birth_date(person.identifier.number) < dt.date(1997, 1, 1)
            assert uscc.is_valid(firm.identifier.number)
            assert organisation_code(firm.identifier.number[8:16]) == firm.identifier.number[8:17]


def test_identity_numbers_carry_dongying_regions_and_elders_are_there(dataset):
    pool = dataset.applicants
    people = [pool.person(k, "370505") for k in range(1200)]
    numbers = [p.identifier.number for p in people]
    assert len(set(numbers)) == len(numbers)
    assert {n[:6] for n in numbers} == {"370521"}  # 垦利县 when the cards were issued
    elders = [n for n in numbers if ric.get_birth_date(n) <= dt.date(1945, 12, 31)]
    assert 80 <= len(elders) <= 120
    firms = [pool.enterprise(k, "370523").identifier.number for k in range(2000)]
    assert len(set(firms)) == len(firms)
    assert all(f.startswith("91370523") for f in firms)


def test_the_same_seed_gives_the_same_data_and_another_other_applicants(dataset):
    again = build_dataset(7)
    assert again.items == dataset.items
    assert again.stations == dataset.stations
    assert again.projects == dataset.projects

    def draws(data: Dataset) -> list[Party]:
        rng = random.Random(1)
        return [data.draw_applicant(rng, region) for region in ("370500", *COUNTY_NAMES) * 50]

    assert draws(again) == draws(dataset)
    other = draws(build_dataset(8))
    same = sum(a.identifier == b.identifier for a, b in zip(other, draws(dataset), strict=True))
    assert same < 5
    assert other != draws(dataset)


# --- stations and staff --------------------------------------------------------------------


def test_the_station_hierarchy(dataset):
    by_code = {s.code: s for s in dataset.stations}
    assert len(by_code) == len(dataset.stations)
    levels = Counter(s.level for s in dataset.stations)
    assert levels[StationLevel.CITY_CENTRE] == 1
    assert levels[StationLevel.COUNTY_CENTRE] == 5
    assert levels[StationLevel.TOWNSHIP_CENTRE] == 39
    assert levels[StationLevel.COMMUNITY_CENTRE] == 41  # built in 2015
    assert levels[StationLevel.VILLAGE_STATION] == 50
    order = list(StationLevel)
    for station in dataset.stations:
        if station.parent_code is not None:
            parent = by_code[station.parent_code]
            assert parent.region == station.region or parent.level is StationLevel.CITY_CENTRE
            assert order.index(parent.level) == order.index(station.level) - 1
    assert by_code["GR-DAWANG"].name == "广饶县大王镇便民服务中心"
    assert by_code["DYQ-SHIKOU-SQ1"].name == "东营区史口镇油郭社区便民服务中心"
    assert by_code["DYQ-SHIKOU-SQ1-01"].parent_code == "DYQ-SHIKOU-SQ1"
    assert dataset.station(dataset.centre_code("370500")).name == dataset.centre_name
    numbers = Counter(
        (m.staff_number, m.role) for s in dataset.stations for m in s.staff if m.staff_number
    )
    assert max(numbers.values()) == 1
    names = {}
    for _station, member in dataset.iter_staff():
        assert names.setdefault(member.name, member.staff_number) == member.staff_number


def test_every_department_has_clerks_reviewers_and_approvers(dataset):
    for department in dataset.departments.values():
        desk = dataset.desks[(dataset.centre_code(department.region), department.name)]
        assert desk.clerks
        assert all(c.role is StaffRole.WINDOW_CLERK for c in desk.clerks)
        assert desk.reviewer.role is StaffRole.REVIEWER
        assert desk.approver.role is StaffRole.APPROVER
        station = dataset.station(desk.station_code)
        assert desk.reviewer in station.staff
        assert desk.approver in station.staff
    for code, agents in dataset.agents.items():
        assert agents, code
        assert all(a.role is StaffRole.AGENT for a in agents), code


def _case(dataset: Dataset, service: GovService, item, serial: int, **changes) -> Case:
    rng = random.Random(serial)
    applicant = dataset.draw_applicant(rng, item.region)
    case = Case(
        id=f"DY2015-{serial:08d}",
        item_code=item.code,
        region=item.region,
        department=item.department,
        applicant=applicant,
        received_at=MONDAY,
        attributes=dataset.case_attributes(item, serial),
        **changes,
    )
    required = service.required_materials(item, case)
    return attrs.evolve(
        case,
        materials=tuple(
            SubmittedMaterial(name=m.name, originals=m.originals, copies=m.copies)
            for m in required
            if m.requirement == "required"
        ),
    )


def test_one_case_of_every_item_goes_through_with_the_generated_staff(dataset):
    from govservice.demo.adjustments import in_service_on

    service = _service(counties=True)
    dataset.load_into(service)
    for adjustment in dataset.adjustments:  # the catalog in force on MONDAY, 2 March
        service.catalog.adjust(adjustment)
    workflow = service.workflow
    serving = in_service_on(dataset.items, dataset.adjustments, MONDAY.date())
    assert len(serving) > len(dataset.items) - 30
    for serial, item in enumerate(serving, start=1):
        desk = dataset.desk(item)
        clerk, reviewer, approver = (
            actor(m) for m in (desk.clerks[0], desk.reviewer, desk.approver)
        )
        case = _case(dataset, service, item, serial)
        workflow.apply(case, clerk)
        stored = workflow.accept(case.id, clerk)
        assert stored.record.state is CaseState.ACCEPTED
        if item.is_immediate:
            stored = workflow.decide(case.id, clerk, Outcome.GRANT)
        else:
            workflow.review(case.id, reviewer)
            stored = workflow.decide(case.id, approver, Outcome.GRANT)
        assert stored.record.state is CaseState.GRANTED, item.name
        assert workflow.complete(case.id, clerk).record.state is CaseState.COMPLETED


def test_a_township_case_is_handled_by_its_comprehensive_window(dataset):
    service = _service()
    dataset.load_into(service)
    item = next(i for i in dataset.items_of("370523") if i.name == "最低生活保障审批")
    assert StationLevel.TOWNSHIP_CENTRE in item.station_levels
    desk = dataset.desk(item, "GR-DAWANG")
    assert desk.department is None
    case = _case(dataset, service, item, 5001, station_code="GR-DAWANG")
    service.workflow.apply(case, actor(desk.clerks[0]))
    service.workflow.accept(case.id, actor(desk.clerks[0]))
    service.workflow.review(case.id, actor(desk.reviewer))
    # the county centre's reviewer is not at the township's window
    county = dataset.desk(item)
    other = _case(dataset, service, item, 5002, station_code="GR-DAWANG")
    service.workflow.apply(other, actor(desk.clerks[0]))
    service.workflow.accept(other.id, actor(desk.clerks[0]))
    with pytest.raises(AuthorizationError):
        service.workflow.review(other.id, actor(county.reviewer))


def test_a_city_reviewer_may_not_act_at_a_county_centre(dataset):
    service = _service()
    dataset.load_into(service)
    item = dataset.items_of("370502")[0]
    city_item = dataset.items_of("370500")[0]
    case = _case(dataset, service, item, 6001)
    desk = dataset.desk(item)
    service.workflow.apply(case, actor(desk.clerks[0]))
    with pytest.raises(AuthorizationError):
        service.workflow.accept(case.id, actor(dataset.desk(city_item).clerks[0]))
    with pytest.raises(AuthorizationError):
        service.workflow.accept(case.id, Actor("不在册的人", "window_clerk", id="XX-0001"))


# --- key projects --------------------------------------------------------------------------


def test_the_24_key_projects(dataset):
    assert len(dataset.projects) == 24
    assert len({p.id for p in dataset.projects}) == 24
    city_agents = set(dataset.agents[dataset.centre_code("370500")])
    for project in dataset.projects:
        assert project.agent in city_agents
        assert len(project.departments) >= 3  # a joint review across departments
        for code in project.item_codes:
            assert dataset.item(code).region == "370500"
        record = project.as_project(MONDAY)
        assert record.key_project
        assert record.green_channel
        assert record.handler == project.agent.name
        document = codec.to_document(record)
        assert validator_for(KINDS["project"]).problems(document) == []
    assert sum("东营港" in p.name for p in dataset.projects) >= 3


def test_a_project_case_is_assigned_to_its_agent(dataset):
    service = _service()
    dataset.load_into(service)
    project = dataset.projects[0]
    service.store.add(project.as_project(MONDAY))
    item = dataset.item(project.item_codes[0])
    case = _case(dataset, service, item, 7001, project_id=project.id)
    case = attrs.evolve(case, applicant=project.owner)
    stored = service.workflow.apply(case, actor(dataset.desk(item).clerks[0]))
    assert stored.record.green_channel
    assert stored.record.handler == project.agent.name


# --- county rules --------------------------------------------------------------------------


def test_the_county_plugins_have_items_to_act_on(dataset):
    service = _service(counties=True)
    dataset.load_into(service)
    lijin = [i for i in dataset.items_of(LIJIN) if dataset.case_attributes(i, 1)]
    assert {i.department for i in lijin} == {"利津县水务局", "利津黄河河务局"}
    assert any(i.name == "河道管理范围内建设项目许可" for i in lijin)
    item = next(i for i in lijin if i.name == "河道管理范围内建设项目许可")
    case = _case(dataset, service, item, 8001)
    case = attrs.evolve(case, attributes={})
    clerk = actor(dataset.desk(item).clerks[0])
    service.workflow.apply(case, clerk)
    with pytest.raises(RulesBlockedError, match="河道"):
        service.workflow.accept(case.id, clerk)

    guangrao = [
        i
        for i in dataset.items_of(GUANGRAO)
        if i.type is ItemType.LICENSING and "住房和城乡建设" in i.department
    ]
    assert len(guangrao) >= 2
    extra = service.required_materials(guangrao[0], _case(dataset, service, guangrao[0], 1))
    assert "建设项目安全生产承诺书" in {m.name for m in extra}

    transfer = next(i for i in dataset.items_of(GUANGRAO) if i.name == "房屋所有权转移登记")
    assert sum(f.amount for f in transfer.fees) > 0
    elder = dataset.applicants.person(0, GUANGRAO)  # person 0 is one of the elders
    assert ric.get_birth_date(elder.identifier.number) <= dt.date(1945, 3, 2)
    case = attrs.evolve(_case(dataset, service, transfer, 8002), applicant=elder)
    stored = service.workflow.apply(case, actor(dataset.desk(transfer).clerks[0]))
    assert all(fee.amount == 0 for fee in stored.record.fees)
    assert any(fee.exemption for fee in stored.record.fees)


# --- what the simulation draws from --------------------------------------------------------


def test_the_pool_is_a_sequence_of_distinct_applicants_of_every_centre(dataset):
    pool = dataset.applicants
    assert len(pool) == 40_000
    first = pool[:2000]
    assert first == [pool[i] for i in range(2000)]
    assert pool[-1] == pool[len(pool) - 1]
    with pytest.raises(IndexError):
        pool[len(pool)]
    numbers = [p.identifier.number for p in first]
    assert len(set(numbers)) == len(numbers)
    kinds = Counter(p.kind.value for p in first)
    assert kinds["enterprise"] == 800
    assert {pool.region_of(i) for i in range(10)} == {"370500", *COUNTY_NAMES}
    assert all(p.name.endswith("公司") for p in first if p.kind.value == "enterprise")
    assert all(2 <= len(p.name) <= 3 for p in first if p.kind.value == "person")


def test_demand_favours_the_items_that_fill_a_hall(dataset):
    assert set(dataset.demand) == {item.code for item in dataset.items}
    by_name = {dataset.item(code).name: w for code, w in dataset.demand.items()}
    assert by_name["居民身份证申领、换领、补领"] > 10 * by_name["采矿权新立登记(砖瓦用黏土)"]
    assert all(weight > 0 for weight in dataset.demand.values())


def test_projects_open_on_working_days_of_2015_in_order(dataset):
    service = _service()
    calendar = service.calendar("370500")
    opened = [p.created_at for p in dataset.projects]
    assert opened == sorted(opened)
    for at in opened:
        assert at.year == 2015
        assert calendar.is_working_day(at.date())
    project = dataset.projects[3]
    assert project.project == project.as_project(project.created_at)
    assert project.items == project.item_codes


def test_delegated_items_take_cases_and_cancelled_ones_stop_on_their_day(dataset):
    # Items are cancelled (停办) and taken over by the catalog's adjustments of the year
    # (govservice.demo.adjustments), applied on their days: tests/test_catalog_demo.py.
    from govservice.errors import ItemNotAcceptingError
    from govservice.model import ItemStatus

    statuses = Counter(i.status for i in dataset.items)
    assert statuses[ItemStatus.DELEGATED] == 21
    assert statuses[ItemStatus.CANCELLED] == 0  # in service when the year begins
    cancelled = dataset.item(dataset.adjustments[1].changes[-1].item_code)
    delegated = next(i for i in dataset.items if i.status is ItemStatus.DELEGATED)
    assert delegated.accepts_cases
    service = _service()
    dataset.load_into(service)
    for adjustment in dataset.adjustments:
        service.catalog.adjust(adjustment)
    clerk = actor(dataset.desk(cancelled).clerks[0])
    before = _case(dataset, service, cancelled, 9001)
    service.workflow.apply(before, clerk)  # cancelled from May: still taken in March
    after = service.clock.advance(days=91)  # 2015-06-01
    late = attrs.evolve(_case(dataset, service, cancelled, 9002), received_at=after)
    with pytest.raises(ItemNotAcceptingError):
        service.workflow.apply(late, clerk)
