"""Fees as published and as charged: only what applies to the case is charged.

An item's fee applies always, under a condition (confirmed by the clerk at acceptance or
by a plugin), or as one of several alternatives (the clerk's choice or the case's kind of
document selects one; never their sum). A third party's fee is disclosed, never charged,
and leaves a free item free; a waived fee needs no amount; a county exemption applies on
top; an item whose fees were not published is charged nothing, with a finding on the
event. Fees are computed at application and again at acceptance.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from govservice import hookimpl
from govservice.catalog.charging import (
    ALTERNATIVE_UNSELECTED,
    FEES_UNKNOWN,
    WAIVED,
    charge,
)
from govservice.cli import main
from govservice.cli.case import _fees_line
from govservice.clock import FixedClock
from govservice.codec import from_document, to_document
from govservice.errors import InvalidRecordError, WorkflowError
from govservice.kinds import KINDS
from govservice.model import (
    ApplicantCategory,
    ApplicantCategoryKind,
    Case,
    ChargedFee,
    Fee,
    FeeApplicability,
    Item,
)
from govservice.rules import FeeAdjustment
from govservice.samples import make_case, make_item, person, register_staff
from govservice.service import GovService
from govservice.store.simulation import make_simulation
from govservice.validation import reference_problems, validator_for
from workflow_helpers import BACKENDS, CLERK, Desk, applicant_of, at, handed_in, make_service

NOW = at(2015, 3, 2, 9)
GUANGRAO = "370523"
ID_CARD_BASIS = (
    "《国家发展改革委 财政部关于居民身份证收费标准及有关问题的通知》(发改价格〔2003〕2322号)"
)


def id_card_fees() -> tuple[Fee, ...]:
    """居民身份证工本费: 20 yuan for a first application or a renewal, 40 for a replacement."""
    tier = {"applicability": "alternative", "group": "居民身份证工本费", "per_unit": "每证"}
    return (
        Fee(
            name="居民身份证工本费",
            amount=Decimal("20.00"),
            option="首次申领",
            legal_basis=ID_CARD_BASIS,
            **tier,
        ),
        Fee(
            name="居民身份证工本费",
            amount=Decimal("20.00"),
            option="到期换领",
            legal_basis=ID_CARD_BASIS,
            **tier,
        ),
        Fee(
            name="居民身份证工本费",
            amount=Decimal("40.00"),
            option="丢失补领",
            legal_basis=ID_CARD_BASIS,
            **tier,
        ),
    )


def appraisal_fees() -> tuple[Fee, ...]:
    """A third party's appraisal in two tiers, paid to a hospital by those who need it."""
    tier = {
        "applicability": "alternative",
        "group": "劳动能力鉴定费",
        "collected_by": "东营市人民医院",
    }
    return (
        Fee(name="劳动能力鉴定费", amount=Decimal("150.00"), option="市级", **tier),
        Fee(name="劳动能力鉴定费", amount=Decimal("800.00"), option="省级", **tier),
    )


URGENT = Fee(
    name="加急制证费",
    amount=Decimal("30.00"),
    applicability="conditional",
    condition="申请人要求加急制证的",
    legal_basis="鲁价费发〔2007〕122号",
)


def item_with(fees: tuple[Fee, ...] | None, **changes) -> Item:
    return make_item(fees=fees, **changes)


def charged(fees) -> list[tuple[str, Decimal, str | None]]:
    return [(fee.name, fee.amount, fee.option) for fee in fees]


# --- alternatives ----------------------------------------------------------------------------


def test_the_case_s_kind_of_document_selects_one_tier_never_the_sum():
    item = item_with(id_card_fees())
    first = charge(item, make_case(item, document_kind="首次申领"))
    replacement = charge(item, make_case(item, document_kind="丢失补领"))
    assert charged(first.fees) == [("居民身份证工本费", Decimal("20.00"), "首次申领")]
    assert charged(replacement.fees) == [("居民身份证工本费", Decimal("40.00"), "丢失补领")]
    assert first.findings == replacement.findings == ()
    assert replacement.fees[0].legal_basis == ID_CARD_BASIS


