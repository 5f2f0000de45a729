"""Hostile input through the real command line (issue 10, "Hostile input").

Thousands of generated inputs go to ``validate``, ``import``, ``case apply`` and ``config
check`` through :func:`govservice.cli.main`, in this process: records mutated at any place
(control characters, bidi overrides, dates near year 0 and 9999, numbers far out of range,
wrong types, keys removed or added), written as JSON, JSON Lines or YAML, some with a key
given twice; and configurations mutated the same way. Every one ends in one of:

- exit 0, and the record is valid: ``validate`` says so, what ``import`` or ``case apply``
  stored reads back from the store (and ``case show --json`` shows it);
- exit 1 (invalid records), each problem on a line of its own that names where it is;
- exit 2, with a line ``govservice: error[GSnnn] ...`` (a refusal: ``拒绝[GSnnn] ...``) on
  standard error.

An exception escaping :func:`~govservice.cli.main` (a traceback) fails the test. The runs
are derandomized and keep no example database, so CI sees the same inputs each time; the
whole file takes well under a minute on two cores.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import io
import itertools
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govservice.cli import main
from govservice.codec import to_document
from govservice.config import load_config
from govservice.kinds import KINDS
from govservice.model import Identifier, Material, Party, TimeLimit
from govservice.samples import identity_number, make_item
from govservice.store.sqlite import SqliteStore
from govservice.validation import validator_for

EXAMPLES = Path(__file__).parent / "examples"

_HOSTILE = settings(
    deadline=None,
    derandomize=True,  # the same inputs on every run (CI), no example database
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)


def hostile(examples: int) -> settings:
    """Settings for ``examples`` generated inputs."""
    return settings(_HOSTILE, max_examples=examples)


ERROR_LINE = re.compile(r"^govservice: (?:error|拒绝)\[GS\d{3}\] \S", re.MULTILINE)
"""One error line: in English, or a refusal the clerk reads in Chinese (拒绝)."""
PROBLEM_LINE = re.compile(r"^\S.*:\d+ \(record \d+\): \S+: \S")


# --- hostile values ------------------------------------------------------------------------

FORGED_LINE = "李娜（窗口受理人员） accept 已申请 → 已受理"
UNSAFE_TEXTS = [
    "\x00",
    "张\x00三",
    "\x1b[31m红\x1b[0m",
    "李娜\x1b[1A\x1b[2K  2015-03-02 10:05 " + FORGED_LINE,
    "李娜\n  2015-03-02 10:05 " + FORGED_LINE,
    "李娜\r" + FORGED_LINE,
    "\t",
    "a\x7fb",
    "\x85",
    "\x9b2J",
    "许可\u202e可许",
    "\u2066隔离\u2069",
    "\u2028",
    "\ud800",  # a lone surrogate (written as a JSON escape)
    "\ufeff",
    " \u3000 ",
    "",
    "x" * 5000,
    "370523199001011235",  # an identity number where a name is
    "3705231990****1235",
]
EXTREME_DAYS = [
    "0000-01-01",
    "0001-01-01",
    "1900-01-01",
    "1948-12-31",
    "2101-01-01",
    "9999-12-31",
    "2015-02-29",
    "2015-13-01",
    "20150302",
    "+2015-03-02",
]
EXTREME_MOMENTS = [
    "0000-01-01T00:00:00+08:00",
    "0001-01-01T00:00:00Z",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59+08:00",
    "9999-12-31T23:59:59-23:59",
    "9999-12-31T23:59:60Z",
    "2016-12-31T23:59:60Z",
    "2015-03-02T23:59:60+08:00",
    "1948-12-31T23:59:59+08:00",
    "2101-01-01T00:00:00+08:00",
    "2015-03-02T24:00:00+08:00",
    "2015-03-02T09:30:00",
    "2015-03-02T09:30:00+99:99",
    "2015-03-02 09:30:00+08:00",
]
EXTREME_NUMBERS: list[Any] = [
    -1,
    0,
    2**31,
    2**63,
    2**64 + 1,
    10**40,
    -(10**40),
    1e308,
    -0.0,
    0.5,
    float("inf"),
    float("nan"),
    True,
    None,
]


def hostile_values() -> st.SearchStrategy[Any]:
    """One value a hostile file may hold anywhere."""
    scalars = st.one_of(
        st.sampled_from(UNSAFE_TEXTS),
        st.sampled_from(EXTREME_DAYS),
        st.sampled_from(EXTREME_MOMENTS),
        st.sampled_from(EXTREME_NUMBERS),
        st.text(st.characters(codec="utf-8"), max_size=8),
        st.integers(),
    )
    return st.one_of(
        scalars,
        st.lists(scalars, max_size=3),
        st.dictionaries(st.sampled_from(["kind", "number", "name", "x"]), scalars, max_size=3),
    )


def _paths(node: Any, path: tuple = ()) -> list[tuple]:
    """Every place in ``node`` (itself included)."""
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*path, index))
    return found


@st.composite
def mutated(draw: st.DrawFn, document: dict) -> Any:
    """``document`` with one to three places changed: a hostile value put there, the
    place removed, or an unknown key added beside it."""
    document = copy.deepcopy(document)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        places = _paths(document)
        path = draw(st.sampled_from(places))
        how = draw(st.sampled_from(["replace", "replace", "replace", "remove", "add"]))
        if not path:
            if how == "replace":
                return draw(hostile_values())
            continue
        parent = document
        for step in path[:-1]:
            parent = parent[step]
        last = path[-1]
        if how == "replace":
            parent[last] = draw(hostile_values())
        elif how == "remove":
            del parent[last]
        elif isinstance(parent, dict):
            parent[draw(st.sampled_from(["x", "状态", "\x1b", ""]))] = draw(hostile_values())
    return document


def _json_text(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False)


def _with_a_key_twice(text: str, key: str, value: Any) -> str:
    """``text`` (a JSON object) with ``key`` given first, as well as where it is."""
    return text.replace("{", "{" + json.dumps(key) + ": " + json.dumps(value) + ", ", 1)


@st.composite
def files(draw: st.DrawFn, documents: list[Any]) -> tuple[str, str]:
    """``documents`` as the text of a file, and its extension; sometimes a key twice."""
    form = draw(st.sampled_from(["jsonl", "json", "yaml"]))
    twice = draw(st.integers(min_value=0, max_value=4)) == 0
    if form == "jsonl":
        lines = [_json_text(document) for document in documents]
        if twice and isinstance(documents[0], dict) and documents[0]:
            lines[0] = _with_a_key_twice(lines[0], next(iter(documents[0])), "twice")
        return "\n".join(lines) + "\n", ".jsonl"
    if form == "json":
        text = _json_text(documents if len(documents) != 1 else documents[0])
        if twice and isinstance(documents[0], dict) and documents[0]:
            text = _with_a_key_twice(text, next(iter(documents[0])), "twice")
        return text, ".json"
    try:
        text = yaml.safe_dump(documents, allow_unicode=True)
    except yaml.YAMLError:  # (a lone surrogate: YAML cannot write it; JSON can)
        return _json_text(documents), ".json"
    if twice and isinstance(documents[0], dict) and documents[0]:
        text = text.replace("- ", f"- {next(iter(documents[0]))}: twice\n  ", 1)
    return text, ".yaml"


RAW_TEXTS = [
    "",
    "\n\n",
    "[]",
    "[ ]\n",
    "{}",
    "null",
    "~\n",
    "---\n...\n",
    "\ufeff[]",
    "[" * 50_000,
    "{" * 50_000,
    '{"a": ' * 5_000 + "1" + "}" * 5_000,
    "1" * 5_000,
    '{"id": "x", "id": "y"}',
    '[{"a": 1}, {"a": 1, "a": 2}]',
    "a: &a [*a]\n",
    "- &x [1, 2]\n- [*x, *x, *x, *x, *x, *x, *x, *x, *x]\n",
    "!!python/object/apply:os.system ['echo owned']\n",
    "? [a, b]\n: c\n",
    "1: a\ntrue: b\n",
    "\x00\x01\x02",
    '"\\ud800"',
    '{"received_at": "0000-01-01T00:00:00+08:00"}',
    "{'single': 'quotes'}",
    "NaN",
    "[1, 2,]",
]


# --- running the command line --------------------------------------------------------------


def run(*argv: str) -> tuple[int, str, str]:
    """``govservice ARGV`` in this process: its exit status, standard output and error."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(list(argv))
        except SystemExit as exit:  # argparse
            status = exit.code if isinstance(exit.code, int) else 2
    return status, out.getvalue(), err.getvalue()


