"""Screening (黑名单筛查): is this enterprise or person on a blacklist in force on a day?

``service.blacklists.screening`` (:class:`Screening`) matches a subject against every
entry of the store, whatever its source (our own list, the court's, the partner cities'):

- **exactly by identifier**: the unified social credit code (统一社会信用代码); the
  organisation code (组织机构代码), which a credit code embeds (characters 9 to 17), so a
  credit code matches an entry listed only by its organisation code and the reverse; the
  resident identity number (居民身份证号码); and a masked identity number as the court
  publishes it (10 + ``****`` + 4) against a full one, or another masked one, by its
  visible parts *plus* the name (the visible parts alone are shared by many people);
- **fuzzily by name**, with rapidfuzz (:func:`rapidfuzz.fuzz.ratio`, 0 to 100) over the
  normalised names (:func:`govservice.blacklists.names.normalise`), kept when the score
  reaches the threshold (``blacklists.screening.threshold`` in the configuration,
  :data:`DEFAULT_THRESHOLD` otherwise). A name is not matched against an entry whose
  identifier contradicts the subject's (another credit code, another identity number):
  two enterprises or two persons may share a name, not a number.

Each :class:`Match` says which features matched and gives its score (100 for an
identifier; the name's similarity otherwise); :meth:`Match.explain` says it in Chinese,
naming the entry and its source. A query may exclude entries already judged not to be the
subject (``exclude=``).

The index (:class:`Index`) is built in memory from the store once (exact: dictionaries;
fuzzy: the list of distinct normalised names for :func:`rapidfuzz.process.extract` and,
for many names at once, :func:`rapidfuzz.process.cdist`). It keeps of each entry what
matching reads (its keys, its name, the dates that say whether it is in force) in one
tuple, and the entry as its stored JSON text, decoded into the model only when a match's
``entry`` is asked for: 100,000 models would cost every full collection of the garbage
collector half a second. It is kept up to date from the trail: every write of a blacklist entry is a link of the trail (a chained kind), so each
screening reads only the links added since the last one and re-reads the entries they
name. Whether an entry is in force is asked of the entry on the day screened
(:meth:`~govservice.model.BlacklistEntry.in_force_on`): expiry needs no write.

Screening runs on its own where it matters:

- when an intermediary is selected: :meth:`Screening.bar_agencies`, which the
  supermarket's seam calls through ``service.blacklists.screen``;
- when a case is accepted for an item that requires it (``Item.requires_screening``):
  :func:`govservice.workflow.acceptance.screening_check`; a hit blocks, naming the entry
  and its source, unless a supervisor has overridden it with a reason on the case.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple

import attrs
from rapidfuzz import fuzz, process

from govservice.blacklists.names import normalise, normalise_uncached
from govservice.clock import SHANGHAI
from govservice.model import Party
from govservice.model.common import IdentifierKind, PartyKind
from govservice.model.identifiers import (
    MASK,
    mask_identity_numbers,
    mask_ric,
    normalise_organisation_code,
    normalise_ric,
    organisation_code_of,
    organisation_code_problem,
    ric_problem,
    uscc_problem,
)

__all__ = [
    "DEFAULT_THRESHOLD",
    "FEATURES",
    "Feature",
    "Index",
    "Match",
    "Result",
    "Screening",
    "Subject",
]

DEFAULT_THRESHOLD = 90.0
"""The name similarity (0 to 100) a fuzzy match must reach when the configuration sets
none (``blacklists.screening.threshold``)."""

_KIND = "blacklist-entry"
_SUBJECT_PREFIX = _KIND + "/"
_CHUNK = 128
"""Names screened per call of :func:`rapidfuzz.process.cdist` (128 × 100,000 scores of
one byte: 13 MB)."""

FEATURES: Mapping[str, str] = {
    "credit_code": "统一社会信用代码一致",
    "organisation_code": "组织机构代码一致",
    "identity_number": "身份证号码一致",
    "masked_identity_number": "身份证号码公开部分一致且姓名相同",
    "masked_visible_parts": "身份证号码公开部分一致",
    "name": "名称相同",
    "name_similar": "名称相似",
}
"""Each feature a match can rest on, and how it is said in Chinese."""

_IDENTIFIER_FEATURES = frozenset(
    ("credit_code", "organisation_code", "identity_number", "masked_identity_number")
)


# --- subjects ------------------------------------------------------------------------------


def _upper(value: str | None) -> str | None:
    value = (value or "").strip().upper()
    return value or None


@attrs.frozen(kw_only=True)
class Subject:
    """Who is screened: a name, identifiers, or both (any may be missing).

    Build one from a :class:`~govservice.model.Party` (an applicant, a bidder) with
    :meth:`of`, which also reads a bare number (a credit code, an organisation code, an
    identity number full or masked) or a mapping of these fields."""

    name: str | None = None
    credit_code: str | None = attrs.field(default=None, converter=_upper)
    """The unified social credit code (18 characters)."""
    organisation_code: str | None = attrs.field(
        default=None,
        converter=lambda v: normalise_organisation_code(v) if v else None,
    )
    """The organisation code (9 characters, written with or without its hyphen)."""
    identity_number: str | None = attrs.field(
        default=None,
        converter=lambda v: normalise_ric(v) if v else None,
        repr=lambda v: repr(v if v is None else mask_ric(v)),
    )
    """The resident identity number, full or masked as published (10 + ``****`` + 4)."""
    kind: PartyKind | None = attrs.field(
        default=None, converter=lambda v: None if v is None else PartyKind(v)
    )

    @classmethod
    def of(cls, value: Subject | Party | Mapping[str, Any] | str) -> Subject:
        """The subject ``value`` stands for (see the class)."""
        if isinstance(value, Subject):
            return value
        if isinstance(value, Party):
            return cls._of_identifier(
                value.identifier.kind, value.identifier.number, value.name, value.kind
            )
        if isinstance(value, str):
            return cls._of_text(value)
        return cls(**dict(value))

    @classmethod
    def _of_text(cls, text: str) -> Subject:
        """A bare number by its form and check digit (a credit code, an identity number,
        masked or not, an organisation code), else a name.

        :raises ScreeningError: a number of 18 or 9 characters that is none of them."""
        number = text.strip().upper().replace("-", "")
        if not (len(number) in (9, 18) and number.replace("*", "").isalnum()):
            return cls(name=text)
        if MASK in number:
            return cls(identity_number=number)
        if len(number) == 9:
            problems = [organisation_code_problem(number)]
            if problems[0] is None:
                return cls(organisation_code=number)
        else:
            # an identity number first: its region and birth date are checked too, so a
            # number of digits that passes both checks is far likelier a person's
            problems = [ric_problem(number), uscc_problem(number)]
            if problems[0] is None:
                return cls(identity_number=number)
            if problems[1] is None:
                return cls(credit_code=number)
        if any("\u4e00" <= char <= "\u9fff" for char in number):
            return cls(name=text)  # a name of 9 or 18 characters
        from govservice.errors import ScreeningError

        raise ScreeningError(
            f"{mask_ric(number) if len(number) == 18 else number} is no valid credit code, identity number or organisation "
            f"code: {mask_identity_numbers('; '.join(str(p) for p in problems))}"
        )

    @classmethod
    def _of_identifier(
        cls, kind: IdentifierKind, number: str, name: str | None, party: PartyKind | None
    ) -> Subject:
        if kind is IdentifierKind.USCC:
            return cls(name=name, credit_code=number, kind=party)
        if kind is IdentifierKind.ORGANISATION_CODE:
            return cls(name=name, organisation_code=number, kind=party)
        if kind is IdentifierKind.RIC:
            return cls(name=name, identity_number=number, kind=party)
        return cls(name=name, kind=party)

    @property
    def org_code(self) -> str | None:
        """The organisation code: given, or embedded in the credit code."""
        if self.organisation_code:
            return self.organisation_code
        if self.credit_code and len(self.credit_code) == 18:
            return organisation_code_of(self.credit_code)
        return None

    def describe(self) -> str:
        """The subject in a line, identity numbers masked."""
        parts = [self.name] if self.name else []
        if self.credit_code:
            parts.append(self.credit_code)
        elif self.organisation_code:
            parts.append(self.organisation_code)
        if self.identity_number:
            parts.append(mask_ric(self.identity_number))
        return " ".join(parts) or "（无）"


# --- what a match says ---------------------------------------------------------------------


class Feature(NamedTuple):
    """One feature a match rests on: its name (a key of :data:`FEATURES`), what was
    compared (identity numbers masked) and its score (0 to 100).

    (Named tuples, as the matches and results: screening makes hundreds of thousands a
    second, each in a fraction of what an attrs instance costs.)"""

    name: str
    detail: str
    score: float

    @property
    def label(self) -> str:
        return FEATURES[self.name]

    def to_json(self) -> dict[str, Any]:
        return {
            "feature": self.name,
            "label": self.label,
            "detail": self.detail,
            "score": self.score,
        }


class Match(NamedTuple):
    """A blacklist entry the subject matched, with the features it rests on and its score:
    100 when an identifier matched, otherwise the similarity of the names."""

    entry_id: str
    features: tuple[Feature, ...]
    score: float
    index: Index

    @property
    def entry(self) -> Any:
        """The :class:`~govservice.model.BlacklistEntry` matched."""
        return self.index.entry(self.entry_id)

    @property
    def by_identifier(self) -> bool:
        """Whether an identifier matched (not only the name)."""
        return any(feature.name in _IDENTIFIER_FEATURES for feature in self.features)

    def source_text(self) -> str:
        """The entry's source in Chinese: its kind, region, authority and record id."""
        return source_text(self.entry)

    def explain(self) -> str:
        """The match in Chinese, naming the entry and its source."""
        features = "；".join(
            f"{f.label}（{f.detail}）"
            if f.name != "name_similar"
            else f"{f.label} {f.score:g}（{f.detail}）"
            for f in self.features
        )
        return (
            f"列入黑名单 {self.entry.id}（{self.entry.subject.name}，来源：{self.source_text()}）："
            f"{features}；得分 {self.score:g}"
        )

    def reason(self) -> str:
        """Why the subject is barred, in a short Chinese line naming the entry, who listed
        it, its source and what matched: ``列入黑名单（BL-2015-0007，东营市公共资源交易
        监督管理办公室；来源：本级认定 370500；统一社会信用代码一致）``."""
        entry = self.entry
        source = entry.source
        where = f"{source.kind.label} {source.region}"
        if source.name and source.name != entry.authority:
            where += f"，{source.name}"
        if source.record_id:
            where += f"，原编号 {source.record_id}"
        matched = "、".join(dict.fromkeys(f.label for f in self.features))
        return f"列入黑名单（{entry.id}，{entry.authority}；来源：{where}；{matched}）"

    def to_json(self) -> dict[str, Any]:
        entry = self.entry
        return {
            "entry": entry.id,
            "name": entry.subject.name,
            "source": source_text(entry),
            "score": self.score,
            "by_identifier": self.by_identifier,
            "features": [feature.to_json() for feature in self.features],
            "explanation": self.explain(),
        }


