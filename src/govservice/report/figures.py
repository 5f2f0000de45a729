"""The figures of a year report (年度报告), and their JSON form (``report.json``).

Every class is a frozen value: :func:`govservice.report.year_figures` counts them from the
store, :mod:`~govservice.report.terminal` and :mod:`~govservice.report.page` show them.
Rates are percentages and averages are working days, both :class:`~decimal.Decimal` with
one decimal place (None when there is nothing to divide by); in JSON they are strings, as
money is, so that no figure changes by being read as a float. ``docs/report.md`` lists the
keys of :meth:`YearFigures.as_dict`.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import attrs

FORMAT = "govservice-year-report"
FORMAT_VERSION = 1
"""``report.json`` says what it is (``format``) and in which version of its keys
(``version``): a key is never renamed nor its meaning changed within a version."""

_TENTH = Decimal("0.1")


def percent(part: int, whole: int) -> Decimal | None:
    """``100 * part / whole`` rounded half up to one decimal place; None when ``whole`` is 0."""
    if not whole:
        return None
    return (Decimal(100 * part) / Decimal(whole)).quantize(_TENTH, ROUND_HALF_UP)


def average(total: int, count: int) -> Decimal | None:
    """``total / count`` rounded half up to one decimal place; None when ``count`` is 0."""
    if not count:
        return None
    return (Decimal(total) / Decimal(count)).quantize(_TENTH, ROUND_HALF_UP)


class _OnTime:
    """What follows from ``completed``, ``on_time`` and ``overdue_open``, for a row of a
    table and for the whole year alike."""

    __slots__ = ()
    completed: int
    on_time: int
    overdue_open: int

    @property
    def late(self) -> int:
        """Completed after the promised due date (超期办结)."""
        return self.completed - self.on_time

    @property
    def overdue(self) -> int:
        """超期: completed late, or open past the due date."""
        return self.late + self.overdue_open

    @property
    def on_time_rate(self) -> Decimal | None:
        """按期办结率 (percent), None when nothing was completed."""
        return percent(self.on_time, self.completed)


@attrs.frozen(kw_only=True)
class GroupFigures(_OnTime):
    """One row of a table by department or by station (受理, 办结, 按期率, 超期, 平均用时)."""

    name: str
    """The department's name, or the station's."""
    code: str | None = None
    """The station's code (None for a department, and for cases of no known station)."""
    region: str | None = attrs.field(default=None, kw_only=True)
    """A department's region (the centre it serves at: its cases' region); None for a
    station."""
    accepted: int
    """Cases accepted (受理) in the year."""
    completed: int
    """Cases completed (办结) in the year."""
    on_time: int
    """Of those, completed by their promised due date (special procedures added)."""
    overdue_open: int
    """Cases still open on the report's day whose promised due date has passed (红灯)."""
    average_days: Decimal | None
    """Working days the completed cases took on average (see :mod:`govservice.report.count`)."""
    average_promised_days: Decimal | None
    """Working days their promised limit allowed on average."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "code": self.code,
            "region": self.region,
            "accepted": self.accepted,
            "completed": self.completed,
            "on_time": self.on_time,
            "late": self.late,
            "overdue_open": self.overdue_open,
            "overdue": self.overdue,
            "on_time_rate": _text(self.on_time_rate),
            "average_days": _text(self.average_days),
            "average_promised_days": _text(self.average_promised_days),
        }


@attrs.frozen(kw_only=True)
class MonthFigures:
    """Cases of one month of the year: received, accepted and completed in it."""

    month: int
    applications: int
    accepted: int
    completed: int


@attrs.frozen(kw_only=True)
class SupplementFigures:
    """补正: the notices (一次性告知) given in the year, before acceptance and in review."""

    before_acceptance: int
    in_review: int
    cases: int
    """Cases given at least one of these notices."""

    @property
    def notices(self) -> int:
        return self.before_acceptance + self.in_review


@attrs.frozen(kw_only=True)
class ProcedureCount:
    """Special procedures of one kind begun in the year."""

    procedure: str
    """The :class:`~govservice.model.SpecialProcedure` value (``expert_review`` ...)."""
    label: str
    count: int


@attrs.frozen(kw_only=True)
class SpecialProcedureFigures:
    """特别程序 (第四十五条) begun in the year: the clock stood still while they lasted."""

    count: int
    cases: int
    excluded_days: int
    """Working days not counted toward the limits, of those that ended."""
    open: int
    """Cases in a special procedure on the report's day."""
    by_procedure: tuple[ProcedureCount, ...]
    """Every kind with at least one, the most frequent first."""


