"""Items as real catalogs publish them: unknowns, types and levels, regions, materials,
limits in stages, with an extension or by kind of document, steps and structure.

Each document below gets the same verdict from the model alone (the codec without the
schema check), the compiled schema engine (full and fast path) and the reference engine.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
import pytest

from govservice.catalog.publishing import (
    LIMIT_MAY_EXCEED,
    STEPS_MAY_EXCEED,
    limit_findings,
    publishable_problems,
)
from govservice.codec import from_document, to_document
from govservice.demo.catalog import city_items, county_items
from govservice.errors import InvalidRecordError
from govservice.kinds import KINDS
from govservice.model import (
    Channel,
    Fee,
    HandlingLevel,
    HandlingType,
    Item,
    ItemKind,
    ItemResult,
    ItemType,
    LimitExtension,
    LimitStage,
    LimitVariant,
    Material,
    PowerSource,
    Step,
    TimeLimit,
    TimeUnit,
)
from govservice.rules import Severity
from govservice.samples import make_item
from govservice.validation import reference_problems, validator_for

BASE = {
    "code": "11370523MB28504378-XK-0007",
    "name": "建筑工程施工许可证核发",
    "type": "licensing",
    "department": "广饶县住房和城乡建设局",
    "region": "370523",
    "level": "county",
    "legal_limit": {"amount": 20},
    "promised_limit": {"amount": 5},
}


def _verdicts(document: dict) -> dict[str, bool]:
    try:
        from_document(Item, document, check=False)
        model = True
    except InvalidRecordError:
        model = False
    validator = validator_for(KINDS["item"])
    return {
        "model": model,
        "compiled schema": validator.problems(document) == [],
        "compiled fast path": validator.is_valid(document),
        "reference schema": reference_problems(KINDS["item"], document) == [],
    }


VALID, INVALID = True, False

DOCUMENTS = [
    # who and where
    ("other-type-with-its-label", {"type": "other", "type_label": "其他职权"}, VALID),
    ("other-type-without-a-label", {"type": "other"}, INVALID),
    ("historic-label-beside-a-national-type", {"type_label": "非行政许可审批"}, VALID),
    ("blank-type-label", {"type": "other", "type_label": " "}, INVALID),
    (
        "power-source-with-dates",
        {
            "power_source": "delegated_down",
            "power_source_since": "2015-07-01",
            "power_source_until": "2018-06-30",
        },
        VALID,
    ),
    ("unknown-power-source", {"power_source": "borrowed"}, INVALID),
    ("national-item", {"level": "national", "region": "100000"}, VALID),
    ("national-item-with-a-county-code", {"level": "national"}, INVALID),
    ("province-item", {"level": "province", "region": "370000"}, VALID),
    ("city-item-with-a-county-code", {"level": "city"}, INVALID),
    ("county-item-with-a-city-code", {"region": "370500"}, INVALID),
    ("township-item-with-its-county-code", {"level": "township"}, VALID),
    ("retired-county-code-kenli-370521", {"region": "370521"}, VALID),
    ("guangrao-before-1983", {"region": "372327"}, VALID),
    ("no-such-region", {"region": "999999"}, INVALID),
    ("no-such-county-370599", {"region": "370599"}, INVALID),
    (
        "delegated-to-no-such-region",
        {"level": "city", "region": "370500", "delegated_to": ["370523", "370598"]},
        INVALID,
    ),
    ("exercised-at-further-levels", {"exercised_levels": ["township", "village"]}, VALID),
    ("exercised-level-twice", {"exercised_levels": ["township", "township"]}, INVALID),
    ("exercised-at-its-own-level", {"exercised_levels": ["township", "county"]}, INVALID),
    # unknown is not a value
    ("unknowns-absent", {}, VALID),
    (
        "unknowns-null",
        {"handling_type": None, "channels": None, "materials": None, "fees": None},
        VALID,
    ),
    ("published-as-none", {"channels": [], "materials": [], "fees": []}, VALID),
    # materials
    (
        "material-with-unknown-counts",
        {"materials": [{"name": "申请书", "originals": None, "copies": None}]},
        VALID,
    ),
    (
        "material-verified-only",
        {
            "materials": [
                {
                    "name": "身份证",
                    "originals": 1,
                    "copies": 1,
                    "verify_only": True,
                    "issued_by": "公安机关",
                    "blank_form_available": False,
                    "review_points": ["与申请人一致", "在有效期内"],
                }
            ]
        },
        VALID,
    ),
    ("material-with-a-negative-count", {"materials": [{"name": "申请书", "copies": -1}]}, INVALID),
    (
        "material-verify-only-not-boolean",
        {"materials": [{"name": "身份证", "verify_only": "yes"}]},
        INVALID,
    ),
    # limits
    (
        "stages-adding-up",
        {
            "legal_limit": {
                "amount": 20,
                "stages": [{"name": "乡镇初审", "amount": 5}, {"name": "县级决定", "amount": 15}],
            }
        },
        VALID,
    ),
    (
        "stages-not-adding-up",
        {
            "legal_limit": {
                "amount": 20,
                "stages": [{"name": "乡镇初审", "amount": 5}, {"name": "县级决定", "amount": 10}],
            }
        },
        INVALID,
    ),
    (
        "stage-in-another-unit",
        {
            "legal_limit": {
                "amount": 20,
                "stages": [{"name": "乡镇初审", "amount": 20, "unit": "calendar_days"}],
            }
        },
        INVALID,
    ),
    (
        "extension-with-its-basis",
        {
            "legal_limit": {
                "amount": 20,
                "extension": {
                    "amount": 10,
                    "legal_basis": "《中华人民共和国行政许可法》第四十二条",
                },
            }
        },
        VALID,
    ),
    (
        "extension-in-another-unit",
        {"legal_limit": {"amount": 20, "extension": {"amount": 10, "unit": "calendar_days"}}},
        INVALID,
    ),
    (
        "variants-by-document",
        {
            "legal_limit": {"amount": 20, "variants": [{"document_kind": "补领", "amount": 10}]},
            "promised_limit": {"amount": 5, "variants": [{"document_kind": "补领", "amount": 3}]},
        },
        VALID,
    ),
    (
        "variant-promise-above-its-law",
        {"legal_limit": {"amount": 20, "variants": [{"document_kind": "补领", "amount": 3}]}},
        INVALID,
    ),
    (
        "variant-kind-twice",
        {
            "legal_limit": {
                "amount": 20,
                "variants": [
                    {"document_kind": "补领", "amount": 10},
                    {"document_kind": "补领", "amount": 12},
                ],
            }
        },
        INVALID,
    ),
    # steps
    (
        "steps-within-the-promise",
        {
            "steps": [
                {"name": "受理", "post": "窗口受理人员", "limit": {"amount": 1}},
                {"name": "审查", "post": "业务科室", "limit": {"amount": 3}},
                {"name": "决定", "post": "分管领导", "limit": {"amount": 1}},
                {"name": "送达", "description": "邮寄或窗口领取"},
            ]
        },
        VALID,
    ),
    (
        "steps-beyond-the-promise",
        {
            "steps": [
                {"name": "审查", "limit": {"amount": 4}},
                {"name": "决定", "limit": {"amount": 2}},
            ]
        },
        INVALID,
    ),
    (
        "step-in-hours-beyond-the-promise",
        {"steps": [{"name": "审查", "limit": {"amount": 50, "unit": "hours"}}]},
        INVALID,
    ),
    # structure
    (
        "sub-item-with-its-parent",
        {"item_kind": "sub", "parent_code": "11370523MB28504378-XK-0006"},
        VALID,
    ),
    ("business-item-without-a-parent", {"item_kind": "business"}, INVALID),
    ("item-its-own-parent", {"item_kind": "sub", "parent_code": BASE["code"]}, INVALID),
    (
        "structure-published",
        {
            "co_departments": ["广饶县消防救援大队"],
            "undertaking_office": "建筑业管理科",
            "place": "广饶县政务服务中心二楼B区",
            "office_hours": "工作日 9:00-12:00, 13:30-17:00",
            "result": {"name": "建筑工程施工许可证", "validity": "长期"},
            "visits": 1,
            "intermediary_services": ["施工图审查"],
            "contact_phone": "0546-6441234",
            "supervision_phone": "0546-12345",
        },
        VALID,
    ),
    ("negative-visits", {"visits": -1}, INVALID),
    ("result-without-a-name", {"result": {"validity": "3年"}}, INVALID),
]


@pytest.mark.parametrize(
    ("changes", "verdict"),
    [pytest.param(changes, verdict, id=name) for name, changes, verdict in DOCUMENTS],
)
def test_model_and_both_engines_give_the_stated_verdict(changes, verdict):
    verdicts = _verdicts(BASE | changes)

    assert verdicts == dict.fromkeys(verdicts, verdict)


@pytest.mark.parametrize(
    ("changes", "pointer", "words"),
    [
        ({"region": "999999"}, "/region", "999999 is not in the GB/T 2260 table"),
        ({"level": "city"}, "/region", "an item of the city level carries a city's code"),
        (
            {"legal_limit": {"amount": 20, "stages": [{"name": "初审", "amount": 5}]}},
            "/legal_limit/stages",
            "the stages add up to 5 working_days, not the limit's 20",
        ),
        (
            {"steps": [{"name": "审查", "limit": {"amount": 6}}]},
            "/steps",
            "the steps' limits add up to 6 working_days, more than the promised limit",
        ),
        (
            {"steps": [{"name": "审查", "limit": {"amount": 50, "unit": "hours"}}]},
            "/steps/0/limit",
            "the limit of step '审查' (50 hours) exceeds the promised limit of 5",
        ),
    ],
)
def test_both_engines_and_the_model_say_what_is_wrong_and_where(changes, pointer, words):
    document = BASE | changes
    for problems in (
        validator_for(KINDS["item"]).problems(document),
        reference_problems(KINDS["item"], document),
    ):
        assert [p.pointer for p in problems] == [pointer]
        assert words in problems[0].message
    with pytest.raises(InvalidRecordError, match=words.replace("(", r"\(").replace(")", r"\)")):
        from_document(Item, document, check=False)


# --- unknown is not a value -------------------------------------------------------------------


def test_an_item_that_published_nothing_reads_as_unknown_not_as_a_default():
    item = from_document(Item, BASE)

    assert item.unknown_fields == ("handling_type", "channels", "materials", "fees")
    assert (item.handling_type, item.channels, item.materials, item.fees) == (None,) * 4
    assert item.is_free is None
    assert item.is_immediate is False


def test_null_reads_as_absent_and_an_empty_list_as_none():
    unknown = from_document(Item, BASE | dict.fromkeys(["handling_type", "channels", "fees"]))
    none = from_document(Item, BASE | {"channels": [], "materials": [], "fees": []})

    assert unknown == from_document(Item, BASE)
    assert none.unknown_fields == ("handling_type",)
    assert (none.channels, none.materials, none.fees, none.is_free) == ((), (), (), True)
    # written back: unknown left out, none kept as []
    assert "fees" not in to_document(unknown)
    assert to_document(none)["fees"] == []
    assert to_document(none)["materials"] == []
    assert from_document(Item, to_document(none)) == none


@pytest.mark.parametrize(
    ("fees", "free"),
    [
        ((), True),
        ((Fee(name="工本费", amount=Decimal("10.00")),), False),
        ((Fee(name="工本费", waived=True),), True),
        # a hospital's appraisal fee is disclosed, not charged: the item stays free
        ((Fee(name="鉴定费", amount=Decimal("150"), collected_by="东营市人民医院"),), True),
        (None, None),
    ],
)
def test_is_free_is_yes_no_or_unknown(fees, free):
    assert make_item(fees=fees).is_free is free


def test_the_channels_of_an_item_are_members_of_their_enum():
    item = make_item(channels=["window", "online"])

    assert item.channels == (Channel.WINDOW, Channel.ONLINE)


# --- who and where ----------------------------------------------------------------------------


def test_an_item_of_a_type_outside_the_national_ones_keeps_its_label():
    item = make_item(type="other", type_label="其他职权")

    assert item.type is ItemType.OTHER
    assert item.type_label == "其他职权"
    assert ItemType.OTHER.label == "其他"
    assert ItemType.OTHER.letters is None
    with pytest.raises(ValueError, match=r"^Item\.type_label: an item of type other"):
        make_item(type="other")


def test_the_source_of_power_is_recorded_apart_from_the_status():
    item = make_item(
        power_source="delegated_down",
        power_source_since=dt.date(2015, 7, 1),
        status="delegated",
        status_since=dt.date(2015, 7, 1),
    )

    assert item.power_source is PowerSource.DELEGATED_DOWN
    assert PowerSource.ENTRUSTED.label == "委托"
    with pytest.raises(ValueError, match=r"power_source_until \(2015-06-30\) is before"):
        attrs.evolve(item, power_source_until=dt.date(2015, 6, 30))


def test_levels_national_and_exercised():
    national = make_item(level="national", region="100000", exercised_levels=["province"])

    assert national.level is HandlingLevel.NATIONAL
    assert HandlingLevel.NATIONAL.label == "国家级"
    assert national.exercised_levels == (HandlingLevel.PROVINCE,)
    with pytest.raises(ValueError, match=r"^Item\.region: 999999 is not in the GB/T 2260"):
        make_item(region="999999")
    with pytest.raises(ValueError, match=r"^Item\.region: an item of the county level"):
        make_item(region="370500", level="county")


# --- materials ---------------------------------------------------------------------------------


def test_a_material_may_be_verified_only_or_have_a_count_not_published():
    shown = Material(name="身份证", originals=1, copies=1, verify_only=True, issued_by="公安机关")
    unknown = Material(name="申请书", originals=None, copies=None, blank_form_available=True)

    assert shown.verify_only
    assert shown.issued_by == "公安机关"
    assert (unknown.originals, unknown.copies, unknown.blank_form_available) == (None, None, True)
    document = to_document(make_item(materials=(shown, unknown)))
    assert document["materials"][1] == {
        "name": "申请书",
        "originals": None,
        "copies": None,
        "blank_form_available": True,
    }
    assert from_document(Item, document).materials == (shown, unknown)


# --- limits ---------------------------------------------------------------------------------------


def test_a_limit_in_stages_adds_up_and_keeps_its_extension():
    limit = TimeLimit(
        amount=20,
        stages=[LimitStage(name="乡镇初审", amount=5), LimitStage(name="县级决定", amount=15)],
        extension=LimitExtension(amount=10, legal_basis="行政许可法第四十二条"),
    )

    assert limit.longest == TimeLimit(amount=30)
    with pytest.raises(ValueError, match=r"^TimeLimit\.stages: the stages add up to 5"):
        TimeLimit(amount=20, stages=[LimitStage(name="乡镇初审", amount=5)])
    with pytest.raises(ValueError, match=r"^TimeLimit\.extension: an extension in hours"):
        TimeLimit(amount=20, extension=LimitExtension(amount=4, unit=TimeUnit.HOURS))


def test_for_document_gives_the_limit_of_that_kind_or_the_limit_itself():
    limit = TimeLimit(
        amount=20,
        excluded=["公示"],
        extension=LimitExtension(amount=10),
        variants=[LimitVariant(document_kind="补领", amount=2, unit=TimeUnit.HOURS)],
    )

    assert limit.for_document("补领") == TimeLimit(
        amount=2, unit=TimeUnit.HOURS, excluded=("公示",)
    )
    assert limit.for_document("首次申领") is limit
    assert limit.for_document(None) is limit
    with pytest.raises(ValueError, match=r"^TimeLimit\.variants: a kind of document"):
        attrs.evolve(limit, variants=[*limit.variants, *limit.variants])


def test_steps_fit_inside_the_promise():
    steps = [
        Step(name="受理", post="窗口受理人员", limit=TimeLimit(amount=1)),
        Step(name="审查", post="业务科室", limit=TimeLimit(amount=4)),
    ]

    assert make_item(steps=steps).steps[1].post == "业务科室"
    with pytest.raises(ValueError, match=r"^Item\.steps: the steps' limits add up to 6"):
        make_item(steps=[*steps, Step(name="决定", limit=TimeLimit(amount=1))])


# --- structure -----------------------------------------------------------------------------------


def test_sub_and_business_items_name_their_parent():
    sub = make_item(
        code="11370500004275432Y-XK-0002",
        item_kind="sub",
        parent_code="11370500004275432Y-XK-0001",
    )

    assert sub.item_kind is ItemKind.SUB
    assert ItemKind.BUSINESS.label == "业务办理项"
    with pytest.raises(ValueError, match=r"^Item\.parent_code: a business item names"):
        make_item(item_kind="business")


def test_the_structure_fields_round_trip():
    item = make_item(
        co_departments=["东营市消防救援支队"],
        undertaking_office="审批科",
        place="东营市政务服务中心三楼",
        office_hours="工作日 9:00-17:00",
        result=ItemResult(name="建设工程规划许可证", validity="2年"),
        visits=0,
        intermediary_services=["规划设计方案编制"],
        contact_phone="0546-8331234",
        supervision_phone="0546-12345",
    )

    assert from_document(Item, to_document(item)) == item
    assert to_document(item)["visits"] == 0


# --- publishing ------------------------------------------------------------------------------------


def test_our_catalog_refuses_to_publish_unknown_materials_or_fees_naming_both():
    item = make_item(materials=None, fees=None, channels=None)

    problems = publishable_problems(item)

    assert len(problems) == 2
    assert all("11370500004275432Y-XK-0001" in problem for problem in problems)
    assert "does not publish its materials (申请材料: unknown)" in problems[0]
    assert "does not publish its fees (收费标准: unknown)" in problems[1]
    assert publishable_problems(make_item(materials=(), fees=())) == []


def test_a_promise_that_with_its_extension_could_pass_the_law_is_a_finding():
    item = make_item(
        legal_limit=TimeLimit(amount=20),
        promised_limit=TimeLimit(amount=15, extension=LimitExtension(amount=10)),
    )

    findings = limit_findings(item)

    assert [(f.code, f.severity) for f in findings] == [(LIMIT_MAY_EXCEED, Severity.WARN)]
    assert "承诺时限15个工作日加可延长的10个工作日（共25个工作日）可能超过法定时限20个工作日" in (
        findings[0].message
    )
    assert limit_findings(make_item()) == []
    within = make_item(promised_limit=TimeLimit(amount=10, extension=LimitExtension(amount=10)))
    assert limit_findings(within) == []


def test_a_promise_in_other_units_that_could_pass_the_law_is_a_finding():
    # 16 working hours fit in 1 working day from a working day, not from a day off
    hours = make_item(
        legal_limit=TimeLimit(amount=1), promised_limit=TimeLimit(amount=16, unit="hours")
    )
    by_kind = make_item(
        legal_limit=TimeLimit(amount=20, variants=[LimitVariant(document_kind="补领", amount=5)]),
        promised_limit=TimeLimit(
            amount=5, variants=[LimitVariant(document_kind="补领", amount=6, unit="calendar_days")]
        ),
    )

    assert [f.code for f in limit_findings(hours)] == [LIMIT_MAY_EXCEED]
    (finding,) = limit_findings(by_kind)
    assert "（补领）的承诺时限6个自然日可能超过法定时限5个工作日" in finding.message


def test_steps_in_other_units_than_the_promise_are_a_finding():
    item = make_item(
        steps=[
            Step(name="受理", limit=TimeLimit(amount=2, unit="hours")),
            Step(name="审查", limit=TimeLimit(amount=5, unit="calendar_days")),
        ]
    )

    (finding,) = limit_findings(item)

    assert finding.code == STEPS_MAY_EXCEED
    assert "审查" in finding.message


def test_every_demo_item_publishes_everything():
    items = [*city_items(), *county_items("370523"), *county_items("370522")]

    assert [item.code for item in items if item.unknown_fields] == []
    assert [problem for item in items for problem in publishable_problems(item)] == []
    assert all(item.handling_type in HandlingType for item in items)
