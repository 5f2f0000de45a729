"""A leap second (23:59:60 UTC) is valid RFC 3339, and JSON Schema's ``date-time`` takes
it: every engine agrees, and a record holding one is read, stored and imported (Python's
datetime has no second 60: it is read as 23:59:59 UTC)."""

from __future__ import annotations

import datetime as dt
import json

import jsonschema_rs
import pytest

from govservice.codec import from_document, to_document
from govservice.formats import is_date_time, parse_date_time
from govservice.importing import import_file
from govservice.kinds import KINDS
from govservice.model import Case
from govservice.samples import make_case
from govservice.store.columns import local_date
from govservice.store.sqlite import SqliteStore
from govservice.validation import validator_for

TIMES = [
    "2016-12-31T23:59:60Z",
    "2016-12-31t23:59:60z",
    "2017-01-01T07:59:60+08:00",
    "2016-12-31T22:59:60-01:00",
    "2016-12-31T23:59:60.5Z",
    "2016-06-15T12:00:60Z",  # not at the end of a UTC day
    "2017-01-01T00:59:60+08:00",
    "2016-12-31T23:58:60Z",
    "2016-12-31T23:59:61Z",
    "2016-12-31T23:59:59Z",
]


@pytest.mark.parametrize("value", TIMES)
def test_every_engine_gives_the_same_verdict(value):
    compiled = jsonschema_rs.validator_for(
        {"type": "string", "format": "date-time"}, validate_formats=True
    )
    assert is_date_time(value) == compiled.is_valid(value)


@pytest.mark.parametrize("value", [t for t in TIMES if is_date_time(t)])
def test_a_leap_second_is_read_as_the_second_before(value):
    moment = parse_date_time(value)
    assert moment.astimezone(dt.UTC).replace(microsecond=0) == dt.datetime(
        2016, 12, 31, 23, 59, 59, tzinfo=dt.UTC
    )
    assert local_date(value) == "2017-01-01"


def test_a_case_with_a_leap_second_is_valid_imported_and_read(tmp_path):
    document = to_document(make_case(id="LEAP-1", state="completed"))
    document["completed_at"] = "2017-01-01T07:59:60+08:00"
    document["decided_at"] = "2016-12-31T23:59:60Z"
    document["received_at"] = document["accepted_at"] = "2016-12-30T09:00:00+08:00"
    assert validator_for(KINDS["case"]).problems(document) == []
    case = from_document(Case, document)
    assert case.completed_at == dt.datetime(2016, 12, 31, 23, 59, 59, tzinfo=dt.UTC)

    path = tmp_path / "cases.jsonl"
    path.write_text(json.dumps(document, ensure_ascii=False) + "\n", encoding="utf-8")
    store = SqliteStore(tmp_path / "govservice.db")
    report = import_file(store, "case", path, workers=1)
    assert (report.inserted, report.invalid) == (1, [])
    assert store.get("case", "LEAP-1").record == case
    store.close()
