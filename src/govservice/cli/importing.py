"""``govservice import KIND FILE``: bulk import through validation into the store."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from govservice.cli.common import persistent_store, service_from, whole_number
from govservice.cli.terminal import printable
from govservice.importing import import_file
from govservice.kinds import KINDS


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "import",
        help="import records from a JSON Lines (or JSON, YAML) file into the store",
        description=(
            "Import records through validation, in batches, each in one transaction. "
            "Records already stored are skipped, so an interrupted import is finished by "
            "running it again. A batch with an invalid record stops the import; its "
            "problems are printed and the batches before it stay imported. "
            "Exit 0 when everything is imported, 1 when a record is invalid, 2 on errors."
        ),
    )
    parser.add_argument("kind", choices=sorted(KINDS), help="record kind")
    parser.add_argument("file", metavar="FILE")
    parser.add_argument(
        "--batch-size",
        type=whole_number(1, MAX_BATCH_SIZE),
        default=500,
        help=f"records a transaction (500; at most {MAX_BATCH_SIZE:,})",
    )
    parser.add_argument(
        "--workers",
        type=whole_number(1, MAX_WORKERS),
        default=None,
        help=f"processes at work, this one included (default: one per core; at most "
        f"{MAX_WORKERS})",
    )
    parser.set_defaults(run=run)


MAX_BATCH_SIZE = 100_000
"""The largest batch: its records are held in memory, in each worker, twice over."""
MAX_WORKERS = 64
"""The most processes an import starts (all of them at once)."""


def run(args: argparse.Namespace) -> int:
    service = service_from(args)
    store = persistent_store(service)
    window = service.config.date_window  # the years a record's dates may lie in
    try:
        if sys.stderr.isatty():
            report = _with_progress(store, args, window)
        else:
            report = import_file(
                store,
                args.kind,
                args.file,
                batch_size=args.batch_size,
                workers=args.workers,
                window=window,
            )
    finally:
        store.close()
    for invalid in report.invalid:
        where = f"{report.file}:{invalid.line} (record {invalid.number})"
        for problem in invalid.problems:
            print(printable(f"{where}: {problem.pointer or '(root)'}: {problem.message}"))
    summary = printable(
        f"{report.kind}: {report.inserted} imported, {report.skipped} already present, "
        f"from {report.file} ({report.batches} batches)"
    )
    if report.invalid:
        print(
            f"{summary}; stopped at an invalid batch ({len(report.invalid)} invalid "
            "record(s)): fix the file and run the import again"
        )
        return 1
    print(summary)
    if report.kind == "case" and report.inserted:
        config = f" --config {shlex.quote(args.config)}" if args.config else ""
        print(
            printable(
                f"next: govservice{config} audit attest (chains the histories the cases "
                "brought with them)"
            )
        )
    return 0


def _with_progress(store, args: argparse.Namespace, window):
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    total = _count_lines(Path(args.file))
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        transient=True,
        console=Console(stderr=True),  # standard error is the terminal asked; ours escapes
    ) as progress:
        task = progress.add_task(f"importing {args.kind}", total=total)
        return import_file(
            store,
            args.kind,
            args.file,
            batch_size=args.batch_size,
            workers=args.workers,
            progress=lambda done: progress.update(task, completed=done),
            window=window,
        )


def _count_lines(path: Path) -> int | None:
    """Lines in the file (an estimate of the records, for the progress bar)."""
    try:
        with path.open("rb") as stream:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: stream.read(1 << 20), b""))
    except OSError:
        return None
