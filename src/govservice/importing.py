"""Bulk import of JSON Lines files into a store, through validation.

The file is read in batches of lines. Each batch is parsed and validated (by worker
processes, one fewer than the cores, when there is more than one: parsing and validation
are the costly part, and the database writes of this process overlap them; they end
with it, however it ends: :mod:`govservice.lifetime`), its rows
packed as the store takes them (:mod:`govservice.store.bulk`), then written in one
transaction, skipping records whose identity is already stored. So an import that is
interrupted (a power cut, a killed process) leaves only whole batches behind, and running
it again finishes it without duplicates.

A batch holding an invalid record is not written, nor anything after it: every problem
of that batch is reported, and the batches before it stay imported. Fix the file and run
the import again; what is already in the store is skipped.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import itertools
import json
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import attrs

from govservice import jsonio
from govservice.errors import BinaryInputError, DuplicateKeyError, MalformedInputError, UsageError
from govservice.formats import DEFAULT_WINDOW, DateWindow
from govservice.kinds import kind_named
from govservice.lifetime import die_with_parent
from govservice.records import read_records, unreadable
from govservice.store.bulk import Packer
from govservice.store.columns import columns_of
from govservice.validation import (
    Problem,
    has_surrogate_escape,
    lone_surrogate,
    validator_for,
)

BATCH_SIZE = 500
BOM = b"\xef\xbb\xbf"
ASCII_SPACE = " \t\n\r\x0b\x0c"
"""What :meth:`bytes.strip` strips: a line of nothing else is blank, one holding other
white space (an ideographic space, say) is a record, and malformed."""
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


@attrs.frozen
class Span:
    """Where a batch lies in the file: what a worker needs to read it itself, so that the
    lines' text is not sent to it (the reader keeps the text for the rows it writes)."""

    start: int
    end: int
    first_line: int
    first_record: int


Batch = tuple[Span, list[bytes]]
"""Where a batch lies, and its records' JSON texts as read (UTF-8, stripped)."""
Prepared = tuple[Any, list[Invalid]]
"""The batch's rows as the store's :meth:`~govservice.store.base.Store.import_packer`
packed them (None when a record is invalid: the batch is not written), and the invalid
records."""


def import_file(
    store: Any,
    kind: str,
    path: str | Path,
    *,
    batch_size: int = BATCH_SIZE,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
    window: DateWindow = DEFAULT_WINDOW,
) -> ImportReport:
    """Import the JSON Lines file at ``path`` into ``store`` as records of ``kind``.

    :param workers: processes at work, this one included (default: one per core); with
        ``n`` > 1, ``n - 1`` worker processes parse and validate while this one writes.
    :param progress: called with the number of records read after each batch is written.
    :param window: the years a date or a time may lie in (the configuration's).
    :raises InputError: the file is missing, empty, binary or has a malformed line (batches
        before the malformed line are imported).
    """
    kind_named(kind)
    if batch_size < 1 or (workers is not None and workers < 1):
        raise UsageError("batch_size and workers are whole numbers of at least 1")
    path = Path(path)
    if path.suffix.lower() not in (".jsonl", ".ndjson"):
        # other formats are read whole: validate them the ordinary way, in one batch stream
        return _import_records(store, kind, path, batch_size, progress, window)
    read_records(path)  # the checks of a readable, non-empty text file, before any work
    report = ImportReport(kind=kind, file=str(path))
    workers = workers or os.cpu_count() or 1
    batches = _line_batches(path, batch_size)
    prepare = functools.partial(
        _prepare, kind, str(path), store.import_packer(kind), window=window
    )
    if workers > 1:
        with ProcessPoolExecutor(  # workers that end with this process, however it ends
            max_workers=workers - 1, initializer=die_with_parent, initargs=(os.getpid(),)
        ) as pool:
            _write_all(store, kind, report, _ordered(pool, prepare, batches, workers), progress)
    else:
        _write_all(store, kind, report, ((b, prepare(b[0])) for b in batches), progress)
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
    for (_, texts), (packed, invalid) in prepared:
        report.read += len(texts)
        if invalid:
            report.invalid.extend(invalid)
            return
        if kind == "station":
            _check_stations(store, texts)
        if kind == "intermediary":
            _check_offers(store, texts)
        report.inserted += store.import_packed(kind, packed, texts)
        report.written += len(texts)
        report.batches += 1
        if progress is not None:
            progress(report.written)


def _check_stations(store: Any, texts: list[bytes]) -> None:
    """Refuse a batch of stations of which one breaks the level rules (a station exactly
    one level below its parent, within its parent's county, no cycle), as
    :meth:`govservice.stations.Stations.add_all` does; the batch is not written."""
    from govservice.codec import from_document
    from govservice.model import Station
    from govservice.stations.facade import placed

    placed(store, [from_document(Station, json.loads(text), check=False) for text in texts])


def _check_offers(store: Any, texts: list[bytes]) -> None:
    """Refuse a batch of agencies of which one offers a listed service outside the list or
    its fee regime, as :meth:`govservice.intermediaries.agencies.Agencies.register` does,
    on the day it registered (else as the list stands); the batch is not written. An
    offer naming no service of the list (a record of old) is taken as it is."""
    import datetime as dt

    from govservice.codec import from_document
    from govservice.intermediaries.offers import check_offer
    from govservice.model import Intermediary

    listed: dict[str, Any] = {}
    for text in texts:
        agency = from_document(Intermediary, json.loads(text), check=False)
        day = agency.registered_on or dt.date.max
        for offer in agency.services:
            code = offer.service_code
            if code is None:
                continue
            if code not in listed:
                stored = store.get("intermediary-service", code)
                listed[code] = None if stored is None else stored.record
            check_offer(agency, offer, listed[code], day)