def source_text(entry: Any) -> str:
    """Where ``entry`` comes from, in Chinese: ``法院失信被执行人名单 370500，东营市中级人民法院，
    案号 (2019)…``."""
    source = entry.source
    parts = [f"{source.kind.label} {source.region}", source.name or entry.authority]
    if source.record_id:
        parts.append(f"原编号 {source.record_id}")
    return "，".join(parts)


class Result(NamedTuple):
    """The screening of one subject on one day."""

    subject: Subject
    day: dt.date | None
    """The day screened; None: every entry, whether in force or not."""
    threshold: float
    matches: tuple[Match, ...]
    """Best first (score, then identifier matches before name matches, then entry id)."""
    excluded: tuple[str, ...] = ()
    """Entries that matched but were excluded by the query (judged not the subject)."""

    @property
    def hit(self) -> bool:
        return bool(self.matches)

    def explain(self) -> str:
        if not self.matches:
            return f"{self.subject.describe()}：未命中黑名单"
        return "；".join(match.explain() for match in self.matches)

    def to_json(self) -> dict[str, Any]:
        return {
            "subject": self.subject.describe(),
            "day": None if self.day is None else self.day.isoformat(),
            "threshold": self.threshold,
            "hit": self.hit,
            "matches": [match.to_json() for match in self.matches],
            "excluded": list(self.excluded),
        }


