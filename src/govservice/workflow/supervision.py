"""Electronic supervision (电子监察): green, yellow and red lights, and the report.

A case whose clock runs is **green**, **yellow** when ``supervision.yellow_days`` working
days or fewer are left before its promised due date, and **red** once that date has
passed. A case in a special procedure or waiting for a supplement is **paused** (its clock
stands still); closed cases have no light. The report counts yellow and red cases by
department, station and region, lists them, gives each department's on-time rate over a
period, and lists overdue rectifications and applications not accepted, refused or sent
back within 5 working days of receipt (第三十二条). Every figure comes from indexed store queries
(:meth:`~govservice.store.base.Store.due_counts`, ``completion_counts``, ``find_cases``),
never from loading every case. The yellow threshold is counted on the centre's calendar.

The report as text (:meth:`SupervisionReport.as_text`) is what a supervisor reads: the
centre named in its title, stations by name (looked up in the store; the code only for a
station not stored), departments by name, and （无） under every empty section.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from govservice.clock import SHANGHAI
from govservice.model import Case, CaseState
from govservice.model.common import LabelledEnum
from govservice.store.base import CaseQuery, CompletionCount, DueCount
from govservice.workdays import WorkingCalendar
from govservice.workflow.deadlines import ACCEPTANCE_DAYS

RUNNING = (CaseState.ACCEPTED, CaseState.IN_REVIEW, CaseState.GRANTED, CaseState.DENIED)
"""States in which a case's clock runs."""


GROUP_LABELS = {"department": "部门", "station_code": "站点", "region": "区划"}


class Light(LabelledEnum):
    """The supervision light of an open case."""

    GREEN = "green", "绿灯"
    YELLOW = "yellow", "黄灯预警"
    RED = "red", "红灯超期"
    PAUSED = "paused", "暂停计时"


def light(case: Case, today: dt.date, calendar: WorkingCalendar, yellow_days: int) -> Light | None:
    """The light of ``case`` on ``today``; None for a closed case or one not yet accepted."""
    if case.state.is_closed or case.promised_due is None:
        return None
    if case.state not in RUNNING:
        return Light.PAUSED
    if today > case.promised_due:
        return Light.RED
    if calendar.working_days_between(today, case.promised_due) <= yellow_days:
        return Light.YELLOW
    return Light.GREEN


def received_before(calendar: WorkingCalendar, today: dt.date) -> dt.datetime:
    """The moment before which an application still waiting on ``today`` has waited more
    than :data:`ACCEPTANCE_DAYS` working days (the day of receipt not counted): the start
    of the :data:`ACCEPTANCE_DAYS`-th working day before today (today is not over yet)."""
    day, counted = today, 0
    while counted < ACCEPTANCE_DAYS:
        day -= dt.timedelta(days=1)
        counted += calendar.is_working_day(day)
    return dt.datetime.combine(day, dt.time(), SHANGHAI)


def yellow_until(calendar: WorkingCalendar, today: dt.date, yellow_days: int) -> dt.date:
    """The last due date that is yellow on ``today``: the day before the working day
    ``yellow_days + 1`` working days after today."""
    return calendar.add_working_days(today, yellow_days + 1).due - dt.timedelta(days=1)


@attrs.frozen
class CaseLine:
    """One yellow or red case as the report lists it."""

    id: str
    item_code: str
    department: str
    station_code: str | None
    region: str
    handler: str | None
    promised_due: dt.date | None
    state: CaseState
    green_channel: bool
    rectification_due: dt.date | None = None

    @classmethod
    def of(cls, case: Case) -> CaseLine:
        return cls(
            id=case.id,
            item_code=case.item_code,
            department=case.department,
            station_code=case.station_code,
            region=case.region,
            handler=case.handler,
            promised_due=case.promised_due,
            state=case.state,
            green_channel=case.green_channel,
            rectification_due=case.rectification.due if case.rectification else None,
        )


@attrs.frozen
class OnTime:
    """A department's completions in the period, and how many were on time."""

    department: str | None
    completed: int
    on_time: int

    @property
    def rate(self) -> float:
        return round(100 * self.on_time / self.completed, 1) if self.completed else 100.0