def test_the_clerk_s_choice_wins_over_the_kind_of_document():
    item = item_with(id_card_fees())
    case = make_case(item, document_kind="首次申领", fee_choices={"居民身份证工本费": "丢失补领"})
    assert charged(charge(item, case).fees) == [("居民身份证工本费", Decimal("40.00"), "丢失补领")]


@pytest.mark.parametrize(
    ("kind", "words"),
    [(None, "未选择适用情形"), ("换发", "申请类型“换发”不是其中之一")],
)
def test_no_tier_selected_charges_nothing_of_the_group_with_a_finding(kind, words):
    item = item_with((Fee(name="登记费", amount=Decimal("5.00")), *id_card_fees()))
    result = charge(item, make_case(item, document_kind=kind))
    assert charged(result.fees) == [("登记费", Decimal("5.00"), None)]
    [finding] = result.findings
    assert finding.code == ALTERNATIVE_UNSELECTED
    assert not finding.blocks
    assert words in finding.message
    assert "首次申领、到期换领、丢失补领" in finding.message


# --- third parties ---------------------------------------------------------------------------


def test_a_third_party_fee_is_disclosed_never_charged_and_the_item_stays_free():
    item = item_with(appraisal_fees())
    for kind in (None, "市级", "省级"):
        result = charge(item, make_case(item, document_kind=kind))
        assert result.fees == ()
        assert result.findings == ()
    chosen = charge(item, make_case(item, document_kind="省级"))
    assert [(f.collected_by, f.amount) for f in chosen.third_party] == [
        ("东营市人民医院", Decimal("800.00"))
    ]
    assert item.is_free is True
    assert Fee(name="x", amount=Decimal("1"), collected_by="某中介").third_party


def test_a_third_party_fee_beside_the_centre_s_own_leaves_the_centre_s_alone():
    item = item_with((Fee(name="执照工本费", amount=Decimal("10.00")), *appraisal_fees()))
    result = charge(item, make_case(item, document_kind="市级"))
    assert charged(result.fees) == [("执照工本费", Decimal("10.00"), None)]


# --- waived ----------------------------------------------------------------------------------


def test_a_waived_fee_needs_no_amount_and_is_charged_at_zero():
    fee = Fee(name="卫生许可证工本费", waived=True, legal_basis="鲁财综〔2015〕5号")
    item = item_with((fee,))
    [charged_fee] = charge(item, make_case(item)).fees
    assert (charged_fee.amount, charged_fee.exemption) == (Decimal("0"), WAIVED)
    assert charged_fee.legal_basis == "鲁财综〔2015〕5号"
    document = to_document(fee)
    assert "amount" not in document
    assert from_document(Fee, document) == fee


def test_a_fee_that_is_not_waived_states_its_amount():
    with pytest.raises(ValueError, match=r"Fee\.amount: fee '登记费' is not waived"):
        Fee(name="登记费")


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"applicability": "conditional"}, "Fee.condition"),
        ({"condition": "加急的"}, "Fee.condition"),
        ({"applicability": "alternative", "group": "工本费"}, "Fee.option"),
        ({"group": "工本费"}, "Fee.group"),
    ],
)
def test_applicability_states_what_it_needs_in_the_model_and_in_the_schema(fields, words):
    with pytest.raises(ValueError, match=words):
        Fee(name="工本费", amount=Decimal("10.00"), **fields)
    document = to_document(make_item())
    document["fees"] = [{"name": "工本费", "amount": "10.00", **fields}]
    assert validator_for(KINDS["item"]).problems(document)
    assert reference_problems(KINDS["item"], document)


def test_the_schema_accepts_every_applicability_and_a_waived_fee_without_amount():
    document = to_document(item_with((*id_card_fees(), URGENT, Fee(name="免", waived=True))))
    assert validator_for(KINDS["item"]).problems(document) == []
    assert reference_problems(KINDS["item"], document) == []
    document["fees"].append({"name": "登记费"})  # neither an amount nor waived
    assert [p.pointer for p in validator_for(KINDS["item"]).problems(document)] == ["/fees/5"]


# --- conditional -----------------------------------------------------------------------------


