"""Cases (办件): one application to one item, with its trail of events."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal

import attrs

from govservice.model import _checks
from govservice.model.common import LabelledEnum, Party
from govservice.model.identifiers import mask_evidence_number


class CaseState(LabelledEnum):
    """Where a case stands. The transitions between states live in the workflow."""

    SUBMITTED = "submitted", "已申请"
    AWAITING_SUPPLEMENT = "awaiting_supplement", "待补正"
    ACCEPTED = "accepted", "已受理"
    NOT_ACCEPTED = "not_accepted", "不予受理"
    IN_REVIEW = "in_review", "审查中"
    SUSPENDED = "suspended", "特别程序"
    GRANTED = "granted", "准予许可"
    DENIED = "denied", "不予许可"
    COMPLETED = "completed", "已办结"
    WITHDRAWN = "withdrawn", "已撤回"

    @property
    def is_closed(self) -> bool:
        """No further action changes a closed case."""
        return self in (CaseState.NOT_ACCEPTED, CaseState.COMPLETED, CaseState.WITHDRAWN)


class Role(LabelledEnum):
    """Who acts on a case."""

    APPLICANT = "applicant", "申请人"
    WINDOW_CLERK = "window_clerk", "窗口受理人员"
    REVIEWER = "reviewer", "审查人员"
    APPROVER = "approver", "审批人员"
    AGENT = "agent", "代办员"
    SUPERVISOR = "supervisor", "监察人员"
    SYSTEM = "system", "系统"


class Outcome(LabelledEnum):
    """The decision on a case."""

    GRANT = "grant", "准予"
    DENY = "deny", "不予"


class Grade(LabelledEnum):
    """好差评: the five grades of an evaluation, best first."""

    VERY_SATISFIED = "very_satisfied", "非常满意"
    SATISFIED = "satisfied", "满意"
    BASICALLY_SATISFIED = "basically_satisfied", "基本满意"
    DISSATISFIED = "dissatisfied", "不满意"
    VERY_DISSATISFIED = "very_dissatisfied", "非常不满意"

    @property
    def is_bad(self) -> bool:
        """A bad grade (差评) opens a rectification task."""
        return self in (Grade.DISSATISFIED, Grade.VERY_DISSATISFIED)


@attrs.frozen(kw_only=True)
class SubmittedMaterial:
    """A material the applicant handed in, with counts of originals and copies."""

    name: str = attrs.field(validator=_checks.non_empty)
    code: str | None = None
    originals: int = attrs.field(default=0, validator=_checks.non_negative)
    copies: int = attrs.field(default=0, validator=_checks.non_negative)


@attrs.frozen(kw_only=True)
class ChargedFee:
    """A fee charged on this case after any exemption."""

    name: str = attrs.field(validator=_checks.non_empty)
    amount: Decimal = attrs.field(validator=_checks.yuan)
    exemption: str | None = attrs.field(default=None, validator=_checks.paragraph)
    """Why the fee was reduced or waived, when it was."""
    legal_basis: str | None = attrs.field(default=None, validator=_checks.paragraph)
    """The published fee's legal basis (收费依据), kept with what is charged."""
    option: str | None = attrs.field(default=None, validator=_checks.optional_non_empty)
    """Which alternative of the fee's group was charged (首次申领, 补领 ...), if any."""


class ApplicantCategoryKind(LabelledEnum):
    """Who the applicant is, where exemptions depend on it (减免对象)."""

    VETERAN = "veteran", "退役军人"
    DISABLED = "disabled", "残疾人"
    LOW_INCOME = "low_income", "低保户"
    ELDERLY = "elderly", "老年人"
    OTHER = "other", "其他"


def _category_label(
    instance: ApplicantCategory, attribute: attrs.Attribute, value: str | None
) -> None:
    _checks.optional_non_empty(instance, attribute, value)
    if instance.category is ApplicantCategoryKind.OTHER and value is None:
        raise ValueError("ApplicantCategory.label: a category of kind other states its label")


