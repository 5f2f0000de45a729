"""The quarterly assessment of window staff (进驻人员季度考核): what the centre records of
each person (attendance, discipline), the rules it weighs them by (考核细则), and the
result (scores, ranks and honours). Pure values: the assessment is made in
:mod:`govservice.stations.assessment`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs

from govservice.model import _checks
from govservice.model.common import LabelledEnum

__all__ = [
    "AssessmentPart",
    "AssessmentRules",
    "DisciplineRecord",
    "Honour",
    "HonourRule",
    "PersonScore",
    "QuarterAssessment",
    "ServiceFigures",
    "StaffRecord",
    "Weights",
    "WindowScore",
    "quarter_days",
]

_CODE = _checks.matches(_checks.CODE, "GR-DAWANG-01")
_STAFF_NUMBER = _checks.matches(_checks.CODE, "DY-0317")


def quarter_days(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """The first and last day of ``quarter`` (1 to 4) of ``year``."""
    first = dt.date(year, 3 * quarter - 2, 1)
    following = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    return first, following - dt.timedelta(days=1)


def _quarter(instance: object, attribute: attrs.Attribute, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 4:
        raise ValueError(f"{type(instance).__name__}.quarter: {value!r} is not 1 to 4")


def _points(instance: object, attribute: attrs.Attribute, value: Decimal) -> None:
    if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
        raise ValueError(f"{type(instance).__name__}.{attribute.name}: not a Decimal >= 0")


def _decimal(value: object) -> object:
    if isinstance(value, int | str) and not isinstance(value, bool):
        return Decimal(value)
    return value


def _present(instance: StaffRecord, attribute: attrs.Attribute, value: int) -> None:
    _checks.non_negative(instance, attribute, value)
    if value > instance.days_due:
        raise ValueError(
            f"StaffRecord.days_present: {value} days present of {instance.days_due} due"
        )


@attrs.frozen(kw_only=True)
class StaffRecord:
    """A person's quarter at the centre as the centre records it (考勤): the window they
    sit at, the working days they were due and present, and whether they are a member of
    the Party (for 党员服务先锋岗). Who is assessed in a quarter: everyone with a record."""

    station_code: str = attrs.field(validator=_CODE)
    name: str = attrs.field(validator=_checks.non_empty)
    staff_number: str | None = attrs.field(default=None, validator=_STAFF_NUMBER)
    window: str | None = attrs.field(default=None, validator=_checks.optional_non_empty)
    """The number of the station's window (:class:`~govservice.model.Window`)."""
    year: int = attrs.field(validator=_checks.positive)
    quarter: int = attrs.field(validator=_quarter)
    days_due: int = attrs.field(validator=_checks.non_negative)
    days_present: int = attrs.field(validator=_present)
    party_member: bool = False


@attrs.frozen(kw_only=True)
class DisciplineRecord:
    """A breach of the centre's discipline (违纪), entered by the centre: the points it
    takes off the person's discipline score."""

    station_code: str = attrs.field(validator=_CODE)
    name: str = attrs.field(validator=_checks.non_empty)
    on: dt.date
    points: Decimal = attrs.field(converter=_decimal, validator=_points)
    reason: str = attrs.field(validator=_checks.non_empty)


class AssessmentPart(LabelledEnum):
    """What the assessment weighs."""

    ATTENDANCE = "attendance", "出勤"
    DISCIPLINE = "discipline", "纪律"
    CASES_HANDLED = "cases_handled", "办件量"
    ON_TIME_RATE = "on_time_rate", "按时办结率"
    GRADES = "grades", "好差评"
    COMPLAINTS = "complaints", "投诉"


@attrs.frozen(kw_only=True)
class Weights:
    """The points each part is worth (考核细则); they add up to 100."""

    attendance: Decimal = attrs.field(converter=_decimal, validator=_points)
    discipline: Decimal = attrs.field(converter=_decimal, validator=_points)
    cases_handled: Decimal = attrs.field(converter=_decimal, validator=_points)
    on_time_rate: Decimal = attrs.field(converter=_decimal, validator=_points)
    grades: Decimal = attrs.field(converter=_decimal, validator=_points)
    complaints: Decimal = attrs.field(converter=_decimal, validator=_points)

    def __attrs_post_init__(self) -> None:
        if self.total != 100:
            raise ValueError(f"Weights: the weights add up to {self.total}, not 100")

    @property
    def total(self) -> Decimal:
        return sum((getattr(self, part.value) for part in AssessmentPart), Decimal(0))


