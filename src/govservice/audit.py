"""Checking the tamper-evident trail (步步留痕) of a store: ``govservice audit verify``.

What is checked, all on what is stored, nothing recomputed by the store:

1. **The chain.** The store chains every write of a case (:mod:`govservice.store.ledger`);
   every link is read back a page at a time and recomputed, and checked against the links
   signed checkpoints witnessed (``witnessed``, from :mod:`govservice.trail.checkpoints`).
   The head is read first, so links appended while the check runs are not mistaken for
   forgeries; a link found beyond a head that does not cover it is one.
2. **The case records, whole.** The last link of every write of a case holds the SHA-256
   of the case document as stored after it: each stored document must be the one its
   latest link names (state, decision, deadlines, fees, handler, tracking code: all of
   it), and every indexed column of its row (the key too) what
   :mod:`govservice.store.columns` derives from that document, since screens, queues and
   supervision read the columns.
3. **The events.** The events chained for a case must be the events its record ends with,
   unchanged, and its state the one its last event led to. A case whose links have no
   record any more is a deleted case. A case with no link at all came from another system
   (bulk import): :func:`attest_imports` chains it once (one attestation link holding the
   number and SHA-256 of its events and the digest of its whole record), and only while
   it has no link; before, it is counted. A case with no link that the store wrote more
   than once (its version says so) lost its links: the ledger was emptied.

4. **The supermarket's records** (:mod:`govservice.store.chained`): every stored agency,
   listed service, need, selection, engagement and agency quarter must be the document
   its latest link names (the SHA-256 of the whole record), with every indexed column
   what its document makes of it; a record with no link was stored behind the library's
   back, and a link whose record is gone names a record deleted. The side table of the
   agencies' offers (``intermediary_offers``), which selection reads, must be what the
   agencies' documents offer.

5. **The chained settings** (:mod:`govservice.store.states`): what was last imported of
   each partner city, the files we sent, the loads of each blacklist source must each be
   the text its latest link chained (a replayed exchange file is refused on that state).

And the store's setting that makes it a simulation (:mod:`govservice.store.simulation`)
must agree with its first link: a simulation store's chain begins with the link marking
it one, and no other store's does (one SQL row must not turn a real store into one that
takes back-dated actions, unnoticed).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from govservice.codec import from_document, to_document
from govservice.errors import ForeignDatabaseError, InvalidRecordError, TrailBrokenError
from govservice.formats import parse_date_time
from govservice.kinds import CHAINED_KINDS, KINDS
from govservice.model import Case
from govservice.store.chained import CHANGE, subject, subject_kind
from govservice.store.columns import CASE_COLUMNS, TABLES, case_row
from govservice.store.ledger import (
    CATALOG,
    IMPORTED,
    RECORD,
    REFUSED,
    SIMULATED,
    AuditReport,
    Break,
    LedgerEntry,
    canonical,
    imported_digest,
    record_digest,
    verify,
)
from govservice.store.recorded import RECORDED, recorded_problem, recorded_subject
from govservice.store.simulation import SIMULATION
from govservice.store.states import STATE, is_chained_setting, state_problem, state_subject

__all__ = ["AuditReport", "Break", "attest_imports", "attest_legacy_records", "verify_store"]

PAGE = 5000
CASE_PAGE = 500
_NAMES = [name.strip() for name in CASE_COLUMNS.split(",")]


Attestation = tuple[int, dict]
"""An attestation link of a case: its sequence number and what it holds."""


@attrs.frozen
class _Trail:
    """What the chain holds of each case: its events (canonical text, by sequence number),
    the record its latest write left, its attestation of an imported record, if any."""

    events: dict[str, list[tuple[int, str]]] = attrs.field(factory=dict)
    attested: dict[str, Attestation] = attrs.field(factory=dict)
    records: dict[str, tuple[int, Any]] = attrs.field(factory=dict)
    """The latest :data:`RECORD` of each case: its sequence number and the digest."""
    links: dict[str, list[int]] = attrs.field(factory=dict)
    """Every case with a link (refusals aside): the numbers of its first and last link."""
    twice: dict[str, int] = attrs.field(factory=dict)
    """Cases attested more than once: the sequence number of the second attestation."""
    late: dict[str, int] = attrs.field(factory=dict)
    """Cases attested after links of them: the sequence number of the attestation."""
    counts: dict[str, int] = attrs.field(factory=lambda: {"events": 0, "refusals": 0})
    simulated: list[int] = attrs.field(factory=list)
    """The sequence numbers of links marking the store a simulation (only the first may)."""
    catalogs: dict[tuple[str, int], tuple[int, Any, Any]] = attrs.field(factory=dict)
    """The links of catalog versions: (region, number) to the link's sequence number, the
    SHA-256 of the version's items (code → version) and that of their documents (None in
    a link written before the trail held it) it holds."""
    chained: dict[str, list[Any]] = attrs.field(factory=dict)
    """The links of records of chained kinds, by subject (``kind/key``): the sequence
    numbers of the first and the latest, and the record digest the latest holds."""
    recorded: dict[str, tuple[int, Any]] = attrs.field(factory=dict)
    """The links of the stations' records (:mod:`govservice.store.recorded`), by subject:
    the sequence number of the latest and the SHA-256 it holds."""
    states: dict[str, int] = attrs.field(factory=dict)
    """The chained settings (:mod:`govservice.store.states`): the sequence number of the
    latest link of each, by name."""


def verify_store(
    store: Any,
    expected_head: tuple[int, str] | None = None,
    *,
    witnessed: Mapping[int, str] | None = None,
) -> AuditReport:
    """Verify the chain of ``store`` and every case record against it; ``expected_head``
    is a head published earlier (sequence number and hash) that must still be part of it,
    ``witnessed`` the links signed checkpoints saw (sequence number: hash), each of which
    must be too (``GovService.trail.verify`` passes them).

    :raises LedgerHeadError: the trail's head is missing or damaged.
    """
    report, _ = _verified(store, expected_head, witnessed)
    return report


def attest_imports(store: Any) -> tuple[int, int]:
    """Chain the records that cases brought with them from another system (bulk import):
    one attestation link a case with no link yet, holding the number and the SHA-256 of its
    events and the digest of its whole record as stored (with or without a history). From
    then on :func:`verify_store` checks them too. A case that has a link (it was written by
    this store, or attested) is never attested. Returns how many cases and events were
    attested (none the second time).

    :raises TrailBrokenError: the trail is broken; nothing is attested on it.
    """
    report, unattested = _verified(store, None, None)
    if not report.ok:
        broken = report.first_break
        raise TrailBrokenError(
            f"the trail is broken at event {broken.seq}: {broken.problem}; nothing is "
            "attested until the break is looked into (govservice audit verify)"
        )
    cases = events = 0
    for start in range(0, len(unattested), ATTEST_BATCH):
        with store.transaction():
            for case_id in unattested[start : start + ATTEST_BATCH]:
                history = _unlinked_history(store, case_id)
                if history is not None:
                    held = {"events": len(history), "sha256": imported_digest(history)}
                    store.attest_import(case_id, held)
                    cases, events = cases + 1, events + len(history)
    return cases, events


ATTEST_BATCH = 200
"""Cases attested a transaction."""


def _unlinked_history(store: Any, case_id: str) -> list[str] | None:
    """The events (canonical text) of a case with no link, checked again under its lock
    (it may have changed since the check of the whole trail): None if it is gone or has a
    link now."""
    store.lock("case", case_id)  # the ledger's head first, then the case: the usual order
    stored = store.get("case", case_id)
    if stored is None or any(
        REFUSED not in json.loads(entry.text) for entry in store.case_ledger(case_id)
    ):
        return None
    return [canonical(event) for event in to_document(stored.record).get("events", [])]


def _verified(
    store: Any, expected_head: tuple[int, str] | None, witnessed: Mapping[int, str] | None
) -> tuple[AuditReport, list[str]]:
    """The report, and the cases with no link (not attested)."""
    head = store.ledger_head()
    trail = _Trail()
    report = verify(_entries_up_to(store, head[0], trail), head, expected_head, witnessed)
    report = attrs.evolve(report, **trail.counts, simulation=trail.simulated[:1] == [1])
    if witnessed:
        report = attrs.evolve(report, witnessed_seq=max(witnessed))
    if not report.ok:
        return report, []
    beyond = store.ledger(head[0], 1)
    if beyond and store.ledger_head()[0] < beyond[0].seq:
        problem = Break(beyond[0].seq, beyond[0].case_id, "an event beyond the ledger head")
        return attrs.evolve(report, first_break=problem), []
    report, unattested = _check_cases(store, report, trail)
    problem = _check_simulation(store, trail) if report.ok else None
    if problem is None and report.ok:
        problem = _check_catalogs(store, trail, report.head_seq)
    if problem is None and report.ok:
        problem, checked, legacy = _check_chained(store, trail, report.head_seq)
        report = attrs.evolve(report, records_checked=checked, unchained_records=len(legacy))
    if problem is None and report.ok:
        problem = _check_states(store, trail, report.head_seq)
    if problem is None and report.ok:
        problem, checked = _check_recorded(store, trail, report.head_seq)
        report = attrs.evolve(report, station_records_checked=checked)
    if problem is None and report.ok:
        problem = _check_offers(store, report.head_seq)
    if problem is not None:  # checked last: an emptied ledger is reported as such first
        return attrs.evolve(report, first_break=problem), []
    return report, unattested


UNREADABLE = object()
"""An item version whose stored document is no item's (changed by hand): a break."""


