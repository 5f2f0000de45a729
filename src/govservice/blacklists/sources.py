"""The sources of the blacklists (黑名单) and their loads: ``service.blacklists.sources``.

Each list that feeds the blacklists is a plugin, a
:class:`~govservice.hookspecs.BlacklistSource` registered on the hook
``govservice_register_blacklist_sources``: our own list (``own``, kept in the store), a
court's list of dishonest debtors read from the court's published JSON shape
(:mod:`govservice.blacklists.court`), a partner city's signed exchange files (imported by
:meth:`govservice.blacklists.exchange.Exchange.import_file`). The built-ins are
:mod:`govservice.builtin.blacklist_sources`, made from ``blacklists.sources`` in the
configuration.

A source's ``load(service)`` gives what it read to :meth:`Sources.receive`, which stores
it with its provenance, in one transaction:

- an entry not stored yet is added, one whose published fields changed is updated, each
  an event of the trail: ``change={"action": "received", "source": NAME, "received_at":
  ..., "source_record_id": ...}`` (``received_at`` the centre's clock);
- an entry stored as it is changes nothing (loading the same list twice changes nothing);
- for a complete list (a court's), an entry of the source no longer on it is revoked
  (``"action": "revoked"``): the court removed it;
- the load itself is kept in the store's settings (``blacklists.source.NAME``: when, how
  many, the signer's key id, the SHA-256 of what was read), read back by :meth:`Sources.state`
  and listed by ``govservice blacklist sources``.

Nothing is stored when a list is refused: the source raises before anything is received,
and :meth:`receive` checks every entry before it writes one.

The same subject listed by several sources (by unified social credit code, organisation
code or identity number, else by normalised name and region: :func:`subject_key`) keeps
every source's entry: :meth:`Sources.merged` groups them, nothing lost; revoking one
(ours) leaves the others.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from govservice.blacklists.names import normalise
from govservice.hookspecs import BlacklistSource
from govservice.model import (
    BlacklistEntry,
    IdentifierKind,
    PartyKind,
    SourceKind,
)
from govservice.model.identifiers import mask_ric, organisation_code_of
from govservice.store.base import every_stored

HOOK = "govservice_register_blacklist_sources"
STATE_PREFIX = "blacklists.source."
"""The store's settings that hold the load state of each source: ``blacklists.source.NAME``,
on the trail (:mod:`govservice.store.states`)."""
OWN = "own"
"""The name of our own list, always a source."""

REMOVED_REASON = "已不在{source}公布的名单中（移出）"
"""Why an entry of a complete list that is no longer on it is revoked."""


@attrs.frozen(kw_only=True)
class LoadResult:
    """What one load of a source did."""

    source: str
    """The source's name."""
    kind: str
    region: str
    loaded_at: dt.datetime
    """When it was loaded (the centre's clock)."""
    count: int
    """The source's entries in the store after the load (revoked ones included)."""
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    revoked: int = 0
    signer: str | None = None
    """The key id that signed what was read (a partner's exchange file), else None."""
    files: tuple[str, ...] = ()
    """The files read, as named in the configuration (a file of a folder source: the
    folder so named, then the file's name), the same wherever the centre's folder is."""
    digests: tuple[str, ...] = ()
    """The SHA-256 of each file read, in the order of ``files``."""

    @property
    def changes(self) -> int:
        """How many entries the load stored or revoked."""
        return self.added + self.changed + self.revoked


@attrs.frozen(kw_only=True)
class SourceState:
    """A source's loads, as kept in the store: how many, and the last one."""

    loads: int
    last: LoadResult
    digests: tuple[str, ...] = ()
    """The SHA-256 of every file ever loaded (a partner's files already imported)."""
    ids: tuple[str, ...] = ()
    """The ids of the entries a complete list (a court's) held at its last load: one of
    them no longer on the list at the next load is revoked."""