@attrs.frozen(kw_only=True)
class HonourRule:
    """Who may be named for an honour of the quarter: the best ``places`` of those scoring
    at least ``min_score`` (and, when set, with at most ``max_complaints`` complaints and
    handling at least ``min_cases`` cases); party members only for 党员服务先锋岗."""

    min_score: Decimal = attrs.field(converter=_decimal, validator=_points)
    places: int = attrs.field(validator=_checks.positive)
    max_complaints: int | None = attrs.field(
        default=None, validator=attrs.validators.optional(_checks.non_negative)
    )
    min_cases: int = attrs.field(default=0, validator=_checks.non_negative)


PARTY_PIONEER = "党员服务先锋岗"
SERVICE_STAR = "优秀服务标兵"

GRADE_POINTS = {
    "very_satisfied": Decimal(100),
    "satisfied": Decimal(90),
    "basically_satisfied": Decimal(70),
    "dissatisfied": Decimal(30),
    "very_dissatisfied": Decimal(0),
}
"""What each 好差评 grade is worth, out of 100: the grades part is their average."""


@attrs.frozen(kw_only=True)
class AssessmentRules:
    """考核细则: the weights, and how each part is scored.

    - attendance: ``weight × days present / days due``;
    - discipline: the weight less the points of the quarter's discipline records (not
      below 0);
    - cases handled: ``weight × min(1, handled / cases_for_full_marks)``;
    - on-time rate: ``weight × on time / completed`` (full marks when none completed);
    - grades: ``weight × average of GRADE_POINTS / 100`` (full marks when none graded);
    - complaints: the weight less ``complaint_points`` per complaint (not below 0).
    """

    weights: Weights
    cases_for_full_marks: int = attrs.field(default=100, validator=_checks.positive)
    complaint_points: Decimal = attrs.field(
        default=Decimal(5), converter=_decimal, validator=_points
    )
    party_pioneer: HonourRule | None = None
    """The rule of 党员服务先锋岗 (None: not named)."""
    service_star: HonourRule | None = None
    """The rule of 优秀服务标兵 (None: not named)."""
    source: str = "default"
    """Where the rules came from: ``config``, a plugin's name, or ``default``."""


DEFAULT_RULES = AssessmentRules(
    weights=Weights(
        attendance=20, discipline=15, cases_handled=15, on_time_rate=20, grades=20, complaints=10
    ),
    party_pioneer=HonourRule(min_score=90, places=3),
    service_star=HonourRule(min_score=85, places=5, max_complaints=0, min_cases=1),
)
"""The rules used when neither a plugin nor the configuration gives any."""


@attrs.frozen(kw_only=True)
class ServiceFigures:
    """What the case trail says of a person in a quarter (see
    :mod:`govservice.stations.assessment` for how each is counted)."""

    handled: int = 0
    """Cases on which the person took a step (not a refused attempt) in the quarter."""
    completed: int = 0
    """Of the cases the person ever took a step on, those completed in the quarter."""
    on_time: int = 0
    """Of those, completed by the promised due date."""
    graded: int = 0
    """Evaluations (好差评) given in the quarter on cases the person took a step on."""
    grade_points: Decimal = Decimal(0)
    """The sum of their :data:`GRADE_POINTS`."""
    complaints: int = 0
    """Of those evaluations, the bad ones (差评: each opened a rectification)."""

    @property
    def on_time_rate(self) -> Decimal | None:
        return None if not self.completed else Decimal(self.on_time) / self.completed

    @property
    def average_grade(self) -> Decimal | None:
        return None if not self.graded else self.grade_points / self.graded


@attrs.frozen(kw_only=True)
class PersonScore:
    """One person's quarter: the records, the figures, the points of each part, the
    score (out of 100, two decimals) and the rank (1 best; equal scores share a rank)."""

    station_code: str
    station_name: str
    name: str
    staff_number: str | None
    window: str | None
    window_name: str | None
    party_member: bool
    days_due: int
    days_present: int
    discipline_points: Decimal
    service: ServiceFigures
    parts: tuple[tuple[str, Decimal], ...]
    """``(part, points)`` for each :class:`AssessmentPart`, in its order."""
    score: Decimal
    rank: int


@attrs.frozen(kw_only=True)
class WindowScore:
    """A window's quarter: the average score of the people at it, and its rank."""

    station_code: str
    station_name: str
    window: str
    window_name: str | None
    people: int
    score: Decimal
    rank: int


@attrs.frozen(kw_only=True)
class Honour:
    """A person named for an honour of the quarter."""

    title: str
    name: str
    station_name: str
    window_name: str | None
    score: Decimal


@attrs.frozen(kw_only=True)
class QuarterAssessment:
    """The assessment of one quarter, with its circular (通报) in Chinese."""

    year: int
    quarter: int
    first: dt.date
    last: dt.date
    rules: AssessmentRules
    people: tuple[PersonScore, ...]
    """By rank, then station and name."""
    windows: tuple[WindowScore, ...]
    honours: tuple[Honour, ...]
    circular_text: str = ""
