"""Every schema against its valid and invalid example files, in both engines and the model.

Layout: ``tests/examples/<kind>/valid/*.json`` holds bare documents, each in canonical form
(what :func:`govservice.codec.to_document` writes back); ``tests/examples/<kind>/invalid/*.json``
holds ``{"expect": [{"pointer": ..., "message_contains": ...}], "document": {...}}`` with one
problem per file, named after it, and every problem the validator must report.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from govservice import codec, schemas
from govservice.errors import InvalidRecordError
from govservice.kinds import KINDS, SCHEMA_BASE, RecordKind
from govservice.model import Channel, StationLevel
from govservice.validation import Problem, reference_problems, validator_for

EXAMPLES = Path(__file__).parent / "examples"
SCHEMA_DIR = Path(__file__).parents[1] / "schemas"

# The seven kinds of problem every schema is tried with, where it has such a field. A file
# belongs to a category when its name is the category or starts with it and a dash
# (``negative-fee-penalty.json``).
CATEGORIES = (
    "missing-required",
    "wrong-enum",
    "bad-credit-code-check-digit",
    "bad-identity-number-check-digit",
    "promised-above-legal",
    "malformed-region-code",
    "negative-fee",
)

NOT_APPLICABLE = {
    ("item", "bad-identity-number-check-digit"): (
        "an item names no person: it has a department credit code but no identity number"
    ),
    ("station", "promised-above-legal"): "a station has no time limit",
    ("station", "negative-fee"): "a station has no fee or other amount of money",
    ("intermediary", "promised-above-legal"): (
        "an intermediary publishes promised_days but no legal limit to exceed"
    ),
    ("blacklist-entry", "promised-above-legal"): "a blacklist entry has no time limit",
    ("project", "promised-above-legal"): (
        "a project has no time limit of its own: its combined deadline derives from its cases"
    ),
    ("project", "negative-fee"): "a project has no fee or other amount of money",
    # the intermediary supermarket (issue 14)
    ("intermediary-service", "bad-credit-code-check-digit"): (
        "a listed service names its department in words, no credit code"
    ),
    (
        "intermediary-service",
        "bad-identity-number-check-digit",
    ): "a listed service names no person",
    ("intermediary-service", "promised-above-legal"): (
        "a listed service has no time limit: whether its time counts in the approval's is a flag"
    ),
    ("need", "wrong-enum"): "a need has no enumerated field: its strategy is a plugin's name",
    ("need", "bad-identity-number-check-digit"): "a need names its owner, no person's number",
    ("need", "promised-above-legal"): "a need has a deadline the owner sets, no legal limit",
    ("selection", "wrong-enum"): (
        "a selection has no enumerated field: its strategy and algorithm are plugins' names"
    ),
    ("selection", "bad-identity-number-check-digit"): "a selection names agencies, no person",
    ("selection", "promised-above-legal"): "a selection has no time limit",
    ("selection", "negative-fee"): (
        "a selection holds no amount: what a ranking strategy ranked by is text in scores"
    ),
    ("engagement", "wrong-enum"): "an engagement has no enumerated field",
    ("engagement", "bad-identity-number-check-digit"): "an engagement names an agency, no person",
    ("engagement", "promised-above-legal"): (
        "an engagement's due date is agreed with the owner, not a legal limit"
    ),
    (
        "agency-quarter",
        "bad-identity-number-check-digit",
    ): "an assessment names an agency, no person",
    ("agency-quarter", "promised-above-legal"): "an assessment has no time limit",
}


def _example_files(validity: str) -> list[Path]:
    return sorted(EXAMPLES.glob(f"*/{validity}/*.json"))


def _params(validity: str) -> list[Any]:
    return [
        pytest.param(path, id=path.relative_to(EXAMPLES).as_posix())
        for path in _example_files(validity)
    ]


def _kind(path: Path) -> RecordKind:
    return KINDS[path.relative_to(EXAMPLES).parts[0]]


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _category(path: Path) -> str | None:
    for category in CATEGORIES:
        if path.stem == category or path.stem.startswith(category + "-"):
            return category
    return None


def _assert_expected(engine: str, problems: list[Problem], expect: list[dict]) -> None:
    expected_pointers = {entry["pointer"] for entry in expect}
    found_pointers = {problem.pointer for problem in problems}
    assert found_pointers == expected_pointers, f"{engine} engine: {problems}"
    for entry in expect:
        messages = [p.message for p in problems if p.pointer == entry["pointer"]]
        assert any(entry["message_contains"] in message for message in messages), (
            f"{engine} engine: no message at {entry['pointer']!r} contains "
            f"{entry['message_contains']!r}: {messages}"
        )


# --- the example folders themselves ---------------------------------------------------------


def test_every_kind_has_examples() -> None:
    assert {path.name for path in EXAMPLES.iterdir() if path.is_dir()} == set(KINDS)
    for kind in KINDS:
        folders = {path.name for path in (EXAMPLES / kind).iterdir()}
        assert folders == {"valid", "invalid"}, kind
        assert len(list((EXAMPLES / kind / "valid").glob("*.json"))) >= 3, kind
        assert list((EXAMPLES / kind / "invalid").glob("*.json")), kind


def test_no_stray_files() -> None:
    stray = [
        path.relative_to(EXAMPLES).as_posix()
        for path in EXAMPLES.rglob("*")
        if path.is_file() and path.suffix != ".json"
    ]
    assert stray == []


# --- valid examples -------------------------------------------------------------------------


@pytest.mark.parametrize("path", _params("valid"))
def test_valid_example(path: Path) -> None:
    kind = _kind(path)
    document = _load(path)
    validator = validator_for(kind)
    assert validator.problems(document) == []
    assert validator.is_valid(document)
    assert reference_problems(kind, document) == []
    model = codec.from_document(kind.model, document)
    assert codec.to_document(model) == document, "not in canonical form, or the model drops data"


def _scalars(node: Any, path: str = "") -> list[tuple[str, Any]]:
    if isinstance(node, dict):
        return [pair for key, value in node.items() for pair in _scalars(value, f"{path}/{key}")]
    if isinstance(node, list):
        return [pair for i, value in enumerate(node) for pair in _scalars(value, f"{path}/{i}")]
    return [(path, node)]


def test_round_trip_gives_plain_json_values() -> None:
    odd = []
    for path in _example_files("valid"):
        kind = _kind(path)
        document = codec.to_document(codec.from_document(kind.model, _load(path)))
        odd += [
            (path.stem, pointer, type(value).__name__)
            for pointer, value in _scalars(document)
            if type(value) not in (str, int, bool, type(None))  # null: not published
        ]
    assert odd == []


def test_item_enum_lists_hold_enum_members() -> None:
    for path in sorted((EXAMPLES / "item" / "valid").glob("*.json")):
        item = codec.from_document(KINDS["item"].model, _load(path))
        assert all(isinstance(channel, Channel) for channel in item.channels or ()), path.stem
        assert all(isinstance(level, StationLevel) for level in item.station_levels), path.stem


# --- invalid examples -----------------------------------------------------------------------


@pytest.mark.parametrize("path", _params("invalid"))
def test_invalid_example(path: Path) -> None:
    kind = _kind(path)
    example = _load(path)
    assert set(example) == {"expect", "document"}
    expect, document = example["expect"], example["document"]
    assert expect, "an invalid example says what is wrong with it"
    for entry in expect:
        assert set(entry) == {"pointer", "message_contains"}
        assert entry["message_contains"].strip()

    validator = validator_for(kind)
    assert not validator.is_valid(document)
    _assert_expected("compiled", validator.problems(document), expect)
    _assert_expected("reference", reference_problems(kind, document), expect)

    with pytest.raises(InvalidRecordError) as raised:
        codec.from_document(kind.model, document)
    assert raised.value.problems, "the model names where the problem is"


def test_coverage_matrix() -> None:
    present = {
        (_kind(path).name, category)
        for path in _example_files("invalid")
        if (category := _category(path)) is not None
    }
    missing = []
    stale = []
    for kind in KINDS:
        for category in CATEGORIES:
            cell = (kind, category)
            if cell in NOT_APPLICABLE:
                if cell in present:
                    stale.append(cell)
            elif cell not in present:
                missing.append(cell)
    assert missing == [], "no invalid example for these (kind, category) cells"
    assert stale == [], "these cells are listed as not applicable but have an example"
    assert {kind for kind, _ in NOT_APPLICABLE} <= set(KINDS)
    assert {category for _, category in NOT_APPLICABLE} <= set(CATEGORIES)


# --- the schemas ----------------------------------------------------------------------------


def test_every_schema_has_id_title_and_description() -> None:
    documents = schemas.documents()
    assert documents
    for schema_id, schema in documents.items():
        assert schema["$id"] == schema_id
        assert schema_id.startswith(SCHEMA_BASE)
        for key in ("title", "description"):
            assert isinstance(schema.get(key), str), f"{schema_id} has no {key}"
            assert schema[key].strip(), f"{schema_id} has an empty {key}"


def test_every_schema_file_is_loaded() -> None:
    on_disk = {path.name for path in SCHEMA_DIR.glob("*.json")}
    loaded = {schema_id.removeprefix(SCHEMA_BASE) for schema_id in schemas.documents()}
    assert on_disk == loaded
    assert {kind.schema_file for kind in KINDS.values()} <= loaded


def test_every_pattern_of_the_schemas_is_explained_in_words() -> None:
    """A clerk reads words, not regular expressions: each ``pattern`` in the bundled schemas
    has its words in :mod:`govservice.validation`, and each of those words a pattern."""
    from govservice.validation import _patterns

    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("pattern"), str):
                found.add(node["pattern"])
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    for path in sorted((Path(schemas.__file__).parent / "schemas").glob("*.json")):
        walk(json.loads(path.read_text(encoding="utf-8")))
    assert found
    assert found == set(_patterns())
