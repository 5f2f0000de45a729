"""Hours mean working hours, 8 to a working day, in the model and in the deadline engine.

The model compares limits (:meth:`TimeLimit.certainly_exceeds`, :meth:`TimeLimit.could_exceed`)
by the reading the deadline engine counts by (:mod:`govservice.model._spans`): a limit the
model says certainly exceeds another is never due before it, and one the model says could
not exceed it is never due after it, on any calendar and from any day.

The 2015 schedule: Spring Festival 18-24 February off, Sunday 15 and Saturday 28 February
worked; National Day 1-7 October off, Saturday 10 October worked.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govservice import codec
from govservice.kinds import KINDS
from govservice.model import Item, LimitVariant, TimeLimit, TimeUnit
from govservice.model._spans import WORKING_HOURS_PER_DAY
from govservice.samples import make_item
from govservice.validation import reference_problems, validator_for
from govservice.workdays import Deadline, WorkingCalendar, official_schedules
from govservice.workflow import deadlines

D = dt.date
WD, CD, H = TimeUnit.WORKING_DAYS, TimeUnit.CALENDAR_DAYS, TimeUnit.HOURS

OFFICIAL = WorkingCalendar({schedule.year: schedule for schedule in official_schedules()})


def limit(amount: int, unit: TimeUnit = WD) -> TimeLimit:
    return TimeLimit(amount=amount, unit=unit)


# --- the two cases of the issue ---------------------------------------------------------------


def test_a_one_working_day_promise_beside_a_23_hour_legal_limit_is_accepted():
    item = make_item(legal_limit=limit(23, H), promised_limit=limit(1))

    assert item.promised_limit == limit(1)
    document = codec.to_document(item)
    assert validator_for(KINDS["item"]).problems(document) == []
    assert reference_problems(KINDS["item"], document) == []


def test_a_24_hour_promise_beside_a_one_calendar_day_legal_limit_is_refused_everywhere():
    with pytest.raises(ValueError, match=r"of 24 hours exceeds the legal limit of 1 calendar"):
        make_item(legal_limit=limit(1, CD), promised_limit=limit(24, H))
    document = codec.to_document(make_item(legal_limit=limit(1, CD), promised_limit=limit(1)))
    document["promised_limit"] = {"amount": 24, "unit": "hours"}
    for problems in (
        validator_for(KINDS["item"]).problems(document),
        reference_problems(KINDS["item"], document),
    ):
        assert [p.pointer for p in problems] == ["/promised_limit"]
        assert "24 hours exceeds the legal limit of 1 calendar_days" in problems[0].message


def test_the_engine_counts_hours_with_the_models_working_day():
    assert deadlines.HOURS_PER_DAY == WORKING_HOURS_PER_DAY == 8


# --- the edges -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "certainly", "could"),
    [
        # 1 working day ends with the next working day: 16 working hours from an opening
        ((16, H), (1, WD), False, True),  # from a day off, 1 working day is 8 hours
        ((17, H), (1, WD), True, True),
        ((8, H), (0, WD), False, True),  # 0 working days: the day itself
        ((9, H), (0, WD), True, True),
        ((1, WD), (8, H), False, True),  # acceptance late in the day: 8 hours run on
        ((1, WD), (7, H), True, True),
        ((0, WD), (1, H), False, True),
        ((0, WD), (0, H), False, True),
        # calendar days: anywhere from the next working day to the M-th working day
        ((16, H), (1, CD), False, True),
        ((17, H), (1, CD), True, True),
        ((8, H), (0, CD), False, True),
        ((1, CD), (7, H), True, True),
        ((1, CD), (8, H), False, True),
        ((0, CD), (2, H), False, True),
        ((21, WD), (20, CD), True, True),
        ((20, WD), (20, CD), False, True),
        ((28, CD), (20, WD), False, True),
        ((20, CD), (20, WD), False, False),  # 20 calendar days hold at most 20 working days
        ((0, CD), (0, WD), False, False),
        # the same unit compares directly
        ((3, H), (2, H), True, True),
        ((2, H), (2, H), False, False),
        ((20, CD), (20, CD), False, False),
    ],
)
def test_limits_compare_as_working_hours_at_the_edges(first, second, certainly, could):
    a, b = limit(*first), limit(*second)

    assert a.certainly_exceeds(b) is certainly
    assert a.could_exceed(b) is could


@pytest.mark.parametrize(
    ("start", "amount", "due"),
    [
        (D(2015, 2, 17), 8, D(2015, 2, 17)),  # 8 hours: the day of acceptance
        (D(2015, 2, 17), 9, D(2015, 2, 25)),  # the 9th hour: the first day after the festival
        (D(2015, 2, 14), 8, D(2015, 2, 15)),  # Saturday: Sunday 15 February is worked
        (D(2015, 2, 28), 1, D(2015, 2, 28)),  # a Saturday worked counts its own hours
        (D(2015, 9, 30), 16, D(2015, 10, 8)),  # 30 September, then after National Day
        (D(2015, 10, 3), 24, D(2015, 10, 10)),  # 8, 9 and the Saturday worked, 10 October
    ],
)
def test_hours_are_due_on_the_working_day_of_their_last_hour(start, amount, due):
    assert deadlines.limit_due(OFFICIAL, limit(amount, H), start) == Deadline(due, False)


def test_eight_hours_and_one_working_day_differ_by_the_day_of_acceptance():
    # hours run from the moment of acceptance; days from the day after (第八十二条)
    start = D(2015, 3, 2)  # a Monday
    assert deadlines.limit_due(OFFICIAL, limit(8, H), start).due == D(2015, 3, 2)
    assert deadlines.limit_due(OFFICIAL, limit(1), start).due == D(2015, 3, 3)
    assert deadlines.limit_due(OFFICIAL, limit(16, H), start).due == D(2015, 3, 3)
    # from a day off both begin with the first working day
    saturday = D(2015, 3, 7)
    assert deadlines.limit_due(OFFICIAL, limit(8, H), saturday).due == D(2015, 3, 9)
    assert deadlines.limit_due(OFFICIAL, limit(1), saturday).due == D(2015, 3, 9)


# --- the model and the engine agree -------------------------------------------------------------

limits = st.builds(
    TimeLimit,
    amount=st.integers(min_value=0, max_value=40),
    unit=st.sampled_from(TimeUnit),
)
start_days = st.dates(min_value=D(2015, 1, 1), max_value=D(2016, 12, 31))
closures = st.lists(st.dates(min_value=D(2015, 1, 1), max_value=D(2017, 3, 31)), max_size=20)


@settings(max_examples=400, deadline=None)
@given(first=limits, second=limits, start=start_days, closed=closures)
def test_the_models_comparison_never_contradicts_the_engines_due_dates(
    first, second, start, closed
):
    calendar = OFFICIAL.with_closures(closed)
    a = deadlines.limit_due(calendar, first, start).due
    b = deadlines.limit_due(calendar, second, start).due

    if first.certainly_exceeds(second):
        assert a >= b
    if not first.could_exceed(second):
        assert a <= b


def test_every_start_day_of_2015_agrees_at_the_edges():
    pairs = [
        (limit(17, H), limit(1)),
        (limit(1), limit(7, H)),
        (limit(24, H), limit(1, CD)),
        (limit(21), limit(20, CD)),
        (limit(1, CD), limit(7, H)),
    ]
    day = D(2015, 1, 1)
    while day.year == 2015:
        for longer, shorter in pairs:
            assert longer.certainly_exceeds(shorter)
            assert (
                deadlines.limit_due(OFFICIAL, longer, day).due
                >= deadlines.limit_due(OFFICIAL, shorter, day).due
            ), (longer, shorter, day)
        day += dt.timedelta(days=1)


@settings(max_examples=200, deadline=None)
@given(legal=limits, promised=limits, start=start_days)
def test_a_promise_the_model_accepts_is_never_due_after_the_law(legal, promised, start):
    if promised.certainly_exceeds(legal):
        return
    item = make_item(legal_limit=legal, promised_limit=promised)
    due = deadlines.due_dates(OFFICIAL, item, start)
    assert due.promised.due <= due.legal.due
    if not promised.could_exceed(legal):  # the engine did not need to clip it
        assert deadlines.limit_due(OFFICIAL, promised, start).due <= due.legal.due


# --- limits by kind of document ---------------------------------------------------------------


def _by_kind() -> Item:
    return make_item(
        legal_limit=TimeLimit(amount=20, variants=[LimitVariant(document_kind="补领", amount=10)]),
        promised_limit=TimeLimit(
            amount=5, variants=[LimitVariant(document_kind="补领", amount=2, unit=H)]
        ),
    )


def test_due_dates_follow_the_limit_of_the_document_applied_for():
    item = _by_kind()
    start = D(2015, 3, 2)

    first = deadlines.due_dates(OFFICIAL, item, start)
    replacement = deadlines.due_dates(OFFICIAL, item, start, document_kind="补领")
    other = deadlines.due_dates(OFFICIAL, item, start, document_kind="换领")

    assert (first.promised.due, first.legal.due) == (D(2015, 3, 9), D(2015, 3, 30))
    assert (replacement.promised.due, replacement.legal.due) == (D(2015, 3, 2), D(2015, 3, 16))
    assert other == first


def test_a_promise_for_a_kind_of_document_is_held_to_that_kinds_legal_limit():
    with pytest.raises(ValueError, match=r"promised limit for 补领 of 12 working_days exceeds"):
        make_item(
            legal_limit=TimeLimit(
                amount=20, variants=[LimitVariant(document_kind="补领", amount=10)]
            ),
            promised_limit=TimeLimit(amount=12),
        )
