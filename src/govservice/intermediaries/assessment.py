"""The quarterly assessment of the agencies (中介机构季度考核,
``service.intermediaries.assessment``).

**The rules** (考核细则, :class:`~govservice.model.AgencyRules`) come from a plugin
(hook ``govservice_agency_assessment_rules``); the built-in plugin answers last with the
configuration's ``intermediaries.assessment`` (:func:`rules_from_config`), else
:data:`~govservice.model.supermarket.DEFAULT_AGENCY_RULES`.

**Who is assessed** in a quarter: every stored agency of the centre's region (its region
within the centre's) registered by the quarter's last day (or with no registration date)
and not withdrawn before its first day. An agency with nothing to assess in the quarter —
no engagement due and no complaint upheld — is *idle*: it gets no grade (a quarter of no
work scored as full marks would rank it first for ``best-score``), and a quarter it was
idle in breaks a run of 不合格 quarters.

**The figures** of an agency's quarter come from its engagements *due* in the quarter
(each is counted once, in the quarter of its due date):

- *on time* / *late*: delivered at most ``late_grace_days`` working days after the due
  date, on the centre's calendar (undelivered: counted up to the day of the assessment);
- *quality*: the mean of the departments' ratings of those engagements (two decimals);
- *fee breaches*: those with a finding on the agreed fee
  (:func:`~govservice.intermediaries.engagements.fee_findings`);
- *complaints upheld*: complaints about any of the agency's engagements, made in the
  quarter and found justified.

**The score** is the sum of the parts (:class:`~govservice.model.AgencyRules` says how
each is counted), each to two decimals; the grade is the rules'.

**The consequence**: when this quarter and the ``fail_quarters - 1`` quarters before it
are all 不合格 (none of them having drawn a suspension already), the agency is suspended
for ``suspend_months`` months from the rules' date: the day after the quarter ends, or the
day of the assessment (:func:`govservice.intermediaries.status.suspend`); an agency
suspended on that day already is not suspended again. The quarter records the dates and
the rule in words.

**What is stored**, all or nothing: the reinstatements due
(:func:`~govservice.intermediaries.status.reinstate_due`: suspensions ended before the
day of the assessment, each dated the day after its last day), each
:class:`~govservice.model.AgencyQuarter` (kind ``agency-quarter``, an event of the trail
whose ``change`` holds the figures) and the suspensions drawn (events on the agencies,
with the quarters' figures). A quarter assessed again is rewritten only when its figures
changed; a suspension it drew stands.

A quarter is assessed once it has ended on the centre's clock.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import attrs

from govservice.clock import SHANGHAI
from govservice.errors import AgencyQuarterError, AgencyRulesError
from govservice.intermediaries import status
from govservice.model import (
    AgencyGrade,
    AgencyQuarter,
    AgencyRules,
    Engagement,
    Intermediary,
    IntermediaryStatus,
)
from govservice.model.assessment import quarter_days
from govservice.model.supermarket import DEFAULT_AGENCY_RULES, SuspensionStart
from govservice.store.base import every

RULES_HOOK = "govservice_agency_assessment_rules"
CENT = Decimal("0.01")
PARTS = ("timeliness", "quality", "fees", "complaints")
PART_LABELS = {
    "timeliness": "按时交付",
    "quality": "服务质量",
    "fees": "收费规范",
    "complaints": "投诉",
}


def quarter_key(credit_code: str, year: int, quarter: int) -> str:
    """The key of an agency's quarter in the store (``agency-quarter``)."""
    return f"{credit_code}-{year}-Q{quarter}"


@attrs.frozen(kw_only=True)
class AssessmentOutcome:
    """What assessing a quarter did: the quarters (by credit code), those that drew a
    suspension now, and the agencies reinstated (their suspensions having ended)."""

    year: int
    quarter: int
    rules: AgencyRules
    quarters: tuple[AgencyQuarter, ...]
    suspended: tuple[AgencyQuarter, ...] = ()
    reinstated: tuple[Intermediary, ...] = ()
    idle: tuple[str, ...] = ()
    """The credit codes of the agencies with nothing to assess in the quarter (no
    engagement due, no complaint upheld): not graded, so that an agency never scores
    full marks, nor ranks first for ``best-score``, on work it did not do."""


