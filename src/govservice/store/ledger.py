"""The tamper-evident trail (步步留痕): every write of a case as links of a SHA-256 chain.

Each link is the canonical JSON text of ``{"seq": n, "case_id": ..., ...}`` with ``hash =
SHA-256(prev_hash + text)``, ``prev_hash`` being the hash of link ``n - 1`` (:data:`GENESIS`
for the first). What a link holds besides its number and case:

- ``"event": {...}``: one event a store recorded (``add`` or ``update`` of a case);
- ``"record": sha256``: on the last link of every write of a case, the SHA-256 of the
  canonical JSON of the case document as stored after that write (:data:`RECORD`,
  :func:`record_digest`). A write that adds no event chains a link holding only this, so
  a document (state, decision, deadlines, fees, handler, tracking code ...) changed without
  a write of the store is found;
- ``"imported": {"events": k, "sha256": ...}`` (with ``"record"``): the attestation of a
  case brought in from another system (bulk import), over its whole record (:data:`IMPORTED`);
- ``"refused": {...}``: a refusal that left no case record (:data:`REFUSED`);
- ``"simulation": {...}``: the first link of a simulation store, and only there
  (:data:`SIMULATED`);
- ``"catalog": {...}``: a new version of a region's catalog (:data:`CATALOG`);
- ``"change": {...}`` (with ``"record"``): a write of a record of the supermarket (an
  agency, a listed service, a need, a selection, an engagement, an agency's quarter),
  its subject ``"<kind>/<key>"`` (:mod:`govservice.store.chained`).

The ledger head (last sequence number and hash) is kept beside it. Changing, deleting,
inserting or reordering links in the database then breaks a link that :func:`verify`
finds; signed checkpoints of the head kept outside the database
(:mod:`govservice.trail.checkpoints`) tell a wiped, rewound or re-hashed chain from the
original.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from govservice.errors import StoreError

GENESIS = "0" * 64
"""The ``prev_hash`` of the first event."""

IMPORTED = "imported"
"""The key of an attestation link: ``{"events": n, "sha256": ...}``, the number and the
SHA-256 (of their canonical JSON list) of the events a case brought with it from another
system (bulk import), before any the store recorded (:func:`imported_digest`)."""

REFUSED = "refused"
"""The key of a refusal link: ``{"seq": n, "case_id": subject, "refused": {...}}``, a refusal
recorded with no case record behind it (a refused application, consultation or project
completion; see :meth:`govservice.store.base.Store.record_refusal`). ``case_id`` names the
subject refused (what the caller passed), which need not be a stored case."""

SIMULATED = "simulation"
"""The key of the link that makes a store a simulation: ``{"seq": 1, "case_id": "",
"simulation": {"back_dated": true}}``, chained by
:func:`govservice.store.simulation.make_simulation` as the store's first link (see
:meth:`govservice.store.base.Store.mark_simulation`). A store's setting says it is a
simulation exactly when its chain begins with this link; anywhere else it is a break."""

CATALOG = "catalog"
"""The key of a link of a region's catalog: ``{"seq": n, "case_id": "catalog/<region>",
"catalog": {"region", "number", "effective", "adjustment", "imported", "items": sha256}}``,
a new version of the catalog (an import or an adjustment) with the SHA-256 of its items
(:func:`govservice.catalog.versions.entries_digest`); no case record is behind it (see
:meth:`govservice.store.base.Store.record_catalog_version`)."""

SIMULATION_LINK = {"back_dated": True}
"""What the simulation link holds under :data:`SIMULATED`."""


RECORD = "record"
"""The key of the SHA-256 of the case document as stored after a write (see the module's
docstring), on the last link of the write."""

_HASH = re.compile(r"[0-9a-f]{64}")

_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


_ENCODE = (
    json.encoder.c_make_encoder(
        None, _CANONICAL.default, json.encoder.encode_basestring, None, ":", ",", True, False, True
    )
    if json.encoder.c_make_encoder is not None
    else None
)
"""The C encoder ``_CANONICAL.encode`` would make anew at each call, made once (without
the check for circular references: a document is a tree)."""


_ENCODE_TEXT = json.encoder.encode_basestring
"""What ``_CANONICAL.encode`` gives for a text (``ensure_ascii=False``), called directly."""


def canonical(value: Any) -> str:
    """Canonical JSON: sorted keys, no spaces, text as it is (UTF-8)."""
    if isinstance(value, str):
        return _ENCODE_TEXT(value)
    if _ENCODE is None:
        return _CANONICAL.encode(value)
    return "".join(_ENCODE(value, 0))


def imported_digest(events: Sequence[str]) -> str:
    """The SHA-256 of events (each as its canonical JSON text) as an attestation holds it."""
    return hashlib.sha256(("[" + ",".join(events) + "]").encode("utf-8")).hexdigest()


def record_digest(text: str) -> str:
    """The SHA-256 of a document's canonical JSON text, as a :data:`RECORD` holds it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def is_hash(value: object) -> bool:
    """Whether ``value`` is a SHA-256 as the trail writes one (64 lower-case hex digits)."""
    return isinstance(value, str) and _HASH.fullmatch(value) is not None


