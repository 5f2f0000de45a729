"""The string formats of govservice documents, shared by the validators and the codec.

``cn-uscc`` and ``cn-ric`` are govservice's own JSON Schema formats (check digits by
python-stdnum); ``date`` and ``date-time`` follow RFC 3339 strictly.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from govservice.model.identifiers import RIC_PATTERN, USCC_PATTERN, ric_problem, uscc_problem

YUAN = re.compile(r"(0|[1-9][0-9]*)(\.[0-9]{1,2})?")
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
DATE_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?"
    r"([Zz]|[+-][0-9]{2}:[0-9]{2})"
)


_USCC_SHAPE = re.compile(USCC_PATTERN)
_RIC_SHAPE = re.compile(RIC_PATTERN)


def is_uscc(value: Any) -> bool:
    """Format ``cn-uscc``: a unified social credit code with a correct check character.

    A value not even of the code's shape is left to the schema's ``pattern`` to report,
    so one mistake gives one message.
    """
    if not isinstance(value, str) or not _USCC_SHAPE.search(value) or "\n" in value:
        return True
    return uscc_problem(value) is None


def is_ric(value: Any) -> bool:
    """Format ``cn-ric``: a resident identity number with a correct check digit (or masked);
    a value not of the number's shape is left to the ``pattern``."""
    if not isinstance(value, str) or not _RIC_SHAPE.search(value) or "\n" in value:
        return True
    return ric_problem(value) is None


def is_date(value: Any) -> bool:
    """Format ``date``: ``YYYY-MM-DD``, a real day."""
    if not isinstance(value, str):
        return True
    if not DATE.fullmatch(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def is_date_time(value: Any) -> bool:
    """Format ``date-time``: RFC 3339 with seconds and an offset."""
    if not isinstance(value, str):
        return True
    if not DATE_TIME.fullmatch(value):
        return False
    try:
        dt.datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


CUSTOM_FORMATS = {"cn-uscc": is_uscc, "cn-ric": is_ric}
"""The formats the compiled validator gets from Python (it checks dates itself)."""

ALL_FORMATS = {**CUSTOM_FORMATS, "date": is_date, "date-time": is_date_time}
"""Every format govservice uses, for the pure-Python reference engine."""
