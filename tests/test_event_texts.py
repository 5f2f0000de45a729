"""The canonical texts of cases and their events, written directly
(:func:`govservice.codec._text_function`, :func:`govservice.codec.case_texts`), are those the
canonical encoder gives for their documents (the trail hashes them), and the columns made from a
case (:func:`govservice.store.columns.case_row_of`) those made from its document."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govservice.codec import _text_function, case_texts, document_and_texts, to_document
from govservice.model import (
    Case,
    CaseEvent,
    CaseState,
    ChargedFee,
    Decision,
    Evaluation,
    Grade,
    Outcome,
    RecordedFinding,
    Rectification,
    Role,
    SubmittedMaterial,
)
from govservice.samples import person
from govservice.store.columns import case_row, case_row_of
from govservice.store.ledger import canonical

WRITE = _text_function(CaseEvent)

texts = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Cf")), min_size=1, max_size=12
).filter(lambda text: text.strip() == text and text.strip())
"""Names and notes the model takes: quotes, backslashes, Chinese, emoji and the rest."""

times = st.builds(
    lambda moment, minutes: moment.replace(tzinfo=dt.timezone(dt.timedelta(minutes=minutes))),
    st.datetimes(min_value=dt.datetime(1950, 1, 1), max_value=dt.datetime(2099, 12, 31)),
    st.integers(min_value=-12 * 60, max_value=14 * 60),
)

findings = st.builds(RecordedFinding, code=texts, message=texts, plugin=st.none() | texts)

events = st.builds(
    CaseEvent,
    at=times,
    actor=texts,
    role=st.sampled_from(Role),
    action=texts,
    from_state=st.none() | st.sampled_from(CaseState),
    to_state=st.sampled_from(CaseState),
    note=st.none() | texts,
    on_behalf_of=st.none() | texts,
    warnings=st.lists(findings, max_size=3).map(tuple),
    refusal=st.none() | texts,
    recorded_at=st.none() | times,
)


CASE = Case(
    id="DY2015-00000001",
    item_code="11370500004275432Y-XK-0001",
    region="370500",
    department="东营市行政审批服务局",
    applicant=person(1),
    received_at=dt.datetime(2015, 3, 2, 9, tzinfo=dt.timezone(dt.timedelta(hours=8))),
)


def test_an_event_is_written_directly():
    assert WRITE is not None  # every field of an event is of a type written directly


@settings(max_examples=400, deadline=None)
@given(events)
def test_the_text_written_is_the_canonical_json_of_the_document(event):
    assert WRITE(event) == canonical(to_document(event))


@settings(max_examples=100, deadline=None)
@given(st.lists(events, min_size=1, max_size=4))
def test_a_case_text_holds_its_events_texts(found):
    found = sorted(found, key=lambda event: event.at)
    case = Case(
        id="DY2015-00000001",
        item_code="11370500004275432Y-XK-0001",
        region="370500",
        department="东营市行政审批服务局",
        applicant=person(1),
        received_at=dt.datetime(2015, 3, 2, 9, tzinfo=dt.timezone(dt.timedelta(hours=8))),
        events=tuple(found),
    )
    document = to_document(case)
    for events_too in (True, False):
        made, text, event_texts = document_and_texts(case, events=events_too)
        assert text == canonical(document)
        assert event_texts == [canonical(event) for event in document["events"]]
        expected = document if events_too else {k: v for k, v in document.items() if k != "events"}
        assert made == expected


attribute_keys = st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True)
fees = st.builds(
    ChargedFee,
    name=texts,
    amount=st.decimals(min_value=0, max_value=10**6, places=2),
    exemption=st.none() | texts,
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(events, max_size=3),
    st.dictionaries(attribute_keys, texts, max_size=3),
    st.lists(fees, max_size=2).map(tuple),
    st.booleans(),
    st.integers(min_value=1, max_value=10**6),
    st.none() | st.builds(Decision, outcome=st.sampled_from(Outcome), reason=st.none() | texts),
    st.none() | texts,
)
def test_the_text_of_a_case_is_the_canonical_json_of_its_document(
    found, attributes, charged, green, version, decision, handler
):
    case = Case(
        id="DY2015-00000001",
        item_code="11370500004275432Y-XK-0001",
        item_version=version,
        region="370500",
        department="东营市行政审批服务局",
        applicant=person(1),
        received_at=dt.datetime(2015, 3, 2, 9, tzinfo=dt.timezone(dt.timedelta(hours=8))),
        events=tuple(sorted(found, key=lambda event: event.at)),
        attributes=attributes,
        fees=charged,
        green_channel=green,
        decision=decision,
        handler=handler,
        materials=(SubmittedMaterial(name="申请书", originals=1),),
    )
    document = to_document(case)
    assert document_and_texts(case)[1] == canonical(document)
    assert case_texts(case) == (
        canonical(document),
        [canonical(e) for e in document.get("events", [])],
    )
    assert case_row_of(case) == case_row(document)


@pytest.mark.parametrize("closed", [False, True])
def test_the_columns_of_a_case_are_those_of_its_document(closed):
    shanghai = dt.timezone(dt.timedelta(hours=8))
    opened = dt.datetime(2015, 3, 20, 10, tzinfo=shanghai)
    case = attrs.evolve(
        CASE,
        state=CaseState.COMPLETED,
        station_code="370502001",
        handler="王敏",
        green_channel=True,
        accepted_at=dt.datetime(2015, 3, 2, 10, tzinfo=shanghai),
        completed_at=dt.datetime(2015, 3, 5, 17, tzinfo=dt.UTC),  # 3月6日 01:00 in Shanghai
        promised_due=dt.date(2015, 3, 9),
        legal_due=dt.date(2015, 3, 30),
        tracking_code="K7QF3M9TXW2P",
        project_id="XM2015-001",
        evaluation=Evaluation(grade=Grade.DISSATISFIED, at=opened),
        rectification=Rectification(
            opened_at=opened,
            due=dt.date(2015, 4, 10),
            closed_at=opened + dt.timedelta(days=3) if closed else None,
        ),
        attributes={"b_key": "乙", "a_key": '"引号"\\'},
    )
    document = to_document(case)
    assert case_row_of(case) == case_row(document)
    assert case_texts(case)[0] == canonical(document)
    assert case_row_of(case)[16] == "2015-03-06"
    assert case_row_of(case)[17] == (None if closed else "2015-04-10")


def test_a_value_not_of_its_declared_type_is_written_as_the_encoder_writes_it():
    event = CaseEvent(
        at=dt.datetime(2015, 3, 2, 9, tzinfo=dt.timezone(dt.timedelta(hours=8))),
        actor="王敏",
        role=Role.WINDOW_CLERK,
        action="accept",
        to_state=CaseState.ACCEPTED,
    )
    for field, value in (("actor", 5), ("note", 1.5), ("on_behalf_of", 7)):
        odd = attrs.evolve(event)
        object.__setattr__(odd, field, value)  # past the model's checks
        assert document_and_texts(attrs.evolve(CASE, events=(odd,)))[2] == [
            canonical(to_document(odd))
        ], field