def _check_catalogs(store: Any, trail: _Trail, head: int) -> Break | None:
    """Every stored version of a catalog is the one its link chained (the SHA-256 of its
    items, and of what they say: their fees, time limits, materials), and every link's
    version is stored. A version chained after the head was read (a new one) is left for
    the next check."""
    from govservice.catalog.versions import documents_digest, entries_digest
    from govservice.store.base import catalog_subject

    if not hasattr(store, "catalog_regions"):
        return None
    linked = dict(trail.catalogs)
    read: dict[tuple[str, int], Any] = {}  # an item version is held by many versions

    def item(code: str, number: int) -> Any:
        if (code, number) not in read:
            try:
                read[code, number] = store.item(code, number)
            except (ForeignDatabaseError, InvalidRecordError):  # no item's document
                read[code, number] = UNREADABLE
        return read[code, number]

    for region in store.catalog_regions():
        for version in store.catalog_heads(region):
            found = linked.pop((region, version.number), None)
            subject = catalog_subject(region)
            if found is None:
                if any(entry.seq > head for entry in store.case_ledger(subject)):
                    continue  # chained since the head was read
                return Break(
                    head, subject, f"version {version.number} of the catalog is not on the trail"
                )
            entries = store.catalog_entries(region, version.number)
            if found[1] != entries_digest(entries):
                return Break(
                    found[0],
                    subject,
                    f"version {version.number} of the catalog was changed after it was chained",
                )
            if found[2] is None:  # chained before the trail held what its items say
                continue
            items = {code: item(code, number) for code, number in entries.items()}
            gone = sorted(code for code, held in items.items() if held is None)
            unread = sorted(code for code, held in items.items() if held is UNREADABLE)
            if gone or unread or found[2] != documents_digest(items):
                what = (
                    f"item {gone[0]} is gone"
                    if gone
                    else f"item {unread[0]} cannot be read"
                    if unread
                    else "what an item says was changed"
                )
                return Break(
                    found[0],
                    subject,
                    f"version {version.number} of the catalog: {what} after it was chained "
                    "(its fees, time limits or materials)",
                )
    if linked:
        (region, number), (seq, *_) = min(linked.items(), key=lambda item: item[1][0])
        return Break(seq, f"catalog/{region}", f"version {number} of the catalog is gone")
    return None


