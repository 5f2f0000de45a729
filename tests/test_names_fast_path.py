""":func:`govservice.blacklists.names.normalise` drops branches and company forms with
``str.endswith`` where it used regular expressions: the same key for every name, those
built of the very fragments the rules are about first."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from govservice.blacklists import names
from govservice.blacklists.names import BRANCH_MARKERS, COMPANY_FORMS, normalise

_FORM_AT_END = re.compile(rf"(?:{'|'.join(map(re.escape, COMPANY_FORMS))})$")


def by_patterns(name: str) -> str:
    """normalise() as written with regular expressions only (before the fast path)."""
    cleaned = names._clean(name)
    text = cleaned
    branch = names._BRANCH_AFTER_FORM.match(text)
    text = branch.group(1) if branch is not None else (names._BRANCH_MARKER.sub("", text) or text)
    while True:
        shorter = _FORM_AT_END.sub("", text)
        if shorter == text or not shorter:
            break
        text = shorter
    return text or cleaned


FRAGMENTS = st.sampled_from(
    [
        *COMPANY_FORMS,
        *BRANCH_MARKERS,
        "东营",
        "山东",
        "某某",
        "集团",
        "（",
        "）",
        " ",
        "Ａ",
        "b",
        "·",
        "合伙",
        "有限",
        "分",
    ]
)


@settings(max_examples=1500, deadline=None)
@given(st.lists(FRAGMENTS, max_size=7).map("".join) | st.text(max_size=20))
def test_the_fast_path_gives_the_key_the_patterns_gave(name):
    assert names.normalise_uncached(name) == by_patterns(name)
    assert normalise(name) == by_patterns(name)  # the cache holds what it made


def _clean_in_full(name: str) -> str:
    """names._clean without its fast path for plain names."""
    text = names.unicodedata.normalize("NFKC", name).casefold().translate(names._BRACKETS)
    return names._DROP.sub("", text)


def test_every_character_of_a_plain_name_is_left_as_it_is_by_cleaning():
    plain = [chr(code) for code in range(0x4E00, 0xA000)] + list(
        "0123456789abcdefghijklmnopqrstuvwxyz"
    )
    assert all(names._PLAIN.fullmatch(character) for character in plain)
    assert [c for c in plain if _clean_in_full(c) != c] == []
    assert names._clean("德州市第31039建筑工程有限公司") == "德州市第31039建筑工程有限公司"
    # a name of any other character is cleaned in full
    assert names._clean("ＡＢＣ（集团）有限公司") == "abc集团有限公司"


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from("德州市第一建筑工程有限公司0123abcXYZ（）() ·-丶豈"), max_size=30
    )
)
def test_cleaning_is_the_same_with_and_without_the_fast_path(name):
    assert names._clean(name) == _clean_in_full(name)
