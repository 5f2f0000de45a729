"""Reading records from JSON, JSON Lines and YAML, with lines, and every kind of bad file."""

from __future__ import annotations

import json

import pytest

from govservice.errors import (
    BinaryInputError,
    DuplicateKeyError,
    EmptyInputError,
    InputNotFoundError,
    MalformedInputError,
    UnknownInputFormatError,
)
from govservice.records import read_records


def lines_and_docs(path):
    return [(record.line, record.number, record.document) for record in read_records(path)]


def test_json_array_records_carry_the_line_they_start_on(tmp_path):
    path = tmp_path / "items.json"
    path.write_text('[\n  {"a": 1},\n\n  {"b":\n    2},\n  {"c": [1,\n 2]}\n]\n', encoding="utf-8")
    assert lines_and_docs(path) == [(2, 1, {"a": 1}), (4, 2, {"b": 2}), (6, 3, {"c": [1, 2]})]


def test_json_single_document_is_one_record(tmp_path):
    path = tmp_path / "item.json"
    path.write_text('\n\n{"a": "东营"}', encoding="utf-8")
    assert lines_and_docs(path) == [(3, 1, {"a": "东营"})]


def test_json_with_a_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "item.json"
    path.write_bytes('\ufeff{"a": 1}'.encode())
    assert lines_and_docs(path) == [(1, 1, {"a": 1})]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("none.json", "[ ]"),
        ("empty.json", ""),
        ("blank.json", " \n"),
        ("none.yaml", "[]\n"),
        ("null.yaml", "~\n"),
        ("empty.yaml", ""),
        ("blank.jsonl", "\n\n"),
    ],
)
def test_an_empty_array_and_an_empty_file_are_the_same_error(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(EmptyInputError, match=r"holds no records|is empty") as raised:
        lines_and_docs(path)
    assert raised.value.code == "GS102"


def test_jsonl_skips_blank_lines_and_numbers_records(tmp_path):
    path = tmp_path / "cases.jsonl"
    path.write_text('{"a": 1}\n\n{"b": 2}\n', encoding="utf-8")
    assert lines_and_docs(path) == [(1, 1, {"a": 1}), (3, 2, {"b": 2})]


def test_yaml_list_keeps_dates_as_text_and_lines(tmp_path):
    path = tmp_path / "stations.yaml"
    path.write_text("# stations\n- code: A\n  since: 2015-01-01\n- code: B\n", encoding="utf-8")
    assert lines_and_docs(path) == [
        (2, 1, {"code": "A", "since": "2015-01-01"}),
        (4, 2, {"code": "B"}),
    ]


def test_yaml_several_documents_are_several_records(tmp_path):
    path = tmp_path / "stations.yml"
    path.write_text("code: A\n---\ncode: B\n", encoding="utf-8")
    assert [(r.line, r.document) for r in read_records(path)] == [
        (1, {"code": "A"}),
        (3, {"code": "B"}),
    ]


def test_yaml_refuses_python_objects(tmp_path):
    path = tmp_path / "evil.yaml"
    path.write_text("!!python/object/apply:os.system ['echo hacked']\n", encoding="utf-8")
    with pytest.raises(MalformedInputError, match=r"evil\.yaml:1"):
        list(read_records(path))


@pytest.mark.parametrize(
    ("name", "content", "error", "where"),
    [
        ("bad.json", '[{"a": 1},\n {"a": }]', MalformedInputError, "bad.json:2"),
        ("trailing.json", '{"a": 1}\n{"b": 2}', MalformedInputError, "trailing.json:2"),
        ("unclosed.json", '[{"a": 1}', MalformedInputError, "unclosed.json:1"),
        ("bad.yaml", "a: [1,\nb: 2\n", MalformedInputError, "bad.yaml:"),
        ("empty.json", "", EmptyInputError, "empty.json"),
        ("blank.jsonl", "\n\n  \n", EmptyInputError, "blank.jsonl"),
        ("comments.yaml", "# nothing here\n", EmptyInputError, "comments.yaml"),
        ("data.csv", "a,b\n", UnknownInputFormatError, "data.csv"),
    ],
)
def test_unreadable_files_raise_located_errors(tmp_path, name, content, error, where):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(error) as raised:
        list(read_records(path))
    assert where in str(raised.value)
    assert raised.value.code.startswith("GS1")


def test_malformed_jsonl_line_is_named(tmp_path):
    path = tmp_path / "cases.jsonl"
    path.write_text('{"a": 1}\n{"a": 2\n', encoding="utf-8")
    records = read_records(path)
    assert next(records).document == {"a": 1}
    with pytest.raises(MalformedInputError, match=r"cases.jsonl:2: not valid JSON"):
        next(records)


def test_binary_and_non_utf8_files_are_refused(tmp_path):
    zipped = tmp_path / "items.json"
    zipped.write_bytes(b"PK\x03\x04\x00\x00binary")
    with pytest.raises(BinaryInputError):
        list(read_records(zipped))
    gbk = tmp_path / "gbk.json"
    gbk.write_bytes(json.dumps({"name": "东营"}, ensure_ascii=False).encode("gbk"))
    with pytest.raises(BinaryInputError, match="not UTF-8"):
        list(read_records(gbk))


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(InputNotFoundError, match="no such file"):
        read_records(tmp_path / "missing.json")
    folder = tmp_path / "folder.json"
    folder.mkdir()
    with pytest.raises(InputNotFoundError, match="folder"):
        read_records(folder)


def test_jsonl_is_streamed_not_read_whole(tmp_path):
    path = tmp_path / "cases.jsonl"
    path.write_text('{"a": 1}\n' * 3 + "not json\n", encoding="utf-8")
    records = read_records(path)
    assert [next(records).number for _ in range(3)] == [1, 2, 3]


# --- a key given twice -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "where", "words"),
    [
        (
            "item.json",
            '{"code": "A",\n "name": "x",\n "code": "B"}',
            ":3",
            "'code' is given twice in one object, on lines 1 and 3",
        ),
        (
            "items.json",
            '[{"a": 1},\n {"b": {"c": 1,\n   "c": 2}}]',
            ":3",
            "'c' is given twice in one object, on lines 2 and 3",
        ),
        (
            "cases.jsonl",
            '{"a": 1}\n{"a": 1, "b": 2, "a": 3}\n',
            ":2",
            "'a' is given twice in one object, on line 2, at columns 2 and 18",
        ),
        (
            "items.yaml",
            "- code: A\n  name: x\n- code: B\n  name: y\n  code: C\n",
            ":5",
            "'code' is given twice in one mapping, on lines 3 and 5",
        ),
        (
            "flow.yaml",
            "{a: 1, b: 2, a: 3}\n",
            ":1",
            "'a' is given twice in one mapping, on line 1, at columns 2 and 14",
        ),
        ("keys.yaml", "1: a\n0x1: b\n", ":2", "given twice in one mapping, on lines 1 and 2"),
    ],
)
def test_a_key_given_twice_is_an_error_naming_both_lines(tmp_path, name, content, where, words):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DuplicateKeyError) as raised:
        lines_and_docs(path)
    assert raised.value.code == "GS107"
    assert raised.value.where == f"{path}{where}"
    assert words in raised.value.message


