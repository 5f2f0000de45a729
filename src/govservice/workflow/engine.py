"""Where a case changes state: :class:`Workflow`, one method per action of the table.

Every action follows the same steps (:meth:`Workflow._act`): find the row of the state
table (:mod:`~govservice.workflow.transitions`), check who acts (their role, and that they
are the applicant, an agent with a mandate or staff of the case's station, in
:mod:`~govservice.workflow.authority`; a refusal is recorded on the case, then raised), ask
the local rules (every blocking finding at once; warnings go into the event), change the
case, append the event and store the case at the version it was read (the store chains the
event and the whole record into the tamper-evident trail, and the notice of the event is
written to the outbox in the same transaction, delivered after it commits: see
:mod:`~govservice.workflow.outbox`). Nothing is written when a step fails.

A case is passed either as its id or as the :class:`~govservice.store.base.Stored` case a
previous action returned, which saves reading it again; either way a case changed by
someone else in between gives :class:`~govservice.errors.ConflictError`. Reading and
writing cases, and batches of actions, are :class:`~govservice.workflow.session.CaseSession`'s;
who acts is an :class:`~govservice.workflow.actors.Actor`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from govservice.clock import SHANGHAI
from govservice.errors import (
    AuthorizationError,
    ClockClaimError,
    GovServiceError,
    ItemNotAcceptingError,
    RecordNotFoundError,
    RoleError,
    RulesBlockedError,
    SupplementMismatchError,
    TransitionError,
    WorkflowError,
)
from govservice.model import (
    ApplicantCategoryKind,
    Case,
    CaseEvent,
    CaseState,
    ChargedFee,
    Decision,
    Evaluation,
    FollowUp,
    Grade,
    Item,
    Outcome,
    RecordedFinding,
    Rectification,
    Role,
    SpecialProcedure,
    SubmittedMaterial,
    SupplementRequest,
    Suspension,
)
from govservice.model._evolve import evolve
from govservice.model.case import TRACKING_ALPHABET
from govservice.rules import Action
from govservice.store.base import CatalogPlace, ItemHead, Stored
from govservice.store.simulation import is_simulation
from govservice.workdays import WorkingCalendar
from govservice.workflow import deadlines, intake
from govservice.workflow.acceptance import (
    OVERRIDE_ACTION,
    fee_settlement,
    override_screening,
    screening_check,
    settlement_note,
)
from govservice.workflow.actors import Actor
from govservice.workflow.authority import Authority, same_identifier
from govservice.workflow.session import CaseRef, CaseSession
from govservice.workflow.transitions import OTHER_ACTIONS, transition

RECTIFICATION_DAYS = 15
"""Working days a rectification (整改) is due in after a bad evaluation."""

EXTENSION_DAYS = 10
"""Working days the head of an authority may add to the legal limit, once (第四十二条)."""

_EXTENDABLE = (CaseState.ACCEPTED, CaseState.IN_REVIEW, CaseState.SUSPENDED)

PROVISIONAL = "DEADLINE-PROVISIONAL"
"""The code of the warning recorded when a due date is provisional."""

DEEMED_ACCEPTED = "ACCEPTANCE-DEEMED"
"""The code of the warning recorded when an application accepted late counts as accepted on
receipt (第三十二条), its deadlines counted from then."""

LATE_REFUSAL = "REFUSAL-LATE"
"""The code of the warning recorded on a refusal (不予受理) after the 5 working days of
第三十二条, when the application counts as accepted already."""

LATE_NOTICE = "SUPPLEMENT-LATE"
"""The code of the warning recorded on a supplement notice given after the 5 working days
of 第三十二条 (the application counts as accepted on receipt all the same)."""


def new_tracking_code(token_bytes: Callable[[int], bytes] = secrets.token_bytes) -> str:
    """12 characters from 32 (60 random bits): short to read out, not to be guessed.

    :param token_bytes: where the bits come from (:attr:`GovService.token_bytes`): the
        system's secure source, or a seeded one when a simulation is to be repeatable.
    """
    bits = int.from_bytes(token_bytes(8)) >> 4
    pairs = _TRACKING_PAIRS
    return (
        pairs[bits & 1023]
        + pairs[(bits >> 10) & 1023]
        + pairs[(bits >> 20) & 1023]
        + pairs[(bits >> 30) & 1023]
        + pairs[(bits >> 40) & 1023]
        + pairs[bits >> 50]
    )


_TRACKING_PAIRS = tuple(
    TRACKING_ALPHABET[chunk & 31] + TRACKING_ALPHABET[chunk >> 5] for chunk in range(1024)
)
"""The characters of a tracking code two at a time: those of each 10 bits (the lower 5
bits first), as the code's characters run from its lowest 5 bits up."""


