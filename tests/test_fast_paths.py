"""The workflow's fast paths give exactly what the plain ones give.

- :func:`govservice.codec.to_document` (generated hooks, memoized events) against a plain
  cattrs converter set up as the codec's: the same document, keys in the same order;
- :func:`govservice.model._evolve.evolve` against :func:`attrs.evolve`: the same copy, and
  the same error for a change the model refuses;
- :func:`govservice.codec.document_and_texts` and the links of
  :func:`govservice.store.ledger.chain` made from the events' texts against
  :func:`~govservice.store.ledger.canonical` of the documents: the same texts.
"""

from __future__ import annotations

import collections.abc
import datetime as dt
import enum
import json
from decimal import Decimal

import attrs
import cattrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govservice.codec import document_and_texts, to_document
from govservice.kinds import KINDS
from govservice.model import Case, CaseState, Role
from govservice.model._evolve import evolve
from govservice.store.ledger import canonical, chain
from strategies import RECORDS, case_events, moments

_SETTINGS = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}


def _reference() -> cattrs.Converter:
    """cattrs as the codec sets it up, without its generated hooks."""
    converter = cattrs.Converter(
        forbid_extra_keys=True,
        omit_if_default=True,
        unstruct_collection_overrides={collections.abc.Sequence: list},
    )
    converter.register_unstructure_hook(enum.StrEnum, lambda member: member.value)
    converter.register_unstructure_hook(Decimal, lambda value: format(value, "f"))
    converter.register_unstructure_hook(dt.datetime, dt.datetime.isoformat)
    converter.register_unstructure_hook(dt.date, dt.date.isoformat)
    return converter


REFERENCE = _reference()


def _ordered(document: object) -> str:
    """The document as JSON with its keys in their order: equal texts, equal orders."""
    return json.dumps(document, ensure_ascii=False)


@pytest.mark.parametrize("kind", sorted(KINDS))
@settings(max_examples=40, **_SETTINGS)
@given(data=st.data())
def test_documents_are_those_of_plain_cattrs(kind, data):
    record = data.draw(RECORDS[kind], label=kind)
    expected = REFERENCE.unstructure(record)
    assert _ordered(to_document(record)) == _ordered(expected)
    assert _ordered(to_document(record)) == _ordered(expected)  # from the memo, for events


@settings(max_examples=40, **_SETTINGS)
@given(event=case_events())
def test_a_memoized_event_document_is_a_copy(event):
    first = to_document(event)
    first["actor"] = "changed"
    for warning in first.get("warnings", []):
        warning["code"] = "changed"
    assert _ordered(to_document(event)) == _ordered(REFERENCE.unstructure(event))


def _outcome(function, *args, **changes):
    try:
        return "ok", function(*args, **changes)
    except Exception as error:  # compare the refusal, whatever it is
        return type(error).__name__, str(error)


CASE_CHANGES = st.fixed_dictionaries(
    {},
    optional={
        "state": st.sampled_from(list(CaseState)) | st.sampled_from([s.value for s in CaseState]),
        "accepted_at": moments() | st.none(),
        "decided_at": moments() | st.none(),
        "completed_at": moments() | st.none(),
        "promised_due": st.dates() | st.none(),
        "legal_due": st.dates() | st.none(),
        "handler": st.text(max_size=5) | st.none(),
        "tracking_code": st.sampled_from(["K7QF3M9TXW2P", "bad code", None]),
        "item_version": st.integers(-1, 3),
        "department": st.sampled_from(["", " ", "东营市行政审批服务局", "a\x1bb"]),
        "attributes": st.sampled_from([{}, {"permit": "x"}, {"Bad Key": "x"}, {"k": 1}]),
        "materials": st.just([]),
    },
)


@settings(max_examples=200, **_SETTINGS)
@given(case=RECORDS["case"], changes=CASE_CHANGES)
def test_evolve_is_attrs_evolve(case, changes):
    assert _outcome(evolve, case, **changes) == _outcome(attrs.evolve, case, **changes)


@settings(max_examples=100, **_SETTINGS)
@given(event=case_events(), at=moments(), actor=st.sampled_from(["王敏", "", "a\nb"]))
def test_evolve_of_an_event_is_attrs_evolve(event, at, actor):
    for changes in ({"at": at}, {"actor": actor}, {"role": "applicant"}, {"role": "nobody"}):
        assert _outcome(evolve, event, **changes) == _outcome(attrs.evolve, event, **changes)