def test_a_key_a_yaml_merge_brings_may_be_given_again(tmp_path):
    path = tmp_path / "items.yaml"
    path.write_text(
        "- &base {code: A, name: x}\n- <<: *base\n  code: B\n- <<: [*base]\n  name: y\n",
        encoding="utf-8",
    )
    assert [doc for _, _, doc in lines_and_docs(path)] == [
        {"code": "A", "name": "x"},
        {"code": "B", "name": "x"},
        {"code": "A", "name": "y"},
    ]


def test_equal_keys_in_different_objects_are_not_a_duplicate(tmp_path):
    path = tmp_path / "items.json"
    path.write_text('[{"a": {"a": 1}, "b": [{"a": 2}, {"a": 3}]}]', encoding="utf-8")
    assert lines_and_docs(path) == [(1, 1, {"a": {"a": 1}, "b": [{"a": 2}, {"a": 3}]})]


def test_each_yaml_document_of_a_stream_is_checked_for_a_key_twice(tmp_path):
    path = tmp_path / "items.yaml"
    path.write_text("a: 1\n---\na: 1\n---\na: 1\nb: 2\na: 3\n", encoding="utf-8")
    with pytest.raises(DuplicateKeyError) as raised:
        lines_and_docs(path)
    assert raised.value.where == f"{path}:7"
    assert "'a' is given twice in one mapping, on lines 5 and 7" in raised.value.message
