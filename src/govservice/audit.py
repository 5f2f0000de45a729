"""Checking the tamper-evident trail (步步留痕) of a store: ``govservice audit verify``.

Two checks, both on what is stored, nothing recomputed by the store:

1. **The chain.** The store chains every case event it records
   (:mod:`govservice.store.ledger`); every link is read back a page at a time and
   recomputed. The head is read first, so events appended while the check runs are not
   mistaken for forgeries; an event found beyond a head that does not cover it is one.
2. **The case records.** What screens and the public lookup show is the case record, so
   each one is compared with the chain: the events chained for a case must be the events
   its record ends with, unchanged, and the record's state the one its last event led
   to. A case whose chained events have no record any more is a deleted case. Events a
   record holds before its chained ones came with it from another system (bulk import);
   they are counted, not checked.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import attrs

from govservice.codec import to_document
from govservice.errors import GovServiceError
from govservice.store.ledger import AuditReport, Break, LedgerEntry, canonical, verify

__all__ = ["AuditReport", "Break", "verify_store"]

PAGE = 5000
CASE_PAGE = 500


def verify_store(store: Any, expected_head: tuple[int, str] | None = None) -> AuditReport:
    """Verify the chain of ``store`` and every case record against it; ``expected_head``
    is a head published earlier (sequence number and hash) that must still be part of it."""
    head = store.ledger_head()
    chained: dict[str, list[tuple[int, str]]] = {}
    report = verify(_entries_up_to(store, head[0], chained), head, expected_head)
    if not report.ok:
        return report
    beyond = store.ledger(head[0], 1)
    if beyond and store.ledger_head()[0] < beyond[0].seq:
        problem = Break(beyond[0].seq, beyond[0].case_id, "an event beyond the ledger head")
        return attrs.evolve(report, first_break=problem)
    return _check_cases(store, report, chained)


def _entries_up_to(
    store: Any, last: int, chained: dict[str, list[tuple[int, str]]]
) -> Iterator[LedgerEntry]:
    """The links up to ``last``; each one's event (canonical text) is noted by case."""
    after = 0
    while after < last:
        entries: list[LedgerEntry] = store.ledger(after, min(PAGE, last - after))
        if not entries:
            return
        for entry in entries:
            try:
                event = canonical(json.loads(entry.text)["event"])
            except (ValueError, KeyError, TypeError):
                event = ""  # verify() reports the link itself
            chained.setdefault(entry.case_id, []).append((entry.seq, event))
            yield entry
        after = entries[-1].seq


def _check_cases(
    store: Any, report: AuditReport, chained: dict[str, list[tuple[int, str]]]
) -> AuditReport:
    checked = unchained = 0
    after = None
    while True:
        try:
            page = store.list("case", limit=CASE_PAGE, after=after)
        except GovServiceError as error:
            problem = Break(report.head_seq, None, f"a case record cannot be read: {error}")
            return attrs.evolve(report, first_break=problem)
        for stored in page.records:
            case = stored.record
            links = chained.pop(case.id, [])
            problem = _compare(store, case, links, report.head_seq)
            if problem is not None:
                return attrs.evolve(report, first_break=problem, cases_checked=checked)
            checked += 1
            unchained += len(case.events) > len(links)
        if page.next_after is None:
            break
        after = page.next_after
    if chained:  # events of cases no record holds any more
        case_id, links = min(chained.items(), key=lambda item: item[1][0][0])
        problem = Break(links[0][0], case_id, "the case's events are chained, its record is gone")
        return attrs.evolve(report, first_break=problem, cases_checked=checked)
    return attrs.evolve(report, cases_checked=checked, unchained_cases=unchained)


def _compare(store: Any, case: Any, links: list[tuple[int, str]], head: int) -> Break | None:
    """None when the record of ``case`` agrees with its chained events ``links``.

    The record's events end with the chained ones (and with events chained after the head
    was read, if the case changed meanwhile). Events before them are history brought in
    by bulk import, unless the chain begins with the case's application: then there are
    none."""
    events = [canonical(event) for event in to_document(case).get("events", [])]
    wanted = [text for _, text in links]
    fresh = bool(wanted) and "from_state" not in json.loads(wanted[0])  # an application
    candidates = [wanted]
    if not _agrees(events, wanted, fresh):
        newer = [
            canonical(json.loads(entry.text)["event"])
            for entry in store.case_ledger(case.id)
            if entry.seq > head
        ]
        candidates = [wanted + newer[:count] for count in range(1, len(newer) + 1)]
    if not any(_agrees(events, candidate, fresh) for candidate in candidates):
        seq = links[0][0] if links else head
        return Break(seq, case.id, "the case record's events differ from the chain")
    if case.events and case.state is not case.events[-1].to_state:
        seq = links[-1][0] if links else head
        return Break(seq, case.id, "the case record's state is not where its events led")
    return None


def _agrees(events: list[str], chained: list[str], fresh: bool) -> bool:
    if fresh:
        return events == chained
    return len(events) >= len(chained) and events[len(events) - len(chained) :] == chained
