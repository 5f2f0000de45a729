"""The intermediary supermarket (中介超市) beyond the agencies: the list of intermediary
services (中介服务事项清单), the needs owners post, the selections made for them, the
engagements that follow and the quarterly grades of the agencies (考核).

A row of the service list is a *service an approval requires* (施工图设计文件审查,
防雷装置验收检测 …), not an agency: agencies offer these services
(:class:`~govservice.model.ServiceOffer` names the row by its code).
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import attrs

from govservice.model import _checks
from govservice.model.common import LabelledEnum
from govservice.model.identifiers import uscc_problem


class FeeRegime(LabelledEnum):
    """How the fee of a listed intermediary service is set (收费方式)."""

    FIXED = "fixed", "固定收费"
    RANGE = "range", "区间收费"
    NEGOTIATED = "negotiated", "市场调节价，双方协商"
    PRICE_DOCUMENT = "price_document", "按价格主管部门文件收费"
    GOVERNMENT = "government", "政府承担（纳入审批程序）"
    TARIFF = "tariff", "按各中介机构收费标准"

    @property
    def offer_needs_amount(self) -> bool:
        """Whether an agency's offer of a service under this regime publishes an amount:
        a fixed fee, a range and the agency's own tariff do; a negotiated price, a
        price document (the amount is the document's) and the government's payment don't."""
        return self in (FeeRegime.FIXED, FeeRegime.RANGE, FeeRegime.TARIFF)


def _amount_for_regime(instance: ServiceFee, attribute: attrs.Attribute, value: object) -> None:
    regime = instance.regime
    has = {
        "amount": instance.amount is not None,
        "amount_to": instance.amount_to is not None,
        "document": instance.document is not None,
    }
    wanted = {
        FeeRegime.FIXED: {"amount"},
        FeeRegime.RANGE: {"amount", "amount_to"},
        FeeRegime.PRICE_DOCUMENT: {"document"},
    }.get(regime, set())
    for name in wanted:
        if not has[name]:
            raise ValueError(f"ServiceFee.{name}: a fee of regime {regime.value} needs it")
    for name in ("amount", "amount_to"):
        if has[name] and name not in wanted:
            raise ValueError(f"ServiceFee.{name}: a fee of regime {regime.value} states no amount")
    if regime is FeeRegime.RANGE and instance.amount_to < instance.amount:  # type: ignore[operator]
        raise ValueError(
            f"ServiceFee.amount_to: {instance.amount_to} is below ServiceFee.amount "
            f"({instance.amount})"
        )


@attrs.frozen(kw_only=True)
class ServiceFee:
    """The fee regime of a listed service, with what that regime states: the amount
    (fixed), the lower and upper amounts (a range), or the price document it cites
    (按文件收费: the document is cited, not copied)."""

    regime: FeeRegime = attrs.field(converter=FeeRegime)
    amount: Decimal | None = attrs.field(default=None, validator=_checks.yuan)
    amount_to: Decimal | None = attrs.field(default=None, validator=_checks.yuan)
    document: str | None = attrs.field(default=None, validator=_checks.optional_non_empty)
    """The price document cited, e.g. 鲁价费发〔2012〕53号."""
    unit: str | None = attrs.field(default=None, validator=_checks.optional_non_empty)
    """The unit a fixed or range amount is per (计费单位), e.g. ``平方米``; None: for the
    whole service."""
    note: str | None = attrs.field(default=None, validator=_checks.paragraph)

    def __attrs_post_init__(self) -> None:
        _amount_for_regime(self, None, None)  # type: ignore[arg-type]

    def allows(self, amount: Decimal | None, quantity: Decimal | None = None) -> bool:
        """Whether an offered or agreed ``amount`` keeps to the regime: within the range,
        the fixed amount, nothing for the government's payment (None or 0), anything
        for the rest. A fee per :attr:`unit` is judged on ``amount`` for ``quantity``
        units (an agreed total); without the quantity it cannot be judged: True."""
        if self.regime is FeeRegime.GOVERNMENT:
            return amount is None or amount == 0
        if self.regime not in (FeeRegime.FIXED, FeeRegime.RANGE):
            return True
        if self.unit is not None:
            if quantity is None:
                return True
            low, high = self.amount * quantity, (self.amount_to or self.amount) * quantity  # type: ignore[operator]
        else:
            low, high = self.amount, self.amount_to or self.amount  # type: ignore[assignment]
        return amount is not None and low <= amount <= high  # type: ignore[operator]


class ServiceRequirement(LabelledEnum):
    """Whether the approval needs the service done by an agency."""

    REQUIRED = "required", "必须委托中介机构"
    OPTIONAL = "optional", "申请人自主选择"
    SELF = "self", "申请人可自行完成"


class ListStatus(LabelledEnum):
    """The status of a service in the list (清理规范)."""

    RETAINED = "retained", "保留"
    CANCELLED = "cancelled", "取消"
    IN_APPROVAL = "in_approval", "纳入审批程序"
    """The approving department does it or pays for it (政府承担)."""
    ADJUSTED = "adjusted", "清理调整"


@attrs.frozen(kw_only=True)
class ListStatusChange:
    """A status of the service from a date, with the document that decided it."""

    status: ListStatus = attrs.field(converter=ListStatus)
    on: dt.date
    document: str | None = attrs.field(default=None, validator=_checks.optional_non_empty)


def _history(instance: IntermediaryService, attribute: attrs.Attribute, value: tuple) -> None:
    _checks.not_empty_tuple(instance, attribute, value)
    for before, after in itertools.pairwise(value):
        if after.on < before.on:
            raise ValueError(
                f"IntermediaryService.history: {after.on} comes after {before.on}; "
                "list the changes in date order"
            )


@attrs.frozen(kw_only=True)
class IntermediaryService:
    """A row of the intermediary service list (中介服务事项清单)."""

    code: str = attrs.field(validator=_checks.matches(_checks.CODE, "ZJ-370500-001"))
    name: str = attrs.field(validator=_checks.non_empty)
    department: str = attrs.field(validator=_checks.non_empty)
    """The department whose approval requires the service (审批部门)."""
    region: str = attrs.field(validator=_checks.region_code)
    items: tuple[str, ...] = attrs.field(
        default=(), converter=_checks.as_tuple, validator=_checks.unique
    )
    """The codes of the approval items it serves (its guide lists the service)."""
    requirement: ServiceRequirement = attrs.field(
        default=ServiceRequirement.REQUIRED, converter=ServiceRequirement
    )
    condition: str | None = attrs.field(default=None, validator=_checks.paragraph)
    """When it is required, e.g. 新建、扩建、改建建设工程."""
    basis: str = attrs.field(validator=_checks.non_empty)
    """Its setting basis (设立依据): the law, regulation or document that requires it."""
    fee: ServiceFee
    payer: str = attrs.field(default="申请人", validator=_checks.non_empty)
    """Who pays (付费方): 申请人, or the approving department when the government pays."""
    collector: str = attrs.field(default="中介机构", validator=_checks.non_empty)
    """Who collects (收费方)."""
    counts_in_limit: bool = False
    """Whether the service's time counts in the approval's time limit (计入审批时限)."""
    history: tuple[ListStatusChange, ...] = attrs.field(
        converter=_checks.as_tuple, validator=_history
    )

    @property
    def status(self) -> ListStatus:
        """The status given by the last change."""
        return self.history[-1].status

    def status_on(self, day: dt.date) -> ListStatus | None:
        """The status in force on ``day``; None before the service was listed."""
        current = None
        for change in self.history:
            if change.on <= day:
                current = change.status
        return current

    def open_on(self, day: dt.date) -> bool:
        """Whether owners may post needs for it on ``day``: retained or adjusted, not
        cancelled, not taken into the approval (the department does it then)."""
        return self.status_on(day) in (ListStatus.RETAINED, ListStatus.ADJUSTED)


def _sha256(instance: object, attribute: attrs.Attribute, value: str | None) -> None:
    if value is not None and (len(value) != 64 or value.strip("0123456789abcdef")):
        raise ValueError(
            f"{type(instance).__name__}.{attribute.name}: {value!r} is not a SHA-256 "
            "(64 lower-case hex digits)"
        )


def _owner_credit_code(instance: Need, attribute: attrs.Attribute, value: str | None) -> None:
    if value is not None and (problem := uscc_problem(value)):
        raise ValueError(f"Need.owner_credit_code: {problem}")


@attrs.frozen(kw_only=True)
class Need:
    """An owner's need for a listed service (中介服务需求), posted before a selection.

    ``posted_at`` is the centre's clock's, never the owner's."""

    id: str = attrs.field(validator=_checks.matches(_checks.CODE, "XQ-2015-0001"))
    service_code: str = attrs.field(validator=_checks.matches(_checks.CODE, "ZJ-370500-001"))
    owner: str = attrs.field(validator=_checks.non_empty)
    """The owner (项目业主) who hires the agency."""
    owner_credit_code: str | None = attrs.field(default=None, validator=_owner_credit_code)
    project_id: str | None = attrs.field(
        default=None, validator=_checks.matches(_checks.CODE, "XM2015-001")
    )
    """The joint-review project (联审联批) the need serves, if any."""
    case_id: str | None = attrs.field(
        default=None, validator=_checks.matches(_checks.CODE, "SL2015-000001")
    )
    """The case the need serves, if any."""
    region: str = attrs.field(validator=_checks.region_code)
    budget: Decimal | None = attrs.field(default=None, validator=_checks.yuan)
    deadline: dt.date
    """The day the work is to be delivered by."""
    strategy: str = attrs.field(default="random-draw", validator=_checks.non_empty)
    posted_at: dt.datetime = attrs.field(validator=_checks.aware)
    description: str | None = attrs.field(default=None, validator=_checks.paragraph)
    commitment: str | None = attrs.field(default=None, validator=_sha256)
    """The SHA-256 of the witnesses' contributions and the need's id (see
    :func:`govservice.intermediaries.draw.commitment`), published before the draw; the
    contributions themselves are revealed at the draw."""
    committed_at: dt.datetime | None = attrs.field(
        default=None, validator=attrs.validators.optional(_checks.aware)
    )
    witness_names: tuple[str, ...] = attrs.field(default=(), converter=_checks.as_tuple)
    """Who contributed to the commitment, in the order of their contributions."""

    def __attrs_post_init__(self) -> None:
        if (self.commitment is None) != (self.committed_at is None):
            raise ValueError("Need.committed_at: a commitment and its time go together")


@attrs.frozen(kw_only=True)
class Witness:
    """A contribution to the seed of a draw, published before it (the owner's, the
    supervisor's, a notary's …): the draw is fixed by these and the need's id."""

    name: str = attrs.field(validator=_checks.non_empty)
    contribution: str = attrs.field(validator=_checks.non_empty)


@attrs.frozen(kw_only=True)
class Selection:
    """The record of one selection for a need (选取记录): enough to re-run a draw from
    itself alone (see :mod:`govservice.intermediaries.draw`)."""

    id: str = attrs.field(validator=_checks.matches(_checks.CODE, "XQ-2015-0001-1"))
    need_id: str
    service_code: str
    region: str = attrs.field(validator=_checks.region_code)
    strategy: str = attrs.field(validator=_checks.non_empty)
    on: dt.date
    """The day eligibility was judged on."""
    at: dt.datetime = attrs.field(validator=_checks.aware)
    candidates: tuple[str, ...] = attrs.field(converter=_checks.as_tuple)
    """The credit codes of the eligible agencies, sorted."""
    candidates_sha256: str = attrs.field(validator=_sha256)
    excluded: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_checks.as_tuple)
    """(credit code, why) of each agency offering the service that was not eligible."""
    witnesses: tuple[Witness, ...] = attrs.field(default=(), converter=_checks.as_tuple)
    commitment: str | None = attrs.field(default=None, validator=_sha256)
    """SHA-256 of the witnesses' contributions and the need's id, published before."""
    committed_at: dt.datetime | None = attrs.field(
        default=None, validator=attrs.validators.optional(_checks.aware)
    )
    """When the commitment was published (the need's ``committed_at``): before ``at``."""
    seed: str | None = attrs.field(default=None, validator=_sha256)
    """SHA-256 of the commitment and the candidates' digest (the draw's seed)."""
    algorithm: str = attrs.field(validator=_checks.non_empty)
    algorithm_version: int = 1
    scores: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_checks.as_tuple)
    """What a ranking strategy ranked by: (credit code, the fee or score as text)."""
    ranked: str | None = attrs.field(
        default=None,
        validator=attrs.validators.optional(attrs.validators.in_(("lowest", "highest"))),
    )
    """How a ranking strategy ranked: the draw is among the candidates tied at the
    ``lowest`` (a fee) or ``highest`` (a score) of ``scores``; None: among all."""
    reason: str | None = attrs.field(default=None, validator=_checks.paragraph)
    """Why, for a direct choice (直接选取): required then, shown in supervision."""
    result: str
    """The credit code of the agency selected."""


