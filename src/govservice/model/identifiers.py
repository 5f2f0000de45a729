"""Identifiers of people, organisations and places, checked with python-stdnum.

- unified social credit code (统一社会信用代码, GB 32100-2015): ``stdnum.cn.uscc``
- resident identity number (居民身份证号, GB 11643): ``stdnum.cn.ric``
- administrative region code (行政区划代码, GB/T 2260): six digits
- organisation code (组织机构代码, GB 11714-1997): 8 characters and a check character;
  python-stdnum has no module for it, so the check is here (:func:`organisation_code_problem`)

Published lists (a court's list of dishonest debtors) carry identity numbers masked as the
first 10 and the last 4 characters with ``****`` between; such a number keeps its length
of 18 and is accepted as masked, since its check digit can no longer be verified.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Any

from stdnum import numdb
from stdnum.cn import ric, uscc
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)

REGION_CODE_PATTERN = r"^[1-9][0-9]{5}$"
USCC_PATTERN = r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$"
RIC_PATTERN = r"^[0-9]{17}[0-9X]$|^[0-9]{10}\*{4}[0-9]{3}[0-9X]$"
ORGANISATION_CODE_PATTERN = r"^[0-9A-Z]{8}[0-9X]$"
MASK = "****"

_REGION_RE = re.compile(REGION_CODE_PATTERN.strip("^$"))
_USCC_RE = re.compile(USCC_PATTERN.strip("^$"))
_MASKED_RIC_RE = re.compile(r"[0-9]{10}\*{4}[0-9]{3}[0-9X]")


def is_region_code(value: object) -> bool:
    """True when ``value`` has the form of a GB/T 2260 region code (e.g. ``370523``)."""
    return isinstance(value, str) and _REGION_RE.fullmatch(value) is not None


def is_masked_ric(value: str) -> bool:
    """True when ``value`` is a resident identity number masked for publication."""
    return _MASKED_RIC_RE.fullmatch(value) is not None


def mask_ric(value: str) -> str:
    """Mask a resident identity number for anything public: first 10, ``****``, last 4.

    An already masked number is returned unchanged, so masking twice is harmless.
    """
    if is_masked_ric(value):
        return value
    if len(value) != 18:
        raise ValueError(f"a resident identity number has 18 characters, not {len(value)}")
    return value[:10] + MASK + value[14:]


_IDENTITY_IN_TEXT = re.compile(r"(?<![0-9])([0-9]{10})[0-9]{4}([0-9]{3}[0-9Xx])(?![0-9A-Za-z])")


def mask_identity_numbers(text: str) -> str:
    """``text`` with everything shaped like a resident identity number masked, for any
    message, log line or page that may be read by someone else.

    A unified social credit code made of 18 digits has that shape too; it is public and
    left as it is when its check character is right (GB 32100-2015) and it could not be
    an identity number (GB 11643: region, birth date), not even one with a mistyped check
    digit. A number that could be both is masked: it may be someone's."""
    return _IDENTITY_IN_TEXT.sub(_masked_unless_credit_code, text)


def _masked_unless_credit_code(match: re.Match[str]) -> str:
    number = match[0]
    if is_public_credit_code(number):
        return number
    return f"{match[1]}{MASK}{match[2]}"


def is_public_credit_code(value: str) -> bool:
    """Whether ``value`` is a valid unified social credit code that could not be a
    resident identity number, whatever its check digit (by govservice's check or
    stdnum's), so that showing it in full discloses no one's identity number."""
    if len(value) != 18 or uscc_problem(value) is not None:
        return False
    if not value[:17].isdigit():
        return True  # a letter before the last character: no identity number
    corrected = value[:17] + ric.calc_check_digit(value)  # (it reads the first 17)
    return ric_problem(corrected) is not None and not ric.is_valid(corrected)


def mask_evidence_number(value: str) -> str:
    """Mask the number of a certificate shown as evidence (残疾人证, 优待证, 低保证 ...) for
    anything public: a number of 15 characters or more as an identity number (the first
    10, ``****``, from the 15th on: a 残疾人证 number is the holder's identity number and
    two digits more), a shorter one down to its first and last 2 characters (at least 4
    hidden), one of 7 characters or fewer wholly. A masked number stays as it is."""
    if MASK in value:
        return value
    if len(value) >= 15:
        return value[:10] + MASK + value[14:]
    if len(value) >= 8:
        return value[:2] + MASK + value[-2:]
    return MASK


