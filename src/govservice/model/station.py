"""Service stations (服务站点): from the city centre down to the village station."""

from __future__ import annotations

import datetime as dt

import attrs

from govservice.model import _checks
from govservice.model.common import Contact, LabelledEnum
from govservice.model.identifiers import ric_problem, uscc_problem
from govservice.model.item import StationLevel

__all__ = [
    "Certification",
    "StaffMember",
    "StaffPost",
    "StaffRole",
    "Station",
    "StationLevel",
    "Window",
]


@attrs.frozen(kw_only=True)
class Window:
    """A service window (窗口) and the departments that staff it."""

    number: str = attrs.field(validator=_checks.non_empty)
    name: str | None = None
    departments: tuple[str, ...] = attrs.field(default=(), converter=_checks.as_tuple)


@attrs.frozen(kw_only=True)
class Certification:
    """A certificate the station holds, e.g. ISO 9001 with its expiry."""

    name: str = attrs.field(validator=_checks.non_empty)
    number: str | None = None
    issued_on: dt.date | None = None
    expires_on: dt.date | None = None

    def __attrs_post_init__(self) -> None:
        _checks.not_after("issued_on", "expires_on")(self)


class StaffRole(LabelledEnum):
    """What a member of staff does at the station. Every role but ``manager`` is also a
    role in which staff act on cases (:class:`~govservice.model.Role`, same value)."""

    WINDOW_CLERK = "window_clerk", "窗口工作人员"
    AGENT = "agent", "代办员"
    MANAGER = "manager", "负责人"
    REVIEWER = "reviewer", "审查人员"
    APPROVER = "approver", "审批人员"
    SUPERVISOR = "supervisor", "监察人员"


def _staff_id(instance: StaffMember, attribute: attrs.Attribute, value: str | None) -> None:
    if value is not None and (problem := ric_problem(value)):
        raise ValueError(f"StaffMember.identity_number: {problem}")


@attrs.frozen(kw_only=True)
class StaffMember:
    """A person working at the station in one role (someone with two roles is listed
    twice, under one staff number); the identity number is masked in public output."""

    name: str = attrs.field(validator=_checks.non_empty)
    role: StaffRole = attrs.field(converter=StaffRole)
    identity_number: str | None = attrs.field(default=None, validator=_staff_id)
    staff_number: str | None = attrs.field(
        default=None, validator=_checks.matches(_checks.CODE, "DY-0317")
    )
    """The staff number (工号) the centre's sign-on authenticates; see :class:`StaffPost`."""


@attrs.frozen(kw_only=True)
class StaffPost:
    """One role a person holds at one station, as the centre's registry of staff answers
    (the stations' staff lists, or an identity plugin): what the workflow checks before a
    member of staff acts on a case of that station."""

    station_code: str = attrs.field(validator=_checks.non_empty)
    name: str = attrs.field(validator=_checks.non_empty)
    role: StaffRole = attrs.field(converter=StaffRole)
    staff_number: str | None = None


def _credit_code(instance: Station, attribute: attrs.Attribute, value: str | None) -> None:
    if value is not None and (problem := uscc_problem(value)):
        raise ValueError(f"Station.credit_code: {problem}")


def _parent(instance: Station, attribute: attrs.Attribute, value: str | None) -> None:
    if value is not None and value == instance.code:
        raise ValueError("Station.parent_code: a station is not its own parent")
    if value is None and instance.level is StationLevel.VILLAGE_STATION:
        raise ValueError("Station.parent_code: a village station belongs to a centre")


@attrs.frozen(kw_only=True)
class Station:
    """A place that serves citizens: a centre or a village station."""

    code: str = attrs.field(validator=_checks.matches(_checks.CODE, "GR-DAWANG-01"))
    name: str = attrs.field(validator=_checks.non_empty)
    level: StationLevel = attrs.field(converter=StationLevel)
    parent_code: str | None = attrs.field(default=None, validator=_parent)
    region: str = attrs.field(validator=_checks.region_code)
    credit_code: str | None = attrs.field(default=None, validator=_credit_code)
    """The unified social credit code of the institution that runs the station."""
    address: str | None = None
    contact: Contact | None = None
    windows: tuple[Window, ...] = attrs.field(default=(), converter=_checks.as_tuple)
    staff: tuple[StaffMember, ...] = attrs.field(default=(), converter=_checks.as_tuple)
    """The registry of staff of the station: who may act on its cases, in which role."""
    certifications: tuple[Certification, ...] = attrs.field(default=(), converter=_checks.as_tuple)
    standards: tuple[str, ...] = attrs.field(
        default=(), converter=_checks.as_tuple, validator=_checks.unique
    )
    """Identifiers of the standards the station claims to meet (e.g. ``five-ones``)."""
