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
   record holds before its chained ones came with it from another system (bulk import):
   once :func:`attest_imports` has chained them (one attestation link a case, holding
   their number and SHA-256), they must be what was attested; before, they are counted.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import attrs

from govservice.codec import to_document
from govservice.errors import GovServiceError, TrailBrokenError
from govservice.store.ledger import (
    IMPORTED,
    AuditReport,
    Break,
    LedgerEntry,
    canonical,
    imported_digest,
    verify,
)

__all__ = ["AuditReport", "Break", "attest_imports", "verify_store"]

PAGE = 5000
CASE_PAGE = 500


Attestation = tuple[int, dict]
"""An attestation link of a case: its sequence number and what it holds."""


@attrs.frozen
class _Trail:
    """What the chain holds of each case: its events (canonical text, by sequence number)
    and its attestation of imported history, if any."""

    events: dict[str, list[tuple[int, str]]] = attrs.field(factory=dict)
    attested: dict[str, Attestation] = attrs.field(factory=dict)
    twice: dict[str, int] = attrs.field(factory=dict)
    """Cases attested more than once: the sequence number of the second attestation."""


def verify_store(store: Any, expected_head: tuple[int, str] | None = None) -> AuditReport:
    """Verify the chain of ``store`` and every case record against it; ``expected_head``
    is a head published earlier (sequence number and hash) that must still be part of it."""
    report, _ = _verified(store, expected_head)
    return report


def attest_imports(store: Any) -> tuple[int, int]:
    """Chain the history that cases brought with them from another system (bulk import):
    one attestation link a case not attested yet, holding the number and the SHA-256 of
    its events before those the store recorded. From then on :func:`verify_store` checks
    them too. Returns how many cases and events were attested (none the second time).

    :raises TrailBrokenError: the trail is broken; nothing is attested on it.
    """
    report, unattested = _verified(store, None)
    if not report.ok:
        broken = report.first_break
        raise TrailBrokenError(
            f"the trail is broken at event {broken.seq}: {broken.problem}; nothing is "
            "attested until the break is looked into (govservice audit verify)"
        )
    cases = events = 0
    for start in range(0, len(unattested), ATTEST_BATCH):
        with store.transaction():
            for case_id, _ in unattested[start : start + ATTEST_BATCH]:
                imported = _imported_history(store, case_id)
                if imported:
                    digest = imported_digest(imported)
                    store.attest_import(case_id, {"events": len(imported), "sha256": digest})
                    cases, events = cases + 1, events + len(imported)
    return cases, events


ATTEST_BATCH = 200
"""Cases attested a transaction."""


def _imported_history(store: Any, case_id: str) -> list[str]:
    """The imported events of a case not attested yet, checked again under its lock (it
    may have changed since the check of the whole trail): none if it is gone, attested
    meanwhile, or its record no longer agrees with the chain."""
    store.lock("case", case_id)  # the ledger's head first, then the case: the usual order
    stored = store.get("case", case_id)
    links = store.case_ledger(case_id)
    texts = [json.loads(entry.text) for entry in links]
    if stored is None or any(IMPORTED in inside for inside in texts):
        return []
    chained = [
        (entry.seq, canonical(inside["event"]))
        for entry, inside in zip(links, texts, strict=True)
        if "event" in inside
    ]
    problem, imported = _compare(store, stored.record, chained, store.ledger_head()[0])
    return [] if problem is not None else imported


def _verified(
    store: Any, expected_head: tuple[int, str] | None
) -> tuple[AuditReport, list[tuple[str, int]]]:
    """The report, and the cases holding history not attested (id, number of events)."""
    head = store.ledger_head()
    trail = _Trail()
    report = verify(_entries_up_to(store, head[0], trail), head, expected_head)
    if not report.ok:
        return report, []
    beyond = store.ledger(head[0], 1)
    if beyond and store.ledger_head()[0] < beyond[0].seq:
        problem = Break(beyond[0].seq, beyond[0].case_id, "an event beyond the ledger head")
        return attrs.evolve(report, first_break=problem), []
    return _check_cases(store, report, trail)