# --- the index -----------------------------------------------------------------------------


# What the index keeps of each entry: one tuple of texts, dates and flags (a tuple of such
# values is not tracked by the cyclic garbage collector, so 100,000 of them cost no
# collection a thing), the entry itself kept as its stored JSON text and decoded when
# asked for (:meth:`Index.entry`).
USCC, ORG, RIC, VISIBLE, NAME, PERSON, SHOWN, FROM, UNTIL, REVOKED = range(10)


def _day(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)


def _document_keys(document: Mapping[str, Any]) -> tuple:
    """What an entry (its stored document) is looked up by: credit code, organisation code
    (given, or the one a credit code embeds), full identity number, the visible parts of an
    identity number (full or masked), the normalised name, whether the subject is a
    person, its name as listed, and the dates :meth:`BlacklistEntry.in_force_on` reads."""
    subject = document["subject"]
    identifier = subject["identifier"]
    kind, number = identifier["kind"], identifier["number"]
    uscc = org = ric = visible = None
    if kind == IdentifierKind.USCC.value:
        uscc = number.upper()
        org = organisation_code_of(uscc)
    elif kind == IdentifierKind.ORGANISATION_CODE.value:
        org = normalise_organisation_code(number)
    elif kind == IdentifierKind.RIC.value:
        number = normalise_ric(number)
        ric = None if MASK in number else number
        visible = _visible(number)
    revocation = document.get("revocation")
    return (
        uscc,
        org,
        ric,
        visible,
        normalise_uncached(subject["name"]),  # each entry's once: no cache to churn
        subject["kind"] == PartyKind.PERSON.value,
        subject["name"],
        _day(document["penalty_from"]),
        _day(document.get("penalty_until")),
        None if revocation is None else _day(revocation["on"]),
    )


