"""Run every benchmark of ``benchmarks/``, print one table of figures against their targets.

Run from the repository root::

    python -m benchmarks                  # every benchmark, full sizes (about 15 minutes)
    python -m benchmarks --quick          # a smoke run: --quick passed to each benchmark
    python -m benchmarks --only workflow  # one of them (repeat --only for more)
    python -m benchmarks --only catalog   # the versioned catalog at 10,000 items
    python -m benchmarks --only stations  # coverage of 10,000 stations (应进必进)

A benchmark is any ``*.py`` file of the folder (``--dir``) except this runner's own
modules (``__init__``, ``__main__``, ``targets``) and helpers named ``_*.py``. Each runs
in a process of its own with this interpreter; the last line it prints on standard
output is one JSON object of its figures. The table shows, for each figure, its value,
the baseline figure of the same run it is measured against, their ratio and the target
(:mod:`benchmarks.targets`), met or not. The whole run is written as JSON to ``--out``
(default ``benchmarks/.data/results-<UTC time>.json``), never over an existing file
unless ``--force``.

Exit status: 0 when every benchmark ran (``--check``: 1 when a target is not met), 2 when
one failed or the call was wrong, with one line on standard error for each, never a
traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import nullcontext, suppress
from pathlib import Path

import attrs
from rich.console import Console
from rich.table import Table

if __package__ in (None, ""):  # run as a file: python benchmarks/__main__.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.targets import TARGETS, Evaluation, Target, evaluate, targets_for

PROG = "python -m benchmarks"
HERE = Path(__file__).resolve().parent
NOT_BENCHMARKS = frozenset({"__init__", "__main__", "targets"})


class Failure(Exception):
    """A benchmark that did not give its figures, or a call that cannot be run: one line."""


@attrs.frozen
class Run:
    """One benchmark's run: the command, its wall time, the figures it printed last."""

    name: str
    command: tuple[str, ...]
    seconds: float
    figures: Mapping[str, object]


@attrs.frozen
class Row:
    """One line of the table: a figure, against its target when it has one."""

    benchmark: str
    figure: str
    value: object
    evaluation: Evaluation | None = None


# --------------------------------------------------------------------------- discovery


def discover(folder: Path) -> dict[str, Path]:
    """The benchmarks of ``folder`` by name (file name without ``.py``), sorted."""
    if not folder.is_dir():
        raise Failure(f"{folder}: not a folder of benchmarks")
    return {
        path.stem: path
        for path in sorted(folder.glob("*.py"))
        if path.stem not in NOT_BENCHMARKS and not path.stem.startswith("_")
    }


def select(found: Mapping[str, Path], only: Sequence[str]) -> dict[str, Path]:
    if not found:
        raise Failure("no benchmark found (no *.py file besides the runner's own)")
    if not only:
        return dict(found)
    names = [name.removesuffix(".py") for part in only for name in part.split(",") if name]
    unknown = [name for name in names if name not in found]
    if unknown:
        raise Failure(f"no benchmark named {', '.join(unknown)} (there are: {', '.join(found)})")
    return {name: found[name] for name in found if name in names}


# --------------------------------------------------------------------------- running


