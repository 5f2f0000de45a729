"""Service items (政务服务事项): what a department offers, as published in the catalog."""

from __future__ import annotations

import datetime as dt
import enum

import attrs

from govservice.model import _checks
from govservice.model.common import Fee, LabelledEnum, TimeLimit, TimeUnit
from govservice.model.identifiers import uscc_problem


class ItemType(LabelledEnum):
    """The kind of power or service (事项类型), with the letters used in item codes."""

    LICENSING = "licensing", "行政许可"
    PENALTY = "penalty", "行政处罚"
    ENFORCEMENT = "enforcement", "行政强制"
    LEVY = "levy", "行政征收"
    PAYMENT = "payment", "行政给付"
    INSPECTION = "inspection", "行政检查"
    CONFIRMATION = "confirmation", "行政确认"
    REWARD = "reward", "行政奖励"
    ADJUDICATION = "adjudication", "行政裁决"
    OTHER_POWER = "other_power", "其他行政权力"
    PUBLIC_SERVICE = "public_service", "公共服务"

    @property
    def letters(self) -> str:
        """The type's letters in GB/T 39554.1-2020 item codes (XK, CF, ... GG)."""
        return _TYPE_LETTERS[self]


_TYPE_LETTERS = {
    ItemType.LICENSING: "XK",
    ItemType.PENALTY: "CF",
    ItemType.ENFORCEMENT: "QZ",
    ItemType.LEVY: "ZS",
    ItemType.PAYMENT: "JF",
    ItemType.INSPECTION: "JC",
    ItemType.CONFIRMATION: "QR",
    ItemType.REWARD: "JL",
    ItemType.ADJUDICATION: "CJ",
    ItemType.OTHER_POWER: "QT",
    ItemType.PUBLIC_SERVICE: "GG",
}


class HandlingLevel(LabelledEnum):
    """The level of government that handles the item (行使层级)."""

    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"
    TOWNSHIP = "township", "乡镇级"
    VILLAGE = "village", "村级"


class HandlingType(LabelledEnum):
    """How a case of the item is handled (办件类型)."""

    IMMEDIATE = "immediate", "即办件"
    PROMISED = "promised", "承诺件"
    APPOINTMENT = "appointment", "预约件"
    JOINT = "joint", "联办件"
    ESCALATED = "escalated", "上报件"


class ItemStatus(LabelledEnum):
    """Where the item stands in the catalog."""

    IN_SERVICE = "in_service", "在办"
    CANCELLED = "cancelled", "取消(停办)"
    DELEGATED = "delegated", "省级下放承接"
    SUSPENDED = "suspended", "暂停办理"

    @property
    def accepts_cases(self) -> bool:
        """Whether new applications may be taken for an item in this status."""
        return self in (ItemStatus.IN_SERVICE, ItemStatus.DELEGATED)


class Channel(LabelledEnum):
    """Ways an applicant can file (办理渠道)."""

    WINDOW = "window", "窗口办理"
    ONLINE = "online", "网上办理"
    AGENCY = "agency", "代办"
    MAIL = "mail", "邮寄"


class StationLevel(LabelledEnum):
    """The levels of service station, from the city centre down to the village."""

    CITY_CENTRE = "city_centre", "市政务服务中心"
    COUNTY_CENTRE = "county_centre", "县区政务服务中心"
    TOWNSHIP_CENTRE = "township_centre", "乡镇(街道)便民服务中心"
    COMMUNITY_CENTRE = "community_centre", "农村社区便民服务中心"
    VILLAGE_STATION = "village_station", "村级便民服务站"


class MaterialForm(LabelledEnum):
    """The form in which a material is handed in."""

    PAPER = "paper", "纸质"
    ELECTRONIC = "electronic", "电子"
    PAPER_OR_ELECTRONIC = "paper_or_electronic", "纸质或电子"


class Requirement(enum.StrEnum):
    """Whether a material is always required or only under a stated condition."""

    REQUIRED = "required"
    CONDITIONAL = "conditional"


def _condition(instance: Material, attribute: attrs.Attribute, value: str | None) -> None:
    if instance.requirement is Requirement.CONDITIONAL and value is None:
        raise ValueError("Material.condition: a conditional material states its condition")
    _checks.optional_non_empty(instance, attribute, value)