@attrs.frozen(kw_only=True)
class ProjectFigures:
    """A project on the green channel or a key project (重点建设项目) served in the year."""

    id: str
    name: str
    handler: str | None
    """The dedicated handler (专人负责制)."""
    key_project: bool
    green_channel: bool
    cases: int
    """Its cases received in the year."""
    completed: int
    """Of those, completed."""


@attrs.frozen(kw_only=True)
class GreenChannelFigures:
    """绿色通道, 全程代办, 联审联批 in the year."""

    cases: int
    """Cases on the green channel received in the year."""
    completed: int
    on_time: int
    projects: tuple[ProjectFigures, ...]
    """Key projects and green-channel projects with cases received in the year, by id."""
    full_agency_cases: int
    """Cases received in the year taken by a centre's agent (全程代办)."""
    consultations: int
    """Joint consultations (联审会议) held in the year on those projects."""

    @property
    def key_projects(self) -> int:
        """Key construction projects (重点建设项目) served."""
        return sum(project.key_project for project in self.projects)


@attrs.frozen(kw_only=True)
class GradeCount:
    """Evaluations of one grade (好差评)."""

    grade: str
    """The :class:`~govservice.model.Grade` value (``very_satisfied`` ...)."""
    label: str
    count: int


@attrs.frozen(kw_only=True)
class EvaluationFigures:
    """好差评 given in the year, and the rectifications (整改) bad grades opened."""

    by_grade: tuple[GradeCount, ...]
    """All five grades, best first (zero counts included)."""
    rectifications_opened: int
    rectifications_closed: int
    """Of those opened in the year, closed (on the report's day)."""
    closed_on_time: int
    """Of those closed, closed by their due date (15 working days)."""
    rectifications_overdue: int
    """Rectifications still open on the report's day past their due date (any year's)."""
    follow_ups: int
    """Follow-ups (整改回访) recorded in the year."""

    @property
    def evaluated(self) -> int:
        return sum(count.count for count in self.by_grade)

    @property
    def bad(self) -> int:
        """差评: 不满意 and 非常不满意."""
        return sum(count.count for count in self.by_grade[3:])

    @property
    def satisfaction_rate(self) -> Decimal | None:
        """满意率: 基本满意 or better, of every evaluation (percent)."""
        return percent(self.evaluated - self.bad, self.evaluated)

    @property
    def rectifications_open(self) -> int:
        return self.rectifications_opened - self.rectifications_closed


@attrs.frozen(kw_only=True)
class SupervisionFigures:
    """What electronic supervision (电子监察) shows on the report's day."""

    red: int
    """Open cases whose promised due date has passed (红灯)."""
    yellow: int
    """Open cases near their due date (黄灯)."""
    acceptance_overdue: int
    """Applications not answered within 5 working days of receipt (第三十二条)."""


@attrs.frozen(kw_only=True)
class TrailFigures:
    """The check of the tamper-evident trail (步步留痕, :func:`govservice.audit.verify_store`)."""

    ok: bool
    links: int
    """Links of the chain checked."""
    events: int
    """Links holding a case event."""
    refusals: int
    """Links holding a refusal that left no case record."""
    cases: int
    """Case records compared with the chain."""
    supermarket_records: int = 0
    """Records of the intermediary supermarket and the blacklists compared with it."""
    station_records: int = 0
    """Station evaluations, training sessions, staff and discipline records compared with
    it."""
    head_seq: int
    head_hash: str
    simulation: bool
    """The store is a simulation (its actions were back-dated, and the trail says so)."""
    problem: str | None = None
    """Where the chain breaks and why (None when it is whole)."""


@attrs.frozen(kw_only=True)
class AdjustmentFigures:
    """One adjustment of the catalog in the year (调整): when, by whom, what it did."""

    number: int
    """The catalog version it made."""
    effective: dt.date
    decided_by: str
    decision_number: str | None
    title: str | None
    added: int
    taken_over: int
    cancelled: int
    retained: int
    changed: int
    moved: int


