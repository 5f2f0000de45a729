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
# The model (through the codec), the compiled schema engine and the reference engine give
# the verdict each document below states: agreeing is not enough (three engines that all
# stopped checking check digits would agree).

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


def _person(number: str, name: str = "张三") -> dict:
    return {"kind": "person", "name": name, "identifier": {"kind": "ric", "number": number}}


def _enterprise(number: str) -> dict:
    return {
        "kind": "enterprise",
        "name": "某公司",
        "identifier": {"kind": "uscc", "number": number},
    }


def _ric(body: str) -> str:
    """``body`` (17 digits) with its check digit."""
    from stdnum.cn import ric

    return body + ric.calc_check_digit(body + "0")


def _event(**changes) -> dict:
    event = {
        "at": "2015-06-01T10:00:00+08:00",
        "actor": "张三",
        "role": "applicant",
        "action": "apply",
        "to_state": "submitted",
    }
    return {"events": [event | changes]}


_WITHOUT_ACCEPTANCE = {"decided_at": "2015-06-01T09:00:00+08:00"}
_EARLY_EVALUATION = {"evaluation": {"grade": "satisfied", "at": "2015-06-02T10:00:00+08:00"}}
VALID, INVALID = True, False

# (id, kind, changes to the base document, the verdict every engine must give)
_VERDICTS = [
    ("valid-item", "item", {}, VALID),
    ("valid-case", "case", {}, VALID),
    ("valid-intermediary", "intermediary", {}, VALID),
    ("promise-above-law", "item", {"promised_limit": {"amount": 21}}, INVALID),
    ("cancelled-item-without-date", "item", {"status": "cancelled"}, INVALID),
    ("evaluation-before-completion", "case", _EARLY_EVALUATION, INVALID),
    ("accepted-before-received", "case", {"accepted_at": "2015-06-01T09:00:00+08:00"}, INVALID),
    ("wrong-ric-check-digit", "case", {"applicant": _person("370523199001010031")}, INVALID),
    (
        "ric-check-digit-x-as-0",
        "case",
        {"applicant": _person(IDENTITY_NUMBER[:-1] + "0")},
        INVALID,
    ),
    ("ric-check-digit-x", "case", {"applicant": _person(IDENTITY_NUMBER)}, VALID),
    ("masked-ric", "case", {"applicant": _person("3705231990****003X")}, VALID),
    ("wrong-uscc-check", "case", {"applicant": _enterprise(CREDIT_CODE[:-1] + "0")}, INVALID),
    ("right-uscc-check", "case", {"applicant": _enterprise(CREDIT_CODE)}, VALID),
    ("three-decimal-fee", "case", {"fees": [{"name": "工本费", "amount": "10.005"}]}, INVALID),
    ("decided-before-received", "case", _WITHOUT_ACCEPTANCE, INVALID),
    ("negative-zero-fee", "case", {"fees": [{"name": "费", "amount": "-0.00"}]}, INVALID),
    ("lowercase-uscc", "case", {"applicant": _enterprise(CREDIT_CODE.lower())}, INVALID),
    ("uscc-with-space", "case", {"applicant": _enterprise(" " + CREDIT_CODE)}, INVALID),
    ("ric-lowercase-x", "case", {"applicant": _person(IDENTITY_NUMBER.lower())}, INVALID),
    ("ric-with-space", "case", {"applicant": _person(IDENTITY_NUMBER + " ")}, INVALID),
    ("masked-ric-newline", "case", {"applicant": _person("3705231990****003X\n")}, INVALID),
    ("region-newline", "case", {"region": "370500\n"}, INVALID),
    ("case-id-newline", "case", {"id": "C1\n"}, INVALID),
    ("non-ascii-case-id", "case", {"id": "办件1"}, INVALID),
    ("blank-legal-basis", "item", {"legal_basis": [""]}, INVALID),
    ("blank-exclusion", "item", {"legal_limit": {"amount": 20, "excluded": [" "]}}, INVALID),
    (
        "blank-condition",
        "item",
        {"materials": [{"name": "委托书", "requirement": "conditional", "condition": " "}]},
        INVALID,
    ),
    (
        "negative-promised-days",
        "intermediary",
        {"services": [{"name": "测绘", "fee_from": "100", "promised_days": -1}]},
        INVALID,
    ),
    ("byte-order-mark-name", "item", {"name": "\ufeff"}, INVALID),
    ("file-separator-name", "item", {"name": "\x1c"}, INVALID),
    # text safe to show (issue 10, part 6)
    ("nul-in-name", "case", {"applicant": _person(IDENTITY_NUMBER, "张\x00三")}, INVALID),
    ("escape-in-actor", "case", _event(actor="李娜\x1b[2K\r2015-06-01 王五"), INVALID),
    ("newline-in-actor", "case", _event(actor="李娜\n  2015-06-02 10:00 王五"), INVALID),
    ("tab-in-actor", "case", _event(actor="李\t娜"), INVALID),
    ("c1-in-name", "item", {"name": "许可\x9b31m"}, INVALID),
    ("bidi-override-in-name", "item", {"name": "许可\u202e可许"}, INVALID),
    ("bidi-isolate-in-department", "item", {"department": "规划局\u2067"}, INVALID),
    ("line-separator-in-name", "item", {"name": "许可\u2028"}, INVALID),
    ("newline-and-tab-in-reason", "case", {"refusal_reason": "材料不全：\n\t申请表"}, VALID),
    ("escape-in-reason", "case", {"refusal_reason": "材料不全\x1b[8m"}, INVALID),
    ("bidi-in-note", "case", _event(note="备注\u202d"), INVALID),
    (
        "escape-in-decision-reason",
        "case",
        {"decision": {"outcome": "deny", "reason": "\x07"}},
        INVALID,
    ),
    # dates in a plausible window (issue 10, part 7)
    ("year-0000", "case", {"received_at": "0000-06-01T10:00:00+08:00"}, INVALID),
    ("year-1948", "case", {"received_at": "1948-12-31T23:59:59+08:00"}, INVALID),
    (
        "year-1949",
        "case",
        {"received_at": "1949-10-01T10:00:00+08:00", "applicant": _person("372327193411050068")},
        VALID,
    ),
    ("year-2100", "case", {"received_at": "2100-12-31T10:00:00+08:00"}, VALID),
    ("year-2101-event", "case", _event(at="2101-01-01T00:00:00+08:00"), INVALID),
    ("year-9999-due", "case", {"legal_due": "9999-12-31"}, INVALID),
    ("year-0001-due", "case", {"promised_due": "0001-01-01"}, INVALID),
    # birth dates in identity numbers (issue 10, part 7)
    ("born-after-receipt", "case", {"applicant": _person(_ric("37052320150602123"))}, INVALID),
    ("born-on-receipt-day", "case", {"applicant": _person(_ric("37052320150601123"))}, VALID),
]