def check_attestable(case_id: str, links: Iterable[LedgerEntry]) -> None:
    """A case is attested as imported only while it has no link (refusals aside).

    :raises StoreError: it has one: it was written by this store, or attested already.
    """
    for entry in links:
        if REFUSED not in json.loads(entry.text):
            raise StoreError(
                f"case {case_id} has links in the chain already (from event {entry.seq}): "
                "only a case brought in by bulk import, with no link, is attested, once"
            )


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
    record: str | None = None,
    texts: Sequence[str] | None = None,
) -> list[LedgerEntry]:
    """The links that append ``events`` (JSON documents) of ``case_id`` after ``head``;
    each is held under ``key`` (``imported`` for an attestation, see :data:`IMPORTED`).
    ``record`` (a :func:`record_digest`) goes into the last link, or into a link of its
    own when there are no events. ``texts``, the canonical texts of ``events`` when the
    caller has them (:func:`govservice.codec.document_and_texts`), saves encoding the
    events again: each link's text is put together from its event's."""
    return [
        LedgerEntry(*row)
        for row in chain_rows(head, case_id, events, key=key, record=record, texts=texts)
    ]


def chain_rows(
    head: tuple[int, str] | None,
    case_id: str,
    events: Sequence[dict[str, Any]],
    *,
    key: str = "event",
    record: str | None = None,
    texts: Sequence[str] | None = None,
) -> list[tuple[int, str, str, str, str]]:
    """:func:`chain` as rows ``(seq, case_id, text, prev_hash, hash)``, the fields of each
    :class:`LedgerEntry` in order (what a store inserts, without making the entries)."""
    seq, previous = head if head is not None else (0, GENESIS)
    rows = []
    last = len(events) - 1
    if texts is not None and (key != "event" or not events or len(texts) != len(events)):
        texts = None
    prefix = '{"case_id":' + canonical(case_id) + ',"event":' if texts is not None else ""
    sha256 = hashlib.sha256
    for index, event in enumerate(events if events or record is None else [None]):
        seq += 1
        if texts is not None:  # what canonical() makes of the same (its keys in order)
            sealed = record is not None and index >= last
            tail = f',"record":{canonical(record)}' if sealed else ""
            text = f'{prefix}{texts[index]}{tail},"seq":{seq:d}}}'
        else:
            inside: dict[str, Any] = {"seq": seq, "case_id": case_id}
            if event is not None:
                inside[key] = event
            if record is not None and index >= last:
                inside[RECORD] = record
            text = canonical(inside)
        digest = sha256((previous + text).encode("utf-8")).hexdigest()  # link_hash()
        rows.append((seq, case_id, text, previous, digest))
        previous = digest
    return rows


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
    """Cases whose imported record is attested in the chain, and checked against it."""
    events: int = 0
    """Links holding a case event (the others hold an attestation, a refusal, or only the
    record a write left)."""
    refusals: int = 0
    """Links holding a refusal that left no case record."""
    unsealed_cases: int = 0
    """Cases last written before the chain held records (:data:`RECORD`): their events
    and columns are checked, their whole document from their next write on."""
    simulation: bool = False
    """Whether the chain begins with the link marking a simulation store."""
    records_checked: int = 0
    """Records of the supermarket's chained kinds (:mod:`govservice.store.chained`)
    compared with the chain."""
    station_records_checked: int = 0
    """Station evaluations, training sessions, staff records and discipline records
    (:mod:`govservice.store.recorded`) compared with the chain."""
    unchained_records: int = 0
    """Agencies stored before the trail covered them (schema 9), not attested yet."""
    witnessed_seq: int | None = None
    """The last link a signed checkpoint witnessed (None: no checkpoint was checked)."""
    witness_problems: tuple[str, ...] = ()
    """What is wrong with the checkpoints (a bad signature, an edited line, a missing
    file): the chain cannot be trusted to be the one witnessed."""

    @property
    def ok(self) -> bool:
        return self.first_break is None and not self.witness_problems


def verify(
    entries: Iterable[LedgerEntry],
    head: tuple[int, str] | None,
    expected_head: tuple[int, str] | None = None,
    witnessed: Mapping[int, str] | None = None,
) -> AuditReport:
    """Check the chain link by link; stop at the first broken one.

    Each link must follow its predecessor (sequence numbers 1, 2, 3 ... without gaps),
    name the predecessor's hash, carry its own number and case inside its hashed text, and
    hash to the stored value. The last link must be the recorded head. ``expected_head``
    (a head published earlier) must be a link of the chain, unchanged. So must every link
    ``witnessed`` names (sequence number: hash, from signed checkpoints): a chain emptied,
    cut back or rewritten is not the one they saw.
    """
    previous_seq, previous_hash, checked = 0, GENESIS, 0
    seen_expected = expected_head is None or expected_head[0] == 0
    witnessed = witnessed or {}

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
        seen = witnessed.get(entry.seq)
        if seen is not None and entry.hash != seen:
            return report(
                Break(*where, "differs from the signed checkpoint of it (the chain was rewritten)")
            )
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
    last_witnessed = max(witnessed, default=0)
    if last_witnessed > previous_seq:
        return report(
            Break(
                previous_seq + 1,
                None,
                f"a signed checkpoint witnessed event {last_witnessed}, the chain ends at "
                f"{previous_seq} (the ledger was emptied or cut back)",
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