def assert_clear(status: int, out: str, err: str) -> None:
    """Exit 0, 1 or 2; never a traceback; an error is a line with its code."""
    assert "Traceback" not in out + err
    assert status in (0, 1, 2), (status, out, err)
    if status == 2:
        assert ERROR_LINE.search(err), err


_numbers = itertools.count(1)


def _file(folder: Path, text: str, suffix: str) -> Path:
    path = folder / f"hostile-{next(_numbers)}{suffix}"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return path


# --- the centre ------------------------------------------------------------------------------

ITEM = make_item(
    materials=(Material(name="建设工程规划许可申请表", originals=1, copies=0),),
    legal_limit=TimeLimit(amount=20),
    promised_limit=TimeLimit(amount=5),
)
APPLICANT = Party(
    kind="person",
    name="王小明",
    identifier=Identifier(kind="ric", number=identity_number(7, born=dt.date(1980, 5, 17))),
)
NOW = "2015-03-02T09:30:00+08:00"
APPLICATION = {
    "id": "DY-0001",
    "item_code": ITEM.code,
    "region": ITEM.region,
    "department": ITEM.department,
    "applicant": to_document(APPLICANT),
    "materials": [{"name": m.name, "originals": 1} for m in ITEM.materials],
    "received_at": NOW,
}
CASE = json.loads((EXAMPLES / "case/valid/completed-with-evaluation-and-events.json").read_text())
CONFIG = {
    "name": "东营市政务服务中心",
    "region": "370500",
    "timezone": "Asia/Shanghai",
    "storage": {"backend": "sqlite", "settings": {"path": "centre.db"}},
    "calendar": {"closures": ["2015-03-06"]},
    "supervision": {"yellow_days": 3},
    "public": {"progress_url": "https://zwfw.dongying.gov.cn/progress/{code}"},
    "validation": {"years": {"earliest": 1949, "latest": 2100}},
    "disable_plugins": ["guangrao"],
}