def test_a_conditional_fee_is_charged_only_when_confirmed():
    item = item_with((Fee(name="工本费", amount=Decimal("10.00")), URGENT))
    assert charged(charge(item, make_case(item)).fees) == [("工本费", Decimal("10.00"), None)]
    confirmed = make_case(item, confirmed_fee_conditions=("加急制证费",))
    assert charged(charge(item, confirmed).fees)[1] == ("加急制证费", Decimal("30.00"), None)
    by_plugin = charge(item, make_case(item), confirmed=["加急制证费"])
    assert [fee.name for fee in by_plugin.fees] == ["工本费", "加急制证费"]
    assert URGENT.applicability is FeeApplicability.CONDITIONAL


# --- county exemptions on top ----------------------------------------------------------------


def test_a_county_exemption_applies_to_the_tier_charged():
    item = item_with((*id_card_fees(), URGENT))
    case = make_case(item, document_kind="丢失补领", confirmed_fee_conditions=("加急制证费",))
    adjustments = [
        FeeAdjustment(fee="居民身份证工本费", amount=Decimal("20.00"), reason="减半"),
        FeeAdjustment(fee="居民身份证工本费", amount=Decimal("0"), reason="低保户免收"),
        FeeAdjustment(fee="加急制证费", amount=Decimal("40.00"), reason="不降反升：不取"),
    ]
    fees = charge(item, case, adjustments=adjustments).fees
    assert [(f.name, f.amount, f.exemption, f.option) for f in fees] == [
        ("居民身份证工本费", Decimal("0"), "低保户免收", "丢失补领"),
        ("加急制证费", Decimal("30.00"), None, None),
    ]


# --- unknown ---------------------------------------------------------------------------------


def test_unknown_fees_are_charged_nothing_with_a_finding_never_silently_free():
    item = item_with(None)
    result = charge(item, make_case(item))
    assert result.fees == ()
    [finding] = result.findings
    assert finding.code == FEES_UNKNOWN
    assert not finding.blocks
    assert item.code in finding.message
    assert "未公布收费信息" in finding.message
    assert charge(item_with(()), make_case(item_with(()))).findings == ()  # none: no finding


# --- through the workflow --------------------------------------------------------------------


class CountyWaiver:
    """Guangrao-style: applicants of the ``waived`` attribute pay nothing of the centre's."""

    @hookimpl
    def govservice_fee_adjustments(self, case, item):
        if case.attributes.get("waived") != "yes":
            return None
        return [
            FeeAdjustment(fee=f.name, amount=Decimal("0"), reason="县级减免") for f in item.fees
        ]


@pytest.fixture(params=BACKENDS)
def desk(request, tmp_path):
    clock = FixedClock(NOW)
    service = make_service(request.param, tmp_path, clock, given=[("county", CountyWaiver())])
    made = Desk(service, clock)
    yield made
    made.store.close()


def test_fees_are_computed_at_application_and_again_with_the_clerk_s_choices(desk):
    item = item_with((*id_card_fees(), URGENT))
    applied = desk.apply(item, document_kind="首次申领")
    assert charged(applied.record.fees) == [("居民身份证工本费", Decimal("20.00"), "首次申领")]
    desk.on(NOW + dt.timedelta(hours=1))
    accepted = desk.workflow.accept(
        applied,
        CLERK,
        fee_choices={"居民身份证工本费": "丢失补领"},
        fee_conditions=["加急制证费"],
    )
    case = desk.read(accepted.record.id).record
    assert charged(case.fees) == [
        ("居民身份证工本费", Decimal("40.00"), "丢失补领"),
        ("加急制证费", Decimal("30.00"), None),
    ]
    assert case.fee_choices == {"居民身份证工本费": "丢失补领"}
    assert case.confirmed_fee_conditions == ("加急制证费",)
    assert case.events[-1].warnings == ()
    assert case.events[-1].note == "收费情形：居民身份证工本费=丢失补领；确认收费条件：加急制证费"


def test_unknown_fees_are_a_warning_on_the_apply_and_accept_events(desk):
    item = item_with(None)
    applied = desk.apply(item)
    assert applied.record.fees == ()
    assert [w.code for w in applied.record.events[-1].warnings] == [FEES_UNKNOWN]
    accepted = desk.workflow.accept(applied, CLERK)
    assert [w.code for w in accepted.record.events[-1].warnings] == [FEES_UNKNOWN]


