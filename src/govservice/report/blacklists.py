"""黑名单 in the year report: :func:`blacklist_figures`, from the store's blacklist entries
(kind ``blacklist-entry``), the exchange's settings, the supermarket's selections and the
cases not accepted.

- the entries by kind of source (本级认定, 法院失信被执行人名单, 外市共享, 全国行业领域名单):
  held, listed in the year, in force and published on the report's day, revoked in the
  year;
- the subjects, and those listed by two sources or more (the same subject by credit code,
  identity number, organisation code, else normalised name and region:
  :func:`govservice.blacklists.sources.subject_key`);
- every entry revoked in the year with its reason (a person's name masked), and how many
  expiries were recorded;
- the exchange: each partner city's last file imported and the entries held from it; the
  files we sent;
- what screening barred: the supermarket's selections that left out a listed agency, the
  cases not accepted (不予受理) because their applicant is listed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from govservice.model import CaseState, PartyKind, SourceKind
from govservice.report.figures import (
    BlacklistFigures,
    BlacklistSourceFigures,
    RevokedEntryFigures,
)
from govservice.store.base import CaseQuery, every

PAGE = 500
BARRED = "列入黑名单"
"""How a selection's exclusion of a listed agency begins (the screening's reason)."""
REFUSED = "申请人被列入黑名单"
"""How the refusal of a case whose applicant is listed begins (GS641's notice)."""


def blacklist_figures(service: Any, year: int, as_of: dt.date) -> BlacklistFigures | None:
    """The blacklists' figures of ``year`` (None when the store holds no entry)."""
    from govservice.blacklists.board import mask_name
    from govservice.blacklists.sources import subject_key

    store = service.store
    entries = list(every(store, "blacklist-entry"))
    if not entries:
        return None
    by_kind: dict[SourceKind, list[Any]] = defaultdict(list)
    sources_of: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for entry in entries:
        by_kind[entry.source.kind].append(entry)
        sources_of[subject_key(entry)].add((entry.source.kind.value, entry.source.region))
    rows = tuple(
        BlacklistSourceFigures(
            kind=kind.value,
            label=kind.label,
            stored=len(found),
            listed=sum(1 for e in found if e.listed_on.year == year),
            in_force=sum(1 for e in found if e.in_force_on(as_of)),
            published=sum(1 for e in found if e.published_on(as_of)),
            revoked=sum(1 for e in found if _revoked_in(e, year, as_of)),
        )
        for kind in SourceKind
        if (found := by_kind.get(kind))
    )
    revoked = tuple(
        RevokedEntryFigures(
            entry=e.id,
            name=mask_name(e.subject.name)
            if e.subject.kind is PartyKind.PERSON
            else e.subject.name,
            source=e.source.kind.label,
            on=e.revocation.on,
            reason=e.revocation.reason,
        )
        for e in sorted(entries, key=lambda e: (e.revocation.on, e.id) if e.revocation else ())
        if _revoked_in(e, year, as_of)
    )
    return BlacklistFigures(
        by_source=rows,
        subjects=len(sources_of),
        shared=sum(1 for found in sources_of.values() if len(found) > 1),
        revoked=revoked,
        expired=sum(1 for e in entries if e.expired_on is not None and e.expired_on.year == year),
        received=tuple(_received(service, entries)),
        sent=_sent(service, year),
        selections_barred=sum(
            1
            for s in every(store, "selection")
            if s.on.year == year and any(why.startswith(BARRED) for _, why in s.excluded)
        ),
        cases_refused=_cases_refused(store, year),
    )


def _revoked_in(entry: Any, year: int, as_of: dt.date) -> bool:
    revocation = entry.revocation
    return revocation is not None and revocation.on.year == year and revocation.on <= as_of


def _received(service: Any, entries: list[Any]) -> Iterator[tuple[str, str, int, int]]:
    exchange = service.blacklists.exchange
    if exchange is None:
        return
    try:
        partners = exchange.partners()
    except Exception:
        return
    held: dict[str, int] = defaultdict(int)
    for entry in entries:
        if entry.source.kind is SourceKind.OTHER_CITY:
            held[entry.source.region] += 1
    for region, partner in partners.items():
        state = exchange.received(region)
        if state is not None:
            yield region, partner.name, state.sequence, held[region]


def _sent(service: Any, year: int) -> int:
    exchange = service.blacklists.exchange
    if exchange is None:
        return 0
    return sum(1 for sent in exchange.sent() if sent.exported_at[:4] == str(year))


def _cases_refused(store: Any, year: int) -> int:
    count = 0
    after = None
    while True:
        page = store.find_cases(
            CaseQuery(states=(CaseState.NOT_ACCEPTED,)), limit=PAGE, after=after
        )
        count += sum(
            1
            for stored in page.records
            if stored.record.received_at.year == year
            and (stored.record.refusal_reason or "").startswith(REFUSED)
        )
        if page.next_after is None:
            return count
        after = page.next_after
