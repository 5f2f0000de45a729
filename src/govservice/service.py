"""The central object: one service centre, its configuration, clock, plugins and store."""

from __future__ import annotations

import datetime as dt
import functools
import os
import secrets
import threading
import weakref
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from govservice.catalog.charging import Charging, charge
from govservice.clock import Clock, SystemClock
from govservice.config import Config, check_document, default_config, load_config
from govservice.errors import (
    CalendarUnavailableError,
    ConfigError,
    GovServiceError,
    RulesBlockedError,
)
from govservice.model import (
    BlacklistEntry,
    Case,
    CaseEvent,
    ChargedFee,
    Identifier,
    IdentifierKind,
    Item,
    Material,
    Station,
)
from govservice.model.identifiers import mask_ric
from govservice.plugins import Plugins
from govservice.rules import Action, FeeAdjustment, Finding
from govservice.standards import Standard, StandardResult
from govservice.workdays import WorkingCalendar


@attrs.frozen
class RuleOutcome:
    """What the local rules said about an action: blocking findings and warnings."""

    blocking: tuple[Finding, ...]
    warnings: tuple[Finding, ...]

    @property
    def allowed(self) -> bool:
        return not self.blocking


_NO_FINDINGS = RuleOutcome(blocking=(), warnings=())
"""What no rule says (frozen, so one for every action no rule has anything to say of)."""


class SecureTokenBytes:
    """The system's secure source (:func:`secrets.token_bytes`), read a block at a time.

    A callable ``(n) -> bytes`` like :func:`secrets.token_bytes`: each call hands out the
    next ``n`` bytes of a block of :attr:`block` bytes read from the operating system's
    secure source, never the same byte twice; a new block is read when this one runs out
    (a request larger than a block is read on its own). One read of the source for many
    tracking codes, instead of one each. Safe to share between threads (a lock), and
    between processes: a child made by ``fork`` forgets its parent's block, so parent and
    child never hand out the same bytes.
    """

    def __init__(self, block: int = 4096) -> None:
        if block < 1:
            raise ValueError("a block holds at least one byte")
        self.block = block
        self._lock = threading.Lock()
        self._bytes = b""
        self._at = 0
        if hasattr(os, "register_at_fork"):
            ref = weakref.ref(self)
            os.register_at_fork(after_in_child=lambda: (me := ref()) is not None and me._forget())

    def __call__(self, n: int) -> bytes:
        if n > self.block:
            return secrets.token_bytes(n)
        with self._lock:
            at = self._at
            if at + n > len(self._bytes):
                self._bytes, at = secrets.token_bytes(self.block), 0
            self._at = at + n
            return self._bytes[at : at + n]

    def _forget(self) -> None:
        """In a child after ``fork``: the parent's block is the parent's."""
        self._lock = threading.Lock()
        self._bytes, self._at = b"", 0


SECURE_TOKEN_BYTES = SecureTokenBytes()
"""The default source of tracking codes' random bits, shared by every GovService."""


