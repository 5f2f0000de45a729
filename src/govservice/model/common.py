"""Value objects shared by the entities: identifiers, parties, contacts, fees, time limits."""

from __future__ import annotations

import enum
from decimal import Decimal

import attrs

from govservice.model import _checks
from govservice.model.identifiers import mask_identity_numbers, ric_problem, uscc_problem


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
    if is_enterprise != (value.kind is IdentifierKind.USCC):
        wanted = "a unified social credit code" if is_enterprise else "a personal document"
        raise ValueError(f"Party.identifier: a {instance.kind.value} is identified by {wanted}")


@attrs.frozen(kw_only=True)
class Party:
    """An applicant, an agent or a listed subject: a person or an enterprise."""

    kind: PartyKind = attrs.field(converter=PartyKind)
    name: str = attrs.field(validator=_checks.non_empty)
    identifier: Identifier = attrs.field(validator=_party_identifier)
    contact: Contact | None = None


@attrs.frozen(kw_only=True)
class Fee:
    """One published charge (阳光收费) with its legal basis (收费依据).

    ``waived`` marks a fee listed as charged but not collected; ``collected_by`` names a
    third party (an intermediary) that collects it for an otherwise free item.
    """

    name: str = attrs.field(validator=_checks.non_empty)
    amount: Decimal = attrs.field(validator=_checks.yuan)
    legal_basis: str | None = None
    waived: bool = False
    collected_by: str | None = None


@attrs.frozen(kw_only=True)
class TimeLimit:
    """A time limit as published: an amount in a unit, with exclusions written beside it.

    ``excluded`` lists what does not count toward the limit (专家评审, 公示, 现场勘查 ...).
    """

    amount: int = attrs.field(validator=_checks.non_negative)
    unit: TimeUnit = attrs.field(default=TimeUnit.WORKING_DAYS, converter=TimeUnit)
    excluded: tuple[str, ...] = attrs.field(
        default=(), converter=_checks.as_tuple, validator=_checks.each_non_empty
    )

    def certainly_exceeds(self, other: TimeLimit) -> bool:
        """True when this limit is longer than ``other`` whatever the calendar says.

        Limits in the same unit compare directly. A working day is at least one calendar
        day and a day at most 24 hours, so across units only what is certain is reported.
        """
        if self.unit is other.unit:
            return self.amount > other.amount
        days = {TimeUnit.WORKING_DAYS, TimeUnit.CALENDAR_DAYS}
        if self.unit is TimeUnit.WORKING_DAYS and other.unit is TimeUnit.CALENDAR_DAYS:
            return self.amount > other.amount
        if self.unit in days and other.unit is TimeUnit.HOURS:
            return self.amount > 0 and self.amount * 24 > other.amount
        if self.unit is TimeUnit.HOURS and other.unit is TimeUnit.CALENDAR_DAYS:
            return self.amount > other.amount * 24
        # a working day has no bound in hours (a weekend or a holiday may follow it)
        return False
