"""``python -m benchmarks``: discovery, parsing, the table, the JSON file, targets, failures.

Most tests run the runner on small fake benchmarks in a temporary folder (``--dir``);
one runs the real ``validate`` benchmark with ``--quick``.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import demo  # noqa: E402
from benchmarks.targets import TARGETS, Target, evaluate, targets_for  # noqa: E402

WORKFLOW_FIGURES = {
    "cases": 2000,
    "cases_per_s": 1500,
    "raw_sqlite_rows_per_s": 150_000,
    "unbatched_cases_per_s": 500,
    "events_per_s": 7500,
    "events_vs_raw_rows": 0.05,
}


def fake(folder: Path, name: str, body: str) -> Path:
    path = folder / f"{name}.py"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def printing(figures: dict, before: str = "warming up") -> str:
    return f"""
        import json, sys
        print({before!r})
        figures = {figures!r}
        figures["quick"] = "--quick" in sys.argv
        print(json.dumps(figures))
    """


def runner(*args: str | Path, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "benchmarks", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def bench(tmp_path: Path) -> Path:
    folder = tmp_path / "bench"
    folder.mkdir()
    fake(folder, "workflow", printing(WORKFLOW_FIGURES))
    fake(
        folder,
        "tiny",
        printing({"items": 3, "items_per_s": 12.5, "by_round": [0.02, 0.019, 0.031]}),
    )
    return folder


# --------------------------------------------------------------------------- targets


def test_a_lower_bound_on_a_ratio_is_met_or_not():
    target = Target("workflow", "events_per_s", baseline="raw_sqlite_rows_per_s", minimum=0.04)
    kept = evaluate(target, {"events_per_s": 12_000, "raw_sqlite_rows_per_s": 300_000})
    assert kept.ratio == pytest.approx(0.04)
    assert kept.met is True
    missed = evaluate(target, {"events_per_s": 11_999, "raw_sqlite_rows_per_s": 300_000})
    assert missed.ratio == pytest.approx(0.039997, rel=1e-4)
    assert missed.met is False


def test_a_bound_without_a_baseline_is_on_the_figure_itself():
    at_least = Target("workflow", "cases_per_s", minimum=2000)
    assert evaluate(at_least, {"cases_per_s": 2000}).met is True
    assert evaluate(at_least, {"cases_per_s": 1999}).met is False
    assert evaluate(at_least, {"cases_per_s": 1999}).ratio is None
    at_most = Target("demo", "seconds", maximum=60)
    assert evaluate(at_most, {"seconds": 59.9}).met is True
    assert evaluate(at_most, {"seconds": 60.1}).met is False


def test_no_verdict_without_a_bound_or_without_the_figures():
    comparison = Target("storage", "overdue_query_ms_1m", baseline="overdue_scan_ms_1m")
    shown = evaluate(comparison, {"overdue_query_ms_1m": 0.5, "overdue_scan_ms_1m": 50.0})
    assert shown.ratio == pytest.approx(0.01)
    assert shown.met is None
    postgres = Target("storage", "postgres_import_per_s", baseline="raw_copy_per_s", minimum=0.6)
    unmeasured = evaluate(postgres, {"postgres_import_per_s": None, "raw_copy_per_s": None})
    assert (unmeasured.value, unmeasured.ratio, unmeasured.met) == (None, None, None)
    assert evaluate(postgres, {}).met is None
    assert evaluate(postgres, {"postgres_import_per_s": 10, "raw_copy_per_s": 0}).met is None


def test_the_benchmarks_own_ratio_stands_in_for_missing_figures():
    target = Target("w", "events_per_s", baseline="raw", minimum=0.04, ratio="events_vs_raw")
    assert evaluate(target, {"events_vs_raw": 0.05}).met is True
    assert evaluate(target, {"events_vs_raw": 0.03}).met is False
    # the figures, when present, decide: not the rounded ratio printed beside them
    assert (
        evaluate(target, {"events_per_s": 399, "raw": 10_000, "events_vs_raw": 0.04}).met is False
    )


def test_a_target_applies_only_to_the_runs_it_names():
    at_tenth = [t for t in targets_for("demo", {"scale": 0.1}) if t.figure == "seconds"]
    at_full = [t for t in targets_for("demo", {"scale": 1.0}) if t.figure == "seconds"]
    quick = [t for t in targets_for("demo", {"scale": 0.01}) if t.figure == "seconds"]
    assert [t.maximum for t in at_tenth] == [60]
    assert [t.maximum for t in at_full] == [600]
    assert quick == []


def test_the_targets_of_the_issues_are_in_the_table():
    bounds = {(t.benchmark, t.figure, t.baseline): t.bound for t in TARGETS}
    assert bounds["workflow", "events_per_s", "raw_sqlite_rows_per_s"] == "≥ 0.04"
    assert bounds["workflow", "cases_per_s", None] == "≥ 2,000"
    assert bounds["validate", "ours_per_s", "compiled_per_s"] == "≥ 0.8"
    assert bounds["demo", "cases_per_s", "workflow_cases_per_s"] == ""


def test_every_target_names_a_benchmark_that_exists_and_says_where_it_comes_from():
    names = {path.stem for path in (ROOT / "benchmarks").glob("*.py")}
    for target in TARGETS:
        assert target.benchmark in names, target
        assert target.source, target
    assert {"demo", "storage", "validate", "workflow"} <= {t.benchmark for t in TARGETS}


def test_a_target_cannot_bound_both_ways():
    with pytest.raises(ValueError, match=r"Target.minimum and Target.maximum"):
        Target("w", "x", minimum=1, maximum=2)


# --------------------------------------------------------------------------- the runner


def test_runs_every_benchmark_and_prints_one_table(bench: Path, tmp_path: Path):
    out = tmp_path / "results.json"
    done = runner("--dir", bench, "--out", out)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    lines = done.stdout.splitlines()
    header = next(line for line in lines if "benchmark" in line)
    for column in ("figure", "value", "baseline", "ratio", "target", "met?"):
        assert column in header
    events = next(line for line in lines if "events_per_s" in line)
    assert "7,500" in events
    assert "raw_sqlite_rows_per_s 150,000" in events
    assert "0.05" in events
    assert "≥ 0.04" in events
    assert "yes" in events
    cases = next(line for line in lines if "cases_per_s" in line and "≥ 2,000" in line)
    assert "1,500" in cases
    assert " no " in cases
    tiny = next(line for line in lines if "items_per_s" in line)
    assert "12.5" in tiny
    rounds = next(line for line in lines if "by_round" in line)
    assert "0.019…0.031 (3)" in rounds
    assert tiny.count("│") + tiny.count("|") >= 7
    assert sum("━" in line and "┏" in line for line in lines) == 1  # one table
    assert f"targets met: 1 of 2; results written to {out}" in done.stdout


def test_the_json_file_holds_every_figure_and_every_verdict(bench: Path, tmp_path: Path):
    out = tmp_path / "results.json"
    assert runner("--dir", bench, "--out", out).returncode == 0
    results = json.loads(out.read_text(encoding="utf-8"))
    assert set(results["benchmarks"]) == {"tiny", "workflow"}
    workflow = results["benchmarks"]["workflow"]
    assert workflow["figures"] == WORKFLOW_FIGURES | {"quick": False}
    assert workflow["command"][0] == sys.executable
    assert workflow["seconds"] >= 0
    assert results["quick"] is False
    assert results["failed"] == []
    verdicts = {(t["figure"], t["baseline"]): t for t in results["targets"]}
    events = verdicts["events_per_s", "raw_sqlite_rows_per_s"]
    assert events["ratio"] == pytest.approx(0.05)
    assert (events["target"], events["met"]) == ("≥ 0.04", True)
    assert verdicts["cases_per_s", None]["met"] is False
    assert verdicts["cases_per_s", "unbatched_cases_per_s"]["met"] is None
    assert results["started_at"].endswith("Z")
    assert results["machine"]["cpus"] >= 1


def test_quick_is_passed_to_every_benchmark(bench: Path, tmp_path: Path):
    out = tmp_path / "quick.json"
    done = runner("--dir", bench, "--quick", "--out", out)
    assert done.returncode == 0, done.stderr
    assert "--quick" in done.stdout
    results = json.loads(out.read_text(encoding="utf-8"))
    assert results["quick"] is True
    assert all(run["figures"]["quick"] for run in results["benchmarks"].values())
    assert all(run["command"][-1] == "--quick" for run in results["benchmarks"].values())


def test_only_runs_the_benchmarks_named(bench: Path, tmp_path: Path):
    out = tmp_path / "only.json"
    assert runner("--dir", bench, "--only", "tiny", "--out", out).returncode == 0
    assert set(json.loads(out.read_text())["benchmarks"]) == {"tiny"}
    unknown = runner("--dir", bench, "--only", "nope", "--out", tmp_path / "no.json")
    assert unknown.returncode == 2
    assert unknown.stderr.splitlines() == [
        "python -m benchmarks: error: no benchmark named nope (there are: tiny, workflow)"
    ]
    assert not (tmp_path / "no.json").exists()


def test_helpers_and_the_runners_own_modules_are_not_benchmarks(bench: Path, tmp_path: Path):
    fake(bench, "_shared", "raise SystemExit('a helper, not run')")
    fake(bench, "targets", "raise SystemExit('not run')")
    fake(bench, "__init__", "")
    out = tmp_path / "r.json"
    done = runner("--dir", bench, "--out", out)
    assert done.returncode == 0, done.stderr
    assert set(json.loads(out.read_text())["benchmarks"]) == {"tiny", "workflow"}


def test_the_default_file_is_in_the_data_folder_and_never_an_existing_one(bench: Path):
    first = runner("--dir", bench, "--only", "tiny")
    second = runner("--dir", bench, "--only", "tiny")
    assert first.returncode == second.returncode == 0
    written = sorted((bench / ".data").glob("results-*.json"))
    assert len(written) == 2
    for path in written:
        assert path.name.startswith("results-20")
        assert set(json.loads(path.read_text())["benchmarks"]) == {"tiny"}
        assert path.stat().st_mode & 0o777 == 0o644


def test_an_existing_file_is_refused_before_anything_runs(bench: Path, tmp_path: Path):
    marker = tmp_path / "ran"
    fake(bench, "marks", f"open({str(marker)!r}, 'w').close(); print('{{}}')")
    out = tmp_path / "results.json"
    out.write_text("earlier results\n", encoding="utf-8")
    done = runner("--dir", bench, "--out", out)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"python -m benchmarks: error: {out}: exists; give --force to replace it, or another --out"
    ]
    assert done.stdout == ""
    assert out.read_text(encoding="utf-8") == "earlier results\n"
    assert not marker.exists()
    forced = runner("--dir", bench, "--out", out, "--force")
    assert forced.returncode == 0, forced.stderr
    assert marker.exists()
    assert set(json.loads(out.read_text())["benchmarks"]) == {"marks", "tiny", "workflow"}


def test_a_folder_or_a_missing_folder_is_no_output(bench: Path, tmp_path: Path):
    into_folder = runner("--dir", bench, "--out", tmp_path)
    assert into_folder.returncode == 2
    assert "is a folder" in into_folder.stderr
    nowhere = runner("--dir", bench, "--out", tmp_path / "missing" / "r.json")
    assert nowhere.returncode == 2
    assert nowhere.stderr.splitlines() == [
        f"python -m benchmarks: error: {tmp_path / 'missing'}: no such folder"
    ]


def test_a_failing_benchmark_is_one_line_and_exit_2(bench: Path, tmp_path: Path):
    fake(
        bench,
        "broken",
        """
        import sys
        print("started")
        print("a first problem", file=sys.stderr)
        raise RuntimeError("the database is gone")
        """,
    )
    out = tmp_path / "results.json"
    done = runner("--dir", bench, "--out", out)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "python -m benchmarks: error: benchmark broken failed (exit 1): "
        "RuntimeError: the database is gone"
    ]
    assert "Traceback" not in done.stdout + done.stderr
    # the others ran, are shown and kept
    assert "events_per_s" in done.stdout
    results = json.loads(out.read_text())
    assert set(results["benchmarks"]) == {"tiny", "workflow"}
    assert results["failed"] == [
        {
            "benchmark": "broken",
            "error": "benchmark broken failed (exit 1): RuntimeError: the database is gone",
        }
    ]


def test_a_last_line_that_is_not_one_json_object_is_a_failure(bench: Path, tmp_path: Path):
    fake(bench, "chatty", "print('{\"ok\": 1}'); print('done, 3 records')")
    fake(bench, "listing", "print('[1, 2]')")
    fake(bench, "silent", "pass")
    done = runner("--dir", bench, "--out", tmp_path / "r.json")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "python -m benchmarks: error: benchmark chatty: its last line is not a JSON object: "
        "done, 3 records",
        "python -m benchmarks: error: benchmark listing: its last line is not a JSON object: "
        "[1, 2]",
        "python -m benchmarks: error: benchmark silent printed nothing on standard output",
    ]


def test_a_benchmark_running_too_long_is_stopped(bench: Path, tmp_path: Path):
    fake(bench, "slow", "import time; time.sleep(60)")
    done = runner("--dir", bench, "--only", "slow", "--timeout", "1", "--out", tmp_path / "r.json")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "python -m benchmarks: error: benchmark slow took longer than 1 s and was stopped"
    ]


def test_check_exits_1_when_a_target_is_not_met(bench: Path, tmp_path: Path):
    missed = runner("--dir", bench, "--check", "--out", tmp_path / "a.json")
    assert missed.returncode == 1  # workflow's cases_per_s 1,500 < 2,000
    fake(bench, "workflow", printing(WORKFLOW_FIGURES | {"cases_per_s": 2500}))
    kept = runner("--dir", bench, "--check", "--out", tmp_path / "b.json")
    assert kept.returncode == 0, kept.stdout
    assert "targets met: 2 of 2" in kept.stdout


def test_the_real_validate_benchmark_quick(tmp_path: Path):
    out = tmp_path / "validate.json"
    done = runner("--quick", "--only", "validate", "--out", out, timeout=300)
    assert done.returncode == 0, done.stderr
    figures = json.loads(out.read_text())["benchmarks"]["validate"]["figures"]
    assert figures["records"] == 2_000
    assert figures["ours_per_s"] > 0
    assert figures["compiled_per_s"] > 0
    line = next(row for row in done.stdout.splitlines() if "compiled_per_s" in row)
    assert "≥ 0.8" in line
    verdicts = json.loads(out.read_text())["targets"]
    compiled = next(t for t in verdicts if t["baseline"] == "compiled_per_s")
    assert compiled["ratio"] == pytest.approx(figures["ours_per_s"] / figures["compiled_per_s"])
    assert compiled["met"] is (compiled["ratio"] >= 0.8)


# --------------------------------------------------------------------------- benchmarks/demo.py


def test_demo_cases_come_from_the_report(tmp_path: Path):
    assert demo.cases_in_report(tmp_path) is None
    (tmp_path / "report.json").write_text(
        json.dumps({"format": "govservice-year-report", "totals": {"applications": 1750}}),
        encoding="utf-8",
    )
    assert demo.cases_in_report(tmp_path) == 1750
    (tmp_path / "report.json").write_text('{"totals": {}}', encoding="utf-8")
    assert demo.cases_in_report(tmp_path) is None
    (tmp_path / "report.json").write_text("{", encoding="utf-8")
    with pytest.raises(demo.Failed, match=r"report.json: not JSON"):
        demo.cases_in_report(tmp_path)


def test_demo_cases_counted_in_the_database_read_only(tmp_path: Path):
    assert demo.cases_in_database(tmp_path) is None
    path = tmp_path / "dongying-demo.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE cases (id TEXT PRIMARY KEY, doc TEXT)")
        connection.executemany("INSERT INTO cases VALUES (?, '{}')", [(str(n),) for n in range(7)])
    connection.close()
    before = path.read_bytes()
    assert demo.cases_in_database(tmp_path) == 7
    assert path.read_bytes() == before
    (tmp_path / "another.db").write_bytes(b"")
    with pytest.raises(demo.Failed, match=r"another.db: cannot count its cases"):
        demo.cases_in_database(tmp_path)  # the first by name, and no table of cases


def test_demo_refuses_a_scale_of_zero():
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "demo.py"), "--scale", "0"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1].endswith("--scale must be a number above 0")


FAKE_INTERPRETER = """\
#!{python}
# Stands in for the interpreter: "-m govservice demo --out DIR --scale S" writes the
# report of S * 17,500 cases; "workflow.py ..." prints the workflow's figures.
import json, pathlib, sys