@attrs.frozen(kw_only=True)
class SourceLine:
    """One line of ``blacklist sources``."""

    name: str
    kind: str
    region: str
    plugin: str
    state: SourceState | None

    @property
    def loaded_at(self) -> dt.datetime | None:
        return None if self.state is None else self.state.last.loaded_at

    @property
    def signer(self) -> str | None:
        return None if self.state is None else self.state.last.signer


@attrs.frozen(kw_only=True)
class MergedSubject:
    """One subject as every source lists it: each source's entry, none lost."""

    key: str
    """:func:`subject_key` of the subject."""
    entries: tuple[BlacklistEntry, ...]

    @property
    def sources(self) -> tuple[tuple[str, str], ...]:
        """The ``(kind, region)`` of each source listing the subject, in order of the
        entries."""
        return tuple((entry.source.kind.value, entry.source.region) for entry in self.entries)

    def in_force_on(self, day: dt.date) -> tuple[BlacklistEntry, ...]:
        """The entries that bar the subject on ``day``."""
        return tuple(entry for entry in self.entries if entry.in_force_on(day))


def subject_key(entry: BlacklistEntry) -> str:
    """What makes two entries of different sources the same subject: the organisation code
    of an enterprise (a unified social credit code embeds it, characters 9 to 17), a
    person's identity number as published (masked: its visible parts and the name), else
    the normalised name and the region."""
    identifier = entry.subject.identifier
    if identifier.kind is IdentifierKind.USCC:
        return f"org:{organisation_code_of(identifier.number)}"
    if identifier.kind is IdentifierKind.ORGANISATION_CODE:
        return f"org:{identifier.number}"
    if identifier.kind is IdentifierKind.RIC and entry.subject.kind is PartyKind.PERSON:
        return f"ric:{mask_ric(identifier.number)}:{normalise(entry.subject.name)}"
    region = entry.subject_region or entry.source.region
    return f"name:{region}:{normalise(entry.subject.name)}"


@attrs.define
class CallableSource:
    """A source of the old form (a callable returning entries), loaded as a source of the
    kind and region its first entry names (``—`` until it is loaded); not a complete list
    (nothing is revoked)."""

    name: str
    read: Callable[[], Iterable[BlacklistEntry]]

    kind: str = "other_city"
    region: str = "—"

    def load(self, service: Any) -> LoadResult:
        entries = list(self.read())
        if entries:
            self.kind = entries[0].source.kind.value
            self.region = entries[0].source.region
        return service.blacklists.sources.receive(self, entries, complete=False)


