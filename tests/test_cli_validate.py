"""``govservice validate``: reports, exit codes, and no traceback for bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import yaml

from govservice.cli import main


def write_json(path, documents):
    path.write_text(json.dumps(documents, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def test_valid_records_exit_0(tmp_path, capsys, item_doc):
    path = write_json(tmp_path / "items.json", [item_doc, item_doc])
    assert main(["validate", "--kind", "item", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.strip() == "2 records in 1 file(s): 2 valid, 0 invalid"


def test_every_problem_is_printed_with_file_line_record_and_pointer(tmp_path, capsys, item_doc):
    bad = dict(item_doc, region="37052", type="licence", promised_limit={"amount": 30})
    bad["fees"] = [{"name": "工本费", "amount": "-10.00"}]
    bad["department_code"] = "11370500004275432X"  # check character is Y
    del bad["name"]
    path = write_json(tmp_path / "items.json", [item_doc, bad])
    assert main(["validate", "--kind", "item", str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    starts = [n for n, line in enumerate(path.read_text().splitlines(), 1) if line == " {"]
    where = f"{path}:{starts[1]} (record 2)"
    problems = {line.split(": ", 2)[1]: line.split(": ", 2)[2] for line in lines[:-1]}
    assert all(line.startswith(where + ": ") for line in lines[:-1])
    assert set(problems) == {
        "(root)",
        "/type",
        "/region",
        "/fees/0/amount",
        "/department_code",
        "/promised_limit",
    }
    assert "name" in problems["(root)"]
    assert "negative" in problems["/fees/0/amount"]
    assert "expected" in problems["/department_code"]
    assert "exceeds the legal limit" in problems["/promised_limit"]
    assert lines[-1] == "2 records in 1 file(s): 1 valid, 1 invalid"


def test_identity_number_check_digit_is_explained(tmp_path, capsys, case_doc):
    case_doc["applicant"]["identifier"]["number"] = "370502199003071233"
    path = tmp_path / "cases.jsonl"
    path.write_text(json.dumps(case_doc) + "\n", encoding="utf-8")
    assert main(["validate", "--kind", "case", str(path)]) == 1
    out = capsys.readouterr().out
    assert "/applicant/identifier/number: resident identity number 3705021990****1233" in out
    assert "check digit is '3', expected 'X'" in out
    assert "370502199003071233" not in out  # the full number is never printed


def test_json_format_is_one_parseable_document(tmp_path, capsys, case_doc):
    bad = dict(case_doc, state="approved")
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(json.dumps(d) for d in (case_doc, bad)) + "\n", encoding="utf-8")
    assert main(["validate", "--kind", "case", "--format", "json", str(path)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["summary"] == {
        "files": 1,
        "records": 2,
        "valid": 1,
        "invalid": 1,
        "unreadable": [],
    }
    (problem,) = report["problems"]
    assert problem["file"] == str(path)
    assert (problem["line"], problem["record"], problem["pointer"]) == (2, 2, "/state")


def test_yaml_records_are_validated_with_their_lines(tmp_path, capsys, item_doc):
    bad = dict(item_doc, level="nation")
    path = tmp_path / "items.yaml"
    path.write_text(yaml.safe_dump([item_doc, bad], allow_unicode=True), encoding="utf-8")
    assert main(["validate", "--kind", "item", str(path)]) == 1
    out = capsys.readouterr().out
    line = 1 + yaml.safe_dump([item_doc], allow_unicode=True).count("\n")
    assert f"{path}:{line} (record 2): /level: 'nation' is not one of" in out


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("broken.json", '[{"code": ', "GS104"),
        ("broken.yaml", "- code: [A,\n", "GS104"),
        ("empty.json", "", "GS102"),
        ("items.xlsx", "PK", "GS105"),
    ],
)
def test_unreadable_input_exits_2_with_one_line(tmp_path, capsys, name, content, code):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert main(["validate", "--kind", "item", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith(f"govservice: error[{code}] {path}")


def test_binary_and_missing_files_exit_2(tmp_path, capsys):
    binary = tmp_path / "items.json"
    binary.write_bytes(bytes(range(256)))
    assert main(["validate", "--kind", "item", str(binary), str(tmp_path / "nope.json")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"govservice: error[GS103] {binary}: a binary file, not UTF-8 text",
        f"govservice: error[GS101] {tmp_path / 'nope.json'}: no such file",
    ]


def test_one_unreadable_file_does_not_hide_others_problems(tmp_path, capsys, item_doc):
    bad = write_json(tmp_path / "bad.json", [dict(item_doc, region="1")])
    assert main(["validate", "--kind", "item", str(tmp_path / "nope.json"), str(bad)]) == 2
    assert "/region" in capsys.readouterr().out


def test_unknown_kind_is_a_usage_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["validate", "--kind", "items", str(tmp_path / "x.json")])
    assert exited.value.code == 2
    assert "invalid choice: 'items'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "status"),
    [("[]", 2), ("", 2), ('[{"code": "X"}]', 1), ("{not json", 2), ('{"a": 1, "a": 2}', 2)],
)
def test_real_process_exit_codes_and_no_traceback(tmp_path, content, status):
    path = tmp_path / "items.json"
    path.write_text(content, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "govservice", "validate", "--kind", "item", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == status, done.stderr
    assert "Traceback" not in done.stderr


def test_installed_package_carries_every_schema_unchanged():
    from importlib.resources import files
    from pathlib import Path

    from govservice.schemas import SCHEMA_FILES

    bundled = files("govservice") / "schemas"
    repository = Path(__file__).parents[1] / "schemas"
    for name in SCHEMA_FILES:
        assert (bundled / name).read_bytes() == (repository / name).read_bytes(), name
    assert sorted(p.name for p in repository.glob("*.json")) == sorted(SCHEMA_FILES)


def test_every_error_class_is_documented_with_a_unique_code():
    import inspect
    from pathlib import Path

    from govservice import errors

    classes = [
        cls
        for cls in vars(errors).values()
        if inspect.isclass(cls) and issubclass(cls, errors.GovServiceError)
    ]
    codes = [cls.code for cls in classes]
    assert len(codes) == len(set(codes))
    table = (Path(__file__).parents[1] / "docs" / "errors.md").read_text(encoding="utf-8")
    assert [c.__name__ for c in classes if f"| {c.code} | `{c.__name__}` |" not in table] == []


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("big.json", '{"a": ' + "9" * 5000 + "}", "more than 4,300 digits"),
        ("big.jsonl", '{"a": ' + "9" * 5000 + "}\n", "more than 4,300 digits"),
        (
            "bomb.yaml",
            "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
            + "".join(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 8)),
            "aliases (*name) expand to more than",
        ),
    ],
)
def test_hostile_input_is_refused_in_one_line(tmp_path, capsys, name, content, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert main(["validate", "--kind", "case", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert message in err[0]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("keys.yaml", "- 1: a\n  id: x\n", "a mapping has a key that is not a text"),
        ("lone.jsonl", '{"id": "\\ud800"}\n', "not valid Unicode"),
    ],
)
def test_data_that_is_not_plain_json_is_an_invalid_record(
    tmp_path, capsys, name, content, message
):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert main(["validate", "--kind", "case", str(path)]) == 1
    assert message in capsys.readouterr().out


@pytest.mark.parametrize("suffix", [".jsonl", ".json"])
@pytest.mark.parametrize("field", ["handler", "department"])  # unchecked, and with an enum
def test_a_lone_surrogate_anywhere_is_an_invalid_record(tmp_path, capsys, case_doc, suffix, field):
    # No store can hold half of a UTF-16 pair; a pair of escapes is one character, and fine.
    fine = dict(case_doc, id="FINE-1", handler="王\ud83d\ude00")  # an emoji, escaped as a pair
    lone = dict(case_doc, id="LONE-1", **{field: "王\ud800"})
    texts = [json.dumps(document) for document in (fine, lone)]  # ASCII: every escape kept
    assert "\\ud83d\\ude00" in texts[0]
    assert "\\ud800" in texts[1]
    path = tmp_path / f"cases{suffix}"
    if suffix == ".jsonl":
        path.write_text("\n".join(texts) + "\n", encoding="utf-8")
    else:  # (YAML refuses any escape of a surrogate: a malformed file)
        path.write_text(f"[{', '.join(texts)}]", encoding="utf-8")
    assert main(["validate", "--kind", "case", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"(record 2): /{field}: a text holds a character that is not valid Unicode" in out
    assert "record 1" not in out


@pytest.mark.parametrize("output", ["text", "json"])
def test_a_file_name_not_in_utf8_is_printed_as_escapes(tmp_path, capsys, case_doc, output):
    import os

    path = tmp_path / os.fsdecode(b"\xb0\xec\xbc\xfe.jsonl")  # 办件 in GBK: not UTF-8
    path.write_text(json.dumps(dict(case_doc, state="approved")) + "\n", encoding="utf-8")
    assert main(["validate", "--kind", "case", "--format", output, str(path)]) == 1
    out = capsys.readouterr().out
    assert "\\udcb0\\udcec\\udcbc\\udcfe.jsonl" in out
    if output == "json":
        json.loads(out)


@pytest.mark.parametrize("output", ["text", "json"])
def test_keys_and_values_that_would_forge_a_line_are_shown_escaped(
    tmp_path, capsys, case_doc, output
):
    forged = "\x1b[2J\u202ek\n2015-03-01 bad.jsonl:9 (record 9): /id: forged"
    document = dict(case_doc, attributes={forged: "v\x1b"}, **{forged: 1})
    path = tmp_path / "cases.jsonl"
    path.write_text(json.dumps(document) + "\n", encoding="utf-8")
    assert main(["validate", "--kind", "case", "--format", output, str(path)]) == 1
    out = capsys.readouterr().out
    for char in "\x1b\u202e":
        assert char not in out
    if output == "json":
        problems = json.loads(out)["problems"]
        pointer = "/attributes/" + forged.replace("/", "~1")
        assert pointer in {p["pointer"] for p in problems}  # the same value
        return
    lines = out.splitlines()
    assert all(line.startswith(f"{path}:1 (record 1): ") for line in lines[:-1]), lines
    assert lines[-1] == "1 records in 1 file(s): 0 valid, 1 invalid"
    assert any("/attributes/\\x1b[2J\\u202ek\\n2015-03-01 bad.jsonl:9" in line for line in lines)


def test_the_configuration_widens_the_years_for_validate_and_import(tmp_path, capsys):
    from govservice.codec import to_document
    from govservice.samples import make_case  # an enterprise applies: no birth date

    old = dict(to_document(make_case()), received_at="1930-05-04T09:00:00+08:00")
    path = tmp_path / "archive.jsonl"
    path.write_text(json.dumps(old) + "\n", encoding="utf-8")
    assert main(["validate", "--kind", "case", str(path)]) == 1
    assert "1930" in capsys.readouterr().out
    config = tmp_path / "archive.yaml"
    config.write_text(
        'name: 档案\nregion: "370500"\nvalidation: {years: {earliest: 1900}}\n'
        "storage: {backend: sqlite, settings: {path: archive.db}}\n",
        encoding="utf-8",
    )
    assert main(["--config", str(config), "validate", "--kind", "case", str(path)]) == 0
    assert main(["--config", str(config), "import", "case", str(path), "--workers", "2"]) == 0
    assert "case: 1 imported" in capsys.readouterr().out
