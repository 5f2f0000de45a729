"""The simulated year: every application of the Dongying centres in 2015, taken through the
real workflow (:attr:`GovService.workflow <govservice.GovService.workflow>`), never by writing
rows.

The year is a stream of events: a heap of ``(time, order, case, next step)``. Applications
arrive on working days with the seasons of a real hall (:mod:`~govservice.demo.seasons`);
each step a case takes (受理, 审查, 补正, 特别程序, 决定, 办结, 评价 ...) schedules the next
one. Each working day's actions are one :meth:`Workflow.batch
<govservice.workflow.session.CaseSession.batch>`, each at its own time (``at=``, taken on a
simulation store only) with the service's clock set to it, so that the trail records the
same time twice and the same seed gives the same trail, link for link.

What a case will go through is drawn when it arrives, from its own ``random.Random``
(derived from the seed and the case's number): most are granted on time; some are
refused at the window (不予受理), sent back for a supplement (补正, once, partly answered or
not at all), withdrawn, stopped by a special procedure (特别程序: the clock stops),
extended (延长), denied, or decided late (by the centre's promise, or even by the law's
limit); a share never gets decided within the year, so that supervision has red cases to
show at year end. The 24 key projects (重点建设项目) come through the green channel with
their dedicated handler and the centre's agent (全程代办), are consulted on jointly by the
departments of their cases (联审会议) and completed as projects once every case is. About
two thirds of completed cases are evaluated (好差评); a bad grade opens a rectification that
a supervisor follows up, mostly within the 15 working days.

The figures of the year are not counted here: the report asks the store
(:mod:`govservice.report`). :class:`SimulationSummary` only says what the simulator did.
"""

from __future__ import annotations

import datetime as dt
import heapq
import random
from collections import Counter
from collections.abc import Callable
from typing import Any

import attrs

from govservice.clock import SHANGHAI, FixedClock
from govservice.demo.cast import Staff, applicant_actor, centre_staff, staff_actor
from govservice.demo.paths import (
    COMMENTS,
    DENIALS,
    GRADES,
    LATE_GRADES,
    P_DENY,
    P_EVALUATED,
    P_EXEMPT_FEE,
    P_EXTEND,
    P_GREEN_CHANNEL,
    P_LATE,
    P_LATE_BY_LAW,
    P_RECTIFICATION_LATE,
    P_REFUSE_AT_WINDOW,
    P_REVIEW_SUPPLEMENT,
    P_RIVER_PERMIT_MISSING,
    P_STALLED,
    P_SUPPLEMENT_AT_WINDOW,
    P_SUPPLEMENT_PARTIAL,
    P_SUPPLEMENT_UNANSWERED,
    P_SUSPEND,
    P_WITHDRAW,
    PROCEDURES,
    REFUSALS,
    RIVER_PERMIT,
)
from govservice.errors import ConfigError, ItemNotAcceptingError, RulesBlockedError
from govservice.model import (
    Case,
    Grade,
    Item,
    Party,
    Project,
    SubmittedMaterial,
)
from govservice.model.regions import level_of
from govservice.workdays import WorkingCalendar
from govservice.workflow import projects

YEAR = 2015
FULL_YEAR_CASES = 175_000
"""Applications the Dongying centres took in 2015 (``scale=1``)."""

Progress = Callable[[int, int], None]
"""Told ``(days done, days in all)`` after each simulated day."""


@attrs.frozen
class SimulationSummary:
    """What the simulator did (its own counters; the year's figures come from the store)."""

    year: int
    applications: int
    """Applications made (cases created, project cases included)."""
    actions: Counter
    """Actions taken, by name (``apply``, ``accept`` ... ``consult``, ``complete_project``)."""
    projects: int
    """Joint-review projects opened."""
    working_days: int
    blocked: int
    """Acceptances the local rules blocked (each followed by a refusal, 不予受理)."""

    @property
    def total_actions(self) -> int:
        return sum(self.actions.values())


# --- one case's way through the year -----------------------------------------------------------


class _Run:
    """A case being simulated: what it will go through (drawn when it arrives) and where it
    is (the last moment it was acted on)."""

    __slots__ = (
        "applicant",
        "calendar",
        "case_id",
        "draft",
        "grade",
        "item",
        "last",
        "missing",
        "path",
        "project",
        "rng",
        "staff",
    )

    def __init__(self) -> None:
        self.path: set[str] = set()
        self.project: str | None = None
        self.grade: Grade | None = None
        self.missing: tuple[SubmittedMaterial, ...] = ()