@pytest.fixture(scope="module")
def centre(tmp_path_factory) -> Path:
    """A centre's configuration, with a SQLite database (a simulation: ``--now`` is taken)
    that knows :data:`ITEM`."""
    folder = tmp_path_factory.mktemp("hostile")
    config = folder / "govservice.yaml"
    config.write_text(yaml.safe_dump(CONFIG, allow_unicode=True), encoding="utf-8")
    status, _, err = run("--config", str(config), "db", "init", "--simulation")
    if status != 0:  # (a store that knows no simulations)
        status, _, err = run("--config", str(config), "db", "init")
    assert status == 0, err
    store = SqliteStore(folder / "centre.db")
    store.add_item(ITEM)
    store.close()
    return config


def _stored_cases(config: Path, ids: list[str]) -> None:
    """Every case of ``ids`` that is stored reads back from the store, whole."""
    store = SqliteStore(config.parent / "centre.db")
    try:
        for case_id in ids:
            stored = store.get("case", case_id)
            if stored is not None:
                assert validator_for(KINDS["case"]).problems(to_document(stored.record)) == []
    finally:
        store.close()


# --- validate ------------------------------------------------------------------------------


VALID = {
    kind: [
        json.loads(path.read_text("utf-8")) for path in sorted(EXAMPLES.glob(f"{kind}/valid/*"))
    ]
    for kind in sorted(KINDS)
}
"""Every kind's valid examples: what the mutations start from."""