@attrs.frozen(kw_only=True)
class CatalogFigures:
    """How the centre's catalog changed in the year: the diff between the version in force
    when the year began and the one in force at its end (:mod:`govservice.catalog.diff`),
    and the adjustments between them."""

    first_version: int
    last_version: int
    first_in_service: int
    """Items taking cases in the first version of the year (年初在办事项)."""
    last_in_service: int
    retained: int
    """In service in both (保留)."""
    added: int
    taken_over: int
    """Taken over from the province (承接省级下放)."""
    cancelled: int
    """Cancelled (取消, 停办)."""
    moved: int
    changed: int
    adjustments: tuple[AdjustmentFigures, ...]

    def as_dict(self) -> dict[str, Any]:
        document = attrs.asdict(self, recurse=False)
        document["adjustments"] = [
            {**attrs.asdict(a), "effective": a.effective.isoformat()} for a in self.adjustments
        ]
        return document


@attrs.frozen(kw_only=True)
class LevelCount:
    """Stations of one level (a :class:`~govservice.model.StationLevel` value)."""

    level: str
    label: str
    count: int


@attrs.frozen(kw_only=True)
class LevelSubsidy:
    """What the stations of one level earned in the year (以奖代补)."""

    level: str
    label: str
    stations: int
    amount: Decimal


@attrs.frozen(kw_only=True)
class CountySubsidy:
    """What the stations of one county earned in the year, by level."""

    county: str
    name: str
    community_centres: int
    community_amount: Decimal
    village_stations: int
    village_amount: Decimal
    total: Decimal


@attrs.frozen(kw_only=True)
class HonourFigures:
    """A person named for an honour of a quarter's staff assessment."""

    quarter: int
    title: str
    name: str
    station: str


@attrs.frozen(kw_only=True)
class GrassrootsFigures:
    """基层便民服务: the stations down to the village, those built in the year, their
    subsidies, the coverage of the guiding catalog (应进必进) at the year's end, training,
    and the quarterly staff assessment (:mod:`govservice.report.grassroots`)."""

    stations: tuple[LevelCount, ...]
    """Every level, from the city centre down, with the stations stored."""
    built: tuple[LevelCount, ...]
    """Every level with stations built in the year."""
    subsidies_configured: bool
    """The configuration sets the year's amounts (``stations.subsidies``)."""
    subsidies: tuple[LevelSubsidy, ...]
    subsidy_total: Decimal
    subsidies_by_county: tuple[CountySubsidy, ...]
    coverage_stations: int
    """Stations in the coverage report (every station stored)."""
    coverage_required: int
    coverage_covered: int
    coverage_full: int
    """Stations offering every item asked of them."""
    training_sessions: int
    training_person_times: int
    training_hours: Decimal
    """Hours credited (学时: a session's hours for each attendant)."""
    untrained: int
    """Stations whose staff had no training in the year."""
    assessed_quarters: int
    assessed_people: int
    """People assessed in the year's last assessed quarter."""
    honours: tuple[HonourFigures, ...]
    """The honours of the year's last assessed quarter."""

    @property
    def coverage_rate(self) -> Decimal | None:
        """进驻率 (percent): items offered of those the guiding catalog asks."""
        return percent(self.coverage_covered, self.coverage_required)

    @property
    def coverage_gaps(self) -> int:
        return self.coverage_required - self.coverage_covered

    def as_dict(self) -> dict[str, Any]:
        return {
            "stations": {count.level: count.count for count in self.stations},
            "built": {count.level: count.count for count in self.built},
            "subsidies": {
                "configured": self.subsidies_configured,
                "by_level": {
                    s.level: {"stations": s.stations, "amount": str(s.amount)}
                    for s in self.subsidies
                },
                "total": str(self.subsidy_total),
                "by_county": [
                    {
                        **attrs.asdict(c),
                        "community_amount": str(c.community_amount),
                        "village_amount": str(c.village_amount),
                        "total": str(c.total),
                    }
                    for c in self.subsidies_by_county
                ],
            },
            "coverage": {
                "stations": self.coverage_stations,
                "required": self.coverage_required,
                "covered": self.coverage_covered,
                "gaps": self.coverage_gaps,
                "full": self.coverage_full,
                "rate": _text(self.coverage_rate),
            },
            "training": {
                "sessions": self.training_sessions,
                "person_times": self.training_person_times,
                "hours": str(self.training_hours),
                "untrained_stations": self.untrained,
            },
            "staff_assessment": {
                "quarters": self.assessed_quarters,
                "people": self.assessed_people,
                "honours": [attrs.asdict(h) for h in self.honours],
            },
        }


@attrs.frozen(kw_only=True)
class StrategyCount:
    """Selections of one strategy (随机摇号, 最低价 …) made in the year."""

    strategy: str
    label: str
    count: int


