"""Reading records from files: JSON (one document or an array), JSON Lines and YAML.

Each record comes with the file and the line where it starts, so a report can point a
clerk at it. JSON Lines is streamed line by line in constant memory; JSON and YAML files
are parsed whole before the first record is handed out, so a syntax error anywhere in
them is reported before anything else. YAML goes through the safe loader only, with
timestamps left as text (a schema checks their form).

A file says one thing or is refused: an object that gives a key twice is an error naming
both places (:class:`~govservice.errors.DuplicateKeyError`), where parsers would keep the
last without a word; and an empty array (or YAML's ``null``) holds no records, as an empty
file does (:class:`~govservice.errors.EmptyInputError`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import yaml

from govservice import jsonio
from govservice.errors import (
    BinaryInputError,
    DuplicateKeyError,
    EmptyInputError,
    InputNotFoundError,
    MalformedInputError,
    UnknownInputFormatError,
)
from govservice.validation import has_surrogate_escape
from govservice.yamlio import DuplicateYAMLKey, SafeTextDatesLoader, check_expansion

__all__ = ["FORMATS", "Record", "read_records"]

FORMATS = {".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".yaml": "yaml", ".yml": "yaml"}
_SNIFF_BYTES = 8192


@attrs.frozen
class Record:
    """One document read from a file: where it starts (line, 1-based) and its number."""

    file: str
    line: int
    number: int
    document: Any
    surrogate_escape: bool = True
    """Whether the text it was read from has an escape of a surrogate, so that it may hold
    a lone one (:func:`govservice.validation.has_surrogate_escape`); False only when not."""


def read_records(path: str | Path) -> Iterator[Record]:
    """Every record in the file at ``path``, in order.

    :raises InputError: (a subclass naming the file and, where known, the line) when the
        file is missing, empty, binary, of an unknown type or not well-formed.
    """
    path = Path(path)
    name = str(path)
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        known = ", ".join(sorted(FORMATS))
        raise UnknownInputFormatError(
            f"cannot tell the format from the extension {path.suffix or '(none)'!r}; "
            f"use one of {known}",
            where=name,
        )
    _check_readable(path)
    reader = {"json": _json_records, "jsonl": _jsonl_records, "yaml": _yaml_records}[kind]
    return reader(path, name)


def _check_readable(path: Path) -> None:
    name = str(path)
    if not path.is_file():
        what = "is a folder, not a file" if path.is_dir() else "no such file"
        raise InputNotFoundError(what, where=name)
    try:
        with path.open("rb") as stream:
            head = stream.read(_SNIFF_BYTES)
    except OSError as error:
        raise InputNotFoundError(f"cannot be read: {error.strerror}", where=name) from None
    if not head.strip():
        raise EmptyInputError("the file is empty", where=name)
    if b"\x00" in head:
        raise BinaryInputError("a binary file, not UTF-8 text", where=name)


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise BinaryInputError(
            f"not UTF-8 text (byte {error.start} cannot be decoded)", where=str(path)
        ) from None


def _jsonl_records(path: Path, name: str) -> Iterator[Record]:
    number = 0
    try:
        with path.open(encoding="utf-8-sig") as stream:
            for line_number, line in enumerate(stream, start=1):
                if not line.strip():
                    continue
                try:
                    document = jsonio.loads(line)
                except json.JSONDecodeError as error:
                    raise MalformedInputError(
                        f"not valid JSON at column {error.colno}: {error.msg}",
                        where=f"{name}:{line_number}",
                    ) from None
                except jsonio.DuplicateKey as error:
                    message, _ = jsonio.duplicate_message(line, error, 0, line_number)
                    raise DuplicateKeyError(message, where=f"{name}:{line_number}") from None
                except (RecursionError, ValueError) as error:
                    raise MalformedInputError(
                        unreadable(error), where=f"{name}:{line_number}"
                    ) from None
                number += 1
                yield Record(name, line_number, number, document, has_surrogate_escape(line))
    except UnicodeDecodeError as error:
        raise BinaryInputError(
            f"not UTF-8 text (byte {error.start} of a line cannot be decoded)", where=name
        ) from None
    if number == 0:
        raise EmptyInputError("the file holds no records", where=name)


def unreadable(error: Exception) -> str:
    """Why data that parsed as text cannot be used (too deep, a number too long ...)."""
    if isinstance(error, RecursionError):
        return "nested too deeply"
    if "integer string conversion" in str(error):
        return "a number has more than 4,300 digits"
    return f"cannot be read as data: {str(error).splitlines()[0]}"


def _skip_space(text: str, index: int) -> int:
    while index < len(text) and text[index] in " \t\r\n":
        index += 1
    return index


def _json_records(path: Path, name: str) -> Iterator[Record]:
    text = _text(path)
    try:
        located = _json_documents(text)
    except json.JSONDecodeError as error:
        raise MalformedInputError(
            f"not valid JSON at column {error.colno}: {error.msg}", where=f"{name}:{error.lineno}"
        ) from None
    except jsonio.DuplicateKey as error:
        message, line = jsonio.duplicate_message(text, error)
        raise DuplicateKeyError(message, where=f"{name}:{line}") from None
    except (RecursionError, ValueError) as error:
        raise MalformedInputError(unreadable(error), where=name) from None
    if not located:
        raise EmptyInputError("the file holds no records (an empty array)", where=name)
    escaped = has_surrogate_escape(text)
    return (
        Record(name, line, number, document, escaped)
        for number, (line, document) in enumerate(located, start=1)
    )


def _json_documents(text: str) -> list[tuple[int, Any]]:
    """Parse ``text``: an array gives each element with the line it starts on."""
    decoder = jsonio.decoder
    index = _skip_space(text, 0)
    if not text.startswith("[", index):
        document, end = decoder.raw_decode(text, index)
        _expect_end(text, end)
        return [(text.count("\n", 0, index) + 1, document)]
    located: list[tuple[int, Any]] = []
    line, counted = 1, 0
    index = _skip_space(text, index + 1)
    if text.startswith("]", index):
        _expect_end(text, index + 1)
        return located
    while True:
        line += text.count("\n", counted, index)
        counted = index
        document, index = decoder.raw_decode(text, index)
        located.append((line, document))
        index = _skip_space(text, index)
        if text.startswith(",", index):
            index = _skip_space(text, index + 1)
            continue
        if text.startswith("]", index):
            _expect_end(text, index + 1)
            return located
        raise json.JSONDecodeError("expected ',' or ']' after an array element", text, index)


def _expect_end(text: str, index: int) -> None:
    index = _skip_space(text, index)
    if index != len(text):
        raise json.JSONDecodeError("extra data after the document", text, index)


def _yaml_records(path: Path, name: str) -> Iterator[Record]:
    text = _text(path)
    located: list[tuple[int, Any]] = []
    documents = 0
    loader = SafeTextDatesLoader(text)
    try:
        while loader.check_node():
            node = loader.get_node()
            documents += 1
            check_expansion(node)
            document = loader.construct_document(node)
            if isinstance(node, yaml.SequenceNode):
                lines = [child.start_mark.line + 1 for child in node.value]
                located.extend(zip(lines, document, strict=True))
            elif document is not None:
                located.append((node.start_mark.line + 1, document))
    except DuplicateYAMLKey as error:
        raise DuplicateKeyError(error.problem, where=f"{name}:{error.line}") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        where = f"{name}:{mark.line + 1}" if mark else name
        problem = getattr(error, "problem", None) or str(error)
        raise MalformedInputError(f"not valid YAML: {problem}", where=where) from None
    except (RecursionError, ValueError) as error:
        raise MalformedInputError(unreadable(error), where=name) from None
    finally:
        loader.dispose()
    if not documents:
        raise EmptyInputError("the file holds no records", where=name)
    if not located:
        raise EmptyInputError("the file holds no records (an empty list, or null)", where=name)
    escaped = has_surrogate_escape(text)
    return (
        Record(name, line, number, document, escaped)
        for number, (line, document) in enumerate(located, start=1)
    )
