"""``govservice validate``: check files of records against the schemas.

Exit status: 0 when every record is valid, 1 when some are invalid, 2 when a file cannot
be read (missing, empty, binary, malformed) or the call is wrong.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from typing import TextIO

import attrs

from govservice.cli.common import report as report_error
from govservice.cli.common import service_from
from govservice.cli.terminal import printable, printable_json
from govservice.errors import FileAccessError, GovServiceError, InputError
from govservice.formats import DEFAULT_WINDOW
from govservice.kinds import KINDS, kind_named
from govservice.records import Record, read_records
from govservice.validation import Problem, RecordValidator, lone_surrogate, validator_for


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "validate",
        help="validate records in JSON, JSON Lines or YAML files",
        description=(
            "Validate records against the govservice JSON Schemas, identifier check digits "
            "included. Every problem of every invalid record is printed as "
            "FILE:LINE (record N): /json/pointer: message."
        ),
    )
    parser.add_argument("--kind", required=True, choices=sorted(KINDS), help="record kind")
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="report format (text)"
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help=".json, .jsonl or .yaml file")
    parser.set_defaults(run=run)


@attrs.define
class Tally:
    """Counts over a run of ``validate``."""

    records: int = 0
    invalid: int = 0
    unreadable: list[tuple[str, GovServiceError]] = attrs.field(factory=list)

    @property
    def exit_status(self) -> int:
        return 2 if self.unreadable else (1 if self.invalid else 0)


def check_records(
    records: Iterator[Record], validator: RecordValidator, tally: Tally
) -> Iterator[tuple[Record, list[Problem]]]:
    """Each invalid record with its problems; valid ones only pass the compiled fast path."""
    is_valid = validator.is_valid
    for record in records:
        tally.records += 1
        if not is_valid(record.document) or (
            record.surrogate_escape and lone_surrogate(record.document) is not None
        ):
            tally.invalid += 1
            yield record, validator.problems(record.document)


def run(args: argparse.Namespace) -> int:
    window = DEFAULT_WINDOW
    if args.config:  # plugins may be broken: outside strict mode, a warning (see main)
        service = service_from(args)
        service.plugins  # noqa: B018 - loaded to be checked
        window = service.config.date_window  # the years a record's dates may lie in
    validator = validator_for(kind_named(args.kind), window)
    report = JsonReport(sys.stdout) if args.format == "json" else TextReport(sys.stdout)
    tally = Tally()
    report.start()
    for name in args.files:
        try:
            for record, problems in check_records(read_records(name), validator, tally):
                report.invalid(record, problems)
        except InputError as error:
            tally.unreadable.append((name, error))
            report.unreadable(error)
        except OSError as error:  # permission denied, on the file or a folder of its path
            refused = FileAccessError(
                f"{error.strerror or error} (check the permissions of the file and of each "
                "folder on its path)",
                where=name,
            )
            tally.unreadable.append((name, refused))
            report.unreadable(refused)
    report.finish(tally, len(args.files))
    return tally.exit_status


def _shown(pointer: str) -> str:
    return pointer or "(root)"


class TextReport:
    """One line a problem, then a summary."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def start(self) -> None:
        pass

    def invalid(self, record: Record, problems: list[Problem]) -> None:
        where = f"{record.file}:{record.line} (record {record.number})"
        for problem in problems:
            self.out.write(printable(f"{where}: {_shown(problem.pointer)}: {problem.message}"))
            self.out.write("\n")

    def unreadable(self, error: GovServiceError) -> None:
        report_error(error)

    def finish(self, tally: Tally, files: int) -> None:
        valid = tally.records - tally.invalid
        line = (
            f"{tally.records} records in {files} file(s): {valid} valid, {tally.invalid} invalid"
        )
        if tally.unreadable:
            line += f"; {len(tally.unreadable)} file(s) could not be read"
        self.out.write(printable(line) + "\n")


class JsonReport:
    """The same report as one JSON object, written as it goes (problems are not held)."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.first = True

    def start(self) -> None:
        self.out.write('{"problems": [')

    def invalid(self, record: Record, problems: list[Problem]) -> None:
        for problem in problems:
            entry = {
                "file": record.file,
                "line": record.line,
                "record": record.number,
                "pointer": problem.pointer,
                "message": problem.message,
            }
            entry_text = printable_json(json.dumps(entry, ensure_ascii=False))
            self.out.write(("\n" if self.first else ",\n") + entry_text)
            self.first = False

    def unreadable(self, error: GovServiceError) -> None:
        report_error(error)

    def finish(self, tally: Tally, files: int) -> None:
        summary = {
            "files": files,
            "records": tally.records,
            "valid": tally.records - tally.invalid,
            "invalid": tally.invalid,
            "unreadable": [
                {"file": name, "code": error.code, "message": str(error)}
                for name, error in tally.unreadable
            ],
        }
        summary_text = printable_json(json.dumps(summary, ensure_ascii=False))
        self.out.write("],\n" + f'"summary": {summary_text}' + "}\n")
