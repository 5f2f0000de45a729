"""Helpers of the workflow tests: the people who act, moments in Asia/Shanghai, a centre on
a chosen store, and a :class:`Desk` that brings a case to any state of the table.

The staff act under their names: :func:`make_service` registers the centres of the sample
regions with :data:`govservice.samples.SAMPLE_STAFF` (the centre's registry of staff). The
applicant acts under the identifier of :data:`APPLICANT_PARTY`, the applicant of the
Desk's cases; :func:`applicant_of` is the applicant of any other case.

Used as ``from workflow_helpers import ...`` (pytest puts ``tests/`` on the path).
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from govservice.clock import SHANGHAI, FixedClock
from govservice.config import Config, PluginConfig
from govservice.model import (
    Case,
    CaseState,
    Item,
    Mandate,
    Role,
    SubmittedMaterial,
    TimeLimit,
)
from govservice.rules import Action
from govservice.samples import enterprise, make_case, make_item, person, register_staff
from govservice.service import GovService
from govservice.store.base import Stored
from govservice.store.sqlite import SqliteStore
from govservice.workflow import Actor
from govservice.workflow.transitions import TRANSITIONS, Transition, transition

S = CaseState
D = dt.date

BACKENDS = ("memory", "sqlite")

CLERK = Actor("王晓燕", Role.WINDOW_CLERK)
REVIEWER = Actor("李建国", Role.REVIEWER)
APPROVER = Actor("赵文华", Role.APPROVER)
APPLICANT_PARTY = enterprise(900001, name="东营市黄河建设有限公司")
"""The applicant of the Desk's cases."""
APPLICANT = Actor("张伟", Role.APPLICANT, id=APPLICANT_PARTY.identifier.number)
AGENT_PARTY = person(900002, name="孙丽")
"""The agent (代理人) the applicant of the Desk's cases gives a mandate to."""
AGENT = Actor("孙丽", Role.AGENT, id=AGENT_PARTY.identifier.number)
CENTRE_AGENT = Actor("孙代办", Role.AGENT)
"""A centre's agent (全程代办), acting only on the cases assigned to them."""
SUPERVISOR = Actor("周明", Role.SUPERVISOR)
SYSTEM = Actor("电子监察系统", Role.SYSTEM)
BY_ROLE: Mapping[Role, Actor] = {
    actor.role: actor
    for actor in (CLERK, REVIEWER, APPROVER, APPLICANT, AGENT, SUPERVISOR, SYSTEM)
}
PREFERRED = (Role.WINDOW_CLERK, Role.REVIEWER, Role.APPROVER, Role.APPLICANT, Role.AGENT)
"""Who takes a step on the way to a state: the first of these the table allows."""