EVIDENCE_FIELDS = frozenset({"evidence_number"})
"""Fields of documents that hold the number of a certificate shown as evidence: masked
by :func:`mask_evidence_number` whatever they look like."""

CODE_FIELDS = frozenset(
    {
        *("id", "code", "item_code", "station_code", "parent_code", "tracking_code"),
        *("project_id", "region", "regions", "staff_number", "cases", "items", "plugin"),
    }
)
"""Fields of documents that hold codes (of a case, an item, a station, a material ...):
never masked, whatever they look like. A code may happen to have the shape, even the
check digit, of an identity number (``11370500004275432Y`` is not anyone's)."""


def mask_document(document: Any) -> Any:
    """A copy of a JSON ``document`` fit to be shown to someone else: identity numbers
    masked in the fields that hold them, and anything shaped like one masked in free
    text; codes (:data:`CODE_FIELDS`) and unified social credit codes left as they are.

    An identifier ``{"kind": "ric", "number": ...}`` has its number masked however it is
    written (:func:`mask_ric`; a malformed one keeps at most its first 6 characters); the
    number of a certificate shown as evidence (:data:`EVIDENCE_FIELDS`) by
    :func:`mask_evidence_number`.
    """
    if isinstance(document, str):
        return mask_identity_numbers(document)
    if isinstance(document, list):
        return [mask_document(value) for value in document]
    if not isinstance(document, dict):
        return document
    kind, number = document.get("kind"), document.get("number")
    masked: dict[str, Any] = {}
    for key, value in document.items():
        if key in CODE_FIELDS:
            masked[key] = value
        elif key in EVIDENCE_FIELDS and isinstance(value, str):
            masked[key] = mask_evidence_number(value)
        elif key == "number" and isinstance(number, str) and kind in ("ric", "uscc"):
            masked[key] = number if kind == "uscc" else _mask_any_ric(number)
        else:
            masked[key] = mask_document(value)
    return masked


def _mask_any_ric(value: str) -> str:
    if len(value) == 18:
        return mask_ric(value)
    return value[:10] + MASK + value[14:] if len(value) > 14 else value[:6] + MASK