@attrs.frozen(kw_only=True)
class DirectChoiceFigures:
    """A direct choice (直接选取) of the year, with its written reason (for supervision)."""

    selection: str
    need: str
    service: str
    agency: str
    """The agency's name."""
    on: dt.date
    reason: str


@attrs.frozen(kw_only=True)
class QuarterGrades:
    """The agencies' grades of one quarter assessed (考核等次): those with work due in the
    quarter (or a complaint upheld) by grade, and how many had none (``idle``: graded by
    the rules on nothing, not counted by grade)."""

    quarter: int
    excellent: int
    good: int
    passing: int
    failed: int
    idle: int = 0

    @property
    def assessed(self) -> int:
        """Agencies graded on work of the quarter."""
        return self.excellent + self.good + self.passing + self.failed


@attrs.frozen(kw_only=True)
class SuspensionFigures:
    """A suspension the assessment drew in the year, with the 不合格 quarters behind it."""

    credit_code: str
    name: str
    presence: str
    quarter: int
    """The quarter whose assessment drew it."""
    suspended_from: dt.date
    suspended_until: dt.date | None
    rule: str
    failed_quarters: tuple[tuple[int, str], ...]
    """(quarter, score) of the 不合格 quarters in a row that drew it, the earliest first."""
    reinstated_on: dt.date | None
    """When the agency was active again (recorded by the assessment), if it is yet."""


@attrs.frozen(kw_only=True)
class SupermarketFigures:
    """中介超市: agencies by presence, the list of services, needs and selections by
    strategy, engagements on time, complaints, grades per quarter and the suspensions
    (:mod:`govservice.report.supermarket`)."""

    agencies: int
    """Agencies registered by the report's day."""
    physical: int
    """有形进驻."""
    online: int
    """虚拟进驻."""
    active: int
    suspended_now: int
    """Suspended on the report's day."""
    withdrawn: int
    services: int
    """Services in the list (any status)."""
    services_by_status: tuple[tuple[str, str, int], ...]
    """(status, label, services) on the report's day, each status with at least one."""
    needs: int
    """Needs posted in the year."""
    selections: int
    by_strategy: tuple[StrategyCount, ...]
    """Every strategy used, the most used first."""
    direct: tuple[DirectChoiceFigures, ...]
    engagements: int
    """Engagements signed in the year."""
    delivered: int
    """Of those, delivered by the report's day."""
    on_time: int
    late: int
    """Delivered after their due date (working days on the centre's calendar)."""
    overdue_open: int
    """Not delivered on the report's day, past their due date."""
    complaints: int
    complaints_upheld: int
    fee_findings: int
    """Engagements whose agreed fee broke the published regime or the agency's offer."""
    grades: tuple[QuarterGrades, ...]
    """Each quarter of the year assessed."""
    suspensions: tuple[SuspensionFigures, ...]

    @property
    def on_time_rate(self) -> Decimal | None:
        """按时交付率 (percent) of the engagements delivered."""
        return percent(self.on_time, self.delivered)

    def as_dict(self) -> dict[str, Any]:
        return {
            "agencies": {
                "registered": self.agencies,
                "physical": self.physical,
                "online": self.online,
                "active": self.active,
                "suspended": self.suspended_now,
                "withdrawn": self.withdrawn,
            },
            "services": {
                "listed": self.services,
                "by_status": {status: count for status, _, count in self.services_by_status},
            },
            "needs": self.needs,
            "selections": {
                "count": self.selections,
                "by_strategy": {s.strategy: s.count for s in self.by_strategy},
                "direct": [{**attrs.asdict(d), "on": d.on.isoformat()} for d in self.direct],
            },
            "engagements": {
                "signed": self.engagements,
                "delivered": self.delivered,
                "on_time": self.on_time,
                "late": self.late,
                "on_time_rate": _text(self.on_time_rate),
                "overdue_open": self.overdue_open,
                "complaints": self.complaints,
                "complaints_upheld": self.complaints_upheld,
                "fee_findings": self.fee_findings,
            },
            "grades": [
                {
                    "quarter": g.quarter,
                    "excellent": g.excellent,
                    "good": g.good,
                    "pass": g.passing,
                    "fail": g.failed,
                    "idle": g.idle,
                }
                for g in self.grades
            ],
            "suspensions": [
                {
                    "credit_code": s.credit_code,
                    "name": s.name,
                    "quarter": s.quarter,
                    "from": s.suspended_from.isoformat(),
                    "until": None if s.suspended_until is None else s.suspended_until.isoformat(),
                    "rule": s.rule,
                    "failed_quarters": [
                        {"quarter": q, "score": score} for q, score in s.failed_quarters
                    ],
                    "reinstated_on": None
                    if s.reinstated_on is None
                    else s.reinstated_on.isoformat(),
                }
                for s in self.suspensions
            ],
        }