@hostile(300)
@given(data=st.data())
def test_validate_gives_a_clear_answer_for_every_hostile_file(tmp_path_factory, data):
    kind = data.draw(st.sampled_from(sorted(KINDS)), label="kind")
    records = st.sampled_from(VALID[kind]).flatmap(mutated)
    documents = data.draw(st.lists(records, min_size=1, max_size=12), label="records")
    text, suffix = data.draw(files(documents), label="file")
    path = _file(tmp_path_factory.getbasetemp(), text, suffix)

    status, out, err = run("validate", "--kind", kind, str(path))

    assert_clear(status, out, err)
    *problems, summary = out.splitlines() or [""]
    if status == 0:
        assert summary.endswith(" 0 invalid"), out
        validator = validator_for(KINDS[kind])
        assert all(validator.problems(document) == [] for document in documents)
    elif status == 1:
        assert problems, out
        assert all(PROBLEM_LINE.match(line) for line in problems), out


@pytest.mark.parametrize("text", RAW_TEXTS, ids=range(len(RAW_TEXTS)))
@pytest.mark.parametrize("suffix", [".json", ".jsonl", ".yaml"])
def test_validate_gives_a_clear_answer_for_every_hostile_text(tmp_path, text, suffix):
    path = tmp_path / f"records{suffix}"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    status, out, err = run("validate", "--kind", "case", str(path))
    assert_clear(status, out, err)
    assert status != 0 or text.strip() not in ("", "[]", "[ ]", "{}", "null", "~")


@pytest.mark.parametrize(
    ("text", "suffix"),
    [("[]", ".json"), ("[ ]\n", ".json"), ("", ".json"), ("[]\n", ".yaml"), ("", ".yaml")],
)
def test_an_empty_array_is_refused_as_an_empty_file_is(tmp_path, text, suffix):
    path = tmp_path / f"records{suffix}"
    path.write_text(text, encoding="utf-8")
    status, _, err = run("validate", "--kind", "case", str(path))
    assert status == 2
    assert "error[GS102]" in err


# --- import --------------------------------------------------------------------------------


@hostile(120)
@given(data=st.data())
def test_import_gives_a_clear_answer_and_stores_only_valid_records(centre, data):
    documents = data.draw(st.lists(mutated(CASE), min_size=1, max_size=6), label="records")
    for document in documents:  # new identities, so that each import has work to do
        if isinstance(document, dict) and isinstance(document.get("id"), str):
            document["id"] = f"H{next(_numbers)}"
    text, suffix = data.draw(files(documents), label="file")
    path = _file(centre.parent, text, suffix)

    status, out, err = run("--config", str(centre), "import", "case", str(path), "--workers", "1")

    assert_clear(status, out, err)
    ids = [d["id"] for d in documents if isinstance(d, dict) and isinstance(d.get("id"), str)]
    _stored_cases(centre, ids)
    if status == 0:
        validator = validator_for(KINDS["case"])
        assert all(validator.problems(document) == [] for document in documents)


def test_a_year_0000_record_is_refused_by_import_and_never_stored(centre, tmp_path):
    record = CASE | {"id": "Y0000", "received_at": "0000-03-02T09:30:00+08:00"}
    path = tmp_path / "cases.jsonl"
    path.write_text(_json_text(record) + "\n", encoding="utf-8")
    status, out, err = run("--config", str(centre), "import", "case", str(path), "--workers", "1")
    assert status == 1, (out, err)
    assert "lies in the year 0000, outside 1949 to 2100" in out + err
    store = SqliteStore(centre.parent / "centre.db")
    try:
        assert store.get("case", "Y0000") is None
    finally:
        store.close()


