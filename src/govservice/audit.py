"""Checking the tamper-evident trail (步步留痕) of a store: ``govservice audit verify``.

The store chains every case event it records (:mod:`govservice.store.ledger`); this reads
the chain back as stored, a page at a time, and recomputes every link. The head is read
first, so events appended while the check runs are not mistaken for forgeries; an event
found beyond a head that does not cover it is one.
"""

from __future__ import annotations

from typing import Any

from govservice.store.ledger import AuditReport, Break, LedgerEntry, verify

__all__ = ["AuditReport", "Break", "verify_store"]

PAGE = 5000


def verify_store(store: Any, expected_head: tuple[int, str] | None = None) -> AuditReport:
    """Verify the whole chain of ``store``; ``expected_head`` is a head published earlier
    (sequence number and hash) that must still be part of it."""
    head = store.ledger_head()
    report = verify(_entries_up_to(store, head[0]), head, expected_head)
    if report.ok:
        beyond = store.ledger(head[0], 1)
        if beyond and store.ledger_head()[0] < beyond[0].seq:
            return AuditReport(
                report.checked,
                report.head_seq,
                report.head_hash,
                Break(beyond[0].seq, beyond[0].case_id, "an event beyond the ledger head"),
            )
    return report


def _entries_up_to(store: Any, last: int):
    after = 0
    while after < last:
        entries: list[LedgerEntry] = store.ledger(after, min(PAGE, last - after))
        if not entries:
            return
        yield from entries
        after = entries[-1].seq
