"""Counting a year from the store: :func:`year_figures`.

Nothing here keeps counters of its own while cases are handled: every figure is read back
from the store, by the library's own queries where it has one, and the rest by one pass
over the stored case records (:meth:`~govservice.store.base.Store.raw_rows`, a page at a
time, as :func:`govservice.audit.verify_store` reads them), so a year of 175,000 cases
takes seconds.

- **By the supervision's queries** (:func:`govservice.workflow.supervision.report` on the
  report's day, with the year as its on-time period): cases completed and completed on
  time by department (``completion_counts``: on time is completed by the promised due
  date, the days of special procedures added), open cases past their due date (红灯) and
  near it (黄灯) by department, applications left unanswered beyond 5 working days, and
  rectifications overdue (``count_cases``).
- **By the pass over the cases**: a case counts in the year of the step's own date
  (Asia/Shanghai): received (申请), accepted (受理), completed (办结), refused (不予受理,
  the date of its ``refuse`` event), withdrawn (撤回), supplement notices (补正, the day
  each was given), special procedures (特别程序, the day each began), extensions (延长),
  evaluations (好差评) and rectifications opened and followed up. Refused attempts (an
  event with a ``refusal``) change nothing and count nowhere.
- **Working days used** (平均用时) by a case completed in the year: the working days from
  the day its clock started (``clock_started_on``: acceptance; the day of receipt when it
  counts as accepted on receipt; the arrival of a supplement asked for in review) to the
  day it was completed, that day not counted (行政许可法第八十二条), less the working days
  of the special procedures begun since. The **promised limit** beside it is what the
  item's promise allows from the same day, counted by
  :func:`govservice.workflow.deadlines.due_dates` on the region's calendar.
- **Stations**: a case is counted at the station it names or, naming none, at the centre
  of its region (as the registry of staff finds the station whose staff act on it).
- **Open cases** (在办, 红灯) are the cases as they stand in the store, seen on the
  report's day: the last day of the year, or today when the year is not over.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import attrs

from govservice.audit import AuditReport, verify_store
from govservice.clock import SHANGHAI
from govservice.model import CaseState, Grade, Item, SpecialProcedure
from govservice.model.catalog import ChangeAction
from govservice.report.blacklists import blacklist_figures
from govservice.report.figures import (
    AdjustmentFigures,
    CatalogFigures,
    EvaluationFigures,
    GradeCount,
    GreenChannelFigures,
    GroupFigures,
    MonthFigures,
    ProcedureCount,
    ProjectFigures,
    SpecialProcedureFigures,
    SupervisionFigures,
    SupplementFigures,
    TrailFigures,
    YearFigures,
    average,
)
from govservice.report.grassroots import grassroots_figures
from govservice.report.supermarket import supermarket_figures
from govservice.store.base import CaseQuery
from govservice.store.columns import local_date
from govservice.workdays import WorkingCalendar
from govservice.workflow import supervision
from govservice.workflow.authority import CENTRE_LEVELS
from govservice.workflow.deadlines import due_dates

PAGE = 2000
"""Case records read at a time."""

NO_STATION = "（未指定站点）"
"""The name the station table gives cases of no station in a region with no centre."""

_CLOSED = frozenset(state.value for state in CaseState if state.is_closed)
_RUNNING = frozenset(state.value for state in supervision.RUNNING)


def year_figures(
    service: Any,
    year: int,
    *,
    as_of: dt.date | None = None,
    audit: AuditReport | None = None,
) -> YearFigures:
    """The figures of ``year`` of the centre ``service`` (a :class:`~govservice.GovService`),
    counted from its store (see the module's docstring).

    :param as_of: the day open cases are seen on; by default the last day of the year, or
        the clock's today when that is earlier (never before the year's first day).
    :param audit: the check of the trail, when the caller has made it already
        (:func:`govservice.audit.verify_store`); else it is made here.
    """
    store = service.store
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if as_of is None:
        today = service.clock.now().astimezone(SHANGHAI).date()
        as_of = min(max(today, first), last)
    tally = _Tally(year, as_of, _Days(service), _Stations.load(store))
    for document in _case_documents(store):
        tally.add(document)
    watched = supervision.report(
        store,
        service.calendar(),
        as_of,
        yellow_days=service.config.yellow_days,
        since=first,
        until=last,
        limit=1,
    )
    rectifications_overdue = store.count_cases(
        CaseQuery(rectification_due_to=as_of - dt.timedelta(days=1))
    )
    departments = _departments(tally, watched)
    completed = sum(group.completed for group in departments)
    return YearFigures(
        centre=service.config.name,
        region=service.config.region,
        year=year,
        as_of=as_of,
        applications=tally.applications,
        accepted=tally.accepted,
        completed=completed,
        on_time=sum(group.on_time for group in departments),
        refused=tally.actions["refuse"],
        withdrawn=tally.actions["withdraw"],
        in_progress=tally.in_progress,
        extensions=tally.actions["extend"],
        average_days=average(tally.total.days, tally.total.timed),
        average_promised_days=average(tally.total.promised, tally.total.promised_count),
        by_month=tuple(
            MonthFigures(
                month=month, applications=counts[0], accepted=counts[1], completed=counts[2]
            )
            for month, counts in enumerate(tally.months[1:], start=1)
        ),
        by_department=departments,
        by_station=_stations(tally),
        centre_names={
            region: tally.stations.names[code]
            for region, code in sorted(tally.stations.centres.items())
            if code in tally.stations.names
        },
        supplements=SupplementFigures(
            before_acceptance=tally.notices[CaseState.SUBMITTED.value],
            in_review=sum(n for state, n in tally.notices.items() if state != "submitted"),
            cases=tally.supplemented,
        ),
        special_procedures=SpecialProcedureFigures(
            count=sum(tally.procedures.values()),
            cases=tally.suspended_cases,
            excluded_days=tally.excluded_days,
            open=tally.suspended_now,
            by_procedure=tuple(
                ProcedureCount(procedure=kind, label=_procedure_label(kind), count=count)
                for kind, count in sorted(tally.procedures.items(), key=lambda p: (-p[1], p[0]))
            ),
        ),
        green_channel=_green_channel(store, tally),
        evaluations=EvaluationFigures(
            by_grade=tuple(
                GradeCount(grade=grade.value, label=grade.label, count=tally.grades[grade.value])
                for grade in Grade
            ),
            rectifications_opened=tally.rectifications[0],
            rectifications_closed=tally.rectifications[1],
            closed_on_time=tally.rectifications[2],
            rectifications_overdue=rectifications_overdue,
            follow_ups=tally.follow_ups,
        ),
        supervision=SupervisionFigures(
            red=watched.red_total,
            yellow=watched.yellow_total,
            acceptance_overdue=watched.acceptance_overdue_total,
        ),
        trail=_trail(audit if audit is not None else verify_store(store)),
        catalog=catalog_figures(service, service.config.region, first, min(as_of, last)),
        grassroots=grassroots_figures(service, year, as_of),
        supermarket=supermarket_figures(service, year, as_of),
        blacklists=blacklist_figures(service, year, as_of),
    )


def catalog_figures(
    service: Any, region: str, first: dt.date, last: dt.date
) -> CatalogFigures | None:
    """How ``region``'s catalog changed from ``first`` to ``last``: the diff between the
    versions in force on those days (the first version of the period when none was in
    force on ``first``), and the adjustments in between. None when the region keeps no
    versioned catalog, or none was in force in the period."""
    if not service.catalog.heads(region):
        return None
    versions = [v for v in service.catalog.versions(region) if v.effective <= last]
    if not versions:
        return None
    before = [version for version in versions if version.effective <= first]
    old = before[-1] if before else versions[0]
    new = versions[-1]
    summary = service.catalog.diff(old, new).summary()
    adjustments = []
    for version in versions:
        adjustment = version.adjustment
        if version.number <= old.number or adjustment is None:
            continue
        head = version
        counted = {action.value: adjustment.count(action) for action in ChangeAction}
        adjustments.append(
            AdjustmentFigures(
                number=head.number,
                effective=head.effective,
                decided_by=adjustment.decided_by,
                decision_number=adjustment.decision_number,
                title=adjustment.title,
                added=counted["add"],
                taken_over=counted["take_over"],
                cancelled=counted["cancel"],
                retained=counted["retain"],
                changed=counted["change"],
                moved=counted["move"],
            )
        )
    return CatalogFigures(
        first_version=old.number,
        last_version=new.number,
        first_in_service=len(old.in_service()),
        last_in_service=len(new.in_service()),
        adjustments=tuple(adjustments),
        **summary,
    )


def _case_documents(store: Any) -> Iterator[dict[str, Any]]:
    """Every stored case document, by id, a page at a time."""
    after = None
    while True:
        rows = store.raw_rows("case", after=after, limit=PAGE)
        for row in rows:
            yield json.loads(row[-1])
        if len(rows) < PAGE:
            return
        after = rows[-1][0]


# --- the pass over the cases ------------------------------------------------------------------


@attrs.define
class _Group:
    """What the pass counts of one department or station."""

    accepted: int = 0
    completed: int = 0
    on_time: int = 0
    overdue_open: int = 0
    days: int = 0
    timed: int = 0
    promised: int = 0
    promised_count: int = 0


class _Tally:
    """The pass over the case records of one year."""

    def __init__(self, year: int, as_of: dt.date, days: _Days, stations: _Stations) -> None:
        self.year = f"{year:04d}-"
        self.as_of = as_of.isoformat()
        self.days = days
        self.stations = stations
        self.applications = self.accepted = self.in_progress = 0
        self.supplemented = self.suspended_cases = self.suspended_now = self.excluded_days = 0
        self.follow_ups = 0
        self.rectifications = [0, 0, 0]  # opened, closed, closed on time
        self.months = [[0, 0, 0] for _ in range(13)]  # received, accepted, completed
        self.actions: Counter[str] = Counter()
        self.notices: Counter[str] = Counter()
        self.procedures: Counter[str] = Counter()
        self.grades: Counter[str] = Counter()
        self.total = _Group()
        self.departments: dict[str, _Group] = {}
        self.department_regions: dict[str, str] = {}  # the region of its first case
        self.by_station: dict[str | None, _Group] = {}
        self.projects: dict[str, list[int]] = {}  # cases received, completed
        self.green = [0, 0, 0]  # cases received, completed, on time
        self.full_agency = 0

    def in_year(self, day: str | None) -> bool:
        return day is not None and day.startswith(self.year)

    def add(self, case: dict[str, Any]) -> None:
        state = case.get("state", CaseState.SUBMITTED.value)
        department = self.departments.setdefault(case["department"], _Group())
        self.department_regions.setdefault(case["department"], case["region"])
        station = self.by_station.setdefault(self.stations.of(case), _Group())
        received = local_date(case["received_at"])
        accepted = local_date(case.get("accepted_at"))
        completed = local_date(case.get("completed_at"))
        due = case.get("promised_due")
        on_time = completed is not None and (due is None or completed <= due)
        if self.in_year(received):
            self.applications += 1
            self.months[int(received[5:7])][0] += 1
            self._received(case, completed, on_time)
        if self.in_year(accepted):
            self.accepted += 1
            self.months[int(accepted[5:7])][1] += 1
            department.accepted += 1
            station.accepted += 1
        if self.in_year(completed):
            self.months[int(completed[5:7])][2] += 1
            station.completed += 1
            station.on_time += on_time
            self._timed(case, completed, (self.total, department, station))
        if state not in _CLOSED and received <= self.as_of:
            self.in_progress += 1
            if state in _RUNNING and due is not None and due < self.as_of:
                station.overdue_open += 1
        self.suspended_now += state == CaseState.SUSPENDED.value
        for event in case.get("events", ()):
            action = event["action"]
            if (
                action in ("refuse", "withdraw", "extend")
                and "refusal" not in event
                and self.in_year(local_date(event["at"]))
            ):
                self.actions[action] += 1
        self._notices(case)
        self._procedures(case)
        self._evaluation(case)

    def _received(self, case: dict[str, Any], completed: str | None, on_time: bool) -> None:
        done = self.in_year(completed)
        if case.get("green_channel"):
            self.green[0] += 1
            self.green[1] += done
            self.green[2] += done and on_time
        self.full_agency += bool(case.get("full_agency"))
        project = case.get("project_id")
        if project is not None:
            counts = self.projects.setdefault(project, [0, 0])
            counts[0] += 1
            counts[1] += done

    def _timed(self, case: dict[str, Any], completed: str, groups: tuple[_Group, ...]) -> None:
        start = case.get("clock_started_on") or local_date(case.get("accepted_at"))
        if start is None:
            return
        excluded = sum(
            s.get("excluded_days") or 0
            for s in case.get("suspensions", ())
            if local_date(s["started_at"]) >= start
        )
        used = max(self.days.between(case["region"], start, completed) - excluded, 0)
        promised = self.days.promised(case, start)
        for group in groups:
            group.days += used
            group.timed += 1
            if promised is not None:
                group.promised += promised
                group.promised_count += 1

    def _notices(self, case: dict[str, Any]) -> None:
        given = False
        for notice in case.get("supplements", ()):
            if self.in_year(local_date(notice["requested_at"])):
                self.notices[notice["from_state"]] += 1
                given = True
        self.supplemented += given

    def _procedures(self, case: dict[str, Any]) -> None:
        begun = False
        for suspension in case.get("suspensions", ()):
            if self.in_year(local_date(suspension["started_at"])):
                self.procedures[suspension["procedure"]] += 1
                self.excluded_days += suspension.get("excluded_days") or 0
                begun = True
        self.suspended_cases += begun

    def _evaluation(self, case: dict[str, Any]) -> None:
        evaluation = case.get("evaluation")
        if evaluation is not None and self.in_year(local_date(evaluation["at"])):
            self.grades[evaluation["grade"]] += 1
        rectification = case.get("rectification")
        if rectification is None:
            return
        if self.in_year(local_date(rectification["opened_at"])):
            self.rectifications[0] += 1
            closed = local_date(rectification.get("closed_at"))
            if closed is not None and closed <= self.as_of:
                self.rectifications[1] += 1
                self.rectifications[2] += closed <= rectification["due"]
        self.follow_ups += sum(
            self.in_year(local_date(f["at"])) for f in rectification.get("follow_ups", ())
        )


class _Days:
    """Working days on each region's calendar, each count made once."""

    def __init__(self, service: Any) -> None:
        self.service = service
        self.calendars: dict[str, WorkingCalendar] = {}
        self.counted: dict[tuple[str, str, str], int] = {}
        self.items: dict[tuple[str, int], Item | None] = {}
        self.allowed: dict[tuple[str, str, int, str], int | None] = {}

    def calendar(self, region: str) -> WorkingCalendar:
        found = self.calendars.get(region)
        if found is None:
            found = self.calendars[region] = self.service.calendar(region)
        return found

    def between(self, region: str, start: str, end: str) -> int:
        """Working days after ``start`` up to and including ``end`` (YYYY-MM-DD)."""
        key = (region, start, end)
        found = self.counted.get(key)
        if found is None:
            found = self.counted[key] = self.calendar(region).working_days_between(
                dt.date.fromisoformat(start), dt.date.fromisoformat(end)
            )
        return found

    def promised(self, case: dict[str, Any], start: str) -> int | None:
        """Working days the promise of the case's item allows from ``start`` (None: the
        item is not in the catalog)."""
        code, version, region = case["item_code"], case.get("item_version", 1), case["region"]
        kind = case.get("document_kind")
        key = (region, code, version, start, kind)
        if key in self.allowed:
            return self.allowed[key]
        if (code, version) not in self.items:
            self.items[(code, version)] = self.service.store.item(code, version)
        item = self.items[(code, version)]
        allowed = None
        if item is not None:
            day = dt.date.fromisoformat(start)
            due = due_dates(self.calendar(region), item, day, kind).promised.due
            allowed = self.between(region, start, due.isoformat())
        self.allowed[key] = allowed
        return allowed


