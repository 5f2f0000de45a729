"""Hypothesis strategies for valid govservice records, one function per entity or part.

Every strategy returns instances that satisfy the model's invariants *and* the JSON
Schemas, so a test can turn them into documents and expect no problem. Use them as::

    from hypothesis import given
    from strategies import items

    @given(items())
    def test_something(item): ...

``RECORDS`` maps each record kind of :data:`govservice.kinds.KINDS` to its strategy.

Where the model is more lenient than the schemas (see the notes on :func:`texts`,
:func:`record_codes` and :func:`suspensions`), the strategies stay inside what both accept.
"""

from __future__ import annotations

import datetime as dt
import string
from decimal import Decimal
from zoneinfo import ZoneInfo

import attrs
from hypothesis import strategies as st
from stdnum.cn import ric, uscc

from govservice.model import (
    AgencyGrade,
    AgencyQuarter,
    ApplicantCategory,
    ApplicantCategoryKind,
    BlacklistEntry,
    Case,
    CaseEvent,
    CaseState,
    Certification,
    Channel,
    ChargedFee,
    Complaint,
    Consultation,
    Contact,
    CourtRecord,
    Decision,
    Engagement,
    Evaluation,
    Fee,
    FeeApplicability,
    FeeRegime,
    FollowUp,
    Grade,
    HandlingLevel,
    HandlingType,
    Identifier,
    IdentifierKind,
    Intermediary,
    IntermediaryService,
    IntermediaryStatus,
    Item,
    ItemKind,
    ItemResult,
    ItemStatus,
    ItemType,
    LimitExtension,
    LimitStage,
    LimitVariant,
    ListingSource,
    ListStatus,
    ListStatusChange,
    Material,
    MaterialForm,
    Need,
    Outcome,
    Party,
    PartyKind,
    PowerSource,
    Practitioner,
    Presence,
    Project,
    ProjectState,
    Qualification,
    RecordedFinding,
    Rectification,
    RelatedParty,
    Requirement,
    Revocation,
    Role,
    SectorList,
    SectorRecord,
    Selection,
    ServiceFee,
    ServiceOffer,
    ServiceRequirement,
    Sex,
    SourceKind,
    SpecialProcedure,
    StaffMember,
    StaffRole,
    Station,
    StationLevel,
    Step,
    SubmittedMaterial,
    SupplementRequest,
    Suspension,
    TimeLimit,
    TimeUnit,
    Window,
    Witness,
)
from govservice.model.case import TRACKING_ALPHABET
from govservice.model.identifiers import mask_ric, organisation_code_check_character

__all__ = [
    "RECORDS",
    "SHANGHAI",
    "applicant_categories",
    "blacklist_entries",
    "case_attributes",
    "case_events",
    "cases",
    "certifications",
    "charged_fees",
    "consultations",
    "contacts",
    "credit_codes",
    "dates",
    "decisions",
    "evaluations",
    "fees",
    "follow_ups",
    "free_texts",
    "identifiers",
    "identity_numbers",
    "intermediaries",
    "item_codes",
    "items",
    "legal_limits",
    "listing_sources",
    "materials",
    "moments",
    "money",
    "parties",
    "practitioners",
    "projects",
    "promised_limits",
    "qualifications",
    "record_codes",
    "recorded_findings",
    "rectifications",
    "region_codes",
    "revocations",
    "service_offers",
    "staff_members",
    "stations",
    "submitted_materials",
    "supplement_requests",
    "suspensions",
    "texts",
    "time_limits",
    "tracking_codes",
    "windows",
]

SHANGHAI = ZoneInfo("Asia/Shanghai")

FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2035, 12, 31)

# --- scalars -------------------------------------------------------------------------------

_SMALL = 3  # longest generated list: enough to exercise lists, small enough to be quick

_CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
_ANY = st.characters(
    codec="utf-8",
    exclude_categories=("Cc",),  # control characters: refused in every text (test_hostile)
    # line breaks, the bidirectional controls and the invisible characters (model/_checks)
    exclude_characters="\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    "\u061c\u200e\u200f\u00ad\u200b\ufeff\ufff9\ufffa\ufffb",
)


def _has_visible_character(value: str) -> bool:
    # The model's non-empty check is ``str.strip`` (Python whitespace: also U+001C..U+001F
    # and U+0085), the compiled schema engine's ``\S`` is ECMA-262 (whitespace also
    # U+FEFF). A text both accept has one character that neither counts as a space.
    return any(not char.isspace() and char != "\ufeff" for char in value)


def texts(max_size: int = 24) -> st.SearchStrategy[str]:
    """Non-empty text with a visible character: Chinese, Latin, or any UTF-8 character."""
    alphabet = st.one_of(_CJK, st.sampled_from(string.ascii_letters + string.digits), _ANY)
    return st.text(alphabet=alphabet, min_size=1, max_size=max_size).filter(_has_visible_character)


def free_texts(max_size: int = 24) -> st.SearchStrategy[str]:
    """Any text (empty included) for fields the schemas type only as a string."""
    return st.text(alphabet=_ANY, max_size=max_size)


def _optional(strategy: st.SearchStrategy) -> st.SearchStrategy:
    return st.none() | strategy


def _small_lists(strategy: st.SearchStrategy, **kwargs) -> st.SearchStrategy[list]:
    return st.lists(strategy, max_size=_SMALL, **kwargs)


def record_codes() -> st.SearchStrategy[str]:
    """An identifier of a case, a station, a listing or a project (``Case.project_id`` too):
    ``^[0-9A-Za-z][0-9A-Za-z._-]{0,63}$``.

    The model only asks for non-empty text here; the schemas ask for this pattern.
    """
    return st.from_regex(r"[0-9A-Za-z][0-9A-Za-z._-]{0,20}", fullmatch=True)


def tracking_codes() -> st.SearchStrategy[str]:
    """A case's progress lookup code (进度查询码): 12 characters without 0/O or 1/I."""
    return st.text(alphabet=TRACKING_ALPHABET, min_size=12, max_size=12)


