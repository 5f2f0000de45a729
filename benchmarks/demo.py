"""Benchmark: ``govservice demo``, the Dongying year, against the workflow benchmark.

Run: ``python benchmarks/demo.py`` (``--scale S``, default 0.1: about 17,500 cases;
``--quick`` for scale 0.01; ``--seed N`` and ``--config FILE`` are passed to the demo).
The plugins ``plugins/govservice-guangrao`` and ``plugins/govservice-lijin`` should be
installed, as for the README's first command. The last line printed is one JSON object:

    {"scale": 0.1, "cases": 17500, "seconds": ..., "cases_per_s": ...,
     "workflow_cases_per_s": ..., "demo_vs_workflow": ..., ...}

- ``seconds``: the wall time of ``python -m govservice demo --out DIR --scale S`` in a
  process of its own, from its start to its exit, into a new folder: the configuration,
  the data set, the simulated year through the workflow, the report (terminal,
  ``report.html``, ``report.json``). Issue 11's bounds: 60 s at scale 0.1, 10 minutes at
  scale 1, on these 2-core machines.
- ``cases``: the cases of the year as the demo's ``report.json`` counts them
  (``totals.applications``); when it gives no count, the cases of its SQLite database,
  opened read-only. ``cases_from`` says which.
- ``cases_per_s``: ``cases / seconds``.
- ``workflow_cases_per_s``: ``benchmarks/workflow.py --cases N`` (default 20,000, about
  the cases of scale 0.1; ``--quick``: its own ``--quick``) in the same run, just after
  the demo: the batched workflow alone, the baseline of ``demo_vs_workflow``.

Every figure comes from this run on this machine; compare the ratio, not absolute numbers.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUICK_SCALE = 0.01
WORKFLOW_CASES = 20_000


class Failed(Exception):
    """A step of the benchmark that did not finish: one line."""


def last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def run(command: list[str], what: str) -> tuple[str, float]:
    """Run ``command``; its standard output and wall time, or :class:`Failed`."""
    started = time.perf_counter()
    done = subprocess.run(
        command, capture_output=True, text=True, encoding="utf-8", errors="replace", check=False
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        why = last_line(done.stderr) or last_line(done.stdout) or "(nothing on standard error)"
        raise Failed(f"{what} failed (exit {done.returncode}): {why}")
    return done.stdout, seconds


def cases_in_report(folder: Path) -> int | None:
    """The year's cases as the demo's ``report.json`` counts them, if it does."""
    path = folder / "report.json"
    if not path.is_file():
        return None
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as problem:
        raise Failed(f"{path}: not JSON: {problem}") from None
    totals = report.get("totals") if isinstance(report, dict) else None
    count = totals.get("applications") if isinstance(totals, dict) else None
    return count if isinstance(count, int) and not isinstance(count, bool) else None


def cases_in_database(folder: Path) -> int | None:
    """The cases of the demo's SQLite database (``*.db`` in its folder), read-only."""
    databases = sorted(folder.glob("*.db")) or sorted(folder.rglob("*.db"))
    if not databases:
        return None
    connection = sqlite3.connect(f"{databases[0].resolve().as_uri()}?mode=ro", uri=True)
    try:
        return connection.execute("SELECT count(*) FROM cases").fetchone()[0]
    except sqlite3.Error as problem:
        raise Failed(f"{databases[0]}: cannot count its cases: {problem}") from None
    finally:
        connection.close()


def demo_figures(scale: float, seed: int | None, config: Path | None) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="bench-demo-") as name:
        out = Path(name) / "dongying-demo"
        command = [sys.executable, "-m", "govservice", "demo", "--out", str(out)]
        command += ["--scale", f"{scale:g}"]
        if seed is not None:
            command += ["--seed", str(seed)]
        if config is not None:
            command += ["--config", str(config)]
        _, seconds = run(command, "govservice demo")
        cases, source = cases_in_report(out), "report.json"
        if cases is None:
            cases, source = cases_in_database(out), "database"
        if cases is None:
            raise Failed(f"govservice demo left no count of its cases in {out}")
    return {"cases": cases, "cases_from": source, "seconds": round(seconds, 2)}


def workflow_figures(quick: bool, cases: int) -> dict[str, object]:
    command = [sys.executable, str(HERE / "workflow.py")]
    command += ["--quick"] if quick else ["--cases", str(cases)]
    stdout, _ = run(command, "benchmarks/workflow.py")
    try:
        figures = json.loads(last_line(stdout))
    except ValueError:
        figures = None
    if not isinstance(figures, dict) or "cases_per_s" not in figures:
        raise Failed("benchmarks/workflow.py: its last line has no cases_per_s")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.1, help="of the real year (default 0.1)")
    parser.add_argument("--quick", action="store_true", help=f"scale {QUICK_SCALE}, a smoke run")
    parser.add_argument("--seed", type=int, help="passed to govservice demo")
    parser.add_argument("--config", type=Path, help="passed to govservice demo")
    parser.add_argument(
        "--workflow-cases",
        type=int,
        default=WORKFLOW_CASES,
        metavar="N",
        help=f"cases of benchmarks/workflow.py, the baseline (default {WORKFLOW_CASES:,})",
    )
    args = parser.parse_args()
    scale = QUICK_SCALE if args.quick else args.scale
    if not scale > 0:
        parser.error("--scale must be a number above 0")
    if args.workflow_cases < 1:
        parser.error("--workflow-cases must be at least 1")
    try:
        result: dict[str, object] = {"scale": scale}
        result |= demo_figures(scale, args.seed, args.config)
        workflow = workflow_figures(args.quick, args.workflow_cases)
    except Failed as problem:
        print(f"benchmarks/demo.py: {problem}", file=sys.stderr)
        raise SystemExit(1) from None
    cases_per_s = result["cases"] / result["seconds"]
    result["cases_per_s"] = round(cases_per_s)
    result["workflow_cases"] = workflow["cases"]
    result["workflow_cases_per_s"] = workflow["cases_per_s"]
    result["demo_vs_workflow"] = round(cases_per_s / workflow["cases_per_s"], 3)
    print(
        f"demo at scale {scale:g}: {result['cases']:,} cases in {result['seconds']} s "
        f"({result['cases_per_s']:,}/s); workflow alone {workflow['cases_per_s']:,}/s",
        file=sys.stderr,
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