@attrs.frozen
class _Stations:
    """The stations' names, and the centre of each region (for cases naming no station)."""

    names: dict[str, str]
    centres: dict[str, str]

    @classmethod
    def load(cls, store: Any) -> _Stations:
        names: dict[str, str] = {}
        best: dict[str, tuple[int, str]] = {}
        after = None
        while True:
            page = store.list("station", limit=500, after=after)
            for stored in page.records:
                station = stored.record
                names[station.code] = station.name
                if station.level in CENTRE_LEVELS:
                    rank = (CENTRE_LEVELS.index(station.level), station.code)
                    best[station.region] = min(best.get(station.region, rank), rank)
            if page.next_after is None:
                break
            after = page.next_after
        return cls(names, {region: rank[1] for region, rank in best.items()})

    def of(self, case: dict[str, Any]) -> str | None:
        """The code of the station a case is counted at (None: no station)."""
        code = case.get("station_code")
        return code if code is not None else self.centres.get(case["region"])


# --- the figures ------------------------------------------------------------------------------


def _departments(
    tally: _Tally, watched: supervision.SupervisionReport
) -> tuple[GroupFigures, ...]:
    completions = {line.department: line for line in watched.on_time}
    overdue = {count.group: count.overdue for count in watched.counts["department"]}
    rows = []
    for name in {*tally.departments, *completions, *overdue}:
        counted = tally.departments.get(name, _Group())
        completion = completions.get(name)
        row = GroupFigures(
            name=name or "（未指定部门）",
            region=tally.department_regions.get(name),
            accepted=counted.accepted,
            completed=completion.completed if completion else 0,
            on_time=completion.on_time if completion else 0,
            overdue_open=overdue.get(name, 0),
            average_days=average(counted.days, counted.timed),
            average_promised_days=average(counted.promised, counted.promised_count),
        )
        if row.accepted or row.completed or row.overdue_open:
            rows.append(row)
    return tuple(sorted(rows, key=lambda row: (-row.accepted, -row.completed, row.name)))