VERDICT_EXAMPLES = [
    pytest.param(kind, BASE_DOCUMENTS[kind] | changes, verdict, id=name)
    for name, kind, changes, verdict in _VERDICTS
]


def _model_accepts(kind: str, document: dict) -> bool:
    try:
        from_document(KINDS[kind].model, document)
    except InvalidRecordError:
        return False
    return True


@pytest.mark.parametrize(("kind", "document", "verdict"), VERDICT_EXAMPLES)
def test_model_and_both_schema_engines_give_the_stated_verdict(kind, document, verdict):
    verdicts = {
        "model": _model_accepts(kind, document),
        "compiled schema": validator_for(KINDS[kind]).problems(document) == [],
        "compiled fast path": validator_for(KINDS[kind]).is_valid(document),
        "reference schema": reference_problems(KINDS[kind], document) == [],
    }

    assert verdicts == dict.fromkeys(verdicts, verdict)


def test_the_model_refuses_negative_zero_yuan_and_the_schema_its_document():
    record = from_document(Case, BASE_DOCUMENTS["case"])
    with pytest.raises(ValueError, match=r"ChargedFee\.amount must not be negative"):
        attrs.evolve(record, fees=[ChargedFee(name="工本费", amount=Decimal("-0.00"))])
    document = BASE_DOCUMENTS["case"] | {"fees": [{"name": "工本费", "amount": "-0.00"}]}
    problems = validator_for(KINDS["case"]).problems(document)
    assert [problem.pointer for problem in problems] == ["/fees/0/amount"]
    assert "negative" in problems[0].message