def _check_states(store: Any, trail: _Trail, head: int) -> Break | None:
    """Every chained setting is what its latest link chained, and every setting of a name
    the trail covers has a link; a setting written after the head was read is left for
    the next check. Each setting is read with its last link at once
    (``setting_with_link``): a write committed meanwhile is not taken for a forgery."""
    names = sorted(trail.states, key=trail.states.__getitem__)
    names += sorted(
        name for name in store.settings() if is_chained_setting(name) and name not in trail.states
    )
    for name in names:
        value, link = store.setting_with_link(name)
        if link is not None and link.seq > head:
            continue  # written since the head was read
        problem = state_problem(value, link)
        if problem is not None:
            return Break(link.seq if link else head, state_subject(name), problem)
    return None


def _check_recorded(store: Any, trail: _Trail, head: int) -> tuple[Break | None, int]:
    """The first problem of the stations' records, and how many were checked: every
    stored station evaluation, training session, staff record and discipline record is
    the one its link chained, its columns (a session's attendance rows) its document's; every linked one
    is stored. A record written after the head was read is left for the next check."""
    if not hasattr(store, "recorded_rows"):
        return None, 0
    linked = dict(trail.recorded)
    checked = 0
    for kind, key, text, columns in store.recorded_rows():
        name = recorded_subject(kind, key)
        noted = linked.pop(name, None)
        if noted is None and _linked_since(store, name, head):
            continue  # written since the head was read
        problem = recorded_problem(kind, text, columns, None if noted is None else noted[1])
        if problem is not None:
            return Break(head if noted is None else noted[0], name, problem), checked
        checked += 1
    if linked:
        name, (seq, _) = min(linked.items(), key=lambda item: item[1][0])
        return Break(seq, name, "the record is chained, but it is gone (deleted)"), checked
    return None, checked