def _in_force(keys: tuple, day: dt.date) -> bool:
    """:meth:`BlacklistEntry.in_force_on` on the dates of ``keys`` (a test holds the two
    the same)."""
    revoked = keys[REVOKED]
    if (revoked is not None and revoked <= day) or day < keys[FROM]:
        return False
    until = keys[UNTIL]
    return until is None or day <= until


def _visible(number: str) -> str | None:
    """The parts of an identity number a published masked one shows: the first 10 and
    the last 4 characters."""
    return number[:10] + number[-4:] if len(number) == 18 else None


_LOOKUPS = ((USCC, "by_uscc"), (ORG, "by_org"), (RIC, "by_ric"), (VISIBLE, "by_visible"))


class Index:
    """The entries of the store, looked up by identifier and by name (see the module)."""

    def __init__(self, entries: Iterable[Any] = ()) -> None:
        self._keys: dict[str, tuple] = {}
        self._texts: dict[str, str] = {}
        self._decoded: dict[str, Any] = {}
        self.by_uscc: dict[str, tuple[str, ...]] = {}
        self.by_org: dict[str, tuple[str, ...]] = {}
        self.by_ric: dict[str, tuple[str, ...]] = {}
        self.by_visible: dict[str, tuple[str, ...]] = {}
        self.names: list[str] = []
        """The distinct normalised names, in the order first seen (rapidfuzz's choices)."""
        self.name_entries: list[tuple[str, ...]] = []
        """The ids of the entries of each name of :attr:`names`."""
        self._name_position: dict[str, int] = {}
        for entry in entries:
            self.put(entry)

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self._keys

    def __repr__(self) -> str:
        return f"<Index of {len(self)} blacklist entries>"

    def entry(self, entry_id: str) -> Any:
        """The :class:`~govservice.model.BlacklistEntry` of ``entry_id`` (decoded from its
        stored text on first asking; the last 10,000 asked for are kept)."""
        found = self._decoded.get(entry_id)
        if found is None:
            from govservice.codec import from_document
            from govservice.model import BlacklistEntry

            if len(self._decoded) >= 10_000:
                self._decoded.clear()
            document = json.loads(self._texts[entry_id])
            found = self._decoded[entry_id] = from_document(BlacklistEntry, document, check=False)
        return found

    def put(self, entry: Any) -> None:
        """Add ``entry`` (a :class:`~govservice.model.BlacklistEntry`), or replace the entry
        of its id."""
        from govservice.codec import to_document

        document = to_document(entry)
        self.put_document(document, json.dumps(document, ensure_ascii=False))
        self._decoded[entry.id] = entry

    def put_document(self, document: Mapping[str, Any], text: str) -> None:
        """Add the entry stored as ``document`` (its JSON ``text``), or replace it."""
        entry_id = document["id"]
        self.drop(entry_id)
        keys = _document_keys(document)
        self._keys[entry_id] = keys
        self._texts[entry_id] = text
        for position, name in _LOOKUPS:
            key = keys[position]
            if key:
                table = getattr(self, name)
                table[key] = (*table.get(key, ()), entry_id)
        name = keys[NAME]
        if name:
            position = self._name_position.get(name)
            if position is None:
                position = self._name_position[name] = len(self.names)
                self.names.append(name)
                self.name_entries.append(())
            self.name_entries[position] = (*self.name_entries[position], entry_id)

    def drop(self, entry_id: str) -> None:
        """Forget the entry ``entry_id`` (if known)."""
        keys = self._keys.pop(entry_id, None)
        if keys is None:
            return
        del self._texts[entry_id]
        self._decoded.pop(entry_id, None)
        for position, name in _LOOKUPS:
            key = keys[position]
            if key:
                table = getattr(self, name)
                ids = tuple(i for i in table[key] if i != entry_id)
                if ids:
                    table[key] = ids
                else:
                    del table[key]
        if keys[NAME]:
            position = self._name_position[keys[NAME]]
            self.name_entries[position] = tuple(
                i for i in self.name_entries[position] if i != entry_id
            )

    def keys_of(self, entry_id: str) -> tuple:
        return self._keys[entry_id]

    def screen(
        self,
        subjects: Sequence[Subject | Party | Mapping[str, Any] | str],
        *,
        day: dt.date | None,
        threshold: float,
        exclude: Iterable[str] = (),
    ) -> list[Result]:
        """Screen ``subjects`` against the entries in force on ``day`` (None: every
        entry); what :meth:`Screening.screen_many` does on the index of the store.

        The cyclic garbage collector is paused while a batch is screened (what it builds
        holds no cycle; reference counting frees it): a full collection walks every
        indexed entry, half a second among 100,000, and the results of a batch would
        set one off every few batches."""
        with _collector_paused():
            return self._screen(subjects, day, threshold, frozenset(exclude))

    def _screen(
        self,
        subjects: Sequence[Subject | Party | Mapping[str, Any] | str],
        day: dt.date | None,
        threshold: float,
        excluded: frozenset[str],
    ) -> list[Result]:
        subjects = [s if s.__class__ is Subject else Subject.of(s) for s in subjects]
        found = [_exact(self, subject) for subject in subjects]
        named = [i for i, subject in enumerate(subjects) if subject.name]
        if named and self.names:
            _fuzzy(self, subjects, named, found, threshold)
        all_keys = self._keys
        results: list[Result] = []
        append = results.append
        make, none = tuple.__new__, ()  # Result(...) without its Python-level __new__
        for subject, matches in zip(subjects, found, strict=True):
            if not matches:  # most subjects screened: listed nowhere
                append(make(Result, (subject, day, threshold, none, none)))
                continue
            kept: list[Match] = []
            dropped: list[str] = []
            for entry_id, features in matches.items():
                if day is not None and not _in_force(all_keys[entry_id], day):
                    continue
                if entry_id in excluded:
                    dropped.append(entry_id)
                    continue
                score = features[0].score if len(features) == 1 else max(f.score for f in features)
                kept.append(Match(entry_id, tuple(features), score, self))
            if len(kept) > 1:
                kept.sort(key=_sort_key)
            append(Result(subject, day, threshold, tuple(kept), tuple(sorted(dropped))))
        return results


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (``gc``) inside, as it was before after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# --- matching ------------------------------------------------------------------------------