def test_import_refuses_a_key_given_twice_naming_both_places(centre, tmp_path):
    path = tmp_path / "cases.jsonl"
    path.write_text(
        _json_text(CASE | {"id": "D1"}) + "\n" + _with_a_key_twice(_json_text(CASE), "id", "D3"),
        encoding="utf-8",
    )
    status, _, err = run("--config", str(centre), "import", "case", str(path), "--workers", "1")
    assert status == 2
    assert f"error[GS107] {path}:2: the key 'id' is given twice in one object, on line 2" in err


# --- case apply ----------------------------------------------------------------------------


def _apply(centre: Path, path: Path, actor: str = APPLICANT.name) -> tuple[int, str, str]:
    return run(
        *("--config", str(centre), "--now", NOW, "case", "apply", str(path)),
        *("--actor", actor, "--actor-id", APPLICANT.identifier.number, "--role", "applicant"),
    )


def test_the_unchanged_application_is_taken(centre, tmp_path):
    path = tmp_path / "application.json"
    path.write_text(_json_text(APPLICATION | {"id": "BASE-1"}), encoding="utf-8")
    status, out, err = _apply(centre, path)
    assert status == 0, err
    assert out.startswith("办件 BASE-1：申请 → 已申请")


@hostile(150)
@given(data=st.data())
def test_case_apply_gives_a_clear_answer_for_every_hostile_application(centre, data):
    document = data.draw(mutated(APPLICATION | {"id": f"A{next(_numbers)}"}), label="record")
    text, suffix = data.draw(files([document]), label="file")
    path = _file(centre.parent, text, suffix)
    actor = data.draw(st.sampled_from([APPLICANT.name, *UNSAFE_TEXTS[:12]]), label="actor")

    status, out, err = _apply(centre, path, actor)

    assert_clear(status, out, err)
    if status == 0:
        assert validator_for(KINDS["case"]).problems(document) == []
        case_id = out.split(":", 1)[0]
        shown, text, err = run("--config", str(centre), "case", "show", case_id, "--json")
        assert shown == 0, err
        json.loads(text)
        _stored_cases(centre, [case_id])


@pytest.mark.parametrize("actor", UNSAFE_TEXTS[:13])
def test_an_actor_with_control_characters_is_refused(centre, tmp_path, actor):
    path = tmp_path / "application.json"
    path.write_text(_json_text(APPLICATION | {"id": f"ACT-{next(_numbers)}"}), encoding="utf-8")
    status, out, err = _apply(centre, path, actor)
    assert status == 2, (out, err)
    assert ERROR_LINE.search(err)


def test_case_show_json_masks_identity_numbers_but_never_codes(centre, tmp_path):
    """An item code can pass the identity-number check (11370500004275432Y ... happens not
    to, this one does): it is a code, shown whole; the applicant's number is masked."""
    from stdnum.cn import ric

    from govservice.model.identifiers import ric_problem

    code = "37052319900101007" + ric.calc_check_digit("370523199001010070")
    assert ric_problem(code) is None
    store = SqliteStore(centre.parent / "centre.db")
    try:
        import attrs

        store.add_item(attrs.evolve(ITEM, code=code))
    finally:
        store.close()
    number = APPLICANT.identifier.number
    path = tmp_path / "application.json"
    path.write_text(_json_text(APPLICATION | {"id": "MASK-1", "item_code": code}), "utf-8")
    status, _, err = _apply(centre, path)
    assert status == 0, err

    status, out, err = run("--config", str(centre), "case", "show", "MASK-1", "--json")

    assert status == 0, err
    shown = json.loads(out)
    assert shown["item_code"] == code
    assert shown["applicant"]["identifier"]["number"] == number[:10] + "****" + number[14:]
    assert number not in out
    status, out, err = run("--config", str(centre), "case", "show", "MASK-1")
    assert status == 0, err
    assert code in out
    assert number not in out