REVISED_DESIGN = "建设工程设计方案（修改稿）"
"""A material a reviewer asks for: not among the item's materials, so never handed in."""


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    """A moment in Asia/Shanghai."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def ordinary_item(**changes: Any) -> Item:
    """A licensing item of the city: 20 legal, 5 promised working days (承诺件)."""
    return make_item(**changes)


def immediate_item(**changes: Any) -> Item:
    """An immediate item (即办件): promised in 0 working days."""
    fields: dict[str, Any] = {
        "code": "11370500004275432Y-QR-0002",
        "name": "建设工程竣工规划核实",
        "type": "confirmation",
        "legal_limit": TimeLimit(amount=20),
        "promised_limit": TimeLimit(amount=0),
    }
    return make_item(**(fields | changes))


def applicant_of(case: Case | Stored[Case], name: str = "张伟") -> Actor:
    """The applicant of ``case``, as the integrator authenticated them (its identifier)."""
    record = case.record if isinstance(case, Stored) else case
    return Actor(name, Role.APPLICANT, id=record.applicant.identifier.number)


def mandate_for(item: Item, **changes: Any) -> Mandate:
    """The mandate (委托书) of :data:`APPLICANT_PARTY` to :data:`AGENT_PARTY` for every case
    of ``item``, in force from 2014 to 2017."""
    fields: dict[str, Any] = {
        "agent": AGENT_PARTY,
        "principal": APPLICANT_PARTY,
        "items": (item.code,),
        "valid_from": D(2014, 1, 1),
        "valid_until": D(2017, 12, 31),
    }
    return Mandate(**(fields | changes))


def handed_in(item: Item, *, leave_out: Iterable[str] = ()) -> tuple[SubmittedMaterial, ...]:
    """Every material of ``item`` as handed in, except those named in ``leave_out``."""
    left_out = set(leave_out)
    return tuple(
        SubmittedMaterial(name=m.name, originals=m.originals, copies=m.copies)
        for m in item.materials
        if m.name not in left_out
    )


def make_service(
    backend: str,
    tmp_path: Path,
    clock: FixedClock,
    *,
    plugins: Iterable[PluginConfig] = (),
    allow: str = "",
    given: Iterable[tuple[str, object]] = (),
    schedules: Iterable[Path] = (),
    database: str = "govservice.db",
    template: Path | None = None,
    staff: bool = True,
) -> GovService:
    """A strict centre of Dongying on ``backend`` (``memory`` or ``sqlite``, a file in
    ``tmp_path``); ``allow`` names the installed plugins to load (none by default).
    ``staff`` registers the sample centres and their staff (the store is opened for it).

    ``template`` is an empty, migrated SQLite database copied to a new file instead of
    migrating each one (the migrations are tested elsewhere; this keeps the tests fast)."""
    settings = {"path": str(tmp_path / database)} if backend == "sqlite" else {}
    if settings and template is not None and not (tmp_path / database).exists():
        shutil.copyfile(template, tmp_path / database)
    config = Config(
        name="东营市政务服务中心",
        region="370500",
        storage_backend=backend,
        storage_settings=settings,
        plugins=tuple(plugins),
        calendar_schedules=tuple(schedules),
    )
    service = GovService(
        config, clock=clock, strict=True, environ={"GOVSERVICE_PLUGINS": allow}, plugins=given
    )
    if staff:
        register_staff(service.store)
    return service


def empty_database(path: Path) -> Path:
    """Create an empty, migrated SQLite database at ``path`` (a template to copy)."""
    SqliteStore(path).close()
    return path


def targets(row: Transition) -> tuple[CaseState, ...]:
    """The states ``row`` may lead to."""
    return row.next if isinstance(row.next, tuple) else (row.next,)


def actor_for(state: CaseState, action: Action) -> Actor:
    """Someone the table allows to take ``action`` in ``state``."""
    roles = transition(state, action).roles
    return BY_ROLE[next(role for role in PREFERRED if role in roles)]


def any_actor_for(action: Action) -> Actor:
    """Someone allowed to take ``action`` in some state (for actions the state refuses)."""
    roles = set().union(*(row.roles for row in TRANSITIONS if row.action is action))
    return BY_ROLE[next(role for role in PREFERRED if role in roles)]


_PATHS: dict[CaseState, tuple[tuple[Action, CaseState | None], ...]] = {
    S.SUBMITTED: (),
    S.AWAITING_SUPPLEMENT: ((Action.REQUEST_SUPPLEMENT, None),),
    S.ACCEPTED: ((Action.ACCEPT, None),),
    S.NOT_ACCEPTED: ((Action.REFUSE, None),),
    S.IN_REVIEW: ((Action.ACCEPT, None), (Action.REVIEW, None)),
    S.SUSPENDED: ((Action.ACCEPT, None), (Action.REVIEW, None), (Action.SUSPEND, None)),
    S.GRANTED: ((Action.ACCEPT, None), (Action.REVIEW, None), (Action.DECIDE, S.GRANTED)),
    S.DENIED: ((Action.ACCEPT, None), (Action.REVIEW, None), (Action.DECIDE, S.DENIED)),
    S.COMPLETED: (
        (Action.ACCEPT, None),
        (Action.REVIEW, None),
        (Action.DECIDE, S.GRANTED),
        (Action.COMPLETE, None),
    ),
    S.WITHDRAWN: ((Action.WITHDRAW, None),),
}
_AWAITING_IN_REVIEW = (
    (Action.ACCEPT, None),
    (Action.REVIEW, None),
    (Action.REQUEST_SUPPLEMENT, None),
)


class Desk:
    """The workflow of a centre with its clock: applies for cases and takes actions."""

    def __init__(self, service: GovService, clock: FixedClock) -> None:
        self.service = service
        self.clock = clock
        self.workflow = service.workflow
        self.store = service.store

    def on(self, moment: dt.datetime) -> Desk:
        """Set the clock to ``moment`` (the next actions happen then)."""
        self.clock.moment = moment
        return self

    def new_case(self, item: Item, **changes: Any) -> Case:
        """A case of ``item`` with every material handed in, received now."""
        fields: dict[str, Any] = {
            "materials": handed_in(item),
            "received_at": self.clock.now(),
            "applicant": APPLICANT_PARTY,
            "mandates": (mandate_for(item),),
        }
        return make_case(item, **(fields | changes))

    def apply(self, item: Item, *, actor: Actor = APPLICANT, **changes: Any) -> Stored[Case]:
        """Add ``item`` to the catalog (if it is not there) and apply for a case of it."""
        self.store.add_item(item)
        return self.workflow.apply(self.new_case(item, **changes), actor)

    def perform(
        self,
        ref: Stored[Case] | str,
        action: Action,
        actor: Actor,
        *,
        target: CaseState | None = None,
    ) -> Stored[Case]:
        """Take ``action`` with what it needs (a reason, materials, an outcome ...)."""
        wf = self.workflow
        if action is Action.ACCEPT:
            return wf.accept(ref, actor)
        if action is Action.REFUSE:
            return wf.refuse(
                ref,
                actor,
                "申请事项不属于本机关职权范围",
                legal_basis="《中华人民共和国行政许可法》第三十二条第一款第（二）项",
            )
        if action is Action.REQUEST_SUPPLEMENT:
            return wf.request_supplement(ref, actor, [REVISED_DESIGN], note="请补正后再报")
        if action is Action.SUPPLEMENT:
            return wf.supplement(ref, actor, [SubmittedMaterial(name=REVISED_DESIGN, originals=1)])
        if action is Action.REVIEW:
            return wf.review(ref, actor)
        if action is Action.SUSPEND:
            return wf.suspend(ref, actor, "expert_review", "组织专家评审", expected_days=10)
        if action is Action.RESUME:
            return wf.resume(ref, actor)
        if action is Action.DECIDE:
            if target is S.DENIED:
                return wf.decide(
                    ref,
                    actor,
                    "deny",
                    reason="建设工程设计方案不符合控制性详细规划",
                    legal_basis="《中华人民共和国城乡规划法》第四十条",
                )
            return wf.decide(ref, actor, "grant")
        if action is Action.COMPLETE:
            return wf.complete(ref, actor)
        if action is Action.WITHDRAW:
            return wf.withdraw(ref, actor, reason="申请人主动撤回")
        raise AssertionError(f"no way to perform {action} here")  # pragma: no cover

    def bring_to(
        self, item: Item, state: CaseState, *, via: CaseState | None = None
    ) -> Stored[Case]:
        """A case of ``item`` applied for and taken to ``state`` by allowed actors, read
        back from the store. ``via=IN_REVIEW`` asks for a supplement during review (for
        ``awaiting_supplement``) instead of before acceptance."""
        path = _AWAITING_IN_REVIEW if via is S.IN_REVIEW else _PATHS[state]
        stored = self.apply(item)
        current = S.SUBMITTED
        for action, target in path:
            stored = self.perform(stored, action, actor_for(current, action), target=target)
            current = stored.record.state
        assert current is state
        return self.read(stored.record.id)

    def read(self, case_id: str) -> Stored[Case]:
        found = self.store.get("case", case_id)
        assert found is not None
        return found