def _ordered(pool: ProcessPoolExecutor, prepare, batches: Iterator[Batch], workers: int):
    """``pool.map`` in order, with a bounded number of batches in flight."""
    pending: list = []
    for batch in batches:
        pending.append((batch, pool.submit(prepare, batch[0])))
        if len(pending) >= workers * IN_FLIGHT:
            done, future = pending.pop(0)
            yield done, future.result()
    for done, future in pending:
        yield done, future.result()


def _line_batches(path: Path, size: int) -> Iterator[Batch]:
    """The file in batches of ``size`` non-blank lines: each batch's span and texts.

    The lines are taken as bytes, many at a time, and only stripped here: the workers,
    which read each span again, decode and parse them."""
    with path.open("rb") as stream:
        offset = line = record = 0
        while True:
            start, first_line, texts = offset, line + 1, []
            while len(texts) < size:
                raws = list(itertools.islice(stream, size - len(texts)))
                if not raws:
                    break
                if line == 0 and raws[0].startswith(BOM):
                    raws[0] = raws[0][len(BOM) :]
                    start = offset = len(BOM)
                offset += sum(map(len, raws))
                line += len(raws)
                texts += filter(None, map(bytes.strip, raws))
            if not texts:
                return
            yield Span(start, offset, first_line, record + 1), texts
            record += len(texts)


def _prepare(
    kind: str, file: str, packer: Packer, span: Span, window: DateWindow = DEFAULT_WINDOW
) -> Prepared:
    """Read, parse and validate one batch (in a worker process, or in this one): its rows
    packed by ``packer`` for ``Store.import_packed``, and the invalid records."""
    validator = validator_for(kind_named(kind), window)
    with open(file, "rb") as stream:
        stream.seek(span.start)
        raw = stream.read(span.end - span.start)
    try:
        block = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = span.first_line + raw.count(b"\n", 0, error.start)
        raise BinaryInputError("not UTF-8 text", where=f"{file}:{line}") from None
    with _no_cycle_collection():
        rows, invalid = _prepare_lines(kind, file, span, block, validator)
        return (None if invalid else packer(rows)), invalid


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Parsed documents hold no cycles and are freed by reference counting; the cycle
    collector, woken by every few hundred new dicts, only costs time here."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


_SCAN = jsonio.scan_once
"""The scanner of :func:`json.loads` (with a key given twice refused): called on a line
that is one JSON value and nothing else (nearly every line), it gives what ``json.loads``
gives, without its steps around."""


def _prepare_lines(
    kind: str, file: str, span: Span, block: str, validator: Any
) -> tuple[list[tuple], list[Invalid]]:
    rows, invalid = [], []
    columns, is_valid = columns_of(kind), validator.is_valid
    number = span.first_record
    for line, text in enumerate(block.split("\n"), start=span.first_line):
        if not text.strip(ASCII_SPACE):  # blank as the reader judges it (bytes.strip)
            continue
        if text[-1] == "\r":  # a CRLF line end (files from Windows): JSON white space
            text = text[:-1]
        try:
            document, end = _SCAN(text, 0)
        except (StopIteration, ValueError, RecursionError):
            document, end = None, -1
        if end != len(text):  # whitespace around, or not JSON: as json.loads says
            document = _parsed(text, file, line)
        if is_valid(document) and not (
            has_surrogate_escape(text) and lone_surrogate(document) is not None
        ):
            rows.append(columns(document))
        else:
            invalid.append(Invalid(line, number, tuple(validator.problems(document))))
        number += 1
    return rows, invalid


def _parsed(text: str, file: str, line: int) -> Any:
    try:
        return jsonio.loads(text)
    except json.JSONDecodeError as error:
        raise MalformedInputError(
            f"not valid JSON at column {error.colno}: {error.msg}", where=f"{file}:{line}"
        ) from None
    except jsonio.DuplicateKey as error:
        raise DuplicateKeyError(
            jsonio.duplicate_message(text, error, 0, line)[0], where=f"{file}:{line}"
        ) from None
    except (RecursionError, ValueError) as error:  # a number of 5,000 digits, say
        raise MalformedInputError(unreadable(error), where=f"{file}:{line}") from None


def _import_records(
    store: Any,
    kind: str,
    path: Path,
    batch_size: int,
    progress: Callable[[int], None] | None,
    window: DateWindow = DEFAULT_WINDOW,
) -> ImportReport:
    """Import from JSON or YAML (parsed whole by :mod:`govservice.records`)."""
    records = read_records(path)
    report = ImportReport(kind=kind, file=str(path))
    validator = validator_for(kind_named(kind), window)

    packer, columns = store.import_packer(kind), columns_of(kind)

    def prepared() -> Iterator[tuple[Batch, Prepared]]:
        for chunk in iter(lambda: list(itertools.islice(records, batch_size)), []):
            texts: list[bytes] = []
            rows, invalid = [], []
            for record in chunk:
                problems = validator.problems(record.document)
                if problems:  # the batch is not written: its texts are only counted
                    invalid.append(Invalid(record.line, record.number, tuple(problems)))
                    texts.append(b"")
                    continue
                rows.append(columns(record.document))
                text = json.dumps(record.document, ensure_ascii=False, separators=(",", ":"))
                texts.append(text.encode())
            packed = None if invalid else packer(rows)
            yield (Span(0, 0, chunk[0].line, chunk[0].number), texts), (packed, invalid)

    _write_all(store, kind, report, prepared(), progress)
    return report
