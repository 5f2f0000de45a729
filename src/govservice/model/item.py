"""Service items (政务服务事项): what a department offers, as published in the catalog.

What a catalog did not publish is *unknown*, not a value: an item's ``handling_type``,
``channels``, ``materials`` and ``fees`` are None when not published (a JSON key absent or
``null``) and empty when published as none (``[]``). :attr:`Item.unknown_fields` names
the unknown ones.
"""

from __future__ import annotations

import datetime as dt
import enum

import attrs

from govservice.model import _checks, regions
from govservice.model.common import Fee, LabelledEnum, TimeLimit, TimeUnit
from govservice.model.identifiers import uscc_problem


class ItemType(LabelledEnum):
    """The kind of power or service (事项类型), with the letters used in item codes.

    ``OTHER`` is a type that is not one of the national types (a local or historic
    category): the item keeps the published label in ``Item.type_label``.
    """

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
    OTHER = "other", "其他"

    @property
    def letters(self) -> str | None:
        """The type's letters in GB/T 39554.1-2020 item codes (XK, CF, ... GG); None for
        a type that is not a national one (``OTHER``)."""
        return _TYPE_LETTERS.get(self)


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

    NATIONAL = "national", "国家级"
    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"
    TOWNSHIP = "township", "乡镇级"
    VILLAGE = "village", "村级"


class PowerSource(LabelledEnum):
    """Where the power to handle the item comes from (权力来源), apart from its status."""

    STATUTORY = "statutory", "法定本级行使"
    DELEGATED_DOWN = "delegated_down", "上级下放"
    ENTRUSTED = "entrusted", "委托"


class ItemKind(LabelledEnum):
    """Where the item stands in the catalog's structure: a main item (主项), one of its
    sub-items (子项), or a business item (业务办理项) under one of them."""

    MAIN = "main", "主项"
    SUB = "sub", "子项"
    BUSINESS = "business", "业务办理项"


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


def _count(instance: object, attribute: attrs.Attribute, value: int | None) -> None:
    if value is not None:
        _checks.non_negative(instance, attribute, value)


@attrs.frozen(kw_only=True)
class Material:
    """One required material (申请材料): "营业执照副本复印件1份", "一式三份" ...

    ``originals`` and ``copies`` are None when the count was not published. With
    ``verify_only`` the originals are shown and checked (原件核验), not handed in.
    """

    name: str = attrs.field(validator=_checks.non_empty)
    code: str | None = None
    form: MaterialForm = attrs.field(default=MaterialForm.PAPER, converter=MaterialForm)
    originals: int | None = attrs.field(default=0, validator=_count)
    copies: int | None = attrs.field(default=1, validator=_count)
    requirement: Requirement = attrs.field(default=Requirement.REQUIRED, converter=Requirement)
    condition: str | None = attrs.field(default=None, validator=_condition)
    blank_form: str | None = None
    """Where the blank form can be downloaded, when there is one."""
    verify_only: bool = False
    """原件核验: the originals are shown and checked at the window, then handed back."""
    blank_form_available: bool | None = None
    """Whether a blank form (空白表格) is available; None when not published."""
    issued_by: str | None = attrs.field(default=None, validator=_checks.optional_non_empty)
    """The body that issues the document (出具单位): 公安机关, 不动产登记机构 ..."""
    review_points: tuple[str, ...] = attrs.field(
        default=(), converter=_checks.as_tuple, validator=_checks.each_non_empty
    )
    """What the clerk checks in it (审查要点), for the business manual."""


@attrs.frozen(kw_only=True)
class Step:
    """One handling step (受理, 审查, 决定, 送达) with its responsible post and limit."""

    name: str = attrs.field(validator=_checks.non_empty)
    post: str | None = attrs.field(default=None, validator=_checks.optional_non_empty)
    """The post responsible for it (责任岗位): 窗口受理人员, 科室负责人 ..."""
    limit: TimeLimit | None = None
    description: str | None = attrs.field(default=None, validator=_checks.paragraph)


@attrs.frozen(kw_only=True)
class ItemResult:
    """What the applicant receives (办理结果): the certificate's name and its validity."""

    name: str = attrs.field(validator=_checks.non_empty)
    validity: str | None = attrs.field(default=None, validator=_checks.optional_non_empty)
    """How long it is valid (有效期), as published: "长期", "3年" ..."""


def _department_code(instance: Item, attribute: attrs.Attribute, value: str | None) -> None:
    if value is not None and (problem := uscc_problem(value)):
        raise ValueError(f"Item.department_code: {problem}")


def _status_since(instance: Item, attribute: attrs.Attribute, value: dt.date | None) -> None:
    if value is None and instance.status is not ItemStatus.IN_SERVICE:
        raise ValueError(f"Item.status_since: an item {instance.status.value} says since when")


def _region(instance: Item, attribute: attrs.Attribute, value: str) -> None:
    _checks.region_code(instance, attribute, value)
    problem = regions.region_problem(value) or regions.level_problem(value, instance.level.value)
    if problem:
        raise ValueError(f"Item.region: {problem}")