def item_codes() -> st.SearchStrategy[str]:
    """An item code: a catalog code such as ``62052400MZ-XK-0001``, or any code of its form."""
    catalog = st.builds(
        "{}-{}-{:04d}".format,
        st.from_regex(r"[0-9]{8}[A-Z]{2}", fullmatch=True),
        st.sampled_from([item_type.letters for item_type in ItemType if item_type.letters]),
        st.integers(min_value=1, max_value=9999),
    )
    return catalog | st.from_regex(r"[0-9A-Za-z][0-9A-Za-z-]{3,30}", fullmatch=True)


def region_codes() -> st.SearchStrategy[str]:
    """A GB/T 2260 region code: one of Dongying's and its neighbours', or any of its form."""
    known = st.sampled_from(
        ["370500", "370502", "370503", "370505", "370522", "370523", "370100", "371400"]
    )
    return known | st.from_regex(r"[1-9][0-9]{5}", fullmatch=True)


def money() -> st.SearchStrategy[Decimal]:
    """An amount of yuan: a Decimal of at least 0 with at most two decimals (fen).

    Some amounts are normalized (``Decimal("1E+2")``), a form the codec must also write
    as a plain amount.
    """
    amounts = st.decimals(
        min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False
    )
    return amounts | amounts.map(Decimal.normalize)


def dates() -> st.SearchStrategy[dt.date]:
    """A calendar day between 2000 and 2035."""
    return st.dates(min_value=FIRST_DAY, max_value=LAST_DAY)


def moments() -> st.SearchStrategy[dt.datetime]:
    """An aware instant in Asia/Shanghai between 2000 and 2035."""
    return st.datetimes(
        min_value=dt.datetime.combine(FIRST_DAY, dt.time()),
        max_value=dt.datetime.combine(LAST_DAY, dt.time()),
        timezones=st.just(SHANGHAI),
    )


def _ordered(strategy: st.SearchStrategy, size: int) -> st.SearchStrategy[list]:
    return st.lists(strategy, min_size=size, max_size=size).map(sorted)


# --- identifiers ---------------------------------------------------------------------------

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@st.composite
def credit_codes(draw: st.DrawFn) -> str:
    """A unified social credit code (GB 32100-2015) with its check character.

    stdnum wants the first eight characters to be digits (registering authority, kind,
    region); the next nine come from the code's alphabet.
    """
    head = draw(st.text(alphabet=string.digits, min_size=8, max_size=8))
    body = draw(st.text(alphabet=_USCC_ALPHABET, min_size=9, max_size=9))
    return head + body + uscc.calc_check_digit(head + body)


_RIC_REGIONS = ("370502", "370503", "370522", "370523")
"""Dongying's codes that stdnum knows for births from 1990 to 2005."""


@st.composite
def identity_numbers(draw: st.DrawFn, masked: bool | None = None) -> str:
    """A resident identity number (GB 11643) with its check digit; sometimes masked.

    ``masked`` True or False forces the form; None draws either.
    """
    region = draw(st.sampled_from(_RIC_REGIONS))
    # born before FIRST_DAY: a record's party is never born after the record (test_hostile)
    birth = draw(st.dates(min_value=dt.date(1940, 1, 1), max_value=dt.date(1999, 12, 31)))
    serial = draw(st.integers(min_value=0, max_value=999))
    body = f"{region}{birth:%Y%m%d}{serial:03d}"
    number = body + ric.calc_check_digit(body + "0")  # stdnum ignores the last character
    if masked is None:
        masked = draw(st.booleans())
    return mask_ric(number) if masked else number


@st.composite
def identifiers(draw: st.DrawFn, party_kind: PartyKind | None = None) -> Identifier:
    """An identifier fit for a party of ``party_kind`` (any when None)."""
    if party_kind is None:
        party_kind = draw(st.sampled_from(PartyKind))
    if party_kind is PartyKind.ENTERPRISE:
        return Identifier(kind=IdentifierKind.USCC, number=draw(credit_codes()))
    kind = draw(
        st.sampled_from([IdentifierKind.RIC, IdentifierKind.PASSPORT, IdentifierKind.OTHER])
    )
    if kind is IdentifierKind.RIC:
        number = draw(identity_numbers())
    elif kind is IdentifierKind.PASSPORT:
        number = draw(st.from_regex(r"[EGP][0-9]{8}", fullmatch=True))
    else:
        number = draw(texts())
    return Identifier(kind=kind, number=number)


# --- shared value objects ------------------------------------------------------------------


def contacts() -> st.SearchStrategy[Contact]:
    """A contact; every field may be missing."""
    return st.builds(
        Contact,
        name=_optional(free_texts()),
        phone=_optional(st.from_regex(r"0546-[0-9]{7}|1[3-9][0-9]{9}", fullmatch=True)),
        address=_optional(free_texts()),
        email=_optional(st.emails()),
    )


@st.composite
def parties(draw: st.DrawFn, kind: PartyKind | None = None) -> Party:
    """A person (identity number, passport ...) or an enterprise (credit code)."""
    if kind is None:
        kind = draw(st.sampled_from(PartyKind))
    return Party(
        kind=kind,
        name=draw(texts()),
        identifier=draw(identifiers(party_kind=kind)),
        contact=draw(_optional(contacts())),
    )


@st.composite
def fees(draw: st.DrawFn) -> Fee:
    """A published charge: always, conditional (with its condition) or one alternative of a
    group (with its option); possibly waived (then perhaps without an amount), per unit,
    with exemptions, or collected by a third party."""
    applicability = draw(st.sampled_from(FeeApplicability))
    waived = draw(st.booleans())
    alternative = applicability is FeeApplicability.ALTERNATIVE
    return Fee(
        name=draw(texts()),
        amount=draw(_optional(money()) if waived else money()),
        legal_basis=draw(_optional(free_texts())),
        waived=waived,
        collected_by=draw(_optional(free_texts())),
        applicability=applicability,
        condition=draw(texts()) if applicability is FeeApplicability.CONDITIONAL else None,
        group=draw(texts()) if alternative else None,
        option=draw(texts()) if alternative else None,
        per_unit=draw(_optional(texts())),
        exemptions=draw(_small_lists(texts())),
    )