@attrs.frozen(kw_only=True)
class Material:
    """One required material (申请材料): "营业执照副本复印件1份", "一式三份" ..."""

    name: str = attrs.field(validator=_checks.non_empty)
    code: str | None = None
    form: MaterialForm = attrs.field(default=MaterialForm.PAPER, converter=MaterialForm)
    originals: int = attrs.field(default=0, validator=_checks.non_negative)
    copies: int = attrs.field(default=1, validator=_checks.non_negative)
    requirement: Requirement = attrs.field(default=Requirement.REQUIRED, converter=Requirement)
    condition: str | None = attrs.field(default=None, validator=_condition)
    blank_form: str | None = None
    """Where the blank form can be downloaded, when there is one."""


def _department_code(instance: Item, attribute: attrs.Attribute, value: str | None) -> None:
    if value is not None and (problem := uscc_problem(value)):
        raise ValueError(f"Item.department_code: {problem}")


def _status_since(instance: Item, attribute: attrs.Attribute, value: dt.date | None) -> None:
    if value is None and instance.status is not ItemStatus.IN_SERVICE:
        raise ValueError(f"Item.status_since: an item {instance.status.value} says since when")


def _promised_limit(instance: Item, attribute: attrs.Attribute, value: TimeLimit) -> None:
    if value.certainly_exceeds(instance.legal_limit):
        raise ValueError(
            f"Item.promised_limit: the promised limit ({value.amount} {value.unit.value}) "
            f"exceeds the legal limit ({instance.legal_limit.amount} "
            f"{instance.legal_limit.unit.value})"
        )


@attrs.frozen(kw_only=True)
class Item:
    """A service item of the catalog, one version of it.

    ``legal_limit`` is the statutory period (法定时限), ``promised_limit`` the centre's own
    shorter promise (承诺时限); the promise never exceeds the law.
    """

    code: str = attrs.field(
        validator=_checks.matches(_checks.ITEM_CODE, "11370500004275432Y-XK-0001")
    )
    version: int = attrs.field(default=1, validator=_checks.positive)
    name: str = attrs.field(validator=_checks.non_empty)
    type: ItemType = attrs.field(converter=ItemType)
    department: str = attrs.field(validator=_checks.non_empty)
    department_code: str | None = attrs.field(default=None, validator=_department_code)
    region: str = attrs.field(validator=_checks.region_code)
    delegated_to: tuple[str, ...] = attrs.field(
        default=(),
        converter=_checks.as_tuple,
        validator=[attrs.validators.deep_iterable(_checks.region_code), _checks.unique],
    )
    """Regions the item is delegated to (下放): their centres take its cases too, under their
    own region's rules and calendar. A case's region is the item's or one of these."""
    level: HandlingLevel = attrs.field(converter=HandlingLevel)
    handling_type: HandlingType = attrs.field(
        default=HandlingType.PROMISED, converter=HandlingType
    )
    legal_basis: tuple[str, ...] = attrs.field(
        default=(), converter=_checks.as_tuple, validator=_checks.each_non_empty
    )
    conditions: tuple[str, ...] = attrs.field(
        default=(), converter=_checks.as_tuple, validator=_checks.each_non_empty
    )
    materials: tuple[Material, ...] = attrs.field(default=(), converter=_checks.as_tuple)
    legal_limit: TimeLimit
    promised_limit: TimeLimit = attrs.field(validator=_promised_limit)
    fees: tuple[Fee, ...] = attrs.field(default=(), converter=_checks.as_tuple)
    status: ItemStatus = attrs.field(default=ItemStatus.IN_SERVICE, converter=ItemStatus)
    status_since: dt.date | None = attrs.field(default=None, validator=_status_since)
    channels: tuple[Channel, ...] = attrs.field(
        default=(Channel.WINDOW,), converter=_checks.as_tuple, validator=_checks.unique
    )
    station_levels: tuple[StationLevel, ...] = attrs.field(
        default=(), converter=_checks.as_tuple, validator=_checks.unique
    )

    @property
    def is_immediate(self) -> bool:
        """即办件: accepted and completed on the same working day."""
        return self.handling_type is HandlingType.IMMEDIATE or (
            self.promised_limit.amount == 0 and self.promised_limit.unit is TimeUnit.WORKING_DAYS
        )

    @property
    def is_free(self) -> bool:
        """不收费: no fee, or every listed fee waived."""
        return all(fee.waived for fee in self.fees)

    @property
    def accepts_cases(self) -> bool:
        """Whether a new case may be applied for (a cancelled item is 停办)."""
        return self.status.accepts_cases
