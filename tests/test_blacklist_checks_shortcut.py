"""The shortcut of :func:`govservice.checks.blacklist_period` (an entry found sound
without parsing a date) never passes an entry the whole check finds a problem in."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from govservice.checks import _entry_findings, _plain_entry, blacklist_period

DAYS = st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)).map(dt.date.isoformat)
TEXTS = st.one_of(
    DAYS,
    st.sampled_from(["2015-02-30", "2015-13-01", "2015-1-01", "15-03-01", "2015/03/01", ""]),
    st.text(max_size=12),
    st.none(),
    st.integers(),
)
NUMBERS = st.sampled_from(["370502198001011234", "370502203001011234", "3705021980****1234"])


@st.composite
def entries(draw) -> dict:
    entry: dict = {}
    for field in ("listed_on", "penalty_from", "penalty_until", "publish_from", "publish_until"):
        if draw(st.booleans()):
            entry[field] = draw(TEXTS)
    if draw(st.booleans()):
        entry["expired_on"] = draw(TEXTS)
    if draw(st.booleans()):
        entry["revocation"] = draw(st.one_of(st.fixed_dictionaries({"on": TEXTS}), TEXTS))
    kind = draw(st.sampled_from(["ric", "uscc", None]))
    if kind:
        number = draw(NUMBERS) if kind == "ric" else "91370500MA3DXK7L22"
        entry["subject"] = {"identifier": {"kind": kind, "number": number}}
    return entry


@settings(max_examples=1000, deadline=None)
@given(entries())
def test_the_shortcut_hides_no_finding(entry):
    findings = list(_entry_findings(entry))
    if _plain_entry(entry):
        assert findings == []
    assert list(blacklist_period(entry)) == findings


def test_the_common_entry_takes_the_shortcut_and_a_bad_one_does_not():
    entry = {
        "listed_on": "2015-03-01",
        "penalty_from": "2015-03-01",
        "penalty_until": "2017-02-28",
        "revocation": {"on": "2016-03-01"},
        "subject": {"identifier": {"kind": "uscc", "number": "91370500MA3DXK7L22"}},
    }
    assert _plain_entry(entry)
    assert list(blacklist_period(entry)) == []
    backwards = {**entry, "penalty_until": "2014-02-28"}
    assert not _plain_entry(backwards)
    assert list(blacklist_period(backwards)) == [
        ("/penalty_until", "penalty_until (2014-02-28) is before penalty_from")
    ]
    early = {**entry, "revocation": {"on": "2015-01-01"}}
    assert [pointer for pointer, _ in blacklist_period(early)] == ["/revocation/on"]