def last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def shorten(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parse_figures(name: str, stdout: str) -> dict[str, object]:
    """The JSON object of the last line ``name`` printed on standard output."""
    line = last_line(stdout)
    if not line:
        raise Failure(f"benchmark {name} printed nothing on standard output")
    try:
        figures = json.loads(line)
    except ValueError:
        figures = None
    if not isinstance(figures, dict):
        raise Failure(
            f"benchmark {name}: its last line is not a JSON object: {shorten(line, 120)}"
        )
    return figures


def run_benchmark(name: str, path: Path, *, quick: bool, timeout: float | None) -> Run:
    """Run one benchmark in a process (and process group) of its own; its figures."""
    command = (sys.executable, str(path), *(("--quick",) if quick else ()))
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        errors="replace",
        start_new_session=True,  # so a timeout or ^C ends its own children too
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _end(process)
        raise Failure(f"benchmark {name} took longer than {timeout:g} s and was stopped") from None
    except BaseException:
        _end(process)
        raise
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        why = last_line(stderr) or last_line(stdout) or "(nothing on standard error)"
        status = (
            f"signal {-process.returncode}"
            if process.returncode < 0
            else f"exit {process.returncode}"
        )
        raise Failure(f"benchmark {name} failed ({status}): {shorten(why)}")
    return Run(name, command, seconds, parse_figures(name, stdout))


def _end(process: subprocess.Popen) -> None:
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate()


# --------------------------------------------------------------------------- the table


def rows_of(run: Run) -> Iterator[Row]:
    """The rows of one run: its targets first, then every other figure it printed."""
    shown: set[str] = set()
    for target in targets_for(run.name, run.figures):
        evaluation = evaluate(target, run.figures)
        shown.update(k for k in (target.figure, target.baseline, target.ratio) if k)
        yield Row(run.name, target.figure, evaluation.value, evaluation)
    for figure, value in run.figures.items():
        if figure not in shown:
            yield Row(run.name, figure, value)


def number(value: object) -> str:
    """A figure as the table shows it: thousands grouped, ratios to three digits."""
    if value is None:
        return "—"
    if isinstance(value, list) and value and all(_plain_number(v) for v in value):
        return f"{number(min(value))}…{number(max(value))} ({len(value)})"
    if not _plain_number(value):
        return shorten(str(value), 40)
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def _plain_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def verdict(met: bool | None) -> str:
    return {True: "[green]yes[/]", False: "[bold red]no[/]", None: ""}[met]


def table(runs: Sequence[Run], *, quick: bool) -> Table:
    grid = Table(
        title="Benchmarks"
        + (" (--quick: a smoke run; the targets are for full runs)" if quick else ""),
        title_justify="left",
    )
    grid.add_column("benchmark")
    grid.add_column("figure")
    grid.add_column("value", justify="right")
    grid.add_column("baseline")
    grid.add_column("ratio", justify="right")
    grid.add_column("target", justify="right")
    grid.add_column("met?", justify="center")
    for run in runs:
        for row in rows_of(run):
            evaluation, baseline, ratio, bound, met = row.evaluation, "", "", "", ""
            if evaluation is not None:
                target = evaluation.target
                if target.baseline:
                    baseline = f"{target.baseline} {number(evaluation.baseline_value)}"
                    ratio = number(evaluation.ratio)
                bound, met = target.bound, verdict(evaluation.met)
            grid.add_row(run.name, row.figure, number(row.value), baseline, ratio, bound, met)
        grid.add_section()
    return grid


# --------------------------------------------------------------------------- results


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def stamp(moment: dt.datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def default_out(folder: Path, started: dt.datetime) -> Path:
    """``.data/results-<UTC time>.json`` of ``folder``; a fresh name, never an existing one."""
    base = folder / ".data" / f"results-{started.strftime('%Y%m%dT%H%M%SZ')}"
    path, number_ = base.with_suffix(".json"), 1
    while path.exists():
        number_ += 1
        path = base.parent / f"{base.name}-{number_}.json"
    return path


def make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as problem:
        raise Failure(f"{folder}: {problem.strerror or problem}") from None


def check_out(path: Path, *, force: bool) -> None:
    """Refuse, before anything runs, an output the run could not or may not write."""
    if path.is_dir():
        raise Failure(f"{path}: is a folder; --out names the JSON file to write")
    if path.exists() and not force:
        raise Failure(f"{path}: exists; give --force to replace it, or another --out")
    if path.exists() and not path.is_file():
        raise Failure(f"{path}: not a regular file, not replaced")
    if not path.parent.is_dir():
        raise Failure(f"{path.parent}: no such folder")


def commit_of(folder: Path) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return (done.stdout.strip() or None) if done.returncode == 0 else None


def results(
    runs: Sequence[Run],
    failures: Sequence[tuple[str, str]],
    *,
    started: dt.datetime,
    quick: bool,
    folder: Path,
) -> dict[str, object]:
    """The whole run, for machines: every figure, every target's evaluation, the failures."""
    return {
        "started_at": stamp(started),
        "finished_at": stamp(utc_now()),
        "quick": quick,
        "commit": commit_of(folder),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        },
        "benchmarks": {
            run.name: {
                "command": list(run.command),
                "seconds": round(run.seconds, 2),
                "figures": dict(run.figures),
            }
            for run in runs
        },
        "targets": [
            row.evaluation.to_json()
            for run in runs
            for row in rows_of(run)
            if row.evaluation is not None
        ],
        "failed": [{"benchmark": name, "error": message} for name, message in failures],
    }


def write_json(path: Path, document: Mapping[str, object], *, force: bool) -> None:
    """Write ``document`` whole or not at all; never over an existing file unless ``force``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(temporary, 0o644)  # as a file written plainly would be (mkstemp: 0600)
        if force:
            os.replace(temporary, path)
        else:
            try:
                os.link(temporary, path)  # fails if the file appeared meanwhile
            except FileExistsError:
                raise Failure(f"{path}: exists; give --force to replace it") from None
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


# --------------------------------------------------------------------------- main


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="pass --quick to every benchmark")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NAME",
        help="run this benchmark only (repeatable, or NAME,NAME)",
    )
    parser.add_argument("--out", type=Path, help="the JSON file to write")
    parser.add_argument("--force", action="store_true", help="replace an existing --out")
    parser.add_argument(
        "--dir", type=Path, default=HERE, help="the folder of benchmarks (default: this one)"
    )
    parser.add_argument(
        "--timeout", type=float, metavar="SECONDS", help="stop a benchmark running longer"
    )
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is not met")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.timeout is not None and not args.timeout > 0:
        parser.error("--timeout must be a positive number of seconds")
    err = Console(stderr=True, highlight=False)
    out = Console(highlight=False, width=None if sys.stdout.isatty() else 160)
    started = utc_now()
    try:
        chosen = select(discover(args.dir), args.only)
        path = args.out or default_out(args.dir, started)
        if args.out is None:
            make_folder(path.parent)
        check_out(path, force=args.force)
    except Failure as problem:
        print(f"{PROG}: error: {problem}", file=sys.stderr)
        return 2

    runs: list[Run] = []
    failures: list[tuple[str, str]] = []
    for number_, (name, script) in enumerate(chosen.items(), 1):
        with (
            err.status(f"{name} ({number_}/{len(chosen)}) …") if err.is_terminal else nullcontext()
        ):
            try:
                run = run_benchmark(name, script, quick=args.quick, timeout=args.timeout)
            except Failure as problem:
                failures.append((name, str(problem)))
                continue
            except KeyboardInterrupt:
                print(f"{PROG}: interrupted during {name}; nothing written", file=sys.stderr)
                return 130
        runs.append(run)
        if err.is_terminal:
            err.print(f"{name}: {run.seconds:.1f} s")

    if runs:
        out.print(table(runs, quick=args.quick))
    try:
        write_json(
            path,
            results(runs, failures, started=started, quick=args.quick, folder=args.dir),
            force=args.force,
        )
    except Failure as problem:
        failures.append(("", str(problem)))
    except OSError as problem:
        failures.append(("", f"{path}: {problem.strerror or problem}"))
    else:
        evaluations = [r.evaluation for run in runs for r in rows_of(run) if r.evaluation]
        judged = [e for e in evaluations if e.met is not None]
        kept = sum(e.met for e in judged)
        out.print(f"targets met: {kept} of {len(judged)}; results written to {path}")
    for _, message in failures:
        print(f"{PROG}: error: {message}", file=sys.stderr)
    if failures:
        return 2
    if args.check and any(
        r.evaluation.met is False for run in runs for r in rows_of(run) if r.evaluation
    ):
        return 1
    return 0


__all__ = ["TARGETS", "Failure", "Run", "Target", "discover", "main", "parse_figures"]

if __name__ == "__main__":
    sys.exit(main())
