"""An agency's status in the supermarket: suspension (暂停进驻), reinstatement (恢复进驻)
and withdrawal (退出).

Each is a :class:`~govservice.model.StatusChange` appended to the agency's ``history``
(its ``status`` is the last change's), written by one ``store.update`` whose ``change``
(the link the trail chains for the agency, subject ``intermediary/<credit code>``) says
what happened and from what figures::

    {"action": "suspended", "from": "2015-10-01", "until": "2016-03-31",
     "reason": ..., "figures": {...}}
    {"action": "reinstated", "on": "2016-04-01", "suspended_from": ..., "suspended_until": ...,
     "reason": ...}
    {"action": "withdrawn", "on": ..., "reason": ...}

Eligibility reads the dates (:meth:`~govservice.model.Intermediary.status_on`): an agency
suspended until a day is not eligible up to that day and is again the day after, whether
or not the reinstatement has been recorded yet; :func:`reinstate_due` records it (the
quarterly assessment calls it), so the trail says when the agency came back.

The changes of an agency are kept in date order: a change is dated on or after the last
one. A suspension does not overlap one recorded; a withdrawn agency changes no more.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from govservice.errors import AgencyStatusError
from govservice.model import Intermediary, IntermediaryStatus, StatusChange

PAGE = 500

REINSTATED = "暂停期满，恢复进驻"
"""The reason of a reinstatement :func:`reinstate_due` records."""


def suspend(
    service: Any,
    credit_code: str,
    *,
    on: dt.date,
    until: dt.date,
    reason: str,
    figures: Mapping[str, Any] | None = None,
) -> Intermediary:
    """Suspend the agency from ``on`` to ``until`` (both days included).

    :raises AgencyStatusError: the agency is not stored or has withdrawn, ``until`` is
        before ``on``, ``on`` is before its last change, or it is suspended on ``on``
        already.
    """
    store = service.store
    with store.transaction():
        agency, version = _agency(store, credit_code)
        if until < on:
            raise AgencyStatusError(
                f"agency {credit_code}: a suspension from {on} cannot end before it, on "
                f"{until}; nothing was recorded"
            )
        last = _last_change(agency, on, "suspended")
        if (
            last is not None
            and last.status is IntermediaryStatus.SUSPENDED
            and (last.until is None or last.until >= on)
        ):
            ends = f" until {last.until}" if last.until else ""
            raise AgencyStatusError(
                f"agency {credit_code} is suspended from {last.on}{ends} already; "
                "nothing was recorded"
            )
        change = StatusChange(status="suspended", on=on, until=until, reason=reason)
        record = _with_change(agency, change)
        trail = {
            "action": "suspended",
            "from": on.isoformat(),
            "until": until.isoformat(),
            "reason": reason,
            "figures": dict(figures or {}),
        }
        _write(store, record, version, trail)
    return record


def reinstate(service: Any, credit_code: str, *, on: dt.date, reason: str) -> Intermediary:
    """Reinstate the suspended agency from ``on`` (its suspension ended, or was lifted
    early by a decision named in ``reason``).

    :raises AgencyStatusError: the agency is not stored, not suspended (its last change is
        no suspension), or ``on`` is not after the suspension's first day.
    """
    store = service.store
    with store.transaction():
        agency, version = _agency(store, credit_code)
        last = agency.history[-1] if agency.history else None
        if last is None or last.status is not IntermediaryStatus.SUSPENDED:
            raise AgencyStatusError(
                f"agency {credit_code} is not suspended (its status is "
                f"{agency.status.value}); nothing was recorded"
            )
        if on <= last.on:
            raise AgencyStatusError(
                f"agency {credit_code} is suspended from {last.on}; a reinstatement is "
                f"dated after it, not {on}; nothing was recorded"
            )
        record = _with_change(agency, StatusChange(status="active", on=on, reason=reason))
        trail = {
            "action": "reinstated",
            "on": on.isoformat(),
            "suspended_from": last.on.isoformat(),
            "suspended_until": None if last.until is None else last.until.isoformat(),
            "reason": reason,
        }
        _write(store, record, version, trail)
    return record


def withdraw(service: Any, credit_code: str, *, on: dt.date, reason: str) -> Intermediary:
    """Record that the agency leaves the supermarket (退出) from ``on``.

    :raises AgencyStatusError: the agency is not stored, has withdrawn already, or ``on``
        is before its last change.
    """
    store = service.store
    with store.transaction():
        agency, version = _agency(store, credit_code)
        _last_change(agency, on, "withdrawn")
        record = _with_change(agency, StatusChange(status="withdrawn", on=on, reason=reason))
        trail = {"action": "withdrawn", "on": on.isoformat(), "reason": reason}
        _write(store, record, version, trail)
    return record


def reinstate_due(service: Any, on: dt.date) -> list[Intermediary]:
    """Record the reinstatement of every agency whose suspension ended before ``on``,
    each dated the day after its suspension's last day; all or none.

    :return: the agencies reinstated, by credit code.
    """
    store = service.store
    done = []
    with store.transaction():
        for agency in list(_suspended(store)):
            last = agency.history[-1]
            if last.until is not None and last.until < on:
                back = last.until + dt.timedelta(days=1)
                done.append(reinstate(service, agency.credit_code, on=back, reason=REINSTATED))
    return done


def suspension_on(agency: Intermediary, day: dt.date) -> StatusChange | None:
    """The suspension in force on ``day``, if the agency is suspended then."""
    if agency.status_on(day) is not IntermediaryStatus.SUSPENDED:
        return None
    return next(
        (c for c in reversed(agency.history) if c.on <= day and c.status.value == "suspended"),
        None,
    )


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` months later (the month's last day when it is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- helpers --------------------------------------------------------------------------------


def _agency(store: Any, credit_code: str) -> tuple[Intermediary, int]:
    store.lock("intermediary", credit_code)
    stored = store.get("intermediary", credit_code)
    if stored is None:
        raise AgencyStatusError(
            f"no agency with credit code {credit_code} is stored; nothing was recorded"
        )
    return stored.record, stored.version


def _last_change(agency: Intermediary, on: dt.date, what: str) -> StatusChange | None:
    """The agency's last change, once it is checked that one dated ``on`` may follow."""
    last = agency.history[-1] if agency.history else None
    if agency.status is IntermediaryStatus.WITHDRAWN or (
        last is not None and last.status is IntermediaryStatus.WITHDRAWN
    ):
        raise AgencyStatusError(
            f"agency {agency.credit_code} has withdrawn"
            + (f" on {last.on}" if last is not None else "")
            + f"; it cannot be {what}; nothing was recorded"
        )
    if last is not None and on < last.on:
        raise AgencyStatusError(
            f"agency {agency.credit_code}: its last change of status is dated {last.on}; "
            f"a change dated {on} cannot follow it; nothing was recorded"
        )
    return last


def _with_change(agency: Intermediary, change: StatusChange) -> Intermediary:
    history = agency.history
    if not history and agency.registered_on is not None and agency.registered_on <= change.on:
        history = (StatusChange(status="active", on=agency.registered_on, reason="登记进驻"),)
    return attrs.evolve(agency, status=change.status, history=(*history, change))


def _write(store: Any, record: Any, version: int, change: dict[str, Any]) -> None:
    write(store, record, version, change)


def write(store: Any, record: Any, version: int | None, change: dict[str, Any]) -> None:
    """Add (``version`` None) or update ``record``, the trail chaining ``change``."""
    if version is None:
        store.add(record, change=change)
    else:
        store.update(record, version, change=change)


def _suspended(store: Any) -> Iterator[Intermediary]:
    after = None
    while True:
        page = store.list("intermediary", limit=PAGE, after=after)
        for stored in page.records:
            if stored.record.history and stored.record.history[-1].status.value == "suspended":
                yield stored.record
        if page.next_after is None:
            return
        after = page.next_after
