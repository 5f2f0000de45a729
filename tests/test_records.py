"""Reading records from JSON, JSON Lines and YAML, with lines, and every kind of bad file."""

from __future__ import annotations

import json

import pytest

from govservice.errors import (
    BinaryInputError,
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


def test_empty_json_array_gives_no_records(tmp_path):
    path = tmp_path / "none.json"
    path.write_text("[ ]", encoding="utf-8")
    assert lines_and_docs(path) == []


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