@attrs.frozen(kw_only=True)
class Complaint:
    """A complaint about an engagement and what became of it."""

    on: dt.date
    text: str = attrs.field(validator=_checks.non_empty)
    upheld: bool | None = None
    """Whether it was found justified; None while it is being handled."""
    outcome: str | None = attrs.field(default=None, validator=_checks.paragraph)


@attrs.frozen(kw_only=True)
class Engagement:
    """The work an agency was selected for (服务合同): the agreed fee, the due date, the
    delivery, the department's rating of the quality, and complaints."""

    id: str = attrs.field(validator=_checks.matches(_checks.CODE, "HT-2015-0001"))
    selection_id: str
    need_id: str
    service_code: str
    credit_code: str
    region: str = attrs.field(validator=_checks.region_code)
    agreed_fee: Decimal | None = attrs.field(default=None, validator=_checks.yuan)
    quantity: Decimal | None = attrs.field(default=None, validator=_checks.quantity)
    """How many units of a fee per unit the agreed fee is for (计费数量, e.g. the floor
    area in square metres); None: the fee is not per unit, or the quantity was not agreed."""
    signed_on: dt.date
    due_on: dt.date
    delivered_on: dt.date | None = None
    quality: int | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.in_(range(0, 101)))
    )
    """The approving department's rating of the work, 0 to 100."""
    complaints: tuple[Complaint, ...] = attrs.field(default=(), converter=_checks.as_tuple)
    findings: tuple[str, ...] = attrs.field(
        default=(), converter=_checks.as_tuple, validator=_checks.each_non_empty
    )
    """What the centre found when the engagement was recorded (Chinese), e.g. an agreed
    fee outside the service's published regime or the agency's published offer."""

    def __attrs_post_init__(self) -> None:
        _checks.not_after("signed_on", "due_on")(self)
        _checks.not_after("signed_on", "delivered_on")(self)


