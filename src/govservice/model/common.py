"""Value objects shared by the entities: identifiers, parties, contacts, fees, time limits."""

from __future__ import annotations

import enum
from decimal import Decimal

import attrs

from govservice.model import _checks, _spans
from govservice.model.identifiers import (
    mask_identity_numbers,
    organisation_code_problem,
    ric_problem,
    uscc_problem,
)


class LabelledEnum(enum.StrEnum):
    """A string enum whose members also carry the Chinese label a clerk reads."""

    label: str

    def __new__(cls, value: str, label: str) -> LabelledEnum:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member


class IdentifierKind(LabelledEnum):
    """What kind of number identifies a party."""

    USCC = "uscc", "统一社会信用代码"
    RIC = "ric", "居民身份证号码"
    PASSPORT = "passport", "护照号码"
    OTHER = "other", "其他证件号码"
    ORGANISATION_CODE = "org_code", "组织机构代码"
    """The legacy organisation code (GB 11714), for an organisation listed only by it."""


ORGANISATION_IDENTIFIERS = frozenset((IdentifierKind.USCC, IdentifierKind.ORGANISATION_CODE))
"""The kinds of number that identify an enterprise (an organisation); the others a person."""


class PartyKind(LabelledEnum):
    """Whether a party is a natural person or an organisation."""

    PERSON = "person", "自然人"
    ENTERPRISE = "enterprise", "法人或其他组织"


class TimeUnit(LabelledEnum):
    """The unit a published time limit is counted in."""

    WORKING_DAYS = "working_days", "工作日"
    CALENDAR_DAYS = "calendar_days", "自然日"
    HOURS = "hours", "小时"


def _identifier_number(instance: Identifier, attribute: attrs.Attribute, value: str) -> None:
    _checks.non_empty(instance, attribute, value)
    if instance.kind is IdentifierKind.USCC:
        problem = uscc_problem(value)
    elif instance.kind is IdentifierKind.RIC:
        problem = ric_problem(value)
    elif instance.kind is IdentifierKind.ORGANISATION_CODE:
        problem = organisation_code_problem(value)
    else:
        problem = None
    if problem:
        raise ValueError(f"Identifier.number: {problem}")


@attrs.frozen(kw_only=True)
class Identifier:
    """A party's identifying number together with its kind; check digits are verified."""

    kind: IdentifierKind = attrs.field(converter=IdentifierKind)
    number: str = attrs.field(validator=_identifier_number, repr=mask_identity_numbers)
    """The number; ``repr`` (and so any log of a record) shows an identity number masked."""


@attrs.frozen(kw_only=True)
class Contact:
    """How to reach a party or a place: a person's name, phone, address, e-mail."""

    name: str | None = None
    phone: str | None = None
    address: str | None = None
    email: str | None = None


def _party_identifier(instance: Party, attribute: attrs.Attribute, value: Identifier) -> None:
    is_enterprise = instance.kind is PartyKind.ENTERPRISE
    if is_enterprise != (value.kind in ORGANISATION_IDENTIFIERS):
        wanted = (
            "a unified social credit code or an organisation code"
            if is_enterprise
            else "a personal document"
        )
        raise ValueError(f"Party.identifier: a {instance.kind.value} is identified by {wanted}")


@attrs.frozen(kw_only=True)
class Party:
    """An applicant, an agent or a listed subject: a person or an enterprise."""

    kind: PartyKind = attrs.field(converter=PartyKind)
    name: str = attrs.field(validator=_checks.non_empty)
    identifier: Identifier = attrs.field(validator=_party_identifier)
    contact: Contact | None = None


class FeeApplicability(LabelledEnum):
    """When a published fee applies to a case."""

    ALWAYS = "always", "一律收取"
    CONDITIONAL = "conditional", "符合条件时收取"
    ALTERNATIVE = "alternative", "按情形选一"


def _fee_checks(fee: Fee) -> None:
    if fee.amount is None and not fee.waived:
        raise ValueError(f"Fee.amount: fee {fee.name!r} is not waived: it states its amount")
    conditional = fee.applicability is FeeApplicability.CONDITIONAL
    if conditional != (fee.condition is not None):
        wanted = "states its condition" if conditional else "is charged under no condition"
        raise ValueError(f"Fee.condition: fee {fee.name!r} ({fee.applicability.value}) {wanted}")
    alternative = fee.applicability is FeeApplicability.ALTERNATIVE
    for field in ("group", "option"):
        if alternative != (getattr(fee, field) is not None):
            wanted = "names its" if alternative else "is one of no alternatives: it has no"
            raise ValueError(
                f"Fee.{field}: fee {fee.name!r} ({fee.applicability.value}) {wanted} {field}"
            )


