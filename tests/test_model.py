"""The model's invariants and helpers, by example: each failure names ``Class.field``."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import attrs
import pytest
from stdnum.cn import ric, uscc

from govservice.codec import from_document, to_document
from govservice.errors import InvalidRecordError
from govservice.model import (
    BlacklistEntry,
    Case,
    CaseEvent,
    CaseState,
    Certification,
    Channel,
    ChargedFee,
    Decision,
    Evaluation,
    Fee,
    Grade,
    HandlingType,
    Identifier,
    IdentifierKind,
    Intermediary,
    Item,
    ItemStatus,
    ItemType,
    ListingSource,
    Material,
    Party,
    PartyKind,
    Revocation,
    ServiceOffer,
    SourceKind,
    StaffMember,
    StaffRole,
    Station,
    StationLevel,
    TimeLimit,
    TimeUnit,
)
from govservice.model.identifiers import (
    is_masked_ric,
    mask_document,
    mask_identity_numbers,
    mask_ric,
)
from govservice.model.regions import region_label, region_name

SHANGHAI = ZoneInfo("Asia/Shanghai")

CREDIT_CODE = "91370500MA3C4D5E6D"  # check character D
IDENTITY_NUMBER = "370523199001011235"  # born 1990-01-01 in Guangrao, check digit 5


def at(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2015, 6, day, hour, tzinfo=SHANGHAI)


def wrong_last_character(number: str, alphabet: str) -> str:
    return number[:-1] + next(char for char in alphabet if char != number[-1])


def person(number: str = IDENTITY_NUMBER) -> Party:
    return Party(
        kind=PartyKind.PERSON,
        name="张三",
        identifier=Identifier(kind=IdentifierKind.RIC, number=number),
    )


def enterprise() -> Party:
    return Party(
        kind=PartyKind.ENTERPRISE,
        name="东营市某建设有限公司",
        identifier=Identifier(kind=IdentifierKind.USCC, number=CREDIT_CODE),
    )


def item(**changes) -> Item:
    fields = {
        "code": "37050000XK-XK-0001",
        "name": "建设工程规划许可",
        "type": ItemType.LICENSING,
        "department": "东营市规划局",
        "region": "370500",
        "level": "city",
        "legal_limit": TimeLimit(amount=20),
        "promised_limit": TimeLimit(amount=5),
    }
    return Item(**(fields | changes))


def case(**changes) -> Case:
    fields = {
        "id": "2015-000123",
        "item_code": "37050000XK-XK-0001",
        "region": "370500",
        "department": "东营市规划局",
        "applicant": enterprise(),
        "received_at": at(1),
    }
    return Case(**(fields | changes))


def entry(**changes) -> BlacklistEntry:
    fields = {
        "id": "BL-2015-7",
        "subject": enterprise(),
        "reason": "串通投标",
        "authority": "东营市公共资源交易中心",
        "source": ListingSource(kind=SourceKind.OWN, region="370500"),
        "listed_on": dt.date(2015, 3, 1),
        "penalty_from": dt.date(2015, 3, 1),
        "penalty_until": dt.date(2016, 2, 29),
    }
    return BlacklistEntry(**(fields | changes))


# --- identifiers ---------------------------------------------------------------------------


def test_the_sample_identifiers_are_valid():
    assert uscc.is_valid(CREDIT_CODE)
    assert ric.is_valid(IDENTITY_NUMBER)


def test_credit_code_with_a_wrong_check_character_is_rejected_naming_the_expected_one():
    bad = wrong_last_character(CREDIT_CODE, "0123456789ABCDEFGHJKLMNPQRTUWXY")

    with pytest.raises(ValueError, match=r"^Identifier\.number: ") as caught:
        Identifier(kind=IdentifierKind.USCC, number=bad)

    assert f"expected {CREDIT_CODE[-1]!r}" in str(caught.value)


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda code: item(department_code=code), "Item.department_code"),
        (
            lambda code: Station(
                code="S1", name="中心", level="city_centre", region="370500", credit_code=code
            ),
            "Station.credit_code",
        ),
        (
            lambda code: Intermediary(
                credit_code=code, name="测绘公司", region="370500", presence="physical"
            ),
            "Intermediary.credit_code",
        ),
    ],
)
def test_every_credit_code_field_checks_its_check_character(build, field):
    bad = wrong_last_character(CREDIT_CODE, "0123456789")

    with pytest.raises(ValueError, match=rf"^{re.escape(field)}: .*expected 'D'"):
        build(bad)


def test_identity_number_with_a_wrong_check_digit_is_rejected_naming_the_expected_one():
    bad = wrong_last_character(IDENTITY_NUMBER, "0123456789X")

    with pytest.raises(ValueError, match=r"^Identifier\.number: ") as caught:
        Identifier(kind=IdentifierKind.RIC, number=bad)

    message = str(caught.value)
    assert "expected '5'" in message
    assert IDENTITY_NUMBER[10:14] not in message.replace(bad[:10], "")  # shown masked


def test_staff_identity_number_is_checked_and_the_message_names_the_field():
    bad = wrong_last_character(IDENTITY_NUMBER, "0123456789X")

    with pytest.raises(ValueError, match=r"^StaffMember\.identity_number: .*expected '5'"):
        StaffMember(name="李四", role=StaffRole.WINDOW_CLERK, identity_number=bad)


def test_identity_number_with_an_impossible_birth_date_is_rejected():
    body = "37052319900231123"  # 31 February
    number = body + ric.calc_check_digit(body + "0")

    with pytest.raises(ValueError, match=r"^Identifier\.number: .*not a real date"):
        Identifier(kind=IdentifierKind.RIC, number=number)


def test_masked_identity_number_is_accepted():
    masked = "3705231990****1235"

    assert is_masked_ric(masked)
    assert person(masked).identifier.number == masked
    assert StaffMember(name="李四", role="agent", identity_number=masked).identity_number == masked


def test_mask_ric_keeps_the_first_ten_and_last_four_characters():
    masked = mask_ric(IDENTITY_NUMBER)

    assert masked == "3705231990****1235"
    assert len(masked) == 18
    assert masked[:10] == IDENTITY_NUMBER[:10]
    assert masked[-4:] == IDENTITY_NUMBER[-4:]
    assert mask_ric(masked) == masked


def test_mask_ric_keeps_a_final_x():
    number = "37052319900101003X"
    assert ric.calc_check_digit(number) == "X"
    assert mask_ric(number) == "3705231990****003X"
    assert mask_identity_numbers(f"申请人 {number}。") == "申请人 3705231990****003X。"
    assert mask_identity_numbers(number.lower()) == "3705231990****003x"


def test_mask_document_masks_identity_numbers_and_free_text_but_never_codes():
    number = "37052319900101003X"
    code = "11370500004275432Y"  # an item's base code: digits and a Y, not a person
    also_code = "370523199001010304"  # a code that even passes the identity-number check
    assert ric.is_valid(also_code)
    document = {
        "id": also_code,
        "item_code": f"{code}-XK-0001",
        "station_code": also_code,
        "tracking_code": "K7QF3M9TXW2P",
        "materials": [{"name": "身份证", "code": also_code}],
        "applicant": {
            "kind": "person",
            "name": f"张三（{number}）",
            "identifier": {"kind": "ric", "number": number},
        },
        "agent": {
            "kind": "enterprise",
            "name": "某公司",
            "identifier": {"kind": "uscc", "number": "913705231234567890"},
        },
        "refusal_reason": f"身份证 {also_code} 已过期",
        "events": [{"actor": "李娜", "note": f"核对 {number}", "warnings": [{"code": also_code}]}],
    }
    masked = mask_document(document)
    assert masked["id"] == also_code
    assert masked["item_code"] == f"{code}-XK-0001"
    assert masked["station_code"] == also_code
    assert masked["materials"] == [{"name": "身份证", "code": also_code}]
    assert masked["applicant"]["name"] == "张三（3705231990****003X）"
    assert masked["applicant"]["identifier"]["number"] == "3705231990****003X"
    assert masked["agent"]["identifier"]["number"] == "913705231234567890"
    assert masked["refusal_reason"] == "身份证 3705231990****0304 已过期"
    assert masked["events"] == [
        {"actor": "李娜", "note": "核对 3705231990****003X", "warnings": [{"code": also_code}]}
    ]
    assert document["applicant"]["identifier"]["number"] == number  # a copy: unchanged


def test_mask_document_hides_the_middle_of_a_malformed_identity_number():
    for number, shown in (
        ("3705231990010", "370523****"),
        ("370523199001010304567", "3705231990****0304567"),
    ):
        masked = mask_document({"identifier": {"kind": "ric", "number": number}})
        assert masked == {"identifier": {"kind": "ric", "number": shown}}


def test_mask_ric_refuses_a_number_of_the_wrong_length():
    with pytest.raises(ValueError, match="18 characters, not 15"):
        mask_ric("370523900101123")


def test_an_enterprise_is_identified_by_its_credit_code():
    with pytest.raises(ValueError, match=r"^Party\.identifier: a enterprise is identified by"):
        Party(
            kind=PartyKind.ENTERPRISE,
            name="东营市某建设有限公司",
            identifier=Identifier(kind=IdentifierKind.RIC, number=IDENTITY_NUMBER),
        )


def test_a_person_is_not_identified_by_a_credit_code():
    with pytest.raises(ValueError, match=r"^Party\.identifier: a person is identified by"):
        Party(
            kind=PartyKind.PERSON,
            name="张三",
            identifier=Identifier(kind=IdentifierKind.USCC, number=CREDIT_CODE),
        )


def test_a_person_may_be_identified_by_a_passport():
    passport = Identifier(kind=IdentifierKind.PASSPORT, number="E12345678")

    assert Party(kind="person", name="John Smith", identifier=passport).identifier == passport


def test_region_code_must_have_six_digits_not_starting_with_zero():
    with pytest.raises(ValueError, match=r"^Item\.region must be a 6-digit"):
        item(region="070500")


# --- time limits ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "name", "label"),
    [
        ("370523", "广饶县", "广饶县（370523）"),
        ("370500", "东营市", "东营市（370500）"),
        ("370000", "山东省", "山东省（370000）"),
        ("370521", "垦利县", "垦利县（370521）"),  # retired in 2016: the name it had
        ("100000", "全国", "全国（100000）"),
        ("370599", "370599", "370599"),  # not in the table: the code alone
        ("37052", "37052", "37052"),
    ],
)
def test_regions_are_named_as_gb_t_2260_names_them(code, name, label):
    assert region_name(code) == name
    assert region_label(code) == label


def test_promised_limit_above_the_legal_limit_is_rejected():
    with pytest.raises(ValueError, match=r"^Item\.promised_limit: .*of 25 working_days"):
        item(legal_limit=TimeLimit(amount=20), promised_limit=TimeLimit(amount=25))


def test_promised_limit_equal_to_the_legal_limit_is_accepted():
    assert item(promised_limit=TimeLimit(amount=20)).promised_limit.amount == 20


def test_promised_limit_in_calendar_days_may_exceed_a_legal_limit_in_working_days():
    promise = TimeLimit(amount=28, unit=TimeUnit.CALENDAR_DAYS)

    assert item(legal_limit=TimeLimit(amount=20), promised_limit=promise).promised_limit == promise


WD, CD, H = TimeUnit.WORKING_DAYS, TimeUnit.CALENDAR_DAYS, TimeUnit.HOURS


@pytest.mark.parametrize(
    ("longer", "shorter", "expected"),
    [
        ((21, WD), (20, WD), True),
        ((20, WD), (20, WD), False),
        ((3, H), (2, H), True),
        # a working day lasts at least a calendar day
        ((21, WD), (20, CD), True),
        ((20, WD), (20, CD), False),
        # 28 calendar days may well be shorter than 20 working days (a holiday week)
        ((28, CD), (20, WD), False),
        ((21, CD), (20, CD), True),
        # hours are working hours, 8 to a working day (the deadline engine's reading):
        # 1 working day (counted from the next day) fits in 23 hours from acceptance ...
        ((1, WD), (23, H), False),
        ((1, WD), (7, H), True),
        ((1, CD), (24, H), False),
        ((0, WD), (2, H), False),
        ((25, H), (1, CD), True),
        # ... and 24 working hours (3 working days) outlast 1 calendar day
        ((24, H), (1, CD), True),
        ((16, H), (1, CD), False),
    ],
)
def test_certainly_exceeds_reports_only_what_is_certain_across_units(longer, shorter, expected):
    first = TimeLimit(amount=longer[0], unit=longer[1])
    second = TimeLimit(amount=shorter[0], unit=shorter[1])

    assert first.certainly_exceeds(second) is expected


def test_hours_exceed_working_days_only_past_the_day_after():
    # 1 working day ends with the next working day: 16 working hours after an opening
    assert not TimeLimit(amount=16, unit=H).certainly_exceeds(TimeLimit(amount=1, unit=WD))
    assert TimeLimit(amount=17, unit=H).certainly_exceeds(TimeLimit(amount=1, unit=WD))


def test_time_limit_amount_is_never_negative():
    with pytest.raises(ValueError, match=r"^TimeLimit\.amount must not be negative"):
        TimeLimit(amount=-1)


# --- money ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (Decimal("-0.01"), "must not be negative"),
        (Decimal("12.345"), "has more than 2 decimals"),
        (Decimal("NaN"), "must be a Decimal amount"),
        (12.5, "must be a Decimal amount"),
    ],
)
def test_fee_amount_is_yuan_with_at_most_two_decimals(amount, words):
    with pytest.raises(ValueError, match=rf"^Fee\.amount {words}"):
        Fee(name="工本费", amount=amount)


def test_charged_fee_amount_is_checked_too():
    with pytest.raises(ValueError, match=r"^ChargedFee\.amount must not be negative"):
        ChargedFee(name="工本费", amount=Decimal("-5"))


def test_fee_range_of_a_service_never_runs_downwards():
    with pytest.raises(ValueError, match=r"^ServiceOffer\.fee_to: 100 is below"):
        ServiceOffer(name="地形测量", fee_from=Decimal("200"), fee_to=Decimal("100"))


# --- cases ---------------------------------------------------------------------------------


def test_naive_datetime_is_rejected():
    with pytest.raises(ValueError, match=r"^Case\.received_at must carry a time zone"):
        case(received_at=dt.datetime(2015, 6, 1, 9))


def test_naive_event_time_is_rejected():
    with pytest.raises(ValueError, match=r"^CaseEvent\.at must carry a time zone"):
        CaseEvent(
            at=dt.datetime(2015, 6, 1, 9),
            actor="王五",
            role="system",
            action="受理",
            to_state="accepted",
        )


def test_accepted_before_received_is_rejected():
    with pytest.raises(ValueError, match=r"^Case\.(accepted|received)_at \(") as caught:
        case(received_at=at(2), accepted_at=at(1))

    assert "Case.received_at" in str(caught.value)
    assert "Case.accepted_at" in str(caught.value)


def test_decided_before_received_is_rejected_when_acceptance_is_not_recorded():
    with pytest.raises(ValueError, match=r"^Case\.(decided|received)_at \("):
        case(received_at=at(2), decided_at=at(2, 8))


def test_promised_due_after_legal_due_is_rejected():
    with pytest.raises(ValueError, match=r"^Case\.promised_due \(.*\) is after Case\.legal_due"):
        case(promised_due=dt.date(2015, 7, 1), legal_due=dt.date(2015, 6, 30))


def test_evaluation_of_a_case_that_is_not_completed_is_rejected():
    with pytest.raises(ValueError, match=r"^Case\.evaluation: only a completed case"):
        case(state=CaseState.IN_REVIEW, evaluation=Evaluation(grade="satisfied", at=at(3)))


def test_evaluation_of_a_completed_case_is_kept():
    evaluation = Evaluation(grade=Grade.VERY_SATISFIED, at=at(5))

    completed = case(
        state="completed", accepted_at=at(1, 10), completed_at=at(4), evaluation=evaluation
    )

    assert completed.evaluation == evaluation
    assert completed.state.is_closed


# --- items ---------------------------------------------------------------------------------


def test_conditional_material_states_its_condition():
    with pytest.raises(ValueError, match=r"^Material\.condition: a conditional material"):
        Material(name="委托书", requirement="conditional")


def test_item_not_in_service_says_since_when():
    with pytest.raises(ValueError, match=r"^Item\.status_since: an item cancelled"):
        item(status=ItemStatus.CANCELLED)


def test_item_channels_are_listed_once():
    with pytest.raises(ValueError, match=r"^Item\.channels lists a value twice"):
        item(channels=[Channel.WINDOW, Channel.WINDOW])


@pytest.mark.parametrize(
    ("status", "accepts"),
    [
        (ItemStatus.IN_SERVICE, True),
        (ItemStatus.DELEGATED, True),
        (ItemStatus.CANCELLED, False),
        (ItemStatus.SUSPENDED, False),
    ],
)
def test_only_items_in_service_or_delegated_accept_cases(status, accepts):
    assert status.accepts_cases is accepts
    assert item(status=status, status_since=dt.date(2015, 4, 1)).accepts_cases is accepts


@pytest.mark.parametrize(
    ("handling_type", "promise", "immediate"),
    [
        (HandlingType.IMMEDIATE, TimeLimit(amount=2, unit=H), True),
        (HandlingType.PROMISED, TimeLimit(amount=0), True),
        (HandlingType.PROMISED, TimeLimit(amount=5), False),
        (HandlingType.PROMISED, TimeLimit(amount=0, unit=CD), False),
    ],
)
def test_item_is_immediate_by_type_or_by_a_promise_of_zero_working_days(
    handling_type, promise, immediate
):
    assert item(handling_type=handling_type, promised_limit=promise).is_immediate is immediate


@pytest.mark.parametrize(
    ("fees", "free"),
    [
        ((), True),
        ((Fee(name="工本费", amount=Decimal("10"), waived=True),), True),
        ((Fee(name="工本费", amount=Decimal("10")),), False),
        (
            (
                Fee(name="工本费", amount=Decimal("10"), waived=True),
                Fee(name="测绘费", amount=Decimal("0.50")),
            ),
            False,
        ),
    ],
)
def test_item_is_free_without_fees_or_with_every_fee_waived(fees, free):
    assert item(fees=fees).is_free is free


def test_item_type_letters_follow_the_national_code():
    assert ItemType.LICENSING.letters == "XK"
    assert ItemType.PUBLIC_SERVICE.letters == "GG"
    assert ItemType.CONFIRMATION.letters == "QR"
    assert ItemType.OTHER.letters is None  # not a national type: no letters of its own
    letters = [item_type.letters for item_type in ItemType if item_type is not ItemType.OTHER]
    assert len(set(letters)) == len(letters) == 11
    assert all(re.fullmatch("[A-Z]{2}", pair) for pair in letters)


def test_labelled_enums_carry_their_chinese_label_and_english_value():
    assert Grade.VERY_SATISFIED.label == "非常满意"
    assert Grade.VERY_DISSATISFIED.label == "非常不满意"
    assert Grade.VERY_SATISFIED == "very_satisfied"
    assert Grade("satisfied") is Grade.SATISFIED
    assert ItemType.LICENSING.label == "行政许可"
    assert StationLevel.VILLAGE_STATION.label == "村级便民服务站"
    assert [grade.is_bad for grade in Grade] == [False, False, False, True, True]


def test_lists_given_to_the_model_are_kept_as_tuples():
    made = item(legal_basis=["《中华人民共和国城乡规划法》"], channels=[Channel.ONLINE])

    assert made.legal_basis == ("《中华人民共和国城乡规划法》",)
    assert made.channels == (Channel.ONLINE,)


# --- stations ------------------------------------------------------------------------------


def test_village_station_without_parent_is_rejected():
    with pytest.raises(ValueError, match=r"^Station\.parent_code: a village station belongs"):
        Station(code="V001", name="某村便民服务站", level="village_station", region="370523")


def test_station_is_not_its_own_parent():
    with pytest.raises(ValueError, match=r"^Station\.parent_code: a station is not its own"):
        Station(
            code="T01",
            name="某镇便民服务中心",
            level="township_centre",
            parent_code="T01",
            region="370523",
        )


def test_certification_expires_after_it_is_issued():
    with pytest.raises(ValueError, match=r"^Certification\.issued_on .* is after"):
        Certification(
            name="ISO 9001", issued_on=dt.date(2015, 1, 2), expires_on=dt.date(2015, 1, 1)
        )


# --- blacklist entries ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "in_force"),
    [
        (dt.date(2015, 2, 28), False),
        (dt.date(2015, 3, 1), True),
        (dt.date(2016, 2, 29), True),
        (dt.date(2016, 3, 1), False),
    ],
)
def test_listing_is_in_force_from_its_first_to_its_last_day(day, in_force):
    assert entry().in_force_on(day) is in_force


def test_open_ended_listing_stays_in_force():
    assert entry(penalty_until=None).in_force_on(dt.date(2035, 1, 1))


@pytest.mark.parametrize(
    ("day", "in_force"),
    [
        (dt.date(2015, 6, 30), True),
        (dt.date(2015, 7, 1), False),
        (dt.date(2015, 12, 1), False),
    ],
)
def test_revoked_listing_stops_on_the_day_of_revocation(day, in_force):
    revoked = entry(revocation=Revocation(on=dt.date(2015, 7, 1), reason="信用修复"))

    assert revoked.in_force_on(day) is in_force


def test_listing_cannot_end_before_it_starts():
    with pytest.raises(ValueError, match=r"^BlacklistEntry\.penalty_from .* is after"):
        entry(penalty_from=dt.date(2015, 3, 1), penalty_until=dt.date(2015, 2, 1))


def test_listing_cannot_be_revoked_before_it_is_made():
    with pytest.raises(ValueError, match=r"^BlacklistEntry\.revocation: revoked on 2015-02-01"):
        entry(revocation=Revocation(on=dt.date(2015, 2, 1), reason="错误录入"))


def test_text_fields_must_not_be_blank():
    with pytest.raises(ValueError, match=r"^BlacklistEntry\.reason must be a non-empty text"):
        entry(reason="  ")


# --- text safe to show (issue 10, part 6) ---------------------------------------------------

UNSAFE = [
    ("\x00", "U+0000 (NUL), a control character"),
    ("\x1b[31m", "U+001B (ESC, the start of a terminal escape sequence), a control character"),
    ("\n", "U+000A (a line feed), a control character"),
    ("\r", "U+000D (a carriage return), a control character"),
    ("\t", "U+0009 (a tab), a control character"),
    ("\x7f", "U+007F (DEL), a control character"),
    ("\x9b", "U+009B, a control character"),
    ("\u202e", "U+202E (right-to-left override), a bidirectional control"),
    ("\u2066", "U+2066 (left-to-right isolate), a bidirectional control"),
    ("\u2028", "U+2028 (a line separator), a line break"),
    ("\u061c", "U+061C (arabic letter mark), a bidirectional control"),
    ("\u200e", "U+200E (left-to-right mark), a bidirectional control"),
    ("\u200f", "U+200F (right-to-left mark), a bidirectional control"),
    ("\u202a", "U+202A (left-to-right embedding), a bidirectional control"),
    ("\u202b", "U+202B (right-to-left embedding), a bidirectional control"),
    ("\u202c", "U+202C (pop directional formatting), a bidirectional control"),
    ("\u202d", "U+202D (left-to-right override), a bidirectional control"),
    ("\u2067", "U+2067 (right-to-left isolate), a bidirectional control"),
    ("\u2068", "U+2068 (first strong isolate), a bidirectional control"),
    ("\u2069", "U+2069 (pop directional isolate), a bidirectional control"),
    ("\ufeff", "U+FEFF (zero width no-break space, a byte order mark), an invisible character"),
    ("\u200b", "U+200B (zero width space), an invisible character"),
    ("\u00ad", "U+00AD (soft hyphen), an invisible character"),
    ("\ufff9", "U+FFF9 (interlinear annotation anchor), an invisible character"),
    ("\ufffa", "U+FFFA (interlinear annotation separator), an invisible character"),
    ("\ufffb", "U+FFFB (interlinear annotation terminator), an invisible character"),
]
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
"""The Unicode Bidi_Control property, written out (not taken from the code under test)."""
INVISIBLE = "\ufeff\u200b\u00ad\ufff9\ufffa\ufffb"


@pytest.mark.parametrize(("character", "words"), UNSAFE)
def test_names_and_actors_refuse_control_characters_and_bidi_overrides(character, words):
    with pytest.raises(ValueError, match=r"^Party\.name: character 2 is U\+") as refused:
        Party(
            kind="person",
            name=f"张{character}三",
            identifier=Identifier(kind="ric", number=IDENTITY_NUMBER),
        )
    assert str(refused.value) == (
        f"Party.name: character 2 is {words}; it may hold no control characters, no "
        "bidirectional controls and no invisible characters"
    )
    with pytest.raises(ValueError, match=r"^CaseEvent\.actor: character 3 is U\+"):
        CaseEvent(
            at=at(1),
            actor=f"李娜{character}",
            role="window_clerk",
            action="受理",
            to_state="accepted",
        )


def test_the_bidi_control_set_is_the_unicode_property():
    """Every character Unicode gives Bidi_Control, and no other, is a bidirectional
    control to the validators (unicodedata has no Bidi_Control property: its members are
    the bidirectional classes LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI, with the marks
    LRM, RLM and ALM)."""
    import unicodedata

    from govservice.model import _checks

    classes = {"LRE", "RLE", "PDF", "LRO", "RLO", "LRI", "RLI", "FSI", "PDI"}
    marks = {"\u200e", "\u200f", "\u061c"}
    found = {
        chr(point)
        for point in range(0x110000)
        if unicodedata.bidirectional(chr(point)) in classes or chr(point) in marks
    }
    assert found == set(BIDI_CONTROLS)
    pattern = re.compile(f"[{_checks.BIDI_CONTROLS}]")
    assert {chr(p) for p in range(0x3000) if pattern.match(chr(p))} == set(BIDI_CONTROLS)


@pytest.mark.parametrize("character", BIDI_CONTROLS)
def test_free_text_refuses_every_bidi_control(character):
    from govservice.model import _checks

    field = attrs.fields(Case).refusal_reason
    with pytest.raises(ValueError, match=r"character 3 is U\+.*a bidirectional control; "):
        _checks.paragraph(None, field, f"材料{character}不全")


@pytest.mark.parametrize("character", INVISIBLE)
def test_free_text_may_hold_invisible_characters(character):
    from govservice.model import _checks

    field = attrs.fields(Case).refusal_reason
    _checks.paragraph(None, field, f"材料{character}不全")


@pytest.mark.parametrize("character", BIDI_CONTROLS + INVISIBLE)
def test_the_schema_refuses_what_the_model_refuses(character):
    """The ``line`` and ``paragraph`` patterns of the schemas are the classes of the model:
    a name with the character is refused by both engines and the model, in words."""
    from govservice.kinds import KINDS
    from govservice.validation import reference_problems, validator_for

    document = to_document(item()) | {"name": f"建筑{character}施工许可"}
    kind = KINDS["item"]
    for problems in (validator_for(kind).problems(document), reference_problems(kind, document)):
        assert [p.pointer for p in problems] == ["/name"]
        assert f"character 3 is U+{ord(character):04X}" in problems[0].message
        assert "no bidirectional control and no invisible character" in problems[0].message
    with pytest.raises(InvalidRecordError):
        from_document(Item, document)
    with pytest.raises(ValueError, match=r"^Item\.name: character 3 is U\+"):
        attrs.evolve(item(), name=f"建筑{character}施工许可")
    if character in BIDI_CONTROLS:  # free text too
        document = to_document(item()) | {"legal_basis": [f"《行政许可法》{character}"]}
        problems = validator_for(kind).problems(document)
        assert [p.pointer for p in problems] == ["/legal_basis/0"], problems
        assert "bidirectional control" in problems[0].message


def test_plain_text_keeps_the_fast_path():
    """A printable text is never searched: :func:`str.isprintable` is False for every
    character refused, so the regular expression runs only for the rare other text."""
    from govservice.model import _checks

    for character in BIDI_CONTROLS + INVISIBLE:
        assert not character.isprintable()
    assert _checks.unsafe_character("东营市政务服务中心 Zhang San") is None


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("version", 2**31, "Item.version is at most 2,147,483,647, got 2147483648"),
        ("version", 10**40, "Item.version is at most 2,147,483,647, got a number of about 41"),
        ("version", 2**31 - 1, None),
    ],
)
def test_a_version_fits_the_store(field, value, words):
    if words is None:
        assert item(version=value).version == value
        return
    with pytest.raises(ValueError, match="^" + re.escape(words)):
        item(version=value)


def test_counts_of_copies_and_days_are_bounded():
    with pytest.raises(ValueError, match=r"^Material\.copies is at most 100,000, got 100001"):
        Material(name="申请表", copies=100_001)
    assert Material(name="申请表", copies=100_000).copies == 100_000
    with pytest.raises(ValueError, match=r"^TimeLimit\.amount is at most 100,000"):
        TimeLimit(amount=2**63)


def test_plain_names_of_every_script_and_inner_spaces_are_kept():
    for name in ("张 三", "Zhang San", "阿卜杜·热合曼", "Ólafur", "李\u3000娜", "O'Brien-Смирнов"):
        assert (
            Party(
                kind="person", name=name, identifier=Identifier(kind="ric", number=IDENTITY_NUMBER)
            ).name
            == name
        )


def test_free_text_validators_allow_tab_and_newline_but_no_other_control():
    from govservice.model import _checks

    field = attrs.fields(Case).refusal_reason
    _checks.paragraph(None, field, "材料不全：\n\t1. 申请表")
    _checks.paragraph(None, field, None)
    with pytest.raises(ValueError, match=r"character 5 is U\+001B .*tabs and line breaks"):
        _checks.paragraph(None, field, "材料不全\x1b[8m")
    with pytest.raises(ValueError, match=r"character 1 is U\+000A"):
        _checks.one_line(None, field, "\n")
    _checks.one_line(None, field, "")


# --- codec ---------------------------------------------------------------------------------


def item_document(**changes) -> dict:
    return to_document(item()) | changes


def problems_of(model: type, document: dict, check: bool = False) -> tuple[tuple[str, str], ...]:
    """The problems the converter itself finds (``check=False``: the schema is not asked)."""
    with pytest.raises(InvalidRecordError) as caught:
        from_document(model, document, where="items.json", check=check)
    assert caught.value.code == "GS300"
    assert str(caught.value).startswith(f"items.json: not a valid {model.__name__}: ")
    return caught.value.problems


def test_document_of_an_item_is_plain_json_without_defaults():
    assert to_document(item(fees=[Fee(name="工本费", amount=Decimal("120.00"))])) == {
        "code": "37050000XK-XK-0001",
        "name": "建设工程规划许可",
        "type": "licensing",
        "department": "东营市规划局",
        "region": "370500",
        "level": "city",
        "legal_limit": {"amount": 20},
        "promised_limit": {"amount": 5},
        "fees": [{"name": "工本费", "amount": "120.00"}],
    }


def test_document_of_a_case_writes_times_with_their_offset():
    document = to_document(case())

    assert document["received_at"] == "2015-06-01T09:00:00+08:00"
    assert from_document(Case, document) == case()


def test_unknown_fields_are_reported_with_their_pointer():
    document = item_document(colour="red")
    document["materials"] = [{"name": "申请书", "pages": 2}]

    assert set(problems_of(Item, document)) == {
        ("", "unknown field(s): colour"),
        ("/materials/0", "unknown field(s): pages"),
    }


@pytest.mark.parametrize(
    ("changes", "pointer", "words"),
    [
        ({"version": "2"}, "/version", "expected a whole number, not '2'"),
        ({"version": True}, "/version", "expected a whole number, not True"),
        ({"name": 5}, "/name", "expected a text, not 5"),
        ({"legal_limit": {"amount": "20"}}, "/legal_limit/amount", "expected a whole number"),
        ({"fees": [{"name": "工本费", "amount": 12}]}, "/fees/0/amount", "written as a string"),
        ({"status_since": 20150401}, "/status_since", "a date is written as YYYY-MM-DD"),
    ],
)
def test_wrong_types_are_reported_with_their_pointer(changes, pointer, words):
    problems = problems_of(Item, item_document(**changes))

    assert len(problems) == 1
    assert problems[0][0] == pointer
    assert words in problems[0][1]


def test_unknown_enum_value_is_reported_at_its_field():
    problems = problems_of(Item, item_document(type="permit"))

    assert problems == (("/type", "'permit' is not a valid ItemType"),)


def test_missing_required_field_is_reported_with_its_pointer():
    document = item_document()
    del document["department"]

    assert problems_of(Item, document) == (("/department", "required field missing"),)


def test_broken_invariant_in_a_document_is_reported_naming_the_field():
    document = item_document(promised_limit={"amount": 30})

    ((_, message),) = problems_of(Item, document)
    assert message.startswith("Item.promised_limit: ")


def test_every_problem_of_a_document_is_reported_at_once():
    document = item_document(version="2", name=5)

    assert {pointer for pointer, _ in problems_of(Item, document)} == {"/version", "/name"}


# --- frozen records ------------------------------------------------------------------------


def test_evolve_gives_a_changed_copy_and_leaves_the_original_alone():
    original = item()

    changed = attrs.evolve(original, status=ItemStatus.CANCELLED, status_since=dt.date(2015, 9, 1))

    assert changed.status is ItemStatus.CANCELLED
    assert changed.accepts_cases is False
    assert original.status is ItemStatus.IN_SERVICE
    assert original.accepts_cases is True
    assert changed != original
    assert attrs.evolve(original) == original


def test_records_are_frozen():
    original = item()

    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        original.name = "别的事项"  # type: ignore[misc]


def test_evolve_checks_the_invariants_again():
    with pytest.raises(ValueError, match=r"^Item\.promised_limit: "):
        attrs.evolve(item(), promised_limit=TimeLimit(amount=21))


def test_by_default_the_schema_is_asked_first_with_its_located_messages():
    document = item_document(colour="红", version="2", type="permit")
    del document["department"]
    problems = problems_of(Item, document, check=True)
    assert sorted(pointer for pointer, _ in problems) == ["", "", "/type", "/version"]
    messages = {message for _, message in problems}
    assert "required field 'department' is missing" in messages
    assert "unknown field(s): colour" in messages
    assert '"2" is not of type "integer"' in messages
    assert dict(problems)["/type"].startswith("'permit' is not one of: licensing")


def test_a_text_where_a_list_belongs_is_refused():
    with pytest.raises(InvalidRecordError) as caught:
        from_document(Item, item_document(legal_basis="《城乡规划法》"))
    assert [pointer for pointer, _ in caught.value.problems] == ["/legal_basis"]


def test_born_by_refuses_a_party_born_after_the_record():
    from govservice.model import _checks

    @attrs.frozen
    class Listing:
        listed_at: dt.datetime
        subject: Party
        other: Party | None = None

        def __attrs_post_init__(self) -> None:
            _checks.born_by("listed_at", "subject", "other")(self)

    body = "37052320150602123"
    later = person(body + ric.calc_check_digit(body + "0"))
    with pytest.raises(ValueError, match=r"^Listing\.subject: the identity number 3705232015\*"):
        Listing(listed_at=at(1), subject=later)
    assert Listing(listed_at=at(2), subject=later).subject == later  # born that day
    assert Listing(listed_at=at(1), subject=person("3705232030****1234")).other is None


FREE_TEXT_FIELDS = [
    # (model, field)
    ("Case", "refusal_reason"),
    ("Case", "handler"),
    ("Decision", "reason"),
    ("CaseEvent", "note"),
    ("CaseEvent", "refusal"),
    ("CaseEvent", "on_behalf_of"),
]


@pytest.mark.parametrize(("model", "field"), FREE_TEXT_FIELDS)
def test_reasons_and_notes_of_the_model_refuse_control_characters(model, field):
    case = from_document(Case, to_document(_sample_case()))
    targets = {
        "Case": case,
        "Decision": Decision(outcome="deny"),
        "CaseEvent": CaseEvent(
            at=at(1), actor="李娜", role="window_clerk", action="受理", to_state="accepted"
        ),
    }
    with pytest.raises(ValueError, match=rf"^{model}\.{field}: character \d+ is U\+001B"):
        attrs.evolve(targets[model], **{field: "材料不全\x1b[8m"})


def _sample_case() -> Case:
    from govservice.samples import make_case

    return make_case()
