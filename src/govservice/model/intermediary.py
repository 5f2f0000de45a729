"""Intermediaries (中介机构) of the intermediary supermarket (中介超市)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs

from govservice.model import _checks
from govservice.model.common import Contact, LabelledEnum
from govservice.model.identifiers import ric_problem, uscc_problem


class Presence(LabelledEnum):
    """How the agency is stationed in the supermarket."""

    PHYSICAL = "physical", "有形进驻"
    VIRTUAL = "virtual", "虚拟进驻"


class IntermediaryStatus(LabelledEnum):
    """Whether the agency may be selected for new projects."""

    ACTIVE = "active", "正常"
    SUSPENDED = "suspended", "暂停"
    WITHDRAWN = "withdrawn", "退出"


@attrs.frozen(kw_only=True)
class Qualification:
    """A qualification certificate (资质) with its grade and expiry."""

    name: str = attrs.field(validator=_checks.non_empty)
    level: str | None = None
    number: str | None = None
    expires_on: dt.date | None = None


def _fee_to(instance: ServiceOffer, attribute: attrs.Attribute, value: Decimal | None) -> None:
    _checks.yuan(instance, attribute, value)
    if value is not None and value < instance.fee_from:
        raise ValueError(
            f"ServiceOffer.fee_to: {value} is below ServiceOffer.fee_from ({instance.fee_from})"
        )


@attrs.frozen(kw_only=True)
class ServiceOffer:
    """A service the agency offers with its published fee (a fixed amount or a range)."""

    name: str = attrs.field(validator=_checks.non_empty)
    category: str | None = None
    fee_from: Decimal = attrs.field(validator=_checks.yuan)
    fee_to: Decimal | None = attrs.field(default=None, validator=_fee_to)
    fee_basis: str | None = None
    promised_days: int | None = attrs.field(
        default=None, validator=attrs.validators.optional(_checks.non_negative)
    )
    """Working days the agency promises to deliver in, when it publishes a promise."""


def _practitioner_id(
    instance: Practitioner, attribute: attrs.Attribute, value: str | None
) -> None:
    if value is not None and (problem := ric_problem(value)):
        raise ValueError(f"Practitioner.identity_number: {problem}")


@attrs.frozen(kw_only=True)
class Practitioner:
    """A registered professional (注册执业人员) working for the agency."""

    name: str = attrs.field(validator=_checks.non_empty)
    certificate: str | None = None
    identity_number: str | None = attrs.field(default=None, validator=_practitioner_id)


def _credit_code(instance: Intermediary, attribute: attrs.Attribute, value: str) -> None:
    if problem := uscc_problem(value):
        raise ValueError(f"Intermediary.credit_code: {problem}")


@attrs.frozen(kw_only=True)
class Intermediary:
    """An agency registered with the intermediary supermarket."""

    credit_code: str = attrs.field(validator=_credit_code)
    name: str = attrs.field(validator=_checks.non_empty)
    region: str = attrs.field(validator=_checks.region_code)
    presence: Presence = attrs.field(converter=Presence)
    status: IntermediaryStatus = attrs.field(
        default=IntermediaryStatus.ACTIVE, converter=IntermediaryStatus
    )
    qualifications: tuple[Qualification, ...] = attrs.field(default=(), converter=_checks.as_tuple)
    services: tuple[ServiceOffer, ...] = attrs.field(default=(), converter=_checks.as_tuple)
    practitioners: tuple[Practitioner, ...] = attrs.field(default=(), converter=_checks.as_tuple)
    contact: Contact | None = None
    registered_on: dt.date | None = None