class _ProjectRun:
    """A key project: its cases, how many are reviewed and how many are still open."""

    __slots__ = ("cases", "open", "project", "reviewed", "staff")

    def __init__(self, project: Project, staff: Staff) -> None:
        self.project = project
        self.staff = staff
        self.cases: list[_Run] = []
        self.reviewed = 0
        self.open = 0


class YearSimulation:
    """The simulated year on one service (see the module's docstring)."""

    def __init__(
        self,
        service: Any,
        dataset: Any,
        *,
        total: int,
        seed: int,
        clock: FixedClock,
        year: int = YEAR,
    ) -> None:
        self.service = service
        self.workflow = service.workflow
        self.dataset = dataset
        self.total = total
        self.seed = seed
        self.clock = clock
        self.year = year
        self.rng = random.Random(f"govservice-demo-{seed}")
        self.staff = centre_staff(dataset.stations)
        self.items = [item for item in dataset.items if item.accepts_cases]
        self.adjustments = tuple(getattr(dataset, "adjustments", ()))
        self.periods = self._periods()
        self.applicants = dataset.applicants
        self.heap: list[tuple[dt.datetime, int, Any, str]] = []
        self.order = 0
        self.actions: Counter = Counter()
        self.blocked = 0
        self.applied = 0
        self.project_runs: list[_ProjectRun] = []
        self._required: dict[tuple[str, str, str], tuple[SubmittedMaterial, ...]] = {}
        self._desks: dict[tuple[str, str | None], Staff] = {}

    # --- the calendar ----------------------------------------------------------------------

    def calendar(self, region: str) -> WorkingCalendar:
        return self.service.calendar(region)

    def working_day(self, calendar: WorkingCalendar, day: dt.date, after: int = 0) -> dt.date:
        """``day`` if it is a working day (else the next one), then ``after`` more."""
        while not calendar.is_working_day(day):
            day += dt.timedelta(days=1)
        return calendar.add_working_days(day, after).due if after else day

    def moment(self, run: _Run, day: dt.date) -> dt.datetime:
        """A time on working day ``day`` (or the next one) after the case's last step."""
        day = self.working_day(run.calendar, day)
        last = run.last
        if day <= last.date():
            at = last + dt.timedelta(minutes=run.rng.randint(5, 90))
            if at.hour >= 18 or at.date() != last.date():
                day = self.working_day(run.calendar, last.date() + dt.timedelta(days=1))
                return _in_hours(day, run.rng)
            return at
        return _in_hours(day, run.rng)

    def _periods(self) -> list[tuple[dt.date, list[Item], list[float]]]:
        """The items applied for from each day the catalog changes on, with their weights:
        the catalog in force then (an item cancelled is no longer applied for, one taken
        over only from its day; see :func:`~govservice.demo.adjustments.in_service_on`)."""
        from govservice.demo.adjustments import in_service_on

        starts = sorted({dt.date(self.year, 1, 1), *(a.effective for a in self.adjustments)})
        periods = []
        for start in starts:
            items = (
                in_service_on(self.items, self.adjustments, start)
                if self.adjustments
                else self.items
            )
            counts: Counter = Counter()
            for item in items:
                counts[item.region] += _rarity(item)
            periods.append((start, items, [_demand(item, counts) for item in items]))
        return periods

    def schedule(self, at: dt.datetime, run: Any, step: str) -> None:
        self.order += 1
        heapq.heappush(self.heap, (at, self.order, run, step))

    def then(self, run: _Run, step: str, days: int = 0) -> None:
        """Schedule ``step`` of ``run`` ``days`` working days after its last step (0: the
        same day, later)."""
        day = run.last.date()
        if days:
            day = self.working_day(run.calendar, day, days)
        self.schedule(self.moment(run, day), run, step)

    # --- the year ----------------------------------------------------------------------------

    def run(self, progress: Progress | None = None) -> SimulationSummary:
        from govservice.demo.seasons import arrival_time, arrivals

        city = self.calendar(self.service.config.region)
        days = arrivals(city, self.year, max(0, self.total - self._project_cases()), self.rng)
        arriving = {day.day: day.count for day in days}
        self._plan_projects()
        number = 0
        every_day = [dt.date(self.year, 1, 1) + dt.timedelta(days=n) for n in range(366)]
        every_day = [day for day in every_day if day.year == self.year]
        adjusting = {adjustment.effective: adjustment for adjustment in self.adjustments}
        for done, day in enumerate(every_day, start=1):
            if day in adjusting:  # the catalog changes before the day's first case
                self.service.catalog.adjust(adjusting[day])
                self._plan_too_late(adjusting[day], city)
            for _ in range(arriving.get(day, 0)):
                number += 1
                run = self._new_run(number, day)
                self.schedule(arrival_time(day, run.rng), run, "apply")
            self._day(day)
            if progress is not None:
                progress(done, len(every_day))
        return SimulationSummary(
            year=self.year,
            applications=self.applied,
            actions=self.actions,
            projects=len(self.project_runs),
            working_days=len(days),
            blocked=self.blocked,
        )

    def _day(self, day: dt.date) -> None:
        heap = self.heap
        if not heap or heap[0][0].date() > day:
            return
        with self.workflow.batch():
            while heap and heap[0][0].date() <= day:
                at, _, run, step = heapq.heappop(heap)
                self.clock.moment = at
                getattr(self, f"_{step}")(run, at)

    def _act(self, name: str) -> None:
        self.actions[name] += 1

    # --- arrivals ------------------------------------------------------------------------------

    def _new_run(self, number: int, day: dt.date) -> _Run:
        run = _Run()
        run.rng = rng = random.Random(f"{self.seed}-{number}")
        _, items, weights = next(p for p in reversed(self.periods) if p[0] <= day)
        run.item = rng.choices(items, weights)[0]
        run.case_id = f"DY{self.year}-{number:08d}"
        return run

    def _prepare(self, run: _Run, item: Item, applicant: Party, region: str) -> None:
        """The application of ``run``: who, which item and region, the materials handed in,
        and what the case will go through."""
        rng = run.rng
        run.item = item
        run.calendar = self.calendar(region)
        run.staff = self._staff_of(region, item)
        run.applicant = applicant
        attributes = self._attributes(item, region, rng)
        if attributes and run.project is None and rng.random() < P_RIVER_PERMIT_MISSING:
            attributes = {}  # forgotten: the county's rule will block the acceptance
        draft = Case(
            id=run.case_id,
            item_code=item.code,
            item_version=item.version,
            region=region,
            department=item.department,
            applicant=applicant,
            received_at=dt.datetime(self.year, 1, 1, tzinfo=SHANGHAI),
            attributes=attributes,
            project_id=run.project,
            document_kind=_document_kind(item, rng),
        )
        required = self._materials(item, draft)
        path = run.path
        if run.project is None:
            roll = rng.random()
            if roll < P_REFUSE_AT_WINDOW:
                path.add("refuse")
            elif roll < P_REFUSE_AT_WINDOW + P_WITHDRAW:
                path.add("withdraw")
            elif roll < P_REFUSE_AT_WINDOW + P_WITHDRAW + P_SUPPLEMENT_AT_WINDOW and required:
                path.add("supplement")
                if rng.random() < P_SUPPLEMENT_UNANSWERED:
                    path.add("unanswered")
            if not item.is_immediate:
                for flag, chance in (
                    ("review_supplement", P_REVIEW_SUPPLEMENT),
                    ("suspend", P_SUSPEND),
                    ("extend", P_EXTEND),
                    ("late", P_LATE),
                    ("stalled", P_STALLED),
                ):
                    if rng.random() < chance:
                        path.add(flag)
                if "late" in path and rng.random() < P_LATE_BY_LAW:
                    path.add("late_by_law")
            if rng.random() < P_DENY:
                path.add("deny")
            if rng.random() < P_GREEN_CHANNEL:
                path.add("green")
            if rng.random() < P_EXEMPT_FEE and item.fees:
                path.add("exempt")
        if rng.random() < P_EVALUATED:
            grades = LATE_GRADES if "late" in path else GRADES
            run.grade = rng.choices([g for g, _ in grades], [w for _, w in grades])[0]
            if run.grade.is_bad and rng.random() < P_RECTIFICATION_LATE:
                path.add("rectification_late")
        if "supplement" in path:
            left_out = rng.randint(1, min(2, len(required)))
            cut = sorted(rng.sample(range(len(required)), left_out))
            run.missing = tuple(required[i] for i in cut)
            required = tuple(m for i, m in enumerate(required) if i not in cut)
        run.draft = attrs.evolve(draft, materials=required)

    def _attributes(self, item: Item, region: str, rng: random.Random) -> dict[str, str]:
        """The local fields the case carries: the data set's (Lijin's river permit number
        for river works)."""
        local = getattr(self.dataset, "case_attributes", None)
        if local is not None:
            return dict(local(_in_region(item, region), rng.randint(1, 999)))
        if region == "370522":
            return {RIVER_PERMIT: f"利河许{self.year}第{rng.randint(1, 999):03d}号"}
        return {}

    def _materials(self, item: Item, draft: Case) -> tuple[SubmittedMaterial, ...]:
        key = (item.code, draft.region, draft.applicant.kind.value)
        found = self._required.get(key)
        if found is None:
            found = self._required[key] = tuple(
                SubmittedMaterial(name=m.name, originals=max(1, m.originals), copies=m.copies)
                for m in self.service.missing_materials(item, draft)
            )
        return found

    def _staff_of(self, region: str, item: Item | None = None) -> Staff:
        """Who acts on a case of ``item`` at the centre of ``region``: the department's
        window there (its clerks, reviewer and approver, as the data set's desks say),
        the centre's supervisors and agents; else any member of the centre's staff."""
        key = (region, item.department if item is not None else None)
        found = self._desks.get(key)
        if found is None:
            found = self._desks[key] = self._desk_staff(region, item)
        return found

    def _desk_staff(self, region: str, item: Item | None) -> Staff:
        centre = self._centre_staff(region)
        desk_of = getattr(self.dataset, "desk", None)
        if item is None or desk_of is None:
            return centre
        code = self.dataset.centre_code(region)
        try:
            desk = desk_of(_in_region(item, region), code)
        except KeyError:
            return centre
        by_role = dict(centre.by_role)
        by_role["window_clerk"] = tuple(staff_actor(m) for m in desk.clerks)
        by_role["reviewer"] = (staff_actor(desk.reviewer),)
        by_role["approver"] = (staff_actor(desk.approver),)
        return Staff(centre.station_code, by_role)

    def _centre_staff(self, region: str) -> Staff:
        staff = self.staff.get(region) or self.staff.get(self.service.config.region)
        if staff is None:
            raise ConfigError(f"the data set has no centre with staff for region {region}")
        return staff

    def _applicant(self, region: str, rng: random.Random) -> Party:
        draw = getattr(self.dataset, "draw_applicant", None)
        if draw is not None:
            return draw(rng, region)
        return self.applicants[rng.randrange(len(self.applicants))]

    def _region_of(self, item: Item, rng: random.Random) -> str:
        """Where a case of ``item`` is handled: its region, or (a third of the time) one of
        the regions it is delegated to (下放) that has a centre with staff."""
        delegated = [r for r in item.delegated_to if r in self.staff]
        if delegated and rng.random() < 0.35:
            return rng.choice(delegated)
        return item.region

    # --- the steps -----------------------------------------------------------------------------

    def _apply(self, run: _Run, at: dt.datetime) -> None:
        rng = run.rng
        if run.project is None:
            region = self._region_of(run.item, rng)
            self._prepare(run, run.item, self._applicant(region, rng), region)
        actor = applicant_actor(run.applicant)
        if run.project is not None:
            project = self._project_of(run)
            agent = project.project.agent and project.staff.find(project.project.agent)
            actor = agent or actor
        draft = attrs.evolve(run.draft, received_at=at)
        self.workflow.apply(draft, actor, at=at)
        self.applied += 1
        self._act("apply")
        run.last = at
        if "green" in run.path:
            self.then(run, "assign")
        elif "refuse" in run.path:
            self.then(run, "refuse")
        elif "supplement" in run.path:
            self.then(run, "request_supplement")
        elif "withdraw" in run.path and rng.random() < 0.5:
            self.then(run, "withdraw", rng.randint(0, 2))
        else:
            self.then(run, "accept")

    def _plan_too_late(self, adjustment: Any, calendar: WorkingCalendar) -> None:
        """An applicant who did not hear of the cancellation applies for the first item an
        adjustment cancels, on the next working day: refused (停办, naming the item and the
        day), and the refusal recorded on the trail."""
        from govservice.demo.seasons import arrival_time
        from govservice.model.catalog import ChangeAction

        cancelled = [c.item_code for c in adjustment.changes if c.action is ChangeAction.CANCEL]
        if not cancelled:
            return
        run = _Run()
        run.rng = random.Random(f"{self.seed}-{adjustment.id}-too-late")
        run.item = self.dataset.item(cancelled[0])
        run.case_id = f"DY{self.year}-{adjustment.id}"
        day = self.working_day(calendar, adjustment.effective + dt.timedelta(days=1))
        self.schedule(arrival_time(day, run.rng), run, "too_late")

    def _too_late(self, run: _Run, at: dt.datetime) -> None:
        region = run.item.region
        self._prepare(run, run.item, self._applicant(region, run.rng), region)
        draft = attrs.evolve(run.draft, received_at=at)
        try:
            self.workflow.apply(draft, applicant_actor(run.applicant), at=at)
        except ItemNotAcceptingError:
            self._act("refused_cancelled")
            return
        raise RuntimeError(f"a case of {run.item.code}, cancelled, was taken")  # pragma: no cover

    def _assign(self, run: _Run, at: dt.datetime) -> None:
        supervisor = run.staff.pick("supervisor", run.rng)
        handler = run.staff.pick("reviewer", run.rng)
        self.workflow.assign(
            run.case_id, supervisor, handler=handler.name, green_channel=True, at=at
        )
        self._act("assign")
        run.last = at
        run.path.discard("green")
        self.then(run, "request_supplement" if "supplement" in run.path else "accept")

    def _refuse(self, run: _Run, at: dt.datetime, reason: str | None = None) -> None:
        clerk = run.staff.pick("window_clerk", run.rng)
        reason = reason or REFUSALS[run.rng.randrange(len(REFUSALS))]
        self.workflow.refuse(
            run.case_id, clerk, reason, legal_basis="《中华人民共和国行政许可法》第三十二条", at=at
        )
        self._act("refuse")
        run.last = at
        self._done(run)

    def _request_supplement(self, run: _Run, at: dt.datetime) -> None:
        clerk = run.staff.pick("window_clerk", run.rng)
        self.workflow.request_supplement(
            run.case_id, clerk, note="请一次性补齐以下材料后再次提交", at=at
        )
        self._act("request_supplement")
        run.last = at
        rng = run.rng
        if "unanswered" in run.path:
            self.then(run, "refuse_unanswered", rng.randint(10, 20))
        elif "withdraw" in run.path:
            self.then(run, "withdraw", rng.randint(1, 4))
        else:
            self.then(run, "supplement", rng.randint(1, 5))

    def _refuse_unanswered(self, run: _Run, at: dt.datetime) -> None:
        self._refuse(run, at, "申请人逾期未按一次性告知书补齐材料")

    def _supplement(self, run: _Run, at: dt.datetime) -> None:
        rng = run.rng
        handing = run.missing
        if len(handing) > 1 and rng.random() < P_SUPPLEMENT_PARTIAL:
            handing = handing[:1]
        self.workflow.supplement(run.case_id, applicant_actor(run.applicant), handing, at=at)
        self._act("supplement")
        run.last = at
        run.missing = run.missing[len(handing) :]
        if run.missing:  # the rest comes later
            self.then(run, "supplement", rng.randint(1, 4))
        elif "in_review" in run.path:
            self._after_review(run)
        else:
            self.then(run, "accept")

    def _accept(self, run: _Run, at: dt.datetime) -> None:
        clerk = run.staff.pick("window_clerk", run.rng)
        try:
            self.workflow.accept(run.case_id, clerk, at=at)
        except RulesBlockedError as blocked:  # a county's rule: not accepted, with the reason
            self.blocked += 1
            reason = "；".join(finding.message for finding in blocked.findings)
            run.last = later = at + dt.timedelta(minutes=2)
            self.clock.moment = later
            self._refuse(run, later, reason[:400])
            return
        self._act("accept")
        run.last = at
        rng = run.rng
        if "exempt" in run.path:
            self.then(run, "exempt_fee")
        elif run.item.is_immediate:
            self.then(run, "decide")
        elif "withdraw" in run.path:
            self.then(run, "withdraw", rng.randint(1, 3))
        else:
            self.then(run, "review", 0 if rng.random() < 0.5 or run.project else 1)

    def _exempt_fee(self, run: _Run, at: dt.datetime) -> None:
        clerk = run.staff.pick("window_clerk", run.rng)
        fee = run.item.fees[0].name
        stored = self.workflow.case(run.case_id).record
        charged = {f.name: f.amount for f in stored.fees}
        if charged.get(fee, 0) > 0:
            self.workflow.exempt_fee(
                run.case_id, clerk, fee, "申请人为城乡最低生活保障对象，依规免收", at=at
            )
            self._act("exempt_fee")
            run.last = at
        run.path.discard("exempt")
        if run.item.is_immediate:
            self.then(run, "decide")
        else:
            self.then(run, "review", 1)

    def _withdraw(self, run: _Run, at: dt.datetime) -> None:
        self.workflow.withdraw(
            run.case_id, applicant_actor(run.applicant), reason="申请人主动撤回申请", at=at
        )
        self._act("withdraw")
        run.last = at
        self._done(run)

    def _review(self, run: _Run, at: dt.datetime) -> None:
        reviewer = run.staff.pick("reviewer", run.rng)
        self.workflow.review(run.case_id, reviewer, at=at)
        self._act("review")
        run.last = at
        run.path.add("in_review")
        if run.project is not None:
            self._project_reviewed(run)
        else:
            self._after_review(run)

    def _after_review(self, run: _Run) -> None:
        """In review: a supplement asked for, a special procedure, an extension, each at
        most once and in that order, then the decision."""
        path, rng = run.path, run.rng
        if "review_supplement" in path:
            path.discard("review_supplement")
            self.then(run, "review_request", rng.randint(1, 2))
        elif "suspend" in path:
            self.then(run, "suspend", rng.randint(1, 3))
        elif "extend" in path:
            self.then(run, "extend", rng.randint(1, 2))
        else:
            self._decision(run)

    def _review_request(self, run: _Run, at: dt.datetime) -> None:
        reviewer = run.staff.pick("reviewer", run.rng)
        item = run.item
        asked = (
            item.materials[run.rng.randrange(len(item.materials))].name if item.materials else None
        )
        name = f"{asked}（补充说明）" if asked else "补充说明材料"
        self.workflow.request_supplement(
            run.case_id, reviewer, [name], note="审查中发现需补充说明", at=at
        )
        self._act("request_supplement")
        run.last = at
        run.missing = (SubmittedMaterial(name=name, originals=1),)
        self.then(run, "supplement", run.rng.randint(2, 6))

    def _suspend(self, run: _Run, at: dt.datetime) -> None:
        rng = run.rng
        procedure, reason, days = PROCEDURES[rng.randrange(len(PROCEDURES))]
        reviewer = run.staff.pick("reviewer", rng)
        self.workflow.suspend(run.case_id, reviewer, procedure, reason, expected_days=days, at=at)
        self._act("suspend")
        run.last = at
        run.path.discard("suspend")
        self.then(run, "resume", max(1, days + rng.randint(-2, 2)))

    def _resume(self, run: _Run, at: dt.datetime) -> None:
        self.workflow.resume(run.case_id, run.staff.pick("reviewer", run.rng), at=at)
        self._act("resume")
        run.last = at
        self._after_review(run)

    def _extend(self, run: _Run, at: dt.datetime) -> None:
        approver = run.staff.pick("approver", run.rng)
        self.workflow.extend(
            run.case_id, approver, "情况复杂，经本机关负责人批准延长十个工作日", at=at
        )
        self._act("extend")
        run.last = at
        run.path.discard("extend")
        run.path.add("late")  # decided after the promise, within the extended law's limit
        run.path.discard("late_by_law")
        self._decision(run)

    def _decision(self, run: _Run) -> None:
        """Schedule the decision against the case's due dates as they stand now."""
        rng = run.rng
        case = self.workflow.case(run.case_id).record
        path = run.path
        today = run.last.date()
        calendar = run.calendar
        promised = case.promised_due or today
        legal = case.legal_due or promised
        if "stalled" in path:
            return  # never decided within the year: red at year end
        if "late_by_law" in path:
            day = self.working_day(calendar, max(legal, today), rng.randint(1, 6))
        elif "late" in path:
            day = self.working_day(calendar, max(promised, today), rng.randint(1, 5))
            if day > legal and legal >= today:
                day = legal
        else:
            span = calendar.working_days_between(today, promised)
            day = self.working_day(calendar, today, rng.randint(0, max(0, span)))
        self.schedule(self.moment(run, day), run, "decide")

    def _decide(self, run: _Run, at: dt.datetime) -> None:
        rng = run.rng
        staff = run.staff
        if run.item.is_immediate:
            actor = staff.pick("window_clerk", rng)
        else:
            actor = staff.pick("approver", rng)
        if "deny" in run.path:
            reason, basis = DENIALS[rng.randrange(len(DENIALS))]
            self.workflow.decide(
                run.case_id, actor, "deny", reason=reason, legal_basis=basis, at=at
            )
        else:
            self.workflow.decide(run.case_id, actor, "grant", at=at)
        self._act("decide")
        run.last = at
        self.schedule(at + dt.timedelta(minutes=rng.randint(5, 60)), run, "complete")

    def _complete(self, run: _Run, at: dt.datetime) -> None:
        actor = run.staff.pick("window_clerk", run.rng)
        self.workflow.complete(run.case_id, actor, at=at)
        self._act("complete")
        run.last = at
        self._done(run)
        if run.grade is not None:
            # most evaluate at the window's device when they collect the decision (一事一评)
            self.then(run, "evaluate", run.rng.choice((0, 0, 0, 0, 0, 0, 0, 1, 2, 3)))

    def _evaluate(self, run: _Run, at: dt.datetime) -> None:
        grade = run.grade
        comment = COMMENTS.get(grade)
        self.workflow.evaluate(
            run.case_id, applicant_actor(run.applicant), grade, comment=comment, at=at
        )
        self._act("evaluate")
        run.last = at
        if grade.is_bad:
            self.then(run, "follow_up", run.rng.randint(1, 4))

    def _follow_up(self, run: _Run, at: dt.datetime) -> None:
        supervisor = run.staff.pick("supervisor", run.rng)
        self.workflow.follow_up(
            run.case_id, supervisor, "已电话回访申请人，核实情况，督促窗口整改", at=at
        )
        self._act("follow_up")
        run.last = at
        days = (
            run.rng.randint(17, 25) if "rectification_late" in run.path else run.rng.randint(3, 9)
        )
        self.then(run, "close_rectification", days)

    def _close_rectification(self, run: _Run, at: dt.datetime) -> None:
        supervisor = run.staff.pick("supervisor", run.rng)
        self.workflow.follow_up(
            run.case_id,
            supervisor,
            "整改完成：窗口已改进服务流程，申请人对整改结果表示认可",
            close=True,
            at=at,
        )
        self._act("follow_up")
        run.last = at

    def _done(self, run: _Run) -> None:
        if run.project is not None:
            project = self._project_of(run)
            project.open -= 1
            if project.open == 0:
                day = self.working_day(run.calendar, run.last.date(), 1)
                self.schedule(_in_hours(day, run.rng), project, "complete_project")

    # --- key projects (重点建设项目) ------------------------------------------------------------

    def _project_cases(self) -> int:
        return sum(len(self._project_items(p)) for p in self.dataset.projects)

    def _project_items(self, project: Any) -> list[Item]:
        items = getattr(project, "items", None)
        if items:
            by_code = {item.code: item for item in self.items}
            return [by_code[code] if isinstance(code, str) else code for code in items]
        rng = random.Random(f"{self.seed}-{project.id}")
        candidates = [
            item
            for item in self.items
            if not item.is_immediate and project.region in (item.region, *item.delegated_to)
        ]
        chosen: dict[str, Item] = {}
        for item in rng.sample(candidates, len(candidates)):
            chosen.setdefault(item.department, item)
        return list(chosen.values())[: rng.randint(4, 6)]

    def _plan_projects(self) -> None:
        for spec in self.dataset.projects:
            project = getattr(spec, "project", spec)
            staff = self._staff_of(project.region)
            prun = _ProjectRun(project, staff)
            self.project_runs.append(prun)
            opened = project.created_at.astimezone(SHANGHAI)
            self.schedule(opened, prun, "open_project")
            calendar = self.calendar(project.region)
            for number, item in enumerate(self._project_items(spec), start=1):
                run = _Run()
                run.rng = random.Random(f"{self.seed}-{project.id}-{number}")
                run.case_id = f"{project.id}-{number:02d}"
                run.project = project.id
                run.last = opened
                self._prepare(run, item, project.owner, project.region)
                prun.cases.append(run)
                prun.open += 1
                day = self.working_day(calendar, opened.date(), run.rng.randint(1, 8))
                self.schedule(self.moment(run, day), run, "apply")

    def _project_of(self, run: _Run) -> _ProjectRun:
        for prun in self.project_runs:
            if prun.project.id == run.project:
                return prun
        raise LookupError(run.project)

    def _open_project(self, prun: _ProjectRun, at: dt.datetime) -> None:
        if self.workflow.store.get("project", prun.project.id) is None:  # not loaded yet
            projects.open_project(self.workflow, prun.project)
        self._act("open_project")

    def _project_reviewed(self, run: _Run) -> None:
        prun = self._project_of(run)
        prun.reviewed += 1
        if prun.reviewed == len(prun.cases):
            day = self.working_day(run.calendar, run.last.date(), run.rng.randint(1, 2))
            self.schedule(_in_hours(day, run.rng), prun, "consult")

    def _consult(self, prun: _ProjectRun, at: dt.datetime) -> None:
        rng = random.Random(f"{self.seed}-{prun.project.id}-consult")
        convener = prun.staff.pick("approver", rng)
        departments = tuple(dict.fromkeys(run.item.department for run in prun.cases))
        projects.consult(
            self.workflow,
            prun.project.id,
            convener,
            departments=departments,
            conclusions="各部门联合审查，原则同意，按并联审批办理，限期出具审批意见",
            at=at,
        )
        self._act("consult")
        for run in prun.cases:
            run.last = at
            if not self.workflow.case(run.case_id).record.state.is_closed:
                self._decision(run)

    def _complete_project(self, prun: _ProjectRun, at: dt.datetime) -> None:
        rng = random.Random(f"{self.seed}-{prun.project.id}-complete")
        projects.complete_project(
            self.workflow, prun.project.id, prun.staff.pick("approver", rng), at=at
        )
        self._act("complete_project")