def _check_chained(
    store: Any, trail: _Trail, head: int
) -> tuple[Break | None, int, list[tuple[str, str]]]:
    """The first problem of the records of chained kinds, how many were checked, and the
    (kind, key) of those stored before the trail covered them and not attested yet: each
    stored record is the one its latest link names, its columns are its document's, it
    has a link (or was listed by the migration that began chaining its kind); each
    chained subject is stored."""
    linked = dict(trail.chained)
    legacy_subjects = store.legacy_subjects() if hasattr(store, "legacy_subjects") else set()
    legacy: list[tuple[str, str]] = []
    checked = 0
    for kind in (name for name in KINDS if name in CHAINED_KINDS):
        row_of = TABLES[kind][3]
        after = None
        while True:
            rows = store.raw_rows(kind, after=after, limit=CASE_PAGE)
            for row in rows:
                name = subject(kind, row[0])
                unlinked = name in legacy_subjects and name not in linked
                if unlinked and not _linked_since(store, name, head):
                    legacy.append((kind, row[0]))
                    continue
                problem = _check_chained_row(store, kind, row, row_of, linked, head)
                if problem is not None:
                    return problem, checked, legacy
                checked += 1
            if len(rows) < CASE_PAGE:
                break
            after = rows[-1][0]
    if linked:
        name, (first, _, _) = min(linked.items(), key=lambda item: item[1][0])
        problem = Break(first, name, "the record is chained, but it is gone (deleted)")
        return problem, checked, legacy
    return None, checked, legacy


def _check_chained_row(
    store: Any, kind: str, row: tuple, row_of: Any, linked: dict, head: int
) -> Break | None:
    key, text = row[0], row[-1]
    name = subject(kind, key)
    noted = linked.pop(name, None)
    seq = noted[1] if noted is not None else head
    try:
        document = json.loads(text)
        derived = row_of(document)
        from_document(KINDS[kind].model, document, check=False)
    except Exception as error:  # whatever a damaged document makes the codec raise
        return Break(seq, name, f"the {kind} record cannot be read: {error}")
    names = [column.strip() for column in TABLES[kind][2].split(",")]
    for column, stored, value in zip(names, row, derived, strict=False):
        if not _same(stored, value):
            return Break(
                seq,
                name,
                f"the {kind} record's column {column} says {stored!r}, its document {value!r}",
            )
    if noted is None:
        if _linked_since(store, name, head):
            return None  # added since the head was read
        return Break(
            head,
            name,
            f"the {kind} record has no link in the trail (stored without a write of the "
            "store, behind the library's back)",
        )
    return _check_record(store, head, name, (noted[1], noted[2]), row)


