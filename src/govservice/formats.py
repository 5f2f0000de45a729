"""The string formats of govservice documents, shared by the validators and the codec.

``cn-uscc`` and ``cn-ric`` are govservice's own JSON Schema formats (check digits by
python-stdnum); ``date`` and ``date-time`` follow RFC 3339 strictly.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from typing import Any

import attrs
from stdnum.cn import ric

from govservice.model.identifiers import (
    ORGANISATION_CODE_PATTERN,
    RIC_PATTERN,
    USCC_PATTERN,
    _uscc_checks,
    organisation_code_problem,
    ric_problem,
    uscc_problem,
)

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
    if type(value) is str and len(value) == 18 and _uscc_checks(value):
        # the usual value, a valid code: uscc_problem's verdict without its two caches,
        # which a list of 100,000 codes each seen once would only churn
        return True
    return _is_uscc_text(value) if isinstance(value, str) else True


@functools.lru_cache(maxsize=65536)
def _is_uscc_text(value: str) -> bool:
    """:func:`is_uscc` of a text, remembered: the same enterprises come back case after case."""
    if not _USCC_SHAPE.search(value) or "\n" in value:
        return True
    return uscc_problem(value) is None


def is_ric(value: Any) -> bool:
    """Format ``cn-ric``: a resident identity number with a correct check digit (or masked);
    a value not of the number's shape is left to the ``pattern``."""
    if type(value) is str and len(value) == 18 and _PLAIN_RIC.fullmatch(value):
        # the usual value, a whole number: ric_problem's verdict, without its messages
        return ric.calc_check_digit(value) == value[-1] and _ric_origin_known(value[:14])
    if not isinstance(value, str) or not _RIC_SHAPE.search(value) or "\n" in value:
        return True
    return ric_problem(value) is None


_PLAIN_RIC = re.compile(r"[0-9]{17}[0-9X]")


@functools.lru_cache(maxsize=65536)
def _ric_origin_known(head: str) -> bool:
    """Whether the first 14 digits of a resident identity number hold a region code and a
    birth date that :func:`ric_problem` accepts: asked of a number with that beginning
    and a correct check digit, it has nothing else to object to."""
    number = head + "000"
    return ric_problem(number + ric.calc_check_digit(number + "0")) is None


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
        parse_date_time(value)
    except ValueError:
        return False
    return True


def parse_date_time(value: str) -> dt.datetime:
    """The moment an RFC 3339 ``date-time`` (of :data:`DATE_TIME`'s form) names.

    A leap second, 23:59:60 UTC (written in any offset), is valid RFC 3339, and JSON
    Schema's ``date-time`` takes it; Python's :class:`~datetime.datetime` has no second 60,
    so it is read as the second before it, 23:59:59 UTC.

    :raises ValueError: not a real time (a 30 February, a second 60 at another time).
    """
    text = value.upper().replace("Z", "+00:00")
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        if text[17:19] != "60":
            raise
    moment = dt.datetime.fromisoformat(f"{text[:17]}59{text[19:]}")
    if (
        moment.utcoffset() is None
        or moment.astimezone(dt.UTC).time().replace(microsecond=0) != _LAST_SECOND
    ):
        raise ValueError(f"{value!r}: a leap second is 23:59:60 UTC, nothing else")
    return moment


_LAST_SECOND = dt.time(23, 59, 59)


def without_leap_second(value: str) -> str:
    """``value``, a valid ``date-time``, with a leap second written as the second before
    it (as :func:`parse_date_time` reads it): the text databases index and compare."""
    return f"{value[:17]}59{value[19:]}" if value[17:19] == "60" else value


@attrs.frozen
class DateWindow:
    """The years a date or a time in a record may lie in: 1949 to 2100 unless the
    configuration widens it (``validation.years``). A date outside is a typing mistake or
    an attack (year 0000 or 9999 breaks every computation of deadlines), never a record.
    """

    earliest: int = 1949
    latest: int = 2100

    def __attrs_post_init__(self) -> None:
        if not 1 <= self.earliest <= self.latest <= 9999:
            raise ValueError(f"years {self.earliest} to {self.latest} are not a window")

    @functools.cached_property
    def holds(self) -> Callable[[Any], bool]:
        """``holds(value)``: False only for a text that begins with a year (``YYYY-``)
        outside the window; anything else is the format's to judge."""
        low, high = f"{self.earliest:04d}", f"{self.latest:04d}"

        def holds(value: Any) -> bool:
            if type(value) is not str or value[4:5] != "-":
                return True
            year = value[:4]
            return low <= year <= high or not (year.isdigit() and year.isascii())

        holds.year_bounds = (low, high)  # type: ignore[attr-defined]
        """(a compiled plan compares the years inline, and calls only when outside)"""
        return holds

    def problem(self, value: str) -> str:
        """Why ``value`` (one that does not :attr:`hold`) is refused, in words."""
        return (
            f"{value[:40]!r} lies in the year {value[:4]}, outside {self.earliest} to "
            f"{self.latest}, the years a record may hold (a configuration may widen them: "
            "validation.years)"
        )


DEFAULT_WINDOW = DateWindow()
"""1949 to 2100."""


_ORGANISATION_CODE_SHAPE = re.compile(ORGANISATION_CODE_PATTERN)


def is_organisation_code(value: Any) -> bool:
    """Format ``cn-org-code``: an organisation code (GB 11714) with a correct check
    character; a value not of the code's shape is left to the ``pattern``."""
    if not isinstance(value, str) or not _ORGANISATION_CODE_SHAPE.search(value):
        return True
    return organisation_code_problem(value) is None


CUSTOM_FORMATS = {"cn-uscc": is_uscc, "cn-ric": is_ric, "cn-org-code": is_organisation_code}
"""The formats the compiled validator gets from Python (it checks dates itself)."""

ALL_FORMATS = {**CUSTOM_FORMATS, "date": is_date, "date-time": is_date_time}
"""Every format govservice uses, for the pure-Python reference engine."""