@attrs.frozen(kw_only=True)
class Fee:
    """One published charge (阳光收费) with its legal basis (收费依据).

    ``applicability`` says when it applies: always; under ``condition`` (in words,
    charged only when the clerk confirms it at acceptance, or a plugin does); or as one
    ``option`` of the alternatives of ``group`` (tiers by kind of application, by level:
    one of them is charged, the one the case selects, never their sum). ``waived`` marks
    a fee listed as charged but not collected (it needs no ``amount``); ``collected_by``
    names a third party (a hospital, an intermediary) that collects it: disclosed, never
    charged by the centre. ``exemptions`` are the published exemption policies, in words.
    """

    name: str = attrs.field(validator=_checks.non_empty)
    amount: Decimal | None = attrs.field(default=None, validator=_checks.yuan)
    """In yuan, per ``per_unit`` when it is given; None only when ``waived``."""
    legal_basis: str | None = None
    waived: bool = False
    collected_by: str | None = None
    """None: the department collects it; a name: a third party does."""
    applicability: FeeApplicability = attrs.field(
        default=FeeApplicability.ALWAYS, converter=FeeApplicability
    )
    condition: str | None = attrs.field(default=None, validator=_checks.optional_non_empty)
    """When a conditional fee applies (涉及…的收取), in words; only for conditional fees."""
    group: str | None = attrs.field(default=None, validator=_checks.optional_non_empty)
    """The alternatives this fee is one of (工本费, 鉴定费); only for alternative fees."""
    option: str | None = attrs.field(default=None, validator=_checks.optional_non_empty)
    """Which alternative this is (首次申领, 补领, 市级, 省级): selected by the clerk's
    choice for the group (``Case.fee_choices``), else by ``Case.document_kind``."""
    per_unit: str | None = attrs.field(default=None, validator=_checks.optional_non_empty)
    """The unit the amount is per (每证, 每平方米); a case is charged one unit."""
    exemptions: tuple[str, ...] = attrs.field(
        default=(), converter=_checks.as_tuple, validator=_checks.each_non_empty
    )
    """Published exemption policies (减免政策), in words, for the guide and the disclosure."""

    def __attrs_post_init__(self) -> None:
        _fee_checks(self)

    @property
    def third_party(self) -> bool:
        """Collected by a third party, not by the centre: never charged on a case."""
        return self.collected_by is not None


def _same_unit(kind: str):
    """Validator: every entry (a stage) or the value (an extension) is in the limit's unit."""

    def check(instance: TimeLimit, attribute: attrs.Attribute, value) -> None:
        entries = value if isinstance(value, tuple) else () if value is None else (value,)
        for entry in entries:
            if entry.unit is not instance.unit:
                raise ValueError(
                    f"TimeLimit.{attribute.name}: {kind} in {entry.unit.value} beside a "
                    f"limit in {instance.unit.value}; write it in the limit's unit"
                )

    return check


def _stages(instance: TimeLimit, attribute: attrs.Attribute, value: tuple) -> None:
    _same_unit("a stage")(instance, attribute, value)
    total = sum(stage.amount for stage in value)
    if value and total != instance.amount:
        raise ValueError(
            f"TimeLimit.stages: the stages add up to {total} {instance.unit.value}, "
            f"not the limit's {instance.amount}"
        )


def _variants(instance: TimeLimit, attribute: attrs.Attribute, value: tuple) -> None:
    kinds = [variant.document_kind for variant in value]
    if len(set(kinds)) != len(kinds):
        raise ValueError("TimeLimit.variants: a kind of document is listed twice")


@attrs.frozen(kw_only=True)
class LimitStage:
    """One stage of a limit that passes through several bodies (乡镇初审, 县级决定): the
    stages of a limit follow each other and add up to it."""

    name: str = attrs.field(validator=_checks.non_empty)
    amount: int = attrs.field(validator=_checks.non_negative)
    unit: TimeUnit = attrs.field(default=TimeUnit.WORKING_DAYS, converter=TimeUnit)