def attest_legacy_records(store: Any) -> int:
    """Chain, once each, the agencies stored before the trail covered them (schema 9): a
    link ``{"action": "attested"}`` with the SHA-256 of the record as stored. From then on
    :func:`verify_store` checks them as every other. Returns how many were chained (none
    the second time).

    :raises TrailBrokenError: the trail is broken; nothing is attested on it.
    """
    head = store.ledger_head()
    trail = _Trail()
    report = verify(_entries_up_to(store, head[0], trail), head)
    problem, _, legacy = (
        _check_chained(store, trail, head[0]) if report.ok else (report.first_break, 0, [])
    )
    if problem is not None:
        raise TrailBrokenError(
            f"the trail is broken at event {problem.seq}: {problem.problem}; nothing is "
            "attested until the break is looked into (govservice audit verify)"
        )
    return sum(1 for kind, key in legacy if store.attest_record(kind, key))


def _check_offers(store: Any, head: int) -> Break | None:
    """The side table of the agencies' offers is what their documents offer."""
    if not hasattr(store, "offer_rows"):
        return None
    wanted: set[tuple[str, str]] = set()
    after = None
    while True:
        rows = store.raw_rows("intermediary", after=after, limit=CASE_PAGE)
        for row in rows:
            for offer in json.loads(row[-1]).get("services", []):
                if offer.get("service_code"):
                    wanted.add((offer["service_code"], row[0]))
        if len(rows) < CASE_PAGE:
            break
        after = rows[-1][0]
    found = set(store.offer_rows())
    for code, credit_code in sorted(found - wanted):
        return Break(
            head,
            subject("intermediary", credit_code),
            f"the side table of offers (intermediary_offers) says the agency offers {code}; "
            "its record does not",
        )
    for code, credit_code in sorted(wanted - found):
        return Break(
            head,
            subject("intermediary", credit_code),
            f"the agency's record offers {code}; the side table of offers "
            "(intermediary_offers) leaves it out, so selection would not see it",
        )
    return None


def _check_simulation(store: Any, trail: _Trail) -> Break | None:
    """None when the store's setting and its chain agree on whether it is a simulation."""
    later = [seq for seq in trail.simulated if seq != 1]
    if later:
        return Break(later[0], None, "a link marking the store a simulation, not its first link")
    setting = store.setting(SIMULATION)
    marked = bool(trail.simulated)
    if setting == "true" and not marked:
        return Break(
            1,
            None,
            f"the store's settings (govservice_settings) say {SIMULATION}={setting!r}, but its "
            "chain does not begin with the link marking a simulation store (the setting was "
            "added behind the library's back)",
        )
    if marked and setting != "true":
        return Break(
            1,
            None,
            "the chain begins with the link marking a simulation store, but the store's "
            f"settings (govservice_settings) say {SIMULATION}={setting!r}",
        )
    return None


def _entries_up_to(store: Any, last: int, trail: _Trail) -> Iterator[LedgerEntry]:
    """The links up to ``last``; what each holds of its case is noted in ``trail``."""
    after = 0
    while after < last:
        entries: list[LedgerEntry] = store.ledger(after, min(PAGE, last - after))
        if not entries:
            return
        for entry in entries:
            _note(trail, entry)
            yield entry
        after = entries[-1].seq


def _note(trail: _Trail, entry: LedgerEntry) -> None:
    try:
        inside = json.loads(entry.text)
        if not isinstance(inside, dict):
            return  # verify() reports the link itself
    except ValueError:
        return
    if SIMULATED in inside:  # the store is a simulation: no case
        trail.simulated.append(entry.seq)
        return
    if REFUSED in inside:  # a refusal that left no case record
        trail.counts["refusals"] += 1
        return
    if CATALOG in inside:  # a version of a region's catalog: no case record
        held = inside[CATALOG] if isinstance(inside[CATALOG], dict) else {}
        key = (held.get("region"), held.get("number"))
        # the version's first link holds its items; what they say is in it, or (a version
        # chained before schema 14) in the link its migration chained
        seq, items, documents = trail.catalogs.get(key, (entry.seq, held.get("items"), None))
        trail.catalogs[key] = (seq, items, documents or held.get("documents"))  # type: ignore[index]
        return
    if RECORDED in inside:  # a station's record (evaluation, training, staff): no case
        held = inside[RECORDED] if isinstance(inside[RECORDED], dict) else {}
        trail.recorded[entry.case_id] = (entry.seq, held.get("sha256"))
        return
    if STATE in inside:  # a write of a chained setting: no case record
        held = inside[STATE] if isinstance(inside[STATE], dict) else {}
        trail.states[str(held.get("name", entry.case_id))] = entry.seq
        return
    if CHANGE in inside and subject_kind(entry.case_id) is not None:  # a supermarket record
        noted = trail.chained.setdefault(entry.case_id, [entry.seq, entry.seq, None])
        noted[1], noted[2] = entry.seq, inside.get(RECORD)
        return
    case_id = entry.case_id
    seen = trail.links.setdefault(case_id, [entry.seq, entry.seq])
    first = seen[0] == entry.seq
    seen[1] = entry.seq
    if IMPORTED in inside:
        if case_id in trail.attested:
            trail.twice.setdefault(case_id, entry.seq)
        elif not first:
            trail.late.setdefault(case_id, entry.seq)
        trail.attested.setdefault(case_id, (entry.seq, inside[IMPORTED]))
    if "event" in inside:
        trail.counts["events"] += 1
        try:
            event = canonical(inside["event"])
        except (TypeError, ValueError):
            event = ""
        trail.events.setdefault(case_id, []).append((entry.seq, event))
    if RECORD in inside:
        trail.records[case_id] = (entry.seq, inside[RECORD])


