"""The quarterly assessment of window staff (进驻人员季度考核).

Who is assessed in a quarter: everyone the centre entered a
:class:`~govservice.model.StaffRecord` for (their attendance of the quarter and the
window they sit at). The rules (考核细则, :class:`~govservice.model.AssessmentRules`)
come from a plugin (hook ``govservice_assessment_rules``), else the configuration's
``stations.assessment``, else :data:`~govservice.model.assessment.DEFAULT_RULES`.

**The service figures** come from the case trail, in one pass over the stored case
documents (:meth:`~govservice.store.base.Store.raw_rows`, a page at a time; never a query
per person or per case). A person is known on the trail by their name at a station: an
event's ``actor`` with a staff role (not the applicant, not the system), on a case of
that station (the case's ``station_code``; a case naming none belongs to the centre of
its region, as the registry of staff decides who may act on it). A refused attempt (an
event with a ``refusal``) is no step. For a person and a quarter (dates in
Asia/Shanghai):

- *handled*: the cases on which the person took a step in the quarter;
- *completed* / *on time*: of the cases the person ever took a step on, those completed
  in the quarter, and of them those completed by the promised due date (as the year
  report counts on time: ``completed_at``'s date ≤ ``promised_due``; no promise: on time);
- *graded* and *grade points*: the evaluations (好差评) given in the quarter on those
  cases, each worth its :data:`~govservice.model.assessment.GRADE_POINTS`;
- *complaints*: of those evaluations, the bad ones (差评): each opened a rectification.

**Scores**: each part's points as :class:`~govservice.model.AssessmentRules` says, to
two decimals; the score is their sum. Equal scores share a rank. A window's score is the
average of its people's; windows are ranked the same way. **Honours**: the best people
who meet the configured rule, 党员服务先锋岗 (party members) first, then 优秀服务标兵
among the others; one honour a person.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import attrs

from govservice.clock import SHANGHAI
from govservice.errors import AssessmentQuarterError, AssessmentRulesError, StaffRecordsError
from govservice.model import (
    AssessmentPart,
    AssessmentRules,
    DisciplineRecord,
    Honour,
    HonourRule,
    PersonScore,
    QuarterAssessment,
    ServiceFigures,
    StaffRecord,
    Station,
    StationLevel,
    Weights,
    WindowScore,
)
from govservice.model.assessment import (
    DEFAULT_RULES,
    GRADE_POINTS,
    PARTY_PIONEER,
    SERVICE_STAR,
    quarter_days,
)
from govservice.stations.people import all_stations, check_stations
from govservice.store.columns import local_date

RULES_HOOK = "govservice_assessment_rules"
PAGE = 2000
"""Case records read at a time."""
CENT = Decimal("0.01")
_NOT_STAFF = frozenset({"applicant", "system"})
_CENTRES = (StationLevel.CITY_CENTRE, StationLevel.COUNTY_CENTRE)


class StaffAssessment:
    """The quarterly assessment of a centre's window staff (``centre.stations.assessment``)."""

    def __init__(self, service: Any) -> None:
        self.service = service

    # --- what the centre enters -----------------------------------------------------------

    def record(self, records: Iterable[StaffRecord]) -> list[StaffRecord]:
        """Store the centre's attendance records of a quarter, all or none.

        :raises UnknownStaffStationError: a record names a station not stored.
        :raises StaffRecordsError: a record names a window the station does not have.
        :raises DuplicateRecordError: a person has a record of that quarter already.
        """
        records = list(records)
        stations = check_stations(
            self.service.store,
            [(r.station_code, r.name) for r in records],
            "staff record",
        )
        for record in records:
            station = stations[record.station_code]
            windows = {window.number for window in station.windows}
            if record.window is not None and windows and record.window not in windows:
                raise StaffRecordsError(
                    f"staff record: {record.name} sits at window {record.window}, which "
                    f"station {station.code} ({station.name}) does not have (its windows: "
                    f"{', '.join(sorted(windows))}); nothing was stored"
                )
        self.service.store.add_staff_records(records)
        return records

    def record_discipline(self, records: Iterable[DisciplineRecord]) -> list[DisciplineRecord]:
        """Store the centre's discipline records, all or none.

        :raises UnknownStaffStationError: a record names a station not stored.
        """
        records = list(records)
        check_stations(
            self.service.store,
            [(r.station_code, r.name) for r in records],
            "discipline record",
        )
        self.service.store.add_discipline_records(records)
        return records

    # --- the rules --------------------------------------------------------------------------

    def rules(self, region: str | None = None) -> AssessmentRules:
        """The rules of ``region`` (default: the centre's): a plugin's, the
        configuration's, or the built-in ones.

        :raises AssessmentRulesError: the configuration's weights do not add up to 100,
            or a rule is malformed.
        """
        region = region or self.service.config.region
        answers = self.service.plugins.call(
            RULES_HOOK, scope=region, firstresult=True, expect=AssessmentRules, region=region
        )
        if answers:
            plugin, rules = answers[0]
            return attrs.evolve(rules, source=plugin)
        configured = self.service.config.stations.get("assessment")
        if configured is not None:
            return rules_from_config(configured, self.service.config)
        return DEFAULT_RULES

    # --- the assessment ---------------------------------------------------------------------

    def quarter(self, year: int, quarter: int) -> QuarterAssessment:
        """The assessment of ``quarter`` (1 to 4) of ``year``, with its circular.

        :raises AssessmentQuarterError: a quarter outside 1 to 4, or a year outside the
            configuration's ``validation.years``.
        :raises AssessmentRulesError: as :meth:`rules`.
        """
        return self.quarters(year, (quarter,))[0]

    def year(self, year: int) -> tuple[QuarterAssessment, ...]:
        """The four quarters of ``year``, counted in one pass over the cases (what the
        year's report reads: :meth:`quarter` four times would read the cases four times).

        :raises AssessmentQuarterError: a year outside ``validation.years``.
        :raises AssessmentRulesError: as :meth:`rules`.
        """
        return self.quarters(year, (1, 2, 3, 4))

    def quarters(self, year: int, quarters: Iterable[int]) -> tuple[QuarterAssessment, ...]:
        """The assessments of ``quarters`` of ``year``, in one pass over the cases."""
        from govservice.stations.circular import circular_text

        quarters = tuple(quarters)
        window = self.service.config.date_window
        for quarter in quarters:
            if isinstance(quarter, bool) or not isinstance(quarter, int) or not 1 <= quarter <= 4:
                raise AssessmentQuarterError(f"quarter {quarter!r} is not 1, 2, 3 or 4")
        if not window.earliest <= year <= window.latest:
            raise AssessmentQuarterError(
                f"year {year} is outside the years {window.earliest} to {window.latest} "
                "(validation.years widens them)"
            )
        rules = self.rules()
        store = self.service.store
        staff = {q: store.staff_records(year, q) for q in quarters}
        stations = {station.code: station for station in all_stations(store)}
        figures = quarterly_figures(
            case_documents(store),
            {q: {(r.station_code, r.name) for r in records} for q, records in staff.items()},
            year,
            _centres(stations.values()),
        )
        today = self.service.clock.now().astimezone(SHANGHAI).date()
        done = []
        for quarter in quarters:
            first, last = quarter_days(year, quarter)
            deducted: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
            for breach in store.discipline_records(first, last):
                deducted[(breach.station_code, breach.name)] += breach.points
            people = _ranked_people(staff[quarter], stations, deducted, figures[quarter], rules)
            assessment = QuarterAssessment(
                year=year,
                quarter=quarter,
                first=first,
                last=last,
                rules=rules,
                people=people,
                windows=_ranked_windows(people),
                honours=_honours(people, rules),
            )
            text = circular_text(assessment, centre=self.service.config.name, day=today)
            done.append(attrs.evolve(assessment, circular_text=text))
        return tuple(done)


