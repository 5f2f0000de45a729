"""Blacklist entries and their life (``service.blacklists.entries``): listing, revocation
(移出, 信用修复), automatic expiry, and the entries received from other sources.

- :meth:`Entries.add` lists an entry of our own list (本级认定): its source is ``own`` and
  our region, its dates are not after today;
- :meth:`Entries.receive` stores an entry of another source (a court's list, another
  city's, a national sector list) with its provenance: when the centre received it (the
  centre's clock) and the source's own record id. Receiving the same entry again changes
  nothing; a changed one is an update;
- :meth:`Entries.revoke` lifts an entry with a reason: ours, or another source's when that
  source revoked it (``by_source=True``). Revoking ours leaves other sources' entries of the
  same subject alone: each entry is revoked by its own source;
- :meth:`Entries.expire` records, as events of the trail, the expiry of the entries whose
  periods ended before a day (an entry is out of force after its period whether or not its
  expiry is recorded: :meth:`~govservice.model.BlacklistEntry.in_force_on`);
- :meth:`Entries.in_force`, :meth:`Entries.published` and :meth:`Entries.of_subject` read
  them back.

Every write is one ``store.add`` / ``store.update`` of the chained kind ``blacklist-entry``
whose ``change`` (the link of the trail, subject ``blacklist-entry/<id>``) names the action
and the provenance::

    {"action": "listed" | "received" | "revoked" | "expired", "source": "court",
     "source_region": "370500", "received_at": ..., "source_record_id": "(2019)皖1122执1194号",
     ...}
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

import attrs

from govservice.blacklists.names import normalise
from govservice.blacklists.subjects import identify, region_of, same_subject
from govservice.clock import SHANGHAI
from govservice.errors import (
    BlacklistEntryError,
    BlacklistEntryNotFoundError,
    DuplicateRecordError,
    RevocationError,
)
from govservice.model import BlacklistEntry, IdentifierKind, Revocation, SourceKind
from govservice.model.identifiers import is_masked_ric, mask_identity_numbers, mask_ric

KIND = "blacklist-entry"
PAGE = 500


@attrs.frozen
class Received:
    """What :meth:`Entries.receive` did with one entry: ``added``, ``changed`` (it was
    stored otherwise) or ``unchanged`` (stored as it is: nothing written)."""

    entry: BlacklistEntry
    outcome: str


def provenance(entry: BlacklistEntry, action: str, **more: Any) -> dict[str, Any]:
    """The ``change`` of the trail's link for a write of ``entry``: the action and where
    the entry came from (the source's kind, region and name, when it was received, the
    source's record id), then ``more``."""
    source = entry.source
    change: dict[str, Any] = {
        "action": action,
        "source": source.kind.value,
        "source_region": source.region,
    }
    if source.name is not None:
        change["source_name"] = source.name
    if source.received_at is not None:
        change["received_at"] = source.received_at.isoformat()
    if source.record_id is not None:
        change["source_record_id"] = source.record_id
    if source.signer is not None:
        change["signer"] = source.signer
    change["authority"] = entry.authority
    return change | more


def _shown(entry_id: str) -> str:
    return mask_identity_numbers(entry_id)


class Entries:
    """The blacklist entries of ``service``."""

    def __init__(self, service: Any) -> None:
        self.service = service

    @property
    def store(self) -> Any:
        return self.service.store

    def today(self) -> dt.date:
        """Today on the centre's clock (Asia/Shanghai)."""
        return self.service.clock.now().astimezone(SHANGHAI).date()

    # --- reading --------------------------------------------------------------------------

    def get(self, entry_id: str) -> BlacklistEntry:
        """The stored entry ``entry_id``.

        :raises BlacklistEntryNotFoundError: none is stored under it.
        """
        stored = self.store.get(KIND, entry_id)
        if stored is None:
            raise BlacklistEntryNotFoundError(f"no blacklist entry {_shown(entry_id)} is stored")
        return stored.record

    def all(self, *, region: str | None = None) -> Iterator[BlacklistEntry]:
        """Every stored entry (of the source region ``region``), by id."""
        after = None
        while True:
            page = self.store.list(KIND, region=region, limit=PAGE, after=after)
            for stored in page.records:
                yield stored.record
            if page.next_after is None:
                return
            after = page.next_after

    def in_force(self, day: dt.date | None = None) -> list[BlacklistEntry]:
        """The entries that bar their subject on ``day`` (default today), by id."""
        on = day or self.today()
        return [entry for entry in self.all() if entry.in_force_on(on)]

    def published(self, day: dt.date | None = None) -> list[BlacklistEntry]:
        """The entries shown to the public on ``day`` (default today), by id."""
        on = day or self.today()
        return [entry for entry in self.all() if entry.published_on(on)]

    def of_subject(
        self,
        number: str | None = None,
        *,
        name: str | None = None,
        region: str | None = None,
    ) -> list[BlacklistEntry]:
        """The entries of every source that list the subject identified by ``number`` (a
        credit code, an organisation code, an identity number, full or masked) or, with no
        number, named ``name`` (normalised; within ``region``, the subject's, when given),
        whatever their status, by id.

        A credit code finds the entries of its organisation code too, and an organisation
        code those of the credit codes that embed it; a full identity number finds the
        entries that publish it masked when ``name`` is the same (normalised), and a masked
        one the full ones with the same visible parts and name.

        :raises BlacklistEntryError: ``number`` is no identifier of these kinds.
        """
        found: dict[str, BlacklistEntry] = {}

        def take(**columns: Any) -> list[BlacklistEntry]:
            return [stored.record for stored in self.store.records_where(KIND, **columns)]

        wanted = normalise(name) if name else None
        if number is not None:
            try:
                kind, value = identify(number)
            except ValueError as error:
                raise BlacklistEntryError(
                    mask_identity_numbers(str(error)), notice="证件号码或代码有误"
                ) from None
            candidates = take(subject_number=value)
            if kind is IdentifierKind.USCC:
                candidates += take(organisation_code=value[8:17])
            elif kind is IdentifierKind.ORGANISATION_CODE:
                candidates += take(organisation_code=value)
            elif not is_masked_ric(value):
                if wanted is not None:
                    masked = take(subject_number=mask_ric(value))
                    candidates += [e for e in masked if normalise(e.subject.name) == wanted]
            elif wanted is not None:
                candidates += [
                    e
                    for e in take(normalised_name=wanted)
                    if e.subject.identifier.kind is IdentifierKind.RIC
                    and len(e.subject.identifier.number) == 18
                    and mask_ric(e.subject.identifier.number) == value
                ]
        elif wanted is not None:
            candidates = take(normalised_name=wanted)
            if region is not None:
                candidates = [e for e in candidates if _region(e) == region]
        else:
            raise BlacklistEntryError("a subject is found by its number or its name")
        for entry in candidates:
            found[entry.id] = entry
        return [found[key] for key in sorted(found)]

    def same_subject_as(self, entry: BlacklistEntry) -> list[BlacklistEntry]:
        """The stored entries, of every source, that list the subject of ``entry`` (itself
        included when stored): by its identifiers, else by normalised name and region
        (:func:`govservice.blacklists.subjects.same_subject`), by id."""
        identifier = entry.subject.identifier
        candidates: dict[str, BlacklistEntry] = {}
        if identifier.kind in (
            IdentifierKind.USCC,
            IdentifierKind.ORGANISATION_CODE,
            IdentifierKind.RIC,
        ):
            for one in self.of_subject(identifier.number, name=entry.subject.name):
                candidates[one.id] = one
        else:
            for stored in self.store.records_where(KIND, subject_number=identifier.number):
                candidates[stored.record.id] = stored.record
        for stored in self.store.records_where(
            KIND, normalised_name=normalise(entry.subject.name)
        ):
            candidates.setdefault(stored.record.id, stored.record)
        return [
            candidates[key] for key in sorted(candidates) if same_subject(entry, candidates[key])
        ]

    # --- writing --------------------------------------------------------------------------

    def add(self, entry: BlacklistEntry) -> BlacklistEntry:
        """List ``entry`` in our own list (本级认定).

        :raises BlacklistEntryError: its source is not our own list of our region, a date
            is after today, or its id is stored already; nothing is stored.
        """
        self._check_own(entry)
        try:
            self.store.add(entry, change=provenance(entry, "listed"))
        except DuplicateRecordError:
            raise BlacklistEntryError(
                f"blacklist entry {_shown(entry.id)} is stored already; nothing was stored",
                notice=f"黑名单条目 {_shown(entry.id)} 已存在，未作改动",
            ) from None
        return entry

    def add_all(self, entries: Iterable[BlacklistEntry]) -> list[BlacklistEntry]:
        """List every one of ``entries`` in our own list, in one transaction: one refused
        (:meth:`add`), none is stored."""
        chosen = list(entries)
        ids = [entry.id for entry in chosen]
        twice = sorted({key for key in ids if ids.count(key) > 1})
        if twice:
            raise BlacklistEntryError(
                f"blacklist entry {_shown(twice[0])} is given twice; nothing was stored",
                notice=f"黑名单条目 {_shown(twice[0])} 重复，未作改动",
            )
        with self.store.transaction():
            for entry in chosen:
                self.add(entry)
        return chosen

    def receive(
        self, entry: BlacklistEntry, *, received_at: dt.datetime | None = None
    ) -> Received:
        """Store ``entry`` of another source (a court's list, another city's, a national
        sector list) with its provenance: ``received_at`` (default: the entry's, else now
        on the centre's clock). The same entry again (whatever its time of receipt) is
        ``unchanged`` and writes nothing; one stored otherwise is ``changed`` (an update,
        the trail's link ``received``).

        :raises BlacklistEntryError: it is of our own list (:meth:`add` lists those), or
            its id is that of an entry of another source; nothing is stored.
        """
        if entry.source.kind is SourceKind.OWN:
            raise BlacklistEntryError(
                f"blacklist entry {_shown(entry.id)} is of our own list: list it with "
                "`blacklist add`, not as received; nothing was stored",
                notice=f"黑名单条目 {_shown(entry.id)} 属本级认定，不能作为外来名单接收",
            )
        moment = received_at or entry.source.received_at or self.service.clock.now()
        entry = attrs.evolve(entry, source=attrs.evolve(entry.source, received_at=moment))
        with self.store.transaction():
            stored = self.store.get(KIND, entry.id)
            if stored is None:
                self.store.add(entry, change=provenance(entry, "received"))
                return Received(entry, "added")
            old = stored.record
            if (old.source.kind, old.source.region) != (entry.source.kind, entry.source.region):
                raise BlacklistEntryError(
                    f"blacklist entry {_shown(entry.id)} is stored from another source "
                    f"({old.source.kind.value} {old.source.region}); nothing was stored",
                    notice=f"黑名单条目 {_shown(entry.id)} 已由其他来源登记，未作改动",
                )
            if (
                entry.expired_on is None
                and old.expired_on is not None
                and entry.ends_on is not None
                and old.expired_on > entry.ends_on
            ):  # the expiry we recorded stays recorded
                entry = attrs.evolve(entry, expired_on=old.expired_on)
            if _without_receipt(old) == _without_receipt(entry):
                return Received(old, "unchanged")
            self.store.update(entry, stored.version, change=provenance(entry, "received"))
        return Received(entry, "changed")

    def receive_all(
        self, entries: Iterable[BlacklistEntry], *, received_at: dt.datetime | None = None
    ) -> list[Received]:
        """:meth:`receive` each of ``entries`` in one transaction: one refused, none is
        stored. One time of receipt for all (default now)."""
        moment = received_at or self.service.clock.now()
        with self.store.transaction():
            return [self.receive(entry, received_at=moment) for entry in entries]

    def revoke(
        self,
        entry_id: str,
        reason: str,
        *,
        on: dt.date | None = None,
        authority: str | None = None,
        by_source: bool = False,
    ) -> BlacklistEntry:
        """Revoke (移出) the entry ``entry_id`` from ``on`` (default today) for ``reason``
        (信用修复 …). Our own entries are revoked here; another source's only when its
        source revoked it (``by_source``: a partner's exchange file, a court's list). Other
        entries of the same subject are left as they are.

        :raises BlacklistEntryNotFoundError: no such entry is stored.
        :raises RevocationError: it is revoked already, ``on`` is before its listing or
            after today, or it is another source's and ``by_source`` is not given; nothing
            is stored.
        """
        day = on or self.today()
        with self.store.transaction():
            stored = self.store.get(KIND, entry_id)
            if stored is None:
                raise BlacklistEntryNotFoundError(
                    f"no blacklist entry {_shown(entry_id)} is stored"
                )
            entry = stored.record
            shown = _shown(entry.id)
            if entry.source.kind is not SourceKind.OWN and not by_source:
                raise RevocationError(
                    f"blacklist entry {shown} is of the {entry.source.kind.value} list of "
                    f"{entry.source.region}: only its source revokes it; nothing was stored",
                    notice=f"黑名单条目 {shown} 来自{entry.source.kind.label}，"
                    "只能由其来源移出，未作改动",
                )
            if entry.revocation is not None:
                raise RevocationError(
                    f"blacklist entry {shown} was revoked on {entry.revocation.on} already; "
                    "nothing was stored",
                    notice=f"黑名单条目 {shown} 已于 {entry.revocation.on} 移出，未作改动",
                )
            if day < entry.listed_on:
                raise RevocationError(
                    f"blacklist entry {shown} was listed on {entry.listed_on}: it cannot be "
                    f"revoked on {day}, before; nothing was stored",
                    notice=f"黑名单条目 {shown} 列入于 {entry.listed_on}，不能早于此日移出",
                )
            if day > self.today():
                raise RevocationError(
                    f"blacklist entry {shown}: a revocation on {day} is after today "
                    f"({self.today()}); nothing was stored",
                    notice=f"黑名单条目 {shown}：移出日期 {day} 晚于今天",
                )
            try:
                revocation = Revocation(on=day, reason=reason, authority=authority)
            except ValueError as error:
                raise RevocationError(f"blacklist entry {shown}: {error}") from None
            revoked = attrs.evolve(entry, revocation=revocation)
            change = provenance(
                revoked, "revoked", on=day.isoformat(), reason=reason, by_source=by_source
            )
            if authority is not None:
                change["revoked_by"] = authority
            self.store.update(revoked, stored.version, change=change)
        return revoked

    def expire(self, day: dt.date | None = None) -> list[BlacklistEntry]:
        """Record the expiry of every entry whose penalty and publication periods ended
        before ``day`` (default today), unrevoked and not recorded yet: each an update
        (``expired_on`` = ``day``) with the trail's link ``expired``, in one transaction.
        Returns them, by id; recording again on a later day finds none of them."""
        on = day or self.today()
        expired = []
        with self.store.transaction():
            for entry in list(self.all()):
                if entry.expired_on is not None or not entry.expired_by(on):
                    continue
                stored = self.store.get(KIND, entry.id)
                done = attrs.evolve(stored.record, expired_on=on)
                change = provenance(
                    done, "expired", on=on.isoformat(), ended=done.ends_on.isoformat()
                )
                self.store.update(done, stored.version, change=change)
                expired.append(done)
        return expired

    # --- checks ---------------------------------------------------------------------------

    def _check_own(self, entry: BlacklistEntry) -> None:
        shown = _shown(entry.id)
        region = self.service.config.region
        if entry.source.kind is not SourceKind.OWN:
            raise BlacklistEntryError(
                f"blacklist entry {shown}: source.kind is {entry.source.kind.value!r}: our "
                "own list lists entries of kind 'own' (others are received from their "
                "source); nothing was stored",
                notice=f"黑名单条目 {shown} 不是本级认定，不能列入本级名单",
            )
        if entry.source.region != region:
            raise BlacklistEntryError(
                f"blacklist entry {shown}: source.region is {entry.source.region}, not our "
                f"region {region}; nothing was stored",
                notice=f"黑名单条目 {shown} 的认定地区不是本地（{region}）",
            )
        today = self.today()
        for field in ("listed_on", "publish_from"):
            value = getattr(entry, field)
            if value is not None and value > today:
                raise BlacklistEntryError(
                    f"blacklist entry {shown}: {field} ({value}) is after today ({today}); "
                    "nothing was stored",
                    notice=f"黑名单条目 {shown} 的日期 {value} 晚于今天",
                )


def _without_receipt(entry: BlacklistEntry) -> BlacklistEntry:
    return attrs.evolve(entry, source=attrs.evolve(entry.source, received_at=None))


def _region(entry: BlacklistEntry) -> str | None:
    return region_of(entry)
