"""The plugin contract of govservice: every hook a plugin may implement.

A plugin is a module or an object with functions named after these hooks and marked with
:data:`govservice.hookimpl`. It is loaded from the ``govservice`` entry-point group or
named by module in the YAML configuration; each :class:`~govservice.GovService` has its
own plugin manager. govservice's own behaviour (the official calendar, the built-in
stores, selection strategies, station standards and the registry of staff) is registered through these same
hooks as default plugins, so a county replaces it the way it adds to it.

Conventions, as in pytest:

- Hooks that *register* things take a ``register`` callback; the host decides names and
  refuses a name registered twice, naming both plugins.
- ``firstresult`` hooks stop at the first non-None result; use ``tryfirst=True`` on the
  implementation to come before the built-in default. Never rely on the order in which
  plugins were registered.
- Hooks marked *region-scoped* are only called for a plugin whose regions include the
  region of the case or station concerned: the ``regions`` given for it in the
  configuration, else the ``REGIONS`` its module declares, else all regions. A plugin
  does not re-check the region itself.
- Implementations take no default arguments (pluggy does not pass them) and may take any
  subset of the arguments of the spec. Hook wrappers are not part of this contract.
- An exception raised in an implementation is reported with the plugin's name and the
  hook; outside strict mode that plugin is then left out of that hook for the session.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import pluggy

if TYPE_CHECKING:
    from govservice.blacklists.sources import LoadResult
    from govservice.intermediaries.draw import DrawStream
    from govservice.intermediaries.eligibility import Candidate
    from govservice.intermediaries.selection import Choice
    from govservice.model import (
        AgencyRules,
        AssessmentRules,
        Case,
        CaseEvent,
        Item,
        Material,
        Need,
        StaffPost,
        StationLevel,
    )
    from govservice.rules import Action, FeeAdjustment, Finding
    from govservice.standards import Standard
    from govservice.workdays import WorkingCalendar

PROJECT = "govservice"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)

StoreFactory = Callable[[Mapping[str, Any]], Any]
"""Builds a store from the ``storage.settings`` block of the configuration, to which the
host adds ``create`` (make a new database if there is none) and ``migrate`` (apply
pending migrations), both booleans.

A factory may carry ``SETTINGS_SCHEMA`` (a JSON Schema of the settings) and
``check_settings(settings)``, which returns ``(key, message)`` for each problem a schema
cannot see (a certificate file that is not there, say): ``govservice config check`` and
the opening of the store report both with the file, line and key."""

SignatureScheme = Any
"""A scheme that signs and verifies exchange files: ``name``, ``sign(private_key, data)``,
``verify(public_key, signature, data) -> bool``, ``load_private(path)``,
``load_public(text)``, ``public_text(private_key)``, ``key_id(private_key)`` (see
:class:`govservice.blacklists.signing.SignatureScheme`)."""


@runtime_checkable
class BlacklistSource(Protocol):
    """A list that feeds the blacklists (黑名单): our own, a court's list of dishonest
    debtors, a partner city's exchange files, a national sector list.

    ``name`` is the name it is registered under (``blacklist load NAME``); ``kind`` a
    :class:`~govservice.model.SourceKind` value (``own``, ``court``, ``other_city`` …);
    ``region`` the region code of whoever publishes it. ``load(service)`` reads the list
    and stores what changed through :meth:`govservice.blacklists.sources.Sources.receive`
    (an entry new or changed is an event of the trail with its provenance; one no longer
    listed is revoked), and returns the
    :class:`~govservice.blacklists.sources.LoadResult`; it raises a
    :class:`~govservice.errors.GovServiceError` naming why a list is refused, and then
    nothing of it is stored. Built-ins: :mod:`govservice.builtin.blacklist_sources`.

    .. versionchanged:: 0.5 was a callable returning entries (``source()``); such a
       callable is still accepted and loaded as a source of the kind its entries name.
    """

    name: str
    kind: str
    region: str

    def load(self, service: Any) -> LoadResult: ...


SelectionStrategy = Callable[["Sequence[Candidate]", "Need", "DrawStream", "str | None"], "Choice"]
"""``strategy(candidates, need, stream, named)`` chooses one of the eligible candidates
(:class:`~govservice.intermediaries.eligibility.Candidate`, sorted by credit code) for the
:class:`~govservice.model.Need` and returns a
:class:`~govservice.intermediaries.selection.Choice`: the credit code chosen, what it
ranked by (``scores``, ``ranked`` = ``"lowest"`` or ``"highest"``) and whether it is a
direct choice (``direct=True``: no draw, and the selection then needs a written reason).

