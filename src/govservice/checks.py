"""Cross-field checks on documents that JSON Schema cannot express.

A schema names a check with the keyword ``"x-govservice-check": NAME``; govservice's
validators (compiled and reference) run it; other validators ignore the keyword. A check
takes the (possibly malformed) object and yields ``(relative_pointer, message)`` for each
problem; fields that are missing or of the wrong type are left to the schema to report.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import attrs

from govservice.formats import parse_date_time
from govservice.model import regions
from govservice.model.common import LimitExtension, LimitStage, LimitVariant, TimeLimit, TimeUnit
from govservice.model.identifiers import REGION_CODE_PATTERN
from govservice.model.item import Step, limit_problem

Finding = tuple[str, str]
Check = Callable[[Any], Iterator[Finding]]

KEYWORD = "x-govservice-check"

REGION_FORM = re.compile(REGION_CODE_PATTERN.strip("^$"))


def _count(value: Any) -> int | None:
    return value if type(value) is int and value >= 0 else None


def _unit(value: Any) -> TimeUnit | None:
    try:
        return TimeUnit(value if value is not None else "working_days")
    except ValueError:
        return None


def _parts(value: Any, kind: type, *names: str) -> list | None:
    """The entries of a limit's ``stages`` or ``variants`` (or its ``extension``, as a list
    of one) as model objects, or None when one is malformed (the schema's to report)."""
    entries = value if isinstance(value, list) else [value]
    found = []
    for entry in entries:
        if not isinstance(entry, dict) or _count(entry.get("amount")) is None:
            return None
        unit = _unit(entry.get("unit"))
        if unit is None or not all(isinstance(entry.get(name), str) for name in names):
            return None
        try:
            found.append(kind(**{**entry, "unit": unit}))
        except (TypeError, ValueError):
            return None
    return found


def _limit(value: Any) -> TimeLimit | None:
    """The limit of a (possibly malformed) document, stages, extension and variants
    included when they are well-formed; None when its amount or unit is not."""
    if not isinstance(value, dict):
        return None
    amount, unit = _count(value.get("amount")), _unit(value.get("unit"))
    if amount is None or unit is None:
        return None
    try:
        limit = TimeLimit(amount=amount, unit=unit)
    except ValueError:  # too large: the schema's to report
        return None
    for field, kind, names in (
        ("stages", LimitStage, ("name",)),
        ("extension", LimitExtension, ()),
        ("variants", LimitVariant, ("document_kind",)),
    ):
        if field not in value:
            continue
        parts = _parts(value[field], kind, *names)
        if parts is None:
            continue
        try:
            limit = attrs.evolve(limit, **{field: parts[0] if field == "extension" else parts})
        except ValueError:
            continue  # reported by _limit_problems
    return limit


def _limit_problems(value: Any, pointer: str) -> Iterator[Finding]:
    """A limit's stages that do not add up to it or are in another unit, an extension in
    another unit, a kind of document with two variants (the model's own words)."""
    limit = _limit(value)
    if limit is None:
        return
    for field, kind, names in (
        ("stages", LimitStage, ("name",)),
        ("extension", LimitExtension, ()),
        ("variants", LimitVariant, ("document_kind",)),
    ):
        parts = _parts(value[field], kind, *names) if field in value else None
        if not parts:
            continue
        try:
            attrs.evolve(limit, **{field: parts[0] if field == "extension" else parts})
        except ValueError as error:
            yield f"{pointer}/{field}", str(error).partition(": ")[2] or str(error)


def _steps(value: Any) -> tuple[Step, ...]:
    if not isinstance(value, list):
        return ()
    steps = []
    for entry in value:
        name = entry.get("name") if isinstance(entry, dict) else None
        limit = _limit(entry.get("limit")) if isinstance(entry, dict) else None
        try:
            steps.append(Step(name=name, limit=limit))
        except (TypeError, ValueError):  # a malformed name: the schema's to report
            steps.append(Step(name="?", limit=limit))
    return tuple(steps)


def _region_problems(item: dict) -> Iterator[Finding]:
    region, level = item.get("region"), item.get("level")
    if isinstance(region, str) and REGION_FORM.fullmatch(region):
        problem = regions.region_problem(region)
        if problem is None and isinstance(level, str):
            problem = regions.level_problem(region, level)
        if problem:
            yield "/region", problem
    delegated = item.get("delegated_to")
    for index, code in enumerate(delegated if isinstance(delegated, list) else ()):
        problem = (
            regions.region_problem(code)
            if isinstance(code, str) and REGION_FORM.fullmatch(code)
            else None
        )
        if problem:
            yield f"/delegated_to/{index}", problem


def item_limits(item: Any) -> Iterator[Finding]:
    """The promised limit (承诺时限) does not exceed the legal limit (法定时限) for any kind
    of document; a limit's stages add up to it; the steps' limits fit inside the promise;
    the region is in the GB/T 2260 table and agrees with the level; the further levels it
    is exercised at leave out its own; the item is not its own parent. These are the
    item's checks that JSON Schema cannot express, worded as the model words them."""
    if not isinstance(item, dict):
        return
    yield from _region_problems(item)
    if "code" in item and item.get("parent_code") == item["code"]:
        yield "/parent_code", "an item is not its own parent"
    levels = item.get("exercised_levels")
    if isinstance(levels, list) and isinstance(item.get("level"), str) and item["level"] in levels:
        yield (
            f"/exercised_levels/{levels.index(item['level'])}",
            f"lists the item's own level ({item['level']}); it names the further ones",
        )
    for field in ("legal_limit", "promised_limit"):
        yield from _limit_problems(item.get(field), f"/{field}")
    steps = item.get("steps")
    for index, step in enumerate(steps if isinstance(steps, list) else ()):
        if isinstance(step, dict):
            yield from _limit_problems(step.get("limit"), f"/steps/{index}/limit")
    legal, promised = _limit(item.get("legal_limit")), _limit(item.get("promised_limit"))
    if legal and promised:
        problem = limit_problem(legal, promised, _steps(steps))
        if problem:
            field, message = problem
            yield "/" + field.replace("[", "/").replace("]", "").replace(".", "/"), message


def _instant(value: Any) -> dt.datetime | None:
    try:
        moment = parse_date_time(value)
    except (AttributeError, TypeError, ValueError):
        return None
    return moment if moment.utcoffset() is not None else None


def _day(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def _order(record: dict, fields: tuple[str, ...], parse: Callable) -> Iterator[Finding]:
    previous: tuple[str, Any] | None = None
    for field in fields:
        value = parse(record.get(field)) if field in record else None
        if value is None:
            continue
        if previous is not None and value < previous[1]:
            yield f"/{field}", f"{field} ({record[field]}) is before {previous[0]}"
        previous = (field, value)


_MOMENTS = ("received_at", "accepted_at", "decided_at", "completed_at")


def _in_plain_order(case: dict) -> bool:
    """The common case, decided without parsing: every time written to the second with
    the offset +08:00 (``2015-03-02T09:30:00+08:00``), so that text order is time order.
    (A text of that length and ending that is not a time is the schema's to report.)"""
    previous = ""
    for field in _MOMENTS:
        value = case.get(field)
        if value is None:
            continue
        if (
            not isinstance(value, str)
            or len(value) != 25
            or not value.endswith("+08:00")
            or value < previous
        ):
            return False
        previous = value
    return True


# --- birth dates in identity numbers --------------------------------------------------------

_CASE_PARTIES = (
    ("applicant",),
    ("agent",),
    ("mandates", None, "agent"),
    ("mandates", None, "principal"),
)


def born_after(
    record: dict, parties: tuple[tuple[str | None, ...], ...], field: str, what: str
) -> Iterator[Finding]:
    """Every resident identity number of the parties at ``parties`` (paths of property
    names, None for each item of a list) whose birth date is after the day of the
    record's ``field`` (a date or a time): nobody acts, or is listed, before being born.

    The birth date (digits 7 to 14) is compared as text with the record's day, so the
    common case costs a few comparisons; a number or day not of its form is the
    schema's to report, and a masked number has no birth date left to compare."""
    day = record.get(field)
    if not (type(day) is str and len(day) >= 10 and day[4] == "-" and day[7] == "-"):
        return
    today = day[:4] + day[5:7] + day[8:10]
    if not today.isdigit():
        return
    for path in parties:
        for pointer, party in _at(record, path, ""):
            identifier = party.get("identifier") if isinstance(party, dict) else None
            if not isinstance(identifier, dict) or identifier.get("kind") != "ric":
                continue
            number = identifier.get("number")
            if type(number) is not str or len(number) != 18:
                continue
            born = number[6:14]
            if born > today and born.isdigit():
                shown = number[:10] + "****" + number[14:]
                yield (
                    f"{pointer}/identifier/number",
                    f"resident identity number {shown}: the birth date in it is after "
                    f"{what} ({day[:10]}): a number born later cannot be this party's",
                )


def _at(node: Any, path: tuple[str | None, ...], pointer: str) -> Iterator[tuple[str, Any]]:
    if not path:
        yield pointer, node
    elif path[0] is None:
        if isinstance(node, list):
            for index, child in enumerate(node):
                yield from _at(child, path[1:], f"{pointer}/{index}")
    elif isinstance(node, dict) and path[0] in node:
        yield from _at(node[path[0]], path[1:], f"{pointer}/{path[0]}")


def case_chronology(case: Any) -> Iterator[Finding]:
    """Received, accepted, decided and completed in that order; promised due by legal due;
    no identity number of a party born after the case was received."""
    if not isinstance(case, dict):
        return
    yield from born_after(case, _CASE_PARTIES, "received_at", "the day the case was received")
    if not _in_plain_order(case):
        yield from _order(case, _MOMENTS, _instant)
    promised, legal = case.get("promised_due"), case.get("legal_due")
    if not (isinstance(promised, str) and isinstance(legal, str) and promised > legal):
        return  # dates as YYYY-MM-DD compare as text; a malformed one is the schema's to say
    promised, legal = _day(promised), _day(legal)
    if promised and legal and promised > legal:
        yield (
            "/promised_due",
            f"promised due date {promised} is after the legal due date {legal}: "
            "the promise exceeds the legal limit",
        )


def blacklist_period(entry: Any) -> Iterator[Finding]:
    """The penalty and publication periods end after they start, the listing is not
    revoked before it was made, its expiry is recorded after both periods ended; its
    subject was born before it."""
    if isinstance(entry, dict) and not _plain_entry(entry):
        yield from _entry_findings(entry)


def _entry_findings(entry: dict) -> Iterator[Finding]:
    """:func:`blacklist_period` in full."""
    yield from born_after(entry, (("subject",),), "listed_on", "the day of the listing")
    yield from _order(entry, ("penalty_from", "penalty_until"), _day)
    yield from _order(entry, ("publish_from", "publish_until"), _day)
    expired = _day(entry.get("expired_on"))
    if expired:
        penalty_end = _day(entry.get("penalty_until"))
        end = _day(entry.get("publish_until")) if "publish_until" in entry else penalty_end
        if penalty_end is None or end is None:
            yield "/expired_on", "an entry whose penalty or publication has no end never expires"
        elif expired <= max(penalty_end, end):
            yield (
                "/expired_on",
                f"expiry recorded on {expired}, not after the end of its periods "
                f"({max(penalty_end, end)})",
            )
    revocation = entry.get("revocation")
    listed, revoked = _day(entry.get("listed_on")), None
    if isinstance(revocation, dict):
        revoked = _day(revocation.get("on"))
    if listed and revoked and revoked < listed:
        yield "/revocation/on", f"revoked on {revoked}, before it was listed on {listed}"


def _plain_entry(entry: dict) -> bool:
    """The common entry, found sound without parsing (a partner's file holds 100,000): no
    identity number to compare a birth date of, no expiry recorded, and every pair of
    days the check compares written ``YYYY-MM-DD`` and in order as texts. (Two such texts
    compare as their days do, and one that is no day is the schema's to report.) False:
    the whole check decides."""
    subject = entry.get("subject")
    identifier = subject.get("identifier") if isinstance(subject, dict) else None
    if isinstance(identifier, dict) and identifier.get("kind") == "ric":
        return False
    if "expired_on" in entry:
        return False
    revocation = entry.get("revocation")
    pairs = [
        ("penalty_from", "penalty_until", entry),
        ("publish_from", "publish_until", entry),
    ]
    if revocation is not None:
        if not isinstance(revocation, dict):
            return False
        pairs.append(("listed_on", "on", revocation))
    for start, end, holder in pairs:
        first, last = entry.get(start), holder.get(end)
        if first is None or last is None:
            continue
        if not (_plain_day(first) and _plain_day(last)) or last < first:
            return False
    return True


def _plain_day(value: Any) -> bool:
    return type(value) is str and len(value) == 10 and value[4] == "-" and value[7] == "-"


def station_parent(station: Any) -> Iterator[Finding]:
    """A station is not its own parent."""
    if (
        isinstance(station, dict)
        and "code" in station
        and station.get("parent_code") == station["code"]
    ):
        yield "/parent_code", f"station {station['code']} is not its own parent"


def certificate_period(certificate: Any) -> Iterator[Finding]:
    """A certificate is issued before it expires."""
    if isinstance(certificate, dict):
        yield from _order(certificate, ("issued_on", "expires_on"), _day)


def fee_range(offer: Any) -> Iterator[Finding]:
    """A published fee range does not end below where it starts."""
    if not isinstance(offer, dict):
        return
    low, high = _yuan(offer.get("fee_from")), _yuan(offer.get("fee_to"))
    if low is not None and high is not None and high < low:
        yield "/fee_to", f"fee_to ({offer['fee_to']}) is below fee_from ({offer['fee_from']})"


# --- the intermediary supermarket (issue 14, H1) -------------------------------------------

_STATES_AMOUNT = {"fixed": ("amount",), "range": ("amount", "amount_to")}


def service_fee(fee: Any) -> Iterator[Finding]:
    """A listed service's fee states an amount only under a regime that has one (fixed: an
    amount; range: both ends, the upper not below the lower); a negotiated price, a price
    document, the government's payment and each agency's own tariff state none."""
    if not isinstance(fee, dict) or not isinstance(fee.get("regime"), str):
        return
    regime = fee["regime"]
    for name in ("amount", "amount_to"):
        if name in fee and name not in _STATES_AMOUNT.get(regime, ()):
            yield f"/{name}", f"a fee of regime {regime} states no {name}"
    low, high = _yuan(fee.get("amount")), _yuan(fee.get("amount_to"))
    if regime == "range" and low is not None and high is not None and high < low:
        yield "/amount_to", f"amount_to ({fee['amount_to']}) is below amount ({fee['amount']})"


def list_history(history: Any) -> Iterator[Finding]:
    """The changes of a listed service's status are in date order."""
    if not isinstance(history, list):
        return
    previous = None
    for index, change in enumerate(history):
        day = _day(change.get("on")) if isinstance(change, dict) else None
        if day is None:
            continue
        if previous is not None and day < previous:
            yield f"/{index}/on", f"{day} comes after {previous}; list the changes in date order"
        previous = day


def status_change(change: Any) -> Iterator[Finding]:
    """Only a suspension lasts until a date, and it ends no earlier than it starts."""
    if not isinstance(change, dict) or "until" not in change:
        return
    if change.get("status") != "suspended":
        yield "/until", "only a suspension (status suspended) lasts until a date"
    yield from _order(change, ("on", "until"), _day)


def engagement_dates(engagement: Any) -> Iterator[Finding]:
    """An engagement is signed no later than it is due or delivered."""
    if isinstance(engagement, dict):
        yield from _order(engagement, ("signed_on", "due_on"), _day)
        yield from _order(engagement, ("signed_on", "delivered_on"), _day)


def suspension_period(quarter: Any) -> Iterator[Finding]:
    """A suspension drawn by an assessment ends no earlier than it starts."""
    if isinstance(quarter, dict):
        yield from _order(quarter, ("suspended_from", "suspended_until"), _day)


def _yuan(value: Any) -> Decimal | None:
    try:
        return Decimal(value) if isinstance(value, str) else None
    except ArithmeticError:
        return None


def project_chronology(project: Any) -> Iterator[Finding]:
    """A project is completed no earlier than it was created; its owner was born before."""
    if isinstance(project, dict):
        yield from born_after(project, (("owner",),), "created_at", "the project's creation")
        yield from _order(project, ("created_at", "completed_at"), _instant)


CHECKS: dict[str, Check] = {
    "station-parent": station_parent,
    "certificate-period": certificate_period,
    "fee-range": fee_range,
    "item-limits": item_limits,
    "case-chronology": case_chronology,
    "blacklist-period": blacklist_period,
    "project-chronology": project_chronology,
    "service-fee": service_fee,
    "list-history": list_history,
    "status-change": status_change,
    "engagement-dates": engagement_dates,
    "suspension-period": suspension_period,
}


def run(name: str, instance: Any) -> list[Finding]:
    """Every finding of the check called ``name`` on ``instance``."""
    return list(CHECKS[name](instance))