def _delegated_region(instance: Item, attribute: attrs.Attribute, value: str) -> None:
    _checks.region_code(instance, attribute, value)
    if problem := regions.region_problem(value):
        raise ValueError(f"Item.delegated_to: {problem}")


def _type_label(instance: Item, attribute: attrs.Attribute, value: str | None) -> None:
    if value is None and instance.type is ItemType.OTHER:
        raise ValueError("Item.type_label: an item of type other keeps its published label")
    _checks.optional_non_empty(instance, attribute, value)


def _parent_code(instance: Item, attribute: attrs.Attribute, value: str | None) -> None:
    if value is None and instance.item_kind is not ItemKind.MAIN:
        raise ValueError(
            f"Item.parent_code: a {instance.item_kind.value} item names the item it belongs to"
        )
    if value is not None and value == instance.code:
        raise ValueError("Item.parent_code: an item is not its own parent")
    _ITEM_CODE(instance, attribute, value)


_ITEM_CODE = _checks.matches(_checks.ITEM_CODE, "11370500004275432Y-XK-0001")


def _exercised_levels(instance: Item, attribute: attrs.Attribute, value: tuple) -> None:
    _checks.unique(instance, attribute, value)
    if instance.level in value:
        raise ValueError(
            f"Item.exercised_levels: lists the item's own level ({instance.level.value}); "
            "it names the further ones"
        )


def _power_until(instance: Item, attribute: attrs.Attribute, value: dt.date | None) -> None:
    since = instance.power_source_since
    if value is not None and since is not None and value < since:
        raise ValueError(
            f"Item.power_source_until ({value}) is before Item.power_source_since ({since})"
        )


def _promised_limit(instance: Item, attribute: attrs.Attribute, value: TimeLimit) -> None:
    if problem := limit_problem(instance.legal_limit, value, instance.steps):
        raise ValueError(f"Item.{problem[0]}: {problem[1]}")


def _shown(limit: TimeLimit) -> str:
    return f"{limit.amount} {limit.unit.value}"


def limit_problem(
    legal: TimeLimit, promised: TimeLimit, steps: tuple[Step, ...] = ()
) -> tuple[str, str] | None:
    """What is wrong with a promise beside its legal limit and the item's steps, as
    ``(field, message)``, or None: the promise, for any kind of document, certainly
    exceeds the law; or the steps' limits do not fit inside it. Shared by the model and
    the schemas' cross-field check (``item-limits``), so both say the same."""
    for kind in (None, *legal.document_kinds(), *promised.document_kinds()):
        law, promise = legal.for_document(kind), promised.for_document(kind)
        if promise.certainly_exceeds(law):
            which = "" if kind is None else f" for {kind}"
            return (
                "promised_limit",
                f"the promised limit{which} of {_shown(promise)} exceeds the legal limit "
                f"of {_shown(law)}",
            )
    limits = [step.limit for step in steps if step.limit is not None]
    if limits and all(limit.unit is promised.unit for limit in limits):
        total = TimeLimit(amount=sum(limit.amount for limit in limits), unit=promised.unit)
        if total.certainly_exceeds(promised):
            return (
                "steps",
                f"the steps' limits add up to {_shown(total)}, more than the promised "
                f"limit of {_shown(promised)}",
            )
    for index, step in enumerate(steps):
        if step.limit is not None and step.limit.certainly_exceeds(promised):
            return (
                f"steps[{index}].limit",
                f"the limit of step {step.name!r} ({_shown(step.limit)}) exceeds the "
                f"promised limit of {_shown(promised)}",
            )
    return None


_UNKNOWN_FIELDS = ("handling_type", "channels", "materials", "fees")