args = sys.argv[1:]
if args[:3] == ["-m", "govservice", "demo"]:
    if {fail!r}:
        print("govservice: error[GS112] disk full", file=sys.stderr)
        sys.exit(2)
    out = pathlib.Path(args[args.index("--out") + 1])
    out.mkdir()
    cases = round(17_500 * float(args[args.index("--scale") + 1]))
    report = {{"format": "govservice-year-report", "totals": {{"applications": cases}}}}
    (out / "report.json").write_text(json.dumps(report))
else:
    print("2000 cases, 10000 events chained and verified")
    print(json.dumps({{"cases": 2000, "cases_per_s": 2500, "quick": "--quick" in args}}))
"""


def fake_interpreter(folder: Path, *, fail: bool = False) -> Path:
    path = folder / ("failing-python" if fail else "python")
    path.write_text(FAKE_INTERPRETER.format(python=sys.executable, fail=fail), encoding="utf-8")
    path.chmod(0o755)
    return path


def test_demo_times_the_demo_and_sets_it_against_the_workflow(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(demo.sys, "executable", str(fake_interpreter(tmp_path)))
    monkeypatch.setattr(demo.sys, "argv", ["demo.py", "--quick", "--seed", "7"])
    demo.main()
    captured = capsys.readouterr()
    result = json.loads(captured.out.splitlines()[-1])
    assert result["scale"] == 0.01
    assert result["cases"] == 175
    assert result["cases_from"] == "report.json"
    assert 0 < result["seconds"] < 30
    assert result["cases_per_s"] == round(175 / result["seconds"])
    assert result["workflow_cases_per_s"] == 2500
    assert result["demo_vs_workflow"] == pytest.approx(175 / result["seconds"] / 2500, abs=1e-3)
    assert "demo at scale 0.01: 175 cases" in captured.err


def test_demo_failing_is_one_line_naming_its_last_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(demo.sys, "executable", str(fake_interpreter(tmp_path, fail=True)))
    monkeypatch.setattr(demo.sys, "argv", ["demo.py", "--scale", "0.1"])
    with pytest.raises(SystemExit) as exit_:
        demo.main()
    assert exit_.value.code == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        "benchmarks/demo.py: govservice demo failed (exit 2): govservice: error[GS112] disk full"
    ]