def rules_from_config(data: Mapping[str, Any], config: Any = None) -> AssessmentRules:
    """The rules of a ``stations.assessment`` section (as the schema checked it).

    :raises AssessmentRulesError: the weights do not add up to 100, or a rule is
        malformed; ``where`` is the file and line of the configuration when known."""

    def where(*path: str) -> str | None:
        return config.where("stations", "assessment", *path) if config is not None else None

    try:
        weights = Weights(**{key: _decimal(value) for key, value in data["weights"].items()})
    except (TypeError, ValueError, KeyError) as error:
        raise AssessmentRulesError(
            f"stations.assessment.weights: {error}", where=where("weights")
        ) from None
    honours = data.get("honours", {})
    try:
        return AssessmentRules(
            weights=weights,
            cases_for_full_marks=data.get("cases_for_full_marks", 100),
            complaint_points=_decimal(data.get("complaint_points", 5)),
            party_pioneer=_honour(honours.get("party_pioneer")),
            service_star=_honour(honours.get("service_star")),
            source="config",
        )
    except (TypeError, ValueError) as error:
        raise AssessmentRulesError(f"stations.assessment: {error}", where=where()) from None


def case_documents(store: Any) -> Iterator[dict[str, Any]]:
    """Every stored case document, by id, a page at a time."""
    after = None
    while True:
        rows = store.raw_rows("case", after=after, limit=PAGE)
        for row in rows:
            yield json.loads(row[-1])
        if len(rows) < PAGE:
            return
        after = rows[-1][0]


