"""The tamper-evident trail (步步留痕): every case event as one link of a SHA-256 chain.

Each event a store records is written to the ledger as the canonical JSON text of
``{"seq": n, "case_id": ..., "event": {...}}`` with ``hash = SHA-256(prev_hash + text)``,
``prev_hash`` being the hash of event ``n - 1`` (:data:`GENESIS` for the first). The history
a case brings from another system (bulk import) is chained by one attestation link,
``{"seq": n, "case_id": ..., "imported": {"events": k, "sha256": ...}}`` (:data:`IMPORTED`).
The ledger head (last sequence number and hash) is kept beside it. Changing, deleting, inserting or
reordering events in the database then breaks a link that :func:`verify` finds, without
the library having to be asked; publishing the head now and then (``govservice audit
verify`` prints it) lets an outsider tell a rewritten chain from the original.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

GENESIS = "0" * 64
"""The ``prev_hash`` of the first event."""

IMPORTED = "imported"
"""The key of an attestation link: ``{"events": n, "sha256": ...}``, the number and the
SHA-256 (of their canonical JSON list) of the events a case brought with it from another
system (bulk import), before any the store recorded (:func:`imported_digest`)."""


_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def canonical(value: Any) -> str:
    """Canonical JSON: sorted keys, no spaces, text as it is (UTF-8)."""
    return _CANONICAL.encode(value)


def imported_digest(events: Sequence[str]) -> str:
    """The SHA-256 of events (each as its canonical JSON text) as an attestation holds it."""
    return hashlib.sha256(("[" + ",".join(events) + "]").encode("utf-8")).hexdigest()


def link_hash(prev_hash: str, text: str) -> str:
    """The hash of a link: SHA-256 over the previous hash followed by the event's text."""
    return hashlib.sha256((prev_hash + text).encode("utf-8")).hexdigest()


@attrs.frozen
class LedgerEntry:
    """One stored link: the event's canonical text and the hashes that chain it."""

    seq: int
    case_id: str
    text: str
    prev_hash: str
    hash: str


def chain(
    head: tuple[int, str] | None,
    case_id: str,
    events: Sequence[dict[str, Any]],
    *,
    key: str = "event",
) -> list[LedgerEntry]:
    """The links that append ``events`` (JSON documents) of ``case_id`` after ``head``;
    each is held under ``key`` (``imported`` for an attestation, see :data:`IMPORTED`)."""
    seq, previous = head if head is not None else (0, GENESIS)
    entries = []
    for event in events:
        seq += 1
        text = canonical({"seq": seq, "case_id": case_id, key: event})
        digest = link_hash(previous, text)
        entries.append(LedgerEntry(seq, case_id, text, previous, digest))
        previous = digest
    return entries


@attrs.frozen
class Break:
    """The first broken link found: where, and what is wrong there."""

    seq: int
    case_id: str | None
    problem: str


@attrs.frozen
class AuditReport:
    """What :func:`verify` found: how many links were checked, the head, the first break."""

    checked: int
    head_seq: int
    head_hash: str
    first_break: Break | None
    cases_checked: int = 0
    """Case records compared with the chain (by :func:`govservice.audit.verify_store`)."""
    unchained_cases: int = 0
    """Cases whose records carry events the chain does not hold (imported history, not
    attested yet)."""
    attested_cases: int = 0
    """Cases whose imported history is attested in the chain, and checked against it."""

    @property
    def ok(self) -> bool:
        return self.first_break is None


def verify(
    entries: Iterable[LedgerEntry],
    head: tuple[int, str] | None,
    expected_head: tuple[int, str] | None = None,
) -> AuditReport:
    """Check the chain link by link; stop at the first broken one.

    Each link must follow its predecessor (sequence numbers 1, 2, 3 ... without gaps),
    name the predecessor's hash, carry its own number and case inside its hashed text, and
    hash to the stored value. The last link must be the recorded head. ``expected_head``
    (a head published earlier) must be a link of the chain, unchanged.
    """
    previous_seq, previous_hash, checked = 0, GENESIS, 0
    seen_expected = expected_head is None or expected_head[0] == 0

    def report(problem: Break | None) -> AuditReport:
        return AuditReport(checked, previous_seq, previous_hash, problem)

    for entry in entries:
        where = (entry.seq, entry.case_id)
        if entry.seq != previous_seq + 1:
            missing = "missing" if entry.seq > previous_seq + 1 else "out of order"
            return report(
                Break(*where, f"expected event {previous_seq + 1} here ({missing} events)")
            )
        if entry.prev_hash != previous_hash:
            return report(
                Break(
                    *where,
                    "does not link to the event before it (one was changed, deleted or inserted)",
                )
            )
        try:
            inside = json.loads(entry.text)
        except ValueError:
            return report(Break(*where, "the stored event is not JSON"))
        if not isinstance(inside, dict) or inside.get("seq") != entry.seq:
            return report(Break(*where, "the event's own number differs from its place"))
        if inside.get("case_id") != entry.case_id:
            return report(Break(*where, "the event belongs to another case"))
        if link_hash(previous_hash, entry.text) != entry.hash:
            return report(Break(*where, "the event was changed after it was recorded"))
        if expected_head is not None and entry.seq == expected_head[0]:
            if entry.hash != expected_head[1]:
                return report(Break(*where, "differs from the published head"))
            seen_expected = True
        previous_seq, previous_hash = entry.seq, entry.hash
        checked += 1
    recorded = head if head is not None else (0, GENESIS)
    if recorded != (previous_seq, previous_hash):
        return report(
            Break(
                previous_seq + 1,
                None,
                f"the ledger head names event {recorded[0]}, the chain ends at "
                f"{previous_seq} (events were cut off the end, or the head was changed)",
            )
        )
    if not seen_expected:
        return report(
            Break(
                expected_head[0],  # type: ignore[index]
                None,
                f"the published head (event {expected_head[0]}) is not in the chain",  # type: ignore[index]
            )
        )
    return report(None)
