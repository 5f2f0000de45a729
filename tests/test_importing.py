"""Bulk import: batches, idempotence, invalid records, and a SIGKILL in the middle."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from govservice.cli import main
from govservice.codec import to_document
from govservice.errors import MalformedInputError, UsageError
from govservice.importing import import_file
from govservice.store.sqlite import SqliteStore
from govservice.testing import enterprise, make_case, make_item


def case_lines(count: int, start: int = 0) -> list[str]:
    item = make_item()
    return [
        json.dumps(
            to_document(make_case(item, id=f"IMP-{n:07d}", applicant=enterprise(n))),
            ensure_ascii=False,
        )
        for n in range(start, start + count)
    ]


@pytest.fixture
def store(tmp_path):
    store = SqliteStore(tmp_path / "govservice.db")
    yield store
    store.close()


@pytest.mark.parametrize("workers", [1, 2])
def test_import_then_import_again_adds_nothing(tmp_path, store, workers):
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(case_lines(1200)) + "\n", encoding="utf-8")
    first = import_file(store, "case", path, batch_size=500, workers=workers)
    assert (first.inserted, first.skipped, first.batches, first.complete) == (1200, 0, 3, True)
    again = import_file(store, "case", path, batch_size=500, workers=workers)
    assert (again.inserted, again.skipped) == (0, 1200)
    assert store.count("case") == 1200
    stored = store.get("case", "IMP-0000007")
    assert stored.version == 1
    assert to_document(stored.record) == json.loads(case_lines(1, start=7)[0])


def test_an_invalid_record_stops_before_its_batch(tmp_path, store):
    lines = case_lines(25)
    bad = json.loads(lines[12])
    bad["region"], bad["state"] = "3705", "approved"
    lines[12] = json.dumps(bad, ensure_ascii=False)
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = import_file(store, "case", path, batch_size=10, workers=1)
    assert (report.inserted, report.batches, report.complete) == (10, 1, False)
    (invalid,) = report.invalid
    assert (invalid.line, invalid.number) == (13, 13)
    assert {p.pointer for p in invalid.problems} == {"/region", "/state"}
    assert store.count("case") == 10  # the first batch only: nothing of batch 2 or 3


def test_a_malformed_line_is_named_and_earlier_batches_stay(tmp_path, store):
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join([*case_lines(10), "{oops", *case_lines(5, 10)]), encoding="utf-8")
    with pytest.raises(MalformedInputError, match=r"cases\.jsonl:11"):
        import_file(store, "case", path, batch_size=10, workers=1)
    assert store.count("case") == 10


def test_yaml_and_json_files_import_too(tmp_path, store):
    items = [to_document(make_item(code=f"11370500004275432Y-XK-{n:04d}")) for n in range(3)]
    path = tmp_path / "items.json"
    path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    report = import_file(store, "item", path)
    assert (report.inserted, report.complete) == (3, True)
    assert [i.code for i in store.items()] == [d["code"] for d in items]


def test_cli_import_exit_codes_and_summary(tmp_path, capsys):
    config = tmp_path / "govservice.yaml"
    config.write_text(
        'name: 测试\nregion: "370500"\nstorage: {backend: sqlite, settings: {path: t.db}}\n',
        encoding="utf-8",
    )
    good = tmp_path / "cases.jsonl"
    good.write_text("\n".join(case_lines(30)) + "\n", encoding="utf-8")
    assert main(["--config", str(config), "import", "case", str(good)]) == 0
    out = capsys.readouterr().out
    assert "case: 30 imported, 0 already present" in out
    assert f"next: govservice --config {config} audit attest" in out  # as it was called
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "X"}\n', encoding="utf-8")
    assert main(["--config", str(config), "import", "case", str(bad)]) == 1
    out = capsys.readouterr().out
    assert f"{bad}:1 (record 1): (root): required field 'region' is missing" in out
    assert main(["--config", str(config), "import", "case", str(tmp_path / "no.jsonl")]) == 2
    assert main(["--config", str(config), "db", "status"]) == 0
    assert "  case: 30" in capsys.readouterr().out


IMPORTER = """
import sys
from govservice.importing import import_file
from govservice.store.sqlite import SqliteStore
store = SqliteStore(sys.argv[1])
import_file(store, "case", sys.argv[2], batch_size=int(sys.argv[3]))
"""


def test_sigkill_mid_import_leaves_whole_batches_and_a_rerun_completes(tmp_path):
    total, batch = 40_000, 500
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(case_lines(total)) + "\n", encoding="utf-8")
    database = tmp_path / "govservice.db"
    SqliteStore(database).close()  # created and migrated before the importer starts

    importer = subprocess.Popen(
        [sys.executable, "-c", IMPORTER, str(database), str(path), str(batch)],
        start_new_session=True,
    )

    def stored() -> int:
        with sqlite3.connect(database, timeout=10) as reader:
            return reader.execute("SELECT count(*) FROM cases").fetchone()[0]

    deadline = time.monotonic() + 60
    while stored() < 3 * batch:
        assert importer.poll() is None, "the import finished before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    os.killpg(importer.pid, signal.SIGKILL)  # the importer and its workers, like a power cut
    importer.wait()

    interrupted = stored()
    assert 0 < interrupted < total
    assert interrupted % batch == 0  # only whole batches
    store = SqliteStore(database)
    try:
        report = import_file(store, "case", path, batch_size=batch)
        assert (report.inserted, report.skipped) == (total - interrupted, interrupted)
        assert store.count("case") == total
    finally:
        store.close()


def test_batch_size_and_workers_are_checked(tmp_path, store, capsys):
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(case_lines(3)) + "\n", encoding="utf-8")
    with pytest.raises(UsageError):
        import_file(store, "case", path, batch_size=0)
    with pytest.raises(SystemExit) as exited:
        main(["import", "case", str(path), "--batch-size", "-5"])
    assert exited.value.code == 2
    assert "at least 1" in capsys.readouterr().err


def test_commands_that_keep_data_refuse_the_memory_store(tmp_path, capsys):
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(case_lines(3)) + "\n", encoding="utf-8")
    assert main(["import", "case", str(path)]) == 2
    assert "error[GS110]" in capsys.readouterr().err
    assert main(["db", "init"]) == 2


@pytest.mark.parametrize("workers", [1, 2])
def test_a_line_of_other_white_space_is_a_malformed_record(tmp_path, store, workers):
    from govservice.errors import MalformedInputError

    lines = case_lines(3)
    lines.insert(1, "\u3000")  # an ideographic space: not blank, not JSON
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(MalformedInputError) as raised:
        import_file(store, "case", path, batch_size=10, workers=workers)
    assert raised.value.where == f"{path}:2"
    assert store.count("case") == 0


@pytest.mark.parametrize("workers", [1, 2])
def test_a_line_not_in_utf8_is_named_and_earlier_batches_stay(tmp_path, store, workers):
    from govservice.errors import BinaryInputError

    lines = [line.encode() for line in case_lines(14)]
    lines[12] = lines[12].replace("东营".encode(), "东营".encode("gb18030"), 1)
    assert lines[12] != case_lines(14)[12].encode()
    path = tmp_path / "cases.jsonl"
    path.write_bytes(b"\n".join(lines[:3]) + b"\n\n" + b"\n".join(lines[3:]) + b"\n")
    with pytest.raises(BinaryInputError) as raised:
        import_file(store, "case", path, batch_size=5, workers=workers)
    assert raised.value.where == f"{path}:14"  # line 14: a blank line comes before it
    assert store.count("case") == 10


@pytest.mark.parametrize(("suffix", "workers"), [(".jsonl", 1), (".jsonl", 2), (".json", 1)])
def test_a_lone_surrogate_is_an_invalid_record_not_a_crash(tmp_path, store, suffix, workers):
    lines = case_lines(6)
    lone = json.loads(lines[4])
    lone["handler"] = "王\ud800"  # valid by the schema; no UTF-8 text can hold it
    lines[4] = json.dumps(lone)
    assert "\\ud800" in lines[4]
    path = tmp_path / f"cases{suffix}"
    content = "\n".join(lines) + "\n" if suffix == ".jsonl" else "[" + ",\n".join(lines) + "]"
    path.write_text(content, encoding="utf-8")
    report = import_file(store, "case", path, batch_size=3, workers=workers)
    (invalid,) = report.invalid
    assert (invalid.line, invalid.number) == (5, 5)
    assert [(p.pointer, p.message) for p in invalid.problems] == [
        ("/handler", "a text holds a character that is not valid Unicode (a lone surrogate)")
    ]
    assert store.count("case") == 3  # the batch before it
