"""Who may act on a case: the one place where "may this actor act on this case" is decided.

The library authorises; the integrator authenticates. An :class:`~govservice.workflow.Actor`
arrives with the identifier the integrator authenticated (``Actor.id``) and is checked:

- **its role** against the state table (:mod:`~govservice.workflow.transitions`); a
  refusal is :class:`~govservice.errors.RoleError` (GS802);
- **staff** (window clerk, reviewer, approver, supervisor) against the centre's registry
  of staff (:func:`~govservice.hookspecs.govservice_staff_posts`: the stations' staff
  lists, or an identity plugin): they hold that role at the case's station. The station
  of a case is ``Case.station_code``; a case that names none is handled by the centre of
  its region (:meth:`Authority.station_of`);
- **the applicant**: ``Actor.id`` is the identifier of ``Case.applicant``;
- **an agent**: either someone a mandate (委托书) recorded on the case names, for the
  applicant, covering the case, in force on the day; or a centre's agent (全程代办: staff
  with the agent role) the case is assigned to (``Case.centre_agent``).

Outside a batch the registry is asked afresh for every action, so a change of staff takes
effect at once. Inside a batch (:meth:`~govservice.workflow.Workflow.batch`: one
transaction) each answer is kept until the batch ends: the registry as it stood when the
batch first asked.

A refusal for who the actor is, rather than their role, is
:class:`~govservice.errors.AuthorizationError` (GS806). The workflow records either on the
case before raising it. Each says why twice: in English for developers (the message, which
the trail records) and in Chinese for the clerk (``notice``: the actor and their role, the
case, the action and the stations by name). Identity numbers in both are masked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import attrs

from govservice.clock import SHANGHAI
from govservice.errors import AuthorizationError, RoleError
from govservice.model import Case, Mandate, Role, StaffPost, StaffRole, StationLevel
from govservice.model.identifiers import mask_identity_numbers
from govservice.model.regions import region_label
from govservice.workflow.actors import Actor, role_error

if TYPE_CHECKING:
    from govservice.service import GovService

CENTRE_LEVELS = (StationLevel.CITY_CENTRE, StationLevel.COUNTY_CENTRE)
"""The levels of the station that handles a case naming no station, best first."""

_STAFF_ROLES = {
    Role.WINDOW_CLERK: StaffRole.WINDOW_CLERK,
    Role.REVIEWER: StaffRole.REVIEWER,
    Role.APPROVER: StaffRole.APPROVER,
    Role.SUPERVISOR: StaffRole.SUPERVISOR,
}


class Authority:
    """Decides whether actors may act on the cases of one store (the workflow's)."""

    def __init__(self, service: GovService, store: Any) -> None:
        self.service = service
        self.store = store
        self._centres: dict[str, str] = {}
        self._snapshot: object | None = None
        self._posts: dict[tuple, list[StaffPost]] = {}
        self._staff_answers: dict[tuple, list[StaffPost]] = {}
        """In a batch: the posts that let an actor act in a role at a station (posts
        kept for the batch: the same answer for the same list)."""
        self._station_names: dict[str, str] = {}

    def refusal(
        self,
        case: Case,
        actor: Actor,
        action: str,
        roles: frozenset[Role],
        label: str,
        at: dt.datetime,
        *,
        snapshot: object | None = None,
    ) -> RoleError | None:
        """The error refusing ``actor`` the ``action`` on ``case`` at ``at``, or None when
        they may take it. The message says the attempt is recorded (the caller records it).

        ``snapshot`` names the batch the action is taken in (any object, the same for the
        whole batch; None outside one): the registry's answers are kept for it."""
        if snapshot is not self._snapshot:
            self._snapshot, self._posts, self._staff_answers = snapshot, {}, {}
        if actor.role not in roles:
            where = f"case {case.id}"
            who = f"{actor.name}（{actor.role.label}）"
            error = role_error(actor, roles, action, label, where=where, recorded=True)
            allowed = "、".join(role.label for role in Role if role in roles)
            return RoleError(
                error.message,
                where=where,
                notice=f"{who}无权对办件 {case.id} 办理“{label}”，只有{allowed}可以办理；"
                "此次尝试已记录",
            )
        why = self.why_not(case, actor, at)
        if why is None and action == "evaluate" and actor.role is Role.AGENT:
            why = _not_under_mandate(case, actor)
        if why is None:
            return None
        where = f"case {case.id}"
        who = f"{actor.name}（{actor.role.label}）"
        return AuthorizationError(
            mask_identity_numbers(
                f"{actor.name} ({actor.role.value}) may not {action} ({label}) on this case: "
                f"{why.text}. The attempt is recorded"
            ),
            where=where,
            notice=mask_identity_numbers(
                f"{who}不能对办件 {case.id} 办理“{label}”：{why.notice}；此次尝试已记录"
            ),
        )

    def why_not(self, case: Case, actor: Actor, at: dt.datetime) -> Why | None:
        """Why ``actor`` (whose role the table allows) may not act on ``case``, or None."""
        if actor.role is Role.APPLICANT:
            return _not_the_applicant(case, actor)
        if actor.role is Role.AGENT:
            return self._not_an_agent(case, actor, at.astimezone(SHANGHAI).date())
        staff_role = _STAFF_ROLES.get(actor.role)
        if staff_role is None:  # the system: only where the table names it
            return None
        return self._not_staff(case, actor, staff_role)

    # --- staff ---------------------------------------------------------------------------

    def station_of(self, case: Case) -> str | None:
        """The station whose staff act on ``case``: the one it names or, for a case that
        names none, the centre of its region (the stored city centre of the region, else
        its county centre; the first by code if several). None when there is none."""
        if case.station_code is not None:
            return case.station_code
        code = self._centres.get(case.region)
        if code is None:
            found = []
            after = None
            while True:
                page = self.store.list("station", region=case.region, limit=500, after=after)
                found.extend(s.record for s in page.records if s.record.level in CENTRE_LEVELS)
                if page.next_after is None:
                    break
                after = page.next_after
            if not found:
                return None
            best = min(found, key=lambda s: (CENTRE_LEVELS.index(s.level), s.code))
            code = self._centres[case.region] = best.code
        return code

    def station_name(self, code: str) -> str:
        """The name of the stored station ``code`` as a clerk reads it (asked of the store
        once); the code itself when no station has it."""
        name = self._station_names.get(code)
        if name is None:
            found = self.store.get("station", code)
            name = self._station_names[code] = found.record.name if found else code
        return name

    def posts(self, case: Case, actor: Actor, station_code: str | None) -> list[StaffPost]:
        """The registry's posts of ``actor`` at ``station_code`` (None: everywhere), asked
        of the plugins serving the case's region (once in a batch)."""
        key = (case.region, actor.name, actor.id, station_code)
        if self._snapshot is not None and key in self._posts:
            return self._posts[key]
        answers = self.service.plugins.call(
            "govservice_staff_posts",
            scope=case.region,
            firstresult=True,
            expect=StaffPost,
            many=True,
            name=actor.name,
            staff_number=actor.id,
            station_code=station_code,
            store=self.store,
        )
        found = list(answers[0][1]) if answers else []
        if self._snapshot is not None:
            self._posts[key] = found
        return found

    def _not_staff(self, case: Case, actor: Actor, role: StaffRole) -> Why | None:
        station = self.station_of(case)
        if station is None:
            return Why(
                f"the case names no station, and no centre of region {case.region} (a "
                "city or county centre) is registered with its staff",
                f"办件未指定站点，{region_label(case.region)}也没有登记了工作人员的政务服务中心",
            )
        held = self.posts(case, actor, station)
        key = (case.region, station, actor.name, actor.id, role)
        if self._snapshot is not None and self._staff_answers.get(key) is held:
            return None  # in this batch, these very posts let them act
        posts = [p for p in held if p.role is role]
        named = self.station_name(station)
        if actor.id is not None:
            others = sorted({p.name for p in posts if p.name != actor.name})
            if others:
                return Why(
                    f"staff number {actor.id} is {'、'.join(others)} in the registry of "
                    f"staff, not {actor.name}",
                    f"工号 {actor.id} 在工作人员名册中是{'、'.join(others)}，不是{actor.name}",
                )
        elif len({p.staff_number for p in posts}) > 1:
            return Why(
                f"{len(posts)} members of staff called {actor.name} are {role.value} at "
                f"station {station}; give the staff number (Actor id) of the one acting",
                f"{named}有 {len(posts)} 名{role.label}名为{actor.name}，请给出办理人的工号",
            )
        if posts:
            if self._snapshot is not None:
                self._staff_answers[key] = held
            return None
        elsewhere = [p for p in self.posts(case, actor, None) if _same_person(p, actor)]
        if not elsewhere:
            return Why(
                f"{_who(actor)} is not in the centre's registry of staff",
                f"{_who_cn(actor)}不在中心的工作人员名册中",
            )
        there = sorted({p.station_code for p in elsewhere if p.role is role})
        if there:
            return Why(
                f"{_who(actor)} is {role.value} at station {', '.join(there)}, not at "
                f"station {station} of the case",
                f"{_who_cn(actor)}是{'、'.join(self.station_name(c) for c in there)}的"
                f"{role.label}，不是办件所属站点{named}的{role.label}",
            )
        held = ", ".join(sorted({f"{p.role.value} at {p.station_code}" for p in elsewhere}))
        held_cn = "、".join(
            sorted({f"{self.station_name(p.station_code)}{p.role.label}" for p in elsewhere})
        )
        return Why(
            f"{_who(actor)} is not {role.value} at station {station} (registered: {held})",
            f"{_who_cn(actor)}不是{named}的{role.label}（名册登记：{held_cn}）",
        )

    # --- agents --------------------------------------------------------------------------

    def _not_an_agent(self, case: Case, actor: Actor, day: dt.date) -> Why | None:
        named = [
            m
            for m in case.mandates
            if actor.id and same_identifier(m.agent.identifier.number, actor.id)
        ]
        if named:
            return _mandate_problem(case, named, day)
        centre_posts = [
            p
            for p in self.posts(case, actor, None)
            if p.role is StaffRole.AGENT and _same_person(p, actor)
        ]
        if centre_posts:
            assigned = case.centre_agent or self._project_agent(case)
            if assigned is not None and any(
                assigned in (p.staff_number, p.name) for p in centre_posts
            ):
                return None
            to = f"to {assigned}" if assigned else "to no centre's agent"
            to_cn = f"指派给{assigned}" if assigned else "未指派中心代办员"
            return Why(
                f"a centre's agent (全程代办) acts only on the cases assigned to them; this "
                f"case is assigned {to}",
                f"中心代办员（全程代办）只办理指派给本人的办件；此办件{to_cn}",
            )
        if actor.id is None:
            return Why(
                "an agent is identified by the identifier the integrator authenticated "
                "(Actor id), and acts under a mandate (委托书) recorded on the case",
                "代理人须以经认证的证件号码识别（Actor id），并凭办件上登记的委托书办理",
            )
        return Why(
            f"no mandate (委托书) recorded on the case names {actor.name} as the agent of "
            f"the applicant {case.applicant.name}",
            f"办件上登记的委托书没有一份载明{actor.name}为申请人{case.applicant.name}的代理人",
        )

    def _project_agent(self, case: Case) -> str | None:
        """The centre's agent of the joint-review project the case is (or is joining)."""
        if case.project_id is None:
            return None
        found = self.store.get("project", case.project_id)
        return found.record.agent if found is not None else None


@attrs.frozen
class Why:
    """Why an actor may not act on a case: in English for developers (``text``, the
    message the trail records) and in Chinese for the clerk (``notice``)."""

    text: str
    notice: str


def _not_under_mandate(case: Case, actor: Actor) -> Why | None:
    """An evaluation (好差评) is the applicant's word on the service: an agent gives it only
    under the applicant's mandate, never as the centre's own agent (全程代办)."""
    if any(
        actor.id and same_identifier(m.agent.identifier.number, actor.id) for m in case.mandates
    ):
        return None
    return Why(
        "the service is evaluated by the applicant, or by an agent under their mandate "
        "(委托书); a centre's agent (全程代办) does not evaluate the centre's service",
        "服务评价由申请人作出，或由持申请人委托书的代理人作出；中心代办员（全程代办）"
        "不评价中心自己的服务",
    )


def _not_the_applicant(case: Case, actor: Actor) -> Why | None:
    if actor.id is None:
        return Why(
            "an applicant is identified by the identifier the integrator authenticated "
            "(Actor id); none was given",
            "申请人须以经认证的证件号码识别（Actor id），未提供",
        )
    if same_identifier(case.applicant.identifier.number, actor.id):
        return None
    return Why(
        f"{actor.name} is not the applicant {case.applicant.name} (the identifiers differ)",
        f"{actor.name}不是申请人{case.applicant.name}（证件号码不符）",
    )


def _mandate_problem(case: Case, mandates: Iterable[Mandate], day: dt.date) -> Why | None:
    """None when one of ``mandates`` (those naming the actor) lets them act on ``case`` on
    ``day``; else why the nearest one does not."""
    problems: list[Why] = []
    for mandate in mandates:
        if not same_identifier(
            mandate.principal.identifier.number, case.applicant.identifier.number
        ):
            problems.append(
                Why(
                    f"the mandate was given by {mandate.principal.name}, not by the applicant "
                    f"{case.applicant.name}",
                    f"委托书由{mandate.principal.name}出具，不是申请人{case.applicant.name}",
                )
            )
        elif not mandate.covers(case):
            problems.append(
                Why(
                    "the mandate does not cover this case or its item",
                    "委托书不涵盖此办件或其事项",
                )
            )
        elif day < mandate.valid_from:
            problems.append(
                Why(
                    f"the mandate is in force only from {mandate.valid_from}",
                    f"委托书自 {mandate.valid_from} 起才生效",
                )
            )
        elif day > mandate.valid_until:
            problems.append(
                Why(
                    f"the mandate expired on {mandate.valid_until}",
                    f"委托书已于 {mandate.valid_until} 到期",
                )
            )
        else:
            return None
    return Why("; ".join(w.text for w in problems), "；".join(w.notice for w in problems))


def same_identifier(first: str, second: str) -> bool:
    """Identifiers compared as written on a card: spaces and the case of X ignored."""
    return first.strip().upper() == second.strip().upper()


def _same_person(post: StaffPost, actor: Actor) -> bool:
    return post.name == actor.name


def _who(actor: Actor) -> str:
    return f"{actor.name} (staff number {actor.id})" if actor.id else actor.name


def _who_cn(actor: Actor) -> str:
    return f"{actor.name}（工号 {actor.id}）" if actor.id else actor.name