def _confirmed(instance: ApplicantCategory, attribute: attrs.Attribute, value: object) -> None:
    _checks.aware(instance, attribute, value)
    if (instance.confirmed_by is None) != (value is None):
        raise ValueError(
            "ApplicantCategory.confirmed_at: a confirmation names who confirmed and when, "
            "both or neither"
        )


@attrs.frozen(kw_only=True)
class ApplicantCategory:
    """A category the applicant declares (退役军人, 残疾人, 低保户, 老年人 ...), with the
    evidence shown for it: the certificate's kind and number. The window clerk confirms it
    at acceptance (``confirmed_by``, ``confirmed_at``), having seen the certificate; only a
    confirmed category counts (:attr:`Case.confirmed_categories`)."""

    category: ApplicantCategoryKind = attrs.field(converter=_checks.enum_of(ApplicantCategoryKind))
    label: str | None = attrs.field(default=None, validator=_category_label)
    """The category as the applicant or the county names it; required for ``other``."""
    evidence_kind: str = attrs.field(validator=_checks.non_empty)
    """The certificate shown (残疾人证, 退役军人优待证, 最低生活保障证, 居民身份证 ...)."""
    evidence_number: str = attrs.field(validator=_checks.non_empty, repr=mask_evidence_number)
    """The certificate's number: personal data, masked in ``repr`` and whatever is shown
    to someone else (:func:`~govservice.model.identifiers.mask_document`)."""
    confirmed_by: str | None = attrs.field(default=None, validator=_checks.optional_non_empty)
    """The clerk who confirmed it at acceptance: set by the centre, never by an application."""
    confirmed_at: dt.datetime | None = attrs.field(default=None, validator=_confirmed)

    @property
    def confirmed(self) -> bool:
        """Whether a clerk confirmed the category (only then does it count)."""
        return self.confirmed_at is not None


@attrs.frozen(kw_only=True)
class Decision:
    """A decision to grant or deny, with its reason and legal basis."""

    outcome: Outcome = attrs.field(converter=Outcome)
    reason: str | None = attrs.field(default=None, validator=_checks.paragraph)
    legal_basis: str | None = attrs.field(default=None, validator=_checks.paragraph)


class SpecialProcedure(LabelledEnum):
    """特别程序 whose time does not count toward the limit (行政许可法第四十五条)."""

    EXPERT_REVIEW = "expert_review", "专家评审"
    HEARING = "hearing", "听证"
    SITE_INSPECTION = "site_inspection", "现场勘查"
    TESTING = "testing", "检验检测"
    QUARANTINE = "quarantine", "检疫"
    TENDERING = "tendering", "招标拍卖"
    PUBLIC_NOTICE = "public_notice", "公示"
    OTHER = "other", "其他特别程序"


@attrs.frozen(kw_only=True)
class RecordedFinding:
    """A warning of a local rule, kept with the event it was raised on."""

    code: str = attrs.field(validator=_checks.non_empty)
    message: str = attrs.field(validator=_checks.non_empty)
    plugin: str | None = None


@attrs.frozen(kw_only=True)
class CaseEvent:
    """One step in the case's trail (步步留痕): who did what, when, and in what role.

    A refused attempt is recorded too: ``refusal`` says why, and the state is unchanged.
    """

    at: dt.datetime = attrs.field(validator=_checks.aware)
    actor: str = attrs.field(validator=_checks.non_empty)
    role: Role = attrs.field(converter=_checks.enum_of(Role))
    action: str = attrs.field(validator=_checks.non_empty)
    from_state: CaseState | None = attrs.field(
        default=None, converter=attrs.converters.optional(_checks.enum_of(CaseState))
    )
    to_state: CaseState = attrs.field(converter=_checks.enum_of(CaseState))
    note: str | None = attrs.field(default=None, validator=_checks.paragraph)
    on_behalf_of: str | None = attrs.field(default=None, validator=_checks.one_line)
    """Whom an agent (全程代办) acted for."""
    warnings: tuple[RecordedFinding, ...] = attrs.field(default=(), converter=_checks.as_tuple)
    """Warnings of local rules raised on this action."""
    refusal: str | None = attrs.field(default=None, validator=_checks.paragraph)
    """Why the attempt was refused (``GS801: ...``); nothing else changed."""
    recorded_at: dt.datetime | None = attrs.field(default=None, validator=_checks.aware)
    """When the server's clock recorded the event; ``at`` is the time the action claims.
    They differ only on a simulation store (a back-dated action); None on events recorded
    before govservice kept both, and on those brought in by import."""