class Workflow(CaseSession):
    """The actions of window clerks, reviewers, approvers, agents and supervisors on cases
    of one :class:`~govservice.GovService` (its store, clock, calendars and plugins)."""

    # --- application ---------------------------------------------------------------------

    def apply(
        self,
        case: Case,
        actor: Actor,
        *,
        receipt_reason: str | None = None,
        carried: Iterable[str] = (),
        at: dt.datetime | None = None,
    ) -> Stored[Case]:
        """Take a new application (申请): check what it carries, that the item takes cases
        and the local rules; charge the published fees (after county exemptions), give it
        a tracking code.

        The case is what the applicant may say (:mod:`~govservice.workflow.intake`): who
        they are, the item, region and station, the materials. What only the centre sets
        (state, events, fees, green channel, handler, tracking code, deadlines ...) is
        refused, with every other problem, by name; so are a station that is not stored
        or does not serve the region, and a region not the item's nor one it is
        delegated to. The time of receipt is the centre's clock; a paper application
        entered late keeps its earlier ``received_at`` only when a window clerk gives
        ``receipt_reason``. ``carried`` names the centre-set keys of an application file
        (:func:`~govservice.workflow.intake.application_from_document`).

        The case is for the item as the catalog publishes it today (its latest version).
        A case of a joint-review project takes the project's green channel, handler and
        agent. A refused application is recorded on the trail (it has no case to record
        it on), then the error is raised.
        """
        with self.refusals_recorded(case.id, actor, Action.APPLY.value, at):
            at = self._now(at)
            row = transition(None, Action.APPLY)
            refused = self.authority.refusal(
                case, actor, row.action.value, row.roles, row.label, at, snapshot=self._pending
            )
            if refused is not None:  # no case yet: recorded on the trail as a refusal
                raise refused
            head = self.store.item_status(case.item_code)
            if head is not None and head.version != case.item_version:
                case = evolve(case, item_version=head.version)  # as published today
            item = self.item_of(case)
            place = self.store.catalog_place(item.region, item.code, _day(at))
            if place is not None and place.head is not None and place.head.version != item.version:
                case = evolve(case, item_version=place.head.version)  # as in force that day
                item = self.item_of(case)
            station = (
                self.store.get("station", case.station_code)
                if case.station_code is not None
                else None
            )
            receipt = intake.check_application(
                case,
                item,
                actor,
                at=at,
                station=station.record if station is not None else None,
                station_known=station is not None,
                receipt_reason=receipt_reason,
                carried=carried,
            )
            if receipt.received_at != case.received_at:  # the centre's clock
                case = evolve(case, received_at=receipt.received_at)
            self._check_item_accepts(item, case.id, _day(at), head, place)
            with self.store.transaction():  # a project stays open until the case is stored
                if case.project_id is not None:
                    case = self._join_project(case)
                warnings = (*receipt.warnings, *self._rules(case, item, Action.APPLY))
                charging = self.service.fee_charging(item, case)
                if charging.findings:
                    warnings = (*warnings, *_recorded(charging.findings))
                changes: dict[str, Any] = {
                    "tracking_code": new_tracking_code(self.service.token_bytes),
                    "fees": charging.fees,
                }
                with _as_workflow_error(case.id):
                    event = self._event(
                        case, actor, Action.APPLY, None, CaseState.SUBMITTED, at, warnings
                    )
                    case = evolve(case, events=(event,), **changes)
                stored = self._add(case)
        return stored

    def record_refusal(
        self,
        subject_id: str,
        actor: Actor,
        action: str,
        error: GovServiceError,
        at: dt.datetime | None = None,
    ) -> None:
        """Chain a refusal that leaves no case to record it on (a refused application,
        consultation or project completion) into the trail: who, in what role, what,
        when (the time claimed, ``at``, if one was given, and the server's), and why
        (the error's code and message; an application's refused fields).
        ``subject_id`` names what was refused: the case id the application gave, the
        project's id."""
        recorded = self._recorded_at()
        refusal: dict[str, Any] = {
            "action": action,
            "actor": actor.name,
            "role": actor.role.value,
            "at": recorded.isoformat(),
            "recorded_at": recorded.isoformat(),
            "refusal": f"{error.code}: {error.message}",
        }
        claimed = at if at is not None else self.claimed_now
        if claimed is not None:
            refusal["claimed_at"] = claimed.isoformat()
        fields = getattr(error, "fields", ())
        if fields:
            refusal["fields"] = list(fields)
        self.store.record_refusal(subject_id, refusal)

    @contextlib.contextmanager
    def refusals_recorded(
        self, subject_id: str, actor: Actor, action: str, at: dt.datetime | None
    ) -> Iterator[None]:
        """A context in which every refusal raised is recorded (:meth:`record_refusal`),
        then goes on: workflow refusals, blocking local rules, and what names a record
        that is not stored (an item not in the catalog, an unknown project); not a store's
        failures. The record is written after the refused work is rolled back (in a
        batch: with the batch)."""
        try:
            yield
        except (WorkflowError, RulesBlockedError, RecordNotFoundError) as error:
            self.record_refusal(subject_id, actor, action, error, at)
            raise

    def accept(
        self,
        ref: CaseRef,
        actor: Actor,
        *,
        fee_choices: Mapping[str, str] | None = None,
        fee_conditions: Iterable[str] = (),
        confirm_categories: bool | Iterable[ApplicantCategoryKind | str] = (),
        at: dt.datetime | None = None,
    ) -> Stored[Case]:
        """受理: the materials are complete; the deadlines start counting from today.

        An application neither accepted nor sent back for a supplement within 5 working
        days of receipt counts as accepted on receipt (第三十二条): its deadlines count
        from the day of receipt, and the event says so (``ACCEPTANCE-DEEMED``).

        The clerk settles what the fees depend on, and the fees are computed again
        (:meth:`GovService.fee_charging`; a reduction already granted on the case with
        :meth:`exempt_fee` is kept): ``fee_choices`` chooses among the item's fee
        alternatives (group -> option; otherwise the case's ``document_kind`` selects),
        ``fee_conditions`` names the conditional fees whose condition the clerk confirms,
        and ``confirm_categories`` confirms the applicant's declared categories, having
        seen their evidence (True: all of them; or the kinds named). A group, option,
        condition or category the item or the case does not have is refused, naming what
        it has. The charging's findings are warnings of the event."""
        choices = dict(fee_choices or {})
        conditions = tuple(dict.fromkeys(fee_conditions))
        confirming = (
            confirm_categories
            if isinstance(confirm_categories, bool)
            else tuple(confirm_categories)
        )

        def change(case: Case, item: Item, at: dt.datetime) -> dict[str, Any]:
            self._check_item_accepts(item, case.id, _day(at))
            settled = fee_settlement(case, item, choices, conditions, confirming, actor, at)
            # 黑名单筛查, when the item requires it (a supervisor's override lets it pass)
            screened = screening_check(self.service, case, item, _day(at), self.store)
            missing = self.service.missing_materials(item, case)
            if missing:
                names = "、".join(material.name for material in missing)
                noticed = any(s.from_state is CaseState.SUBMITTED for s in case.supplements)
                then = (
                    "the one notice was given already: refuse it (不予受理) with the reason"
                    if noticed
                    else "request a supplement listing them instead (request_supplement)"
                )
                raise WorkflowError(
                    f"required materials are missing ({names}); {then}",
                    where=f"case {case.id}",
                )
            fees = self._fees_at_acceptance(evolve(case, **settled) if settled else case, item)
            fees = (fees[0], (*screened, *fees[1]))
            received = _day(case.received_at)
            if self._answered_in_time(case, _day(at)):
                changes = {"accepted_at": at, **self._deadlines(case, item, _day(at))}
                return _with_fees(changes, settled, fees)
            changes = {"accepted_at": at, **self._deadlines(case, item, received)}
            deemed = RecordedFinding(
                code=DEEMED_ACCEPTED,
                message=f"收件后{deadlines.ACCEPTANCE_DAYS}个工作日内未受理、也未一次告知补正，"
                f"依法自收到申请材料之日（{received}）起即为受理，办理时限自该日起算"
                "（行政许可法第三十二条）。",
            )
            changes["deadline_warnings"] = (*changes.get("deadline_warnings", ()), deemed)
            return _with_fees(changes, settled, fees)

        note = settlement_note(choices, conditions, confirming)
        return self._act(ref, actor, Action.ACCEPT, change, at=at, note=note)

    def _fees_at_acceptance(
        self, case: Case, item: Item
    ) -> tuple[tuple[ChargedFee, ...], tuple[RecordedFinding, ...]]:
        """The fees of ``case`` (the clerk's settlement applied) computed again, keeping a
        reduction already granted (a lower amount charged before, with its reason, for the
        same fee and option), and the charging's findings as recorded warnings."""
        charging = self.service.fee_charging(item, case)
        before = {(fee.name, fee.option): fee for fee in case.fees if fee.exemption is not None}
        fees = []
        for fee in charging.fees:
            granted = before.get((fee.name, fee.option))
            fees.append(granted if granted is not None and granted.amount < fee.amount else fee)
        return tuple(fees), _recorded(charging.findings)

    def refuse(
        self,
        ref: CaseRef,
        actor: Actor,
        reason: str,
        *,
        legal_basis: str | None = None,
        at: dt.datetime | None = None,
    ) -> Stored[Case]:
        """不予受理, with the reason (and legal basis) the applicant is told: a window clerk
        can always refuse an application not yet accepted, whether it waits at the
        window or for a supplement asked for before acceptance (so that no application
        is left stuck). A refusal after the 5 working days of 第三十二条 carries the
        warning ``REFUSAL-LATE``: by then the application counts as accepted."""
        _required(reason, "a refusal states its reason")
        note = f"{reason}（依据：{legal_basis}）" if legal_basis else reason

        def change(case: Case, item: Item, at: dt.datetime) -> dict[str, Any]:
            if case.state is CaseState.AWAITING_SUPPLEMENT and (
                not case.supplements or case.supplements[-1].from_state is not CaseState.SUBMITTED
            ):
                raise TransitionError(
                    f"case {case.id} was accepted before its supplement notice; not accepting "
                    "it (不予受理) comes before acceptance: once the supplement arrives, the "
                    "decision may deny it"
                )
            return {"refusal_reason": reason, **self._if_late(case, at, LATE_REFUSAL, "不予受理")}

        return self._act(ref, actor, Action.REFUSE, change, at=at, note=note)

    def request_supplement(
        self,
        ref: CaseRef,
        actor: Actor,
        materials: Iterable[str] | None = None,
        *,
        note: str | None = None,
        at: dt.datetime | None = None,
    ) -> Stored[Case]:
        """补正: one notice listing every missing material at once (行政许可法第三十二条).

        ``materials`` defaults to every required material not handed in (county additions
        included). Only one notice is given before acceptance, and one during review.
        """

        def change(case: Case, item: Item, at: dt.datetime) -> dict[str, Any]:
            earlier = [s for s in case.supplements if s.from_state is case.state]
            if earlier:
                raise WorkflowError(
                    f"a supplement was already requested on {_day(earlier[0].requested_at)}; "
                    "the applicant is told everything in one notice (一次性告知)",
                    where=f"case {case.id}",
                )
            listed = tuple(
                dict.fromkeys(
                    materials
                    if materials is not None
                    else (m.name for m in self.service.missing_materials(item, case))
                )
            )
            if not listed:
                raise WorkflowError(
                    "no required material is missing; name the materials to supplement",
                    where=f"case {case.id}",
                )
            request = SupplementRequest(
                requested_at=at, materials=listed, note=note, from_state=case.state
            )
            changes: dict[str, Any] = {"supplements": (*case.supplements, request)}
            if case.state is CaseState.SUBMITTED:
                late = "；受理后办理时限自收件日起算"
                changes |= self._if_late(case, at, LATE_NOTICE, "补正告知", late)
            return changes

        return self._act(ref, actor, Action.REQUEST_SUPPLEMENT, change, at=at, note=note)

    def supplement(
        self,
        ref: CaseRef,
        actor: Actor,
        materials: Iterable[SubmittedMaterial],
        *,
        at: dt.datetime | None = None,
    ) -> Stored[Case]:
        """The supplement arrives, checked against its notice: a material the notice did
        not ask for is refused (:class:`SupplementMismatchError`, listing what it asked
        for). Once every material of the notice has arrived, the case returns to where
        the notice was given, and during review the clock restarts: both periods count
        again from today. A partial supplement keeps the case waiting for the rest
        (``SupplementRequest.arrived``, ``.awaited``)."""
        handed_in = tuple(materials)
        if not handed_in:
            raise WorkflowError("a supplement hands in at least one material")

        def change(case: Case, item: Item, at: dt.datetime) -> dict[str, Any]:
            request = _still_open(case, case.supplements, "received_at", "supplement notice")
            names = tuple(dict.fromkeys(material.name for material in handed_in))
            unasked = [name for name in names if name not in request.materials]
            if unasked:
                awaited = "、".join(request.awaited)
                raise SupplementMismatchError(
                    f"the notice of {_day(request.requested_at)} did not ask for "
                    f"{'、'.join(unasked)}; it asked for {'、'.join(request.materials)} "
                    f"(still awaited: {awaited}); nothing was stored",
                    where=f"case {case.id}",
                )
            arrived = tuple(dict.fromkeys((*request.arrived, *names)))
            answered = evolve(request, arrived=arrived)
            changes: dict[str, Any] = {"materials": (*case.materials, *handed_in)}
            if answered.awaited:  # the notice stays open until every material has arrived
                changes["supplements"] = (*case.supplements[:-1], answered)
                changes["state"] = CaseState.AWAITING_SUPPLEMENT
                return changes
            answered = evolve(answered, received_at=at)
            changes["supplements"] = (*case.supplements[:-1], answered)
            changes["state"] = request.from_state
            if request.from_state is CaseState.IN_REVIEW:
                changes.update(self._deadlines(case, item, _day(at)))
            return changes

        return self._act(ref, actor, Action.SUPPLEMENT, change, at=at)

    # --- review and decision ---------------------------------------------------------------

    def review(self, ref: CaseRef, actor: Actor, *, at: dt.datetime | None = None) -> Stored[Case]:
        """审查: a reviewer takes the accepted case."""
        return self._act(ref, actor, Action.REVIEW, lambda case, item, at: {}, at=at)

    def suspend(
        self,
        ref: CaseRef,
        actor: Actor,
        procedure: SpecialProcedure | str,
        reason: str,
        *,
        expected_days: int | None = None,
        at: dt.datetime | None = None,
    ) -> Stored[Case]:
        """特别程序 (expert review, hearing, site inspection ...): the clock stops until
        :meth:`resume`; ``expected_days`` is what the applicant is told (第四十五条)."""
        _required(reason, "a special procedure states its reason")

        def change(case: Case, item: Item, at: dt.datetime) -> dict[str, Any]:
            suspension = Suspension(
                procedure=procedure,
                reason=reason,
                started_at=at,
                expected_days=expected_days,
                from_state=case.state,
            )
            return {"suspensions": (*case.suspensions, suspension)}

        return self._act(ref, actor, Action.SUSPEND, change, at=at, note=reason)

    def resume(self, ref: CaseRef, actor: Actor, *, at: dt.datetime | None = None) -> Stored[Case]:
        """The special procedure is over: the working days it took are added to both
        due dates."""

        def change(case: Case, item: Item, at: dt.datetime) -> dict[str, Any]:
            calendar = self.service.case_calendar(case)
            current = _still_open(case, case.suspensions, "resumed_at", "special procedure")
            days = deadlines.excluded_days(calendar, _day(current.started_at), _day(at))
            done = attrs.evolve(current, resumed_at=at, excluded_days=days)
            changes: dict[str, Any] = {
                "suspensions": (*case.suspensions[:-1], done),
                "state": current.from_state,
            }
            suspended_on = _day(current.started_at)
            provisional = case.deadline_provisional
            for field in ("promised_due", "legal_due"):
                due = getattr(case, field)
                # Only a period still running when the procedure began is extended: a
                # promise already missed stays missed (第四十五条).
                if due is not None and due >= suspended_on:
                    moved = deadlines.extended(calendar, due, days)
                    changes[field] = moved.due
                    provisional = provisional or moved.provisional
            if provisional and not case.deadline_provisional:
                end = changes.get("legal_due", case.legal_due) or _day(at)
                changes["deadline_warnings"] = (_provisional_warning(calendar, _day(at), end),)
            changes["deadline_provisional"] = provisional
            return changes

        return self._act(ref, actor, Action.RESUME, change, at=at)

    def decide(
        self,
        ref: CaseRef,
        actor: Actor,
        outcome: Outcome | str,
        *,
        reason: str | None = None,
        legal_basis: str | None = None,
        at: dt.datetime | None = None,
    ) -> Stored[Case]:
        """准予 or 不予: a denial states its reason and legal basis. An immediate item
        (即办件) is decided at the window straight after acceptance."""
        outcome = Outcome(outcome)
        if outcome is Outcome.DENY:
            _required(reason, "a denial states its reason")
            _required(legal_basis, "a denial states its legal basis")

        def change(case: Case, item: Item, at: dt.datetime) -> dict[str, Any]:
            if case.state is CaseState.ACCEPTED and not item.is_immediate:
                raise TransitionError(
                    f"item {item.code} is not an immediate item (即办件): review the case "
                    "before deciding it",
                    where=f"case {case.id}",
                )
            return {
                "decision": Decision(outcome=outcome, reason=reason, legal_basis=legal_basis),
                "decided_at": at,
                "state": CaseState.GRANTED if outcome is Outcome.GRANT else CaseState.DENIED,
            }

        return self._act(ref, actor, Action.DECIDE, change, at=at, note=reason)

    def complete(
        self, ref: CaseRef, actor: Actor, *, at: dt.datetime | None = None
    ) -> Stored[Case]:
        """办结: the decision is delivered."""
        return self._act(
            ref, actor, Action.COMPLETE, lambda case, item, at: {"completed_at": at}, at=at
        )

    def withdraw(
        self,
        ref: CaseRef,
        actor: Actor,
        *,
        reason: str | None = None,
        at: dt.datetime | None = None,
    ) -> Stored[Case]:
        """撤回: the applicant (or the agent for them) withdraws before the decision."""
        return self._act(
            ref, actor, Action.WITHDRAW, lambda case, item, at: {}, at=at, note=reason
        )

    # --- actions that keep the state -----------------------------------------------------------

    def assign(
        self,
        ref: CaseRef,
        actor: Actor,
        *,
        handler: str | None = None,
        green_channel: bool | None = None,
        agent: str | None = None,
        at: dt.datetime | None = None,
    ) -> Stored[Case]:
        """Name a dedicated handler (专人负责制), put the case on the green channel
        (绿色通道: first in every work queue), and/or assign it to a centre's agent
        (全程代办, by staff number or name: only they act on it as its agent)."""
        changes: dict[str, Any] = {}
        if handler is not None:
            _required(handler, "a handler is named")
            changes["handler"] = handler
        if green_channel is not None:
            changes["green_channel"] = green_channel
        if agent is not None:
            _required(agent, "a centre's agent is named")
            changes |= {"centre_agent": agent, "full_agency": True}
        if not changes:
            raise WorkflowError(
                "assign names a handler or a centre's agent, or sets the green channel"
            )
        note = "；".join(
            [f"专人负责：{handler}"] * (handler is not None)
            + [f"绿色通道：{'是' if green_channel else '否'}"] * (green_channel is not None)
            + [f"全程代办：{agent}"] * (agent is not None)
        )

        def change(case: Case, at: dt.datetime) -> dict[str, Any]:
            if case.state.is_closed:
                raise TransitionError(f"case {case.id} is closed ({case.state.label})")
            return changes

        return self._keep_state(ref, actor, "assign", change, at=at, note=note)

    def evaluate(
        self,
        ref: CaseRef,
        actor: Actor,
        grade: Grade | str,
        *,
        comment: str | None = None,
        at: dt.datetime | None = None,
    ) -> Stored[Case]:
        """好差评: one evaluation of a completed case by its applicant. A bad grade opens a
        rectification (整改) due in 15 working days."""
        grade = Grade(grade)

        def change(case: Case, at: dt.datetime) -> dict[str, Any]:
            if case.state is not CaseState.COMPLETED:
                raise TransitionError(
                    f"only a completed case is evaluated; case {case.id} is "
                    f"{case.state.value} ({case.state.label})"
                )
            if case.evaluation is not None:
                raise WorkflowError(
                    f"case {case.id} was already evaluated on {_day(case.evaluation.at)}; "
                    "a case is evaluated once"
                )
            changes: dict[str, Any] = {
                "evaluation": Evaluation(grade=grade, at=at, comment=comment)
            }
            if grade.is_bad:
                calendar = self.service.case_calendar(case)
                due = calendar.add_working_days(_day(at), RECTIFICATION_DAYS)
                changes["rectification"] = Rectification(
                    opened_at=at, due=due.due, due_provisional=due.provisional
                )
                if due.provisional:
                    warning = _provisional_warning(calendar, _day(at), due.due)
                    changes["deadline_warnings"] = (warning,)
            return changes

        return self._keep_state(ref, actor, "evaluate", change, at=at, note=grade.label)

    def extend(
        self, ref: CaseRef, actor: Actor, reason: str, *, at: dt.datetime | None = None
    ) -> Stored[Case]:
        """延长: the head of the authority extends the legal limit once, by 10 working days,
        telling the applicant why (行政许可法第四十二条). The centre's promise is not moved:
        a case decided after it is late by the promise, within the law."""
        _required(reason, "an extension states its reason")

        def change(case: Case, at: dt.datetime) -> dict[str, Any]:
            if case.state not in _EXTENDABLE or case.legal_due is None:
                raise TransitionError(
                    f"only an accepted case not yet decided is extended; case {case.id} is "
                    f"{case.state.value} ({case.state.label})"
                )
            if any(event.action == "extend" and event.refusal is None for event in case.events):
                raise WorkflowError(
                    f"the legal limit of case {case.id} was extended already; the law allows "
                    "one extension (行政许可法第四十二条)"
                )
            calendar = self.service.case_calendar(case)
            moved = calendar.add_working_days(case.legal_due, EXTENSION_DAYS)
            changes: dict[str, Any] = {
                "legal_due": moved.due,
                "deadline_provisional": case.deadline_provisional or moved.provisional,
            }
            if moved.provisional and not case.deadline_provisional:
                warning = _provisional_warning(calendar, case.legal_due, moved.due)
                changes["deadline_warnings"] = (warning,)
            return changes

        return self._keep_state(ref, actor, "extend", change, at=at, note=reason)

    def issue_tracking_code(
        self, ref: CaseRef, actor: Actor, *, at: dt.datetime | None = None
    ) -> Stored[Case]:
        """Give a case that has none (one brought in by bulk import) its tracking code, so
        that the public can look it up."""

        def change(case: Case, at: dt.datetime) -> dict[str, Any]:
            if case.tracking_code is not None:
                raise WorkflowError(f"case {case.id} has a tracking code already")
            return {"tracking_code": new_tracking_code(self.service.token_bytes)}

        return self._keep_state(ref, actor, "issue_code", change, at=at)

    def exempt_fee(
        self,
        ref: CaseRef,
        actor: Actor,
        fee: str,
        reason: str,
        *,
        amount: Decimal | str = Decimal("0"),
        at: dt.datetime | None = None,
    ) -> Stored[Case]:
        """减免收费: a window clerk lowers a fee charged on the case (to ``amount``, 0 by
        default: waived), stating the reason, kept with the fee and in the event. The fees
        are otherwise the catalog's after the county plugins' exemptions: an application
        never sets them."""
        _required(reason, "an exemption states its reason")
        try:
            amount = Decimal(str(amount))
        except InvalidOperation:
            raise WorkflowError(f"an exemption's amount is in yuan, not {amount!r}") from None
        if not amount.is_finite() or amount.is_signed() or amount.as_tuple().exponent < -2:  # type: ignore[operator]
            raise WorkflowError(
                f"an exemption's amount is a finite, non-negative amount of yuan with at most "
                f"2 decimals, not {amount}"
            )
        note = f"减免收费 {fee}：实收 {amount} 元；理由：{reason}"

        def change(case: Case, at: dt.datetime) -> dict[str, Any]:
            if case.state.is_closed:
                raise TransitionError(
                    f"case {case.id} is {case.state.value} ({case.state.label}); its fees stay "
                    "as charged"
                )
            charged = {f.name: f for f in case.fees}
            if fee not in charged:
                known = "、".join(charged) or "none"
                raise WorkflowError(f"case {case.id} is charged no fee {fee!r}; charged: {known}")
            if amount >= charged[fee].amount:
                raise WorkflowError(
                    f"an exemption lowers the fee {fee!r} of case {case.id} "
                    f"(charged {charged[fee].amount} yuan), not to {amount}"
                )
            lowered = attrs.evolve(charged[fee], amount=amount, exemption=reason)
            return {"fees": tuple(lowered if f.name == fee else f for f in case.fees)}

        return self._keep_state(ref, actor, "exempt_fee", change, at=at, note=note)

    def override_screening(
        self, ref: CaseRef, actor: Actor, reason: str, *, at: dt.datetime | None = None
    ) -> Stored[Case]:
        """黑名单筛查放行: a supervisor lets the blacklist hits of a submitted case's
        applicant pass, stating why (the entry is another subject's, say); the case may
        then be accepted for an item that requires screening. The entries and their
        sources are the warnings of the event, the reason its note
        (:func:`govservice.workflow.acceptance.override_screening`)."""
        _required(reason, "an override of a screening hit states its reason")
        return self._keep_state(
            ref,
            actor,
            OVERRIDE_ACTION,
            lambda case, at: override_screening(self.service, case, reason, _day(at), self.store),
            at=at,
            note=reason,
        )

    def record_consultation(
        self, ref: CaseRef, actor: Actor, note: str, *, at: dt.datetime | None = None
    ) -> Stored[Case]:
        """Record a joint consultation (联审会议) on one case of its project; see
        :func:`govservice.workflow.projects.consult`, which records it on every open one."""
        return self._keep_state(ref, actor, "consult", lambda case, at: {}, at=at, note=note)

    def follow_up(
        self,
        ref: CaseRef,
        actor: Actor,
        note: str,
        *,
        close: bool = False,
        at: dt.datetime | None = None,
    ) -> Stored[Case]:
        """Record what was done about a bad evaluation (整改回访); ``close`` ends the
        rectification."""
        _required(note, "a follow-up says what was done")

        def change(case: Case, at: dt.datetime) -> dict[str, Any]:
            rectification = case.rectification
            if rectification is None or rectification.closed_at is not None:
                raise WorkflowError(f"case {case.id} has no open rectification")
            follow_ups = (*rectification.follow_ups, FollowUp(at=at, actor=actor.name, note=note))
            return {
                "rectification": attrs.evolve(
                    rectification, follow_ups=follow_ups, closed_at=at if close else None
                )
            }

        return self._keep_state(ref, actor, "follow_up", change, at=at, note=note)

    # --- the steps every action takes -----------------------------------------------------------

    def _act(
        self,
        ref: CaseRef,
        actor: Actor,
        action: Action,
        change: Callable[[Case, Item, dt.datetime], dict[str, Any]],
        *,
        at: dt.datetime | None,
        note: str | None = None,
    ) -> Stored[Case]:
        stored = self.case(ref)
        case = stored.record
        at = self._at(case, at)
        row = transition(case.state, action)
        self._authorize(stored, actor, action.value, row.roles, row.label, at)
        item = self.item_of(case)
        warnings = self._rules(case, item, action)
        with _as_workflow_error(case.id):
            changes = change(case, item, at)
            to_state = changes.pop("state", row.next)
            if "deadline_warnings" in changes:
                warnings = (*warnings, *changes.pop("deadline_warnings"))
            event = self._event(case, actor, action, case.state, to_state, at, warnings, note)
            new = evolve(case, state=to_state, events=(*case.events, event), **changes)
        return self._update(stored, new)

    def _keep_state(
        self,
        ref: CaseRef,
        actor: Actor,
        action: str,
        change: Callable[[Case, dt.datetime], dict[str, Any]],
        *,
        at: dt.datetime | None,
        note: str | None = None,
    ) -> Stored[Case]:
        stored = self.case(ref)
        case = stored.record
        at = self._at(case, at)
        roles, label = OTHER_ACTIONS[action]
        self._authorize(stored, actor, action, roles, label, at)
        with _as_workflow_error(case.id):
            changes = change(case, at)
            warnings = changes.pop("deadline_warnings", ())
            event = CaseEvent(
                at=at,
                actor=actor.name,
                role=actor.role,
                action=action,
                from_state=case.state,
                to_state=case.state,
                note=note,
                on_behalf_of=self._for_whom(case, actor),
                warnings=warnings,
                recorded_at=self._recorded_at(),
            )
            new = evolve(case, events=(*case.events, event), **changes)
        return self._update(stored, new)

    @functools.cached_property
    def authority(self) -> Authority:
        """Who may act on the cases of this workflow's store
        (:mod:`~govservice.workflow.authority`)."""
        return Authority(self.service, self.store)

    def _authorize(
        self,
        stored: Stored[Case],
        actor: Actor,
        action: str,
        roles: frozenset[Role],
        label: str,
        at: dt.datetime,
    ) -> None:
        """Refuse ``actor`` the action unless their role and who they are allow it on the
        case: the refusal is recorded, then raised."""
        error = self.authority.refusal(
            stored.record, actor, action, roles, label, at, snapshot=self._pending
        )
        if error is not None:
            self._record_refusal(stored, actor, action, error, at)

    def _record_refusal(
        self, stored: Stored[Case], actor: Actor, action: str, error: RoleError, at: dt.datetime
    ) -> None:
        """Record the refused attempt on the case, then raise ``error`` (a
        :class:`RoleError` or :class:`AuthorizationError`)."""
        case = stored.record
        if isinstance(error, AuthorizationError):
            why = error.message.removesuffix(". The attempt is recorded")
        else:
            why = f"{actor.role.value} may not {action}"
        event = CaseEvent(
            at=at,
            actor=actor.name,
            role=actor.role,
            action=action,
            from_state=case.state,
            to_state=case.state,
            refusal=f"{error.code}: {why}",
            recorded_at=self._recorded_at(),
        )
        self._update(stored, evolve(case, events=(*case.events, event)))
        raise error

    def _if_late(
        self, case: Case, at: dt.datetime, code: str, what: str, then: str = ""
    ) -> dict[str, Any]:
        """The warning ``code`` for ``what`` (a supplement notice, a refusal) given after the
        5 working days of 第三十二条, as ``deadline_warnings``; nothing when in time."""
        if self._answered_in_time(case, _day(at)):
            return {}
        message = (
            f"{what}晚于收件后{deadlines.ACCEPTANCE_DAYS}个工作日：依法自收到申请材料之日起"
            f"即为受理{then}（行政许可法第三十二条）。"
        )
        return {"deadline_warnings": (RecordedFinding(code=code, message=message),)}

    def _answered_in_time(self, case: Case, on: dt.date) -> bool:
        """Whether an application still unaccepted on ``on`` is within the 5 working days
        of receipt, or was sent back for a supplement within them (第三十二条). Where the
        official schedule of those days is not loaded (a provisional count), the centre
        is given the benefit of the doubt: the law's consequence is not drawn."""
        calendar = self.service.case_calendar(case)
        last = deadlines.acceptance_due(calendar, _day(case.received_at))
        notices = [s for s in case.supplements if s.from_state is CaseState.SUBMITTED]
        return (
            last.provisional
            or on <= last.due
            or (bool(notices) and _day(notices[0].requested_at) <= last.due)
        )

    def _check_item_accepts(
        self,
        item: Item,
        case_id: str,
        on: dt.date,
        current: ItemHead | None = None,
        place: CatalogPlace | bool | None = False,
    ) -> None:
        """A cancelled or suspended item takes no case from the day its status took
        effect (a cancellation announced for a later day leaves the days before it). The
        status is that of the version of the region's catalog in force on ``on``
        (``place``, read here unless given: see :meth:`Store.catalog_place`), so an item
        not in that version takes no case either; where the region keeps no versioned
        catalog, the item's latest version (``current``, read here unless given: a
        cancellation is a new version of the item), not that of the version the case
        names."""
        if place is False:
            place = self.store.catalog_place(item.region, item.code, on)
        if isinstance(place, CatalogPlace):
            if place.head is None:
                raise ItemNotAcceptingError(
                    f"item {item.code} ({item.name}) is not in version {place.number} of the "
                    f"catalog of {item.region}, in force on {on} (since {place.effective}), "
                    "and takes no new case",
                    where=f"case {case_id}",
                )
            current = place.head
        if current is None:
            current = self.store.item_status(item.code)
        if current is not None and (current.status, current.status_since) != (
            item.status,
            item.status_since,
        ):
            item = evolve(item, status=current.status, status_since=current.status_since)
        if not item.accepts_cases and (item.status_since is None or item.status_since <= on):
            since = f" since {item.status_since}" if item.status_since else ""
            raise ItemNotAcceptingError(
                f"item {item.code} ({item.name}) is {item.status.value} "
                f"({item.status.label}){since} and takes no new case",
                where=f"case {case_id}",
            )

    def _join_project(self, case: Case) -> Case:
        from govservice.model import ProjectState

        self.store.lock("project", case.project_id)
        found = self.store.get("project", case.project_id)
        if found is None:
            raise RecordNotFoundError(
                f"no joint-review project {case.project_id} is stored", where=f"case {case.id}"
            )
        project = found.record
        if project.state is not ProjectState.OPEN:
            raise WorkflowError(
                f"project {project.id} is completed and takes no new case", where=f"case {case.id}"
            )
        if not same_identifier(case.applicant.identifier.number, project.owner.identifier.number):
            # the project's green channel, handler and agent are its owner's, nobody else's
            raise WorkflowError(
                f"project {project.id} is {project.owner.name}'s: a case joins it only when "
                f"applied for by its owner, not by {case.applicant.name}",
                where=f"case {case.id}",
            )
        return attrs.evolve(
            case,
            green_channel=case.green_channel or project.green_channel,
            handler=case.handler or project.handler,
            full_agency=case.full_agency or project.agent is not None,
            centre_agent=case.centre_agent or project.agent,
        )

    def _rules(self, case: Case, item: Item, action: Action) -> tuple[RecordedFinding, ...]:
        if not self.service.plugins.implemented("govservice_case_rules", scope=case.region):
            return ()  # no local rule serves the region: nothing to ask
        outcome = self.service.enforce_rules(case, item, action)
        if not outcome.warnings:
            return ()
        return tuple(
            RecordedFinding(code=f.code, message=f.message, plugin=f.plugin)
            for f in outcome.warnings
        )

    def _deadlines(self, case: Case, item: Item, start: dt.date) -> dict[str, Any]:
        calendar = self.service.case_calendar(case)
        due = deadlines.due_dates(calendar, item, start, case.document_kind)
        changes: dict[str, Any] = {
            "clock_started_on": start,
            "promised_due": due.promised.due,
            "legal_due": due.legal.due,
            "deadline_provisional": due.provisional,
        }
        if due.provisional:
            warning = _provisional_warning(calendar, start, due.legal.due)
            changes["deadline_warnings"] = (warning,)
        return changes

    def _event(
        self,
        case: Case,
        actor: Actor,
        action: Action,
        from_state: CaseState | None,
        to_state: CaseState,
        at: dt.datetime,
        warnings: tuple[RecordedFinding, ...] = (),
        note: str | None = None,
    ) -> CaseEvent:
        return CaseEvent(
            at=at,
            actor=actor.name,
            role=actor.role,
            action=action.value,
            from_state=from_state,
            to_state=to_state,
            note=note,
            on_behalf_of=self._for_whom(case, actor),
            warnings=warnings,
            recorded_at=self._recorded_at(),
        )

    @staticmethod
    def _for_whom(case: Case, actor: Actor) -> str | None:
        return case.applicant.name if actor.role is Role.AGENT else None

    claimed_now: dt.datetime | None = None
    """The time the command line claims for every action of this workflow (``--now``), as
    ``at=`` does for one; None: the server's clock. Either is refused unless the store is
    a simulation (:mod:`govservice.store.simulation`)."""

    _is_simulation = False

    def _now(self, at: dt.datetime | None) -> dt.datetime:
        """When an action happens: the server's clock, or the time claimed (``at``,
        :attr:`claimed_now`) on a simulation store.

        :raises ClockClaimError: a time is claimed on a store that is not a simulation.
        """
        if at is None:
            at = self.claimed_now
            if at is None:
                return self.service.clock.now()
        if at.utcoffset() is None:
            raise WorkflowError("the time of an action carries its zone (Asia/Shanghai, +08:00)")
        if not self._is_simulation:  # a store never stops being one: asked until it is
            self._is_simulation = is_simulation(self.store)
            if not self._is_simulation:
                raise ClockClaimError(
                    f"a time was given for the action ({at.isoformat()}), but this store is "
                    "not a simulation: actions happen on the server's clock. The demo, tests "
                    "and training use a store created as one (govservice db init --simulation)"
                )
        return at

    def _recorded_at(self) -> dt.datetime:
        """The server's clock, as an event records it (``CaseEvent.recorded_at``)."""
        return self.service.clock.now()

    def _at(self, case: Case, at: dt.datetime | None) -> dt.datetime:
        """When the action happens: never before the last step of the trail."""
        at = self._now(at)
        if case.events and at < case.events[-1].at:
            last = case.events[-1].at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
            raise WorkflowError(
                f"an action is not recorded before the last one ({last}); the trail is in "
                "the order things happened",
                where=f"case {case.id}",
            )
        return at


