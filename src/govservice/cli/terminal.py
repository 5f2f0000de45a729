"""Text printed on a terminal, made safe to show.

Whatever a record, a plugin or an argument holds (an actor's name, a reason, a file name)
is shown so that it cannot clear the screen, move the cursor, reverse the rest of the line
or start a line of its own that looks like one of ours. Characters that print nothing
(control characters C0 and C1, format characters such as the bidi overrides and
zero-width marks, line and paragraph separators, lone surrogates) are shown as Python
escapes: ``\\x1b``, ``\\n``, ``\\u202e``, ``\\udcff``. Everything else, Chinese above all
(including characters of the private use area, where some rare characters of names are
kept, and characters newer than this Python's Unicode tables), is shown as it is.

- :func:`printable`: one field, or one line (``keep="\\n"`` for a text of many lines whose
  line breaks are ours).
- :func:`printable_json`: a JSON text, escaped the JSON way (the value stays the same).
- :func:`printable_fields`: every text field of a report object, before it is formatted.
- :func:`emit`: print a text of many lines, line breaks kept.
- :class:`EscapedOutput`: standard output of the command line, escaped as it is written.
"""

from __future__ import annotations

import enum
import sys
import unicodedata
from typing import Any, TextIO

import attrs

UNPRINTABLE = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
"""Unicode categories shown escaped: control, format, surrogate, line and paragraph
separators."""

_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escaped(char: str) -> str:
    short = _SHORT.get(char)
    if short is not None:
        return short
    point = ord(char)
    if point < 0x100:
        return f"\\x{point:02x}"
    if point < 0x10000:
        return f"\\u{point:04x}"
    return f"\\U{point:08x}"


def unprintable(char: str) -> bool:
    """Whether ``char`` is shown escaped."""
    return unicodedata.category(char) in UNPRINTABLE


def printable(text: str, keep: str = "") -> str:
    """``text`` with every unprintable character escaped, except those in ``keep``."""
    if text.isprintable():  # nearly always: nothing to do (unprintable ⊂ not isprintable)
        return text
    return "".join(
        char if char in keep or not unprintable(char) else _escaped(char) for char in text
    )


def printable_json(text: str) -> str:
    """A JSON text (as :func:`json.dumps` writes it, ``ensure_ascii=False``) with every
    unprintable character written as a JSON escape: the same JSON value, safe to show.

    JSON's own syntax is ASCII and its control characters are escaped already, so what is
    left is inside strings, where ``\\uXXXX`` means the same character."""
    return "\n".join(map(_json_line, text.split("\n")))


def _json_line(line: str) -> str:
    if line.isprintable():
        return line
    out = []
    for char in line:
        if not unprintable(char):
            out.append(char)
            continue
        point = ord(char)
        if point < 0x10000:
            out.append(f"\\u{point:04x}")
        else:  # a surrogate pair, as JSON writes a character beyond the BMP
            point -= 0x10000
            out.append(f"\\u{0xD800 + (point >> 10):04x}\\u{0xDC00 + (point & 0x3FF):04x}")
    return "".join(out)


def printable_fields(value: Any) -> Any:
    """``value`` (an attrs object, or containers of them) with each text in it made
    :func:`printable`: for reports whose ``as_text`` joins fields into lines, so that a
    line break inside a name cannot make a line of its own. Enumerations, dates and
    numbers are left as they are."""
    if isinstance(value, enum.Enum):
        return value
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # a named tuple
        return type(value)(*(printable_fields(v) for v in value))
    if isinstance(value, tuple | list):
        return type(value)(printable_fields(v) for v in value)
    if isinstance(value, dict):
        return {k: printable_fields(v) for k, v in value.items()}
    if attrs.has(type(value)):
        changes = {
            field.alias: printable_fields(getattr(value, field.name))
            for field in attrs.fields(type(value))
            if field.init
        }
        try:
            return attrs.evolve(value, **changes)
        except (TypeError, ValueError):  # a validator that refuses the escaped text
            return value
    return value


class EscapedOutput:
    """A text stream that passes on what it is given with every unprintable character
    escaped but line breaks and tabs: the standard output of the command line, so that no
    command, whatever it prints, sends a terminal escape or a bidi override to the screen.
    (Texts the commands print are escaped field by field already; this is the net under
    them.) Everything but :meth:`write` and :meth:`writelines` is the stream's own."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        if not text.isprintable():
            text_shown = "\n".join(printable(line, keep="\t") for line in text.split("\n"))
            self._stream.write(text_shown)
        else:
            self._stream.write(text)
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def emit(text: str, *, file: TextIO | None = None) -> None:
    """Print ``text`` (lines of ours, fields escaped already or not): every unprintable
    character escaped but the line breaks."""
    print("\n".join(map(printable, text.split("\n"))), file=file or sys.stdout)