def quarterly_figures(
    documents: Iterable[dict[str, Any]],
    people: Mapping[int, set[tuple[str, str]]],
    year: int,
    centres: Mapping[str, str],
) -> dict[int, dict[tuple[str, str], ServiceFigures]]:
    """The service figures, quarter by quarter of ``year``, of each of the ``people`` of
    that quarter (``(station_code, name)``), in one pass over the case ``documents`` (see
    the module's docstring); ``centres``: the centre's station code of each region."""
    prefix = f"{year:04d}-"
    everyone = set().union(*people.values()) if people else set()
    counts: dict[tuple[int, str, str], list] = {}

    def quarter_of(day: str | None) -> int | None:
        return (int(day[5:7]) + 2) // 3 if day is not None and day.startswith(prefix) else None

    for case in documents:
        station = case.get("station_code") or centres.get(case["region"])
        if station is None:
            continue
        actors: dict[str, set[int | None]] = {}  # name -> the quarters of their steps
        for event in case.get("events", ()):
            if event.get("role") in _NOT_STAFF or "refusal" in event:
                continue
            name = event["actor"]
            if (station, name) in everyone:
                actors.setdefault(name, set()).add(quarter_of(local_date(event["at"])))
        if not actors:
            continue
        completed = local_date(case.get("completed_at"))
        done = quarter_of(completed)
        due = case.get("promised_due")
        on_time = done is not None and (due is None or completed <= due)
        evaluation = case.get("evaluation")
        graded = None if evaluation is None else quarter_of(local_date(evaluation["at"]))
        for name, stepped in actors.items():
            for quarter, assessed in people.items():
                if (station, name) not in assessed:
                    continue
                if quarter not in stepped and quarter != done and quarter != graded:
                    continue
                tally = counts.setdefault((quarter, station, name), [0, 0, 0, 0, Decimal(0), 0])
                tally[0] += quarter in stepped
                if quarter == done:
                    tally[1] += 1
                    tally[2] += on_time
                if quarter == graded:
                    tally[3] += 1
                    tally[4] += GRADE_POINTS[evaluation["grade"]]
                    tally[5] += evaluation["grade"] in ("dissatisfied", "very_dissatisfied")
    found: dict[int, dict[tuple[str, str], ServiceFigures]] = {q: {} for q in people}
    for (quarter, station, name), t in counts.items():
        found[quarter][(station, name)] = ServiceFigures(
            handled=t[0],
            completed=t[1],
            on_time=t[2],
            graded=t[3],
            grade_points=t[4],
            complaints=t[5],
        )
    return found


def part_points(
    rules: AssessmentRules,
    record: StaffRecord,
    discipline: Decimal,
    service: ServiceFigures,
) -> tuple[tuple[str, Decimal], ...]:
    """The points of each part for one person (see :class:`AssessmentRules`)."""
    w = rules.weights
    due = record.days_due
    attendance = w.attendance * (Decimal(record.days_present) / due if due else Decimal(1))
    cases = w.cases_handled * min(
        Decimal(1), Decimal(service.handled) / rules.cases_for_full_marks
    )
    rate = service.on_time_rate
    grade = service.average_grade
    points = {
        AssessmentPart.ATTENDANCE: attendance,
        AssessmentPart.DISCIPLINE: max(Decimal(0), w.discipline - discipline),
        AssessmentPart.CASES_HANDLED: cases,
        AssessmentPart.ON_TIME_RATE: w.on_time_rate * (rate if rate is not None else 1),
        AssessmentPart.GRADES: w.grades * (grade / 100 if grade is not None else 1),
        AssessmentPart.COMPLAINTS: max(
            Decimal(0), w.complaints - rules.complaint_points * service.complaints
        ),
    }
    return tuple((part.value, _cents(points[part])) for part in AssessmentPart)