def _conflicts(subject: Subject, keys: tuple) -> bool:
    """Whether the subject's identifiers contradict the entry's: then a similar name is
    another enterprise's or another person's."""
    org = subject.org_code
    if org and keys[ORG] and org != keys[ORG]:
        return True
    number = subject.identity_number
    if number:
        if keys[RIC] and MASK not in number and number != keys[RIC]:
            return True
        if keys[VISIBLE] and _visible(number) != keys[VISIBLE]:
            return True
    return False


def _exact(index: Index, subject: Subject) -> dict[str, list[Feature]] | None:
    """The entries ``subject`` matches by an identifier: entry id -> features (None: no
    entry; most subjects screened are listed nowhere, and cost a few lookups only)."""
    found: dict[str, list[Feature]] | None = None
    credit = subject.credit_code
    org = subject.organisation_code
    number = subject.identity_number
    if credit:
        ids = index.by_uscc.get(credit)
        if ids:
            found = {entry_id: [Feature("credit_code", credit, 100.0)] for entry_id in ids}
        if org is None and len(credit) == 18:
            org = credit[8:17]  # the organisation code it embeds (organisation_code_of)
    if org:
        ids = index.by_org.get(org)
        if ids:
            if found is None:
                found = {}
            for entry_id in ids:
                if entry_id not in found:
                    found[entry_id] = [Feature("organisation_code", org, 100.0)]
    if number:
        masked = MASK in number
        if not masked:
            ids = index.by_ric.get(number)
            if ids:
                if found is None:
                    found = {}
                feature = Feature("identity_number", mask_ric(number), 100.0)
                for entry_id in ids:
                    found.setdefault(entry_id, []).append(feature)
        if subject.name:
            ids = index.by_visible.get(number[:10] + number[-4:]) if len(number) == 18 else None
            name = normalise(subject.name) if ids else None
            for entry_id in ids or ():
                keys = index.keys_of(entry_id)
                if (found and entry_id in found) or (not masked and keys[RIC]):
                    continue  # two full numbers are compared whole
                if keys[NAME] == name:
                    if found is None:
                        found = {}
                    shown = f"{mask_ric(number)} {subject.name}"
                    found[entry_id] = [Feature("masked_identity_number", shown, 100.0)]
    return found


