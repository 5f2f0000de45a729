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
    made from the fields the columns are taken from without making the whole document
    (nor the dictionary :func:`case_row` reads: a case's columns are made at every write),
    column by column as :func:`case_row` takes them."""
    state = case.state.value
    promised_due = _date_text(case.promised_due)
    rectification = case.rectification
    return (
        case.id,
        state,
        state not in _CLOSED,
        case.region,
        case.department,
        case.station_code,
        case.handler,
        case.item_code,
        case.item_version,
        bool(case.green_channel),
        without_leap_second(_time_text(case.received_at)),
        promised_due,
        _date_text(case.legal_due),
        f"{'0' if case.green_channel else '1'}|{promised_due or FAR_FUTURE}|{case.id}",
        case.tracking_code,
        case.project_id,
        local_date(_time_text(case.completed_at)),
        _date_text(rectification.due)
        if rectification is not None and rectification.closed_at is None
        else None,
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


ENTRY_COLUMNS = (
    "id, region, subject_kind, subject_number, organisation_code, normalised_name, "
    "subject_region, source_kind, source_record_id, penalty_from, penalty_until, "
    "publish_from, publish_until, revoked_on"
)


def entry_row(document: dict[str, Any]) -> tuple:
    """``id, region, subject_kind, subject_number, organisation_code, normalised_name,
    subject_region, source_kind, source_record_id, penalty_from, penalty_until,
    publish_from, publish_until, revoked_on`` of a blacklist entry.

    ``region`` is the source's (the list's); ``organisation_code`` the subject's
    organisation code, given or the one its credit code embeds (characters 9 to 17);
    ``normalised_name`` :func:`govservice.blacklists.names.normalise` of its name (made
    without its cache: a list's names are each written once);
    ``subject_region`` the entry's, else the region a credit code embeds (characters 3
    to 8)."""
    from govservice.blacklists.names import normalise_uncached as normalise

    subject, source = document["subject"], document["source"]
    kind, number = subject["identifier"]["kind"], subject["identifier"]["number"]
    organisation_code = subject_region = None
    if kind == "org_code":
        organisation_code = number
    elif kind == "uscc":
        organisation_code, subject_region = number[8:17], number[2:8]
    revocation = document.get("revocation")
    return (
        document["id"],
        source["region"],
        kind,
        number,
        organisation_code,
        normalise(subject["name"]),
        document.get("subject_region") or subject_region,
        source["kind"],
        source.get("record_id"),
        document["penalty_from"],
        document.get("penalty_until"),
        document.get("publish_from"),
        document.get("publish_until"),
        revocation["on"] if revocation is not None else None,
    )


def project_row(document: dict[str, Any]) -> tuple:
    """``id, region, state``."""
    return (document["id"], document["region"], document.get("state", "open"))


def intermediary_service_row(document: dict[str, Any]) -> tuple:
    """``code, region, status`` (the status given by the last change of its history)."""
    return (document["code"], document["region"], document["history"][-1]["status"])


def need_row(document: dict[str, Any]) -> tuple:
    """``id, region, service_code``."""
    return (document["id"], document["region"], document["service_code"])


def selection_row(document: dict[str, Any]) -> tuple:
    """``id, region, need_id, result``."""
    return (document["id"], document["region"], document["need_id"], document["result"])


def engagement_row(document: dict[str, Any]) -> tuple:
    """``id, region, credit_code, need_id, selection_id``."""
    return (
        document["id"],
        document["region"],
        document["credit_code"],
        document["need_id"],
        document["selection_id"],
    )


def agency_quarter_row(document: dict[str, Any]) -> tuple:
    """``key, region, credit_code, period``: the key ``{credit_code}-{year}-Q{quarter}``,
    the period ``2015Q1``."""
    year, quarter = document["year"], document["quarter"]
    return (
        f"{document['credit_code']}-{year}-Q{quarter}",
        document["region"],
        document["credit_code"],
        f"{year}Q{quarter}",
    )


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
    "blacklist-entry": ("blacklist_entries", "id", ENTRY_COLUMNS, entry_row),
    "project": ("projects", "id", "id, region, state", project_row),
    # the intermediary supermarket (issue 14)
    "intermediary-service": (
        "intermediary_services",
        "code",
        "code, region, status",
        intermediary_service_row,
    ),
    "need": ("needs", "id", "id, region, service_code", need_row),
    "selection": ("selections", "id", "id, region, need_id, result", selection_row),
    "engagement": (
        "engagements",
        "id",
        "id, region, credit_code, need_id, selection_id",
        engagement_row,
    ),
    "agency-quarter": (
        "agency_quarters",
        "key",
        "key, region, credit_code, period",
        agency_quarter_row,
    ),
}


def columns_of(kind: str) -> Callable[[dict[str, Any]], tuple]:
    """The function that makes the columns of a record of ``kind`` from its document."""
    return item_row if kind == "item" else TABLES[kind][3]


def import_row(kind: str, document: dict[str, Any], text: str) -> tuple:
    """The row a bulk import writes for ``document`` (its columns, then its JSON text)."""
    return (*columns_of(kind)(document), text)
