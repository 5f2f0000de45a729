"""Bulk import of JSON Lines files into a store, through validation.

The file is read in batches of lines. Each batch is parsed and validated (by worker
processes when there is more than one core: parsing and validation are the costly part,
and the database writes overlap them), then written in one transaction, skipping records
whose identity is already stored. So an import that is interrupted (a power cut, a
killed process) leaves only whole batches behind, and running it again finishes it
without duplicates.

A batch holding an invalid record is not written, nor anything after it: every problem
of that batch is reported, and the batches before it stay imported. Fix the file and run
the import again; what is already in the store is skipped.
"""

from __future__ import annotations

import functools
import itertools
import json
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import attrs

from govservice.errors import MalformedInputError
from govservice.kinds import kind_named
from govservice.records import Record, read_records
from govservice.store.columns import import_row
from govservice.validation import Problem, validator_for

BATCH_SIZE = 500
IN_FLIGHT = 2  # batches prepared ahead of the writer, per worker: memory stays bounded


@attrs.frozen
class Invalid:
    """An invalid record found during an import."""

    line: int
    number: int
    problems: tuple[Problem, ...]


@attrs.define
class ImportReport:
    """What an import did."""

    kind: str
    file: str
    read: int = 0
    inserted: int = 0
    batches: int = 0
    invalid: list[Invalid] = attrs.field(factory=list)

    written: int = 0
    """Records in the batches written (inserted, or skipped as already stored)."""

    @property
    def skipped(self) -> int:
        """Records already in the store (from an earlier run), left as they were."""
        return self.written - self.inserted

    @property
    def complete(self) -> bool:
        return not self.invalid


Batch = list[tuple[int, int, str]]  # (line number, record number, line text)
Prepared = tuple[list[tuple], list[Invalid]]
"""Rows (columns only: the writer adds each line's text, so it is not sent back) and the
invalid records of a batch."""


def import_file(
    store: Any,
    kind: str,
    path: str | Path,
    *,
    batch_size: int = BATCH_SIZE,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import the JSON Lines file at ``path`` into ``store`` as records of ``kind``.

    :param workers: processes that parse and validate (default: one per core; 1 means
        all in this process).
    :param progress: called with the number of records read after each batch is written.
    :raises InputError: the file is missing, empty, binary or has a malformed line (batches
        before the malformed line are imported).
    """
    kind_named(kind)
    path = Path(path)
    if path.suffix.lower() not in (".jsonl", ".ndjson"):
        # other formats are read whole: validate them the ordinary way, in one batch stream
        return _import_records(store, kind, read_records(path), batch_size, progress)
    read_records(path)  # the checks of a readable, non-empty text file, before any work
    report = ImportReport(kind=kind, file=str(path))
    workers = workers or os.cpu_count() or 1
    batches = _line_batches(path, batch_size)
    prepare = functools.partial(_prepare, kind, str(path))
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            _write_all(store, kind, report, _ordered(pool, prepare, batches, workers), progress)
    else:
        _write_all(store, kind, report, ((b, prepare(b)) for b in batches), progress)
    return report


def _write_all(
    store: Any,
    kind: str,
    report: ImportReport,
    prepared: Iterator[tuple[Batch, Prepared]],
    progress: Callable[[int], None] | None,
) -> None:
    """Write each prepared batch in order, each in its own transaction; stop at the first
    batch that holds an invalid record."""
    for batch, (columns, invalid) in prepared:
        report.read += len(batch)
        if invalid:
            report.invalid.extend(invalid)
            return
        rows = [(*row, text.strip()) for row, (_, _, text) in zip(columns, batch, strict=True)]
        report.inserted += store.import_rows(kind, rows)
        report.written += len(rows)
        report.batches += 1
        if progress is not None:
            progress(report.written)


def _ordered(pool: ProcessPoolExecutor, prepare, batches: Iterator[Batch], workers: int):
    """``pool.map`` in order, with a bounded number of batches in flight."""
    pending: list = []
    for batch in batches:
        pending.append((batch, pool.submit(prepare, batch)))
        if len(pending) >= workers * IN_FLIGHT:
            done, future = pending.pop(0)
            yield done, future.result()
    for done, future in pending:
        yield done, future.result()


def _line_batches(path: Path, size: int) -> Iterator[Batch]:
    with path.open(encoding="utf-8-sig") as stream:
        lines = ((n, line) for n, line in enumerate(stream, start=1) if line.strip())
        numbered = ((n, record, line) for record, (n, line) in enumerate(lines, start=1))
        while batch := list(itertools.islice(numbered, size)):
            yield batch


def _prepare(kind: str, file: str, batch: Batch) -> Prepared:
    """Parse and validate one batch: rows for ``Store.import_rows``, and the invalid records."""
    validator = validator_for(kind_named(kind))
    rows, invalid = [], []
    for line, number, text in batch:
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            raise MalformedInputError(
                f"not valid JSON at column {error.colno}: {error.msg}", where=f"{file}:{line}"
            ) from None
        if validator.is_valid(document):
            rows.append(import_row(kind, document, "")[:-1])
        else:
            invalid.append(Invalid(line, number, tuple(validator.problems(document))))
    return rows, invalid


def _import_records(
    store: Any,
    kind: str,
    records: Iterator[Record],
    batch_size: int,
    progress: Callable[[int], None] | None,
) -> ImportReport:
    """Import from JSON or YAML (parsed whole by :mod:`govservice.records`)."""
    report = ImportReport(kind=kind, file="")
    validator = validator_for(kind_named(kind))

    def prepared() -> Iterator[tuple[Batch, Prepared]]:
        for chunk in iter(lambda: list(itertools.islice(records, batch_size)), []):
            report.file = chunk[0].file
            batch: Batch = []
            rows, invalid = [], []
            for record in chunk:
                text = json.dumps(record.document, ensure_ascii=False, separators=(",", ":"))
                batch.append((record.line, record.number, text))
                problems = validator.problems(record.document)
                if problems:
                    invalid.append(Invalid(record.line, record.number, tuple(problems)))
                else:
                    rows.append(import_row(kind, record.document, "")[:-1])
            yield batch, (rows, invalid)

    _write_all(store, kind, report, prepared(), progress)
    return report