def time_limits(unit: TimeUnit | None = None, max_amount: int = 365) -> st.SearchStrategy:
    """A published time limit in ``unit`` (any when None) of at most ``max_amount``."""
    return st.builds(
        TimeLimit,
        amount=st.integers(min_value=0, max_value=max_amount),
        unit=st.just(unit) if unit is not None else st.sampled_from(TimeUnit),
        excluded=_small_lists(texts()),
    )


_DOCUMENT_KINDS = ["首次申领", "补领", "换领", "变更", "注销"]


@st.composite
def _staged(draw: st.DrawFn, limit: TimeLimit) -> TimeLimit:
    """``limit`` with stages adding up to it, an extension in its unit, or neither."""
    changes: dict = {}
    if limit.amount and draw(st.booleans()):
        cut = draw(st.integers(min_value=0, max_value=limit.amount))
        changes["stages"] = [
            LimitStage(name=draw(texts()), amount=cut, unit=limit.unit),
            LimitStage(name=draw(texts()), amount=limit.amount - cut, unit=limit.unit),
        ]
    if draw(st.booleans()):
        changes["extension"] = LimitExtension(
            amount=draw(st.integers(min_value=0, max_value=30)),
            unit=limit.unit,
            legal_basis=draw(_optional(texts())),
        )
    return TimeLimit(amount=limit.amount, unit=limit.unit, excluded=limit.excluded, **changes)


@st.composite
def legal_limits(draw: st.DrawFn) -> TimeLimit:
    """A legal limit (法定时限): usually working days, sometimes calendar days or hours;
    sometimes in stages, with an extension, or with other limits for kinds of document."""
    limit = draw(_staged(draw(time_limits())))
    kinds = draw(st.lists(st.sampled_from(_DOCUMENT_KINDS), max_size=2, unique=True))
    variants = [
        LimitVariant(
            document_kind=kind,
            amount=draw(st.integers(min_value=0, max_value=365)),
            unit=draw(st.sampled_from(TimeUnit)),
        )
        for kind in kinds
    ]
    return attrs.evolve(limit, variants=variants) if variants else limit


def _longest_promise(legal: TimeLimit, unit: TimeUnit) -> int:
    """The largest promise in ``unit`` that does not certainly exceed ``legal`` (capped)."""
    low, high = 0, 8 * (legal.amount + 2)
    if not TimeLimit(amount=high, unit=unit).certainly_exceeds(legal):
        return high  # (calendar days never certainly exceed working days)
    while low < high:  # the largest amount that does not exceed: exceeding is monotone
        middle = (low + high + 1) // 2
        if TimeLimit(amount=middle, unit=unit).certainly_exceeds(legal):
            high = middle - 1
        else:
            low = middle
    return low


@st.composite
def promised_limits(draw: st.DrawFn, legal: TimeLimit) -> TimeLimit:
    """A promised limit (承诺时限) that never exceeds ``legal`` (TimeLimit.certainly_exceeds)
    for any kind of document, with stages, an extension or variants of its own."""
    unit = draw(st.sampled_from(TimeUnit))
    laws = [legal, *(legal.for_document(kind) for kind in legal.document_kinds())]
    longest = min(_longest_promise(law, unit) for law in laws)
    promised = draw(_staged(draw(time_limits(unit=unit, max_amount=longest))))
    kinds = draw(st.lists(st.sampled_from(_DOCUMENT_KINDS), max_size=2, unique=True))
    variants = []
    for kind in kinds:
        variant_unit = draw(st.sampled_from(TimeUnit))
        most = _longest_promise(legal.for_document(kind), variant_unit)
        variants.append(
            LimitVariant(
                document_kind=kind,
                amount=draw(st.integers(min_value=0, max_value=min(most, 365))),
                unit=variant_unit,
            )
        )
    if variants:
        promised = attrs.evolve(promised, variants=variants)
    for kind in (None, *legal.document_kinds(), *promised.document_kinds()):
        assert not promised.for_document(kind).certainly_exceeds(legal.for_document(kind))
    return promised


# --- items ---------------------------------------------------------------------------------


@st.composite
def materials(draw: st.DrawFn) -> Material:
    """A required material; a conditional one states its condition (涉及…的提供); counts
    sometimes not published, an original sometimes only shown (原件核验)."""
    requirement = draw(st.sampled_from(Requirement))
    condition = texts() if requirement is Requirement.CONDITIONAL else _optional(texts())
    counts = _optional(st.integers(min_value=0, max_value=5))
    return Material(
        name=draw(texts()),
        code=draw(_optional(free_texts())),
        form=draw(st.sampled_from(MaterialForm)),
        originals=draw(counts),
        copies=draw(counts),
        requirement=requirement,
        condition=draw(condition),
        blank_form=draw(_optional(free_texts())),
        verify_only=draw(st.booleans()),
        blank_form_available=draw(_optional(st.booleans())),
        issued_by=draw(_optional(texts())),
        review_points=draw(_small_lists(texts())),
    )


_ITEM_REGIONS = {
    HandlingLevel.NATIONAL: ["100000"],
    HandlingLevel.PROVINCE: ["370000", "110000", "440000"],
    HandlingLevel.CITY: ["370500", "370100", "371400", "371600", "110100"],
    HandlingLevel.COUNTY: ["370502", "370503", "370505", "370521", "370522", "370523", "372327"],
}
"""Region codes of the GB/T 2260 table an item of each level may carry (a township's or a
village's item carries its county's code)."""


def item_regions(level: HandlingLevel) -> st.SearchStrategy[str]:
    """A region in the GB/T 2260 table that agrees with ``level``."""
    key = level if level in _ITEM_REGIONS else HandlingLevel.COUNTY
    return st.sampled_from(_ITEM_REGIONS[key])