def _entries_up_to(store: Any, last: int, trail: _Trail) -> Iterator[LedgerEntry]:
    """The links up to ``last``; each one's event (canonical text) or attestation is noted
    by case."""
    after = 0
    while after < last:
        entries: list[LedgerEntry] = store.ledger(after, min(PAGE, last - after))
        if not entries:
            return
        for entry in entries:
            try:
                inside = json.loads(entry.text)
                if IMPORTED in inside:
                    if entry.case_id in trail.attested:
                        trail.twice.setdefault(entry.case_id, entry.seq)
                    trail.attested.setdefault(entry.case_id, (entry.seq, inside[IMPORTED]))
                    yield entry
                    continue
                event = canonical(inside["event"])
            except (ValueError, KeyError, TypeError):
                event = ""  # verify() reports the link itself
            trail.events.setdefault(entry.case_id, []).append((entry.seq, event))
            yield entry
        after = entries[-1].seq


def _check_cases(
    store: Any, report: AuditReport, trail: _Trail
) -> tuple[AuditReport, list[tuple[str, int]]]:
    if trail.twice:
        case_id, seq = min(trail.twice.items(), key=lambda item: item[1])
        return attrs.evolve(report, first_break=Break(seq, case_id, "attested twice")), []
    checked = attested = 0
    unattested: list[tuple[str, int]] = []
    after = None
    previous = ""
    while True:
        try:
            page = store.list("case", limit=CASE_PAGE, after=after)
        except GovServiceError as error:
            problem = Break(report.head_seq, None, f"a case record cannot be read: {error}")
            return attrs.evolve(report, first_break=problem), []
        for stored in page.records:
            case = stored.record
            if case.id <= previous:  # records come in the order of their keys, their ids
                problem = Break(report.head_seq, case.id, "two case records claim this case")
                return attrs.evolve(report, first_break=problem, cases_checked=checked), []
            previous = case.id
            links = trail.events.pop(case.id, [])
            attestation = trail.attested.pop(case.id, None)
            problem, imported = _compare(store, case, links, report.head_seq)
            if problem is None and (attestation is not None or imported):
                problem = _check_attested(case.id, imported, attestation)
            if problem is not None:
                return attrs.evolve(report, first_break=problem, cases_checked=checked), []
            checked += 1
            if attestation is not None:
                attested += 1
            elif imported:
                unattested.append((case.id, len(imported)))
        if page.next_after is None:
            break
        after = page.next_after
    gone = [(links[0][0], case_id) for case_id, links in trail.events.items()]
    gone += [(seq, case_id) for case_id, (seq, _) in trail.attested.items()]
    if gone:  # links of cases no record holds any more
        seq, case_id = min(gone)
        problem = Break(seq, case_id, "the case's events are chained, its record is gone")
        return attrs.evolve(report, first_break=problem, cases_checked=checked), []
    done = attrs.evolve(
        report, cases_checked=checked, unchained_cases=len(unattested), attested_cases=attested
    )
    return done, unattested


def _check_attested(
    case_id: str, imported: list[str], attestation: Attestation | None
) -> Break | None:
    """None when the history ``imported`` with the case is what its attestation holds."""
    if attestation is None:
        return None
    seq, held = attestation
    if (
        not isinstance(held, dict)
        or held.get("events") != len(imported)
        or held.get("sha256") != imported_digest(imported)
    ):
        return Break(seq, case_id, "the history the case was imported with was changed")
    return None


def _compare(
    store: Any, case: Any, links: list[tuple[int, str]], head: int
) -> tuple[Break | None, list[str]]:
    """None when the record of ``case`` agrees with its chained events ``links``, and the
    events (canonical text) the record holds before them.

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
            if entry.seq > head and "event" in json.loads(entry.text)
        ]
        candidates = [wanted + newer[:count] for count in range(1, len(newer) + 1)]
    agreed = next((c for c in candidates if _agrees(events, c, fresh)), None)
    if agreed is None:
        seq = links[0][0] if links else head
        return Break(seq, case.id, "the case record's events differ from the chain"), []
    if case.events and case.state is not case.events[-1].to_state:
        seq = links[-1][0] if links else head
        return Break(seq, case.id, "the case record's state is not where its events led"), []
    return None, [] if fresh else events[: len(events) - len(agreed)]


def _agrees(events: list[str], chained: list[str], fresh: bool) -> bool:
    if fresh:
        return events == chained
    return len(events) >= len(chained) and events[len(events) - len(chained) :] == chained