def test_a_tier_left_unselected_is_a_warning_until_the_clerk_chooses(desk):
    item = item_with(id_card_fees())
    applied = desk.apply(item)
    assert applied.record.fees == ()
    assert [w.code for w in applied.record.events[-1].warnings] == [ALTERNATIVE_UNSELECTED]
    accepted = desk.workflow.accept(applied, CLERK, fee_choices={"居民身份证工本费": "到期换领"})
    assert charged(accepted.record.fees) == [("居民身份证工本费", Decimal("20.00"), "到期换领")]
    assert accepted.record.events[-1].warnings == ()


def test_a_county_exemption_applies_on_top_at_acceptance_too(desk):
    item = item_with((*id_card_fees(), URGENT))
    applied = desk.apply(item, document_kind="丢失补领", attributes={"waived": "yes"})
    accepted = desk.workflow.accept(applied, CLERK, fee_conditions=["加急制证费"])
    assert [(f.name, f.amount, f.exemption) for f in accepted.record.fees] == [
        ("居民身份证工本费", Decimal("0"), "县级减免"),
        ("加急制证费", Decimal("0"), "县级减免"),
    ]


def test_a_reduction_granted_before_acceptance_is_kept(desk):
    item = item_with((Fee(name="执照工本费", amount=Decimal("10.00")),))
    applied = desk.apply(item)
    lowered = desk.workflow.exempt_fee(applied, CLERK, "执照工本费", "困难群众减半", amount="5")
    accepted = desk.workflow.accept(lowered, CLERK)
    [fee] = accepted.record.fees
    assert (fee.amount, fee.exemption) == (Decimal("5"), "困难群众减半")


@pytest.mark.parametrize(
    ("settle", "words"),
    [
        (
            {"fee_choices": {"工本费": "补领"}},
            "no fee alternatives '工本费'; its groups: 居民身份证工本费",
        ),
        (
            {"fee_choices": {"居民身份证工本费": "补领"}},
            "no option '补领'; its options: 首次申领、到期换领、丢失补领",
        ),
        (
            {"fee_conditions": ["加急费"]},
            "no conditional fee '加急费'; its conditional fees: 加急制证费",
        ),
    ],
)
def test_the_clerk_s_settlement_names_what_the_item_has(desk, settle, words):
    item = item_with((*id_card_fees(), URGENT))
    applied = desk.apply(item, document_kind="首次申领")
    with pytest.raises(WorkflowError, match=words):
        desk.workflow.accept(applied, CLERK, **settle)
    assert desk.read(applied.record.id).record.state.value == "submitted"


# --- the records -----------------------------------------------------------------------------


def test_a_case_with_its_fee_settlement_survives_its_document():
    item = item_with(id_card_fees())
    case = make_case(
        item,
        document_kind="丢失补领",
        fee_choices={"居民身份证工本费": "丢失补领"},
        confirmed_fee_conditions=("加急制证费",),
        fees=(
            ChargedFee(
                name="居民身份证工本费",
                amount=Decimal("40.00"),
                option="丢失补领",
                legal_basis=ID_CARD_BASIS,
            ),
        ),
    )
    document = to_document(case)
    assert validator_for(KINDS["case"]).problems(document) == []
    assert reference_problems(KINDS["case"], document) == []
    assert from_document(Case, document) == case
    document["fee_choices"] = {"居民身份证工本费": ""}
    with pytest.raises(InvalidRecordError):
        from_document(Case, document)


# --- the command line ------------------------------------------------------------------------


@pytest.fixture
def centre(tmp_path, monkeypatch):
    monkeypatch.setenv("GOVSERVICE_PLUGINS", "")
    config = tmp_path / "centre.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "name": "东营市政务服务中心",
                "region": "370500",
                "storage": {"backend": "sqlite", "settings": {"path": str(tmp_path / "c.db")}},
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    return config


def _run(config: Path, *args: str) -> int:
    return main(["--config", str(config), *args])