@st.composite
def steps(draw: st.DrawFn, promised: TimeLimit) -> list[Step]:
    """Handling steps whose limits (in the promise's unit) add up within ``promised``."""
    left = promised.amount
    found = []
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        limit = None
        if draw(st.booleans()):
            amount = draw(st.integers(min_value=0, max_value=left))
            left -= amount
            limit = TimeLimit(amount=amount, unit=promised.unit)
        found.append(
            Step(
                name=draw(texts()),
                post=draw(_optional(texts())),
                limit=limit,
                description=draw(_optional(free_texts())),
            )
        )
    return found


@st.composite
def items(draw: st.DrawFn) -> Item:
    """A service item: promise within the law, a date for any status but in service, a
    region agreeing with its level; what a catalog may leave unpublished sometimes None."""
    legal = draw(legal_limits())
    promised = draw(promised_limits(legal))
    status = draw(st.sampled_from(ItemStatus))
    since = dates() if status is not ItemStatus.IN_SERVICE else _optional(dates())
    item_type = draw(st.sampled_from(ItemType))
    level = draw(st.sampled_from(HandlingLevel))
    others = [further for further in HandlingLevel if further is not level]
    kind = draw(st.sampled_from(ItemKind))
    power_since = draw(_optional(dates()))
    code = draw(item_codes())
    parents = item_codes().filter(lambda parent: parent != code)
    return Item(
        code=code,
        version=draw(st.integers(min_value=1, max_value=20)),
        name=draw(texts()),
        type=item_type,
        type_label=draw(texts() if item_type is ItemType.OTHER else _optional(texts())),
        department=draw(texts()),
        department_code=draw(_optional(credit_codes())),
        region=draw(item_regions(level)),
        delegated_to=draw(_small_lists(item_regions(HandlingLevel.COUNTY), unique=True)),
        level=level,
        exercised_levels=draw(_small_lists(st.sampled_from(others), unique=True)),
        power_source=draw(_optional(st.sampled_from(PowerSource))),
        power_source_since=power_since,
        power_source_until=draw(
            _optional(
                dates()
                if power_since is None
                else st.dates(min_value=power_since, max_value=LAST_DAY)
            )
        ),
        handling_type=draw(_optional(st.sampled_from(HandlingType))),
        legal_basis=draw(_small_lists(texts())),
        conditions=draw(_small_lists(texts())),
        materials=draw(_optional(_small_lists(materials()))),
        legal_limit=legal,
        promised_limit=promised,
        steps=draw(steps(promised)),
        fees=draw(_optional(_small_lists(fees()))),
        status=status,
        status_since=draw(since),
        channels=draw(_optional(_small_lists(st.sampled_from(Channel), unique=True))),
        station_levels=draw(_small_lists(st.sampled_from(StationLevel), unique=True)),
        item_kind=kind,
        parent_code=draw(parents if kind is not ItemKind.MAIN else _optional(parents)),
        co_departments=draw(_small_lists(texts(), unique=True)),
        undertaking_office=draw(_optional(texts())),
        place=draw(_optional(texts())),
        office_hours=draw(_optional(texts())),
        result=draw(_optional(st.builds(ItemResult, name=texts(), validity=_optional(texts())))),
        visits=draw(_optional(st.integers(min_value=0, max_value=5))),
        intermediary_services=draw(_small_lists(texts())),
        contact_phone=draw(_optional(texts())),
        supervision_phone=draw(_optional(texts())),
        requires_screening=draw(st.booleans()),
    )


# --- cases ---------------------------------------------------------------------------------


def submitted_materials() -> st.SearchStrategy[SubmittedMaterial]:
    """A material handed in, with counts."""
    return st.builds(
        SubmittedMaterial,
        name=texts(),
        code=_optional(free_texts()),
        originals=st.integers(min_value=0, max_value=5),
        copies=st.integers(min_value=0, max_value=5),
    )


def charged_fees() -> st.SearchStrategy[ChargedFee]:
    """A fee charged on a case, perhaps with the reason of an exemption."""
    return st.builds(
        ChargedFee,
        name=texts(),
        amount=money(),
        exemption=_optional(free_texts()),
        legal_basis=_optional(free_texts()),
        option=_optional(texts()),
    )


@st.composite
def applicant_categories(draw: st.DrawFn) -> ApplicantCategory:
    """A category the applicant declares with its evidence, confirmed or not; a label for
    the kind ``other``."""
    kind = draw(st.sampled_from(ApplicantCategoryKind))
    confirmed = draw(st.booleans())
    return ApplicantCategory(
        category=kind,
        label=draw(texts() if kind is ApplicantCategoryKind.OTHER else _optional(texts())),
        evidence_kind=draw(texts()),
        evidence_number=draw(texts()),
        confirmed_by=draw(texts()) if confirmed else None,
        confirmed_at=draw(moments()) if confirmed else None,
    )


def decisions() -> st.SearchStrategy[Decision]:
    """A decision to grant or deny."""
    return st.builds(
        Decision,
        outcome=st.sampled_from(Outcome),
        reason=_optional(free_texts()),
        legal_basis=_optional(free_texts()),
    )


def recorded_findings() -> st.SearchStrategy[RecordedFinding]:
    """A warning of a local rule kept with its event, perhaps naming its plugin."""
    return st.builds(
        RecordedFinding,
        code=st.from_regex(r"GS[0-9]{3}", fullmatch=True) | texts(max_size=8),
        message=texts(),
        plugin=_optional(st.sampled_from(["guangrao", "kenli"]) | free_texts()),
    )


def case_events(at: st.SearchStrategy[dt.datetime] | None = None) -> st.SearchStrategy:
    """One step of a case's trail, at an instant drawn from ``at`` (any when None); it may
    carry warnings, or be a refused attempt (``refusal``)."""
    return st.builds(
        CaseEvent,
        at=at if at is not None else moments(),
        actor=texts(),
        role=st.sampled_from(Role),
        action=texts(),
        from_state=_optional(st.sampled_from(CaseState)),
        to_state=st.sampled_from(CaseState),
        note=_optional(free_texts()),
        on_behalf_of=_optional(free_texts()),
        warnings=_small_lists(recorded_findings()),
        refusal=_optional(free_texts()),
        recorded_at=_optional(moments()),
    )