def _ranked_people(
    staff: list[StaffRecord],
    stations: Mapping[str, Station],
    deducted: Mapping[tuple[str, str], Decimal],
    figures: Mapping[tuple[str, str], ServiceFigures],
    rules: AssessmentRules,
) -> tuple[PersonScore, ...]:
    scored = []
    for record in staff:
        key = (record.station_code, record.name)
        station = stations.get(record.station_code)
        service = figures.get(key, ServiceFigures())
        parts = part_points(rules, record, deducted.get(key, Decimal(0)), service)
        scored.append(
            PersonScore(
                station_code=record.station_code,
                station_name=station.name if station else record.station_code,
                name=record.name,
                staff_number=record.staff_number,
                window=record.window,
                window_name=_window_name(station, record.window),
                party_member=record.party_member,
                days_due=record.days_due,
                days_present=record.days_present,
                discipline_points=deducted.get(key, Decimal(0)),
                service=service,
                parts=parts,
                score=sum((points for _, points in parts), Decimal(0)),
                rank=0,
            )
        )
    scored.sort(key=lambda p: (-p.score, p.station_code, p.name))
    return tuple(attrs.evolve(p, rank=_rank(p.score, scored)) for p in scored)


def _ranked_windows(people: tuple[PersonScore, ...]) -> tuple[WindowScore, ...]:
    groups: dict[tuple[str, str], list[PersonScore]] = defaultdict(list)
    for person in people:
        if person.window is not None:
            groups[(person.station_code, person.window)].append(person)
    windows = [
        WindowScore(
            station_code=station,
            station_name=members[0].station_name,
            window=number,
            window_name=members[0].window_name,
            people=len(members),
            score=_cents(sum((m.score for m in members), Decimal(0)) / len(members)),
            rank=0,
        )
        for (station, number), members in groups.items()
    ]
    windows.sort(key=lambda w: (-w.score, w.station_code, w.window))
    return tuple(attrs.evolve(w, rank=_rank(w.score, windows)) for w in windows)


def _honours(people: tuple[PersonScore, ...], rules: AssessmentRules) -> tuple[Honour, ...]:
    named: list[Honour] = []
    taken: set[tuple[str, str]] = set()
    for title, rule, party in (
        (PARTY_PIONEER, rules.party_pioneer, True),
        (SERVICE_STAR, rules.service_star, False),
    ):
        if rule is None:
            continue
        chosen = [
            p
            for p in people  # by rank already
            if (p.station_code, p.name) not in taken
            and (p.party_member or not party)
            and _meets(p, rule)
        ][: rule.places]
        for person in chosen:
            taken.add((person.station_code, person.name))
            named.append(
                Honour(
                    title=title,
                    name=person.name,
                    station_name=person.station_name,
                    window_name=person.window_name,
                    score=person.score,
                )
            )
    return tuple(named)


def _meets(person: PersonScore, rule: HonourRule) -> bool:
    if person.score < rule.min_score or person.service.handled < rule.min_cases:
        return False
    return rule.max_complaints is None or person.service.complaints <= rule.max_complaints


def _rank(score: Decimal, ordered: list) -> int:
    return 1 + sum(1 for other in ordered if other.score > score)


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _honour(data: Mapping[str, Any] | None) -> HonourRule | None:
    if data is None:
        return None
    return HonourRule(
        min_score=_decimal(data["min_score"]),
        places=data["places"],
        max_complaints=data.get("max_complaints"),
        min_cases=data.get("min_cases", 0),
    )


def _window_name(station: Station | None, number: str | None) -> str | None:
    if station is None or number is None:
        return None
    window = next((w for w in station.windows if w.number == number), None)
    return f"{number}号窗口" if window is None or not window.name else window.name


def _centres(stations: Iterable[Station]) -> dict[str, str]:
    """The station code of the centre of each region (city before county, then by code),
    where a case naming no station is handled."""
    best: dict[str, tuple[int, str]] = {}
    for station in stations:
        if station.level in _CENTRES:
            rank = (_CENTRES.index(station.level), station.code)
            best[station.region] = min(best.get(station.region, rank), rank)
    return {region: rank[1] for region, rank in best.items()}
