"""The Dongying 2015 adjustments reproduce: the city's catalog starts the year with 373
items, three dated adjustments cancel 18 and take 21 over from the province, and the diff
between the first and last catalog of the year says 355 retained + 21 taken over − 18
cancelled. A case of a cancelled item after its day is refused, naming the item and the
day; a taken-over item takes cases only from its own. The year report says so."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import attrs
import pytest

from govservice.clock import SHANGHAI, FixedClock
from govservice.config import Config
from govservice.demo.adjustments import first_catalog, in_service_on
from govservice.demo.catalog import CITY
from govservice.demo.dataset import Dataset, actor, build_dataset
from govservice.demo.more_items import LOW_DEMAND, MORE_SPECS, PROVINCE_SPECS
from govservice.errors import ItemNotAcceptingError
from govservice.model import Case, ItemStatus, SubmittedMaterial
from govservice.model.catalog import ChangeAction
from govservice.report.count import catalog_figures
from govservice.report.sentences import catalog as catalog_sentence
from govservice.service import GovService

D = dt.date


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return build_dataset(7)


@pytest.fixture(scope="module")
def adjusted(dataset) -> GovService:
    """A centre with the year's catalogs imported and the three adjustments applied."""
    config = Config(name="东营市政务服务中心", region=CITY)
    service = GovService(
        config,
        clock=FixedClock(dt.datetime(2015, 3, 2, 9, 30, tzinfo=SHANGHAI)),
        strict=True,
        environ={"GOVSERVICE_PLUGINS": ""},
    )
    dataset.load_into(service)
    for adjustment in dataset.adjustments:
        service.catalog.adjust(adjustment)
    return service


def test_the_city_starts_the_year_with_373_items_and_three_adjustments(dataset):
    first = first_catalog(dataset.items, CITY)
    assert len(first) == 373
    assert all(item.status is ItemStatus.IN_SERVICE for item in first)
    assert [a.effective for a in dataset.adjustments] == [
        D(2015, 3, 1),
        D(2015, 5, 15),
        D(2015, 9, 1),
    ]
    assert all(a.decided_by == "东营市人民政府" and a.decision_number for a in dataset.adjustments)
    counts = Counter()
    for adjustment in dataset.adjustments:
        counts.update(change.action for change in adjustment.changes)
    assert counts[ChangeAction.CANCEL] == 18
    assert counts[ChangeAction.TAKE_OVER] == 21
    assert counts[ChangeAction.RETAIN] == 355


def test_the_added_items_are_real_looking_and_rarely_applied_for(dataset):
    names = [
        spec.name for table in (MORE_SPECS, PROVINCE_SPECS) for s in table.values() for spec in s
    ]
    assert len(names) == len(set(names)) == 251 + 17
    assert not any(name.startswith("事项") or name[-1].isdigit() for name in names)
    city = {item.name: item for item in dataset.items_of(CITY)}
    assert set(names) <= set(city)
    assert {city[name].department for name in names} >= {"东营市民政局", "东营市公安局"}
    assert LOW_DEMAND < 0.1


def test_the_diff_of_the_year_says_355_retained_21_taken_over_18_cancelled(adjusted):
    versions = adjusted.catalog.versions(CITY)
    assert [(v.number, v.effective) for v in versions] == [
        (1, D(2015, 1, 1)),
        (2, D(2015, 3, 1)),
        (3, D(2015, 5, 15)),
        (4, D(2015, 9, 1)),
    ]
    first = adjusted.catalog.as_of(CITY, D(2015, 1, 1))
    last = adjusted.catalog.as_of(CITY, D(2015, 12, 31))
    found = adjusted.catalog.diff(first, last)
    assert found.summary() == {
        "retained": 355,
        "added": 0,
        "taken_over": 21,
        "cancelled": 18,
        "moved": 0,
        "changed": 0,
    }
    assert len(first.in_service()) == 373
    assert len(last.in_service()) == 355 + 21
    assert found.sentence() == "保留355项，承接省级下放21项，取消18项"


def test_the_simulation_s_catalog_of_a_day_is_the_store_s(dataset, adjusted):
    for day in (D(2015, 2, 28), D(2015, 3, 1), D(2015, 6, 30), D(2015, 12, 31)):
        worked_out = {item.code for item in in_service_on(dataset.items, dataset.adjustments, day)}
        stored = {
            item.code
            for region in dataset.regions
            for item in adjusted.catalog.as_of(region, day).in_service()
        }
        assert worked_out == stored, day