@attrs.frozen(kw_only=True)
class SupplementRequest:
    """补正: one notice listing every missing material at once (行政许可法第三十二条)."""

    requested_at: dt.datetime = attrs.field(validator=_checks.aware)
    materials: tuple[str, ...] = attrs.field(
        converter=_checks.as_tuple, validator=[_checks.each_non_empty, _checks.not_empty_tuple]
    )
    note: str | None = attrs.field(default=None, validator=_checks.paragraph)
    from_state: CaseState = attrs.field(converter=CaseState)
    """Where the case returns when the supplement arrives."""
    received_at: dt.datetime | None = attrs.field(default=None, validator=_checks.aware)
    """When the last material the notice asked for arrived: the notice is answered."""
    arrived: tuple[str, ...] = attrs.field(
        default=(), converter=_checks.as_tuple, validator=_checks.each_non_empty
    )
    """The materials of the notice handed in so far (a partial supplement); the case waits
    for the rest (:attr:`awaited`)."""

    @property
    def awaited(self) -> tuple[str, ...]:
        """The materials the notice asked for that have not arrived yet."""
        return tuple(name for name in self.materials if name not in self.arrived)


@attrs.frozen(kw_only=True)
class Suspension:
    """A special procedure (特别程序); the working days it lasts are added to the deadlines."""

    procedure: SpecialProcedure = attrs.field(converter=SpecialProcedure)
    reason: str = attrs.field(validator=_checks.non_empty)
    started_at: dt.datetime = attrs.field(validator=_checks.aware)
    expected_days: int | None = attrs.field(
        default=None, validator=attrs.validators.optional(_checks.non_negative)
    )
    """How long the applicant was told it would take (working days)."""
    from_state: CaseState = attrs.field(converter=CaseState)
    """Where the case returns on resuming."""
    resumed_at: dt.datetime | None = attrs.field(default=None, validator=_checks.aware)
    excluded_days: int | None = attrs.field(
        default=None, validator=attrs.validators.optional(_checks.non_negative)
    )
    """Working days not counted toward the limits, set on resuming."""


@attrs.frozen(kw_only=True)
class Evaluation:
    """The applicant's evaluation of a completed case (好差评)."""

    grade: Grade = attrs.field(converter=Grade)
    at: dt.datetime = attrs.field(validator=_checks.aware)
    comment: str | None = attrs.field(default=None, validator=_checks.paragraph)


@attrs.frozen(kw_only=True)
class FollowUp:
    """One record of what was done about a bad evaluation (整改回访)."""

    at: dt.datetime = attrs.field(validator=_checks.aware)
    actor: str = attrs.field(validator=_checks.non_empty)
    note: str = attrs.field(validator=_checks.non_empty)


@attrs.frozen(kw_only=True)
class Rectification:
    """整改: opened by a bad evaluation, due in working days, closed after a follow-up."""

    opened_at: dt.datetime = attrs.field(validator=_checks.aware)
    due: dt.date
    due_provisional: bool = False
    """The due date lies in a year whose official schedule is not loaded."""
    follow_ups: tuple[FollowUp, ...] = attrs.field(default=(), converter=_checks.as_tuple)
    closed_at: dt.datetime | None = attrs.field(default=None, validator=_checks.aware)


def _mandate_scope(instance: Mandate, attribute: attrs.Attribute, value: tuple[str, ...]) -> None:
    if not instance.cases and not instance.items:
        raise ValueError("Mandate.items: a mandate names the cases or the items it covers")