class AgencyGrade(LabelledEnum):
    """The grade of an agency's quarter (考核等次)."""

    EXCELLENT = "excellent", "优秀"
    GOOD = "good", "良好"
    PASS = "pass", "合格"
    FAIL = "fail", "不合格"


@attrs.frozen(kw_only=True)
class AgencyQuarter:
    """An agency's assessment of one quarter: the figures, the score, the grade and the
    consequence the rules drew (a suspension and its dates)."""

    credit_code: str
    region: str = attrs.field(validator=_checks.region_code)
    year: int
    quarter: int = attrs.field(validator=attrs.validators.in_((1, 2, 3, 4)))
    engagements: int = 0
    on_time: int = 0
    late: int = 0
    quality: Decimal | None = None
    """The mean of the departments' ratings, 0 to 100; None without a rated engagement."""
    fee_breaches: int = 0
    complaints_upheld: int = 0
    parts: tuple[tuple[str, Decimal], ...] = attrs.field(default=(), converter=_checks.as_tuple)
    """The score's parts by name (timeliness, quality, fees, complaints)."""
    score: Decimal
    grade: AgencyGrade = attrs.field(converter=AgencyGrade)
    suspended_from: dt.date | None = None
    suspended_until: dt.date | None = None
    rule: str | None = None
    """The rule that drew the consequence, in words."""


