"""Applicant categories (退役军人, 残疾人, 低保户, 老年人): declared with their evidence,
confirmed by the window clerk at acceptance, read by plugins through
``Case.confirmed_categories``.

The evidence number is personal: masked in ``repr`` and in whatever is shown to someone
else. An application never carries a confirmation, nor the clerk's fee choices: they are
refused by name, through the API and in a file.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
import yaml

from govservice import hookimpl
from govservice.cli import main
from govservice.clock import FixedClock
from govservice.codec import from_document, to_document
from govservice.errors import ApplicationRefusedError, WorkflowError
from govservice.model import ApplicantCategory, ApplicantCategoryKind, Case, Fee
from govservice.model.identifiers import mask_document, mask_evidence_number
from govservice.rules import FeeAdjustment
from govservice.samples import make_case, make_item, person, register_staff
from govservice.service import GovService
from govservice.store.simulation import make_simulation
from govservice.workflow.intake import application_from_document, centre_set_fields
from workflow_helpers import BACKENDS, CLERK, Desk, applicant_of, at, handed_in, make_service

NOW = at(2015, 3, 2, 9)
DISABILITY_CARD = "37050219750302007521"  # a 残疾人证 number: the identity number and 2 digits
VETERAN_CARD = "DY2015000123"


def veteran(**changes) -> ApplicantCategory:
    fields = {
        "category": "veteran",
        "evidence_kind": "退役军人优待证",
        "evidence_number": VETERAN_CARD,
    }
    return ApplicantCategory(**(fields | changes))


def disabled(**changes) -> ApplicantCategory:
    fields = {
        "category": "disabled",
        "evidence_kind": "残疾人证",
        "evidence_number": DISABILITY_CARD,
    }
    return ApplicantCategory(**(fields | changes))


# --- the model -------------------------------------------------------------------------------


def test_the_evidence_number_is_masked_in_repr_and_in_a_shown_document():
    case = make_case(applicant=person(1), applicant_categories=(disabled(), veteran()))
    shown = repr(case)
    assert DISABILITY_CARD not in shown
    assert VETERAN_CARD not in shown
    assert "3705021975****007521" in shown
    assert "DY****23" in shown
    document = mask_document(to_document(case))
    numbers = [c["evidence_number"] for c in document["applicant_categories"]]
    assert numbers == ["3705021975****007521", "DY****23"]
    assert from_document(Case, to_document(case)) == case  # the store keeps the number


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("370523194503020075", "3705231945****0075"),
        ("DY2015000123", "DY****23"),
        ("1234567", "****"),
        ("DY****23", "DY****23"),
    ],
)
def test_mask_evidence_number_hides_the_middle(number, masked):
    assert mask_evidence_number(number) == masked


def test_a_category_of_kind_other_states_its_label():
    with pytest.raises(ValueError, match=r"ApplicantCategory\.label"):
        ApplicantCategory(category="other", evidence_kind="证明", evidence_number="X-1")
    named = ApplicantCategory(
        category="other", label="计划生育特殊家庭", evidence_kind="扶助证", evidence_number="X-1"
    )
    assert named.category.label == "其他"


def test_a_confirmation_names_who_and_when_both_or_neither():
    with pytest.raises(ValueError, match="both or neither"):
        veteran(confirmed_by="王晓燕")
    with pytest.raises(ValueError, match="both or neither"):
        veteran(confirmed_at=NOW)
    assert veteran(confirmed_by="王晓燕", confirmed_at=NOW).confirmed


def test_only_confirmed_categories_count():
    case = make_case(
        applicant=person(2),
        applicant_categories=(veteran(), disabled(confirmed_by="王晓燕", confirmed_at=NOW)),
    )
    assert [c.category for c in case.confirmed_categories] == [ApplicantCategoryKind.DISABLED]


# --- what an application may not carry ------------------------------------------------------


def test_an_application_carrying_a_confirmation_is_refused_naming_it():
    case = make_case(
        applicant=person(3), applicant_categories=(veteran(confirmed_by="张伟", confirmed_at=NOW),)
    )
    assert centre_set_fields(case) == (
        "applicant_categories.confirmed_by",
        "applicant_categories.confirmed_at",
    )


def test_an_application_file_carrying_confirmations_and_fee_choices_names_them():
    case = make_case(applicant=person(4), applicant_categories=(veteran(),), document_kind="补领")
    document = to_document(case)
    document["applicant_categories"][0]["confirmed_by"] = "张伟"
    document["fee_choices"] = {"工本费": "首次申领"}
    document["confirmed_fee_conditions"] = ["加急费"]
    made, carried = application_from_document(document, where="application.json:1")
    assert set(carried) == {
        "fee_choices",
        "confirmed_fee_conditions",
        "applicant_categories.confirmed_by",
    }
    assert made.applicant_categories == (veteran(),)  # declared, without the confirmation
    assert made.document_kind == "补领"


# --- through the workflow --------------------------------------------------------------------


class VeteransPayNothing:
    """A county policy read from the documented field, never from a free attribute."""

    @hookimpl
    def govservice_fee_adjustments(self, case, item):
        kinds = {category.category for category in case.confirmed_categories}
        if ApplicantCategoryKind.VETERAN not in kinds:
            return None
        return [
            FeeAdjustment(fee=f.name, amount=Decimal("0"), reason="退役军人免收")
            for f in item.fees
        ]


@pytest.fixture(params=BACKENDS)
def desk(request, tmp_path):
    clock = FixedClock(NOW)
    given = [("county", VeteransPayNothing())]
    service = make_service(request.param, tmp_path, clock, given=given)
    made = Desk(service, clock)
    yield made
    made.store.close()


def _apply(desk: Desk, categories, **changes):
    item = make_item(fees=(Fee(name="执照工本费", amount=Decimal("10.00")),))
    desk.store.add_item(item)
    case = desk.new_case(
        item, applicant=person(5), mandates=(), applicant_categories=categories, **changes
    )
    return desk.workflow.apply(case, applicant_of(case))


def test_a_declared_category_counts_once_the_clerk_confirms_it(desk):
    applied = _apply(desk, (veteran(), disabled()))
    assert applied.record.fees[0].amount == Decimal("10.00")  # declared only
    desk.on(NOW + dt.timedelta(hours=1))
    accepted = desk.workflow.accept(applied, CLERK, confirm_categories=["veteran"])
    case = desk.read(accepted.record.id).record
    veteran_now, disabled_now = case.applicant_categories
    assert (veteran_now.confirmed_by, veteran_now.confirmed_at) == (
        CLERK.name,
        NOW + dt.timedelta(hours=1),
    )
    assert not disabled_now.confirmed
    assert case.events[-1].note == "确认申请人类别：退役军人"
    [fee] = case.fees
    assert (fee.amount, fee.exemption) == (Decimal("0"), "退役军人免收")


def test_confirm_categories_true_confirms_every_declared_one(desk):
    applied = _apply(desk, (veteran(), disabled()))
    accepted = desk.workflow.accept(applied, CLERK, confirm_categories=True)
    assert [c.confirmed_by for c in accepted.record.applicant_categories] == [CLERK.name] * 2


@pytest.mark.parametrize(
    ("categories", "words"),
    [
        (["elderly"], "declares no applicant category elderly; it declares: veteran"),
        (["soldier"], "'soldier' is no applicant category"),
    ],
)
def test_a_category_the_case_does_not_declare_is_refused(desk, categories, words):
    applied = _apply(desk, (veteran(),))
    with pytest.raises(WorkflowError, match=words):
        desk.workflow.accept(applied, CLERK, confirm_categories=categories)
    assert desk.read(applied.record.id).record.state.value == "submitted"


def test_confirming_with_nothing_declared_is_refused(desk):
    applied = _apply(desk, ())
    with pytest.raises(WorkflowError, match="declares no applicant category to confirm"):
        desk.workflow.accept(applied, CLERK, confirm_categories=True)


def test_an_application_with_a_confirmed_category_is_refused_and_nothing_stored(desk):
    with pytest.raises(ApplicationRefusedError) as refused:
        _apply(desk, (veteran(confirmed_by="张伟", confirmed_at=NOW),))
    assert refused.value.fields == (
        "applicant_categories.confirmed_by",
        "applicant_categories.confirmed_at",
    )
    assert "申请人类别确认人（applicant_categories.confirmed_by）" in refused.value.notice
    assert desk.store.count("case") == 0


# --- the command line ------------------------------------------------------------------------


def test_case_accept_confirms_the_categories_and_case_show_masks_the_evidence(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("GOVSERVICE_PLUGINS", "")
    config = tmp_path / "centre.yaml"
    storage = {"backend": "sqlite", "settings": {"path": str(tmp_path / "c.db")}}
    config.write_text(
        yaml.safe_dump({"name": "东营市政务服务中心", "region": "370500", "storage": storage}),
        encoding="utf-8",
    )
    service = GovService(config)
    make_simulation(service.store)
    register_staff(service.store)
    item = make_item()
    service.store.add_item(item)
    service.store.close()
    case = make_case(
        item,
        applicant=person(6),
        received_at=NOW,
        materials=handed_in(item),
        applicant_categories=(disabled(),),
    )
    application = tmp_path / "application.yaml"
    application.write_text(yaml.safe_dump(to_document(case), allow_unicode=True), "utf-8")
    base = ["--config", str(config)]
    applicant = ["--actor", "李桂兰", "--actor-id", case.applicant.identifier.number]
    apply = [*base, "--now", "2015-03-02T09:00", "case", "apply", str(application)]
    assert main([*apply, *applicant, "--role", "applicant"]) == 0
    clerk = ["--actor", CLERK.name, "--role", "window_clerk"]
    accept = [*base, "--now", "2015-03-02T10:00", "case", "accept", case.id, *clerk]
    assert main([*accept, "--confirm-categories"]) == 0
    capsys.readouterr()
    assert main([*base, "case", "show", case.id, "--json"]) == 0
    out = capsys.readouterr().out
    assert DISABILITY_CARD not in out
    [shown] = json.loads(out)["applicant_categories"]
    assert shown["evidence_number"] == "3705021975****007521"
    assert shown["confirmed_by"] == CLERK.name
    assert main([*base, "case", "show", case.id]) == 0
    sheet = capsys.readouterr().out
    assert "申请人类别 残疾人（残疾人证 3705021975****007521），王晓燕 已确认" in sheet
    assert "收费：执照工本费 10.00 元；合计 10.00 元" in sheet
    assert DISABILITY_CARD not in sheet