def _recorded(findings: Iterable[Any]) -> tuple[RecordedFinding, ...]:
    """Findings (of the fee charging) as the warnings an event records."""
    return tuple(
        RecordedFinding(code=f.code, message=f.message, plugin=f.plugin) for f in findings
    )


def _with_fees(changes: dict[str, Any], settled: dict[str, Any], fees: tuple) -> dict[str, Any]:
    """``changes`` of an acceptance with the clerk's fee settlement, the fees computed
    again and their findings (as warnings of the event)."""
    charged, warnings = fees
    changes.update(settled)
    changes["fees"] = charged
    if warnings:
        changes["deadline_warnings"] = (*changes.get("deadline_warnings", ()), *warnings)
    return changes


def _provisional_warning(
    calendar: WorkingCalendar, start: dt.date, end: dt.date
) -> RecordedFinding:
    """The warning recorded when a due date between ``start`` and ``end`` is provisional."""
    years = [year for year in range(start.year, end.year + 1) if not calendar.knows(year)]
    shown = "、".join(f"{year}年" for year in years)
    return RecordedFinding(
        code=PROVISIONAL,
        message=f"{shown}国务院节假日安排尚未载入，办结期限暂按周末推算，为临时期限；"
        "请在配置 calendar.schedules 中载入当年安排。",
    )


