"""Rows in the text format of PostgreSQL's ``COPY``, made here rather than by psycopg.

Bulk import writes each batch with one ``COPY ... FROM STDIN``. The import's worker
processes make the text of each row's columns (:func:`copy_lines`, the store's
``import_packer``), and the importing process only joins each line with the record's
JSON text, as read from the file (:func:`with_texts`): the work left to the process that
writes, whose time is the import's, is a few operations on bytes per batch.

The format (https://www.postgresql.org/docs/current/sql-copy.html, "Text Format"): one
line a row, its values separated by tabs; NULL is ``\\N``; in a text, a backslash, tab,
newline and carriage return are written ``\\\\``, ``\\t``, ``\\n`` and ``\\r``; booleans
are ``t`` and ``f``; numbers as Python writes them. Texts are made storable first
(:func:`govservice_postgres.text.encode`: PostgreSQL holds no NUL).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from govservice_postgres.text import encode

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_lines(rows: Iterable[Sequence[Any]]) -> bytes:
    """The COPY text of ``rows``: a line each, ended by a newline, in UTF-8."""
    return "".join([_line(row) + "\n" for row in rows]).encode()


def with_texts(lines: bytes, texts: Sequence[bytes]) -> bytes:
    """The COPY text of rows whose columns are ``lines`` (from :func:`copy_lines`) and whose
    last value is the JSON text in ``texts`` (UTF-8, in order)."""
    columns = lines.split(b"\n")
    columns.pop()  # the empty text after the last newline
    if len(columns) != len(texts):
        raise ValueError(f"{len(columns)} rows of columns for {len(texts)} texts")
    if not texts:
        return b""
    documents = b"\n".join(texts)
    if (
        b"\\" in documents  # in JSON's escapes
        or b"\t" in documents  # JSON may have tabs, carriage returns and newlines
        or b"\r" in documents  # between its values (a line of a file has no newline)
        or documents.count(b"\n") != len(texts) - 1
    ):
        texts = [_escaped(text) for text in texts]
    return b"\n".join(map(b"\t".join, zip(columns, texts, strict=True))) + b"\n"


def _escaped(text: bytes) -> bytes:
    return (
        text.replace(b"\\", b"\\\\")
        .replace(b"\t", b"\\t")
        .replace(b"\n", b"\\n")
        .replace(b"\r", b"\\r")
    )


def _line(row: Sequence[Any]) -> str:
    """One row's values, separated by tabs (no newline)."""
    # The usual row, made fast: texts that need no escape and are storable as they are,
    # beside NULLs (a NUL character stands for each here), booleans and numbers. A text
    # holding a NUL, a tab or anything to escape is seen by the counts below and takes
    # the general way.
    line = "\t".join([value if type(value) is str else _other(value) for value in row])
    if (
        "\\" in line
        or "\n" in line
        or "\r" in line
        or "\x01" in line
        or line.count("\t") != len(row) - 1
        or line.count("\x00") != row.count(None)
    ):
        return "\t".join(map(_field, row))
    return line.replace("\x00", "\\N")


def _other(value: Any) -> str:
    if value is None:
        return "\x00"
    if value is True:
        return "t"
    if value is False:
        return "f"
    return str(value)


def _field(value: Any) -> str:
    if isinstance(value, str):
        return encode(value).translate(_ESCAPES)
    if value is None:
        return "\\N"
    return _other(value)
