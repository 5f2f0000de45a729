"""Small invariant validators for attrs fields, with messages naming ``Class.field``."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import attrs

from govservice.model.identifiers import is_region_code


def _name(instance: Any, attribute: attrs.Attribute) -> str:
    return f"{type(instance).__name__}.{attribute.name}"


NOT_BLANK = "[^\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff\u001c-\u001f\u0085]"
"""A character that is not white space: the same class as the schemas' ``text`` pattern."""
_NOT_BLANK = re.compile(NOT_BLANK)


BIDI_CONTROLS = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
"""The Unicode ``Bidi_Control`` characters (as a regular expression class, without its
brackets): the Arabic letter mark, the left-to-right and right-to-left marks, the
embeddings and overrides, and the isolates. Each can make a screen show text in another
order than it is stored, or look the same as another text."""
INVISIBLE = "\u00ad\u200b\ufeff\ufff9-\ufffb"
"""Characters that show nothing and make one name look the same as another: the soft
hyphen, the zero-width space, the byte order mark (zero-width no-break space) and the
interlinear annotation marks. Refused in a text on one line; free text may hold them."""

UNSAFE_IN_LINE = f"[\x00-\x1f\x7f-\x9f\u2028\u2029{BIDI_CONTROLS}{INVISIBLE}]"
"""What a text on one line (a name, an actor, a code) may not hold: control characters
(C0, DEL, C1: tab and line breaks included), line and paragraph separators, the
bidirectional controls (:data:`BIDI_CONTROLS`) and the invisible characters
(:data:`INVISIBLE`). The same class as the schemas' ``line`` pattern."""
UNSAFE_IN_PARAGRAPH = f"[\x00-\x08\x0b-\x1f\x7f-\x9f{BIDI_CONTROLS}]"
"""What free text (a reason, a note) may not hold: control characters but tab and line
feed, and the bidirectional controls. The same class as the schemas' ``paragraph``
pattern."""
_UNSAFE_IN_LINE = re.compile(UNSAFE_IN_LINE)
_UNSAFE_IN_PARAGRAPH = re.compile(UNSAFE_IN_PARAGRAPH)
_BIDI_CONTROL = re.compile(f"[{BIDI_CONTROLS}]")
_INVISIBLE_NAMES = {
    0x00AD: "soft hyphen",
    0x200B: "zero width space",
    0xFEFF: "zero width no-break space, a byte order mark",
}

_CONTROL_NAMES = {
    0x00: "NUL",
    0x07: "BEL, the bell",
    0x08: "BS, backspace",
    0x09: "a tab",
    0x0A: "a line feed",
    0x0D: "a carriage return",
    0x1B: "ESC, the start of a terminal escape sequence",
    0x7F: "DEL",
    0x85: "NEL, a line break",
    0x2028: "a line separator",
    0x2029: "a paragraph separator",
}


def unsafe_character(value: str, *, multiline: bool = False) -> tuple[int, str] | None:
    """The position and a description in words of the first character of ``value`` that
    a text on one line (or, with ``multiline``, free text) may not hold; None if none.

    Cheap for plain text: a text :meth:`str.isprintable` holds none of them.
    """
    if value.isprintable():
        return None
    found = (_UNSAFE_IN_PARAGRAPH if multiline else _UNSAFE_IN_LINE).search(value)
    if found is None:
        return None
    return found.start(), describe_character(found.group())


def describe_character(character: str) -> str:
    """``U+001B (ESC, the start of a terminal escape sequence), a control character``."""
    point = ord(character)
    code = f"U+{point:04X}"
    if _BIDI_CONTROL.match(character):
        return f"{code} ({unicodedata.name(character).lower()}), a bidirectional control"
    if point in _INVISIBLE_NAMES or 0xFFF9 <= point <= 0xFFFB:
        name = _INVISIBLE_NAMES.get(point) or unicodedata.name(character).lower()
        return f"{code} ({name}), an invisible character"
    name = _CONTROL_NAMES.get(point)
    kind = "a control character" if point < 0x2028 else "a line break"
    return f"{code} ({name}), {kind}" if name else f"{code}, {kind}"


def _refuse_unsafe(instance: Any, attribute: attrs.Attribute, value: str, multiline: bool):
    found = unsafe_character(value, multiline=multiline)
    if found is not None:
        if multiline:
            rule = (
                "it may hold tabs and line breaks but no other control characters, and no "
                "bidirectional controls"
            )
        else:
            rule = (
                "it may hold no control characters, no bidirectional controls and no "
                "invisible characters"
            )
        raise ValueError(
            f"{_name(instance, attribute)}: character {found[0] + 1} is {found[1]}; {rule}"
        )


_PASSED_NON_EMPTY: set[str] = set()
"""Texts :func:`non_empty` let pass (its verdict depends on the text alone): the same
names, actions and codes are checked again and again, and looking one up is cheaper."""
_PASSED_SIZE = 4096


def non_empty(instance: Any, attribute: attrs.Attribute, value: str) -> None:
    """A non-empty text on one line, without control characters, bidirectional controls
    or invisible characters."""
    if type(value) is str and value in _PASSED_NON_EMPTY:
        return
    if not isinstance(value, str) or not _NOT_BLANK.search(value):
        raise ValueError(f"{_name(instance, attribute)} must be a non-empty text")
    if not value.isprintable():
        _refuse_unsafe(instance, attribute, value, False)
    if type(value) is str:
        if len(_PASSED_NON_EMPTY) >= _PASSED_SIZE:
            _PASSED_NON_EMPTY.clear()
        _PASSED_NON_EMPTY.add(value)


