"""Region codes of items checked against the GB/T 2260 table python-stdnum ships.

A code must be one the table holds in some period: a code since retired (Kenli County
370521, a district since 2016) stays valid, since a catalog of 2015 names it. ``100000``
stands for the whole country (国家级). A region agrees with the level of government:
a province ends in ``0000`` (370000), a city in ``00`` (370500), and a county, township
or village item carries its county's code (370523): a township has no code of six digits.
"""

from __future__ import annotations

import functools

from stdnum import numdb

NATIONAL_REGION = "100000"
"""The code an item of the national level (国家级) carries."""


@functools.lru_cache(maxsize=4096)
def in_table(code: str) -> bool:
    """Whether stdnum's GB/T 2260 table holds ``code`` (six digits) in any period."""
    if not (len(code) == 6 and code.isascii() and code.isdigit()):
        return False
    return any("county" in properties for _, properties in numdb.get("cn/loc").info(code))


NATIONAL_NAME = "全国"
"""The name :func:`region_name` gives :data:`NATIONAL_REGION`."""


@functools.lru_cache(maxsize=4096)
def region_name(code: str) -> str:
    """The name GB/T 2260 gives ``code`` (``370523`` → 广饶县, ``370500`` → 东营市), the
    latest where it was renamed; a code since retired keeps the name it had (``370521`` →
    垦利县); ``100000`` is 全国; a code the table does not hold is its own name."""
    if code == NATIONAL_REGION:
        return NATIONAL_NAME
    if not (len(code) == 6 and code.isascii() and code.isdigit()):
        return code
    names = [
        properties["county"]
        for _, properties in numdb.get("cn/loc").info(code)
        if "county" in properties
    ]
    if not names:
        return code
    return names[-1].split("]", 1)[1] if names[-1].startswith("[") else names[-1]


def region_label(code: str) -> str:
    """How what a clerk reads names a region: its name and its code (``广饶县（370523）``),
    the code alone where the table has no name for it."""
    name = region_name(code)
    return code if name == code else f"{name}（{code}）"


def region_problem(code: str) -> str | None:
    """Why ``code`` is not a region code an item may name, or None."""
    if code == NATIONAL_REGION or in_table(code):
        return None
    return f"{code} is not in the GB/T 2260 table of region codes (行政区划代码)"


def level_of(code: str) -> str:
    """The kind of region ``code`` names: national, province, city or county."""
    if code == NATIONAL_REGION:
        return "national"
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "county"


_REGION_OF_LEVEL = {
    "national": "national",
    "province": "province",
    "city": "city",
    "county": "county",
    "township": "county",
    "village": "county",
}

_FORM = {
    "national": "100000",
    "province": "a province's code (xx0000, e.g. 370000)",
    "city": "a city's code (xxxx00, e.g. 370500)",
    "county": "a county's code (e.g. 370523)",
}


def level_problem(code: str, level: str) -> str | None:
    """Why an item of ``level`` (a :class:`~govservice.model.HandlingLevel` value) cannot
    carry the region ``code``, or None when they agree."""
    wanted = _REGION_OF_LEVEL.get(level)
    if wanted is None or level_of(code) == wanted:
        return None
    return f"an item of the {level} level carries {_FORM[wanted]}, not {code}"
