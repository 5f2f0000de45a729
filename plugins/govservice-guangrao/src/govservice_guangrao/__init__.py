"""Local rules of Guangrao County (广饶县, region 370523) for govservice.

Rules:

1. Extra material (补充申请材料): for items of the configured types (licensing, 行政许可, by
   default) whose department name contains one of ``construction_departments``
   (住房和城乡建设, 自然资源和规划 by default) the county also requires
   ``construction_material``, by default the signed work-safety pledge of the project
   (建设项目安全生产承诺书, 1 original). An item that already lists it is left alone.
2. Fee exemption (免收费用): a natural person is exempted from every fee the centre
   charges on the item when they are ``elderly_age`` (70) or older on the day the case
   was received (in Asia/Shanghai), or are a subsistence-allowance household
   (城乡最低生活保障对象, 低保户). The age is read from the resident identity number
   (居民身份证号): the birthday itself counts, and a person born on 29 February turns a
   year older on 1 March in common years. Where no birth date can be read (a passport, a
   masked number), the category 老年人 the window clerk confirmed at acceptance
   (``Case.confirmed_categories``, ``elderly``; the clerk checks the age on the evidence)
   stands for it; a birth date that can be read decides, so 老年人 confirmed for
   someone under ``elderly_age`` is not exempted. A 低保户 is one confirmed so
   (``low_income``) or whose number is listed in ``subsistence_allowance_ids``. A category
   only declared, not confirmed, counts for nothing. Enterprises are never exempted; fees
   collected by a third party (``Fee.collected_by``) are never charged by the centre,
   so there is nothing of theirs to waive.
3. Closure days (闭厅日): ``closure_days`` are added to Guangrao's working calendar, so
   deadlines skip them. The default, 2015-12-31 (year-end archive transfer and system
   switch-over, 年终档案移交及系统切换), is an example: configure the county's notices.

Settings (the ``settings`` block of the ``guangrao`` plugin entry; all optional)::

    construction_departments: [住房和城乡建设, 自然资源和规划]   # parts of department names
    construction_item_types: [licensing]                         # govservice item types
    construction_material: {name: 建设项目安全生产承诺书, originals: 1, copies: 0}
    elderly_age: 70
    subsistence_allowance_ids: []       # 18-character identity numbers (keep the file private)
    closure_days: ["2015-12-31"]        # ISO dates, quoted

Regions: the core calls these hooks only for cases and calendars of the ``regions`` given in
the plugin's configuration entry or, when none are given (or there is no entry, the plugin
being loaded from its entry point), of :data:`REGIONS` (370523); the plugin does not
re-check the region itself.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from stdnum.cn import ric
from stdnum.exceptions import ValidationError

from govservice.clock import SHANGHAI
from govservice.errors import ConfigError
from govservice.hookspecs import hookimpl
from govservice.model import (
    ApplicantCategoryKind,
    Case,
    IdentifierKind,
    Item,
    ItemType,
    Material,
    PartyKind,
)
from govservice.model.identifiers import is_masked_ric, mask_ric
from govservice.rules import FeeAdjustment

REGIONS = frozenset({"370523"})
"""Served when the configuration names no regions: Guangrao County (广饶县), GB/T 2260."""

DEFAULTS: dict[str, Any] = {
    "construction_departments": ["住房和城乡建设", "自然资源和规划"],
    "construction_item_types": [ItemType.LICENSING.value],
    "construction_material": {"name": "建设项目安全生产承诺书", "originals": 1, "copies": 0},
    "elderly_age": 70,
    "subsistence_allowance_ids": [],
    "closure_days": ["2015-12-31"],
}

SETTINGS_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "govservice-guangrao settings",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "construction_departments": {
            "type": "array",
            "items": {"type": "string", "minLength": 1},
            "default": DEFAULTS["construction_departments"],
        },
        "construction_item_types": {
            "type": "array",
            "items": {"enum": [kind.value for kind in ItemType]},
            "default": DEFAULTS["construction_item_types"],
        },
        "construction_material": {
            "type": "object",
            "additionalProperties": False,
            "required": ["name"],
            "properties": {
                "name": {"type": "string", "minLength": 1},
                "originals": {"type": "integer", "minimum": 0},
                "copies": {"type": "integer", "minimum": 0},
            },
            "default": DEFAULTS["construction_material"],
        },
        "elderly_age": {
            "type": "integer",
            "minimum": 1,
            "maximum": 150,
            "default": DEFAULTS["elderly_age"],
        },
        "subsistence_allowance_ids": {
            "type": "array",
            "items": {"type": "string", "pattern": "^[0-9]{17}[0-9X]$"},
            "uniqueItems": True,
            "default": DEFAULTS["subsistence_allowance_ids"],
        },
        "closure_days": {
            "type": "array",
            "items": {"type": "string", "format": "date"},
            "default": DEFAULTS["closure_days"],
        },
    },
}


def age_on(born: dt.date, day: dt.date) -> int:
    """Full years of age (周岁) on ``day`` of someone born on ``born``."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class GuangraoRules:
    """The Guangrao plugin object, built from validated settings by :func:`make_plugin`."""

    def __init__(self, settings: Mapping[str, Any]) -> None:
        chosen = {**DEFAULTS, **settings}
        self.departments = tuple(chosen["construction_departments"])
        self.item_types = frozenset(chosen["construction_item_types"])
        material = {"originals": 1, "copies": 0, **chosen["construction_material"]}
        self.material = Material(**material)
        self.elderly_age: int = chosen["elderly_age"]
        self.subsistence_ids = frozenset(chosen["subsistence_allowance_ids"])
        self.closure_days = frozenset(dt.date.fromisoformat(d) for d in chosen["closure_days"])

    @hookimpl
    def govservice_closure_days(self, region: str) -> frozenset[dt.date]:
        return self.closure_days

    @hookimpl
    def govservice_extra_materials(self, item: Item, case: Case) -> list[Material] | None:
        if item.type.value not in self.item_types:
            return None
        if not any(part in item.department for part in self.departments):
            return None
        if any(material.name == self.material.name for material in item.materials or ()):
            return None
        return [self.material]

    @hookimpl
    def govservice_fee_adjustments(self, case: Case, item: Item) -> list[FeeAdjustment] | None:
        reason = self.exemption(case)
        if reason is None:
            return None
        return [
            FeeAdjustment(fee=fee.name, amount=Decimal("0"), reason=reason)
            for fee in item.fees or ()
            if not fee.waived and not fee.third_party
        ]

    def exemption(self, case: Case) -> str | None:
        """Why the applicant of ``case`` pays no fee in Guangrao, or None."""
        applicant = case.applicant
        if applicant.kind is not PartyKind.PERSON:
            return None
        confirmed = {category.category for category in case.confirmed_categories}
        number = None
        born = None
        if applicant.identifier.kind is IdentifierKind.RIC:
            number = applicant.identifier.number.upper()
            born = _birth_date(number)
        if born is not None:
            elderly = (
                age_on(born, case.received_at.astimezone(SHANGHAI).date()) >= self.elderly_age
            )
        else:  # no birth date to read: the clerk checked the age on the evidence
            elderly = ApplicantCategoryKind.ELDERLY in confirmed
        if elderly:
            return f"广饶县：年满{self.elderly_age}周岁的老年人免收"
        if ApplicantCategoryKind.LOW_INCOME in confirmed or number in self.subsistence_ids:
            return "广饶县：城乡最低生活保障对象（低保户）免收"
        return None


@functools.lru_cache(maxsize=4096)
def _birth_date(number: str) -> dt.date | None:
    """The birth date an identity number states (None when masked or not valid); kept
    for the last few thousand numbers: the same applicants come back."""
    if is_masked_ric(number):
        return None
    try:
        return ric.get_birth_date(number)
    except (ValidationError, ValueError):
        return None


def make_plugin(settings: Mapping[str, Any]) -> GuangraoRules:
    """Build the plugin from its ``settings`` (already checked against SETTINGS_SCHEMA).

    :raises ConfigError: when a listed identity number has a wrong check digit.
    """
    for index, number in enumerate(settings.get("subsistence_allowance_ids", ())):
        if ric.calc_check_digit(number) != number[-1]:
            raise ConfigError(
                f"settings.subsistence_allowance_ids.{index}: identity number "
                f"{mask_ric(number)} has a wrong check digit (GB 11643)"
            )
    return GuangraoRules(settings)