def _case(dataset: Dataset, service: GovService, item, serial: int, at: dt.datetime) -> Case:
    rng = random.Random(serial)
    case = Case(
        id=f"DY2015-{serial:08d}",
        item_code=item.code,
        region=item.region,
        department=item.department,
        applicant=dataset.draw_applicant(rng, item.region),
        received_at=at,
    )
    required = service.required_materials(item, case)
    return attrs.evolve(
        case,
        materials=tuple(
            SubmittedMaterial(name=m.name, originals=m.originals or 0, copies=m.copies or 0)
            for m in required
            if m.requirement == "required"
        ),
    )


def test_a_case_of_a_cancelled_item_after_its_day_is_refused_naming_item_and_day(
    dataset, adjusted
):
    cancel = next(c for c in dataset.adjustments[1].changes if c.action is ChangeAction.CANCEL)
    item = dataset.item(cancel.item_code)
    clerk = actor(dataset.desk(item).clerks[0])
    adjusted.clock.moment = dt.datetime(2015, 5, 14, 10, tzinfo=SHANGHAI)
    before = adjusted.workflow.apply(
        _case(dataset, adjusted, item, 9101, adjusted.clock.now()), clerk
    )
    assert before.record.item_version == 1
    adjusted.clock.moment = dt.datetime(2015, 5, 15, 10, tzinfo=SHANGHAI)
    with pytest.raises(ItemNotAcceptingError) as raised:
        adjusted.workflow.apply(_case(dataset, adjusted, item, 9102, adjusted.clock.now()), clerk)
    message = str(raised.value)
    assert item.code in message
    assert item.name in message
    assert "2015-05-15" in message


def test_an_item_taken_over_in_september_takes_no_case_before(dataset, adjusted):
    take = next(c for c in dataset.adjustments[2].changes if c.action is ChangeAction.TAKE_OVER)
    item = dataset.item(take.item_code)
    clerk = actor(dataset.desk(item).clerks[0])
    adjusted.clock.moment = dt.datetime(2015, 8, 31, 10, tzinfo=SHANGHAI)
    with pytest.raises(ItemNotAcceptingError, match="not in version 3 of the catalog"):
        adjusted.workflow.apply(_case(dataset, adjusted, item, 9201, adjusted.clock.now()), clerk)
    adjusted.clock.moment = dt.datetime(2015, 9, 1, 10, tzinfo=SHANGHAI)
    taken = adjusted.workflow.apply(
        _case(dataset, adjusted, item, 9202, adjusted.clock.now()), clerk
    )
    assert taken.record.item_code == item.code


def test_the_year_report_states_what_changed(adjusted):
    figures = catalog_figures(adjusted, CITY, D(2015, 1, 1), D(2015, 12, 31))
    assert (figures.retained, figures.taken_over, figures.cancelled) == (355, 21, 18)
    assert (figures.first_in_service, figures.last_in_service) == (373, 376)
    assert [a.decision_number for a in figures.adjustments] == [
        "东政发〔2015〕4号",
        "东政发〔2015〕9号",
        "东政字〔2015〕67号",
    ]
    sentence = catalog_sentence(attrs.evolve(_figures_stub(), catalog=figures))
    assert "全年调整事项目录3次" in sentence
    assert "保留事项355项，承接省级下放事项21项，取消（停办）事项18项" in sentence
    assert "年初在办事项373项，年末376项" in sentence


def _figures_stub():
    """A year's figures with nothing counted, to read the catalog's sentence from."""
    from govservice.report import year_figures

    empty = GovService(Config(name="测试中心", region=CITY), environ={"GOVSERVICE_PLUGINS": ""})
    return year_figures(empty, 2015, as_of=D(2015, 12, 31))


def test_the_terminal_and_the_page_show_the_catalog_section_only_when_there_is_one(adjusted):
    import io

    from rich.console import Console

    from govservice.report import year_figures
    from govservice.report.page import html
    from govservice.report.terminal import print_report

    with_catalog = year_figures(adjusted, 2015, as_of=D(2015, 12, 31))
    without = _figures_stub()
    assert without.catalog is None
    for figures, shown in ((with_catalog, True), (without, False)):
        screen = io.StringIO()
        print_report(figures, Console(file=screen, width=100))
        assert ("【事项目录】全年调整事项目录3次" in screen.getvalue()) is shown
        assert ("保留事项355项" in html(figures)) is shown