@st.composite
def supplement_requests(draw: st.DrawFn) -> SupplementRequest:
    """A 补正 notice listing at least one material, answered (later) or still open."""
    requested, received = draw(_ordered(moments(), 2))
    materials = draw(st.lists(texts(), min_size=1, max_size=_SMALL))
    return SupplementRequest(
        requested_at=requested,
        materials=materials,
        note=draw(_optional(texts())),
        from_state=draw(st.sampled_from(CaseState)),
        received_at=draw(_optional(st.just(received))),
        arrived=draw(st.lists(st.sampled_from(materials), unique=True, max_size=len(materials))),
    )


@st.composite
def suspensions(draw: st.DrawFn) -> Suspension:
    """A special procedure (特别程序), resumed (later, with the days it excluded) or not.

    The model takes any whole number of days; the schema asks for at least 0.
    """
    started, resumed = draw(_ordered(moments(), 2))
    days = st.integers(min_value=0, max_value=120)
    is_resumed = draw(st.booleans())
    return Suspension(
        procedure=draw(st.sampled_from(SpecialProcedure)),
        reason=draw(texts()),
        started_at=started,
        expected_days=draw(_optional(days)),
        from_state=draw(st.sampled_from(CaseState)),
        resumed_at=resumed if is_resumed else None,
        excluded_days=draw(_optional(days)) if is_resumed else None,
    )


def evaluations(at: st.SearchStrategy[dt.datetime] | None = None) -> st.SearchStrategy:
    """An evaluation (好差评) at an instant drawn from ``at`` (any when None)."""
    return st.builds(
        Evaluation,
        grade=st.sampled_from(Grade),
        at=at if at is not None else moments(),
        comment=_optional(free_texts()),
    )


def follow_ups(at: st.SearchStrategy[dt.datetime] | None = None) -> st.SearchStrategy:
    """A follow-up (整改回访) on a bad evaluation at an instant drawn from ``at``."""
    return st.builds(FollowUp, at=at if at is not None else moments(), actor=texts(), note=texts())


@st.composite
def rectifications(draw: st.DrawFn, opened: dt.datetime | None = None) -> Rectification:
    """A rectification (整改) opened at ``opened`` (any instant when None), its follow-ups
    after it in order, closed after the last of them or still open."""
    if opened is None:
        opened = draw(moments())
    later = st.datetimes(
        min_value=opened.replace(tzinfo=None),
        max_value=dt.datetime.combine(LAST_DAY, dt.time()),
        timezones=st.just(SHANGHAI),
    )
    times = draw(st.lists(later, min_size=1, max_size=_SMALL + 1).map(sorted))
    *follow_up_times, closed = times
    return Rectification(
        opened_at=opened,
        due=draw(st.dates(min_value=opened.date(), max_value=LAST_DAY)),
        follow_ups=[draw(follow_ups(at=st.just(moment))) for moment in follow_up_times],
        closed_at=draw(_optional(st.just(closed))),
    )


def case_attributes() -> st.SearchStrategy[dict[str, str]]:
    """Local fields a county asks of a case: lowercase identifiers to texts."""
    keys = st.sampled_from(["permit_number", "project_code"]) | st.from_regex(
        r"[a-z][a-z0-9_]{0,20}", fullmatch=True
    )
    return st.dictionaries(keys, free_texts(), max_size=_SMALL)


@st.composite
def cases(draw: st.DrawFn) -> Case:
    """A case whose instants and due dates are in order; only a completed case is evaluated.

    The instants are drawn sorted, then each of accepted, decided and completed is kept or
    dropped, so any subset present is still in order. The clock starts on the day of
    acceptance. The model does not tie a rectification (整改) to a bad evaluation, so one
    may be drawn for any case, opened at its last instant.
    """
    received, accepted, decided, completed = draw(_ordered(moments(), 4))
    promised_due, legal_due = draw(_ordered(dates(), 2))
    state = draw(st.sampled_from(CaseState))
    last = max(received, accepted, decided, completed)
    event_times = draw(
        st.lists(
            st.datetimes(
                min_value=received.replace(tzinfo=None),
                max_value=last.replace(tzinfo=None),
                timezones=st.just(SHANGHAI),
            ),
            max_size=_SMALL,
        ).map(sorted)
    )
    evaluation = None
    if state is CaseState.COMPLETED:
        evaluation = draw(_optional(evaluations(at=st.just(last))))
    return Case(
        id=draw(record_codes()),
        item_code=draw(item_codes()),
        item_version=draw(st.integers(min_value=1, max_value=20)),
        region=draw(region_codes()),
        department=draw(texts()),
        station_code=draw(_optional(record_codes())),
        applicant=draw(parties()),
        agent=draw(_optional(parties())),
        materials=draw(_small_lists(submitted_materials())),
        state=state,
        received_at=received,
        accepted_at=draw(_optional(st.just(accepted))),
        decided_at=draw(_optional(st.just(decided))),
        completed_at=draw(_optional(st.just(completed))),
        promised_due=draw(_optional(st.just(promised_due))),
        legal_due=draw(_optional(st.just(legal_due))),
        green_channel=draw(st.booleans()),
        full_agency=draw(st.booleans()),
        handler=draw(_optional(free_texts())),
        fees=draw(_small_lists(charged_fees())),
        document_kind=draw(_optional(texts())),
        applicant_categories=draw(_small_lists(applicant_categories())),
        fee_choices=draw(st.dictionaries(texts(), texts(), max_size=_SMALL)),
        confirmed_fee_conditions=draw(_small_lists(texts())),
        decision=draw(_optional(decisions())),
        events=[draw(case_events(at=st.just(moment))) for moment in event_times],
        evaluation=evaluation,
        attributes=draw(case_attributes()),
        tracking_code=draw(_optional(tracking_codes())),
        project_id=draw(_optional(record_codes())),
        refusal_reason=draw(_optional(free_texts())),
        clock_started_on=draw(_optional(st.just(accepted.date()))),
        deadline_provisional=draw(st.booleans()),
        supplements=draw(_small_lists(supplement_requests())),
        suspensions=draw(_small_lists(suspensions())),
        rectification=draw(_optional(rectifications(opened=last))),
    )