@attrs.frozen
class SupervisionReport:
    """The supervision report of one day (see the module's docstring)."""

    today: dt.date
    yellow_days: int
    yellow_until: dt.date
    since: dt.date
    until: dt.date
    counts: dict[str, list[DueCount]]
    """``department``, ``station_code`` and ``region``: overdue (red) and near due
    (yellow) cases per group."""
    red: tuple[CaseLine, ...]
    red_total: int
    yellow: tuple[CaseLine, ...]
    yellow_total: int
    on_time: tuple[OnTime, ...]
    rectifications_overdue: tuple[CaseLine, ...]
    acceptance_overdue: tuple[CaseLine, ...] = ()
    """Applications neither accepted, refused nor sent back within 5 working days."""
    acceptance_overdue_total: int = 0
    centre: str | None = None
    """The name of the centre whose report it is (the configuration's ``name``)."""
    station_names: dict[str, str] = attrs.field(factory=dict)
    """The names of the stored stations the report names, by code."""
    direct_choices: tuple[Any, ...] = ()
    """The intermediaries chosen directly, without a draw (直接选取), in the period: the
    :class:`~govservice.model.Selection` records, each with its written reason."""

    def station(self, code: str | None) -> str:
        """Station ``code`` as a supervisor reads it: its name, else the code itself."""
        if code is None:
            return "（未指定站点）"
        return self.station_names.get(code, code)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form (dates as YYYY-MM-DD)."""

        def line(case: CaseLine) -> dict[str, Any]:
            document = attrs.asdict(case)
            document["state"] = case.state.value
            for key in ("promised_due", "rectification_due"):
                if document[key] is not None:
                    document[key] = document[key].isoformat()
            return document

        return {
            "today": self.today.isoformat(),
            "yellow_days": self.yellow_days,
            "yellow_until": self.yellow_until.isoformat(),
            "period": [self.since.isoformat(), self.until.isoformat()],
            "counts": {
                by: [{"group": c.group, "red": c.overdue, "yellow": c.near_due} for c in counts]
                for by, counts in self.counts.items()
            },
            "red_total": self.red_total,
            "red": [line(c) for c in self.red],
            "yellow_total": self.yellow_total,
            "yellow": [line(c) for c in self.yellow],
            "on_time": [
                {
                    "department": o.department,
                    "completed": o.completed,
                    "on_time": o.on_time,
                    "rate": o.rate,
                }
                for o in self.on_time
            ],
            "rectifications_overdue": [line(c) for c in self.rectifications_overdue],
            "acceptance_overdue_total": self.acceptance_overdue_total,
            "acceptance_overdue": [line(c) for c in self.acceptance_overdue],
            "centre": self.centre,
            "station_names": dict(sorted(self.station_names.items())),
            "direct_choices": [
                {
                    "id": s.id,
                    "need_id": s.need_id,
                    "service_code": s.service_code,
                    "on": s.on.isoformat(),
                    "result": s.result,
                    "reason": s.reason,
                }
                for s in self.direct_choices
            ],
        }

    def as_text(self) -> str:
        """The report as a supervisor reads it, in Chinese (see the module's docstring)."""
        title = f"{self.centre}电子监察报告" if self.centre else "电子监察报告"
        out = [
            f"{title} {self.today.isoformat()}（黄灯：剩余不超过{self.yellow_days}个工作日）",
            f"红灯超期 {self.red_total} 件，黄灯预警 {self.yellow_total} 件",
        ]
        for by, counts in self.counts.items():
            out.append(f"按{GROUP_LABELS[by]}：")
            if not counts:
                out.append(NONE)
            for count in counts:
                if by == "station_code":
                    group = self.station(count.group)
                else:
                    group = count.group if count.group is not None else "（未指定）"
                out.append(f"  {group}：红灯 {count.overdue}，黄灯 {count.near_due}")
        for title, lines in (("红灯超期办件", self.red), ("黄灯预警办件", self.yellow)):
            out.append(f"{title}：")
            if not lines:
                out.append(NONE)
            for case in lines:
                flag = " [绿色通道]" if case.green_channel else ""
                handler = f" 承办人 {case.handler}" if case.handler else ""
                out.append(
                    f"  {case.id} {case.department}{self._at(case)} "
                    f"承诺办结 {case.promised_due}{handler}{flag}"
                )
        out.append(f"按时办结率（{self.since.isoformat()} 至 {self.until.isoformat()}）：")
        if not self.on_time:
            out.append(NONE)
        for rate in self.on_time:
            department = rate.department if rate.department is not None else "（未指定）"
            out.append(
                f"  {department}：办结 {rate.completed} 件，按时 {rate.on_time} 件，"
                f"按时办结率 {rate.rate}%"
            )
        out.append(
            f"逾期未受理（收件后超过{ACCEPTANCE_DAYS}个工作日）：{self.acceptance_overdue_total} 件"
        )
        if not self.acceptance_overdue:
            out.append(NONE)
        out.extend(
            f"  {case.id} {case.department}{self._at(case)}" for case in self.acceptance_overdue
        )
        out.append("逾期未完成整改：")
        if not self.rectifications_overdue:
            out.append(NONE)
        for case in self.rectifications_overdue:
            out.append(
                f"  {case.id} {case.department}{self._at(case)} 整改期限 {case.rectification_due}"
            )
        out.append(
            f"直接选取中介机构（{self.since.isoformat()} 至 {self.until.isoformat()}）："
            f"{len(self.direct_choices)} 次"
        )
        if not self.direct_choices:
            out.append(NONE)
        out.extend(
            f"  {s.id} {s.on.isoformat()} {s.service_code} 选定 {s.result} 理由：{s.reason}"
            for s in self.direct_choices
        )
        return "\n".join(out)

    def _at(self, case: CaseLine) -> str:
        """Where a listed case is handled: its station by name (nothing when it names none)."""
        return f" {self.station(case.station_code)}" if case.station_code else ""


NONE = "  （无）"
"""What an empty section of the report says."""


def station_names(store: Any, codes: Any) -> dict[str, str]:
    """The names of the stored stations among ``codes`` (None and unknown codes left out),
    each looked up by its key."""
    found = {}
    for code in sorted({code for code in codes if code is not None}):
        stored = store.get("station", code)
        if stored is not None:
            found[code] = stored.record.name
    return found


def report(
    store: Any,
    calendar: WorkingCalendar,
    today: dt.date,
    *,
    yellow_days: int,
    since: dt.date | None = None,
    until: dt.date | None = None,
    limit: int = 200,
    centre: str | None = None,
    direct_choices: Any = (),
) -> SupervisionReport:
    """The supervision report of ``today``; the on-time rates cover ``since`` to ``until``
    (default: the month so far). At most ``limit`` cases of each light are listed, the
    green channel and the most overdue first; the totals count them all. ``centre`` is the
    centre's name, for the title (the configuration's ``name``). ``direct_choices`` are
    the selections of intermediaries made directly in the period (what
    :meth:`govservice.intermediaries.selection.Selections.direct` gives), listed as they
    are."""
    since = since if since is not None else today.replace(day=1)
    until = until if until is not None else today
    bound = yellow_until(calendar, today, yellow_days)
    counts = {
        by: store.due_counts(today, bound, by, states=RUNNING)
        for by in ("department", "station_code", "region")
    }
    red_query = CaseQuery(states=RUNNING, due_to=today - dt.timedelta(days=1))
    yellow_query = CaseQuery(states=RUNNING, due_from=today, due_to=bound)
    red = store.find_cases(red_query, limit=limit).records
    yellow = store.find_cases(yellow_query, limit=limit).records
    rectifications = store.find_cases(
        CaseQuery(rectification_due_to=today - dt.timedelta(days=1)), limit=limit
    ).records
    waiting = CaseQuery(
        states=(CaseState.SUBMITTED,), received_before=received_before(calendar, today)
    )
    completions: list[CompletionCount] = store.completion_counts(since, until, "department")
    waiting_lines = tuple(
        CaseLine.of(s.record) for s in store.find_cases(waiting, limit=limit).records
    )
    lines = {
        name: tuple(CaseLine.of(s.record) for s in found)
        for name, found in (("red", red), ("yellow", yellow), ("rect", rectifications))
    }
    named = [c.group for c in counts["station_code"]] + [
        line.station_code for group in (*lines.values(), waiting_lines) for line in group
    ]
    return SupervisionReport(
        today=today,
        yellow_days=yellow_days,
        yellow_until=bound,
        since=since,
        until=until,
        counts=counts,
        red=lines["red"],
        red_total=store.count_cases(red_query),
        yellow=lines["yellow"],
        yellow_total=store.count_cases(yellow_query),
        on_time=tuple(OnTime(c.group, c.completed, c.on_time) for c in completions),
        rectifications_overdue=lines["rect"],
        acceptance_overdue=waiting_lines,
        acceptance_overdue_total=store.count_cases(waiting),
        centre=centre,
        station_names=station_names(store, named),
        direct_choices=tuple(direct_choices),
    )