def _check_cases(store: Any, report: AuditReport, trail: _Trail) -> tuple[AuditReport, list[str]]:
    if trail.twice:
        case_id, seq = min(trail.twice.items(), key=lambda item: item[1])
        return attrs.evolve(report, first_break=Break(seq, case_id, "attested twice")), []
    if trail.late:
        case_id, seq = min(trail.late.items(), key=lambda item: item[1])
        problem = Break(seq, case_id, "attested as imported after links of the case were chained")
        return attrs.evolve(report, first_break=problem), []
    counts = {"checked": 0, "attested": 0, "unsealed": 0}
    unattested: list[str] = []
    after = None
    previous = ""

    def broken(problem: Break) -> tuple[AuditReport, list[str]]:
        return attrs.evolve(report, first_break=problem, cases_checked=counts["checked"]), []

    while True:
        rows = store.raw_rows("case", after=after, limit=CASE_PAGE)
        for row in rows:
            key, version, text = row[0], row[-2], row[-1]
            try:
                document = json.loads(text)
                case = from_document(Case, document, check=False)
            except Exception as error:  # whatever a damaged document makes the codec raise
                where = trail.links.get(key, [report.head_seq])[-1]
                return broken(Break(where, key, f"the case record cannot be read: {error}"))
            problem = _check_case(store, report, trail, row, document, case)
            if problem is not None:
                return broken(problem)
            if case.id <= previous:  # records come in the order of their keys, their ids
                return broken(Break(report.head_seq, case.id, "two case records claim this case"))
            previous = case.id
            counts["checked"] += 1
            if case.id in trail.attested:
                counts["attested"] += 1
            if case.id not in trail.links:
                if version == 1:  # as an import is stored (or a case added just now)
                    unattested.append(case.id)
                elif not _linked_since(store, case.id, report.head_seq):
                    problem = Break(
                        report.head_seq,
                        case.id,
                        f"the case is at version {version}, written by this store, but none "
                        "of its links is in the chain (the ledger was emptied or cut back)",
                    )
                    return broken(problem)
            elif trail.records.get(case.id) is None:
                counts["unsealed"] += 1
            trail.links.pop(case.id, None)
        if len(rows) < CASE_PAGE:
            break
        after = rows[-1][0]
    if trail.links:  # links of cases no record holds any more
        seq, case_id = min((seen[0], case_id) for case_id, seen in trail.links.items())
        return broken(Break(seq, case_id, "the case's events are chained, its record is gone"))
    done = attrs.evolve(
        report,
        cases_checked=counts["checked"],
        unchained_cases=len(unattested),
        attested_cases=counts["attested"],
        unsealed_cases=counts["unsealed"],
    )
    return done, unattested


def _linked_since(store: Any, case_id: str, head: int) -> bool:
    """Whether links of the case were chained after the head was read (it is new)."""
    return any(
        entry.seq > head and REFUSED not in json.loads(entry.text)
        for entry in store.case_ledger(case_id)
    )


