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
    "OpeningHours",
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


_CLOCK = r"([01][0-9]|2[0-3]):[0-5][0-9]"


def _weekdays(instance: OpeningHours, attribute: attrs.Attribute, value: tuple[int, ...]) -> None:
    if not value or any(day not in range(1, 8) for day in value) or len(set(value)) != len(value):
        raise ValueError(
            f"OpeningHours.weekdays: distinct days 1 (Monday) to 7 (Sunday), not {value!r}"
        )


@attrs.frozen(kw_only=True)
class OpeningHours:
    """When the station opens (开放时间) on some days of the week: ``opens`` to ``closes``
    as ``HH:MM`` on each of ``weekdays`` (1 Monday ... 7 Sunday). A station lists one
    entry per session (morning, afternoon)."""

    weekdays: tuple[int, ...] = attrs.field(converter=_checks.as_tuple, validator=_weekdays)
    opens: str = attrs.field(validator=_checks.matches(_CLOCK, "08:30"))
    closes: str = attrs.field(validator=_checks.matches(_CLOCK, "17:30"))

    def __attrs_post_init__(self) -> None:
        if self.closes <= self.opens:
            raise ValueError(f"OpeningHours.closes: {self.closes} is not after opens {self.opens}")


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
    items: tuple[str, ...] = attrs.field(
        default=(),
        converter=_checks.as_tuple,
        validator=[
            attrs.validators.deep_iterable(
                _checks.matches(_checks.ITEM_CODE, "11370500004275432Y-XK-0001")
            ),
            _checks.unique,
        ],
    )
    """The codes of the items the station offers (进驻事项): what the coverage report
    compares with the guiding catalog (便民服务事项指导性目录, :mod:`govservice.stations.guiding`)."""
    opening_hours: tuple[OpeningHours, ...] = attrs.field(default=(), converter=_checks.as_tuple)
    """When the station is open (开放时间), one entry per session."""
    closure_days: tuple[dt.date, ...] = attrs.field(
        default=(), converter=_checks.as_tuple, validator=_checks.unique
    )
    """The station's own closure days (闭站日), on top of its county's calendar: no day
    of them is a working day for the station's cases."""
    built_on: dt.date | None = None
    """When the station was built (建成), so that a year's report can say what was new."""
    certified_on: dt.date | None = None
    """When the station first met its standard (达标, e.g. its ISO 9001 certificate or the
    five ones accepted); the evaluations are the history, this the registry's date."""

    def __attrs_post_init__(self) -> None:
        _checks.not_after("built_on", "certified_on")(self)