class AgencyAssessment:
    """The quarterly assessment of ``service``'s agencies, and their suspensions."""

    def __init__(self, service: Any) -> None:
        self.service = service

    # --- the rules --------------------------------------------------------------------------

    def rules(self, region: str | None = None) -> AgencyRules:
        """The rules of ``region`` (default: the centre's): a plugin's, else the
        configuration's, else the built-in ones."""
        region = region or self.service.config.region
        answers = self.service.plugins.call(
            RULES_HOOK, scope=region, firstresult=True, expect=AgencyRules, region=region
        )
        if not answers:
            return configured_rules(self.service.config)
        plugin, rules = answers[0]
        if plugin == "govservice.agency_assessment":
            return rules
        return attrs.evolve(rules, source=plugin)

    # --- the assessment ---------------------------------------------------------------------

    def assess(self, year: int, quarter: int) -> tuple[AgencyQuarter, ...]:
        """Assess ``quarter`` (1 to 4) of ``year`` for every agency of the centre's region,
        store the quarters and the suspensions they draw, and record the reinstatements
        due (see the module's docstring).

        :return: the agencies' quarters, by credit code.
        :raises AgencyQuarterError: a quarter outside 1 to 4, a year outside
            ``validation.years``, or a quarter not ended on the centre's clock.
        """
        return self.assess_quarter(year, quarter).quarters

    def assess_quarter(self, year: int, quarter: int) -> AssessmentOutcome:
        """As :meth:`assess`, with the suspensions drawn and the reinstatements recorded."""
        first, last = self._period(year, quarter)
        today = self._today()
        if today <= last:
            raise AgencyQuarterError(
                f"{year}Q{quarter} ends on {last}; it is assessed once it has ended "
                f"(today is {today}); nothing was assessed"
            )
        region = self.service.config.region
        rules = self.rules(region)
        calendar = self.service.calendar(region)
        store = self.service.store
        agencies = assessable(every(store, "intermediary"), region, year, quarter)
        engagements: dict[str, list[Engagement]] = defaultdict(list)
        for engagement in every(store, "engagement"):
            engagements[engagement.credit_code].append(engagement)
        done, suspended, idle = [], [], []
        with store.transaction():
            # suspensions ended by today come back first: a new one follows the reinstatement
            reinstated = status.reinstate_due(self.service, today)
            for agency in agencies:
                figures = quarter_figures(
                    engagements.get(agency.credit_code, ()), first, last, today, calendar, rules
                )
                if not figures["engagements"] and not figures["complaints_upheld"]:
                    idle.append(agency.credit_code)
                    continue
                graded = self._graded(agency, year, quarter, figures, rules, today)
                stored, drew = self._store(agency, graded, rules)
                done.append(stored)
                if drew:
                    suspended.append(stored)
            reinstated += status.reinstate_due(self.service, today)
        return AssessmentOutcome(
            year=year,
            quarter=quarter,
            rules=rules,
            quarters=tuple(done),
            suspended=tuple(suspended),
            reinstated=tuple(reinstated),
            idle=tuple(idle),
        )

    # --- reading the stored quarters ----------------------------------------------------

    def quarter(self, credit_code: str, year: int, quarter: int) -> AgencyQuarter | None:
        """The stored assessment of the agency's quarter, if it was assessed."""
        stored = self.service.store.get("agency-quarter", quarter_key(credit_code, year, quarter))
        return None if stored is None else stored.record

    def quarters(self, year: int, quarter: int) -> list[AgencyQuarter]:
        """The stored assessments of a quarter, by credit code."""
        found = self.service.store.records_where("agency-quarter", period=f"{year}Q{quarter}")
        return sorted((stored.record for stored in found), key=lambda q: q.credit_code)

    # --- status (see govservice.intermediaries.status) ---------------------------------

    def suspend(
        self, credit_code: str, *, on: dt.date, until: dt.date, reason: str
    ) -> Intermediary:
        """Suspend the agency from ``on`` to ``until`` (:func:`status.suspend`)."""
        return status.suspend(self.service, credit_code, on=on, until=until, reason=reason)

    def reinstate(self, credit_code: str, *, on: dt.date, reason: str) -> Intermediary:
        """Reinstate the suspended agency from ``on`` (:func:`status.reinstate`)."""
        return status.reinstate(self.service, credit_code, on=on, reason=reason)

    def withdraw(self, credit_code: str, *, on: dt.date, reason: str) -> Intermediary:
        """Record the agency's withdrawal from ``on`` (:func:`status.withdraw`)."""
        return status.withdraw(self.service, credit_code, on=on, reason=reason)

    def reinstate_due(self, on: dt.date | None = None) -> list[Intermediary]:
        """Record the reinstatements of suspensions ended before ``on`` (default: today)."""
        return status.reinstate_due(self.service, on or self._today())

    # --- helpers --------------------------------------------------------------------------

    def _period(self, year: int, quarter: int) -> tuple[dt.date, dt.date]:
        if isinstance(quarter, bool) or not isinstance(quarter, int) or not 1 <= quarter <= 4:
            raise AgencyQuarterError(f"quarter {quarter!r} is not 1, 2, 3 or 4")
        window = self.service.config.date_window
        if (
            isinstance(year, bool)
            or not isinstance(year, int)
            or not window.earliest <= year <= window.latest
        ):
            raise AgencyQuarterError(
                f"year {year!r} is outside the years {window.earliest} to {window.latest} "
                "(validation.years widens them)"
            )
        return quarter_days(year, quarter)

    def _today(self) -> dt.date:
        return self.service.clock.now().astimezone(SHANGHAI).date()

    def _graded(
        self,
        agency: Intermediary,
        year: int,
        quarter: int,
        figures: Mapping[str, Any],
        rules: AgencyRules,
        today: dt.date,
    ) -> AgencyQuarter:
        graded = AgencyQuarter(
            credit_code=agency.credit_code,
            region=agency.region,
            year=year,
            quarter=quarter,
            **figures,
        )
        if graded.grade is not AgencyGrade.FAIL:
            return graded
        streak = [graded]
        y, q = year, quarter
        while len(streak) < rules.fail_quarters:
            y, q = (y, q - 1) if q > 1 else (y - 1, 4)
            before = self.quarter(agency.credit_code, y, q)
            if (
                before is None
                or before.grade is not AgencyGrade.FAIL
                or before.suspended_from is not None
            ):
                return graded
            streak.append(before)
        _, last = quarter_days(year, quarter)
        start = (
            last + dt.timedelta(days=1)
            if rules.suspend_from is SuspensionStart.DAY_AFTER_QUARTER
            else today
        )
        if agency.status_on(start) is not IntermediaryStatus.ACTIVE:
            return graded
        until = status.add_months(start, rules.suspend_months) - dt.timedelta(days=1)
        return attrs.evolve(
            graded, suspended_from=start, suspended_until=until, rule=rules.consequence
        )

    def _store(
        self, agency: Intermediary, graded: AgencyQuarter, rules: AgencyRules
    ) -> tuple[AgencyQuarter, bool]:
        store = self.service.store
        key = quarter_key(graded.credit_code, graded.year, graded.quarter)
        store.lock("agency-quarter", key)
        stored = store.get("agency-quarter", key)
        if stored is not None:
            before = stored.record
            if before.suspended_from is not None:  # the suspension it drew stands
                graded = attrs.evolve(
                    graded,
                    suspended_from=before.suspended_from,
                    suspended_until=before.suspended_until,
                    rule=before.rule,
                )
            if graded == before:
                return before, False
        change = {
            "action": "graded" if stored is None else "reassessed",
            **quarter_figures_document(graded, rules),
        }
        status.write(store, graded, None if stored is None else stored.version, change)
        drew = graded.suspended_from is not None and (
            stored is None or stored.record.suspended_from is None
        )
        if drew:
            status.suspend(
                self.service,
                agency.credit_code,
                on=graded.suspended_from,
                until=graded.suspended_until,
                reason=f"{graded.year}年第{graded.quarter}季度考核：{graded.rule}",
                figures={
                    "rule": graded.rule,
                    "rules": rules.source,
                    "quarters": self._streak_documents(graded, rules),
                },
            )
        return graded, drew

    def _streak_documents(self, graded: AgencyQuarter, rules: AgencyRules) -> list[dict[str, Any]]:
        found = [graded]
        y, q = graded.year, graded.quarter
        while len(found) < rules.fail_quarters:
            y, q = (y, q - 1) if q > 1 else (y - 1, 4)
            before = self.quarter(graded.credit_code, y, q)
            if before is None:
                break
            found.append(before)
        return [quarter_figures_document(q, rules) for q in reversed(found)]