class GovService:
    """One service centre (政务服务中心): the entry point of the library.

    :param config: a :class:`~govservice.config.Config`, a path to a YAML file, or None
        for the default (the Dongying city centre, in memory).
    :param clock: where "now" comes from; the system clock in Asia/Shanghai by default.
    :param strict: make any plugin failure fatal (default: the config's ``strict``).
    :param plugins: extra ``(name, plugin)`` pairs to register, for tests.
    :param token_bytes: where tracking codes' random bits come from (default: the
        system's secure source, :func:`secrets.token_bytes` read a block at a time:
        :class:`SecureTokenBytes`); a seeded source only for a simulation that must
        repeat itself (the demo).
    """

    def __init__(
        self,
        config: Config | str | Path | None = None,
        *,
        clock: Clock | None = None,
        strict: bool | None = None,
        environ: Mapping[str, str] | None = None,
        plugins: Iterable[tuple[str, object]] = (),
        token_bytes: Callable[[int], bytes] | None = None,
    ) -> None:
        if config is None:
            config = default_config()
        elif not isinstance(config, Config):
            config = load_config(config, environ)
        self.config = config
        self.clock = clock or SystemClock()
        self._strict = strict
        self._environ = environ
        self._extra = tuple(plugins)
        self.token_bytes: Callable[[int], bytes] = token_bytes or SECURE_TOKEN_BYTES
        """Where the random bits of tracking codes come from: the system's secure source
        (:data:`SECURE_TOKEN_BYTES`, read a block at a time), unless a simulation passes a
        seeded one (``random.Random(seed).randbytes``) so that the same seed gives the
        same trail."""
        self._calendars: dict[str, WorkingCalendar] = {}

    @functools.cached_property
    def plugins(self) -> Plugins:
        """The plugins, loaded on first use."""
        return Plugins(self.config, strict=self._strict, environ=self._environ, extra=self._extra)

    @functools.cached_property
    def store(self) -> Any:
        """The store named by ``storage.backend``, opened (created, migrated) on first use."""
        return self.open_store()

    @functools.cached_property
    def workflow(self) -> Any:
        """The case workflow (:class:`~govservice.workflow.Workflow`) on :attr:`store`."""
        from govservice.workflow import Workflow

        return Workflow(self)

    @functools.cached_property
    def catalog(self) -> Any:
        """The versioned catalog (:class:`~govservice.catalog.Catalog`) on :attr:`store`:
        versions per region, dated adjustments, diffs, imports and exports."""
        from govservice.catalog import Catalog

        return Catalog(self)

    @functools.cached_property
    def stations(self) -> Any:
        """The stations (:class:`~govservice.stations.Stations`) on :attr:`store`: the
        hierarchy, standards evaluated with evidence, standing, subsidies (以奖代补), the
        guiding catalog and coverage, training and the staff assessment."""
        from govservice.stations import Stations

        return Stations(self)

    @functools.cached_property
    def intermediaries(self) -> Any:
        """The intermediary supermarket (:class:`~govservice.intermediaries.Intermediaries`)
        on :attr:`store`: the service list, agencies and offers, needs and selections (the
        random draw anyone can re-run), engagements and quarterly assessment."""
        from govservice.intermediaries import Intermediaries

        return Intermediaries(self)

    @functools.cached_property
    def blacklists(self) -> Any:
        """The blacklists (:class:`~govservice.blacklists.Blacklists`) on :attr:`store`:
        entries with their life and provenance, the sources (our own, the court's, the
        partner cities'), signed exchange, screening and the exposure board."""
        from govservice.blacklists import Blacklists

        return Blacklists(self)

    @functools.cached_property
    def outbox(self) -> Any:
        """The outbox of notifications (:class:`~govservice.workflow.outbox.Outbox`) on
        :attr:`store`: the workflow's notices, delivered after commit, with retries."""
        from govservice.workflow.outbox import Outbox

        return Outbox.of(self, self.store)

    @functools.cached_property
    def trail(self) -> Any:
        """Signed checkpoints of the trail (:class:`~govservice.trail.Trail`): written after
        commits of every store this centre opens, when a key is configured."""
        from govservice.trail import Trail

        return Trail(self)

    def open_store(self, *, create: bool = True, migrate: bool = True) -> Any:
        """Open the configured store. ``create=False`` refuses to make a new database;
        ``migrate=False`` leaves the schema as it is (to report on it)."""
        backends = self.plugins.registry("govservice_register_stores")
        name = self.config.storage_backend
        if name not in backends:
            known = ", ".join(sorted(backends)) or "none"
            raise ConfigError(
                f"storage.backend: no backend is called {name!r}; known: {known}",
                where=self.config.where("storage", "backend"),
            )
        factory = backends[name][1]
        self._check_storage_settings(factory)
        settings = {**self.config.storage_settings, "create": create, "migrate": migrate}
        store = factory(settings)
        if self.config.trail_signing_key is not None:  # (cryptography loaded only then)
            self.trail.watch(store)  # signed checkpoints after commits
        return store

    def _check_storage_settings(self, factory: Any) -> None:
        """Check ``storage.settings`` against the schema the backend ships, if it does, and
        its ``check_settings`` (what a schema cannot see)."""
        schema = getattr(factory, "SETTINGS_SCHEMA", None)
        if schema is not None:
            check_document(
                dict(self.config.storage_settings),
                schema,
                str(self.config.path or "<config>"),
                self.config.lines,
                prefix=("storage", "settings"),
            )
        check = getattr(factory, "check_settings", None)
        if check is None:
            return
        try:
            problems = list(check(self.config.storage_settings))
        except Exception as error:  # a plugin's code: reported, not a traceback
            raise ConfigError(
                f"storage backend {self.config.storage_backend!r}: its check_settings "
                f"failed: {type(error).__name__}: {error}",
                where=self.config.where("storage", "settings"),
            ) from None
        for key, message in problems:
            raise ConfigError(
                f"storage.settings.{key}: {message}",
                where=self.config.where("storage", "settings", key),
            )

    # --- calendar ------------------------------------------------------------------------

    def calendar(self, region: str | None = None) -> WorkingCalendar:
        """The working-day calendar of ``region`` (the centre's own by default), with
        every closure day from the configuration and from the plugins serving it."""
        region = region or self.config.region
        return self._calendar(region)

    def case_calendar(self, case: Case) -> WorkingCalendar:
        """The working-day calendar of ``case``: its region's, with the closure days of its
        station (when it names one, and that station is stored) on top."""
        calendar = self.calendar(case.region)
        code = getattr(case, "station_code", None)
        if code is None:
            return calendar
        stored = self.store.get("station", code)
        if stored is None or not stored.record.closure_days:
            return calendar
        return calendar.with_closures(stored.record.closure_days)

    def _calendar(self, region: str) -> WorkingCalendar:
        if region not in self._calendars:
            answers = self.plugins.call(
                "govservice_calendar",
                scope=region,
                firstresult=True,
                expect=WorkingCalendar,
                region=region,
            )
            if not answers:
                raise CalendarUnavailableError(
                    f"no plugin gives a working-day calendar for region {region}"
                )
            closures = self.plugins.collect(
                "govservice_closure_days", scope=region, expect=dt.date, region=region
            )
            calendar = answers[0][1].with_closures([*self.config.closures, *closures])
            self._calendars[region] = calendar
        return self._calendars[region]

    # --- items and cases -----------------------------------------------------------------

    def required_materials(self, item: Item, case: Case) -> tuple[Material, ...]:
        """The item's materials plus those the county adds for this case (none of the
        item's own when its materials were not published)."""
        own = item.materials or ()
        if not self.plugins.implemented("govservice_extra_materials", scope=case.region):
            return own
        extra = self.plugins.collect(
            "govservice_extra_materials", scope=case.region, expect=Material, item=item, case=case
        )
        return (*own, *extra)

    def missing_materials(self, item: Item, case: Case) -> tuple[Material, ...]:
        """Required materials (always-required ones) the case has not handed in, by name."""
        handed_in = {material.name for material in case.materials}
        return tuple(
            material
            for material in self.required_materials(item, case)
            if material.requirement == "required" and material.name not in handed_in
        )

    def check_rules(self, case: Case, item: Item, action: Action | str) -> RuleOutcome:
        """Ask every local rule serving the case's region about ``action``."""
        if action.__class__ is not Action:
            action = Action(action)
        if not self.plugins.implemented("govservice_case_rules", scope=case.region):
            return _NO_FINDINGS
        answers = self.plugins.call(
            "govservice_case_rules",
            scope=case.region,
            expect=Finding,
            many=True,
            case=case,
            item=item,
            action=action,
        )
        findings = [
            attrs.evolve(finding, plugin=plugin)
            for plugin, result in answers
            for finding in result
        ]
        if not findings:
            return _NO_FINDINGS
        return RuleOutcome(
            blocking=tuple(f for f in findings if f.blocks),
            warnings=tuple(f for f in findings if not f.blocks),
        )

    def enforce_rules(self, case: Case, item: Item, action: Action | str) -> RuleOutcome:
        """Like :meth:`check_rules`, but raise when any rule blocks.

        :raises RulesBlockedError: listing every blocking finding at once.
        """
        outcome = self.check_rules(case, item, action)
        if outcome.blocking:
            listed = "; ".join(f"[{f.code}] {f.message}" for f in outcome.blocking)
            raise RulesBlockedError(
                f"{Action(action).value} is blocked by local rules: {listed}",
                findings=outcome.blocking,
                where=f"case {case.id}",
            )
        return outcome

    def fees_for(self, item: Item, case: Case) -> tuple[ChargedFee, ...]:
        """The fees charged on this case: the published fees that apply to it, after
        every county exemption (:meth:`fee_charging`, without its findings)."""
        return self.fee_charging(item, case).fees

    def fee_charging(self, item: Item, case: Case) -> Charging:
        """What the case is charged of the item's published fees, and the findings: the
        fees that apply to it (:mod:`govservice.catalog.charging`: alternatives selected
        by the clerk's choice or the kind of document applied for, conditional fees
        confirmed by the clerk or by ``govservice_fee_conditions``, never a third
        party's), after the exemptions of ``govservice_fee_adjustments`` (of several of
        one fee, the lowest amount wins)."""
        region = case.region
        adjustments: list[FeeAdjustment] = []
        confirmed: list[str] = []
        if item.fees:
            if self.plugins.implemented("govservice_fee_adjustments", scope=region):
                adjustments = self.plugins.collect(
                    "govservice_fee_adjustments",
                    scope=region,
                    expect=FeeAdjustment,
                    case=case,
                    item=item,
                )
            if self.plugins.implemented("govservice_fee_conditions", scope=region):
                confirmed = self.plugins.collect(
                    "govservice_fee_conditions", scope=region, expect=str, case=case, item=item
                )
        return charge(item, case, adjustments=adjustments, confirmed=confirmed)

    def notify(self, case: Case, event: CaseEvent) -> None:
        """Tell every notification plugin serving the case's region about ``event``, now
        (a failure as any hook's, fatal in strict mode). The workflow does not call this:
        it writes each event to its :attr:`outbox`, delivered after commit."""
        self.plugins.call("govservice_case_event", scope=case.region, case=case, event=event)

    # --- stations ------------------------------------------------------------------------

    def standards_for(self, station: Station) -> list[Standard]:
        """The standards a station is evaluated against: those for its level, from
        plugins that serve its region."""
        found = self.plugins.registry("govservice_register_station_standards")
        return [
            standard
            for plugin, standard in found.values()
            if standard.applies_to(station) and self.plugins.loaded[plugin].serves(station.region)
        ]

    def evaluate_station(
        self, station: Station, facts: Mapping[str, bool], on: dt.date | None = None
    ) -> list[StandardResult]:
        """Evaluate a station against each of its standards (facts from the inspection)."""
        day = on or self.clock.now().date()
        return [standard.evaluate(station, facts, day) for standard in self.standards_for(station)]

    # --- blacklists ----------------------------------------------------------------------

    def blacklist_from_sources(self) -> list[BlacklistEntry]:
        """Every entry from every registered outside list of the old form (a callable
        returning entries), identity numbers masked. Sources of the current form
        (:class:`~govservice.hookspecs.BlacklistSource`) load into the store instead:
        ``service.blacklists.sources.load()``.

        .. deprecated:: 0.5 use :meth:`govservice.blacklists.sources.Sources.load`."""
        entries = []
        for _name, (_plugin, source) in sorted(
            self.plugins.registry("govservice_register_blacklist_sources").items()
        ):
            if callable(source) and not hasattr(source, "load"):
                entries.extend(mask_entry(entry) for entry in source())
        return entries

    # --- checking the plugins ---------------------------------------------------------

    def self_check(self) -> list[GovServiceError]:
        """Call every hook once, on sample records, for the centre's region and each region
        a plugin serves; return what went wrong (plugins that raised, a calendar missing).

        Notifications are not sent and blacklist sources are not fetched (they reach
        outside); stores are registered but not opened.
        """
        from govservice import samples  # only the check needs sample records

        problems: list[GovServiceError] = []
        regions = {self.config.region}
        regions.update(r for p in self.plugins.loaded.values() for r in p.regions)
        backends = self.plugins.registry("govservice_register_stores")
        if self.config.storage_backend not in backends:
            problems.append(
                ConfigError(
                    f"storage.backend: no backend is called {self.config.storage_backend!r}; "
                    f"known: {', '.join(sorted(backends))}",
                    where=self.config.where("storage", "backend"),
                )
            )
        else:
            try:
                self._check_storage_settings(backends[self.config.storage_backend][1])
            except ConfigError as error:
                problems.append(error)
        if self.trail.enabled:
            try:
                self.trail.key  # noqa: B018 (read and parsed: a key that cannot be, named)
            except GovServiceError as error:
                problems.append(error)
        problems += self._partner_problems()
        for hook in (
            "govservice_register_blacklist_sources",
            "govservice_register_selection_strategies",
            "govservice_register_station_standards",
        ):
            self.plugins.registry(hook)
        for region in sorted(regions):
            try:
                self.calendar(region)
            except GovServiceError as error:
                problems.append(error)
            item = samples.make_item(region=region)
            case = samples.make_case(item, region=region)
            self.required_materials(item, case)
            self.fees_for(item, case)
            for action in Action:
                self.check_rules(case, item, action)
        return [*self.plugins.problems, *problems]

    def _partner_problems(self) -> list[GovServiceError]:
        """The problems of ``blacklists.partners``: each partner's region, each key's
        public key read by its scheme, its dates and its id
        (:mod:`govservice.blacklists.partners`)."""
        if not self.config.blacklists.get("partners"):
            return []
        from govservice.blacklists.partners import partner_problems
        from govservice.blacklists.signing import schemes_of

        return list(partner_problems(self.config, schemes_of(self)))


def mask_entry(entry: BlacklistEntry) -> BlacklistEntry:
    """The entry with its subject's identity number masked (first 10, ****, last 4)."""
    identifier = entry.subject.identifier
    if identifier.kind is not IdentifierKind.RIC:
        return entry
    masked = Identifier(kind=identifier.kind, number=mask_ric(identifier.number))
    return attrs.evolve(entry, subject=attrs.evolve(entry.subject, identifier=masked))