def _check_case(
    store: Any, report: AuditReport, trail: _Trail, row: tuple, document: dict, case: Case
) -> Break | None:
    """The first problem of one stored case: its events, its columns, its whole record."""
    links = trail.events.get(case.id, [])
    last = trail.links.get(case.id, [report.head_seq, report.head_seq])[1]
    problem, imported = _compare(store, case, links, report.head_seq)
    if problem is None:
        problem = _check_attested(case.id, imported, trail.attested.get(case.id))
    if problem is None:
        problem = _check_columns(last, row, document)
    if problem is None:
        problem = _check_record(store, report.head_seq, case.id, trail.records.get(case.id), row)
    return problem


def _check_columns(seq: int, row: tuple, document: dict) -> Break | None:
    """None when every indexed column of ``row`` is what the document makes of it."""
    for name, stored, derived in zip(_NAMES, row, case_row(document), strict=False):
        if not _same(stored, derived):
            return Break(
                seq,
                str(row[0]),
                f"the case record's column {name} says {stored!r}, its document {derived!r}",
            )
    return None


def _same(stored: Any, derived: Any) -> bool:
    """Whether a column's value as the database returns it is the value derived."""
    if isinstance(stored, dt.datetime):  # PostgreSQL's timestamptz: the same instant
        try:
            return isinstance(derived, str) and parse_date_time(derived) == stored
        except ValueError:
            return False
    if isinstance(stored, dt.date):  # PostgreSQL's date
        return isinstance(derived, str) and stored.isoformat() == derived
    if isinstance(derived, bool):  # SQLite keeps a boolean as 0 or 1
        return stored is derived or (type(stored) is int and stored == int(derived))
    return type(stored) is type(derived) and stored == derived


def _check_record(
    store: Any, head: int, case_id: str, latest: tuple[int, Any] | None, row: tuple
) -> Break | None:
    """None when the stored document is the record the case's latest write chained (or
    one chained after the head was read, if the case changed meanwhile)."""
    if latest is None:
        return None  # no record chained: an import, or a case last written before records
    text = row[-1]
    digest = record_digest(text)
    if digest != latest[1]:
        digest = record_digest(canonical(json.loads(text)))  # an import writes its own text
    if digest == latest[1]:
        return None
    for entry in store.case_ledger(case_id):
        if entry.seq > head and json.loads(entry.text).get(RECORD) == digest:
            return None
    what = "the record" if "/" in case_id else "the case record"  # a chained record's subject
    return Break(
        latest[0],
        case_id,
        f"{what} is not the one its last write chained (it was changed without a "
        "trace in the chain)",
    )


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
    fresh = bool(wanted) and "from_state" not in json.loads(wanted[0] or "{}")  # an application
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


def rechain_setting(store: Any, name: str, reason: str) -> tuple[str | None, int]:
    """Accept the chained setting ``name`` as it stands now, for ``reason``: once a
    setting found altered (``AlteredStateError``, a break of ``audit verify``) has been
    looked into and its value is the right one, chain it again, one link holding its
    SHA-256, the reason and the SHA-256 its last link held (the trail keeps both). Returns
    that SHA-256 (None: it had no link) and the link's number.

    :raises StoreError: ``name`` is not a setting the trail covers, ``reason`` is empty,
        the setting is what its last link chained (nothing to accept), or it is gone
        (restore it from a backup of the database: a state cannot be made up).
    """
    from govservice.errors import StoreError
    from govservice.store.states import linked_digest, rechained_link

    if not is_chained_setting(name):
        raise StoreError(f"setting {name} is not one the trail covers; nothing is chained")
    if not reason or not reason.strip():
        raise StoreError(f"setting {name}: say why it is accepted as it stands (--reason)")
    with store.transaction():
        store.lock_trail()
        value, link = store.setting_with_link(name)
        if value is None:
            raise StoreError(
                f"setting {name} is gone: restore it from a backup of the database; a state "
                "that is not there is not chained"
            )
        if state_problem(value, link) is None:
            raise StoreError(f"setting {name} is what its last link chained: nothing to accept")
        was = None if link is None else linked_digest(link)
        store.set_chained_setting(name, value, link=rechained_link(name, value, reason, was))
    return was, store.setting_with_link(name)[1].seq