# --- figures --------------------------------------------------------------------------------


def quarter_figures(
    engagements: Iterable[Engagement],
    first: dt.date,
    last: dt.date,
    today: dt.date,
    calendar: Any,
    rules: AgencyRules,
) -> dict[str, Any]:
    """The figures, parts, score and grade of one agency's quarter (``first`` to
    ``last``) from its engagements (see the module's docstring)."""
    due = [e for e in engagements if first <= e.due_on <= last]
    on_time = late = 0
    for engagement in due:
        end = engagement.delivered_on or today
        if calendar.working_days_between(engagement.due_on, end) <= rules.late_grace_days:
            on_time += 1
        else:
            late += 1
    ratings = [e.quality for e in due if e.quality is not None]
    quality = _cents(Decimal(sum(ratings)) / len(ratings)) if ratings else None
    breaches = sum(1 for e in due if e.findings)
    upheld = sum(
        1
        for e in engagements
        for complaint in e.complaints
        if complaint.upheld and first <= complaint.on <= last
    )
    points = {
        "timeliness": rules.timeliness * (Decimal(on_time) / len(due) if due else 1),
        "quality": rules.quality * (quality / 100 if quality is not None else 1),
        "fees": max(Decimal(0), rules.fees - rules.fee_breach_points * breaches),
        "complaints": max(Decimal(0), rules.complaints - rules.complaint_points * upheld),
    }
    parts = tuple((name, _cents(points[name])) for name in PARTS)
    score = sum((value for _, value in parts), Decimal(0))
    return {
        "engagements": len(due),
        "on_time": on_time,
        "late": late,
        "quality": quality,
        "fee_breaches": breaches,
        "complaints_upheld": upheld,
        "parts": parts,
        "score": score,
        "grade": rules.grade(score),
    }


