"""Normalised names (规范化名称) of blacklisted subjects, for matching and for the store.

The same enterprise is written many ways across lists: full-width or half-width letters,
digits and brackets (``（集团）`` / ``(集团)`` / ``【集团】``), spaces, with or without its
company form (有限公司, 有限责任公司, 股份有限公司 …), or as one of its branches
(``…有限公司东营分公司``). :func:`normalise` maps them to one key:

- Unicode NFKC (full-width forms become half-width; the ideographic space a space), Latin
  letters in lower case;
- brackets dropped, their content kept (``山东某某（集团）有限公司`` → ``山东某某集团``);
- spaces and punctuation dropped (``·``, ``-``, ``,`` …);
- a branch (分公司, 分店, 分厂, 分所, 办事处, 营业部, 分行, 支行) is reduced to its parent:
  after a company form, the branch part is cut (``某某有限公司东营分公司`` → ``某某``); without
  one, the branch marker alone (``某某东营分公司`` → ``某某东营``);
- the company form at the end is dropped (longest first, repeatedly: ``某某股份有限公司`` →
  ``某某``), partnership forms included (``会计师事务所（特殊普通合伙）`` → ``会计师事务所``).

A name that would normalise to nothing (``有限公司`` alone) keeps its cleaned form. Persons'
names only lose spaces and punctuation (``阿卜杜·热合曼`` → ``阿卜杜热合曼``).
"""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["BRANCH_MARKERS", "COMPANY_FORMS", "normalise", "normalise_uncached"]

COMPANY_FORMS: tuple[str, ...] = (
    "股份有限公司",
    "有限责任公司",
    "股份合作公司",
    "有限公司",
    "股份公司",
    "责任公司",
    "集团公司",
    "特殊普通合伙",
    "普通合伙",
    "有限合伙",
    "合伙企业",
    "公司",
)
"""Company forms dropped at the end of a name, longest first (``集团公司`` keeps ``集团``)."""

BRANCH_MARKERS: tuple[str, ...] = (
    "分公司",
    "分店",
    "分厂",
    "分所",
    "办事处",
    "营业部",
    "分行",
    "支行",
)
"""Markers of a branch (分支机构): a branch is screened as its parent."""

_BRACKETS = str.maketrans("", "", "()[]{}<>【】〔〕〖〗《》「」『』〈〉")
# After NFKC, what is neither a letter nor a digit nor a CJK character goes: spaces,
# punctuation (· ・ • - , . & ' …) and symbols.
_DROP = re.compile(r"[^\w]|_", re.UNICODE)
_FORMS = "|".join(re.escape(form) for form in COMPANY_FORMS)
_MARKERS = "|".join(re.escape(marker) for marker in BRANCH_MARKERS)
# ``<parent><company form><anything>(branch marker)`` at the end: the parent is kept.
_BRANCH_AFTER_FORM = re.compile(rf"^(.+?(?:{_FORMS})).*?(?:{_MARKERS})$")
_BRANCH_MARKER = re.compile(rf"(?:{_MARKERS})$")
_FORMS_BY_SIZE = tuple(
    (size, frozenset(form for form in COMPANY_FORMS if len(form) == size))
    for size in sorted({len(form) for form in COMPANY_FORMS}, reverse=True)
)
"""The company forms by length, longest first: a name ending in one drops the longest."""


_PLAIN = re.compile(r"[\u4e00-\u9fff0-9a-z]+")
"""Names that cleaning leaves as they are: CJK unified ideographs (none of which NFKC or
case folding changes), ASCII digits and lower-case letters (most enterprise names)."""


def _clean(name: str) -> str:
    if _PLAIN.fullmatch(name):  # the usual name: nothing to clean
        return name
    text = unicodedata.normalize("NFKC", name).casefold().translate(_BRACKETS)
    return _DROP.sub("", text)


def normalise_uncached(name: str) -> str:
    """:func:`normalise` without its cache, for a pass over many names each seen once (a
    list of 100,000 entries being stored), which would only evict from the cache the
    names looked up again and again (those screened)."""
    cleaned = _clean(name)
    text = cleaned
    if text.endswith(BRANCH_MARKERS):  # what both branch patterns end with
        branch = _BRANCH_AFTER_FORM.match(text)
        text = branch.group(1) if branch is not None else (_BRANCH_MARKER.sub("", text) or text)
    while text.endswith(COMPANY_FORMS):  # the longest company form at the end, dropped
        for size, forms in _FORMS_BY_SIZE:
            if text[-size:] in forms:
                break
        if size == len(text):
            break
        text = text[:-size]
    return text or cleaned


@functools.lru_cache(maxsize=65536)
def normalise(name: str) -> str:
    """The normalised form of ``name`` (see the module): the key names are matched on.

    >>> normalise("山东 某某建设（集团）有限公司东营分公司")
    '山东某某建设集团'
    >>> normalise("ＡＢＣ科技股份有限公司")
    'abc科技'
    """
    return normalise_uncached(name)