def _name_features(
    index: Index, subject: Subject, entry_id: str, score: float
) -> list[Feature] | None:
    keys = index.keys_of(entry_id)
    if _conflicts(subject, keys):
        return None
    entry_name = keys[SHOWN]
    if score >= 100.0:
        features = [Feature("name", entry_name, 100.0)]
    else:
        features = [Feature("name_similar", f"{subject.name} ≈ {entry_name}", round(score, 1))]
    if subject.identity_number and keys[VISIBLE]:
        features.append(Feature("masked_visible_parts", mask_ric(subject.identity_number), 100.0))
    return features


def _fuzzy(
    index: Index,
    subjects: Sequence[Subject],
    named: Sequence[int],
    found: list[dict[str, list[Feature]] | None],
    cutoff: float,
) -> None:
    """Add the name matches of the subjects at ``named`` to ``found``."""
    queries = [normalise(subjects[i].name or "") for i in named]
    choices = index.names
    if len(queries) == 1:
        hits = process.extract(
            queries[0], choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None
        )
        pairs: Iterable[tuple[int, int, float]] = ((0, pos, score) for _, score, pos in hits)
    else:
        pairs = _cdist_pairs(queries, choices, cutoff)
    for row, position, score in pairs:
        i = named[row]
        subject = subjects[i]
        for entry_id in index.name_entries[position]:
            features = _name_features(index, subject, entry_id, float(score))
            if features is None:
                continue
            matched = found[i]
            if matched is None:
                matched = found[i] = {}
            have = matched.get(entry_id)
            if have is None:
                matched[entry_id] = features
            elif not any(f.name.startswith("name") for f in have):
                have.extend(f for f in features if f.name != "masked_visible_parts")


