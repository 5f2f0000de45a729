"""The stations' records on the trail: evaluations, training sessions, staff records and
discipline records.

What decides a station's standing and its subsidy (以奖代补) and a person's quarterly
assessment is kept in tables of their own, written once and never changed: the
evaluations of stations (``station_evaluations``), the training sessions with who attended
(``training_sessions``, ``training_attendance``), the quarterly records of the staff
(``staff_records``) and the breaches of discipline that take points off a person's
assessment (``discipline_records``, keyed by the number the store gives each when it is
written, never one given before: a person may breach twice in a day). Every record
written is also a link of the trail, in the same transaction::

    {"seq": n, "case_id": "<kind>/<key>", "recorded": {"kind": <kind>, "key": <key>,
     "sha256": <SHA-256 of the record's canonical JSON>}}

So a record changed, deleted or slipped in behind the library's back (one SQL ``UPDATE``
raising a station's score, a row of attendance added) no longer agrees with the trail, and
``govservice audit verify`` (:mod:`govservice.audit`) reports the break: each stored record
is the one its link chained, its columns (and a session's attendance rows) are its
document's, it has a link, and every linked record is still stored. Schema 12 chained the
evaluations, sessions and staff records written before, schema 13 the discipline records
(:mod:`govservice.store.migrations.steps`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from govservice.errors import DuplicateRecordError
from govservice.store.ledger import canonical, record_digest

__all__ = [
    "RECORDED",
    "append_recorded",
    "columns_of",
    "key_of",
    "recorded_link",
    "recorded_problem",
    "recorded_subject",
    "staff_record_key",
]

RECORDED = "recorded"
"""The key of a link of a station's record: ``{"kind", "key", "sha256"}``."""

EVALUATION, SESSION, STAFF = "station-evaluation", "training-session", "staff-record"
DISCIPLINE = "discipline-record"
"""The kinds of records this module puts on the trail."""


def staff_record_key(year: int, quarter: int, station_code: str, name: str) -> str:
    """The key of a staff record: ``2015-Q3/<station code>/<name>``."""
    return f"{year}-Q{quarter}/{station_code}/{name}"


def key_of(kind: str, document: Mapping[str, Any]) -> str:
    """The key of the record of ``kind`` whose document is ``document`` (not of a
    discipline record: its key is its row's, given by the store)."""
    if kind == STAFF:
        return staff_record_key(
            document["year"], document["quarter"], document["station_code"], document["name"]
        )
    return str(document["id"])


def recorded_subject(kind: str, key: str) -> str:
    """What the trail names as the subject of the record (no case id holds a slash)."""
    return f"{kind}/{key}"


def recorded_link(
    kind: str, document: Mapping[str, Any], key: str | None = None
) -> dict[str, str]:
    """What the link of a record written holds under :data:`RECORDED` (``key``: the
    record's, when its document does not say it)."""
    return {
        "kind": kind,
        "key": key_of(kind, document) if key is None else key,
        "sha256": record_digest(canonical(document)),
    }


def append_recorded(
    store: Any,
    kind: str,
    documents: Iterable[Mapping[str, Any]],
    keys: Iterable[str] | None = None,
) -> None:
    """Chain a link of each record of ``kind`` written (one subject a record) on
    ``store``'s trail, in the caller's transaction (``store._append_ledger``: the memory
    store's and the SQL stores'); ``keys``, the records' keys, when their documents do
    not say them (discipline records).

    :raises DuplicateRecordError: a record of that key was chained before: it is written
        once, and one gone from the store (deleted behind the library's back) is not
        written again over its link, which would hide the deletion from the audit.
    """
    documents = list(documents)
    given = [None] * len(documents) if keys is None else list(keys)
    for document, key in zip(documents, given, strict=True):
        link = recorded_link(kind, document, key)
        name = recorded_subject(kind, link["key"])
        if store.case_ledger(name):
            raise DuplicateRecordError(
                f"{kind} {link['key']} was written before: the trail holds its link, and "
                "a record is written once (one gone from the store was deleted behind the "
                "library's back: run `govservice audit verify`)"
            )
        store._append_ledger(name, [link], key=RECORDED)


def columns_of(kind: str, document: Mapping[str, Any]) -> dict[str, Any]:
    """The columns a stored record's row holds beside its document, as its document says
    they are (a training session's ``attendance``: its ``(station code, name)`` pairs,
    sorted)."""
    if kind == EVALUATION:
        return {
            "station_code": document["station_code"],
            "standard": document["standard"],
            "on_date": document["on"],
        }
    if kind == DISCIPLINE:
        return {
            "station_code": document["station_code"],
            "name": document["name"],
            "recorded_on": document["on"],
        }
    if kind == SESSION:
        return {
            "held_on": document["on"],
            "attendance": sorted(
                (entry["station_code"], entry["name"]) for entry in document.get("attendance", ())
            ),
        }
    return {
        "year": document["year"],
        "quarter": document["quarter"],
        "station_code": document["station_code"],
        "name": document["name"],
    }


def recorded_problem(
    kind: str, text: str, columns: Mapping[str, Any], linked: str | None
) -> str | None:
    """What is wrong with a stored record (its JSON ``text`` and its row's ``columns``)
    against the SHA-256 its link holds (``linked``; None: no link), or None. An empty
    ``text``: rows of a record whose own row is gone (a session's attendance)."""
    if not text:
        if kind == SESSION:
            return f"the {kind} record is gone, but rows of it are left (its attendance)"
        return f"the {kind} record's row holds no document"
    if linked is None:
        return f"the {kind} record has no link in the trail (stored behind the library's back)"
    try:
        document = json.loads(text)
        derived = columns_of(kind, document)
    except (ValueError, KeyError, TypeError) as error:
        return f"the {kind} record cannot be read: {error}"
    except RecursionError:  # a document nested deeper than any record is
        return f"the {kind} record cannot be read: nested too deeply"
    if record_digest(canonical(document)) != linked:
        return f"the {kind} record was changed after it was chained"
    for column, value in derived.items():
        stored = columns.get(column)
        if column == "attendance":
            stored = sorted(tuple(pair) for pair in stored or ())
        if stored != value:
            return f"the {kind} record's {column} says {stored!r}, its document {value!r}"
    return None
