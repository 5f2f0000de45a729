"""The fast paths of validation and bulk import give exactly the verdicts of the plain ones.

- identifier formats: :func:`govservice.formats.is_ric` / ``is_uscc`` against their plain
  definitions (``ric_problem`` / ``uscc_problem``);
- :meth:`RecordValidator.is_valid` (check digits in Python, then a validator compiled
  without them) against the compiled validator that calls the check digits itself;
- the import workers' JSON scanning and packing of rows against ``json.loads`` and pickle.
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from stdnum.cn import ric, uscc

from govservice import formats
from govservice.errors import MalformedInputError
from govservice.importing import Span, _prepare, _prepare_lines
from govservice.kinds import KINDS
from govservice.model.identifiers import ric_problem, uscc_problem
from govservice.store.bulk import pack_rows, unpack_rows
from govservice.validation import FormatPlan, check_findings, validator_for

EXAMPLES = Path(__file__).parent / "examples"


def _ric(region: str = "370523", born: str = "19900307", serial: str = "123") -> str:
    body = region + born + serial
    return body + ric.calc_check_digit(body + "0")


def _uscc(body: str = "91370523MA3C5UK3F") -> str:
    return body + uscc.calc_check_digit(body)


def _wrong_last(value: str, alphabet: str) -> str:
    return value[:-1] + next(c for c in alphabet if c != value[-1])


GOOD_RIC = _ric()
GOOD_USCC = _uscc()

RIC_VALUES = [
    GOOD_RIC,
    _ric(serial="000"),
    _ric(born="20000229"),
    _wrong_last(GOOD_RIC, "0123456789X"),
    _ric(born="19900230"),  # no such day
    _ric(born="20010229"),
    _ric(region="999999"),  # no such region
    _ric(region="372327"),  # Guangrao before 1983: a region in some period
    GOOD_RIC[:10] + "****" + GOOD_RIC[14:],  # masked
    GOOD_RIC.lower(),
    GOOD_RIC[:-1] + "x",
    GOOD_RIC[:17],
    GOOD_RIC + "0",
    GOOD_RIC + "\n",
    " " + GOOD_RIC,
    "３" + GOOD_RIC[1:],  # a full-width digit
    "",
    GOOD_USCC,
    12345,
    None,
]

USCC_VALUES = [
    GOOD_USCC,
    _uscc("91370500MA3C5UK3F"),
    _wrong_last(GOOD_USCC, "0123456789ABCDEFGHJKLMNPQRTUWXY"),
    GOOD_USCC.lower(),
    GOOD_USCC[:17],
    GOOD_USCC + "\n",
    GOOD_USCC.replace("M", "I"),
    GOOD_RIC,
    _wrong_last(GOOD_RIC, "0123456789X"),
    "",
    7,
    None,
]


def _plain_is_ric(value: Any) -> bool:
    if not isinstance(value, str) or not formats._RIC_SHAPE.search(value) or "\n" in value:
        return True
    return ric_problem(value) is None


def _plain_is_uscc(value: Any) -> bool:
    if not isinstance(value, str) or not formats._USCC_SHAPE.search(value) or "\n" in value:
        return True
    return uscc_problem(value) is None


@pytest.mark.parametrize("value", RIC_VALUES, ids=repr)
def test_is_ric_is_its_plain_definition(value):
    assert formats.is_ric(value) == _plain_is_ric(value)
    assert formats.is_ric(value) == _plain_is_ric(value)  # and again, remembered


@pytest.mark.parametrize("value", USCC_VALUES, ids=repr)
def test_is_uscc_is_its_plain_definition(value):
    assert formats.is_uscc(value) == _plain_is_uscc(value)
    assert formats.is_uscc(value) == _plain_is_uscc(value)


def test_is_ric_on_many_numbers():
    day = dt.date(1988, 2, 25)
    for offset, serial in itertools.product(range(0, 400, 7), ("001", "730", "999")):
        number = _ric(born=(day + dt.timedelta(days=offset)).strftime("%Y%m%d"), serial=serial)
        for value in (number, _wrong_last(number, "0123456789X")):
            assert formats.is_ric(value) == _plain_is_ric(value), value
    for born in ("19901301", "19900001", "19900132", "00000101", "99991231"):
        value = _ric(born=born)
        assert formats.is_ric(value) == _plain_is_ric(value), value


# --- the validator -------------------------------------------------------------------------


def _plain_is_valid(kind, document: Any) -> bool:
    """The verdict as the validator gave it before: the compiled validator with the check
    digits as its formats, then the cross-field checks."""
    validator = validator_for(kind)
    try:
        if not validator._compiled.is_valid(document):
            return False
    except (ValueError, TypeError):
        return False
    return next(check_findings(validator._plan, document), None) is None


def _valid_examples() -> list[tuple[str, dict]]:
    found = []
    for path in sorted(EXAMPLES.glob("*/valid/*.json")):
        found.append((path.parts[-3], json.loads(path.read_text(encoding="utf-8"))))
    return found


IDENTIFIER_KINDS = ["uscc", "ric", "passport", "other", "USCC", 3, None]
NUMBERS = [
    GOOD_RIC,
    _wrong_last(GOOD_RIC, "0123456789X"),
    _ric(born="19900230"),
    GOOD_RIC[:10] + "****" + GOOD_RIC[14:],
    GOOD_USCC,
    _wrong_last(GOOD_USCC, "0123456789ABCDEFGHJKLMNPQRTUWXY"),
    "E12345678",
    "",
    18,
    None,
]


def _places(node: Any, path: tuple = ()) -> list[tuple]:
    """Paths to every dict and to every text that may be an identifier."""
    places = []
    if isinstance(node, dict):
        places.append(path)
        for key, child in node.items():
            places += _places(child, (*path, key))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            places += _places(child, (*path, index))
    elif isinstance(node, str) and (
        formats._RIC_SHAPE.search(node) or formats._USCC_SHAPE.search(node)
    ):
        places.append(path)
    return places


def _set(document: Any, path: tuple, value: Any) -> Any:
    changed = copy.deepcopy(document)
    if not path:
        return value
    node = changed
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return changed


def _get(document: Any, path: tuple) -> Any:
    for step in path:
        document = document[step]
    return document


def _variants(document: dict) -> list[Any]:
    variants = [document]
    for path in _places(document):
        value = _get(document, path)
        if isinstance(value, dict):
            if "kind" in value and "number" in value:  # an identifier
                for kind, number in itertools.product(IDENTIFIER_KINDS, NUMBERS):
                    variants.append(_set(document, path, {"kind": kind, "number": number}))
                variants.append(_set(document, path, {"number": GOOD_RIC}))
                variants.append(_set(document, path, {"kind": "ric"}))
                variants.append(_set(document, path, [value]))
                variants.append(_set(document, path, "ric"))
            elif "identifier" in value and "kind" in value:  # a party
                for kind in ("person", "enterprise", "x"):
                    variants.append(_set(document, (*path, "kind"), kind))
        else:
            for number in NUMBERS:
                variants.append(_set(document, path, number))
    return variants


EXAMPLE_DOCUMENTS = _valid_examples()


@pytest.mark.parametrize(
    ("kind", "document"),
    EXAMPLE_DOCUMENTS,
    ids=[f"{kind}-{index}" for index, (kind, _) in enumerate(EXAMPLE_DOCUMENTS)],
)
def test_is_valid_and_problems_are_the_plain_verdicts(kind, document):
    validator = validator_for(KINDS[kind])
    verdicts = set()
    for variant in _variants(document):
        verdict = validator.is_valid(variant)
        assert verdict == _plain_is_valid(KINDS[kind], variant), variant
        assert (validator.problems(variant) == []) == verdict, variant
        verdicts.add(verdict)
    assert verdicts == {True, False} or len(_variants(document)) == 1


def test_every_kind_with_identifiers_has_a_format_plan():
    for name in ("item", "case", "station", "intermediary", "blacklist-entry"):
        plan = FormatPlan.of(KINDS[name].schema_id)
        assert plan is not None, name
        assert {format_name for _, format_name in plan.sites} <= {
            "cn-ric",
            "cn-uscc",
            "cn-org-code",
        }
    sites = FormatPlan.of(KINDS["case"].schema_id).sites
    assert {(steps[0], steps[-1], name) for steps, name in sites} == {
        (("property", party), ("property", "number"), name)
        for party in ("applicant", "agent", "mandates")  # a mandate's agent and principal
        for name in ("cn-ric", "cn-uscc", "cn-org-code")
    }


def test_not_plain_json_is_invalid_on_the_fast_path_too():
    validator = validator_for(KINDS["case"])
    _, document = next(item for item in EXAMPLE_DOCUMENTS if item[0] == "case")
    for odd in ({1: "a"}, {"a": "\ud800"}, (1, 2), {GOOD_RIC}, object()):
        changed = _set(document, ("applicant", "identifier"), odd)
        assert validator.is_valid(changed) is False
        assert validator.problems(changed)


# --- the import workers --------------------------------------------------------------------


def _lines_file(tmp_path: Path, lines: list[str]) -> tuple[str, Span, str]:
    path = tmp_path / "cases.jsonl"
    block = "\n".join(lines) + "\n"
    path.write_text(block, encoding="utf-8")
    return str(path), Span(0, len(block.encode()), 1, 1), block


def _case_text() -> str:
    _, document = next(item for item in EXAMPLE_DOCUMENTS if item[0] == "case")
    return json.dumps(document, ensure_ascii=False)


def test_worker_lines_parse_as_json_loads_does(tmp_path):
    text = _case_text()
    lines = [
        text,
        "  " + text + "\t",
        text + "\r",
        json.dumps(json.loads(text)),  # \\u escapes
        json.dumps(json.loads(text), indent=None, separators=(",", ":")),
    ]
    file, span, block = _lines_file(tmp_path, lines)
    validator = validator_for(KINDS["case"])
    rows, invalid = _prepare_lines("case", file, span, block, validator)
    assert not invalid
    assert len(rows) == len(lines)
    assert len(set(rows)) == 1


@pytest.mark.parametrize(
    "line",
    [
        '{"id": 1,}',
        "{" * 100_000,
        '{"a": ' + "9" * 5000 + "}",
        "\ufeff{}",
        "[] []",
        "nul",
        '"text"  x',
    ],
)
def test_a_malformed_line_is_reported_as_json_loads_would(tmp_path, line):
    text = _case_text()
    file, span, block = _lines_file(tmp_path, [text, line])
    try:
        json.loads(line)
    except json.JSONDecodeError as error:
        expected = f"not valid JSON at column {error.colno}: {error.msg}"
    except (RecursionError, ValueError):
        expected = None
    with pytest.raises(MalformedInputError) as raised:
        _prepare_lines("case", file, span, block, validator_for(KINDS["case"]))
    assert raised.value.where == f"{file}:2"
    if expected:
        assert expected in str(raised.value)


def test_a_value_other_than_an_object_is_an_invalid_record(tmp_path):
    file, span, block = _lines_file(tmp_path, [_case_text(), "[]", "3", '"x"'])
    rows, invalid = _prepare_lines("case", file, span, block, validator_for(KINDS["case"]))
    assert len(rows) == 1
    assert [(bad.line, bad.number) for bad in invalid] == [(2, 2), (3, 3), (4, 4)]


def test_packed_rows_are_the_rows(tmp_path):
    file, span, block = _lines_file(tmp_path, [_case_text(), _case_text()])
    rows, invalid = _prepare_lines("case", file, span, block, validator_for(KINDS["case"]))
    assert len(rows) == 2
    assert not invalid
    packed, invalid = _prepare("case", file, pack_rows, span)
    assert isinstance(packed, bytes)
    assert not invalid
    assert unpack_rows(packed) == rows
    odd = [("a", 1, None, True, 2.5, dt.date(2015, 3, 2))]  # marshal holds no date
    assert pack_rows(odd) is odd
    assert unpack_rows(pack_rows(odd)) == odd


def test_a_batch_with_an_invalid_record_is_not_packed(tmp_path):
    file, span, _ = _lines_file(tmp_path, [_case_text(), "{}"])
    packed, invalid = _prepare("case", file, pack_rows, span)
    assert packed is None
    assert [(bad.line, bad.number) for bad in invalid] == [(2, 2)]


@pytest.mark.parametrize(
    "moment",
    [
        "2015-03-02T09:30:00+08:00",
        "2015-03-02T23:59:59+08:00",
        "2015-03-02T00:00:00+08:00",
        "2015-03-02T16:00:00Z",
        "2015-03-02T15:59:59z",
        "2015-03-02t23:30:00-01:00",
        "2015-03-02T09:30:00.5+08:00",
        "2015-03-02T01:30:00+09:00",
    ],
)
def test_the_local_date_of_a_time_is_its_shanghai_date(moment):
    from govservice.clock import SHANGHAI
    from govservice.store.columns import local_date

    parsed = dt.datetime.fromisoformat(moment.upper().replace("Z", "+00:00"))
    assert local_date(moment) == parsed.astimezone(SHANGHAI).date().isoformat()


def test_a_plan_too_deep_to_compile_is_left_to_the_compiled_validator():
    from govservice.validation import _Unplanned

    shallow = FormatPlan([((("item",),) * 3 + (("property", "number"),), "cn-ric")])
    assert shallow.passes([[[{"number": GOOD_RIC}]]]) is True
    assert shallow.passes([[[{"number": _wrong_last(GOOD_RIC, "0123456789X")}]]]) is False
    with pytest.raises(_Unplanned, match="nested too deeply"):  # FormatPlan.of: None
        FormatPlan([((("item",),) * 30, "cn-ric")])
    with pytest.raises(_Unplanned, match="nested too deeply"):
        FormatPlan([(tuple(("property", f"p{n}") for n in range(120)), "cn-ric")])


def test_lone_surrogates_are_found_where_they_are():
    from govservice.validation import LONE_SURROGATE, has_surrogate_escape, lone_surrogate

    assert lone_surrogate({"a": [1, {"b": "东\udc00"}]}) == "/a/1/b"
    assert lone_surrogate({"a/b~\ud800": 1}) == "/a~1b~0\\ud800"  # printable
    assert lone_surrogate("\udfff") == ""
    assert lone_surrogate({"a": "😀", "b": ["东营", 1, None], "c": {"d": "x"}}) is None
    assert has_surrogate_escape('{"a": "\\ud83d\\ude00"}')
    assert has_surrogate_escape('{"a": "\\uDC00"}')
    assert not has_surrogate_escape('{"a": "\\u4e1c\\u8425", "b": "\\\\"}')
    assert not has_surrogate_escape('{"a": "东营"}')
    validator = validator_for(KINDS["case"])
    _, document = next(item for item in EXAMPLE_DOCUMENTS if item[0] == "case")
    lone = dict(document, handler="王\ud800")
    assert [(p.pointer, p.message) for p in validator.problems(lone)] == [
        ("/handler", LONE_SURROGATE)
    ]