def _rule_decimal(value: object) -> object:
    if isinstance(value, int | str) and not isinstance(value, bool):
        return Decimal(value)
    return value


def _rule_points(instance: object, attribute: attrs.Attribute, value: Decimal) -> None:
    if not isinstance(value, Decimal) or not value.is_finite() or not 0 <= value <= 100:
        raise ValueError(f"{type(instance).__name__}.{attribute.name}: not a Decimal 0 to 100")


class SuspensionStart(LabelledEnum):
    """From when a suspension the assessment draws runs."""

    DAY_AFTER_QUARTER = "day_after_quarter", "考核季度结束次日"
    ASSESSMENT_DAY = "assessment_day", "考核之日"


@attrs.frozen(kw_only=True)
class AgencyRules:
    """The rules of the agencies' quarterly assessment (中介机构考核细则): the points of
    each part (they add up to 100), the lowest score of each grade, and the consequence:
    ``fail_quarters`` 不合格 quarters in a row suspend the agency for ``suspend_months``
    months from ``suspend_from``.

    Parts: *timeliness* (the weight times the share of the quarter's engagements
    delivered on time, late by at most ``late_grace_days`` working days), *quality* (the
    weight times the mean of the departments' ratings over 100), *fees* (the weight less
    ``fee_breach_points`` per engagement whose agreed fee broke the published regime or
    offer), *complaints* (the weight less ``complaint_points`` per upheld complaint). A
    part with nothing to measure earns its full weight."""

    timeliness: Decimal = attrs.field(converter=_rule_decimal, validator=_rule_points)
    quality: Decimal = attrs.field(converter=_rule_decimal, validator=_rule_points)
    fees: Decimal = attrs.field(converter=_rule_decimal, validator=_rule_points)
    complaints: Decimal = attrs.field(converter=_rule_decimal, validator=_rule_points)
    excellent: Decimal = attrs.field(
        default=Decimal(90), converter=_rule_decimal, validator=_rule_points
    )
    """The lowest score graded 优秀."""
    good: Decimal = attrs.field(
        default=Decimal(80), converter=_rule_decimal, validator=_rule_points
    )
    """The lowest score graded 良好."""
    passing: Decimal = attrs.field(
        default=Decimal(60), converter=_rule_decimal, validator=_rule_points
    )
    """The lowest score graded 合格; below it, 不合格."""
    complaint_points: Decimal = attrs.field(
        default=Decimal(5), converter=_rule_decimal, validator=_rule_points
    )
    fee_breach_points: Decimal = attrs.field(
        default=Decimal(5), converter=_rule_decimal, validator=_rule_points
    )
    late_grace_days: int = attrs.field(default=0, validator=_checks.non_negative)
    fail_quarters: int = attrs.field(default=2, validator=_checks.positive)
    suspend_months: int = attrs.field(default=6, validator=_checks.positive)
    suspend_from: SuspensionStart = attrs.field(
        default=SuspensionStart.DAY_AFTER_QUARTER, converter=SuspensionStart
    )
    source: str = "built-in"
    """Where the rules come from: ``built-in``, ``config`` or the plugin's name."""

    def __attrs_post_init__(self) -> None:
        total = self.timeliness + self.quality + self.fees + self.complaints
        if total != 100:
            raise ValueError(f"AgencyRules: the weights add up to {total}, not 100")
        if not self.excellent > self.good > self.passing:
            raise ValueError(
                f"AgencyRules: the grades' lowest scores must fall from 优秀 to 合格 "
                f"(excellent {self.excellent}, good {self.good}, passing {self.passing})"
            )

    def grade(self, score: Decimal) -> AgencyGrade:
        """The grade of ``score``."""
        if score >= self.excellent:
            return AgencyGrade.EXCELLENT
        if score >= self.good:
            return AgencyGrade.GOOD
        if score >= self.passing:
            return AgencyGrade.PASS
        return AgencyGrade.FAIL

    @property
    def consequence(self) -> str:
        """The consequence in words (Chinese), as a quarter's ``rule`` records it."""
        return (
            f"连续{self.fail_quarters}个季度考核不合格，自{self.suspend_from.label}起"
            f"暂停进驻{self.suspend_months}个月"
        )


DEFAULT_AGENCY_RULES = AgencyRules(timeliness=30, quality=40, fees=15, complaints=15)
"""The built-in rules: timeliness 30, quality 40, fees 15, complaints 15; 优秀 from 90,
良好 from 80, 合格 from 60; two 不合格 quarters in a row suspend for six months from the
day after the second quarter ends."""