@attrs.frozen(kw_only=True)
class Mandate:
    """委托书: the applicant (``principal``) authorises an agent (代理人) to act for them on
    the cases or items named, from ``valid_from`` until ``valid_until`` (both days
    included). Recorded on the case; an agent without one in force is refused."""

    agent: Party
    """Who may act: matched by the identifier the integrator authenticated."""
    principal: Party
    """For whom: the case's applicant."""
    cases: tuple[str, ...] = attrs.field(
        default=(), converter=_checks.as_tuple, validator=_checks.each_non_empty
    )
    """The ids of the cases covered."""
    items: tuple[str, ...] = attrs.field(
        default=(), converter=_checks.as_tuple, validator=[_checks.each_non_empty, _mandate_scope]
    )
    """The codes of the items every case of which is covered."""
    valid_from: dt.date
    valid_until: dt.date

    def __attrs_post_init__(self) -> None:
        _checks.not_after("valid_from", "valid_until")(self)

    def covers(self, case: Case) -> bool:
        """Whether the mandate names ``case`` (by its id or its item)."""
        return case.id in self.cases or case.item_code in self.items

    def in_force(self, day: dt.date) -> bool:
        """Whether the mandate is valid on ``day``."""
        return self.valid_from <= day <= self.valid_until


_ATTRIBUTE_KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
TRACKING_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
"""Digits and capitals without 0/O, 1/I: easy to read out and type."""
TRACKING_CODE = f"[{TRACKING_ALPHABET}]{{12}}"


def _attributes(instance: Case, attribute: attrs.Attribute, value: Mapping[str, str]) -> None:
    for key, text in value.items():
        if not isinstance(key, str) or not _ATTRIBUTE_KEY.match(key):
            raise ValueError(f"Case.attributes: {key!r} is not a lowercase identifier")
        if not isinstance(text, str):
            raise ValueError(f"Case.attributes: the value of {key!r} is not a text")


def _fee_choices(instance: Case, attribute: attrs.Attribute, value: Mapping[str, str]) -> None:
    for group, option in value.items():  # each a text on one line, as the schema's
        _checks.non_empty(instance, attribute, group)
        _checks.non_empty(instance, attribute, option)


def _evaluation(instance: Case, attribute: attrs.Attribute, value: Evaluation | None) -> None:
    if value is not None and instance.state is not CaseState.COMPLETED:
        raise ValueError("Case.evaluation: only a completed case is evaluated")