def _still_open(case: Case, records: tuple, closed_by: str, what: str) -> Any:
    """The last of ``records`` (supplement notices, special procedures), which the case's
    state says is open; a record that says otherwise (an imported case) is refused."""
    if not records or getattr(records[-1], closed_by) is not None:
        raise WorkflowError(
            f"the case is {case.state.value} but records no open {what} (an imported "
            "case?); correct the record",
            where=f"case {case.id}",
        )
    return records[-1]


def _as_workflow_error(case_id: str) -> _AsWorkflowError:
    """A value the model refuses (an empty name, a negative number of days, times out of
    order) is the caller's mistake: a :class:`WorkflowError` naming the case."""
    return _AsWorkflowError(case_id)


class _AsWorkflowError:
    """The context of :func:`_as_workflow_error` (a class: every action enters one)."""

    __slots__ = ("case_id",)

    def __init__(self, case_id: str) -> None:
        self.case_id = case_id

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type | None, error: BaseException | None, _: Any) -> bool:
        if kind is not None and issubclass(kind, ValueError):
            raise WorkflowError(str(error), where=f"case {self.case_id}") from None
        return False


def _day(moment: dt.datetime) -> dt.date:
    """The Asia/Shanghai date of ``moment``."""
    return moment.astimezone(SHANGHAI).date()


def _required(value: str | None, message: str) -> None:
    if value is None or not value.strip():
        raise WorkflowError(message)