@attrs.frozen(kw_only=True)
class BlacklistSourceFigures:
    """The entries of one kind of source (本级认定, 法院失信被执行人名单 …)."""

    kind: str
    label: str
    stored: int
    """Entries held on the report's day (revoked and expired ones included)."""
    listed: int
    """Listed (列入) in the year."""
    in_force: int
    """Barring their subject on the report's day (惩戒期)."""
    published: int
    """Shown on the exposure board on the report's day (公示期)."""
    revoked: int
    """Revoked (移出, 信用修复) in the year."""


@attrs.frozen(kw_only=True)
class RevokedEntryFigures:
    """An entry revoked in the year, with its reason (a person's name masked)."""

    entry: str
    name: str
    source: str
    on: dt.date
    reason: str


@attrs.frozen(kw_only=True)
class BlacklistFigures:
    """黑名单: entries by source, subjects several sources list, revocations and expiries,
    the exchange with the partner cities, what screening barred
    (:mod:`govservice.report.blacklists`)."""

    by_source: tuple[BlacklistSourceFigures, ...]
    subjects: int
    """Subjects listed (the same subject by several sources counted once)."""
    shared: int
    """Subjects listed by two sources or more."""
    revoked: tuple[RevokedEntryFigures, ...]
    expired: int
    """Entries whose expiry was recorded in the year."""
    received: tuple[tuple[str, str, int, int], ...]
    """(region, partner, last file's sequence, entries held from it) of each partner."""
    sent: int
    """Exchange files we sent in the year."""
    selections_barred: int
    """Selections of the supermarket that left out a listed agency."""
    cases_refused: int
    """Cases not accepted (不予受理) because the screening found the applicant listed."""

    @property
    def entries(self) -> int:
        return sum(s.stored for s in self.by_source)

    @property
    def in_force(self) -> int:
        return sum(s.in_force for s in self.by_source)

    @property
    def published(self) -> int:
        return sum(s.published for s in self.by_source)

    def as_dict(self) -> dict[str, Any]:
        return {
            "entries": self.entries,
            "in_force": self.in_force,
            "published": self.published,
            "by_source": {
                s.kind: {
                    "stored": s.stored,
                    "listed": s.listed,
                    "in_force": s.in_force,
                    "published": s.published,
                    "revoked": s.revoked,
                }
                for s in self.by_source
            },
            "subjects": self.subjects,
            "shared": self.shared,
            "revoked": [{**attrs.asdict(r), "on": r.on.isoformat()} for r in self.revoked],
            "expired": self.expired,
            "exchange": {
                "received": [
                    {"region": region, "partner": name, "sequence": sequence, "entries": held}
                    for region, name, sequence, held in self.received
                ],
                "sent": self.sent,
            },
            "screening": {
                "selections_barred": self.selections_barred,
                "cases_refused": self.cases_refused,
            },
        }