def quarter_figures_document(
    quarter: AgencyQuarter, rules: AgencyRules | None = None
) -> dict[str, Any]:
    """What the trail holds of a graded quarter: the figures, the parts, the score and the
    grade (amounts as text), and the consequence when it drew one."""
    document: dict[str, Any] = {
        "period": f"{quarter.year}Q{quarter.quarter}",
        "credit_code": quarter.credit_code,
        "engagements": quarter.engagements,
        "on_time": quarter.on_time,
        "late": quarter.late,
        "quality": None if quarter.quality is None else str(quarter.quality),
        "fee_breaches": quarter.fee_breaches,
        "complaints_upheld": quarter.complaints_upheld,
        "parts": {name: str(value) for name, value in quarter.parts},
        "score": str(quarter.score),
        "grade": quarter.grade.value,
    }
    if rules is not None:
        document["rules"] = rules.source
    if quarter.suspended_from is not None:
        document["suspended_from"] = quarter.suspended_from.isoformat()
        document["suspended_until"] = (
            None if quarter.suspended_until is None else quarter.suspended_until.isoformat()
        )
        document["rule"] = quarter.rule
    return document


# --- the rules from the configuration --------------------------------------------------------


def configured_rules(config: Any) -> AgencyRules:
    """The rules of the configuration's ``intermediaries.assessment``, else the built-in."""
    section = getattr(config, "intermediaries", {}).get("assessment")
    if section is None:
        return DEFAULT_AGENCY_RULES
    return rules_from_config(section, where=lambda *keys: config.where(*keys))


def rules_from_config(
    data: Mapping[str, Any], where: Callable[..., str | None] | None = None
) -> AgencyRules:
    """The rules of an ``intermediaries.assessment`` section (as the schema checked it).

    :param where: ``where(*keys)`` gives the ``FILE:LINE`` of a key of the configuration.
    :raises AgencyRulesError: the weights do not add up to 100, or the grades' lowest
        scores do not fall from 优秀 to 合格."""
    grades = data.get("grades", {})
    consequences = data.get("consequences", {})
    fields: dict[str, Any] = {
        name: _decimal(value) for name, value in data.get("weights", {}).items()
    }
    for name in ("excellent", "good", "passing"):
        if name in grades:
            fields[name] = _decimal(grades[name])
    for name in ("complaint_points", "fee_breach_points"):
        if name in data:
            fields[name] = _decimal(data[name])
    if "late_grace_days" in data:
        fields["late_grace_days"] = data["late_grace_days"]
    for name in ("fail_quarters", "suspend_months", "suspend_from"):
        if name in consequences:
            fields[name] = consequences[name]
    try:
        return AgencyRules(**fields, source="config")
    except (TypeError, ValueError) as error:
        key = (
            "weights"
            if "weights add up" in str(error)
            else "grades"
            if "grades" in str(error)
            else None
        )
        path = ("intermediaries", "assessment", *((key,) if key else ()))
        raise AgencyRulesError(
            f"{'.'.join(path)}: {error}", where=where(*path) if where else None
        ) from None


# --- helpers --------------------------------------------------------------------------------


def assessable(
    agencies: Iterable[Intermediary], region: str, year: int, quarter: int
) -> list[Intermediary]:
    """The agencies of ``region`` assessed for ``quarter`` of ``year``: registered by its
    end, not withdrawn at its start (those with nothing to assess are then left idle)."""
    first, last = quarter_days(year, quarter)
    return [agency for agency in agencies if _assessed(agency, region, first, last)]


def _assessed(agency: Intermediary, region: str, first: dt.date, last: dt.date) -> bool:
    if not _within(agency.region, region):
        return False
    if agency.registered_on is not None and agency.registered_on > last:
        return False
    return agency.status_on(first) is not IntermediaryStatus.WITHDRAWN


def _within(region: str, centre: str) -> bool:
    if centre.endswith("0000"):
        return region[:2] == centre[:2]
    if centre.endswith("00"):
        return region[:4] == centre[:4]
    return region == centre


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")
    return value if isinstance(value, Decimal) else Decimal(str(value))
