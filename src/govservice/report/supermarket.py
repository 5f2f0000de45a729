"""中介超市 in the year report: :func:`supermarket_figures`, from the store's records of
the intermediary supermarket (kinds ``intermediary``, ``intermediary-service``, ``need``,
``selection``, ``engagement``, ``agency-quarter``).

- the agencies registered by the report's day, by presence (有形进驻, 虚拟进驻), and their
  status on that day (正常, 暂停, 退出);
- the list of services: how many, and how many of each list status on the day;
- the needs posted and the selections made in the year, by strategy (随机摇号, 最低价,
  考核得分最高, 直接选取), with every direct choice and its written reason;
- the engagements signed in the year: delivered, on time or late (working days on the
  centre's calendar, ``service.intermediaries.engagements.late_days``), the complaints
  made and upheld, the agreed fees with a finding;
- the grades of each quarter of the year assessed (优秀 良好 合格 不合格), and each
  suspension the assessment drew, with the quarters' scores and its reinstatement.

Everything the section counts is read once, page by page (:func:`govservice.store.base.every`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from typing import Any

from govservice.intermediaries.assessment import assessable
from govservice.intermediaries.selection import STRATEGY_LABELS
from govservice.model import (
    AgencyGrade,
    IntermediaryStatus,
    ListStatus,
    Presence,
)
from govservice.report.figures import (
    DirectChoiceFigures,
    QuarterGrades,
    StrategyCount,
    SupermarketFigures,
    SuspensionFigures,
)
from govservice.store.base import every


def supermarket_figures(service: Any, year: int, as_of: dt.date) -> SupermarketFigures | None:
    """The supermarket's figures of ``year`` (None when the store holds no agency)."""
    store = service.store
    agencies = {a.credit_code: a for a in every(store, "intermediary")}
    if not agencies:
        return None
    registered = [
        a for a in agencies.values() if a.registered_on is None or a.registered_on <= as_of
    ]
    presence = Counter(a.presence for a in registered)
    status = Counter(a.status_on(as_of) for a in registered)
    services = list(every(store, "intermediary-service"))
    listed = Counter(s.status_on(as_of) for s in services)
    needs = [n for n in every(store, "need") if _day(n.posted_at).year == year]
    selections = [s for s in every(store, "selection") if s.on.year == year]
    strategies = Counter(s.strategy for s in selections)
    engagements = [e for e in every(store, "engagement") if e.signed_on.year == year]
    late_days = service.intermediaries.engagements.late_days
    delivered = [e for e in engagements if e.delivered_on is not None and e.delivered_on <= as_of]
    late = sum(1 for e in delivered if late_days(e) > 0)
    overdue = sum(
        1
        for e in engagements
        if (e.delivered_on is None or e.delivered_on > as_of) and e.due_on < as_of
    )
    complaints = [c for e in engagements for c in e.complaints if c.on <= as_of]
    quarters = [q for q in every(store, "agency-quarter") if q.year == year]
    return SupermarketFigures(
        agencies=len(registered),
        physical=presence.get(Presence.PHYSICAL, 0),
        online=presence.get(Presence.VIRTUAL, 0),
        active=status.get(IntermediaryStatus.ACTIVE, 0),
        suspended_now=status.get(IntermediaryStatus.SUSPENDED, 0),
        withdrawn=status.get(IntermediaryStatus.WITHDRAWN, 0),
        services=len(services),
        services_by_status=tuple(
            (s.value, s.label, listed.get(s, 0)) for s in ListStatus if listed.get(s, 0)
        ),
        needs=len(needs),
        selections=len(selections),
        by_strategy=tuple(
            StrategyCount(strategy=name, label=STRATEGY_LABELS.get(name, name), count=count)
            for name, count in sorted(strategies.items(), key=lambda p: (-p[1], p[0]))
        ),
        direct=tuple(
            DirectChoiceFigures(
                selection=s.id,
                need=s.need_id,
                service=s.service_code,
                agency=_name(agencies, s.result),
                on=s.on,
                reason=s.reason or "",
            )
            for s in sorted(selections, key=lambda s: s.id)
            if s.strategy == "direct"
        ),
        engagements=len(engagements),
        delivered=len(delivered),
        on_time=len(delivered) - late,
        late=late,
        overdue_open=overdue,
        complaints=len(complaints),
        complaints_upheld=sum(1 for c in complaints if c.upheld),
        fee_findings=sum(1 for e in engagements if getattr(e, "findings", ())),
        grades=tuple(_grades(quarters, list(agencies.values()), service.config.region, year)),
        suspensions=tuple(_suspensions(quarters, agencies, year)),
    )


def _day(moment: dt.datetime) -> dt.date:
    from govservice.clock import SHANGHAI

    return moment.astimezone(SHANGHAI).date()


def _name(agencies: dict[str, Any], code: str) -> str:
    agency = agencies.get(code)
    return agency.name if agency is not None else code


def _grades(
    quarters: list[Any], agencies: list[Any], region: str, year: int
) -> Iterator[QuarterGrades]:
    """The grades of each quarter assessed, and the agencies idle in it (assessed, with
    nothing to assess: no grade stored)."""
    by_quarter: dict[int, Counter] = {}
    for record in quarters:
        by_quarter.setdefault(record.quarter, Counter())[record.grade] += 1
    for quarter in sorted(by_quarter):
        counted = by_quarter[quarter]
        assessed = len(assessable(agencies, region, year, quarter))
        yield QuarterGrades(
            quarter=quarter,
            idle=max(0, assessed - sum(counted.values())),
            excellent=counted.get(AgencyGrade.EXCELLENT, 0),
            good=counted.get(AgencyGrade.GOOD, 0),
            passing=counted.get(AgencyGrade.PASS, 0),
            failed=counted.get(AgencyGrade.FAIL, 0),
        )


def _suspensions(quarters: list[Any], agencies: dict[str, Any], year: int) -> Iterator[Any]:
    scores = {(q.credit_code, q.quarter): q for q in quarters}
    for record in sorted(quarters, key=lambda q: (q.quarter, q.credit_code)):
        if record.suspended_from is None:
            continue
        agency = agencies.get(record.credit_code)
        failed = []
        quarter = record.quarter
        while (earlier := scores.get((record.credit_code, quarter))) is not None:
            if earlier.grade is not AgencyGrade.FAIL:
                break
            failed.insert(0, (quarter, str(earlier.score)))
            quarter -= 1
        reinstated = None
        if agency is not None:
            after = [
                change.on
                for change in agency.history
                if change.status is IntermediaryStatus.ACTIVE and change.on > record.suspended_from
            ]
            reinstated = min(after) if after else None
        yield SuspensionFigures(
            credit_code=record.credit_code,
            name=agency.name if agency is not None else record.credit_code,
            presence=agency.presence.label if agency is not None else "",
            quarter=record.quarter,
            suspended_from=record.suspended_from,
            suspended_until=record.suspended_until,
            rule=record.rule or "",
            failed_quarters=tuple(failed),
            reinstated_on=reinstated,
        )
