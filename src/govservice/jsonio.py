"""JSON with every key of an object given once.

``json.loads`` keeps the last of two equal keys without a word, so a file could say two
things and be read as one of them. Here an object that gives a key twice is refused: the
parser's hook sees it (at the cost of one dict a object, which the parser builds anyway),
and only then is the text walked again to find where the two keys are written.
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = [
    "DuplicateKey",
    "decoder",
    "duplicate_message",
    "loads",
    "locate_duplicate",
    "position",
    "scan_once",
]


class DuplicateKey(ValueError):
    """Raised by the parser's hook: ``key`` is given twice in one object."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(f"the key {key!r} is given twice in one object")


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document = dict(pairs)
    if len(document) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateKey(key)
            seen.add(key)
    return document


decoder = json.JSONDecoder(object_pairs_hook=_unique)
"""A decoder that raises :class:`DuplicateKey` (a ``ValueError``) for a key given twice."""


def loads(text: str) -> Any:
    """:func:`json.loads` of a text, with a key given twice refused (:class:`DuplicateKey`)."""
    if text.startswith("\ufeff"):  # as json.loads says
        raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
    return decoder.decode(text)


scan_once = decoder.scan_once
"""``scan_once(text, index)``: the value at ``index`` and where it ends, as
``json.JSONDecoder.scan_once``, keys checked."""

_PLAIN = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\n\r]*")


class _Found(Exception):
    def __init__(self, key: str, first: int, second: int) -> None:
        self.key, self.first, self.second = key, first, second


def locate_duplicate(text: str, start: int = 0) -> tuple[str, int, int] | None:
    """The first key given twice in one object of the JSON value at ``start`` in ``text``
    (in the order the text reads), with the offsets of its two occurrences; None when
    there is none, or when the text is not well-formed before one is found."""
    try:
        _value(text, start)
    except _Found as found:
        return found.key, found.first, found.second
    except (ValueError, IndexError, RecursionError):
        return None
    return None


def position(text: str, offset: int) -> tuple[int, int]:
    """The line and column (both 1-based) of ``offset`` in ``text``."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _value(text: str, index: int) -> int:
    index = _SPACE.match(text, index).end()  # type: ignore[union-attr]
    opening = text[index : index + 1]
    if opening == "{":
        seen: dict[str, int] = {}
        index = _SPACE.match(text, index + 1).end()  # type: ignore[union-attr]
        if text.startswith("}", index):
            return index + 1
        while True:
            index = _SPACE.match(text, index).end()  # type: ignore[union-attr]
            if not text.startswith('"', index):
                raise ValueError("a key is expected")
            key, end = json.decoder.scanstring(text, index + 1)
            if key in seen:
                raise _Found(key, seen[key], index)
            seen[key] = index
            index = _SPACE.match(text, end).end()  # type: ignore[union-attr]
            if not text.startswith(":", index):
                raise ValueError("':' is expected")
            index = _SPACE.match(text, _value(text, index + 1)).end()  # type: ignore[union-attr]
            if text.startswith(",", index):
                index += 1
                continue
            if text.startswith("}", index):
                return index + 1
            raise ValueError("',' or '}' is expected")
    if opening == "[":
        index = _SPACE.match(text, index + 1).end()  # type: ignore[union-attr]
        if text.startswith("]", index):
            return index + 1
        while True:
            index = _SPACE.match(text, _value(text, index)).end()  # type: ignore[union-attr]
            if text.startswith(",", index):
                index += 1
                continue
            if text.startswith("]", index):
                return index + 1
            raise ValueError("',' or ']' is expected")
    return _PLAIN.raw_decode(text, index)[1]  # a text, a number, true, false or null


def duplicate_message(
    text: str, error: DuplicateKey, start: int = 0, first_line: int = 1
) -> tuple[str, int]:
    """The words for ``error`` raised while parsing the value at ``start`` of ``text``
    (whose first line is line ``first_line`` of its file), naming both places, and the
    line of the second."""
    found = locate_duplicate(text, start)
    if found is None:  # (not expected: the hook found one)
        line = position(text, start)[0] + first_line - 1
        return f"the key {error.key!r} is given twice in one object", line
    key, first, second = found
    (line1, column1), (line2, column2) = position(text, first), position(text, second)
    line1, line2 = line1 + first_line - 1, line2 + first_line - 1
    if line1 == line2:
        where = f"on line {line1}, at columns {column1} and {column2}"
    else:
        where = f"on lines {line1} and {line2}"
    return (
        f"the key {key!r} is given twice in one object, {where} (one value would be "
        "lost silently): give it once",
        line2,
    )
