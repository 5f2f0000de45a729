"""The indexed columns stored beside each JSON document, taken from the document itself.

One function per kind, shared by every SQL backend and by bulk import, so that a record
stored one way or the other has the same columns.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from govservice.clock import SHANGHAI
from govservice.formats import parse_date_time, without_leap_second
from govservice.model import CaseState

_CLOSED = frozenset(state.value for state in CaseState if state.is_closed)
FAR_FUTURE = "9999-12-31"


def queue_key(document: dict[str, Any]) -> str:
    """The work-queue order of a case as one sortable text: green channel first, then the
    earliest promised due date, then id."""
    priority = "0" if document.get("green_channel") else "1"
    return f"{priority}|{document.get('promised_due') or FAR_FUTURE}|{document['id']}"


def local_date(timestamp: str | None) -> str | None:
    """The Asia/Shanghai date of an RFC 3339 time, as YYYY-MM-DD."""
    if timestamp is None:
        return None
    if len(timestamp) == 25 and timestamp.endswith("+08:00"):  # 2015-03-02T09:30:00+08:00
        return timestamp[:10]  # the usual form, already a Shanghai time: its own date
    return parse_date_time(timestamp).astimezone(SHANGHAI).date().isoformat()


def case_row(document: dict[str, Any]) -> tuple:
    """``id, state, open, region, department, station_code, handler, item_code,
    item_version, green_channel, received_at, promised_due, legal_due, queue_key,
    tracking_code, project_id, completed_on, rectification_due``."""
    state = document.get("state", "submitted")
    rectification = document.get("rectification")
    return (
        document["id"],
        state,
        state not in _CLOSED,
        document["region"],
        document["department"],
        document.get("station_code"),
        document.get("handler"),
        document["item_code"],
        document.get("item_version", 1),
        bool(document.get("green_channel", False)),
        without_leap_second(document["received_at"]),
        document.get("promised_due"),
        document.get("legal_due"),
        queue_key(document),
        document.get("tracking_code"),
        document.get("project_id"),
        local_date(document.get("completed_at")),
        rectification["due"]
        if rectification is not None and "closed_at" not in rectification
        else None,
    )


def case_row_of(case: Any) -> tuple:
    """:func:`case_row` of the document of ``case`` (a :class:`~govservice.model.Case`),
    made from the fields the columns are taken from without making the whole document."""
    rectification = case.rectification
    due = None
    if rectification is not None and rectification.closed_at is None:
        due = {"due": _date_text(rectification.due)}
    return case_row(
        {
            "id": case.id,
            "state": case.state.value,
            "region": case.region,
            "department": case.department,
            "station_code": case.station_code,
            "handler": case.handler,
            "item_code": case.item_code,
            "item_version": case.item_version,
            "green_channel": case.green_channel,
            "received_at": _time_text(case.received_at),
            "promised_due": _date_text(case.promised_due),
            "legal_due": _date_text(case.legal_due),
            "tracking_code": case.tracking_code,
            "project_id": case.project_id,
            "completed_at": _time_text(case.completed_at),
            "rectification": due,
        }
    )


def _date_text(day: dt.date | None) -> str | None:
    return None if day is None else dt.date.isoformat(day)


def _time_text(moment: dt.datetime | None) -> str | None:
    return None if moment is None else dt.datetime.isoformat(moment)


CASE_COLUMNS = (
    "id, state, open, region, department, station_code, handler, item_code, item_version, "
    "green_channel, received_at, promised_due, legal_due, queue_key, tracking_code, "
    "project_id, completed_on, rectification_due"
)


def item_row(document: dict[str, Any]) -> tuple:
    """``code, version, region, department, status``."""
    return (
        document["code"],
        document.get("version", 1),
        document["region"],
        document["department"],
        document.get("status", "in_service"),
    )


ITEM_COLUMNS = "code, version, region, department, status"


def station_row(document: dict[str, Any]) -> tuple:
    """``code, region, level, parent_code``."""
    return (document["code"], document["region"], document["level"], document.get("parent_code"))


def intermediary_row(document: dict[str, Any]) -> tuple:
    """``credit_code, region, status``."""
    return (document["credit_code"], document["region"], document.get("status", "active"))


def entry_row(document: dict[str, Any]) -> tuple:
    """``id, region, subject_number, valid_from, valid_until``."""
    return (
        document["id"],
        document["source"]["region"],
        document["subject"]["identifier"]["number"],
        document["valid_from"],
        document.get("valid_until"),
    )


def project_row(document: dict[str, Any]) -> tuple:
    """``id, region, state``."""
    return (document["id"], document["region"], document.get("state", "open"))


TABLES: dict[str, tuple[str, str, str, Any]] = {
    # kind: (table, key column, other columns, row function)
    "case": ("cases", "id", CASE_COLUMNS, case_row),
    "station": ("stations", "code", "code, region, level, parent_code", station_row),
    "intermediary": (
        "intermediaries",
        "credit_code",
        "credit_code, region, status",
        intermediary_row,
    ),
    "blacklist-entry": (
        "blacklist_entries",
        "id",
        "id, region, subject_number, valid_from, valid_until",
        entry_row,
    ),
    "project": ("projects", "id", "id, region, state", project_row),
}


def columns_of(kind: str) -> Callable[[dict[str, Any]], tuple]:
    """The function that makes the columns of a record of ``kind`` from its document."""
    return item_row if kind == "item" else TABLES[kind][3]


def import_row(kind: str, document: dict[str, Any], text: str) -> tuple:
    """The row a bulk import writes for ``document`` (its columns, then its JSON text)."""
    return (*columns_of(kind)(document), text)
