"""Who may be selected for a need (资格): the agencies that, on the day, offer the service,
hold a valid qualification for it, are active and are not blacklisted.

The rules are those of the model (:meth:`govservice.model.Intermediary.status_on`,
:meth:`govservice.model.Qualification.valid_on`, a registration on or before the day),
read here straight from the stored JSON documents: building 300 model instances costs
more than the whole of a selection may (≤ 5 ms among 300 candidates of 10,000 agencies),
and :func:`judge_agency` applies the same function to a model, so that the two readings
cannot part (the property tests compare them with the model's methods).

Whether a candidate is blacklisted is the blacklists' screening's to say
(:meth:`govservice.intermediaries.selection.Selections.screen`, every source in force).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, NamedTuple

from govservice.codec import to_document

_REGISTERED = "active"


class Candidate(NamedTuple):
    """An eligible agency as a selection strategy sees it: what strategies rank by.

    (A named tuple: a selection makes hundreds of them, each in a fraction of what an
    attrs instance costs; ``candidate._replace(score=…)`` gives a changed copy.)"""

    credit_code: str
    """The agency's unified social credit code (统一社会信用代码)."""
    name: str
    """The agency's name."""
    presence: str
    """``physical`` (有形进驻) or ``virtual`` (虚拟进驻)."""
    fee_from: Decimal | None = None
    """The published fee of its offer of the service (the lower end of a range); None
    when the regime publishes no amount (市场调节价，双方协商 …)."""
    fee_to: Decimal | None = None
    """The upper end of its published range, if it publishes one."""
    score: Decimal | None = None
    """The score of its latest assessed quarter (考核) before the day; filled only for a
    strategy that asks for scores (``uses_scores``), None otherwise or when never
    assessed."""
    quarter: str | None = None
    """The quarter of ``score``, e.g. ``2015Q3``."""


def offer_of(document: Mapping[str, Any], service_code: str) -> Mapping[str, Any] | None:
    """The agency document's offer of ``service_code``, if it makes one."""
    for offer in document.get("services", ()):
        if offer.get("service_code") == service_code:
            return offer
    return None


def status_on(document: Mapping[str, Any], day: str) -> tuple[str, Mapping[str, Any] | None]:
    """The agency's status on ``day`` (an ISO date) and the change of its history that
    gives it, as :meth:`govservice.model.Intermediary.status_on` reads them: the last
    change on or before the day, a suspension over after its ``until``; ``status`` when
    no change is recorded."""
    history = document.get("history") or ()
    current = None
    for change in history:
        if change["on"] <= day:
            current = change
    if current is None:
        return (document.get("status", _REGISTERED) if not history else _REGISTERED), None
    status = current["status"]
    until = current.get("until")
    if status == "suspended" and until is not None and day > until:
        return _REGISTERED, current
    return status, current


def judge(document: Mapping[str, Any], service_code: str, day: str) -> str | None:
    """Why the agency of ``document`` may not be selected for ``service_code`` on ``day``
    (an ISO date, ``YYYY-MM-DD``), in Chinese; None when it may (blacklists aside).

    In order: it offers the service; it was registered on or before the day (its
    ``registered_on`` and the first change of its history); its status on the day
    (the last change on or before it; a suspension over after its ``until``) is active;
    a qualification naming the service is in force (no expiry, or expiring on or after
    the day)."""
    if offer_of(document, service_code) is None:
        return "未提供该项中介服务"
    history = document.get("history") or ()
    registered_on = document.get("registered_on")
    if registered_on is not None and registered_on > day:
        return f"{registered_on}方登记入驻"
    if history and history[0]["on"] > day:
        return f"{history[0]['on']}方登记入驻"
    status, current = status_on(document, day)
    until = None if current is None else current.get("until")
    if status == "suspended":
        since = f"自{current['on']}" if current is not None else ""
        return f"{since}暂停选取" + (f"至{until}" if until else "")
    if status == "withdrawn":
        return f"已于{current['on']}退出" if current is not None else "已退出"
    covering = [
        q for q in document.get("qualifications", ()) if service_code in q.get("services", ())
    ]
    if not covering:
        return "无该项服务的资质"
    expiries = [q.get("expires_on") for q in covering]
    if any(expiry is None or expiry >= day for expiry in expiries):
        return None
    return f"资质已于{max(expiries)}过期"  # type: ignore[type-var]


def judge_agency(agency: Any, service_code: str, day: dt.date) -> str | None:
    """:func:`judge` of a :class:`~govservice.model.Intermediary`."""
    return judge(to_document(agency), service_code, day.isoformat())


def candidate_of(document: Mapping[str, Any], service_code: str) -> Candidate:
    """The :class:`Candidate` of an eligible agency's document."""
    offer = offer_of(document, service_code) or {}
    fee_from = offer.get("fee_from")
    fee_to = offer.get("fee_to")
    return Candidate(
        credit_code=document["credit_code"],
        name=document["name"],
        presence=document["presence"],
        fee_from=None if fee_from is None else Decimal(fee_from),
        fee_to=None if fee_to is None else Decimal(fee_to),
    )
