"""Who an entry is about: reading a number as an identifier, and telling whether two
entries (of different sources) list the same subject.

The same subject is recognised across lists by its identifiers first — the unified social
credit code, the organisation code (which a credit code embeds, characters 9 to 17, so an
organisation listed by its old code is matched with the same one listed by its credit
code), the resident identity number (a masked one, as published, against a full one by
its visible parts *and* the name) — and, when the two entries carry no identifiers that
can be compared, by normalised name within a region
(:func:`govservice.blacklists.names.normalise`).
"""

from __future__ import annotations

import re

from govservice.blacklists.names import normalise
from govservice.model import BlacklistEntry, IdentifierKind, Party, PartyKind
from govservice.model.identifiers import (
    is_masked_ric,
    mask_ric,
    normalise_organisation_code,
    normalise_ric,
    organisation_code_of,
    organisation_code_problem,
    ric_problem,
    uscc_problem,
)

_RIC_SHAPE = re.compile(r"[0-9]{17}[0-9X]|[0-9]{10}\*{4}[0-9]{3}[0-9X]")


def identify(number: str) -> tuple[IdentifierKind, str]:
    """The kind of identifier ``number`` is, and the number as stored: a unified social
    credit code, a resident identity number (full or masked; a lowercase ``x`` made a
    capital) or an organisation code (its hyphen dropped: ``74240553-X`` → ``74240553X``).

    :raises ValueError: it is none of them, or its check character is wrong (the reason
        in the message, an identity number masked in it).
    """
    text = number.strip()
    upper = text.upper()
    if len(upper) == 18 and _RIC_SHAPE.fullmatch(upper):
        problem = ric_problem(upper)
        if problem is None:
            return IdentifierKind.RIC, normalise_ric(upper)
        if uscc_problem(upper) is None:
            return IdentifierKind.USCC, upper
        raise ValueError(problem)
    if len(upper) == 18:
        problem = uscc_problem(upper)
        if problem is None:
            return IdentifierKind.USCC, upper
        raise ValueError(problem)
    code = normalise_organisation_code(text)
    if len(code) == 9:
        problem = organisation_code_problem(code)
        if problem is None:
            return IdentifierKind.ORGANISATION_CODE, code
        raise ValueError(problem)
    raise ValueError(
        f"{number!r} is not a unified social credit code (18 characters), a resident "
        "identity number (18, or masked 10 + **** + 4) or an organisation code (9, "
        "8 + a check character)"
    )


def organisation_code(party: Party) -> str | None:
    """The organisation code of an enterprise: given, or the one its credit code embeds."""
    identifier = party.identifier
    if identifier.kind is IdentifierKind.ORGANISATION_CODE:
        return identifier.number
    if identifier.kind is IdentifierKind.USCC:
        return organisation_code_of(identifier.number)
    return None


def region_of(entry: BlacklistEntry) -> str | None:
    """The subject's region: the entry's, else the one a credit code embeds (characters 3
    to 8), else None."""
    if entry.subject_region is not None:
        return entry.subject_region
    identifier = entry.subject.identifier
    if identifier.kind is IdentifierKind.USCC:
        return identifier.number[2:8]
    return None


def _ric_match(a: Party, b: Party) -> bool | None:
    """Whether two persons' identity numbers name the same person (None: not comparable).
    Two full numbers: equal. A masked one: its visible parts, and the same name."""
    x, y = a.identifier, b.identifier
    if x.kind is not IdentifierKind.RIC or y.kind is not IdentifierKind.RIC:
        return None
    if not (is_masked_ric(x.number) or is_masked_ric(y.number)):
        return x.number == y.number
    if mask_ric(x.number) != mask_ric(y.number):
        return False
    return normalise(a.name) == normalise(b.name)


def same_subject(a: BlacklistEntry, b: BlacklistEntry) -> bool:
    """Whether two entries list the same subject (see the module's docstring)."""
    if a.subject.kind is not b.subject.kind:
        return False
    if a.subject.kind is PartyKind.ENTERPRISE:
        x, y = organisation_code(a.subject), organisation_code(b.subject)
        if x is not None and y is not None:
            return x == y
    else:
        matched = _ric_match(a.subject, b.subject)
        if matched is not None:
            return matched
        x_id, y_id = a.subject.identifier, b.subject.identifier
        if x_id.kind is y_id.kind:  # two passports, two other documents
            return x_id.number == y_id.number
    region_a, region_b = region_of(a), region_of(b)
    return (
        region_a is not None
        and region_a == region_b
        and normalise(a.subject.name) == normalise(b.subject.name)
    )
