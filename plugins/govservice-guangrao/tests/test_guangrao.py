"""Guangrao's local rules change Guangrao's outcomes, and nobody else's.

The plugin is loaded through its ``govservice`` entry point (the installed distribution),
configured with ``config_with`` as a county would configure it; the ``GOVSERVICE_PLUGINS``
allow-list keeps other installed county plugins out of these tests.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
import pytest

from govservice.clock import SHANGHAI
from govservice.errors import PluginError
from govservice.model import ApplicantCategory, Fee, Identifier, Material, Party
from govservice.service import GovService
from govservice.testing import (
    START,
    config_with,
    enterprise,
    identity_number,
    make_case,
    person,
)
from govservice_guangrao import age_on

GUANGRAO = "370523"
DONGYING_DISTRICT = "370502"
PLEDGE = "建设项目安全生产承诺书"


def elder(seed: int, born: dt.date) -> Party:
    """A Guangrao resident born on ``born``, whose card was issued under today's code
    (370523) although the county was 372327 (惠民地区广饶县) when they were born."""
    number = identity_number(seed, region=GUANGRAO, born=born)
    return Party(kind="person", name="李桂兰", identifier=Identifier(kind="ric", number=number))


@pytest.fixture(autouse=True)
def only_this_plugin(monkeypatch):
    monkeypatch.setenv("GOVSERVICE_PLUGINS", "guangrao")


@pytest.fixture
def settings():
    return {}


@pytest.fixture
def govservice_config(settings):
    return config_with({"name": "guangrao", "regions": [GUANGRAO], "settings": settings})


@pytest.fixture
def county_item(make_item):
    return make_item(
        code="11370523MB2851436A-XK-0007",
        name="建筑工程施工许可证核发",
        department="广饶县住房和城乡建设局",
        region=GUANGRAO,
        level="county",
        fees=(
            Fee(name="执照工本费", amount=Decimal("10.00")),
            Fee(
                name="图纸审查费", amount=Decimal("300.00"), collected_by="东营市某施工图审查中心"
            ),
        ),
    )


def names(materials: tuple[Material, ...]) -> list[str]:
    return [material.name for material in materials]


def test_plugin_is_loaded_from_its_entry_point_and_scoped_by_the_core(govservice_app):
    loaded = govservice_app.plugins.loaded["guangrao"]
    assert (loaded.source, loaded.regions) == ("entry point", frozenset({GUANGRAO}))
    assert set(loaded.hooks) == {
        "govservice_closure_days",
        "govservice_extra_materials",
        "govservice_fee_adjustments",
    }
    assert govservice_app.plugins.problems == []


def test_installed_without_an_entry_it_serves_only_guangrao(county_item):
    service = GovService(config_with(), strict=True)  # no plugins entry: REGIONS apply
    assert service.plugins.loaded["guangrao"].regions == frozenset({GUANGRAO})
    here = _case(county_item, GUANGRAO, applicant=elder(12, dt.date(1940, 1, 1)))
    there = attrs.evolve(here, region=DONGYING_DISTRICT)
    assert PLEDGE in names(service.required_materials(county_item, here))
    assert PLEDGE not in names(service.required_materials(county_item, there))
    assert _charged(service, county_item, there) == Decimal("10.00")
    assert service.calendar(DONGYING_DISTRICT).is_working_day(dt.date(2015, 12, 31))


# --- extra material ------------------------------------------------------------------------


def test_construction_licensing_item_requires_the_safety_pledge(govservice_app, county_item):
    case = _case(county_item, GUANGRAO)
    required = govservice_app.required_materials(county_item, case)
    pledge = required[-1]
    assert (pledge.name, pledge.originals, pledge.copies) == (PLEDGE, 1, 0)
    assert PLEDGE in names(govservice_app.missing_materials(county_item, case))


def test_natural_resources_department_is_construction_related(govservice_app, make_item):
    item = make_item(department="广饶县自然资源和规划局", region=GUANGRAO, level="county")
    assert PLEDGE in names(govservice_app.required_materials(item, _case(item, GUANGRAO)))


def test_no_pledge_for_other_departments_or_other_item_types(govservice_app, county_item):
    civil = attrs.evolve(county_item, department="广饶县民政局", name="社会团体成立登记")
    confirmation = attrs.evolve(county_item, type="confirmation")
    for item in (civil, confirmation):
        assert PLEDGE not in names(govservice_app.required_materials(item, _case(item, GUANGRAO)))


def test_an_item_already_listing_the_pledge_gets_it_once(govservice_app, county_item):
    listed = attrs.evolve(county_item, materials=(Material(name=PLEDGE, originals=1, copies=0),))
    assert names(govservice_app.required_materials(listed, _case(listed, GUANGRAO))) == [PLEDGE]


def test_no_pledge_for_a_case_of_another_region(govservice_app, county_item):
    case = _case(county_item, DONGYING_DISTRICT)
    assert PLEDGE not in names(govservice_app.required_materials(county_item, case))


@pytest.mark.parametrize(
    "settings",
    [
        {
            "construction_departments": ["交通运输"],
            "construction_material": {"name": "施工安全承诺书", "copies": 2},
        }
    ],
)
def test_departments_and_material_are_settings(govservice_app, county_item, make_item):
    assert PLEDGE not in names(
        govservice_app.required_materials(county_item, _case(county_item, GUANGRAO))
    )
    roads = make_item(department="广饶县交通运输局", region=GUANGRAO, level="county")
    extra = govservice_app.required_materials(roads, _case(roads, GUANGRAO))[-1]
    assert (extra.name, extra.originals, extra.copies) == ("施工安全承诺书", 1, 2)


# --- fee exemption -------------------------------------------------------------------------


def test_seventy_year_old_pays_no_fee_on_the_day_of_the_birthday(govservice_app, county_item):
    case = _case(county_item, GUANGRAO, applicant=elder(1, dt.date(1945, 3, 2)))
    fees = {fee.name: fee for fee in govservice_app.fees_for(county_item, case)}
    assert fees["执照工本费"].amount == Decimal("0")
    assert fees["执照工本费"].exemption == "广饶县：年满70周岁的老年人免收"


def test_fee_collected_by_an_intermediary_is_neither_charged_nor_waived(
    govservice_app, county_item
):
    case = _case(county_item, GUANGRAO, applicant=elder(2, dt.date(1930, 1, 1)))
    charging = govservice_app.fee_charging(county_item, case)
    assert [fee.name for fee in charging.fees] == ["执照工本费"]
    assert [fee.name for fee in charging.third_party] == ["图纸审查费"]


def test_the_day_before_the_seventieth_birthday_is_not_exempt(govservice_app, county_item):
    case = _case(county_item, GUANGRAO, applicant=elder(3, dt.date(1945, 3, 3)))
    assert _charged(govservice_app, county_item, case) == Decimal("10.00")


def test_sixty_nine_year_old_pays(govservice_app, county_item):
    case = _case(county_item, GUANGRAO, applicant=elder(4, dt.date(1945, 6, 1)))
    assert _charged(govservice_app, county_item, case) == Decimal("10.00")


def test_age_is_counted_on_the_shanghai_date_of_receipt(govservice_app, county_item):
    # 2015-03-01 17:30 UTC is already 2015-03-02 01:30 in Shanghai: the 70th birthday.
    received = dt.datetime(2015, 3, 1, 17, 30, tzinfo=dt.UTC)
    case = _case(
        county_item, GUANGRAO, applicant=elder(5, dt.date(1945, 3, 2)), received_at=received
    )
    assert _charged(govservice_app, county_item, case) == Decimal("0")


def test_born_on_29_february_turns_seventy_on_1_march_in_a_common_year(
    govservice_app, county_item
):
    born = dt.date(1944, 2, 29)
    on_28th = dt.datetime(2014, 2, 28, 9, 0, tzinfo=SHANGHAI)
    on_1st = dt.datetime(2014, 3, 1, 9, 0, tzinfo=SHANGHAI)
    before = _case(county_item, GUANGRAO, applicant=elder(6, born), received_at=on_28th)
    after = _case(county_item, GUANGRAO, applicant=elder(6, born), received_at=on_1st)
    assert _charged(govservice_app, county_item, before) == Decimal("10.00")
    assert _charged(govservice_app, county_item, after) == Decimal("0")
    assert (age_on(born, on_28th.date()), age_on(born, on_1st.date())) == (69, 70)


def test_an_enterprise_pays_whatever_its_age(govservice_app, county_item):
    case = _case(county_item, GUANGRAO, applicant=enterprise(7))
    assert _charged(govservice_app, county_item, case) == Decimal("10.00")


def test_a_seventy_year_old_in_another_region_pays(govservice_app, county_item):
    case = _case(county_item, DONGYING_DISTRICT, applicant=elder(8, dt.date(1940, 1, 1)))
    assert _charged(govservice_app, county_item, case) == Decimal("10.00")


LISTED = identity_number(9, region=DONGYING_DISTRICT, born=dt.date(1988, 5, 20))


@pytest.mark.parametrize("settings", [{"subsistence_allowance_ids": [LISTED]}])
def test_listed_subsistence_allowance_household_pays_no_fee(govservice_app, county_item):
    listed = Party(kind="person", name="王建国", identifier=Identifier(kind="ric", number=LISTED))
    case = _case(county_item, GUANGRAO, applicant=listed)
    fees = {fee.name: fee for fee in govservice_app.fees_for(county_item, case)}
    assert fees["执照工本费"].amount == Decimal("0")
    assert fees["执照工本费"].exemption == "广饶县：城乡最低生活保障对象（低保户）免收"
    unlisted = _case(county_item, GUANGRAO, applicant=person(10))
    assert _charged(govservice_app, county_item, unlisted) == Decimal("10.00")


@pytest.mark.parametrize("settings", [{"elderly_age": 65}])
def test_the_age_is_a_setting(govservice_app, county_item):
    case = _case(county_item, GUANGRAO, applicant=elder(11, dt.date(1949, 3, 2)))
    fees = govservice_app.fees_for(county_item, case)
    assert (fees[0].amount, fees[0].exemption) == (Decimal("0"), "广饶县：年满65周岁的老年人免收")


# --- applicant categories confirmed at acceptance -------------------------------------------


def foreign_elder(seed: int) -> Party:
    """A person applying with a passport: no birth date to read from the number."""
    return Party(
        kind="person",
        name="Anna Berg",
        identifier=Identifier(kind="passport", number=f"E{seed:08d}"),
    )


def category(kind: str, *, confirmed: bool = True) -> ApplicantCategory:
    confirmation = {"confirmed_by": "李娜", "confirmed_at": START} if confirmed else {}
    evidence = {"elderly": "老年人优待证", "low_income": "最低生活保障证"}[kind]
    return ApplicantCategory(
        category=kind, evidence_kind=evidence, evidence_number="DY2015000123", **confirmation
    )


def test_confirmed_elderly_category_exempts_when_no_birth_date_can_be_read(
    govservice_app, county_item
):
    case = _case(
        county_item,
        GUANGRAO,
        applicant=foreign_elder(1),
        applicant_categories=(category("elderly"),),
    )
    fees = {fee.name: fee for fee in govservice_app.fees_for(county_item, case)}
    assert (fees["执照工本费"].amount, fees["执照工本费"].exemption) == (
        Decimal("0"),
        "广饶县：年满70周岁的老年人免收",
    )


def test_a_declared_category_not_confirmed_counts_for_nothing(govservice_app, county_item):
    declared = (category("elderly", confirmed=False), category("low_income", confirmed=False))
    case = _case(county_item, GUANGRAO, applicant=foreign_elder(2), applicant_categories=declared)
    assert case.confirmed_categories == ()
    assert _charged(govservice_app, county_item, case) == Decimal("10.00")


def test_the_birth_date_decides_over_a_confirmed_elderly_category(govservice_app, county_item):
    # 老年人 (60 and over in Shandong) confirmed, but 65 on the identity card: under 70
    case = _case(
        county_item,
        GUANGRAO,
        applicant=elder(13, dt.date(1950, 1, 1)),
        applicant_categories=(category("elderly"),),
    )
    assert _charged(govservice_app, county_item, case) == Decimal("10.00")


def test_confirmed_low_income_category_exempts_without_the_configured_list(
    govservice_app, county_item
):
    case = _case(
        county_item,
        GUANGRAO,
        applicant=person(14),
        applicant_categories=(category("low_income"),),
    )
    fees = govservice_app.fees_for(county_item, case)
    assert (fees[0].amount, fees[0].exemption) == (
        Decimal("0"),
        "广饶县：城乡最低生活保障对象（低保户）免收",
    )


def test_the_age_rule_still_holds_for_a_case_with_other_categories(govservice_app, county_item):
    case = _case(
        county_item,
        GUANGRAO,
        applicant=elder(15, dt.date(1940, 1, 1)),
        applicant_categories=(category("low_income", confirmed=False),),
    )
    assert _charged(govservice_app, county_item, case) == Decimal("0")


# --- closure days --------------------------------------------------------------------------


def test_default_year_end_closure_is_skipped(govservice_app):
    calendar = govservice_app.calendar(GUANGRAO)
    assert not calendar.is_working_day(dt.date(2015, 12, 31))
    # 2016-01-01 is New Year's Day and 2-3 January a weekend: the next working day is the 4th.
    assert calendar.add_working_days(dt.date(2015, 12, 30), 1).due == dt.date(2016, 1, 4)
    elsewhere = govservice_app.calendar(DONGYING_DISTRICT)
    assert elsewhere.add_working_days(dt.date(2015, 12, 30), 1).due == dt.date(2015, 12, 31)


@pytest.mark.parametrize("settings", [{"closure_days": ["2015-03-03", "2015-03-04"]}])
def test_configured_closure_days_are_skipped(govservice_app):
    start = START.date()  # Monday 2015-03-02
    assert govservice_app.calendar(GUANGRAO).add_working_days(start, 3).due == dt.date(2015, 3, 9)
    assert govservice_app.calendar(DONGYING_DISTRICT).add_working_days(start, 3).due == dt.date(
        2015, 3, 5
    )
    # the configured list replaces the default
    assert govservice_app.calendar(GUANGRAO).is_working_day(dt.date(2015, 12, 31))


# --- settings ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"elderly_age": "seventy"}, "plugins.0.settings.elderly_age: 'seventy' is not of type"),
        ({"closure_day": ["2015-03-03"]}, "plugins.0.settings.closure_day: unknown key"),
        ({"closure_days": ["2015-02-30"]}, "plugins.0.settings.closure_days.0: '2015-02-30'"),
        (
            {"construction_item_types": ["permit"]},
            "plugins.0.settings.construction_item_types.0: 'permit' is not one of",
        ),
        (
            {"subsistence_allowance_ids": [LISTED[:-1] + ("0" if LISTED[-1] != "0" else "1")]},
            "subsistence_allowance_ids.0: identity number",
        ),
    ],
)
def test_bad_settings_name_the_plugin_in_strict_mode(govservice_config, expected):
    with pytest.raises(PluginError) as caught:
        GovService(govservice_config, strict=True).plugins  # noqa: B018
    assert caught.value.plugin == "guangrao"
    assert expected in str(caught.value)
    assert LISTED not in str(caught.value)


@pytest.mark.parametrize("settings", [{"elderly_age": -1}])
def test_bad_settings_leave_the_plugin_out_when_not_strict(govservice_config, county_item):
    service = GovService(govservice_config, strict=False)
    first = service.plugins.problems[0]
    assert first.plugin == "guangrao"
    assert "plugins.0.settings.elderly_age: -1 is less than the minimum of 1" in str(first)
    assert "guangrao" not in service.plugins.loaded
    case = _case(county_item, GUANGRAO)
    assert PLEDGE not in names(service.required_materials(county_item, case))


@pytest.mark.parametrize("settings", [{"elderly_age": -1}])
def test_bad_settings_are_reported_once(govservice_config):
    problems = GovService(govservice_config, strict=False).plugins.problems
    assert [type(problem).__name__ for problem in problems] == ["PluginError"]


# --- helpers -------------------------------------------------------------------------------


def _case(item, region, **changes):
    return make_case(item, region=region, **changes)


def _charged(service, item, case) -> Decimal:
    return {fee.name: fee.amount for fee in service.fees_for(item, case)}["执照工本费"]