# --- config check --------------------------------------------------------------------------


@st.composite
def configurations(draw: st.DrawFn) -> str:
    """The text of a hostile configuration file (the storage is never changed: a check
    may open it)."""
    document = copy.deepcopy(CONFIG)
    storage = document.pop("storage")
    document = draw(mutated(document))
    if isinstance(document, dict):
        document["storage"] = storage
    try:
        text = yaml.safe_dump(document, allow_unicode=True)
    except yaml.YAMLError:
        text = _json_text(document)  # (YAML reads JSON)
    if isinstance(document, dict) and draw(st.integers(min_value=0, max_value=3)) == 0:
        key = draw(st.sampled_from(sorted(k for k in document if k != "storage") or ["name"]))
        text += f"{key}: again\n"
    return text


@hostile(250)
@given(text=configurations())
def test_config_check_gives_a_clear_answer_for_every_hostile_configuration(centre, text):
    path = _file(centre.parent, text, ".yaml")

    status, out, err = run("config", "check", str(path))

    assert_clear(status, out, err)
    assert status != 1
    if status == 0:
        load_config(path)  # and the configuration it said is ok loads


@pytest.mark.parametrize(
    ("lines", "words"),
    [
        (
            "name: 东营\nregion: '370500'\nname: 利津\n",
            "'name' is given twice in one mapping, on lines 1 and 3",
        ),
        (
            "name: 东营\nregion: '370500'\nsupervision:\n  yellow_days: 3\n  yellow_days: 5\n",
            "'yellow_days' is given twice in one mapping, on lines 4 and 5",
        ),
        ("name: \"东营\\e[31m\"\nregion: '370500'\n", "character 3 is U+001B (ESC"),
        (
            "name: 东营\nregion: '370500'\nvalidation: {years: {earliest: 0}}\n",
            "validation.years.earliest",
        ),
        (
            "name: 东营\nregion: '370500'\nvalidation: {years: {latest: 99999}}\n",
            "validation.years.latest",
        ),
        (
            "name: 东营\nregion: '370500'\ncalendar: {closures: ['0000-01-01']}\n",
            "calendar.closures.0",
        ),
    ],
)
def test_config_check_names_the_line_of_each_problem(tmp_path, lines, words):
    path = tmp_path / "govservice.yaml"
    path.write_text(lines, encoding="utf-8")
    status, _, err = run("config", "check", str(path))
    assert status == 2
    assert "error[GS400]" in err
    assert words in err


def _ric(body: str) -> str:
    from stdnum.cn import ric

    return body + ric.calc_check_digit(body + "0")


def test_a_configuration_widens_the_years_records_may_hold(tmp_path):
    path = tmp_path / "govservice.yaml"
    path.write_text(
        "name: 东营\nregion: '370500'\nvalidation: {years: {earliest: 1900, latest: 2200}}\n",
        encoding="utf-8",
    )
    window = load_config(path).date_window
    assert (window.earliest, window.latest) == (1900, 2200)
    validator = validator_for(KINDS["case"], window)
    applicant = {
        "kind": "person",
        "name": "张三",
        "identifier": {"kind": "ric", "number": _ric("37232718990101001")},
    }
    old = CASE | {"received_at": "1900-01-01T09:00:00+08:00"}
    old = {k: v for k, v in old.items() if not k.endswith(("_at", "_due")) or k == "received_at"}
    old = {k: v for k, v in old.items() if k not in ("events", "evaluation", "state", "decision")}
    old["applicant"] = applicant
    assert validator_for(KINDS["case"]).problems(old) != []
    assert validator.problems(old) == [], validator.problems(old)