def _stations(tally: _Tally) -> tuple[GroupFigures, ...]:
    rows = []
    for code, counted in tally.by_station.items():
        if not (counted.accepted or counted.completed or counted.overdue_open):
            continue
        name = tally.stations.names.get(code, code) if code is not None else NO_STATION
        rows.append(
            GroupFigures(
                name=name,
                code=code,
                accepted=counted.accepted,
                completed=counted.completed,
                on_time=counted.on_time,
                overdue_open=counted.overdue_open,
                average_days=average(counted.days, counted.timed),
                average_promised_days=average(counted.promised, counted.promised_count),
            )
        )
    return tuple(sorted(rows, key=lambda row: (-row.accepted, -row.completed, row.name)))


def _green_channel(store: Any, tally: _Tally) -> GreenChannelFigures:
    projects, consultations = [], 0
    for project_id in sorted(tally.projects):
        stored = store.get("project", project_id)
        if stored is None:
            continue
        project = stored.record
        if not (project.key_project or project.green_channel):
            continue
        cases, completed = tally.projects[project_id]
        projects.append(
            ProjectFigures(
                id=project.id,
                name=project.name,
                handler=project.handler,
                key_project=project.key_project,
                green_channel=project.green_channel,
                cases=cases,
                completed=completed,
            )
        )
        consultations += sum(
            tally.in_year(c.at.astimezone(SHANGHAI).date().isoformat())
            for c in project.consultations
        )
    return GreenChannelFigures(
        cases=tally.green[0],
        completed=tally.green[1],
        on_time=tally.green[2],
        projects=tuple(projects),
        full_agency_cases=tally.full_agency,
        consultations=consultations,
    )


def _procedure_label(value: str) -> str:
    try:
        return SpecialProcedure(value).label
    except ValueError:
        return value


def _trail(audit: AuditReport) -> TrailFigures:
    problem = None
    if audit.first_break is not None:
        problem = f"#{audit.first_break.seq}: {audit.first_break.problem}"
    elif audit.witness_problems:
        problem = "; ".join(audit.witness_problems)
    return TrailFigures(
        ok=audit.ok,
        links=audit.checked,
        events=audit.events,
        refusals=audit.refusals,
        cases=audit.cases_checked,
        supermarket_records=audit.records_checked,
        station_records=audit.station_records_checked,
        head_seq=audit.head_seq,
        head_hash=audit.head_hash,
        simulation=audit.simulation,
        problem=problem,
    )
