"""Small invariant validators for attrs fields, with messages naming ``Class.field``."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import attrs

from govservice.model.identifiers import is_region_code


def _name(instance: Any, attribute: attrs.Attribute) -> str:
    return f"{type(instance).__name__}.{attribute.name}"


NOT_BLANK = "[^\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff\u001c-\u001f\u0085]"
"""A character that is not white space: the same class as the schemas' ``text`` pattern."""
_NOT_BLANK = re.compile(NOT_BLANK)


def non_empty(instance: Any, attribute: attrs.Attribute, value: str) -> None:
    if not isinstance(value, str) or not _NOT_BLANK.search(value):
        raise ValueError(f"{_name(instance, attribute)} must be a non-empty text")


def optional_non_empty(instance: Any, attribute: attrs.Attribute, value: str | None) -> None:
    if value is not None:
        non_empty(instance, attribute, value)


def each_non_empty(instance: Any, attribute: attrs.Attribute, values: tuple) -> None:
    for value in values:
        non_empty(instance, attribute, value)


def region_code(instance: Any, attribute: attrs.Attribute, value: str | None) -> None:
    if value is not None and not is_region_code(value):
        raise ValueError(
            f"{_name(instance, attribute)} must be a 6-digit GB/T 2260 region code "
            f"such as 370523, not {value!r}"
        )


def yuan(instance: Any, attribute: attrs.Attribute, value: Decimal | None) -> None:
    if value is None:
        return
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ValueError(f"{_name(instance, attribute)} must be a Decimal amount of yuan")
    if value < 0 or value.is_signed():
        raise ValueError(f"{_name(instance, attribute)} must not be negative, got {value}")
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValueError(f"{_name(instance, attribute)} has more than 2 decimals (fen): {value}")


def non_negative(instance: Any, attribute: attrs.Attribute, value: int) -> None:
    if value < 0:
        raise ValueError(f"{_name(instance, attribute)} must not be negative, got {value}")


def positive(instance: Any, attribute: attrs.Attribute, value: int) -> None:
    if value < 1:
        raise ValueError(f"{_name(instance, attribute)} must be at least 1, got {value}")


def aware(instance: Any, attribute: attrs.Attribute, value: dt.datetime | None) -> None:
    if value is None:
        return
    offset = value.utcoffset()
    if offset is None:
        raise ValueError(
            f"{_name(instance, attribute)} must carry a time zone (Asia/Shanghai, +08:00)"
        )
    if offset.total_seconds() % 60:
        raise ValueError(
            f"{_name(instance, attribute)} has an offset of {offset}, not whole minutes"
        )


def not_empty_tuple(instance: Any, attribute: attrs.Attribute, value: tuple) -> None:
    if not value:
        raise ValueError(f"{_name(instance, attribute)} lists at least one entry")


def enum_of(cls: type) -> Any:
    """Converter to the enum ``cls`` that passes a member through without a lookup."""

    def convert(value: Any) -> Any:
        return value if type(value) is cls else cls(value)

    return convert


def unique(instance: Any, attribute: attrs.Attribute, value: tuple) -> None:
    if len(set(value)) != len(value):
        raise ValueError(f"{_name(instance, attribute)} lists a value twice")


def as_tuple(value: Any) -> tuple:
    """Converter: any iterable (a list from a caller) becomes a tuple."""
    return tuple(value)


def matches(pattern: str, example: str):
    """Validator: the text matches ``pattern`` whole (the schema's pattern for the field)."""
    compiled = re.compile(pattern)

    def check(instance: Any, attribute: attrs.Attribute, value: str | None) -> None:
        if value is not None and not (isinstance(value, str) and compiled.fullmatch(value)):
            raise ValueError(
                f"{_name(instance, attribute)}: {value!r} is not of the form {example}"
            )

    return check


CODE = r"[0-9A-Za-z][0-9A-Za-z._-]{0,63}"
"""The form of record identities (case ids, station codes, entry ids)."""
ITEM_CODE = r"[0-9A-Za-z][0-9A-Za-z-]{3,63}"
"""The form of item codes, e.g. ``11370500004275432Y-XK-0001``."""


def in_order(*fields: str):
    """Class-level check: the set fields among ``fields`` are in non-decreasing order."""

    def check(instance: Any) -> None:
        latest: tuple[str, Any] | None = None
        for field in fields:
            value = getattr(instance, field)
            if value is None:
                continue
            if latest is not None and value < latest[1]:
                cls = type(instance).__name__
                raise ValueError(
                    f"{cls}.{field} ({value}) is before {cls}.{latest[0]} ({latest[1]})"
                )
            latest = (field, value)

    return check


def not_after(first: str, second: str):
    """Class-level check: field ``first`` is not later than field ``second`` when both set."""

    def check(instance: Any) -> None:
        a, b = getattr(instance, first), getattr(instance, second)
        if a is not None and b is not None and a > b:
            cls = type(instance).__name__
            raise ValueError(f"{cls}.{first} ({a}) is after {cls}.{second} ({b})")

    return check