def simulate_year(
    service: Any,
    dataset: Any,
    *,
    scale: float,
    seed: int,
    progress: Progress | None = None,
) -> SimulationSummary:
    """Simulate the year 2015 of ``dataset`` (loaded into ``service``'s store already, a
    simulation store) through ``service.workflow``: ``scale`` × 175,000 applications, every
    draw from ``seed``. The service's clock must be a :class:`~govservice.clock.FixedClock`:
    it is set to the time of each action (the trail records no wall-clock time). For the
    same trail from the same seed, the service draws its tracking codes from a seeded
    source too (``GovService(..., token_bytes=random.Random(seed).randbytes)``, as
    :func:`govservice.demo.run.run_demo` does)."""
    if not isinstance(service.clock, FixedClock):
        raise TypeError("the simulated year sets the service's clock: give it a FixedClock")
    total = round(FULL_YEAR_CASES * scale)
    simulation = YearSimulation(service, dataset, total=total, seed=seed, clock=service.clock)
    return simulation.run(progress)


# --- small helpers ---------------------------------------------------------------------------------


def _in_hours(day: dt.date, rng: random.Random) -> dt.datetime:
    from govservice.demo.seasons import arrival_time

    return arrival_time(day, rng)


REGION_SHARES = {"370500": 0.4}
"""The share of the applications taken at each centre: the city's 40 in 100, the rest
shared equally by the county centres."""


