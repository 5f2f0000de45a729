"""The court's list of dishonest debtors (失信被执行人名单) in the shape the court publishes.

The Supreme People's Court publishes each listing (中国执行信息公开网, zxgk.court.gov.cn) as
one JSON object with these keys (:data:`PUBLISHED_KEYS`), every value text unless said;
each is read into a field of its own of the entry (:class:`~govservice.model.CourtRecord`
is ``entry.court``):

- ``id``: the court's own number of the listing (an integer); into ``court.published_id``
- ``iname``: 被执行人姓名/名称; into ``subject.name``
- ``caseCode``: 案号, ``(2019)皖1122执1194号``; into ``court.case_number`` and
  ``source.record_id``
- ``age``: 年龄 (an integer; 0 for an organisation); into ``court.age``
- ``sexy``: 性别 (男, 女; empty for an organisation); into ``court.sex``
- ``cardNum``: 身份证号码 (masked 10 + ``****`` + 4), or 组织机构代码 / 统一社会信用代码;
  into ``subject.identifier``
- ``businessEntity``: 法定代表人或者负责人姓名; into ``court.legal_representative``
- ``courtName``: 执行法院; into ``court.court`` and ``authority``
- ``areaName``: 省份; into ``court.province``
- ``partyTypeName``: the court's party type, as published; into ``court.party_type``
- ``gistId``: 执行依据文号; into ``court.enforcement_basis_number``
- ``regDate``: 立案时间 (``2015年03月02日``); into ``court.filed_on``
- ``gistUnit``: 做出执行依据单位; into ``court.enforcement_basis_unit``
- ``duty``: 生效法律文书确定的义务; into ``court.obligation``
- ``performance``: 被执行人的履行情况 (全部未履行, 部分未履行 …); into ``court.performance``
- ``performedPart``: 已履行部分; into ``court.performed_part``
- ``unperformPart``: 未履行部分; into ``court.unperformed_part``
- ``disreputTypeName``: 失信被执行人行为具体情形, comma-separated; into ``court.dishonest_conduct`` (a list)
- ``publishDate``: 发布时间 (``2015年06月12日``); into ``court.published_on``, ``listed_on``
  and ``penalty_from``
- ``qysler``: an organisation's persons, ``[{"iname", "cardNum", "corporationtypename"}]``;
  into ``court.related_parties``

A file of the court's list (:func:`read_file`) is a JSON array of such objects, or an
object whose ``records`` (or ``data``) is one. Each listing is checked field by field
(:class:`~govservice.errors.CourtListError` names the file, the record, the key and what
is wrong; :func:`read_entries` lists every problem and returns nothing then).
``disruptTypeName`` (the spelling of some copies of the list) is read as
``disreputTypeName``; dates are read as ``2015年06月12日``, ``2015-06-12`` or ``20150612``;
a lowercase ``x`` ending an identity number becomes ``X``; an organisation code is stored
without its hyphen. A debtor is a person when a sex, an age or an identity number is
published, else an organisation (identified by its credit code or organisation code).

The entry of a listing (:func:`entry_of`) is of the source kind ``court``, its record id
the case number, its id derived from the case number and the debtor
(:func:`court_entry_id`: the same listing always gets the same id), listed and barring its
subject from the publication date until the court removes it.

:func:`published_record` writes an entry back in the court's shape, unchanged except that
identity numbers are masked (:func:`~govservice.model.identifiers.mask_ric`, the related
persons' too), dates are written ``2015年06月12日`` and an organisation code
``16541727-7``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from govservice.model import (
    BlacklistEntry,
    CourtRecord,
    Identifier,
    IdentifierKind,
    ListingSource,
    Party,
    PartyKind,
    RelatedParty,
    Sex,
    SourceKind,
)
from govservice.model.identifiers import (
    format_organisation_code,
    is_masked_ric,
    mask_identity_numbers,
    mask_ric,
    normalise_organisation_code,
    normalise_ric,
    ric_problem,
)

PUBLISHED_KEYS = (
    "id",
    "iname",
    "caseCode",
    "age",
    "sexy",
    "cardNum",
    "businessEntity",
    "courtName",
    "areaName",
    "partyTypeName",
    "gistId",
    "regDate",
    "gistUnit",
    "duty",
    "performance",
    "performedPart",
    "unperformPart",
    "disreputTypeName",
    "publishDate",
    "qysler",
)
"""The keys of a listing as the court publishes it, in its order."""

ALIASES = {"disruptTypeName": "disreputTypeName", "sexname": "sexy"}
"""Other spellings of a key found in copies of the list, and the key they stand for."""

REQUIRED = ("iname", "caseCode", "cardNum", "courtName", "publishDate")
"""What a listing cannot be read without: who, which case, which court, when published."""

SITUATION_SEPARATOR = ","
"""How the court separates the situations of dishonest conduct in ``disreputTypeName``."""

_SPLIT = re.compile(r"[,，]")
_DATE_FORMS = (
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日"),
    re.compile(r"(\d{4})-(\d{2})-(\d{2})"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)
_FULL_RIC = re.compile(r"[0-9]{17}[0-9X]")
_SEXES = {"男": Sex.MALE, "女": Sex.FEMALE}


def _error(message: str, where: str) -> Exception:
    from govservice.errors import CourtListError

    return CourtListError(message, where=where)


def _file_error(message: str, where: str) -> Exception:
    from govservice.errors import SourceFileError

    return SourceFileError(message, where=where)


def _text(record: Mapping[str, Any], key: str, where: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise _error(f"{key}: {value!r} is not text", where)
    text = str(value).strip()
    return text or None


def published_date(text: str | None, key: str, where: str) -> dt.date | None:
    """The date of a published date text (``2015年06月12日``, ``2015-06-12``, ``20150612``)."""
    if text is None:
        return None
    for form in _DATE_FORMS:
        match = form.fullmatch(text)
        if match:
            try:
                return dt.date(*(int(part) for part in match.groups()))
            except ValueError:
                break
    raise _error(f"{key}: {text!r} is not a date (2015年06月12日)", where)


def date_text(day: dt.date | None) -> str:
    """A date as the court publishes it: ``2015年06月12日`` (empty for None)."""
    return "" if day is None else f"{day.year:04d}年{day.month:02d}月{day.day:02d}日"


def _identifier(number: str, person: bool, where: str) -> Identifier:
    if person:
        return Identifier(kind=IdentifierKind.RIC, number=normalise_ric(number))
    code = normalise_organisation_code(number)
    if len(code) == 9:
        return Identifier(kind=IdentifierKind.ORGANISATION_CODE, number=code)
    return Identifier(kind=IdentifierKind.USCC, number=number.upper())


def _is_person(record: Mapping[str, Any]) -> bool:
    number = str(record.get("cardNum") or "").strip().upper()
    return bool(
        (record.get("sexy") or "").strip()
        or record.get("age") not in (None, "", 0, "0")
        or is_masked_ric(number)
        or (_FULL_RIC.fullmatch(number) and ric_problem(number) is None)
    )


def parse_record(record: Any, where: str = "<record>") -> tuple[Party, CourtRecord]:
    """The debtor (name and number as published) and the court's record of a listing
    read from the court's published shape.

    :raises CourtListError: a key is missing, unknown, or holds what it cannot (naming it).
    """
    if not isinstance(record, Mapping):
        raise _error("a listing is an object of the court's keys (iname, caseCode …)", where)
    record = {ALIASES.get(key, key): value for key, value in record.items()}
    unknown = sorted(set(record) - set(PUBLISHED_KEYS))
    if unknown:
        raise _error(f"{unknown[0]}: not a key of the court's list", where)
    for key in REQUIRED:
        if not _text(record, key, where):
            raise _error(f"{key}: missing (the court publishes it)", where)
    listing_id = record.get("id")
    if listing_id is not None and (
        isinstance(listing_id, bool) or not isinstance(listing_id, int)
    ):
        raise _error(f"id: {listing_id!r} is not the court's number of the listing", where)
    age = record.get("age")
    if isinstance(age, str) and age.strip().isdigit():
        age = int(age)
    if age in ("", None):
        age = None
    if age is not None and (
        isinstance(age, bool) or not isinstance(age, int) or not 0 <= age < 150
    ):
        raise _error(f"age: {age!r} is not an age", where)
    sex = _text(record, "sexy", where)
    if sex not in (None, *_SEXES):
        raise _error(f"sexy: {sex!r} is not 男 or 女", where)
    situations = tuple(
        part.strip()
        for part in _SPLIT.split(_text(record, "disreputTypeName", where) or "")
        if part.strip()
    )
    related = []
    for index, person in enumerate(record.get("qysler") or ()):
        at = f"{where}: qysler.{index}"
        if not isinstance(person, Mapping) or not _text(person, "iname", at):
            raise _error("a related person is an object with iname", at)
        number = _text(person, "cardNum", at)
        related.append(
            RelatedParty(
                name=_text(person, "iname", at) or "",
                card_number=None if number is None else normalise_ric(number),
                role=_text(person, "corporationtypename", at),
            )
        )
    person = _is_person(record)
    number = _text(record, "cardNum", where) or ""
    try:
        subject = Party(
            kind=PartyKind.PERSON if person else PartyKind.ENTERPRISE,
            name=_text(record, "iname", where) or "",
            identifier=_identifier(number, person, where),
        )
    except ValueError as error:
        raise _error(f"cardNum: {mask_identity_numbers(str(error))}", where) from None
    try:
        court = CourtRecord(
            case_number=_text(record, "caseCode", where) or "",
            court=_text(record, "courtName", where) or "",
            province=_text(record, "areaName", where),
            legal_representative=_text(record, "businessEntity", where),
            sex=None if sex is None else _SEXES[sex],
            age=age or None,
            enforcement_basis_number=_text(record, "gistId", where),
            enforcement_basis_unit=_text(record, "gistUnit", where),
            filed_on=published_date(_text(record, "regDate", where), "regDate", where),
            obligation=_text(record, "duty", where),
            performance=_text(record, "performance", where),
            performed_part=_text(record, "performedPart", where),
            unperformed_part=_text(record, "unperformPart", where),
            dishonest_conduct=situations,
            published_on=published_date(_text(record, "publishDate", where), "publishDate", where),
            published_id=listing_id,
            party_type=_text(record, "partyTypeName", where),
            related_parties=tuple(related),
        )
    except ValueError as error:
        raise _error(mask_identity_numbers(str(error)), where) from None
    return subject, court


def court_entry_id(region: str, case_number: str, subject: Party) -> str:
    """The id of the entry of a court's listing: ``court-{region}-{16 hex}``, the first 16
    hexadecimal digits of the SHA-256 of the case number and the debtor's number (one case
    may list several debtors, a company and its guarantor): the same listing always gets
    the same id, so loading a list twice changes nothing."""
    key = f"{case_number}|{subject.identifier.number}|{subject.name}"
    return f"court-{region}-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:16]}"


def entry_of(
    record: Any,
    *,
    region: str,
    received_at: dt.datetime | None = None,
    supplier: str | None = None,
    where: str = "<record>",
) -> BlacklistEntry:
    """The blacklist entry of one listing of the court's list, with its provenance: the
    source a court's list of ``region``, its record id the case number, received at
    ``received_at`` (the centre's clock) from ``supplier`` (who sent the list; default the
    listing's court). Listed, and barring its subject, from the publication date, until
    the court removes it (no end of its own).

    :raises CourtListError: the listing cannot be read (naming the key).
    """
    subject, court = parse_record(record, where)
    published = court.published_on
    assert published is not None  # REQUIRED
    situations = "；".join(court.dishonest_conduct)
    try:
        return BlacklistEntry(
            id=court_entry_id(region, court.case_number, subject),
            subject=subject,
            reason=f"失信被执行人：{situations}" if situations else "失信被执行人",
            authority=court.court,
            source=ListingSource(
                kind=SourceKind.COURT,
                region=region,
                record_id=court.case_number,
                name=supplier or court.court,
                received_at=received_at,
            ),
            listed_on=published,
            penalty_from=published,
            court=court,
        )
    except ValueError as error:
        raise _error(str(error), where) from None


def _masked(number: str | None, person: bool = True) -> str:
    if number is None:
        return ""
    return mask_ric(number) if person and _FULL_RIC.fullmatch(number) else number


def published_record(entry: BlacklistEntry) -> dict[str, Any]:
    """An entry of a court's list in the court's published shape (:data:`PUBLISHED_KEYS`,
    in order), its identity numbers masked (the debtor's and the related persons'), an
    organisation code written ``16541727-7``: what :func:`parse_record` read, given back.

    :raises ValueError: the entry holds no court's record.
    """
    court = entry.court
    if court is None:
        raise ValueError(f"entry {entry.id} is not from a court's list (it has no court record)")
    identifier = entry.subject.identifier
    person = entry.subject.kind is PartyKind.PERSON
    number = identifier.number
    if identifier.kind is IdentifierKind.ORGANISATION_CODE:
        number = format_organisation_code(number)
    return {
        "id": court.published_id,
        "iname": entry.subject.name,
        "caseCode": court.case_number,
        "age": court.age if court.age is not None else 0,
        "sexy": court.sex.label if court.sex is not None else "",
        "cardNum": _masked(number, person),
        "businessEntity": court.legal_representative or "",
        "courtName": court.court,
        "areaName": court.province or "",
        "partyTypeName": court.party_type or "",
        "gistId": court.enforcement_basis_number or "",
        "regDate": date_text(court.filed_on),
        "gistUnit": court.enforcement_basis_unit or "",
        "duty": court.obligation or "",
        "performance": court.performance or "",
        "performedPart": court.performed_part or "",
        "unperformPart": court.unperformed_part or "",
        "disreputTypeName": SITUATION_SEPARATOR.join(court.dishonest_conduct),
        "publishDate": date_text(court.published_on),
        "qysler": [
            {
                "cardNum": _masked(person_.card_number),
                "corporationtypename": person_.role or "",
                "iname": person_.name,
            }
            for person_ in court.related_parties
        ],
    }


def records_of(document: Any, where: str) -> Sequence[Any]:
    """The listings of a file of the court's list: a JSON array, or an object whose
    ``records`` (or ``data``) is one."""
    if isinstance(document, Mapping):
        for key in ("records", "data"):
            if isinstance(document.get(key), list):
                return document[key]
        raise _file_error(
            'the court\'s list is an array of listings (or {"records": [...]})', where
        )
    if not isinstance(document, list):
        raise _file_error("the court's list is an array of listings", where)
    return document


def read_file(path: str | Path, data: bytes | None = None) -> list[tuple[str, Any]]:
    """The listings of the court's list in the JSON file at ``path``, each with where it
    is (``FILE: record N``), as published (:func:`entry_of` reads each). ``data``: the
    file's bytes, read already.

    :raises SourceFileError: the file is not there, cannot be read, or is not a JSON array
        of listings; nothing is read then.
    """
    path = Path(path)
    try:
        text = (path.read_bytes() if data is None else data).decode("utf-8")
    except FileNotFoundError:
        raise _file_error("the court's list is not there", str(path)) from None
    except (OSError, UnicodeDecodeError) as error:
        raise _file_error(f"cannot be read: {error}", str(path)) from None
    try:
        document = json.loads(text)
    except ValueError as error:
        raise _file_error(f"not JSON: {error}", str(path)) from None
    return [
        (f"{path}: record {index + 1}", record)
        for index, record in enumerate(records_of(document, str(path)))
    ]


def read_entries(
    path: str | Path,
    *,
    data: bytes | None = None,
    region: str,
    received_at: dt.datetime | None = None,
    supplier: str | None = None,
) -> list[BlacklistEntry]:
    """Every listing of the court's list at ``path`` as an entry (:func:`entry_of`), all
    checked before any is returned.

    :raises CourtListError: naming the file, the record and the key of the first problem,
        every problem in its ``problems``.
    """
    from govservice.errors import CourtListError

    entries, problems = [], []
    for where, record in read_file(path, data):
        try:
            entries.append(
                entry_of(
                    record, region=region, received_at=received_at, supplier=supplier, where=where
                )
            )
        except CourtListError as error:
            problems.append(str(error))
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise CourtListError(problems[0] + more, problems=tuple(problems))
    return entries


def write_records(entries: Iterable[BlacklistEntry]) -> str:
    """The JSON text of a file of the court's list (an array) of the court entries among
    ``entries``, identity numbers masked."""
    records = [published_record(entry) for entry in entries if entry.court is not None]
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