class Sources:
    """The sources of the blacklists of ``service`` and their loads."""

    def __init__(self, service: Any) -> None:
        self.service = service

    @property
    def store(self) -> Any:
        return self.service.store

    # --- the registered sources ---------------------------------------------------------

    def registered(self) -> dict[str, tuple[str, BlacklistSource]]:
        """``name -> (plugin, source)`` of every source, in the order of their names (a
        callable of the old form wrapped as a :class:`CallableSource`)."""
        found = self.service.plugins.registry(HOOK)
        sources: dict[str, tuple[str, BlacklistSource]] = {}
        for name in sorted(found):
            plugin, source = found[name]
            if not hasattr(source, "load") and callable(source):
                source = CallableSource(name, source)
            sources[name] = (plugin, source)
        return sources

    def get(self, name: str) -> BlacklistSource:
        """The source called ``name``.

        :raises UnknownSourceError: no source is registered under it (the known ones named).
        """
        from govservice.errors import UnknownSourceError

        sources = self.registered()
        if name not in sources:
            known = ", ".join(sources) or "none"
            raise UnknownSourceError(f"no blacklist source is called {name!r}; known: {known}")
        return sources[name][1]

    def state(self, name: str) -> SourceState | None:
        """The loads of the source called ``name`` as kept in the store (None: never loaded)."""
        text = self.store.chained_setting(STATE_PREFIX + name)
        if text is None:
            return None
        return _state_from_json(text)

    def lines(self) -> list[SourceLine]:
        """Every source with its loads: what ``blacklist sources`` lists."""
        return [
            SourceLine(
                name=name,
                kind=str(source.kind),
                region=source.region,
                plugin=plugin,
                state=self.state(name),
            )
            for name, (plugin, source) in self.registered().items()
        ]

    # --- loading ------------------------------------------------------------------------

    def load(self, name: str | None = None) -> list[LoadResult]:
        """Load the source called ``name`` (every source, in the order of their names, when
        None), each in a transaction of its own: a source refused raises, and what earlier
        sources loaded stays.

        :raises UnknownSourceError: no source is called ``name``.
        :raises SourceLoadError: a source's plugin failed, or returned no :class:`LoadResult`.
        """
        from govservice.errors import GovServiceError, SourceLoadError

        names = list(self.registered()) if name is None else [name]
        results = []
        for each in names:
            source = self.get(each)
            try:
                result = source.load(self.service)
            except GovServiceError:
                raise
            except Exception as error:
                raise SourceLoadError(
                    f"blacklist source {each!r} failed to load: {type(error).__name__}: {error}"
                ) from error
            if not isinstance(result, LoadResult):
                raise SourceLoadError(
                    f"blacklist source {each!r} returned {type(result).__name__}, not a LoadResult"
                )
            results.append(result)
        return results

    def receive(
        self,
        source: BlacklistSource,
        entries: Sequence[BlacklistEntry],
        *,
        complete: bool,
        signer: str | None = None,
        files: Sequence[str] = (),
        digests: Sequence[str] = (),
        stored: bool = False,
        counts: Mapping[str, int] | None = None,
    ) -> LoadResult:
        """Store what ``source`` read and keep the load (see the module's docstring).

        ``complete``: ``entries`` is the whole list, so an entry of the source stored but
        not among them is revoked. ``stored``: what was read is stored already (an
        exchange import stores its own, and says what it did in ``counts``: ``added``,
        ``changed``, ``unchanged``, ``revoked``); only the load is kept. Each entry gets the
        source's provenance as received now (``received_at`` from the clock) unless it
        names when it was received. The source's entries are those of its kind and
        region (and, for a court's list, its name as supplier when given).

        :raises SourceLoadError: two entries of one load have the same id.
        """
        from govservice.errors import SourceLoadError

        now = self.service.clock.now()
        name = source.name
        seen: dict[str, BlacklistEntry] = {}
        for entry in entries:
            if entry.id in seen:
                raise SourceLoadError(
                    f"blacklist source {name!r}: two entries have the id {entry.id} "
                    f"({entry.source.record_id or entry.subject.name})"
                )
            seen[entry.id] = entry
        done = {"added": 0, "changed": 0, "unchanged": 0, "revoked": 0}
        if stored:
            done.update({key: int(value) for key, value in (counts or {}).items() if key in done})
        with self.store.transaction():
            self.store.lock_trail()  # the loads read and written by one loader at a time
            before = self.state(name)
            if not stored:
                for entry in seen.values():
                    done[self._put(name, entry, now)] += 1
            if complete:
                for gone in sorted(set(before.ids if before else ()) - set(seen)):
                    held = self.store.get("blacklist-entry", gone)
                    unrevoked = held is not None and held.record.revocation is None
                    if unrevoked and self._revoke(name, held.record, now):
                        done["revoked"] += 1
                ids = tuple(seen)  # in the order of the list
                count = len(ids)
            else:
                ids = ()
                count = sum(1 for _ in self._of_source(source))
            result = LoadResult(
                source=name,
                kind=str(source.kind),
                region=source.region,
                loaded_at=now,
                count=count,
                signer=signer,
                files=tuple(files),
                digests=tuple(digests),
                **done,
            )
            state = SourceState(
                loads=(before.loads if before else 0) + 1,
                last=result,
                digests=tuple(dict.fromkeys([*(before.digests if before else ()), *digests])),
                ids=ids,
            )
            self.store.set_chained_setting(STATE_PREFIX + name, _state_json(state))
        return result

    def _put(self, name: str, entry: BlacklistEntry, now: dt.datetime) -> str:
        received = self.service.blacklists.entries.receive(
            entry, received_at=entry.source.received_at or now
        )
        return received.outcome

    def _revoke(self, name: str, entry: BlacklistEntry, now: dt.datetime) -> bool:
        from govservice.clock import SHANGHAI

        day = now.astimezone(SHANGHAI).date()
        if day < entry.listed_on:  # pragma: no cover - a list published ahead of our clock
            return False
        self.service.blacklists.entries.revoke(
            entry.id,
            REMOVED_REASON.format(source=entry.source.name or entry.authority),
            on=day,
            by_source=True,
        )
        return True

    def held(self, name: str) -> Iterator[BlacklistEntry]:
        """The entries stored now of the source called ``name`` (its kind and region).

        :raises UnknownSourceError: no source is called ``name``."""
        for entry, _ in self._of_source(self.get(name)):
            yield entry

    def _of_source(self, source: BlacklistSource) -> Iterator[tuple[BlacklistEntry, int]]:
        """The stored entries of the kind and region of ``source``, and their versions."""
        kind, region = str(source.kind), source.region
        for stored in self.store.records_where("blacklist-entry", source_kind=kind, region=region):
            yield stored.record, stored.version

    def court_entries(self, name: str) -> list[BlacklistEntry]:
        """The entries the court source ``name`` holds (its last load), in the order of
        its list: what ``blacklist court-export`` writes in the court's published shape.

        :raises UnknownSourceError: no source is called ``name``.
        :raises BlacklistSourceError: it is not a court's list.
        """
        from govservice.errors import BlacklistSourceError

        source = self.get(name)
        if str(source.kind) != SourceKind.COURT.value:
            raise BlacklistSourceError(
                f"blacklist source {name!r} is {source.kind!s}, not a court's list"
            )
        state = self.state(name)
        found = []
        for entry_id in state.ids if state else ():
            held = self.store.get("blacklist-entry", entry_id)
            if held is not None:
                found.append(held.record)
        return found

    # --- merging ------------------------------------------------------------------------

    def merged(self, day: dt.date | None = None) -> list[MergedSubject]:
        """Every subject with the entries of every source listing it (in force on ``day``
        when given, else all), by :func:`subject_key`, subjects in the order of their keys
        and each subject's entries in the order of their ids: nothing lost."""
        groups: dict[str, list[BlacklistEntry]] = {}
        for stored in every_stored(self.store, "blacklist-entry"):
            entry = stored.record
            if day is not None and not entry.in_force_on(day):
                continue
            groups.setdefault(subject_key(entry), []).append(entry)
        return [
            MergedSubject(key=key, entries=tuple(sorted(found, key=lambda e: e.id)))
            for key, found in sorted(groups.items())
        ]

    def of_subject(self, entry: BlacklistEntry) -> MergedSubject:
        """The subject of ``entry`` as every source lists it."""
        key = subject_key(entry)
        found = [
            s.record
            for s in every_stored(self.store, "blacklist-entry")
            if subject_key(s.record) == key
        ]
        return MergedSubject(key=key, entries=tuple(sorted(found, key=lambda e: e.id)))


# --- the load state as JSON ---------------------------------------------------------------


def _result_json(result: LoadResult) -> dict[str, Any]:
    document = attrs.asdict(result)
    document["loaded_at"] = result.loaded_at.isoformat()
    document["files"] = list(result.files)
    document["digests"] = list(result.digests)
    return document


def _state_json(state: SourceState) -> str:
    return json.dumps(
        {
            "loads": state.loads,
            "last": _result_json(state.last),
            "digests": list(state.digests),
            "ids": list(state.ids),
        },
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )


def _state_from_json(text: str) -> SourceState:
    document = json.loads(text)
    last = dict(document["last"])
    last["loaded_at"] = dt.datetime.fromisoformat(last["loaded_at"])
    last["files"] = tuple(last.get("files", ()))
    last["digests"] = tuple(last.get("digests", ()))
    return SourceState(
        loads=document["loads"],
        last=LoadResult(**last),
        digests=tuple(document.get("digests", ())),
        ids=tuple(document.get("ids", ())),
    )