@attrs.frozen(kw_only=True)
class LimitExtension:
    """How much longer the law allows a limit to run (延长): "经本行政机关负责人批准,可以
    延长十日" (行政许可法第四十二条), with that basis."""

    amount: int = attrs.field(validator=_checks.non_negative)
    unit: TimeUnit = attrs.field(default=TimeUnit.WORKING_DAYS, converter=TimeUnit)
    legal_basis: str | None = attrs.field(default=None, validator=_checks.optional_non_empty)


@attrs.frozen(kw_only=True)
class LimitVariant:
    """The limit for one kind of document applied for (申请类型: 首次申领, 补领, 换领 ...),
    which the case names (``Case.document_kind``)."""

    document_kind: str = attrs.field(validator=_checks.non_empty)
    amount: int = attrs.field(validator=_checks.non_negative)
    unit: TimeUnit = attrs.field(default=TimeUnit.WORKING_DAYS, converter=TimeUnit)


@attrs.frozen(kw_only=True)
class TimeLimit:
    """A time limit as published: an amount in a unit, with exclusions written beside it.

    ``excluded`` lists what does not count toward the limit (专家评审, 公示, 现场勘查 ...).
    ``stages`` divide it between the bodies it passes through (they add up to it);
    ``extension`` is how much longer the law allows it to run; ``variants`` give the limit
    of a kind of document that differs from this one (:meth:`for_document`).

    Hours are working hours, 8 to a working day on the working-day calendar, here and in
    the deadline engine alike (see :mod:`govservice.model._spans`).
    """

    amount: int = attrs.field(validator=_checks.non_negative)
    unit: TimeUnit = attrs.field(default=TimeUnit.WORKING_DAYS, converter=TimeUnit)
    excluded: tuple[str, ...] = attrs.field(
        default=(), converter=_checks.as_tuple, validator=_checks.each_non_empty
    )
    stages: tuple[LimitStage, ...] = attrs.field(
        default=(), converter=_checks.as_tuple, validator=_stages
    )
    extension: LimitExtension | None = attrs.field(
        default=None, validator=_same_unit("an extension")
    )
    variants: tuple[LimitVariant, ...] = attrs.field(
        default=(), converter=_checks.as_tuple, validator=_variants
    )

    def for_document(self, kind: str | None) -> TimeLimit:
        """The limit for a case applying for a document of ``kind``: its variant's amount
        and unit, with this limit's exclusions and (in the same unit) extension; this
        limit itself when no variant names the kind (or ``kind`` is None)."""
        for variant in self.variants if kind is not None else ():
            if variant.document_kind == kind:
                extension = self.extension
                if extension is not None and extension.unit is not variant.unit:
                    extension = None
                return TimeLimit(
                    amount=variant.amount,
                    unit=variant.unit,
                    excluded=self.excluded,
                    extension=extension,
                )
        return self

    def document_kinds(self) -> tuple[str, ...]:
        """The kinds of document with a limit of their own."""
        return tuple(variant.document_kind for variant in self.variants)

    @property
    def longest(self) -> TimeLimit:
        """This limit with its extension used up (itself when it has none)."""
        if self.extension is None or not self.extension.amount:
            return self
        return TimeLimit(amount=self.amount + self.extension.amount, unit=self.unit)

    def certainly_exceeds(self, other: TimeLimit) -> bool:
        """True when this limit is longer than ``other`` whatever the calendar says.

        Limits in the same unit compare directly; across units both are read as working
        hours on the working-day calendar (8 to a working day; see
        :mod:`govservice.model._spans`), and only what holds for every calendar and every
        moment of acceptance is reported: 1 working day beside 23 hours does not exceed
        it, 24 hours beside 1 calendar day does.
        """
        return _spans.certainly_exceeds(
            (self.amount, self.unit.value), (other.amount, other.unit.value)
        )

    def could_exceed(self, other: TimeLimit) -> bool:
        """True when this limit may end after ``other`` on some calendar (a holiday week,
        a clock started on a day off, an acceptance late in the day)."""
        return _spans.could_exceed(
            (self.amount, self.unit.value), (other.amount, other.unit.value)
        )