Any chance comes from ``stream``, a :class:`~govservice.intermediaries.draw.DrawStream`
(SHA-256 in counter mode from the draw's seed, never ``random.Random``): a strategy that
is not direct must choose ``stream.choose(pool)``, its first draw, where ``pool`` is
every candidate or, when it ranks, the candidates tied at the best of its ``scores``; the
record is then re-run by :func:`~govservice.intermediaries.draw.verify` before it is
stored, and a strategy whose choice does not re-run is refused by name. ``named`` is the
credit code the caller asked for (a direct choice), else None. A strategy that ranks by
the assessment scores sets ``uses_scores = True`` on itself to have ``Candidate.score``
filled (one store look-up per candidate).

.. versionchanged:: 0.4 was ``strategy(candidates, service, rng)`` with a
   ``random.Random`` and :class:`~govservice.model.Intermediary` candidates.
"""


# -------------------------------------------------------------------------------------------
# Storage
# -------------------------------------------------------------------------------------------


@hookspec
def govservice_register_stores(register: Callable[[str, StoreFactory], None]) -> None:
    """Register storage backends by name.

    Called when a :class:`~govservice.GovService` opens its store. The backend named in
    the configuration (``storage.backend``) is then built by calling its factory with
    ``storage.settings`` plus the booleans ``create`` and ``migrate``. The store it returns
    implements :class:`govservice.store.base.Store`.

    :param register: ``register(name, factory)``; a name registered twice is an error.
    """


# -------------------------------------------------------------------------------------------
# Calendar
# -------------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def govservice_calendar(region: str) -> WorkingCalendar | None:
    """Return the working-day calendar of a region.

    Region-scoped. Called when a deadline is computed for a case of ``region``. The built-in default
    returns the official mainland calendar (holidays and swapped working weekends from
    the ``chinese-calendar`` package, plus the year files named in ``calendar.schedules``
    of the configuration). Stops at first non-None result.

    :param region: the GB/T 2260 code of the case's region, e.g. ``"370523"``.
    :return: a :class:`~govservice.workdays.WorkingCalendar`, or None to let others answer.
    """


@hookspec
def govservice_closure_days(region: str) -> Iterable[dt.date] | None:
    """Return local closure days of a region (in addition to the official calendar).

    Region-scoped. Called with the calendar hook; every plugin's days are added, together
    with ``calendar.closures`` from the configuration.

    :param region: the region whose calendar is being built.
    :return: dates on which the centre is closed, or None.
    """


# -------------------------------------------------------------------------------------------
# Items and cases
# -------------------------------------------------------------------------------------------


@hookspec
def govservice_extra_materials(item: Item, case: Case) -> Iterable[Material] | None:
    """Return materials a county requires for this item beyond the catalog's list.

    Region-scoped (by ``case.region``). Called when the materials required for a case
    are listed, at application and when completeness is checked (补正).

    :param item: the item applied for, in the version the case refers to.
    :param case: the case (its applicant and region decide what applies).
    :return: extra :class:`~govservice.model.Material` entries, or None.
    """


@hookspec
def govservice_case_rules(case: Case, item: Item, action: Action) -> Iterable[Finding] | None:
    """Check a county's local rules before an action on a case.

    Region-scoped. Called at application and before every state change. Every plugin is
    consulted; all blocking findings are reported together and stop the action, warnings
    are recorded with the event.

    :param case: the case as it is before the action.
    :param item: the item of the case.
    :param action: what is about to happen (:class:`~govservice.rules.Action`).
    :return: :class:`~govservice.rules.Finding` objects (severity ``block`` or ``warn``),
        or None when the rule has nothing to say.
    """


@hookspec
def govservice_fee_adjustments(case: Case, item: Item) -> Iterable[FeeAdjustment] | None:
    """Return reductions and exemptions of an item's fees for this case.

    Region-scoped. Called when the fees of a case are computed. When several adjustments
    name the same fee, the lowest amount wins.

    :param case: the case, whose applicant decides most exemptions (read the categories
        the clerk confirmed through ``case.confirmed_categories``).
    :param item: the item whose published fees are adjusted.
    :return: :class:`~govservice.rules.FeeAdjustment` objects, or None.

    .. versionchanged:: 0.3 called only for items that publish fees; fees collected by a
       third party and fees that do not apply to the case are not charged, so adjusting
       them changes nothing.
    """


@hookspec
def govservice_fee_conditions(case: Case, item: Item) -> Iterable[str] | None:
    """Confirm the conditions of an item's conditional fees for this case.

    Region-scoped. Called when the fees of a case are computed (at application and at
    acceptance), for items that publish fees. A conditional fee (``Fee.applicability`` is
    ``conditional``, its condition in ``Fee.condition``) is charged only when its
    condition is confirmed: by the window clerk at acceptance, or by a plugin here. Every
    plugin is consulted; a fee any of them names is charged.

    :param case: the case (its applicant, its kind of document, its attributes).
    :param item: the item whose conditional fees are asked about.
    :return: the names (``Fee.name``) of the conditional fees whose condition holds for
        the case, or None. A name that is no conditional fee of the item changes nothing.

    .. versionadded:: 0.3
    """


@hookspec
def govservice_case_event(case: Case, event: CaseEvent) -> None:
    """Be told of an event on a case (to send an SMS, a WeChat message, a log line).

    Region-scoped. Called after the action's transaction has committed, through the
    outbox (:mod:`govservice.workflow.outbox`): each event is written there with the
    action, and delivered once it is stored; a refused attempt is not told. The return
    value is ignored. An exception never undoes the event nor fails the action, in strict
    mode too: it is a warning (``GS504``), and the event is told again later to the
    plugins that failed (a few times, with growing waits; then by
    ``govservice notices deliver``). So a plugin may be told of an event more than once
    (after a crash between telling and recording it): make it idempotent where that
    matters, by the case id and the event's time and action.

    :param case: the case after the event (on a later attempt, the case as it stands
        then).
    :param event: the event recorded.

    .. versionchanged:: 0.2 called after commit, through the outbox, with retries; a
       failure is never fatal.
    """


# -------------------------------------------------------------------------------------------
# Catalog documents
# -------------------------------------------------------------------------------------------


@hookspec
def govservice_catalog_templates(region: str) -> Mapping[str, str] | None:
    """Return a county's own templates of the service guides, manuals and fee list.

    Region-scoped. Called when the documents of a region's catalog are rendered
    (:meth:`govservice.catalog.guides.GuideTemplates.for_region`: ``govservice catalog
    guide|manual|fees``, the demo's guide book). Each template named replaces the
    package's template of that name (``guide.html.j2``, ``guide.md.j2``,
    ``manual.html.j2``, ``manual.md.j2``, ``guide_book.html.j2``, ``guide_book.md.j2``,
    ``fees.html.j2``, or one of the parts they include: ``_page.html.j2``,
    ``_guide.html.j2``, ``_guide.md.j2``); see :doc:`guides` for the context each is given.
    Every plugin is consulted; two plugins naming the same template is an error naming
    both. Each override is compiled at once: a syntax error names its file and line
    (``GS505``).

    :param region: the GB/T 2260 code of the region whose catalog is rendered.
    :return: template name → path of a Jinja2 template file (UTF-8), or None.

    .. versionadded:: 0.2
    """


# -------------------------------------------------------------------------------------------
# Blacklists
# -------------------------------------------------------------------------------------------


@hookspec
def govservice_register_blacklist_sources(
    register: Callable[[str, BlacklistSource], None],
) -> None:
    """Register the lists that feed the blacklists (our own, a court's, a partner city's).

    Each is a :class:`BlacklistSource` (name, kind, region, ``load(service)``). Called by :class:`govservice.blacklists.sources.Sources` (``blacklist sources``,
    ``blacklist load [NAME]``). Built-ins (:mod:`govservice.builtin.blacklist_sources`):
    ``own`` (our own list, kept in the store) and one source for each entry of
    ``blacklists.sources`` in the configuration (a court's list read from the court's
    published JSON shape, a partner city's signed exchange files). Each load is kept in
    the store (when, how many, the signer's key id) and each change it makes is an event
    of the trail; identity numbers are masked on everything published.

    :param register: ``register(name, source)``, ``name`` being ``source.name``.

    .. versionchanged:: 0.5 a source is a :class:`BlacklistSource` object, not a callable
       returning entries (still accepted).
    """


@hookspec
def govservice_register_signature_schemes(
    register: Callable[[str, SignatureScheme], None],
) -> None:
    """Register signature schemes for the blacklist exchange files between cities (签名算法).

    Called when an exchange file is exported (the scheme of the signing key,
    ``blacklists.exchange.scheme``) or imported (the scheme its ``signature.scheme`` names,
    which must be the one of the partner's key). The built-in plugin
    (:mod:`govservice.builtin.signature_schemes`) registers ``ed25519``; a province that
    requires SM2 with SM3 (国密) registers ``sm2-sm3`` from a plugin of its own. A name
    registered twice is an error naming both plugins.

    :param register: ``register(name, scheme)``; ``scheme`` signs and verifies (see
        :class:`~govservice.blacklists.signing.SignatureScheme`).

    .. versionadded:: 0.15
    """


# -------------------------------------------------------------------------------------------
# Intermediaries
# -------------------------------------------------------------------------------------------


@hookspec
def govservice_register_selection_strategies(
    register: Callable[[str, SelectionStrategy], None],
) -> None:
    """Register ways to choose an agency for a need (random draw, lowest price ...).

    Called when a need is posted (its strategy must be known) and when a selection is
    made (:meth:`govservice.intermediaries.selection.Selections.select`). Built-ins
    (:mod:`govservice.builtin.selection`): ``random-draw`` (随机摇号), ``lowest-price``
    (最低价, ties by a draw), ``best-score`` (考核得分最高, ties by a draw) and ``direct``
    (直接选取: needs a written reason, listed in supervision).

    :param register: ``register(name, strategy)`` with a :data:`SelectionStrategy`;
        ``strategy(candidates, need, stream, named)`` returns a
        :class:`~govservice.intermediaries.selection.Choice`.

    .. versionchanged:: 0.4 strategies get the need and a SHA-256 draw stream (no
       ``random.Random``); the built-ins ``lottery`` and ``lowest-fee`` became
       ``random-draw`` and ``lowest-price``.
    """


# -------------------------------------------------------------------------------------------
# Stations
# -------------------------------------------------------------------------------------------


@hookspec
def govservice_register_station_standards(register: Callable[[Standard], None]) -> None:
    """Register standards that stations are evaluated against.

    Called when stations are evaluated. A standard registered by a region-scoped plugin
    is applied only to stations of its regions. Built-ins: ``five-ones`` (五个一) for
    village stations and ``iso-9001`` for rural-community centres.

    :param register: ``register(standard)`` with a :class:`~govservice.standards.Standard`.
    """


@hookspec
def govservice_guiding_items(region: str, level: StationLevel) -> Iterable[str] | None:
    """Return the codes of items a county adds to the guiding catalog (便民服务事项指导性目录)
    for stations of ``level`` in ``region``: what they must offer beyond the version in
    force (应进必进).

    Region-scoped. Called when the coverage report works out what each station must offer
    (:func:`govservice.stations.coverage.coverage_report`), once per region and level;
    every plugin's codes are added, together with ``stations.guiding_items`` from the
    configuration. A code that names no stored item is refused by name.

    :param region: the GB/T 2260 code of the stations' county, e.g. ``"370523"``.
    :param level: the :class:`~govservice.model.StationLevel` of the stations.
    :return: item codes, or None to add none.
    """


@hookspec(firstresult=True)
def govservice_assessment_rules(region: str) -> AssessmentRules | None:
    """Return the rules (考核细则) of the quarterly assessment of a region's window staff.

    Region-scoped. Called when a quarter is assessed
    (:meth:`govservice.stations.assessment.StaffAssessment.quarter`), for the centre's
    region. A plugin's rules come before the configuration's ``stations.assessment``;
    with neither, the built-in :data:`govservice.model.assessment.DEFAULT_RULES` apply.
    The weights of the rules add up to 100 (:class:`~govservice.model.Weights` checks it
    when the plugin builds them). Stops at first non-None result.

    :param region: the region of the centre whose staff are assessed (``370523``).
    :return: an :class:`~govservice.model.AssessmentRules`, or None to let the
        configuration (or the built-in rules) decide.

    .. versionadded:: 0.3
    """


@hookspec(firstresult=True)
def govservice_agency_assessment_rules(region: str) -> AgencyRules | None:
    """Return the rules (中介机构考核细则) of the quarterly assessment of a region's
    intermediary agencies.

    Region-scoped. Called when a quarter of the intermediary supermarket is assessed
    (:meth:`govservice.intermediaries.assessment.AgencyAssessment.assess`), for the
    centre's region. The built-in plugin ``govservice.agency_assessment`` answers last
    (``trylast``) with the configuration's ``intermediaries.assessment``, else the
    built-in :data:`govservice.model.supermarket.DEFAULT_AGENCY_RULES`; a county's plugin
    answers before it. The rules weigh timeliness, quality, fee compliance and
    complaints (the weights add up to 100, :class:`~govservice.model.AgencyRules` checks
    it), grade the score (优秀, 良好, 合格, 不合格) and say the consequence (e.g. two
    不合格 quarters in a row suspend for six months). Stops at first non-None result.

    :param region: the region of the centre whose agencies are assessed (``370500``).
    :return: an :class:`~govservice.model.AgencyRules`, or None to let the configuration
        (or the built-in rules) decide.

    .. versionadded:: 0.4
    """


# -------------------------------------------------------------------------------------------
# Who may act
# -------------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def govservice_staff_posts(
    name: str, staff_number: str | None, station_code: str | None, store: Any
) -> Iterable[StaffPost] | None:
    """Return the posts a member of staff holds: at which station, in which role.

    Region-scoped (by the region of the case acted on). Called before a member of staff
    (a window clerk, reviewer, approver, supervisor, or a centre's agent) acts on a case,
    to check them against the centre's registry of staff; see "Who may act" in
    ``docs/workflow.md``. This is where an integrator plugs in its own directory of staff
    (a province's unified identity platform, a county's personnel system): implement it
    with ``tryfirst=True``. The built-in default (``govservice.staff``, ``trylast``) reads
    the staff lists of the stations in ``store``. The workflow then checks that a post
    has the actor's role at the case's station and the actor's name. Authentication is
    not asked for: the integrator has authenticated the person already.
    Stops at first non-None result.

    :param name: the actor's name, as the integrator gives it.
    :param staff_number: the staff number (工号) the integrator authenticated, or None:
        then the person is looked up by ``name``.
    :param station_code: the station asked about, or None for every station (a centre's
        agent, who follows a project from station to station).
    :param store: the store the workflow reads and writes; the stations are there.
    :return: the :class:`~govservice.model.StaffPost` entries of that person (an empty
        list: none, the person is not staff there), or None to let others answer.
    """
