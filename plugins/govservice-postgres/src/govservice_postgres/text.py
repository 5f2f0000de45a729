"""Text that PostgreSQL cannot hold as it is: NUL.

The model and the schemas accept any text, and SQLite stores a NUL character like any
other; PostgreSQL's ``text`` refuses it. So every text value written to an indexed column
or compared with one goes through :func:`encode`, which rewrites U+0000 as U+0001 U+0001
and U+0001 as U+0001 U+0002. The mapping keeps equality and code point order (what the
"C" collation compares), so filters, orders and pages are those of the original text, and
:func:`decode` gives the original back. Other text, nearly all of it, is unchanged.

Documents are unaffected: JSON text never holds a raw control character (JSON escapes
them), so the ``doc`` column keeps the exact text written.
"""

from __future__ import annotations

import re
from typing import Any

_ENCODED = re.compile("\x01([\x01\x02])")


def encode(value: Any) -> Any:
    """``value`` with each text in it (in a tuple or list too) made storable."""
    if isinstance(value, str):
        if "\x00" in value or "\x01" in value:
            return value.replace("\x01", "\x01\x02").replace("\x00", "\x01\x01")
        return value
    if isinstance(value, tuple | list):
        return type(value)(encode(item) for item in value)
    return value


def decode(value: Any) -> Any:
    """The text :func:`encode` was given."""
    if isinstance(value, str) and "\x01" in value:
        return _ENCODED.sub(lambda found: "\x00" if found.group(1) == "\x01" else "\x01", value)
    return value
