"""The model and the schemas agree: every valid record survives the trip to a document.

For each record kind, a record drawn from :mod:`strategies` becomes a plain JSON document
that both schema engines accept and that turns back into the same record.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import RECORDS

from govservice.codec import from_document, to_document
from govservice.kinds import KINDS
from govservice.validation import reference_problems, validator_for

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
@settings(max_examples=8, **_SETTINGS)
@given(data=st.data())
def test_reference_engine_accepts_every_valid_document(kind, data):
    document = to_document(data.draw(RECORDS[kind], label=kind))

    assert reference_problems(KINDS[kind], document) == []