def _cli_case(centre: Path, tmp_path: Path, capsys) -> str:
    """A centre on SQLite with the item of ``id_card_fees`` and a case of it applied for."""
    service = GovService(centre)
    make_simulation(service.store)
    register_staff(service.store)
    item = item_with((*id_card_fees(), URGENT))
    service.store.add_item(item)
    case = make_case(
        item, received_at=at(2015, 3, 2, 9), document_kind="首次申领", materials=handed_in(item)
    )
    service.store.close()
    application = tmp_path / "application.yaml"
    document = to_document(case)
    application.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    applicant = case.applicant.identifier.number
    assert (
        _run(
            centre,
            "--now",
            "2015-03-02T09:00",
            "case",
            "apply",
            str(application),
            "--actor",
            "张伟",
            "--actor-id",
            applicant,
            "--role",
            "applicant",
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "收费：居民身份证工本费（首次申领） 20.00 元；合计 20.00 元" in out
    return case.id


def test_case_accept_takes_the_clerk_s_fee_choice_and_condition(centre, tmp_path, capsys):
    case_id = _cli_case(centre, tmp_path, capsys)
    code = _run(
        centre, "--now", "2015-03-02T10:00", "case", "accept", case_id,
        "--actor", "王晓燕", "--role", "window_clerk",
        "--fee-choice", "居民身份证工本费=丢失补领", "--fee-condition", "加急制证费",
    )  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "收费：居民身份证工本费（丢失补领） 40.00 元；加急制证费 30.00 元；合计 70.00 元" in out


@pytest.mark.parametrize(
    ("option", "words"),
    [
        ("居民身份证工本费", "is not GROUP=OPTION"),
        ("居民身份证工本费=补领", "no option '补领'"),
    ],
)
def test_case_accept_refuses_a_bad_fee_choice_in_one_line(centre, tmp_path, capsys, option, words):
    case_id = _cli_case(centre, tmp_path, capsys)
    with pytest.raises(SystemExit) as exited:
        raise SystemExit(
            _run(
                centre,
                "--now",
                "2015-03-02T10:00",
                "case",
                "accept",
                case_id,
                "--actor",
                "王晓燕",
                "--role",
                "window_clerk",
                "--fee-choice",
                option,
            )
        )
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert words in err
    assert "Traceback" not in err


# --- the worked example of docs/fees.md -----------------------------------------------------

EXAMPLES = Path(__file__).parent / "examples"
DOCS = Path(__file__).parents[1] / "docs" / "fees.md"


class VeteransPayNothing:
    """The plugin of the worked example."""

    @hookimpl
    def govservice_fee_adjustments(self, case, item):
        kinds = {category.category for category in case.confirmed_categories}
        if ApplicantCategoryKind.VETERAN not in kinds:
            return None
        return [
            FeeAdjustment(fee=fee.name, amount=Decimal("0"), reason="退役军人免收")
            for fee in item.fees
        ]


def test_the_worked_example_of_the_docs(tmp_path):
    document = json.loads(
        (EXAMPLES / "item/valid/id-card-fee-alternatives-conditional-third-party.json").read_text(
            encoding="utf-8"
        )
    )
    item = from_document(Item, document)
    clock = FixedClock(NOW)
    service = make_service("memory", tmp_path, clock, given=[("county", VeteransPayNothing())])
    desk = Desk(service, clock)
    category = ApplicantCategory(
        category="veteran", evidence_kind="退役军人优待证", evidence_number="SD37052301234"
    )
    case = desk.new_case(
        item,
        applicant=person(7),
        mandates=(),
        document_kind="丢失补领",
        applicant_categories=(category,),
    )
    desk.store.add_item(item)
    applied = desk.workflow.apply(case, applicant_of(case))
    assert charged(applied.record.fees) == [
        ("居民身份证工本费", Decimal("40.00"), "丢失补领"),
        ("照片采集费", Decimal("0"), None),
    ]
    accepted = desk.workflow.accept(
        applied, CLERK, fee_conditions=["加急制证费"], confirm_categories=True
    )
    line = _fees_line(accepted.record)
    assert line == (
        "收费：居民身份证工本费（丢失补领） 0 元，退役军人免收；加急制证费 0 元，退役军人免收；"
        "照片采集费 0 元，免收；合计 0 元"
    )
    assert line in DOCS.read_text(encoding="utf-8")