@attrs.frozen(kw_only=True)
class Case:
    """One application (办件) to one version of one item."""

    id: str = attrs.field(validator=_checks.matches(_checks.CODE, "DY2015-00000001"))
    item_code: str = attrs.field(
        validator=_checks.matches(_checks.ITEM_CODE, "11370500004275432Y-XK-0001")
    )
    item_version: int = attrs.field(default=1, validator=_checks.positive)
    region: str = attrs.field(validator=_checks.region_code)
    department: str = attrs.field(validator=_checks.non_empty)
    station_code: str | None = None
    applicant: Party
    agent: Party | None = None
    mandates: tuple[Mandate, ...] = attrs.field(default=(), converter=_checks.as_tuple)
    """The mandates (委托书) the applicant gave for this case: who may act for them."""
    centre_agent: str | None = None
    """The centre's agent (全程代办) the case is assigned to, by staff number (工号) or
    name: set by ``assign`` or by the project the case joins, never by the application."""
    materials: tuple[SubmittedMaterial, ...] = attrs.field(default=(), converter=_checks.as_tuple)
    state: CaseState = attrs.field(
        default=CaseState.SUBMITTED, converter=_checks.enum_of(CaseState)
    )
    received_at: dt.datetime = attrs.field(validator=_checks.aware)
    accepted_at: dt.datetime | None = attrs.field(default=None, validator=_checks.aware)
    decided_at: dt.datetime | None = attrs.field(default=None, validator=_checks.aware)
    completed_at: dt.datetime | None = attrs.field(default=None, validator=_checks.aware)
    promised_due: dt.date | None = None
    legal_due: dt.date | None = None
    green_channel: bool = False
    full_agency: bool = False
    handler: str | None = attrs.field(default=None, validator=_checks.one_line)
    fees: tuple[ChargedFee, ...] = attrs.field(default=(), converter=_checks.as_tuple)
    document_kind: str | None = attrs.field(default=None, validator=_checks.optional_non_empty)
    """申请类型: what the applicant applies for (首次申领, 补领, 换领 ...); selects the fee
    alternatives whose ``option`` it is, and the time-limit variant of the kind."""
    applicant_categories: tuple[ApplicantCategory, ...] = attrs.field(
        default=(), converter=_checks.as_tuple
    )
    """The categories the applicant declares, with their evidence; counted once a clerk
    confirms them at acceptance (:attr:`confirmed_categories`)."""
    fee_choices: Mapping[str, str] = attrs.field(factory=dict, validator=_fee_choices)
    """The clerk's choice among fee alternatives at acceptance: group -> option. Set by the
    centre, never by the application."""
    confirmed_fee_conditions: tuple[str, ...] = attrs.field(
        default=(), converter=_checks.as_tuple, validator=_checks.each_non_empty
    )
    """The names of the conditional fees whose condition the clerk confirmed at
    acceptance. Set by the centre, never by the application."""
    decision: Decision | None = None
    events: tuple[CaseEvent, ...] = attrs.field(default=(), converter=_checks.as_tuple)
    evaluation: Evaluation | None = attrs.field(default=None, validator=_evaluation)
    attributes: Mapping[str, str] = attrs.field(factory=dict, validator=_attributes)
    """Local fields a county requires of a case (a permit number, a project code ...)."""
    tracking_code: str | None = attrs.field(
        default=None, validator=_checks.matches(TRACKING_CODE, "K7QF3M9TXW2P")
    )
    """The unguessable code an applicant looks the case up with (进度查询)."""
    project_id: str | None = attrs.field(
        default=None, validator=_checks.matches(_checks.CODE, "XM2015-001")
    )
    """The joint-review project (联审联批) the case belongs to."""
    refusal_reason: str | None = attrs.field(default=None, validator=_checks.paragraph)
    """Why the application was not accepted (不予受理)."""
    clock_started_on: dt.date | None = None
    """The day the deadlines count from: acceptance, or the arrival of a supplement."""
    deadline_provisional: bool = False
    """A due date lies in a year whose official schedule is not loaded."""
    supplements: tuple[SupplementRequest, ...] = attrs.field(
        default=(), converter=_checks.as_tuple
    )
    suspensions: tuple[Suspension, ...] = attrs.field(default=(), converter=_checks.as_tuple)
    rectification: Rectification | None = None

    def __attrs_post_init__(self) -> None:
        for _, check in _CASE_CHECKS:
            check(self)

    @property
    def confirmed_categories(self) -> tuple[ApplicantCategory, ...]:
        """The applicant's categories a clerk confirmed: what a county's exemption reads
        (``any(c.category is ApplicantCategoryKind.ELDERLY for c in
        case.confirmed_categories)``), never a declared one alone nor a free attribute."""
        return tuple(category for category in self.applicant_categories if category.confirmed)


_TIMES = ("received_at", "accepted_at", "decided_at", "completed_at")
_CASE_CHECKS = (
    (_TIMES, _checks.in_order(*_TIMES)),
    (("promised_due", "legal_due"), _checks.not_after("promised_due", "legal_due")),
    (("received_at", "applicant", "agent"), _checks.born_by("received_at", "applicant", "agent")),
)
Case.__govservice_checks__ = _CASE_CHECKS  # type: ignore[attr-defined]
"""The class-level checks of :class:`Case` with the fields each reads (frozen values
only): its ``__attrs_post_init__`` runs them all, a changed copy
(:func:`govservice.model._evolve.evolve`) those whose fields changed."""