# --- stations ------------------------------------------------------------------------------


def windows() -> st.SearchStrategy[Window]:
    """A service window and the departments that staff it."""
    return st.builds(
        Window,
        number=texts(max_size=6),
        name=_optional(free_texts()),
        departments=_small_lists(free_texts()),
    )


def staff_members() -> st.SearchStrategy[StaffMember]:
    """A member of staff, with an identity number (often masked) or none."""
    return st.builds(
        StaffMember,
        name=texts(),
        role=st.sampled_from(StaffRole),
        identity_number=_optional(identity_numbers()),
    )


@st.composite
def certifications(draw: st.DrawFn) -> Certification:
    """A certificate (ISO 9001 ...) issued no later than it expires."""
    issued, expires = draw(_ordered(dates(), 2))
    return Certification(
        name=draw(st.sampled_from(["ISO 9001", "质量管理体系认证"]) | texts()),
        number=draw(_optional(free_texts())),
        issued_on=draw(_optional(st.just(issued))),
        expires_on=draw(_optional(st.just(expires))),
    )


@st.composite
def stations(draw: st.DrawFn) -> Station:
    """A station; a village station always has a parent, and no station is its own."""
    code = draw(record_codes())
    level = draw(st.sampled_from(StationLevel))
    parent = record_codes().filter(lambda parent_code: parent_code != code)
    return Station(
        code=code,
        name=draw(texts()),
        level=level,
        parent_code=draw(parent if level is StationLevel.VILLAGE_STATION else _optional(parent)),
        region=draw(region_codes()),
        credit_code=draw(_optional(credit_codes())),
        address=draw(_optional(free_texts())),
        contact=draw(_optional(contacts())),
        windows=draw(_small_lists(windows())),
        staff=draw(_small_lists(staff_members())),
        certifications=draw(_small_lists(certifications())),
        standards=draw(
            _small_lists(st.sampled_from(["five-ones", "iso-9001"]) | free_texts(), unique=True)
        ),
    )


# --- intermediaries ------------------------------------------------------------------------


def qualifications() -> st.SearchStrategy[Qualification]:
    """A qualification certificate (资质)."""
    return st.builds(
        Qualification,
        name=texts(),
        level=_optional(free_texts()),
        number=_optional(free_texts()),
        expires_on=_optional(dates()),
    )


@st.composite
def service_offers(draw: st.DrawFn) -> ServiceOffer:
    """A service with its published fee: a fixed amount, or a range upwards from it."""
    fee_from = draw(money())
    fee_to = draw(_optional(money().filter(lambda amount: amount >= fee_from)))
    return ServiceOffer(
        name=draw(texts()),
        category=draw(_optional(free_texts())),
        fee_from=fee_from,
        fee_to=fee_to,
        fee_basis=draw(_optional(free_texts())),
        promised_days=draw(_optional(st.integers(min_value=0, max_value=90))),
    )


def practitioners() -> st.SearchStrategy[Practitioner]:
    """A registered professional working for an agency."""
    return st.builds(
        Practitioner,
        name=texts(),
        certificate=_optional(free_texts()),
        identity_number=_optional(identity_numbers()),
    )


def intermediaries() -> st.SearchStrategy[Intermediary]:
    """An agency of the intermediary supermarket."""
    return st.builds(
        Intermediary,
        credit_code=credit_codes(),
        name=texts(),
        region=region_codes(),
        presence=st.sampled_from(Presence),
        status=st.sampled_from(IntermediaryStatus),
        qualifications=_small_lists(qualifications()),
        services=_small_lists(service_offers()),
        practitioners=_small_lists(practitioners()),
        contact=_optional(contacts()),
        registered_on=_optional(dates()),
    )


# --- blacklist entries ---------------------------------------------------------------------


@st.composite
def organisation_codes(draw: st.DrawFn) -> str:
    """An organisation code (GB 11714-1997) with its check character."""
    body = draw(st.text(alphabet=string.digits + string.ascii_uppercase, min_size=8, max_size=8))
    return body + organisation_code_check_character(body)


@st.composite
def listed_parties(draw: st.DrawFn) -> Party:
    """A listed subject: a party, or an organisation known only by its organisation code."""
    if draw(st.booleans()):
        return draw(parties())
    return Party(
        kind=PartyKind.ENTERPRISE,
        name=draw(texts()),
        identifier=Identifier(
            kind=IdentifierKind.ORGANISATION_CODE, number=draw(organisation_codes())
        ),
    )


def listing_sources(
    kind: st.SearchStrategy[SourceKind] | None = None,
) -> st.SearchStrategy[ListingSource]:
    """Where a listing comes from (any kind, or one of ``kind``) and how it came."""
    return st.builds(
        ListingSource,
        kind=kind if kind is not None else st.sampled_from(SourceKind),
        region=region_codes(),
        record_id=_optional(texts()),
        name=_optional(texts()),
        received_at=_optional(moments()),
        signer=_optional(texts()),
    )


def revocations(not_before: dt.date = FIRST_DAY) -> st.SearchStrategy[Revocation]:
    """A revocation on a day no earlier than ``not_before``."""
    return st.builds(
        Revocation,
        on=st.dates(min_value=not_before, max_value=LAST_DAY),
        reason=texts(),
        authority=_optional(texts()),
    )