@pytest.mark.parametrize("kind", sorted(KINDS))
@settings(max_examples=30, **_SETTINGS)
@given(data=st.data())
def test_evolve_without_a_real_change_is_equal(kind, data):
    record = data.draw(RECORDS[kind], label=kind)
    first = attrs.fields(type(record))[0].name
    copy = evolve(record, **{first: getattr(record, first)})
    assert copy == record
    assert copy is not record


def test_evolve_refuses_an_unknown_field_as_attrs_does():
    case = _a_case()
    assert _outcome(evolve, case, nonsense=1) == _outcome(attrs.evolve, case, nonsense=1)


def test_evolve_checks_what_depends_on_other_fields():
    """Changing the state re-checks the evaluation (a field not changed)."""
    from govservice.model import Evaluation, Grade

    completed = attrs.evolve(_a_case(), state=CaseState.COMPLETED)
    evaluated = attrs.evolve(
        completed, evaluation=Evaluation(grade=Grade.SATISFIED, at=completed.received_at)
    )
    with pytest.raises(ValueError, match="only a completed case is evaluated"):
        evolve(evaluated, state=CaseState.IN_REVIEW)


def test_evolve_runs_the_class_checks():
    case = _a_case()
    with pytest.raises(ValueError, match=r"before Case\.received_at"):
        evolve(case, accepted_at=case.received_at - dt.timedelta(seconds=1))


def test_evolve_converts_a_changed_value():
    copy = evolve(_a_case(), state="accepted", materials=[])
    assert copy.state is CaseState.ACCEPTED
    assert copy.materials == ()
    assert evolve(copy, state=CaseState.IN_REVIEW).state is CaseState.IN_REVIEW
    assert Role("agent") is Role.AGENT


def _a_case() -> Case:
    from govservice.samples import make_item, person

    item = make_item()
    return Case(
        id="WF00000001",
        item_code=item.code,
        region=item.region,
        department=item.department,
        applicant=person(1),
        received_at=dt.datetime(2015, 3, 2, 9, tzinfo=dt.timezone(dt.timedelta(hours=8))),
    )


@pytest.mark.parametrize("kind", sorted(KINDS))
@settings(max_examples=40, **_SETTINGS)
@given(data=st.data())
def test_the_text_of_a_document_is_its_canonical_json(kind, data):
    record = data.draw(RECORDS[kind], label=kind)
    for _ in range(2):  # the second time from the events' texts made already
        document, text, texts = document_and_texts(record)
        assert _ordered(document) == _ordered(to_document(record))
        assert text == canonical(document)
        assert texts == [canonical(event) for event in document.get("events", [])]


def test_a_case_holding_the_text_put_in_place_of_its_events_is_encoded_all_the_same():
    """``document_and_texts`` encodes a case with a mark in place of its events; a case
    whose own text holds the mark is encoded the other way, to the same canonical JSON."""
    from govservice.codec import _EVENTS_MARK
    from govservice.model import CaseEvent

    at = dt.datetime(2015, 3, 2, 9, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    event = CaseEvent(at=at, actor="王敏", role="applicant", action="apply", to_state="submitted")
    plain = attrs.evolve(_a_case(), events=(event,))
    holding = attrs.evolve(plain, attributes={"note": _EVENTS_MARK, "zz": _EVENTS_MARK})
    for case in (plain, holding, attrs.evolve(plain, attributes={"note": _EVENTS_MARK})):
        _, text, texts = document_and_texts(case)
        assert text == canonical(to_document(case))
        assert texts == [canonical(to_document(event))]


@settings(max_examples=60, **_SETTINGS)
@given(
    case=RECORDS["case"],
    seq=st.integers(0, 10**12),
    record=st.sampled_from([None, "ab" * 32]),
    case_id=st.sampled_from(["DY2015-00000001", 'a"b\\c', "办件"]),
)
def test_links_made_from_the_events_texts_are_those_made_from_the_events(
    case, seq, record, case_id
):
    document, _, texts = document_and_texts(case)
    events = document.get("events", [])
    head = (seq, "0" * 64)
    assert chain(head, case_id, events, record=record, texts=texts) == chain(
        head, case_id, events, record=record
    )
