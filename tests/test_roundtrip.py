"""The model and the schemas agree: every valid record survives the trip to a document.

For each record kind, a record drawn from :mod:`strategies` becomes a plain JSON document
that both schema engines accept and that turns back into the same record.
"""

from __future__ import annotations

import json
from decimal import Decimal

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govservice.codec import from_document, to_document
from govservice.errors import InvalidRecordError
from govservice.kinds import KINDS
from govservice.model import Case, ChargedFee
from govservice.validation import reference_problems, validator_for
from strategies import RECORDS

KIND_NAMES = sorted(KINDS)

# Generating nested records is slower than hypothesis expects of a plain strategy.
_SETTINGS = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}


def test_every_record_kind_has_a_strategy():
    assert set(RECORDS) == set(KINDS)


@pytest.mark.parametrize("kind", KIND_NAMES)
@settings(max_examples=60, **_SETTINGS)
@given(data=st.data())
def test_record_survives_the_round_trip_through_a_valid_document(kind, data):
    record = data.draw(RECORDS[kind], label=kind)
    assert isinstance(record, KINDS[kind].model)

    document = to_document(record)

    assert json.loads(json.dumps(document, ensure_ascii=False)) == document
    assert validator_for(KINDS[kind]).problems(document) == []
    back = from_document(type(record), document)
    assert back == record
    assert to_document(back) == document


@pytest.mark.parametrize("kind", KIND_NAMES)
@settings(max_examples=15, **_SETTINGS)
@given(data=st.data())
def test_reference_engine_accepts_every_valid_document(kind, data):
    document = to_document(data.draw(RECORDS[kind], label=kind))

    assert reference_problems(KINDS[kind], document) == []


# --- one verdict per document --------------------------------------------------------------
#
# The model (through the codec), the compiled schema engine and the reference engine must
# give the same verdict on every document. The documents below are minimal; the ones marked
# xfail are known disagreements, each a bug in src/ (see the reason). When one is fixed its
# test passes, strict xfail turns that into a failure, and the mark is to be removed.

CREDIT_CODE = "91370500MA3C4D5E6D"
IDENTITY_NUMBER = "37052319900101003X"

BASE_DOCUMENTS = {
    "item": {
        "code": "37050000XK-XK-0001",
        "name": "建设工程规划许可",
        "type": "licensing",
        "department": "东营市规划局",
        "region": "370500",
        "level": "city",
        "legal_limit": {"amount": 20},
        "promised_limit": {"amount": 5},
    },
    "case": {
        "id": "2015-000123",
        "item_code": "37050000XK-XK-0001",
        "region": "370500",
        "department": "东营市规划局",
        "applicant": {
            "kind": "person",
            "name": "张三",
            "identifier": {"kind": "ric", "number": IDENTITY_NUMBER},
        },
        "received_at": "2015-06-01T10:00:00+08:00",
    },
    "intermediary": {
        "credit_code": CREDIT_CODE,
        "name": "东营市某测绘有限公司",
        "region": "370500",
        "presence": "physical",
    },
}


def _person(number: str) -> dict:
    return {"kind": "person", "name": "张三", "identifier": {"kind": "ric", "number": number}}


def _enterprise(number: str) -> dict:
    return {
        "kind": "enterprise",
        "name": "某公司",
        "identifier": {"kind": "uscc", "number": number},
    }


_WITHOUT_ACCEPTANCE = {"decided_at": "2015-06-01T09:00:00+08:00"}
_EARLY_EVALUATION = {"evaluation": {"grade": "satisfied", "at": "2015-06-02T10:00:00+08:00"}}

# (id, kind, changes to the base document, the bug that makes the verdicts differ or None)
_VERDICTS = [
    ("valid-item", "item", {}, None),
    ("valid-case", "case", {}, None),
    ("valid-intermediary", "intermediary", {}, None),
    ("promise-above-law", "item", {"promised_limit": {"amount": 21}}, None),
    ("cancelled-item-without-date", "item", {"status": "cancelled"}, None),
    ("evaluation-before-completion", "case", _EARLY_EVALUATION, None),
    ("accepted-before-received", "case", {"accepted_at": "2015-06-01T09:00:00+08:00"}, None),
    ("wrong-ric-check-digit", "case", {"applicant": _person("370523199001010031")}, None),
    ("masked-ric", "case", {"applicant": _person("3705231990****003X")}, None),
    ("wrong-uscc-check", "case", {"applicant": _enterprise(CREDIT_CODE[:-1] + "0")}, None),
    ("three-decimal-fee", "case", {"fees": [{"name": "工本费", "amount": "10.005"}]}, None),
    ("decided-before-received", "case", _WITHOUT_ACCEPTANCE, None),
    ("negative-zero-fee", "case", {"fees": [{"name": "费", "amount": "-0.00"}]}, None),
    ("lowercase-uscc", "case", {"applicant": _enterprise(CREDIT_CODE.lower())}, None),
    ("uscc-with-space", "case", {"applicant": _enterprise(" " + CREDIT_CODE)}, None),
    ("ric-lowercase-x", "case", {"applicant": _person(IDENTITY_NUMBER.lower())}, None),
    ("ric-with-space", "case", {"applicant": _person(IDENTITY_NUMBER + " ")}, None),
    ("masked-ric-newline", "case", {"applicant": _person("3705231990****003X\n")}, None),
    ("region-newline", "case", {"region": "370500\n"}, None),
    ("case-id-newline", "case", {"id": "C1\n"}, None),
    ("non-ascii-case-id", "case", {"id": "办件1"}, None),
    ("blank-legal-basis", "item", {"legal_basis": [""]}, None),
    ("blank-exclusion", "item", {"legal_limit": {"amount": 20, "excluded": [" "]}}, None),
    (
        "blank-condition",
        "item",
        {"materials": [{"name": "委托书", "requirement": "conditional", "condition": " "}]},
        None,
    ),
    (
        "negative-promised-days",
        "intermediary",
        {"services": [{"name": "测绘", "fee_from": "100", "promised_days": -1}]},
        None,
    ),
    ("byte-order-mark-name", "item", {"name": "\ufeff"}, None),
    ("file-separator-name", "item", {"name": "\x1c"}, None),
]

VERDICT_EXAMPLES = [
    pytest.param(
        kind,
        BASE_DOCUMENTS[kind] | changes,
        id=name,
        marks=[pytest.mark.xfail(raises=AssertionError, strict=True, reason=f"src bug: {bug}")]
        if bug
        else [],
    )
    for name, kind, changes, bug in _VERDICTS
]


def _model_accepts(kind: str, document: dict) -> bool:
    try:
        from_document(KINDS[kind].model, document)
    except InvalidRecordError:
        return False
    return True


@pytest.mark.parametrize(("kind", "document"), VERDICT_EXAMPLES)
def test_model_and_both_schema_engines_give_one_verdict(kind, document):
    verdicts = {
        "model": _model_accepts(kind, document),
        "compiled schema": validator_for(KINDS[kind]).problems(document) == [],
        "reference schema": reference_problems(KINDS[kind], document) == [],
    }

    assert len(set(verdicts.values())) == 1, verdicts


def test_record_with_negative_zero_yuan_is_refused_or_has_a_valid_document():
    record = from_document(Case, BASE_DOCUMENTS["case"])
    try:
        record = attrs.evolve(record, fees=[ChargedFee(name="工本费", amount=Decimal("-0.00"))])
    except ValueError:
        return  # the model refuses it: model and schema agree

    assert validator_for(KINDS["case"]).problems(to_document(record)) == []