@st.composite
def court_records(draw: st.DrawFn, case_number: str | None = None) -> CourtRecord:
    """A court's published record of a dishonest debtor, every field drawn or left out."""
    filed_on, published_on = draw(_ordered(dates(), 2))
    return CourtRecord(
        case_number=case_number if case_number is not None else draw(texts()),
        court=draw(texts()),
        province=draw(_optional(texts())),
        legal_representative=draw(_optional(texts())),
        sex=draw(_optional(st.sampled_from(Sex))),
        age=draw(_optional(st.integers(min_value=0, max_value=150))),
        enforcement_basis_number=draw(_optional(texts())),
        enforcement_basis_unit=draw(_optional(texts())),
        filed_on=draw(_optional(st.just(filed_on))),
        obligation=draw(_optional(free_texts())),
        performance=draw(_optional(texts())),
        performed_part=draw(_optional(free_texts())),
        unperformed_part=draw(_optional(free_texts())),
        dishonest_conduct=draw(_small_lists(texts())),
        published_on=draw(_optional(st.just(published_on))),
        published_id=draw(_optional(st.integers(min_value=0, max_value=2**63 - 1))),
        party_type=draw(_optional(st.sampled_from(["", "自然人", "法人或其他组织"]))),
        related_parties=draw(
            _small_lists(
                st.builds(
                    RelatedParty,
                    name=texts(),
                    card_number=_optional(identity_numbers(masked=True)),
                    role=_optional(texts()),
                )
            )
        ),
    )


def sector_records() -> st.SearchStrategy[SectorRecord]:
    """A national sector list's published fields."""
    return st.builds(
        SectorRecord,
        list=st.sampled_from(SectorList),
        penalty_result=_optional(free_texts()),
        ban_period=_optional(texts()),
        penalty_on=_optional(dates()),
        grade=_optional(texts()),
        conduct=_optional(free_texts()),
    )


@st.composite
def blacklist_entries(draw: st.DrawFn) -> BlacklistEntry:
    """A listing with its penalty and publication periods (each from one day until a
    later one, or open), revoked after it was made, its expiry sometimes recorded; a
    court's entry with the court's record, a sector list's with the sector's."""
    listed_on = draw(dates())
    penalty_from, penalty_until = draw(_ordered(dates(), 2))
    publish_from, publish_until = draw(_ordered(dates(), 2))
    source = draw(listing_sources())
    court = sector = None
    if source.kind in (SourceKind.COURT, SourceKind.OTHER_CITY) and draw(st.booleans()):
        number = source.record_id if source.kind is SourceKind.COURT else None
        court = draw(court_records(case_number=number))
    if source.kind is SourceKind.NATIONAL_SECTOR or (
        source.kind is SourceKind.OTHER_CITY and draw(st.booleans())
    ):
        sector = draw(sector_records())
    fields = {
        "penalty_from": penalty_from,
        "penalty_until": draw(_optional(st.just(penalty_until))),
        "publish_from": draw(_optional(st.just(publish_from))),
        "publish_until": draw(_optional(st.just(publish_until))),
    }
    entry = BlacklistEntry(
        id=draw(record_codes()),
        subject=draw(listed_parties()),
        reason=draw(texts()),
        authority=draw(texts()),
        legal_basis=draw(_optional(free_texts())),
        source=source,
        fine=draw(_optional(money())),
        listed_on=listed_on,
        subject_region=draw(_optional(region_codes())),
        court=court,
        sector=sector,
        revocation=draw(_optional(revocations(not_before=listed_on))),
        **fields,
    )
    if entry.ends_on is not None and entry.ends_on < LAST_DAY and draw(st.booleans()):
        expired = draw(
            st.dates(min_value=entry.ends_on + dt.timedelta(days=1), max_value=LAST_DAY)
        )
        entry = attrs.evolve(entry, expired_on=expired)
    return entry


# --- projects ------------------------------------------------------------------------------


def consultations(at: st.SearchStrategy[dt.datetime] | None = None) -> st.SearchStrategy:
    """A joint consultation (联审会议) of at least one department, at an instant from ``at``."""
    return st.builds(
        Consultation,
        at=at if at is not None else moments(),
        convened_by=texts(),
        departments=st.lists(texts(), min_size=1, max_size=_SMALL),
        conclusions=texts(),
    )


@st.composite
def projects(draw: st.DrawFn) -> Project:
    """A joint-review project (联审联批): completed_at set exactly when it is completed, and
    not before it was created; its consultations in order after its creation."""
    created, completed = draw(_ordered(moments(), 2))
    state = draw(st.sampled_from(ProjectState))
    meeting_times = draw(
        st.lists(
            st.datetimes(
                min_value=created.replace(tzinfo=None),
                max_value=completed.replace(tzinfo=None),
                timezones=st.just(SHANGHAI),
            ),
            max_size=_SMALL,
        ).map(sorted)
    )
    return Project(
        id=draw(record_codes()),
        name=draw(texts()),
        region=draw(region_codes()),
        owner=draw(parties()),
        created_at=created,
        state=state,
        key_project=draw(st.booleans()),
        green_channel=draw(st.booleans()),
        handler=draw(_optional(free_texts())),
        agent=draw(_optional(free_texts())),
        consultations=[draw(consultations(at=st.just(moment))) for moment in meeting_times],
        completed_at=completed if state is ProjectState.COMPLETED else None,
    )


# --- engagements and the agencies' quarters (issue 14) --------------------------------------


def complaints() -> st.SearchStrategy[Complaint]:
    """A complaint about an engagement, handled or not."""
    return st.builds(
        Complaint,
        on=dates(),
        text=texts(),
        upheld=_optional(st.booleans()),
        outcome=_optional(texts()),
    )


@st.composite
def engagements(draw: st.DrawFn) -> Engagement:
    """An engagement: signed no later than it is due or delivered."""
    signed, due = draw(_ordered(dates(), 2))
    return Engagement(
        id=draw(record_codes()),
        selection_id=draw(record_codes()),
        need_id=draw(record_codes()),
        service_code=draw(record_codes()),
        credit_code=draw(credit_codes()),
        region=draw(region_codes()),
        agreed_fee=draw(_optional(money())),
        signed_on=signed,
        due_on=due,
        delivered_on=draw(_optional(st.dates(min_value=signed, max_value=LAST_DAY))),
        quality=draw(_optional(st.integers(min_value=0, max_value=100))),
        complaints=draw(_small_lists(complaints())),
        findings=draw(_small_lists(texts())),
    )