def optional_non_empty(instance: Any, attribute: attrs.Attribute, value: str | None) -> None:
    if value is not None:
        non_empty(instance, attribute, value)


def one_line(instance: Any, attribute: attrs.Attribute, value: str | None) -> None:
    """An optional text on one line (may be empty): as :func:`non_empty`, blank allowed."""
    if value is not None and not (isinstance(value, str) and value.isprintable()):
        if not isinstance(value, str):
            raise ValueError(f"{_name(instance, attribute)} must be a text")
        _refuse_unsafe(instance, attribute, value, False)


def paragraph(instance: Any, attribute: attrs.Attribute, value: str | None) -> None:
    """Optional free text (a reason, a note): tabs and line breaks, no other controls."""
    if value is not None and not (isinstance(value, str) and value.isprintable()):
        if not isinstance(value, str):
            raise ValueError(f"{_name(instance, attribute)} must be a text")
        _refuse_unsafe(instance, attribute, value, True)


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


def quantity(instance: Any, attribute: attrs.Attribute, value: Decimal | None) -> None:
    """A quantity of units (square metres, kilometres …): a Decimal, not negative, at most
    two decimals (the schemas' ``quantity``)."""
    if value is None:
        return
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ValueError(f"{_name(instance, attribute)} must be a Decimal quantity")
    if value < 0 or value.is_signed():
        raise ValueError(f"{_name(instance, attribute)} must not be negative, got {value}")
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValueError(f"{_name(instance, attribute)} has more than 2 decimals: {value}")


MAX_COUNT = 100_000
"""The most copies, days or hours a record counts: the schemas' ``count``."""
MAX_VERSION = 2_147_483_647
"""The highest catalog version: the schemas' ``version`` (a 32-bit whole number)."""


def non_negative(instance: Any, attribute: attrs.Attribute, value: int) -> None:
    """A count of copies, days or hours: 0 to :data:`MAX_COUNT`."""
    if value < 0:
        raise ValueError(f"{_name(instance, attribute)} must not be negative, got {value}")
    if value > MAX_COUNT:
        raise ValueError(
            f"{_name(instance, attribute)} is at most {MAX_COUNT:,}, got {_shown(value)}"
        )


def positive(instance: Any, attribute: attrs.Attribute, value: int) -> None:
    """A version: 1 to :data:`MAX_VERSION`."""
    if value < 1:
        raise ValueError(f"{_name(instance, attribute)} must be at least 1, got {value}")
    if value > MAX_VERSION:
        raise ValueError(
            f"{_name(instance, attribute)} is at most {MAX_VERSION:,}, got {_shown(value)}"
        )


def _shown(value: int) -> str:
    """A number as a message shows it: a huge one by its size (writing out thousands of
    digits would be slow, and past 4,300 is refused by :class:`str`)."""
    if value < 10**30:
        return str(value)
    return f"a number of about {int(value.bit_length() * 0.30103) + 1} digits"


_PASSED_AWARE: dict[int, dt.datetime] = {}
"""Times :func:`aware` let pass, by the object: ``id(time) -> time``. Its verdict depends
on the (immutable) time alone, and one time is judged again and again: an action's time is
the event's and the case's (``accepted_at`` ...), the server's clock the event's record of
it. Looking the object up is cheaper than asking its zone for the offset."""


_FIXED_ZONES = (ZoneInfo, dt.timezone)
"""Zones whose offset for a given time never changes: a time in one is remembered."""


def aware(instance: Any, attribute: attrs.Attribute, value: dt.datetime | None) -> None:
    if value is None or _PASSED_AWARE.get(id(value)) is value:
        return
    _check_aware(instance, attribute, value)
    if type(value) is dt.datetime and type(value.tzinfo) in _FIXED_ZONES:
        # (a subclass, or a zone of one's own, might answer otherwise the next time)
        if len(_PASSED_AWARE) >= _PASSED_SIZE:
            _PASSED_AWARE.clear()
        _PASSED_AWARE[id(value)] = value


def _check_aware(instance: Any, attribute: attrs.Attribute, value: dt.datetime) -> None:
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


def born_by(moment: str, *parties: str):
    """Class-level check: no resident identity number of the parties in the fields
    ``parties`` (a :class:`~govservice.model.Party` or None each) holds a birth date after
    the day of the field ``moment`` (a date or an aware time): nobody applies, or is
    listed, before being born. A masked number has no birth date left to compare."""

    def check(instance: Any) -> None:
        when = getattr(instance, moment)
        if when is None:
            return
        day = f"{when.year:04d}{when.month:02d}{when.day:02d}"  # strftime("%Y%m%d"), faster
        for field in parties:
            party = getattr(instance, field)
            if party is None:  # no agent (getattr's default would cost an exception)
                continue
            identifier = getattr(party, "identifier", None)
            number = getattr(identifier, "number", "")
            if getattr(identifier, "kind", None) == "ric" and len(number) == 18:
                born = number[6:14]
                if born > day and born.isdigit():
                    cls = type(instance).__name__
                    raise ValueError(
                        f"{cls}.{field}: the identity number {number[:10]}****{number[14:]} "
                        f"holds a birth date after {cls}.{moment} ({when:%Y-%m-%d})"
                    )

    return check