@attrs.frozen(kw_only=True)
class YearFigures(_OnTime):
    """Everything the year report shows, counted from the store."""

    centre: str
    """The centre's name (``config.name``)."""
    region: str
    year: int
    as_of: dt.date
    """The day open cases are seen on: the end of the year, or today within it."""
    applications: int
    """Cases received (申请) in the year."""
    accepted: int
    """Cases accepted (受理) in the year."""
    completed: int
    """Cases completed (办结) in the year."""
    on_time: int
    """Of those, completed by the promised due date (the supervision's own count)."""
    refused: int
    """Applications not accepted (不予受理) in the year."""
    withdrawn: int
    """Cases withdrawn (撤回) in the year."""
    in_progress: int
    """Cases received by the report's day and not closed (在办)."""
    extensions: int
    """Legal limits extended by 10 working days (第四十二条) in the year."""
    average_days: Decimal | None
    average_promised_days: Decimal | None
    by_month: tuple[MonthFigures, ...]
    by_department: tuple[GroupFigures, ...]
    by_station: tuple[GroupFigures, ...]
    centre_names: dict[str, str]
    """The name of each region's centre (河口区政务服务中心 ...), for grouping departments."""
    supplements: SupplementFigures
    special_procedures: SpecialProcedureFigures
    green_channel: GreenChannelFigures
    evaluations: EvaluationFigures
    supervision: SupervisionFigures
    trail: TrailFigures
    catalog: CatalogFigures | None = None
    """How the centre's catalog changed in the year (None: it keeps no versioned catalog)."""
    grassroots: GrassrootsFigures | None = None
    """基层便民服务 (None: the store holds no station below the township centres)."""
    supermarket: SupermarketFigures | None = None
    """中介超市 (None: the store holds no agency of the intermediary supermarket)."""
    blacklists: BlacklistFigures | None = None
    """黑名单 (None: the store holds no blacklist entry)."""

    @property
    def overdue_open(self) -> int:
        return self.supervision.red

    @property
    def own_departments(self) -> tuple[GroupFigures, ...]:
        """The departments of the centre's own region (all of them when none is)."""
        own = tuple(group for group in self.by_department if group.region == self.region)
        return own or self.by_department

    @property
    def other_centres(self) -> tuple[tuple[str, tuple[GroupFigures, ...]], ...]:
        """The departments of each other region's centre, by the centre's name, in the
        order of the regions (empty when :attr:`own_departments` lists them all)."""
        if len(self.own_departments) == len(self.by_department):
            return ()
        regions = sorted({g.region for g in self.by_department if g.region != self.region})
        return tuple(
            (
                self.centre_names.get(region, region or "（未指定区划）"),
                tuple(g for g in self.by_department if g.region == region),
            )
            for region in regions
        )

    def as_dict(self) -> dict[str, Any]:
        """The JSON form of ``report.json`` (keys in ``docs/report.md``)."""
        supplements = self.supplements
        procedures = self.special_procedures
        green = self.green_channel
        evaluations = self.evaluations
        return {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "centre": self.centre,
            "region": self.region,
            "year": self.year,
            "as_of": self.as_of.isoformat(),
            "totals": {
                "applications": self.applications,
                "accepted": self.accepted,
                "completed": self.completed,
                "on_time": self.on_time,
                "late": self.late,
                "overdue_open": self.overdue_open,
                "overdue": self.overdue,
                "on_time_rate": _text(self.on_time_rate),
                "refused": self.refused,
                "withdrawn": self.withdrawn,
                "in_progress": self.in_progress,
                "extensions": self.extensions,
                "average_days": _text(self.average_days),
                "average_promised_days": _text(self.average_promised_days),
            },
            "by_month": [attrs.asdict(month) for month in self.by_month],
            "by_department": [group.as_dict() for group in self.by_department],
            "by_station": [group.as_dict() for group in self.by_station],
            "centres": dict(self.centre_names),
            "supplements": {
                "notices": supplements.notices,
                "before_acceptance": supplements.before_acceptance,
                "in_review": supplements.in_review,
                "cases": supplements.cases,
            },
            "special_procedures": {
                "count": procedures.count,
                "cases": procedures.cases,
                "excluded_days": procedures.excluded_days,
                "open": procedures.open,
                "by_procedure": {p.procedure: p.count for p in procedures.by_procedure},
            },
            "green_channel": {
                "cases": green.cases,
                "completed": green.completed,
                "on_time": green.on_time,
                "key_projects": green.key_projects,
                "full_agency_cases": green.full_agency_cases,
                "consultations": green.consultations,
                "projects": [attrs.asdict(project) for project in green.projects],
            },
            "evaluations": {
                "evaluated": evaluations.evaluated,
                "by_grade": {g.grade: g.count for g in evaluations.by_grade},
                "bad": evaluations.bad,
                "satisfaction_rate": _text(evaluations.satisfaction_rate),
                "rectifications_opened": evaluations.rectifications_opened,
                "rectifications_closed": evaluations.rectifications_closed,
                "rectifications_closed_on_time": evaluations.closed_on_time,
                "rectifications_open": evaluations.rectifications_open,
                "rectifications_overdue": evaluations.rectifications_overdue,
                "follow_ups": evaluations.follow_ups,
            },
            "supervision": attrs.asdict(self.supervision),
            "trail": attrs.asdict(self.trail),
            "catalog": self.catalog.as_dict() if self.catalog is not None else None,
            "grassroots": self.grassroots.as_dict() if self.grassroots is not None else None,
            "supermarket": self.supermarket.as_dict() if self.supermarket is not None else None,
            "blacklists": self.blacklists.as_dict() if self.blacklists is not None else None,
        }


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)
