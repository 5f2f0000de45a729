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
    services: tuple[str, ...] = attrs.field(default=(), converter=_checks.as_tuple)
    """The codes of the listed services (中介服务事项) this qualification allows; none
    listed: the qualification is not tied to a service (and makes no agency eligible)."""

    def valid_on(self, day: dt.date) -> bool:
        """Whether the certificate is in force on ``day`` (no expiry: always)."""
        return self.expires_on is None or day <= self.expires_on


@attrs.frozen(kw_only=True)
class StatusChange:
    """A change of an agency's status (正常, 暂停 until a date, 退出), with why and what
    decided it: registration, a suspension by the assessment rules, a reinstatement."""

    status: IntermediaryStatus = attrs.field(converter=IntermediaryStatus)
    on: dt.date
    until: dt.date | None = None
    """The last day of a suspension (暂停至); the agency is active again the day after."""
    reason: str | None = attrs.field(default=None, validator=_checks.optional_non_empty)

    def __attrs_post_init__(self) -> None:
        _checks.not_after("on", "until")(self)
        if self.until is not None and self.status is not IntermediaryStatus.SUSPENDED:
            raise ValueError("StatusChange.until: only a suspension lasts until a date")


def _fee_to(instance: ServiceOffer, attribute: attrs.Attribute, value: Decimal | None) -> None:
    _checks.yuan(instance, attribute, value)
    if value is not None and instance.fee_from is None:
        raise ValueError("ServiceOffer.fee_to: a range needs its lower end, fee_from")
    if value is not None and instance.fee_from is not None and value < instance.fee_from:
        raise ValueError(
            f"ServiceOffer.fee_to: {value} is below ServiceOffer.fee_from ({instance.fee_from})"
        )


@attrs.frozen(kw_only=True)
class ServiceOffer:
    """A service the agency offers with its published fee (a fixed amount or a range).

    ``service_code`` names the row of the intermediary service list
    (:class:`~govservice.model.IntermediaryService`) the offer is for; whether an amount is
    needed is that service's fee regime's to say: a negotiated price (市场调节价) or a
    service the government pays for needs none, a fixed fee or the agency's own tariff
    does (checked when the offer is registered, :mod:`govservice.intermediaries.offers`).
    """

    name: str = attrs.field(validator=_checks.non_empty)
    service_code: str | None = attrs.field(
        default=None, validator=_checks.matches(_checks.CODE, "ZJ-370500-001")
    )
    category: str | None = None
    fee_from: Decimal | None = attrs.field(default=None, validator=_checks.yuan)
    fee_to: Decimal | None = attrs.field(default=None, validator=_fee_to)
    fee_basis: str | None = None
    unit: str | None = attrs.field(default=None, validator=_checks.optional_non_empty)
    """The unit the fee is per (计费单位), e.g. ``平方米`` for 1.36 yuan a square metre of
    floor area; None: the fee is for the whole service."""
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
    history: tuple[StatusChange, ...] = attrs.field(default=(), converter=_checks.as_tuple)
    """The changes of status in the order they were made; ``status`` is the last one's."""

    def status_on(self, day: dt.date) -> IntermediaryStatus:
        """The status on ``day``: the last change made on or before it (a suspension
        whose ``until`` has passed is over); ``status`` when no change is recorded."""
        current = None
        for change in self.history:
            if change.on <= day:
                current = change
        if current is None:
            return self.status if not self.history else IntermediaryStatus.ACTIVE
        suspended = current.status is IntermediaryStatus.SUSPENDED
        if suspended and current.until is not None and day > current.until:
            return IntermediaryStatus.ACTIVE
        return current.status

    def offer(self, service_code: str) -> ServiceOffer | None:
        """The agency's offer of the listed service ``service_code``, if it makes one."""
        return next((o for o in self.services if o.service_code == service_code), None)