def _figures() -> st.SearchStrategy[Decimal]:
    amounts = st.decimals(min_value=0, max_value=100, places=2)
    return amounts | amounts.map(Decimal.normalize)


@st.composite
def agency_quarters(draw: st.DrawFn) -> AgencyQuarter:
    """An agency's graded quarter, with or without the suspension it drew."""
    counts = st.integers(min_value=0, max_value=50)
    suspended = draw(st.booleans())
    start, end = draw(_ordered(dates(), 2)) if suspended else (None, None)
    names = draw(
        st.lists(st.sampled_from(("timeliness", "quality", "fees", "complaints")), unique=True)
    )
    return AgencyQuarter(
        credit_code=draw(credit_codes()),
        region=draw(region_codes()),
        year=draw(st.integers(min_value=2000, max_value=2035)),
        quarter=draw(st.sampled_from((1, 2, 3, 4))),
        engagements=draw(counts),
        on_time=draw(counts),
        late=draw(counts),
        quality=draw(_optional(_figures())),
        fee_breaches=draw(counts),
        complaints_upheld=draw(counts),
        parts=tuple((name, draw(_figures())) for name in names),
        score=draw(_figures()),
        grade=draw(st.sampled_from(AgencyGrade)),
        suspended_from=start,
        suspended_until=end,
        rule=draw(texts()) if suspended else None,
    )


# --- needs and selections (issue 14) ------------------------------------------------------


def sha256_digests() -> st.SearchStrategy[str]:
    """A SHA-256 as the records hold one: 64 lower-case hex digits."""
    return st.binary(min_size=32, max_size=32).map(bytes.hex)


@st.composite
def needs(draw: st.DrawFn) -> Need:
    """An owner's need, its draw's commitment published or not."""
    commitment = draw(_optional(sha256_digests()))
    return Need(
        id=draw(record_codes()),
        service_code=draw(record_codes()),
        owner=draw(texts()),
        owner_credit_code=draw(_optional(credit_codes())),
        project_id=draw(_optional(record_codes())),
        case_id=draw(_optional(record_codes())),
        region=draw(region_codes()),
        budget=draw(_optional(money())),
        deadline=draw(dates()),
        strategy=draw(texts()),
        posted_at=draw(moments()),
        description=draw(_optional(texts())),
        commitment=commitment,
        committed_at=draw(moments()) if commitment is not None else None,
        witness_names=draw(_small_lists(texts())),
    )


def witnesses() -> st.SearchStrategy[Witness]:
    return st.builds(Witness, name=texts(), contribution=texts())


@st.composite
def selections(draw: st.DrawFn) -> Selection:
    """A selection record: a draw, a ranking or a direct choice (any figures: the schema
    and the model check forms, :func:`govservice.intermediaries.draw.verify` the draw)."""
    candidates = draw(_small_lists(credit_codes()))
    return Selection(
        id=draw(record_codes()),
        need_id=draw(record_codes()),
        service_code=draw(record_codes()),
        region=draw(region_codes()),
        strategy=draw(texts()),
        on=draw(dates()),
        at=draw(moments()),
        candidates=candidates,
        candidates_sha256=draw(sha256_digests()),
        excluded=draw(_small_lists(st.tuples(credit_codes(), texts()))),
        witnesses=draw(_small_lists(witnesses())),
        commitment=draw(_optional(sha256_digests())),
        committed_at=draw(_optional(moments())),
        seed=draw(_optional(sha256_digests())),
        algorithm=draw(texts()),
        algorithm_version=draw(st.integers(min_value=1, max_value=2**31 - 1)),
        scores=draw(_small_lists(st.tuples(credit_codes(), texts()))),
        ranked=draw(st.sampled_from((None, "lowest", "highest"))),
        reason=draw(_optional(texts())),
        result=draw(credit_codes()),
    )


# --- the intermediary service list (issue 14, H1) --------------------------------------------


@st.composite
def service_fees(draw: st.DrawFn) -> ServiceFee:
    """A listed service's fee under one of the six regimes, with what that regime states."""
    regime = draw(st.sampled_from(FeeRegime))
    amount = amount_to = None
    if regime is FeeRegime.FIXED:
        amount = draw(money())
    elif regime is FeeRegime.RANGE:
        amount, amount_to = sorted((draw(money()), draw(money())))
    cited = texts() if regime is FeeRegime.PRICE_DOCUMENT else _optional(texts())
    document = draw(cited)
    return ServiceFee(
        regime=regime,
        amount=amount,
        amount_to=amount_to,
        document=document,
        note=draw(_optional(free_texts())),
    )


@st.composite
def intermediary_services(draw: st.DrawFn) -> IntermediaryService:
    """A row of the intermediary service list, its status history in date order."""
    days = draw(st.lists(dates(), min_size=1, max_size=4).map(sorted))
    history = [
        ListStatusChange(
            status=draw(st.sampled_from(ListStatus)), on=day, document=draw(_optional(texts()))
        )
        for day in days
    ]
    return IntermediaryService(
        code=draw(record_codes()),
        name=draw(texts()),
        department=draw(texts()),
        region=draw(region_codes()),
        items=draw(_small_lists(item_codes(), unique=True)),
        requirement=draw(st.sampled_from(ServiceRequirement)),
        condition=draw(_optional(texts())),
        basis=draw(texts()),
        fee=draw(service_fees()),
        payer=draw(texts()),
        collector=draw(texts()),
        counts_in_limit=draw(st.booleans()),
        history=history,
    )


RECORDS: dict[str, st.SearchStrategy] = {
    "item": items(),
    "case": cases(),
    "station": stations(),
    "intermediary": intermediaries(),
    "blacklist-entry": blacklist_entries(),
    "project": projects(),
    "engagement": engagements(),
    "agency-quarter": agency_quarters(),
    "need": needs(),
    "selection": selections(),
    "intermediary-service": intermediary_services(),
}
"""The strategy of each record kind, keyed as :data:`govservice.kinds.KINDS`."""