_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUES = {character: value for value, character in enumerate(_USCC_ALPHABET)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_DIGITS = frozenset("0123456789")


def _uscc_checks(value: str) -> bool:
    """Whether ``value`` (18 characters) passes what ``stdnum.cn.uscc.validate`` checks, as
    it is written (8 digits, then characters of the code's alphabet, the check character
    of GB 32100-2015: 31 less the weighted sum modulo 31) without its cleaning, at a
    seventh of its cost; False sends the value to stdnum, which says what is wrong."""
    if not _DIGITS.issuperset(value[:8]):
        return False
    try:
        total = sum(map(int.__mul__, map(_USCC_VALUES.__getitem__, value[:17]), _USCC_WEIGHTS))
        return _USCC_VALUES[value[17]] == -total % 31
    except KeyError:
        return False


@functools.lru_cache(maxsize=65536)
def uscc_problem(value: str) -> str | None:
    """Why ``value`` is not a valid unified social credit code, or None when it is.

    Results are cached: the same enterprises come back on case after case.
    """
    if len(value) != 18:
        return f"unified social credit code {value}: has {len(value)} characters, not 18"
    if not _USCC_RE.fullmatch(value):
        return (
            f"unified social credit code {value}: not of the form of GB 32100-2015 "
            "(2 characters, a 6-digit region code, 10 characters; digits and capital "
            "letters other than I, O, Z, S, V)"
        )
    if _uscc_checks(value):  # the common case, without stdnum's cleaning (issue 15, B3)
        return None
    try:
        uscc.validate(value)
    except InvalidChecksum:
        expected = uscc.calc_check_digit(value[:-1])
        return (
            f"unified social credit code {value}: check character is {value[-1]!r}, "
            f"expected {expected!r} (GB 32100-2015)"
        )
    except InvalidLength:
        return f"unified social credit code {value}: has {len(value)} characters, not 18"
    except (InvalidFormat, InvalidComponent):
        return (
            f"unified social credit code {value}: not of the form of GB 32100-2015 "
            "(digits and capital letters other than I, O, Z, S, V)"
        )
    except ValidationError as error:  # pragma: no cover - stdnum adds kinds rarely
        return f"unified social credit code {value}: {error}"
    return None


def ric_problem(value: str) -> str | None:
    """Why ``value`` is not a valid resident identity number, or None when it is.

    The check digit (ISO 7064 MOD 11-2) and the birth date are checked with stdnum, and
    the first six digits must be a region code stdnum knows in any period: a number keeps
    the code of the place where it was first issued, which may since have been renamed
    (Guangrao was 372327 before 1983), so the code need not be valid in the birth year.
    A number masked for publication is accepted (its check digit is gone).
    """
    if is_masked_ric(value):
        return None
    if len(value) != 18:
        return f"resident identity number: has {len(value)} characters, not 18"
    shown = mask_ric(value)
    if not _RIC_RE.fullmatch(value):
        return f"resident identity number {shown}: must be 17 digits and a digit or X"
    expected = ric.calc_check_digit(value)  # stdnum skips the last character
    if value[-1] != expected:
        return (
            f"resident identity number {shown}: check digit is {value[-1]!r}, "
            f"expected {expected!r} (GB 11643, ISO 7064 MOD 11-2)"
        )
    try:
        dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return f"resident identity number {shown}: the birth date in it is not a real date"
    if not _region_known(value[:6]):
        return f"resident identity number {shown}: {value[:6]} is not a GB/T 2260 region code"
    return None


_RIC_RE = re.compile(r"[0-9]{17}[0-9X]")


@functools.lru_cache(maxsize=8192)
def _region_known(region: str) -> bool:
    """Whether stdnum's GB/T 2260 table has ``region`` as a county, in any period."""
    found = numdb.get("cn/loc").info(region)
    return any("county" in properties for _, properties in found)


# --- organisation codes (组织机构代码, GB 11714-1997) ---------------------------------------

ORGANISATION_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
"""The weights of the 8 body characters of an organisation code (GB 11714-1997, 4.2)."""
_ORGANISATION_CODE_RE = re.compile(r"[0-9A-Z]{8}[0-9X]")
_ORGANISATION_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def organisation_code_check_character(body: str) -> str:
    """The check character of the 8-character body of an organisation code.

    GB 11714-1997 (全国组织机构代码编制规则), 4.2: each character has a value (digits their
    own, ``A`` to ``Z`` 10 to 35), weighted 3, 7, 9, 10, 5, 8, 4, 2; the check value is
    ``11 - (sum mod 11)``, written ``X`` for 10 and ``0`` for 11.
    """
    total = sum(
        _ORGANISATION_ALPHABET.index(character) * weight
        for character, weight in zip(body, ORGANISATION_CODE_WEIGHTS, strict=True)
    )
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def normalise_organisation_code(value: str) -> str:
    """An organisation code as stored: 9 characters, capitals, without the hyphen it is
    usually written with (``74240553-X`` becomes ``74240553X``)."""
    return value.strip().replace("-", "").replace("\u2010", "").upper()


def format_organisation_code(value: str) -> str:
    """An organisation code as written on certificates and published lists: ``74240553-X``."""
    return f"{value[:8]}-{value[8:]}" if len(value) == 9 else value


def shown_number(kind: str, number: str) -> str:
    """A subject's number (of identifier ``kind``) as what is shown to a clerk or the
    public writes it: an identity number masked (10 + ``****`` + 4), an organisation code
    with its hyphen (``74240553-X``), any other as it is."""
    if kind == "ric" and len(number) == 18:
        return mask_ric(number)
    if kind == "org_code":
        return format_organisation_code(number)
    return number


@functools.lru_cache(maxsize=8192)
def organisation_code_problem(value: str) -> str | None:
    """Why ``value`` (normalised: 9 characters, no hyphen) is not a valid organisation
    code, or None when it is (GB 11714-1997: 8 digits or capital letters, then a check
    digit or ``X``)."""
    if len(value) != 9:
        return f"organisation code {value}: has {len(value)} characters, not 9 (write it without the hyphen)"
    if not _ORGANISATION_CODE_RE.fullmatch(value):
        return (
            f"organisation code {value}: not of the form of GB 11714-1997 (8 digits or "
            "capital letters, then a check digit or X)"
        )
    expected = organisation_code_check_character(value[:8])
    if value[-1] != expected:
        return (
            f"organisation code {value}: check character is {value[-1]!r}, expected "
            f"{expected!r} (GB 11714-1997)"
        )
    return None


def organisation_code_of(credit_code: str) -> str:
    """The organisation code a unified social credit code embeds: its characters 9 to 17
    (GB 32100-2015, 4: the 主体标识码 is the organisation code)."""
    return credit_code[8:17]


def normalise_ric(value: str) -> str:
    """A resident identity number as stored: a lowercase ``x`` (as some lists publish it)
    made a capital, surrounding blanks dropped; a masked one keeps its ``****``."""
    return value.strip().upper()