def _demand(item: Item, counts: Counter) -> float:
    """How often ``item`` is applied for, against the others: its centre's share of the
    applications (:data:`REGION_SHARES`) over the centre's items (``counts``: their
    :func:`_rarity` summed by region), an immediate item (即办件, the everyday certificates
    and registrations) two and a half times as often."""
    counties = len([region for region in counts if region not in REGION_SHARES]) or 1
    left = 1 - sum(REGION_SHARES.get(region, 0) for region in counts)
    share = REGION_SHARES.get(item.region, left / counties)
    return share * _rarity(item) / counts[item.region] * (2.5 if item.is_immediate else 1.0)


def _rarity(item: Item) -> float:
    """1 for an item the hall sees every week; the rest of the catalog
    (:mod:`~govservice.demo.more_items`) a few times a year."""
    from govservice.demo import more_items

    return more_items.LOW_DEMAND if item.name in more_items.names() else 1.0


def _in_region(item: Item, region: str) -> Item:
    """``item`` as the centre of ``region`` (the item's, or one it is delegated to) handles
    it: a city item delegated to a county is handled there at the county level."""
    if region == item.region:
        return item
    return attrs.evolve(item, region=region, level=level_of(region))


def _document_kind(item: Item, rng: random.Random) -> str | None:
    """The kind of document an application asks for (首次申领, 补领 ...), when the item's fees
    differ by it: the option of one of its alternative fees."""
    options = sorted({fee.option for fee in item.fees or () if fee.option is not None})
    return rng.choice(options) if options else None