@attrs.frozen(kw_only=True)
class Item:
    """A service item of the catalog, one version of it.

    ``legal_limit`` is the statutory period (法定时限), ``promised_limit`` the centre's own
    shorter promise (承诺时限); the promise never exceeds the law, and the steps' limits
    fit inside the promise. ``handling_type``, ``channels``, ``materials`` and ``fees``
    are None when the catalog did not publish them (unknown), empty when it published none.
    """

    code: str = attrs.field(validator=_ITEM_CODE)
    version: int = attrs.field(default=1, validator=_checks.positive)
    name: str = attrs.field(validator=_checks.non_empty)
    type: ItemType = attrs.field(converter=ItemType)
    type_label: str | None = attrs.field(default=None, validator=_type_label)
    """The type as published (需保留的地方或历史类别名), required when ``type`` is other."""
    department: str = attrs.field(validator=_checks.non_empty)
    department_code: str | None = attrs.field(default=None, validator=_department_code)
    region: str = attrs.field(validator=_region)
    delegated_to: tuple[str, ...] = attrs.field(
        default=(),
        converter=_checks.as_tuple,
        validator=[attrs.validators.deep_iterable(_delegated_region), _checks.unique],
    )
    """Regions the item is delegated to (下放): their centres take its cases too, under their
    own region's rules and calendar. A case's region is the item's or one of these."""
    level: HandlingLevel = attrs.field(converter=HandlingLevel)
    exercised_levels: tuple[HandlingLevel, ...] = attrs.field(
        default=(),
        converter=lambda values: tuple(HandlingLevel(value) for value in values),
        validator=_exercised_levels,
    )
    """Further levels a base-catalogue item is exercised at (多级行使), besides ``level``."""
    power_source: PowerSource | None = attrs.field(
        default=None, converter=attrs.converters.optional(PowerSource)
    )
    power_source_since: dt.date | None = None
    power_source_until: dt.date | None = attrs.field(default=None, validator=_power_until)
    handling_type: HandlingType | None = attrs.field(
        default=None, converter=attrs.converters.optional(HandlingType)
    )
    legal_basis: tuple[str, ...] = attrs.field(
        default=(), converter=_checks.as_tuple, validator=_checks.each_non_empty
    )
    conditions: tuple[str, ...] = attrs.field(
        default=(), converter=_checks.as_tuple, validator=_checks.each_non_empty
    )
    materials: tuple[Material, ...] | None = attrs.field(
        default=None, converter=attrs.converters.optional(_checks.as_tuple)
    )
    legal_limit: TimeLimit
    promised_limit: TimeLimit = attrs.field(validator=_promised_limit)
    steps: tuple[Step, ...] = attrs.field(default=(), converter=_checks.as_tuple)
    """The handling steps (受理 → 审查 → 决定 → 送达), with posts and limits."""
    fees: tuple[Fee, ...] | None = attrs.field(
        default=None, converter=attrs.converters.optional(_checks.as_tuple)
    )
    status: ItemStatus = attrs.field(default=ItemStatus.IN_SERVICE, converter=ItemStatus)
    status_since: dt.date | None = attrs.field(default=None, validator=_status_since)
    channels: tuple[Channel, ...] | None = attrs.field(
        default=None,
        converter=attrs.converters.optional(lambda values: tuple(map(Channel, values))),
        validator=attrs.validators.optional(_checks.unique),
    )
    station_levels: tuple[StationLevel, ...] = attrs.field(
        default=(), converter=_checks.as_tuple, validator=_checks.unique
    )
    item_kind: ItemKind = attrs.field(default=ItemKind.MAIN, converter=ItemKind)
    parent_code: str | None = attrs.field(default=None, validator=_parent_code)
    """The main item (or sub-item) this one belongs to; required for sub and business items."""
    co_departments: tuple[str, ...] = attrs.field(
        default=(), converter=_checks.as_tuple, validator=[_checks.each_non_empty, _checks.unique]
    )
    """Departments handling it together with ``department`` (联办部门)."""
    undertaking_office: str | None = attrs.field(
        default=None, validator=_checks.optional_non_empty
    )
    """The office of the department that does the work (承办机构)."""
    place: str | None = attrs.field(default=None, validator=_checks.optional_non_empty)
    """Where it is handled (办理地点)."""
    office_hours: str | None = attrs.field(default=None, validator=_checks.optional_non_empty)
    """When (办理时间), as published."""
    result: ItemResult | None = None
    visits: int | None = attrs.field(default=None, validator=_count)
    """How many times the applicant comes in person (到现场次数): 0 for 零跑腿."""
    intermediary_services: tuple[str, ...] = attrs.field(
        default=(), converter=_checks.as_tuple, validator=_checks.each_non_empty
    )
    """Names of the intermediary services the item requires (中介服务)."""
    contact_phone: str | None = attrs.field(default=None, validator=_checks.optional_non_empty)
    """咨询电话."""
    supervision_phone: str | None = attrs.field(default=None, validator=_checks.optional_non_empty)
    """监督投诉电话."""
    requires_screening: bool = False
    """Whether a case is screened against the blacklists (黑名单筛查) when it is accepted:
    an applicant on a list in force is not accepted unless a supervisor overrides the hit
    with a reason (:func:`govservice.workflow.acceptance.screening_check`)."""

    @property
    def unknown_fields(self) -> tuple[str, ...]:
        """The published fields the catalog left unknown (None), in a fixed order."""
        return tuple(name for name in _UNKNOWN_FIELDS if getattr(self, name) is None)

    @property
    def is_immediate(self) -> bool:
        """即办件: accepted and completed on the same working day (false when the handling
        type is unknown and the promise is not 0 working days)."""
        return self.handling_type is HandlingType.IMMEDIATE or (
            self.promised_limit.amount == 0 and self.promised_limit.unit is TimeUnit.WORKING_DAYS
        )

    @property
    def is_free(self) -> bool | None:
        """不收费: no fee the centre collects, or every one waived; a fee a third party
        collects (a hospital, an intermediary) does not make the item charged. None when
        the fees were not published."""
        if self.fees is None:
            return None
        return all(fee.waived or fee.collected_by is not None for fee in self.fees)

    @property
    def accepts_cases(self) -> bool:
        """Whether a new case may be applied for (a cancelled item is 停办)."""
        return self.status.accepts_cases