def _sort_key(match: Match) -> tuple:
    return (-match.score, not match.by_identifier, match.entry_id)


class Screening:
    """Screening of ``service``'s subjects against the blacklist entries of its store."""

    def __init__(self, service: Any, store: Any = None) -> None:
        self.service = service
        self._store = store
        """The store screened, when not the service's (a workflow on a store of its own)."""
        self._index: Index | None = None
        self._cursor: tuple[int, str] | None = None
        """The head of the trail the index has read up to (seq, hash)."""

    # --- what is around ------------------------------------------------------------------

    @property
    def store(self) -> Any:
        return self.service.store if self._store is None else self._store

    def on_store(self, store: Any) -> Screening:
        """Screening of the same service on ``store`` (itself when it is its store)."""
        if store is self.store:
            return self
        if store is not self._other_store:
            self._other, self._other_store = Screening(self.service, store), store
        return self._other

    _other: Screening | None = None
    _other_store: Any = None

    @property
    def threshold(self) -> float:
        """The name similarity a fuzzy match must reach: ``blacklists.screening.threshold``
        of the configuration, :data:`DEFAULT_THRESHOLD` otherwise."""
        section = getattr(self.service.config, "blacklists", None) or {}
        value = (section.get("screening") or {}).get("threshold")
        return DEFAULT_THRESHOLD if value is None else float(value)

    def today(self) -> dt.date:
        return self.service.clock.now().astimezone(SHANGHAI).date()

    # --- the index -----------------------------------------------------------------------

    def index(self) -> Index:
        """The index of the stored entries, brought up to date from the trail."""
        from govservice.kinds import CHAINED_KINDS

        head = tuple(self.store.ledger_head())
        if _KIND not in CHAINED_KINDS:  # writes leave no link to follow: read them all
            self._rebuild()
            return self._index  # type: ignore[return-value]
        if self._index is not None and head == self._cursor:
            return self._index
        if self._index is None or not self._catch_up(head):
            self._rebuild()
        return self._index  # type: ignore[return-value]

    def _rebuild(self) -> None:
        store = self.store
        head = tuple(store.ledger_head())
        index = Index()
        after = None
        while True:  # the stored texts as they are: no model built until one is asked for
            rows = store.raw_rows(_KIND, after=after, limit=5000)
            for row in rows:
                text = row[-1]
                index.put_document(json.loads(text), text)
            if len(rows) < 5000:
                break
            after = rows[-1][0]
        self._index, self._cursor = index, head  # type: ignore[assignment]

    def _catch_up(self, head: tuple) -> bool:
        """Read the links of the trail added since :attr:`_cursor` and re-read the entries
        they name; False when the index must be built again (the trail moved under it: a
        transaction rolled back and its links were written anew)."""
        store = self.store
        seq, digest = self._cursor  # type: ignore[misc]
        if head[0] < seq:
            return False
        if seq:
            at_cursor = store.ledger(after=seq - 1, limit=1)
            if not at_cursor or at_cursor[0].hash != digest:
                return False
        changed: set[str] = set()
        while seq < head[0]:
            links = store.ledger(after=seq, limit=5000)
            if not links:
                break
            for link in links:
                if link.case_id.startswith(_SUBJECT_PREFIX):
                    changed.add(link.case_id[len(_SUBJECT_PREFIX) :])
            seq, digest = links[-1].seq, links[-1].hash
        index = self._index
        assert index is not None
        for entry_id in changed:
            stored = store.get(_KIND, entry_id)
            if stored is None:
                index.drop(entry_id)
            else:
                index.put(stored.record)
        self._cursor = (seq, digest)
        return True

    def forget(self) -> None:
        """Drop the index: the next screening builds it again from the store."""
        self._index = self._cursor = None

    # --- screening -----------------------------------------------------------------------

    def screen(
        self,
        subject: Subject | Party | Mapping[str, Any] | str,
        *,
        day: dt.date | None = None,
        exclude: Iterable[str] = (),
        threshold: float | None = None,
        any_day: bool = False,
    ) -> Result:
        """Screen one subject (see the module) against the entries in force on ``day``
        (today by the centre's clock; ``any_day``: every entry, in force or not).

        :param exclude: ids of entries already judged not to be the subject.
        :param threshold: the name similarity a fuzzy match must reach (the configured
            one otherwise).
        """
        return self.screen_many(
            [subject], day=day, exclude=exclude, threshold=threshold, any_day=any_day
        )[0]

    def screen_many(
        self,
        subjects: Sequence[Subject | Party | Mapping[str, Any] | str],
        *,
        day: dt.date | None = None,
        exclude: Iterable[str] = (),
        threshold: float | None = None,
        any_day: bool = False,
    ) -> list[Result]:
        """Screen many subjects at once (names in batches through
        :func:`rapidfuzz.process.cdist`): one :class:`Result` per subject, in order."""
        from govservice.errors import ScreeningError

        on = None if any_day else (day or self.today())
        cutoff = self.threshold if threshold is None else float(threshold)
        if not 0 < cutoff <= 100:
            raise ScreeningError(
                f"a threshold is a name similarity above 0, at most 100, not {cutoff:g}"
            )
        subjects = [s if s.__class__ is Subject else Subject.of(s) for s in subjects]
        for subject in subjects:
            if not (
                subject.name
                or subject.credit_code
                or subject.organisation_code
                or subject.identity_number
            ):
                raise ScreeningError("a subject is screened by its name or a number: none given")
        index = self.index()
        exclude = tuple(exclude)
        unknown = [entry_id for entry_id in exclude if entry_id not in index]
        if unknown:
            raise ScreeningError(f"no blacklist entry {'、'.join(unknown)} is stored to exclude")
        return index.screen(subjects, day=on, exclude=exclude, threshold=cutoff)

    # --- where screening runs on its own -------------------------------------------------

    def bar_agencies(self, credit_codes: Sequence[str], day: dt.date) -> dict[str, str]:
        """Why each of ``credit_codes`` (agencies of the intermediary supermarket) is barred
        on ``day``, in Chinese, naming the entry and its source; the others are not in the
        answer. Matched by credit code and by the organisation code it embeds (an agency
        is known here by its code only). Called when an intermediary is selected, through
        ``service.blacklists.screen``."""
        index = self.index()
        by_uscc, by_org = index.by_uscc, index.by_org
        barred: dict[str, str] = {}
        for code in credit_codes:
            if code not in by_uscc and code[8:17] not in by_org:
                continue  # nearly every agency: two lookups
            subject = Subject(credit_code=code)
            matches = [
                Match(entry_id, tuple(features), 100.0, index)
                for entry_id, features in (_exact(index, subject) or {}).items()
                if _in_force(index.keys_of(entry_id), day)
            ]
            if matches:
                matches.sort(key=_sort_key)
                barred[code] = matches[0].reason()
        return barred


def _cdist_pairs(
    queries: Sequence[str], choices: Sequence[str], cutoff: float
) -> Iterable[tuple[int, int, float]]:
    """(query row, choice position, score) of every pair scoring at least ``cutoff``.

    :func:`rapidfuzz.process.cdist` scores a chunk of queries against every choice at
    once (several queries a machine word); its matrix is of bytes (scores rounded: a
    quarter of the memory to write and to scan for the pairs kept), and the score of each
    pair kept is computed again exactly and judged against ``cutoff``."""
    import numpy as np

    ratio = fuzz.ratio
    for start in range(0, len(queries), _CHUNK):
        chunk = queries[start : start + _CHUNK]
        scores = process.cdist(chunk, choices, scorer=ratio, score_cutoff=cutoff, dtype=np.uint8)
        rows, columns = np.nonzero(scores)
        for row, column in zip(rows.tolist(), columns.tolist(), strict=True):
            score = ratio(chunk[row], choices[column])
            if score >= cutoff:
                yield start + row, column, score
